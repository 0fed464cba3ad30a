"""What a named generator does in a sentence: makes data, labels, or stands in for people.

A language model is the one who answers a survey ("GPT-4 answered every item"), the maker of
text or labels, or only what people were asked about or trust ("a survey on their trust in
GPT-4"): then the sentence is no finding of its own. "generation" in a model's technical terms
("a generation length of 100K tokens") makes nothing.
"""

from __future__ import annotations

from spacy.tokens import Doc

from pipeline.detect.nlp import Match
from pipeline.detect.patterns import Generator
from pipeline.detect.stance import real_people


def _nearest(m: Match, hits: list[Match]) -> int:
    return min((abs(h.start - m.start) for h in hits), default=10**6)


# A language model named after these is what people talk about, not who answers: "a survey on
# their trust in GPT-4", "attitudes toward ChatGPT", "their use of ChatGPT"
TOPIC_WORDS = frozenset("about on regarding concerning toward towards in use usage".split())
# skipped on the way back from the model to the word that makes it a topic: "trust in the
# answers of GPT-4", "their use of ChatGPT"
TOPIC_SKIP = frozenset(
    "the their its his her of a an answers responses outputs advice recommendations".split()
)
# What people feel or know about a model, whoever says it: "Trust in ChatGPT's answers was
# low", "attitudes toward GPT-4", "familiarity with ChatGPT"
ATTITUDES = frozenset(
    "trust distrust attitude attitudes perception perceptions opinion opinions view views "
    "familiarity awareness acceptance concerns concern satisfaction knowledge confidence "
    "experience experiences".split()
)
ATTITUDE_LINKS = frozenset("in of toward towards to with about on regarding".split())
# Who answers when the model is named right before it: "GPT-4 personas", "LLM respondents"
RESPONDENT_NOUNS = frozenset(
    "persona personas respondent respondents participant participants interviewee "
    "interviewees".split()
)


def _llm_respondent(doc: Doc, at: Match, by_label: dict[str, list[Match]]) -> bool | None:
    """Whether a language model named at ``at`` stands in for people in a survey or a game.

    True when the sentence replaces people with it, names it as respondents ("GPT-4
    personas"), or has something answered, made or done ("GPT-4 answered the questionnaire")
    where no real person comes before it, or after it when one does; None when it is only what
    real people were asked about ("Students completed a questionnaire about their use of
    ChatGPT"): no finding of its own.
    """
    if by_label.get("replacement"):
        return True
    after = doc[at.end : at.end + 2]
    if any(t.lower_ in RESPONDENT_NOUNS for t in after):
        return True
    if _works_on_instrument(doc):
        return False
    acts = [*by_label.get("answering", []), *by_label.get("produce", [])]
    people = [m for m in real_people(doc, by_label) if m.end <= at.start]
    if people:
        # real people come first: the model answers only if it acts after it is named
        i = _before_topic(doc, at)
        if i >= 0 and doc[i].lower_ in TOPIC_WORDS:
            return None
        return any(m.start >= at.end for m in acts)
    return bool(acts or by_label.get("action"))


# The model works on the survey itself, not as a respondent: "GPT-4 was used to translate the
# questionnaire into French", "ChatGPT drafted the survey items"
INSTRUMENT_VERBS = frozenset(
    "translate translated translating draft drafted drafting design designed designing develop "
    "developed developing write wrote written writing revise revised adapt adapted paraphrase "
    "paraphrased refine refined pretest pretested validate validated proofread proofreading "
    "edit edited".split()
)
INSTRUMENT_NOUNS = frozenset(
    "questionnaire questionnaires survey surveys item items questions instrument instruments "
    "vignettes".split()
)
INSTRUMENT_SKIP = frozenset("the a an our this each all its their".split())


