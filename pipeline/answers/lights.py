"""The checklist's traffic lights: each question of the editor's page and when it gets which light.

Data, in one place: the page's legend ("How to read the lights"), the README's table and the
code that picks a light (:mod:`pipeline.answers.screening`) all read it.
"""

from __future__ import annotations

LIGHTS = ("red", "amber", "green", "grey")

# (key, question, {light: when the question gets that light}); the report's legend.
LIGHT_RULES: tuple[tuple[str, str, dict[str, str]], ...] = (
    (
        "uses_synthetic",
        "synthetic data used",
        {
            "amber": "not a fault in itself: read the rows below",
            "green": "no sentence in which the authors use synthetic data",
            "grey": "not assessed (language not supported)",
        },
    ),
    (
        "categories",
        "kind",
        {
            "red": "simulated_participants: people simulated by a model",
            "amber": "only synthetic_other: the paper does not say what kind of data",
            "green": "the kind of data is named",
            "grey": "no synthetic data used",
        },
    ),
    (
        "roles",
        "role",
        {
            "red": "replacement (of real data or people) and no real-data check found",
            "amber": "training, evaluation, replacement or analysis: the results rest on the "
            "synthetic data; or no role stated",
            "green": "only augmentation, method_check or release",
            "grey": "no synthetic data used",
        },
    ),
    (
        "generators",
        "generator named",
        {
            "green": "a generator is named (GPT-4, Synthea, StyleGAN2, SMOTE, ...)",
            "amber": "no generator named: the data are hard to reproduce",
            "grey": "no synthetic data used",
        },
    ),
    (
        "real_data_check",
        "validated on real data",
        {
            "green": "a sentence evaluates or validates on real data",
            "red": "no such sentence, and the synthetic data trains, evaluates, replaces or "
            "is analysed",
            "amber": "no such sentence, but the data only check a method or are released",
            "grey": "no synthetic data used",
        },
    ),
    (
        "medical",
        "medical context",
        {
            "amber": "clinical work that uses synthetic data: errors can reach patients",
            "green": "not clinical work",
            "grey": "no synthetic data used (shown for information)",
        },
    ),
    (
        "participants_replaced",
        "human participants replaced",
        {
            "red": "simulated people stand in for human participants",
            "green": "no simulated participants",
            "grey": "not assessed",
        },
    ),
    (
        "in_abstract",
        "disclosed in abstract",
        {
            "green": "a use sentence is in the abstract",
            "amber": "the use is stated only in the body, not up front",
            "grey": "no synthetic data used",
        },
    ),
)
QUESTIONS = {key: question for key, question, _ in LIGHT_RULES}
RULES = {key: rules for key, _, rules in LIGHT_RULES}
