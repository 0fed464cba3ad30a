"""Document, Section and Passage: what every reader produces and the detector consumes."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

SECTION_KINDS = (
    "abstract",
    "introduction",
    "related_work",
    "methods",
    "results",
    "discussion",
    "limitations",
    "conclusion",
    "acknowledgements",
    "references",
    "appendix",
    "other",
)

# Heading words -> normalised kind. Checked in order: the first rule whose regex matches wins, so
# specific names ("related work") come before generic ones ("work"). Only words that name one
# kind whatever the field are here; a heading named after the paper's own method ("3 SynthGen")
# gets its kind from its place in the paper (``pipeline.sources.outline``). Where a word sits
# between two kinds, the choice is written beside it.
_HEADING_RULES: tuple[tuple[str, str], ...] = (
    ("abstract", r"^(abstract|summary|synopsis|resumo|resumen|r[ée]sum[ée]|author summary)$"),
    (
        "references",
        r"^(references?|bibliography|literature cited|works cited|citations|"
        r"referências|referencias|refer[eê]ncias bibliogr[aá]ficas|references and notes)$",
    ),
    (
        "acknowledgements",
        # Back matter: thanks, money, who did what, who wrote it (LLM reports list "Authors").
        r"^(acknowledge?ments?|acknowledge?ment|funding|agradecimentos|"
        r"agradecimientos|authors?['’]? contributions|competing interests|"
        r"conflicts? of interests?( statement)?|declaration of competing interests?|"
        r"declarations?( of interests?)?|"
        r"ethics( statement| approval.*)?|availability of (data|code|materials)"
        r"( and (data|code|materials))?|"
        r"(data|code|software)( and (data|code|software|materials))? availability( statement)?|"
        r"consent for publication|abbreviations|funding (information|statement|sources?)|"
        r"disclosures?( statement)?|author (information|contributions statement)|"
        r"additional information|authors|author list|contributors|core contributors|"
        r"contributions and acknowledge?ments?|acknowledge?ments? and (funding|disclosures?))$",
    ),
    (
        "appendix",
        r"^(appendix|appendices|supplementary|supplemental|supporting information|"
        r"online methods|anexo|ap[eê]ndice)\b",
    ),
    (
        "related_work",
        r"^(related work|related works|prior work|previous work|literature review|"
        r"related literature|background and related work|related research|review of literature|"
        r"related stud(y|ies)|previous (studies|research|approaches)|prior art|"
        r"existing (work|methods|approaches)|state of the art$|"
        r"review of (related|prior|previous|existing)|related area|literature (study|survey)|"
        r"comparisons? (with|to) (related|prior|previous|existing) (work|studies|methods)|"
        r"(a )?((brief|short) )?(survey|review) of)",
    ),
    (
        "limitations",
        r"^(limitations?|strengths and limitations|threats to validity|"
        r"limitations and future work)",
    ),
    ("results", r"\bresults$"),  # "Simulation results", "Quantitative Results"
    (
        "introduction",
        # Preliminaries, like background, mostly restate others' definitions and methods.
        r"^(introduction|introdu[cç][aã]o|introducci[oó]n|background|motivation|"
        r"overview|preliminaries|preliminary (concepts|definitions|notions|background))\b|"
        r"\bpreliminaries$",
    ),
    # Related work named anywhere but after an introduction: "Tasks and Related Work: Tagging".
    ("related_work", r"\brelated works?\b"),
    (
        "methods",
        # Evaluation and experiments hold the set-up and often the results too: methods.
        r"^(methods?|materials and methods|material and methods|methodology|"
        r"experimental (setup|set-up|design|section|procedures?|evaluation|settings?|protocol)|"
        r"experiments?|data|datasets?|"
        r"data and methods|study design|approach|model|models|implementation|training|"
        r"setup|patients and methods|subjects and methods|m[ée]todos?|materiais e m[ée]todos|"
        r"materiales y m[ée]todos|metodologia|metodolog[ií]a|simulation study|simulations?|"
        r"evaluation|experimental results and evaluation|the model|our approach|proposed method|"
        r"problem (formulation|setting|setup|statement|definition|description)|"
        r"notations?$|notations? and definitions|definitions$|definitions and notations?|"
        r"(our|the proposed|proposed) (methods?|approach|framework|model|system|algorithm)|"
        r"framework|architecture|model architecture|system (design|overview|architecture)|"
        r"algorithms?(?! ?\d)|corpus|benchmarks?|pre-?processing|"
        r"(benchmark|corpus) (construction|creation|curation|design)|"
        r"pre-?training|post-?training|fine-?tuning|"
        r"numerical (experiments?|stud(y|ies)|simulations?|examples?|illustrations?)|"
        r"simulation (studies|setup|design|experiments?)|"
        r"monte carlo (simulations?|stud(y|ies)|experiments?)|"
        r"empirical (study|evaluation)|statistical (analysis|analyses|methods)|"
        r"study (population|setting|participants|sample)|participants|"
        r"materials|procedures?|measures|measurements?)\b",
    ),
    (
        "results",
        r"^(results?|findings|resultados|results and discussion|empirical results|"
        r"main results|analysis|ablations?|ablation (stud(y|ies)|analysis|experiments?)|"
        r"case stud(y|ies)|error analysis|"
        r"(quantitative|qualitative|further|additional|sensitivity|comparative|performance) "
        r"(analys[ie]s|results|comparison|experiments)|comparisons? (with|to)|"
        r"performance comparison)\b",
    ),
    (
        "discussion",
        r"^(discussion|discuss[aã]o|discusi[oó]n|general discussion|"
        r"broader impacts?|societal impacts?|impact statement)\b",
    ),
    (
        "conclusion",
        r"^(conclusions?|concluding remarks|summary and conclusions?|"
        r"conclus[aã]o|conclus[aã]oes|conclusi[oó]n|conclusiones|closing remarks|"
        r"future work|conclusion and future work|conclusions and future work|"
        r"summary and (outlook|future work|discussion)|outlook|"
        r"future (directions?|research|perspectives?|plans?)|perspectives$|"
        r"final (remarks|thoughts|words)|closing thoughts|lessons learned)\b",
    ),
)
_COMPILED_RULES = tuple((kind, re.compile(rx, re.IGNORECASE)) for kind, rx in _HEADING_RULES)
_NUMBERING = re.compile(r"^\s*(?:(?:[0-9]+|[IVXLC]+|[A-Z])(?:\.[0-9]+)*\.?\)?|§)\s+")


def section_kind(heading: str) -> str:
    """Normalise a raw heading ("3.1 Materials and Methods", "RESULTS") to a section kind."""
    text = _NUMBERING.sub("", heading.strip())
    text = re.sub(r"[\s:.\-–—]+$", "", text).strip().lower()
    text = re.sub(r"\s+", " ", text)
    for kind, rx in _COMPILED_RULES:
        if rx.search(text):
            return kind
    return "other"


@dataclass(frozen=True)
class Metadata:
    """Bibliographic facts a source states about itself; any field may be unknown (None)."""

    title: str | None = None
    authors: tuple[str, ...] = ()
    doi: str | None = None
    year: int | None = None
    venue: str | None = None
    # what the source says the paper is (JATS ``article-type``: research-article, review-article)
    article_type: str | None = None


@dataclass(frozen=True)
class Section:
    """A span of the document text under one heading; ``start``/``end`` are offsets in text."""

    heading: str
    kind: str
    start: int
    end: int


_BLANK_LINE = re.compile(r"\n\s*\n")
_NON_SPACE = re.compile(r"\S")


def _not_space(text: str, blank: re.Match[str]) -> bool:
    """Whether a non-space character stands right before a blank line."""
    return not text[blank.start() - 1].isspace()


@dataclass(frozen=True)
class Passage:
    """A paragraph-sized span of text with the section and page it belongs to."""

    start: int
    end: int
    section: str
    page: int | None
    text: str


@dataclass(frozen=True)
class Document:
    """The text of one paper plus its structure; produced by ``pipeline.sources.read``.

    ``sections`` are ordered, non-overlapping spans; text outside every section (a title block,
    say) belongs to kind ``other``. ``pages`` holds one (start, end) span per extracted PDF page
    and is empty for formats without pages. ``notes`` says what the reader skipped or repaired.
    """

    text: str
    format: str
    extractor: str
    metadata: Metadata = field(default_factory=Metadata)
    sections: tuple[Section, ...] = ()
    pages: tuple[tuple[int, int], ...] = ()
    n_pages: int | None = None
    notes: tuple[str, ...] = ()

    def section_at(self, offset: int) -> Section | None:
        """The section containing ``offset``, or None when it falls outside every section."""
        starts = [s.start for s in self.sections]
        i = bisect.bisect_right(starts, offset) - 1
        if i >= 0 and self.sections[i].start <= offset < self.sections[i].end:
            return self.sections[i]
        return None

    def page_at(self, offset: int) -> int | None:
        """1-based page number of ``offset``, or None for formats without pages."""
        if not self.pages:
            return None
        starts = [p[0] for p in self.pages]
        i = bisect.bisect_right(starts, offset) - 1
        return i + 1 if i >= 0 else 1

    def passages(self) -> Iterator[Passage]:
        """Paragraphs (runs of text separated by blank lines), each with its section and page.

        A paragraph starts at a non-space character and ends at the first non-space character
        followed by a blank line (or the end of the text).
        """
        text = self.text
        ends = [m.start() for m in _BLANK_LINE.finditer(text) if m.start() and _not_space(text, m)]
        if text and not text[-1].isspace():
            ends.append(len(text))
        section_starts = [s.start for s in self.sections]
        page_starts = [p[0] for p in self.pages]
        pos = 0
        while (m := _NON_SPACE.search(text, pos)) is not None:
            start = m.start()
            i = bisect.bisect_right(ends, start)
            if i == len(ends):
                break
            end = ends[i]
            j = bisect.bisect_right(section_starts, start) - 1
            sec = self.sections[j] if j >= 0 and start < self.sections[j].end else None
            page = None
            if page_starts:
                page = max(1, bisect.bisect_right(page_starts, start))
            yield Passage(
                start=start,
                end=end,
                section=sec.kind if sec else "other",
                page=page,
                text=text[start:end],
            )
            pos = end