def _works_on_instrument(doc: Doc) -> bool:
    """A verb of making or editing whose object is the questionnaire, its items or questions."""
    for t in doc:
        if t.lower_ in INSTRUMENT_VERBS:
            i = t.i + 1
            while i < min(len(doc), t.i + 4) and doc[i].lower_ in INSTRUMENT_SKIP:
                i += 1
            if i < len(doc) and doc[i].lower_ in INSTRUMENT_NOUNS:
                return True
    return False


def _before_topic(doc: Doc, at: Match) -> int:
    """The index of the word before the model's name, past articles and "the answers of"."""
    i = at.start - 1
    while i >= 0 and (doc[i].lower_ in TOPIC_SKIP or doc[i].text in ("'s", "’s")):
        i -= 1
    return i


def _attitude_object(doc: Doc, at: Match) -> bool:
    """The model is what someone trusts, thinks of or knows: "Trust in ChatGPT's answers"."""
    i = _before_topic(doc, at)
    return i >= 1 and doc[i].lower_ in ATTITUDE_LINKS and doc[i - 1].lower_ in ATTITUDES


# "generation" in a language model's technical terms makes nothing: "a generation length of
# 100K tokens", "next-generation agents" (LLM technical reports)
GENERATION_TERMS = frozenset(
    "length lengths speed speeds throughput latency budget budgets time times window limit "
    "limits settings setting config configuration configurations parameters hyperparameters "
    "step steps cost costs efficiency".split()
)
GENERATION_ORDINALS = frozenset(
    "next new first second third last latest previous earlier current future subsequent "
    "older younger".split()
)


def drop_terms(doc: Doc, by_label: dict[str, list[Match]]) -> None:
    """Take out of ``by_label`` the words that name a measure or a technical term, not an act:
    "a generation length of 100K tokens" makes nothing, "a learning rate" labels nothing.
    A label left with no match is removed."""
    for label, is_term in (("produce", _technical_generation), ("annotate", _no_one_labelled)):
        if label in by_label:
            kept = [m for m in by_label[label] if not is_term(doc, m)]
            if kept:
                by_label[label] = kept
            else:
                del by_label[label]


def _technical_generation(doc: Doc, m: Match) -> bool:
    return _word_between(doc, m, "generation", GENERATION_ORDINALS, GENERATION_TERMS)


def _word_between(
    doc: Doc, m: Match, word: str, before_words: frozenset[str], after_words: frozenset[str]
) -> bool:
    """``m`` is ``word`` right after one of ``before_words`` (a hyphen between allowed:
    "next-generation") or right before one of ``after_words``."""
    if doc[m.start : m.end].text.lower() != word:
        return False
    before = doc[m.start - 1].lower_ if m.start else ""
    if before == "-" and m.start >= 2:
        before = doc[m.start - 2].lower_
    after = doc[m.end].lower_ if m.end < len(doc) else ""
    return before in before_words or after in after_words


def attitude_objects(doc: Doc, gens: list[tuple[Match, Generator]]) -> set[int]:
    """The starts of the models named as what someone trusts or thinks of, with those
    coordinated after them ("trust in the answers of GPT-4 and ChatGPT")."""
    out: set[int] = set()
    previous: Match | None = None
    for m, _ in sorted(gens, key=lambda pair: pair[0].start):
        coordinated = previous is not None and all(
            t.lower_ in ("and", "or", ",", "/") for t in doc[previous.end : m.start]
        )
        if _attitude_object(doc, m) or (coordinated and previous.start in out):
            out.add(m.start)
        previous = m
    return out


