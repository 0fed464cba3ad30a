"""The paper verdict and the concern rules of TAXONOMY.md, each on a small paper."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from pipeline.detect import analyse, find
from pipeline.detect.language import detect_language
from pipeline.detect.model import Finding, Verdict
from pipeline.document import Document
from tests.detect.sentences import NEUTRAL_INTRODUCTION, build_document

MEDICAL_TITLE = "Pneumonia detection on chest radiographs of hospital patients"
MEDICAL_ABSTRACT = (
    "Pneumonia is a leading cause of hospital admission. We developed a deep learning model "
    "that flags pneumonia on chest radiographs of adult patients to support clinical triage."
)
PORTUGUESE = (
    "Neste estudo, aplicamos SMOTE e geramos dados sintéticos com uma GAN para treinar um "
    "classificador de imagens de satélite. Os resultados mostram que o modelo treinado com "
    "os dados gerados apresenta um desempenho semelhante ao do modelo treinado com as "
    "imagens originais, e que a diferença entre os dois não é significativa para as três "
    "bacias hidrográficas que foram analisadas na região."
)


def paper(*sections: tuple[str, str | list[str]], title: str | None = None) -> Document:
    """A paper with a neutral Introduction first, so that its language is detected."""
    return build_document(("Introduction", NEUTRAL_INTRODUCTION), *sections, title=title)


def assess(doc: Document) -> tuple[list[Finding], Verdict]:
    findings, verdict = analyse(doc)
    assert verdict.assessed, verdict
    assert verdict.reasons, "every verdict gives its reasons"
    assert all(isinstance(r, str) and r.strip() for r in verdict.reasons), verdict.reasons
    return findings, verdict


# ---- concern: high ---------------------------------------------------------------------------


def test_high_for_medical_training_without_real_data_check() -> None:
    doc = paper(
        ("Abstract", MEDICAL_ABSTRACT),
        (
            "Methods",
            "We trained the classifier on 20,000 synthetic chest radiographs generated with "
            "StyleGAN2.",
        ),
        title=MEDICAL_TITLE,
    )
    _, verdict = assess(doc)
    assert verdict.uses_synthetic is True
    assert verdict.medical is True
    assert verdict.real_data_check == "not_found"
    assert verdict.concern == "high"
    assert "training" in verdict.roles
    assert verdict.categories == ("generated_media",)
    assert verdict.generators == ("StyleGAN2",)
    assert any("medical" in r for r in verdict.reasons), verdict.reasons


def test_high_when_participants_are_replaced() -> None:
    doc = paper(
        (
            "Methods",
            "We prompted GPT-4 with 1,000 LLM personas and had each persona complete the "
            "questionnaire in place of human respondents.",
        ),
    )
    _, verdict = assess(doc)
    assert verdict.medical is False
    assert verdict.participants_replaced is True
    assert "simulated_participants" in verdict.categories
    assert "replacement" in verdict.roles
    assert verdict.concern == "high"
    assert any("participants" in r for r in verdict.reasons), verdict.reasons


# ---- concern: medium -------------------------------------------------------------------------


def test_medium_for_training_without_real_data_check() -> None:
    doc = paper(
        ("Methods", "We trained the parser on a synthetic dataset of 50,000 sentences."),
    )
    _, verdict = assess(doc)
    assert (verdict.medical, verdict.real_data_check) == (False, "not_found")
    assert verdict.concern == "medium"
    assert any("training" in r for r in verdict.reasons), verdict.reasons


def test_medium_for_evaluation_without_real_data_check() -> None:
    doc = paper(
        (
            "Methods",
            "We evaluated all five schema matchers on a synthetic benchmark of 300 table pairs.",
        ),
    )
    _, verdict = assess(doc)
    assert verdict.roles == ("evaluation",)
    assert (verdict.medical, verdict.real_data_check) == (False, "not_found")
    assert verdict.concern == "medium"
    assert any("evaluation" in r for r in verdict.reasons), verdict.reasons


def test_medium_for_medical_use_with_real_data_check() -> None:
    doc = paper(
        ("Abstract", MEDICAL_ABSTRACT),
        (
            "Methods",
            [
                "We trained the classifier on 20,000 synthetic chest radiographs generated "
                "with StyleGAN2.",
                "We then tested the classifier on 2,000 real chest radiographs from two "
                "hospitals, where it reached an AUC of 0.88.",
            ],
        ),
        title=MEDICAL_TITLE,
    )
    _, verdict = assess(doc)
    assert verdict.medical is True
    assert verdict.real_data_check == "found"
    assert verdict.concern == "medium"
    assert any("medical" in r for r in verdict.reasons), verdict.reasons


# ---- concern: low ----------------------------------------------------------------------------


def test_low_for_a_simulation_study() -> None:
    doc = paper(
        (
            "Simulation study",
            "We conducted a simulation study to compare the coverage of three interval "
            "estimators under skewed errors.",
        ),
    )
    _, verdict = assess(doc)
    assert verdict.categories == ("simulation",)
    assert "method_check" in verdict.roles
    assert verdict.concern == "low"


def test_low_for_augmentation_validated_on_real_data() -> None:
    doc = paper(
        (
            "Methods",
            [
                "We augmented the real training photographs with 3,000 synthetic images from a "
                "diffusion model.",
                "We evaluated the detector on 1,500 real field photographs, where it reached a "
                "recall of 0.92.",
            ],
        ),
    )
    _, verdict = assess(doc)
    assert "augmentation" in verdict.roles
    assert verdict.medical is False
    assert verdict.real_data_check == "found"
    assert verdict.concern == "low"
    assert any("real" in r for r in verdict.reasons), verdict.reasons


# ---- concern: none ---------------------------------------------------------------------------


def test_none_without_a_use_finding() -> None:
    doc = paper(
        ("Background", "Synthetic data can mitigate privacy risks [4]."),
        ("Methods", "No synthetic or simulated data were used."),
        ("Conclusion", "Future work could explore LLM-generated augmentation."),
    )
    findings, verdict = assess(doc)
    assert findings, "the background, negated and future sentences are still findings"
    assert all(f.stance != "use" for f in findings)
    assert verdict.uses_synthetic is False
    assert verdict.concern == "none"
    assert verdict.categories == verdict.roles == verdict.generators == ()
    assert verdict.participants_replaced is False


def test_none_for_a_paper_without_synthetic_data() -> None:
    findings, verdict = assess(paper(("Methods", "We mapped the flood extent by hand.")))
    assert findings == []
    assert (verdict.uses_synthetic, verdict.concern) == (False, "none")


# ---- in_abstract -----------------------------------------------------------------------------

USE_SENTENCE = "We trained the parser on a synthetic dataset of 50,000 sentences."


def test_in_abstract_when_the_abstract_states_the_use() -> None:
    doc = paper(("Abstract", USE_SENTENCE), ("Methods", USE_SENTENCE))
    _, verdict = assess(doc)
    assert verdict.in_abstract is True


def test_not_in_abstract_when_the_use_is_only_in_the_body() -> None:
    doc = paper(
        ("Abstract", "We describe a parser for regional newspapers."),
        ("Methods", USE_SENTENCE),
    )
    _, verdict = assess(doc)
    assert verdict.uses_synthetic is True
    assert verdict.in_abstract is False


# ---- real_data_check -------------------------------------------------------------------------


def test_real_data_check_found() -> None:
    doc = paper(
        (
            "Methods",
            [
                USE_SENTENCE,
                "We evaluated the parser on 800 real newspaper sentences annotated by two "
                "linguists.",
            ],
        ),
    )
    _, verdict = assess(doc)
    assert verdict.real_data_check == "found"
    assert any(r.startswith("real-data check:") for r in verdict.reasons), verdict.reasons


def test_real_data_check_not_found() -> None:
    _, verdict = assess(paper(("Methods", USE_SENTENCE)))
    assert verdict.real_data_check == "not_found"


def test_real_data_check_not_found_when_the_paper_says_it_did_not_check() -> None:
    doc = paper(
        ("Methods", USE_SENTENCE),
        ("Limitations", "The parser has not been validated on real data."),
    )
    _, verdict = assess(doc)
    assert verdict.real_data_check == "not_found"


# A sentence that says the check was NOT made is no real-data check, however it is phrased;
# one that says it was made is, even next to a negation of something else. Phrasings as papers
# of several fields write them (medical deployment, NLP, survey personas, imaging).
REAL_CHECK_SENTENCES = [
    (
        "The model was then deployed in two hospitals without validation on real patient data.",
        False,
    ),
    ("The parser was released without any evaluation on real newspaper text.", False),
    ("Without validation across real survey waves, the optimized personas may overfit.", False),
    ("The detector has not been externally validated on real radiographs.", False),
    ("The labels were never compared with real annotations by clinicians.", False),
    ("The pharmacists' annotations were not shown to the labelling model.", False),
    # a check still to come, or others' check
    ("A validation on real data is planned.", False),
    ("Validation on real clinical data is still needed.", False),
    ("Our results have not been confirmed on real data.", False),
    ("Walonoski and colleagues validated Synthea against real Massachusetts data.", False),
    ("The cohort was validated against real registry data by the Synthea team.", False),
    ("In real populations we may expect fewer units, because activities are correlated.", False),
    # counter-examples: the check was made (labels made by people are real data)
    ("On 800 notes annotated by two pharmacists, the smaller model reached an F1 of 0.81.", True),
    ("Agreement between GPT-4 labels and radiologist labels was moderate (kappa 0.62).", True),
    ("The synthetic seismograms agree closely with the experimentally measured ones.", True),
    ("We evaluated the parser on 800 real newspaper sentences without any fine-tuning.", True),
    ("We not only compared the personas with real ANES respondents but also with panels.", True),
    ("The detector was tested on 3,100 real radiographs from an external hospital.", True),
]


@pytest.mark.parametrize(("sentence", "found"), REAL_CHECK_SENTENCES)
def test_a_real_data_check_is_one_the_paper_made(sentence: str, found: bool) -> None:
    doc = paper(("Methods", [USE_SENTENCE]), ("Results", sentence))
    _, verdict = assess(doc)
    assert verdict.real_data_check == ("found" if found else "not_found"), verdict.reasons


# ---- language --------------------------------------------------------------------------------


def test_portuguese_paper_is_not_assessed() -> None:
    doc = build_document(("Resumo", PORTUGUESE), ("Métodos", PORTUGUESE))
    assert find(doc), "SMOTE matches; only the language gate keeps it out"
    findings, verdict = analyse(doc)
    assert findings == []
    assert verdict.language == "pt"
    assert verdict.assessed is False
    assert list(verdict.reasons) == ["language not supported: pt"]
    assert verdict.uses_synthetic is None
    assert verdict.concern is None


def test_too_short_text_is_not_assessed_and_says_why() -> None:
    findings, verdict = analyse(build_document(("Methods", "We generated data.")))
    assert findings == []
    assert (verdict.language, verdict.assessed) == ("und", False)
    assert verdict.reasons == (
        "language not supported: und (4 words: too little text to tell its language)",
    )


# Short texts (under 30 words: an abstract, a sentence pasted into `synthwatch screen`) are
# told by dense stop words of one language; too few words, or none of one language, is "und".
SHORT_TEXTS = [
    # English, written as papers of several fields state their data
    ("We fine-tuned a classifier on synthetic patient notes that we generated with GPT-4.", "en"),
    ("The survey answers were produced by language-model personas instead of people.", "en"),
    (
        "Synthetic images from a diffusion model were added to the training set of the detector.",
        "en",
    ),
    # Portuguese and Spanish: told, then not assessed (only English is read)
    ("Os dados sintéticos foram gerados com o Synthea para o treino do modelo.", "pt"),
    ("Los datos sintéticos se generaron con Synthea para entrenar el modelo de la clínica.", "es"),
    # counter-examples: too short, or no language's common words
    ("We generated data with a GAN.", "und"),
    ("GPT-4 Synthea CTGAN SMOTE StyleGAN2 diffusion LLM personas survey", "und"),
    ("Table 3. AUROC 0.91 0.88 0.93 sensitivity specificity F1 precision recall", "und"),
]


@pytest.mark.parametrize(("text", "language"), SHORT_TEXTS)
def test_a_short_text_is_told_by_dense_stop_words(text: str, language: str) -> None:
    assert detect_language(text) == language


def test_a_short_english_statement_of_use_is_assessed() -> None:
    findings, verdict = analyse(build_document(("Methods", SHORT_TEXTS[0][0])))
    assert verdict.assessed is True and verdict.uses_synthetic is True
    assert [f.stance for f in findings] == ["use"]


@pytest.mark.parametrize(
    "sections",
    [
        pytest.param([("Methods", USE_SENTENCE)], id="use"),
        pytest.param([("Methods", "We mapped the flood extent by hand.")], id="no-use"),
    ],
)
def test_verdict_to_dict_lists_reasons(sections: list[tuple[str, str]]) -> None:
    _, verdict = assess(paper(*sections))
    d = verdict.to_dict()
    assert isinstance(d["reasons"], list) and d["reasons"]
    assert d["concern"] in ("high", "medium", "low", "none")


# ---- whole written papers: the verdict an editor reads first ----------------------------------
# Short Markdown papers written for these tests (tests/detect/papers/), each built on a trap a
# newcomer met: a check that was not made, a survey about ChatGPT, a lab's name, LLM personas
# as respondents, labels checked against pharmacists'.
WRITTEN_PAPERS = {
    "sepsis-synthetic-deployed-unvalidated.md": (True, "not_found", "high", False),
    "silicon-samples-polling.md": (True, "found", "high", True),
    "nurses-chatgpt-survey.md": (False, None, "none", False),
    "retinopathy-real-only.md": (False, None, "none", False),
    "llm-annotators-clinical-notes.md": (True, "found", "medium", False),
    # simulation that trains nurses, and ChatGPT that polished the prose: no synthetic data
    "nursing-simulation-education.md": (False, None, "none", False),
    "gan-mammography-external.md": (True, "found", "medium", False),
    "smote-credit-default.md": (True, "found", "low", False),
    # a model's scores are the only test of medical chatbots
    "llm-judge-chatbots.md": (True, "not_found", "medium", False),
    "regression-simulation-study.md": (True, "found", "low", False),
    # a title full of "synthetic" that names no data
    "synthetic-biology-circuits.md": (False, None, "none", False),
    # trained on synthetic radiographs, validated on a real external cohort ("real" unsaid)
    "external-validation.md": (True, "found", "medium", False),
    # trained and tested on "synthetic ICU stays" only, meant for deployment
    "no-real-check.md": (True, "not_found", "high", False),
    # GPT-4 personas answer a survey, compared with the human respondents
    "silicon-vs-human.md": (True, "found", "high", True),
    # a time-series GAN's scenarios checked against later market data ("real" unsaid)
    "finance-gan.md": (True, "found", "low", False),
    "robot-sim2real.md": (True, "found", "low", False),
    # the synthetic control method is econometrics, not data
    "synthetic-control-tax.md": (False, None, "none", False),
    # a scoping review of studies that trained on synthetic images uses none itself
    "review-synthetic-imaging.md": (False, None, "none", False),
    # voices cloned with ElevenLabs and VALL-E train a detector tested on real calls
    "voice-spoofing.md": (True, "found", "low", False),
    # a GPT-4 judge's scores are the reward and the only test of a medical assistant
    "judge-reward.md": (True, "not_found", "high", False),
    # trained on Geant4 showers, tested on test-beam data ("real" unsaid)
    "calorimeter-geant4.md": (True, "found", "low", False),
    # docking simulations screen real molecules: no synthetic data
    "docking-inhibitors.md": (False, None, "none", False),
}


@pytest.mark.parametrize("name", sorted(WRITTEN_PAPERS))
def test_written_papers_get_the_verdict_an_editor_expects(name: str) -> None:
    from pathlib import Path

    from pipeline import sources

    path = Path(__file__).parent / "papers" / name
    document = sources.read_bytes(path.read_bytes(), name=name)
    _, verdict = analyse(document)
    got = (
        verdict.uses_synthetic,
        verdict.real_data_check if verdict.uses_synthetic else None,
        verdict.concern,
        verdict.participants_replaced,
    )
    assert got == WRITTEN_PAPERS[name], verdict.reasons


# ---- medical context from the title and abstract ----------------------------------------------
# Oncology, infection and trial-methods papers (plos, elife, oastm, pmp) name their medicine by
# the disease or the design, not by "patients"; a biology or agriculture paper does not.
MEDICAL_HEADS = [
    (
        "Cancer biomarker discovery: the entropic hallmark",
        "We rank candidate biomarkers of colorectal cancer by the entropy of their expression in "
        "tumours and matched normal tissue.",
        True,
    ),
    (
        "The effect of cluster size variability on statistical power in cluster-randomized trials",
        "We simulate cluster-randomized trials with unequal cluster sizes to study power.",
        True,
    ),
    (
        "Pest pressure on smallholder maize farms",
        "Decentralized data collection on 400 farms measured pest damage and realized yields.",
        False,
    ),
]


@pytest.mark.parametrize(("title", "abstract", "medical"), MEDICAL_HEADS)
def test_medical_context_is_read_from_the_disease_or_the_design(
    title: str, abstract: str, medical: bool
) -> None:
    from pipeline.detect.verdict import is_medical

    assert is_medical(build_document(("Abstract", abstract), title=title)) is medical


# ---- the fast look-up of "real" finds what the regex finds ------------------------------------
# pieces of text around "real" and the experts' labels: case, words they are part of, the
# phrases "real" must not open, and letters a case-blind regex folds otherwise than lower()
# ("İ", the Kelvin sign, the long s, the dotless i)
REAL_PIECES = [
    *"real Real REAL actual Actually -world sur un - . İ ity real-world".split(),
    *"\u212a \u017f \u0131".split(),
    *"annotated Rated read coded by two trained Pharmacists nurse expert ' ’s labels".split(),
    " world", " time", " data", " numbers", " ", "\n", "  by  ", " ratings",
]  # fmt: skip


@settings(max_examples=500, deadline=None)
@example("Notes annotated by two trained Pharmacists; the nurse’s labels on real-world data.")
@example("Images \u017fcored by two experts, and the actual \u0131mages graded by human raters.")
@given(st.lists(st.sampled_from(REAL_PIECES), max_size=12).map("".join))
def test_fast_lookups_find_what_their_regex_finds(text: str) -> None:
    from pipeline.detect.context import _CONTROL_FINDER, SYNTHETIC_CONTROL
    from pipeline.detect.verdict import _REAL_LABELS, _REAL_WORDS, REAL_LABELS, REAL_WORD

    assert _REAL_WORDS.starts(text) == [m.start() for m in REAL_WORD.finditer(text)]
    assert _REAL_LABELS.starts(text) == [m.start() for m in REAL_LABELS.finditer(text)]
    control = text.replace("real", "synthetic-control").replace("by", "Synthetic control")
    assert _CONTROL_FINDER.starts(control) == [
        m.start() for m in SYNTHETIC_CONTROL.finditer(control)
    ]