def generator_category(
    gen: Generator,
    at: Match,
    by_label: dict[str, list[Match]],
    doc: Doc,
    topic: bool = False,
) -> str | None:
    """The category a named generator contributes, or None when the sentence only names it
    (or names it as what people trust or think of: ``topic``)."""
    labels = set(by_label)
    if gen.kind == "llm":
        if topic or edits_own_writing(doc):
            return None
        if "respond" in labels:
            respondent = _llm_respondent(doc, at, by_label)
            if respondent is None:
                return None
            if respondent:
                return "simulated_participants"
        # "prompted Llama 2 to generate dialogues ... annotated transcripts": the verb nearest
        # the model says what it made
        produce = _nearest(at, by_label.get("produce", []))
        annotate = _nearest(
            at, [m for m in by_label.get("annotate", []) if not _by_people(doc, m, by_label)]
        )
        if min(produce, annotate) == 10**6:
            # "We use a GPT-3 prompt adapted from ...": the model was prompted for text
            return "llm_text" if _prompted(doc, by_label) else None
        return "model_labels" if annotate < produce else "llm_text"
    if gen.kind in ("oversampler",):
        return gen.category
    if gen.generic and "produce" not in labels:
        # a family name ("WGAN improves GAN by using the Wasserstein distance", "we adopt the
        # network structure of DCGAN") is the model, not data, unless it makes something
        return None
    if "produce" in labels or "action" in labels or "passive_action" in labels:
        return gen.category
    return None


# A model that edited the paper's own prose made no data: "We used ChatGPT to polish the
# language of this manuscript", "the authors used GPT-4 in order to improve readability",
# "ChatGPT was used for language editing", "to suggest changes to grammar and syntax" (the
# declarations journals ask for; seen in: pqa, researchmat). Not "to improve
# the readability of the discharge summaries": that text is the study's material.
EDIT_VERBS = frozenset(
    "draft drafted drafting polish polished polishing proofread proofreading proofreads edit "
    "edited editing copyedit copyedited copy-edit copy-edited improve improved improving enhance "
    "enhanced enhancing check checked checking correct corrected correcting refine refined "
    "refining revise revised revising suggest suggested suggesting".split()
)
WRITING_NOUNS = frozenset(
    "language grammar grammatical syntax spelling english readability wording writing style "
    "clarity fluency phrasing prose punctuation typos typographical".split()
)
EDIT_NOUNS = frozenset(
    "editing polishing checking check checks correction corrections improvement improvements "
    "assistance support proofreading revision revisions".split()
)
OWN_WORK = frozenset("manuscript manuscripts paper article draft drafts submission".split())
EDIT_SKIP = frozenset(
    "the a an our this its their overall general english and of , up to changes edits".split()
)

# the same sets joined once: what may stand between an editing verb and its writing noun, a
# list of writing nouns ("language and readability"), and what "of ..." may name
_EDIT_PHRASE = EDIT_SKIP | WRITING_NOUNS
_WRITING_LIST = WRITING_NOUNS | {"and", ","}
_OWN_WORK_OBJECT = OWN_WORK | {"work", "study"}


def edits_own_writing(doc: Doc) -> bool:
    """The sentence says a tool edited the wording of the paper itself, and of nothing else."""
    for t in doc:
        word = t.lower_
        if word in WRITING_NOUNS and t.i + 1 < len(doc) and doc[t.i + 1].lower_ in EDIT_NOUNS:
            return _of_own_work(doc, t.i + 2)  # "language editing", "grammar checks"
        if word in ("proofread", "proofreading", "copyedit", "copy-edit", "copyedited"):
            return _of_own_work(doc, t.i + 1)
        if word not in EDIT_VERBS:
            continue
        i = t.i + 1
        while i < min(len(doc), t.i + 6) and doc[i].lower_ in _EDIT_PHRASE:
            if doc[i].lower_ in WRITING_NOUNS:
                return _of_own_work(doc, i + 1)
            i += 1
        if i < len(doc) and doc[i].lower_ in OWN_WORK:
            return True
    return False


def _of_own_work(doc: Doc, i: int) -> bool:
    """After "the language" or "language editing": nothing, or "of" the paper itself."""
    while i < len(doc) and doc[i].lower_ in _WRITING_LIST:
        i += 1
    if i >= len(doc) or doc[i].lower_ != "of":
        return True
    # "of the final draft", "of this manuscript", "of our revised paper"
    return any(t.lower_ in _OWN_WORK_OBJECT for t in doc[i + 1 : i + 5])


# People who label or rate; with the human subjects of the context patterns ("participants")
HUMAN_LABELLERS = frozenset(
    "raters annotators experts judges coders graders assessors evaluators radiologists "
    "pathologists dermatologists ophthalmologists crowdworkers".split()
)
AGENT_REACH = 3  # words between the people and their verb: "two radiologists independently"


def _by_people(doc: Doc, verb: Match, by_label: dict[str, list[Match]]) -> bool:
    """People are who labels or rates: "Participants rated the GPT-4 vignettes", "the images
    were graded by two radiologists". Then the model only made what they rated."""
    people = {i for m in real_people(doc, by_label) for i in range(m.start, m.end)}
    people |= {t.i for t in doc if t.lower_ in HUMAN_LABELLERS}
    before = range(max(0, verb.start - AGENT_REACH - 1), verb.start)
    if any(i in people for i in before):
        return True
    after = doc[verb.end : verb.end + AGENT_REACH + 2]
    return bool(after) and after[0].lower_ == "by" and any(t.i in people for t in after)


# A verb of judging in the past tense: what was done to the paper's data, not what models do
JUDGED = frozenset(
    "scored rated labelled labeled annotated judged graded classified screened".split()
)


def judged_by_model(doc: Doc, by_label: dict[str, list[Match]]) -> bool:
    """Something was judged, and not by people: "an LLM judge (GPT-4) scored each response",
    "responses were rated by GPT-4" (not "the images were graded by two radiologists")."""
    return any(
        doc[m.start].lower_ in JUDGED and not _by_people(doc, m, by_label)
        for m in by_label.get("annotate", [])
    )


# Prompting a model as a verb: "we prompted GPT-4 to ...", "by prompting DeepSeek-V3 to ..."
# (not "prompt tuning", "prompt-level accuracy", "sensitive to prompts")
PROMPT_SUBJECTS = frozenset("we i then by first".split())
GRADE_BEFORE = frozenset(
    "- first second third fourth fifth sixth seventh eighth ninth tenth 1st 2nd 3rd 4th 5th "
    "6th 7th 8th 9th 10th high low intermediate histological tumour tumor school".split()
)
GRADE_AFTER = frozenset("level levels reading school students pupils glioma tumour tumor".split())


def _prompted(doc: Doc, by_label: dict[str, list[Match]]) -> bool:
    for m in by_label.get("action", []):
        word = doc[m.start : m.end].text.lower()
        before = doc[m.start - 1].lower_ if m.start else ""
        if word == "prompted" or (word in ("prompt", "prompting") and before in PROMPT_SUBJECTS):
            return True
    return False


# "a learning rate of 5e-6", "the success rate", "F1 score", "z-scores": measures, not labels
RATE_BEFORE = frozenset(
    "learning error success pass win acceptance sampling response drop dropout heart failure "
    "mortality false true positive negative hit miss data bit frame refresh growth birth death "
    "decay warmup warm-up attack solve resolution compression".split()
)
RATE_AFTER = frozenset("of limit limits schedule schedules scheduler decay".split())
SCORE_BEFORE = frozenset(
    "f1 f-1 bleu rouge bert z risk propensity accuracy quality similarity confidence "
    "perplexity reward benchmark test exam".split()
)


def _no_one_labelled(doc: Doc, m: Match) -> bool:
    """A grade, rate or score that no one gave: "a fifth-grade reading level", "high-grade
    glioma", "a learning rate of 5e-6", "the F1 score"."""
    return (
        _word_between(doc, m, "grade", GRADE_BEFORE, GRADE_AFTER)
        or any(_word_between(doc, m, w, RATE_BEFORE, RATE_AFTER) for w in ("rate", "rates"))
        or any(_word_between(doc, m, w, SCORE_BEFORE, frozenset()) for w in ("score", "scores"))
    )
