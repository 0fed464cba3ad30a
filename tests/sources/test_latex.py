"""LaTeX reader: arXiv sources from the shared corpus, inline markup, and hostile input."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from pipeline.document import Document
from pipeline.errors import MalformedInput, NoText
from pipeline.sources.latex import inline as latex_inline
from pipeline.sources.latex import reader as latex

MISTRAL = "other/docling__2310.06825_main.tex"
HORTON_AGENTS = "other/hortonagents__general_social_agents.tex"
HOMO_SILICUS = "other/homosilicus__llm_ask.tex"
DEEPSEEK = "other/docling__2412.19437_main.tex"


def tex(body: str, preamble: str = "") -> bytes:
    return (
        "\\documentclass{article}\n" + preamble + "\n\\title{A Test}\n\\begin{document}\n"
        "\\maketitle\n" + body + "\n\\end{document}\n"
    ).encode()


def headings(doc: Document) -> list[tuple[str, str]]:
    return [(s.heading, s.kind) for s in doc.sections]


@pytest.fixture(scope="module")
def mistral(corpus: Path) -> Document:
    return latex.read((corpus / MISTRAL).read_bytes())


def test_latex_title_and_authors_with_macros_expanded(mistral: Document) -> None:
    assert mistral.metadata.title == "Mistral 7B"  # \title{\mistral}
    assert mistral.metadata.authors[0] == "Albert Q. Jiang"
    assert mistral.metadata.authors[-1] == "William El Sayed"
    assert len(mistral.metadata.authors) == 18
    assert (mistral.format, mistral.extractor) == ("latex", "latex")


def test_latex_sections_get_kinds(mistral: Document) -> None:
    kinds = dict(headings(mistral))
    assert headings(mistral)[0] == ("Abstract", "abstract")
    assert kinds["Introduction"] == "introduction"
    assert kinds["Results"] == "results"
    assert kinds["Conclusion"] == "conclusion"
    assert kinds["Acknowledgements"] == "acknowledgements"  # \section*{Acknowledgements}


def test_latex_citations_become_bracketed_keys(mistral: Document) -> None:
    assert (
        "Mistral 7B outperforms the previous best 13B model (Llama 2, [touvron2023llama2])"
        in mistral.text
    )
    assert "[child2019generating, beltagy2020longformer]" in mistral.text


def test_latex_bibtex_bibliography_is_noted_not_read(mistral: Document) -> None:
    assert any("BibTeX/biblatex builds it from ref, which is not read" in n for n in mistral.notes)
    assert "references" not in {s.kind for s in mistral.sections}


def test_latex_sections_after_appendix_are_appendix(corpus: Path) -> None:
    doc = latex.read((corpus / HORTON_AGENTS).read_bytes())
    kinds = headings(doc)
    conclusion = kinds.index(("Conclusion", "conclusion"))
    assert kinds[conclusion + 1 :]
    assert all(kind == "appendix" for _, kind in kinds[conclusion + 1 :])
    assert doc.metadata.authors == ("Benjamin S. Manning", "John J. Horton")


def test_latex_unbalanced_macro_definition_does_not_swallow_the_paper(corpus: Path) -> None:
    doc = latex.read((corpus / HORTON_AGENTS).read_bytes())
    assert any("unbalanced braces in the definition of \\starlanguage" in n for n in doc.notes)
    assert len(doc.text) > 100_000
    assert "simulating human behavior with AI agents" in doc.text  # \aisub{s} expanded


def test_latex_input_files_are_not_followed_and_noted(corpus: Path) -> None:
    doc = latex.read((corpus / HOMO_SILICUS).read_bytes())
    assert any("\\input{tables/horton.tex}" in n for n in doc.notes)
    assert any("after \\end{document} ignored" in n for n in doc.notes)


def test_latex_abstract_in_the_preamble_is_still_read(corpus: Path) -> None:
    doc = latex.read((corpus / DEEPSEEK).read_bytes())
    assert headings(doc)[0] == ("Abstract", "abstract")
    assert "We present DeepSeek-V3, a strong Mixture-of-Experts" in doc.text


def test_latex_comments_are_stripped_but_escaped_percent_is_kept() -> None:
    doc = latex.read(tex("Accuracy rose by 50\\% overall. % TODO: cut this\nThe end."))
    assert "Accuracy rose by 50% overall. The end." in doc.text
    assert "TODO" not in doc.text


def test_latex_floats_keep_captions_and_drop_tables_and_display_math() -> None:
    doc = latex.read(
        tex(
            "\\section{Results}\nWe fit the model\n\\begin{equation}y = f(x)\\end{equation}\n"
            "to all data.\n\n"
            "\\begin{table}[t]\\centering\\begin{tabular}{ll}CELLSOUP & 1\\\\\\end{tabular}\n"
            "\\caption{Accuracy on \\textbf{synthetic} data.}\\label{tab:x}\\end{table}\n"
        )
    )
    assert "We fit the model to all data." in doc.text
    assert "Accuracy on synthetic data." in doc.text
    assert "CELLSOUP" not in doc.text and "f(x)" not in doc.text


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("\\textbf{bold} and \\emph{it}", "bold and it"),
        ("an \\unknowncommand{argument} kept", "an argument kept"),
        ("\\href{https://x.org}{the site} and \\url{https://y.org}", "the site and https://y.org"),
        ("with $n=20$ runs", "with n=20 runs"),
        ("loss $\\mathcal{L} \\leq 0.5\\alpha$", "loss L ≤ 0.5α"),
        (
            "drop $\\mathcal{L}(\\theta) = -\\sum_{i=1}^{N} \\log p_\\theta(x_i \\mid x_{<i})"
            " + \\lambda \\|w\\|^2$ it",
            "drop it",
        ),
        ("Schr\\\"{o}dinger, \\'etude, gar\\c{c}on", "Schrödinger, étude, garçon"),
        ("``quoted'' -- and---dash", "“quoted” – and—dash"),
        ("see Table~\\ref{tab:x}", "see Table "),
        ("\\citep[see][p.~3]{smith2020, doe2021}", "[smith2020, doe2021]"),
    ],
)
def test_latex_inline_markup_reads_as_prose(source: str, expected: str) -> None:
    doc = latex.read(tex("\\section{Methods}\n" + source))
    assert doc.text.split("\n\n")[2] == expected.strip()


def test_latex_thebibliography_becomes_a_references_section() -> None:
    doc = latex.read(
        tex(
            "\\section{Introduction}\nPrior work~\\cite{a1}.\n\n"
            "\\begin{thebibliography}{9}\n\\bibitem{a1} A.~Author.\n\\newblock A paper, 2020.\n"
            "\\bibitem[B21]{b2} B.~Author. Another, 2021.\n\\end{thebibliography}"
        )
    )
    refs = [p.text for p in doc.passages() if p.section == "references"]
    assert refs == [
        "References",
        "[a1] A. Author. A paper, 2020.",
        "[b2] B. Author. Another, 2021.",
    ]


def test_latex_subsections_inherit_and_appendix_overrides() -> None:
    doc = latex.read(
        tex(
            "\\section{Methods}\nM.\n\\subsection{Participants}\nP.\n"
            "\\section{Discussion}\nD.\n\\subsection{Limitations}\nL.\n"
            "\\appendix\n\\section{Methods in detail}\nX.\n"
        )
    )
    assert headings(doc) == [
        ("Methods", "methods"),
        ("Participants", "methods"),
        ("Discussion", "discussion"),
        ("Limitations", "limitations"),
        ("Methods in detail", "appendix"),
    ]


def test_latex_lists_footnotes_paragraphs_and_verbatim() -> None:
    doc = latex.read(
        tex(
            "\\section{Methods}\n\\paragraph{Data.} We used records\\footnote{From Synthea.} "
            "only.\n\\begin{itemize}\\item first \\item[(b)] second\\end{itemize}\n"
            "\\begin{verbatim}\nprompt: 100% synthetic {x}\n\\end{verbatim}\n"
        )
    )
    paragraphs = doc.text.split("\n\n")
    assert "Data. We used records only." in paragraphs
    assert paragraphs.index("From Synthea.") == paragraphs.index("Data. We used records only.") + 1
    assert "first" in paragraphs and "(b) second" in paragraphs
    assert "prompt: 100% synthetic {x}" in paragraphs


def test_latex_macro_bomb_stops_expanding_quickly() -> None:
    defs = "".join(f"\\def\\m{chr(97 + i)}{{\\m{chr(98 + i)}\\m{chr(98 + i)}}}" for i in range(24))
    started = time.perf_counter()
    doc = latex.read(tex("\\section{Methods}\nBoom \\ma done.", preamble=defs))
    assert time.perf_counter() - started < 5
    assert any("macro expansion stopped" in n for n in doc.notes)


def test_latex_missing_brace_in_a_heading_does_not_swallow_the_rest() -> None:
    doc = latex.read(tex("\\section{Methods\nWe simulate.\n\n\\section{Results}\nIt works."))
    assert ("Results", "results") in headings(doc)
    assert "It works." in doc.text


def test_latex_nested_beyond_reason_is_malformed() -> None:
    depth = latex_inline.MAX_NESTING + 50
    deep = "\\textcolor{red}{" * depth + "x" + "}" * depth
    with pytest.raises(MalformedInput, match="levels deep"):
        latex.read(tex(deep))


def test_latex_without_body_text_is_no_text() -> None:
    with pytest.raises(NoText):
        latex.read(tex("\\input{body}"))


def test_latex_that_is_not_utf8_is_malformed() -> None:
    with pytest.raises(MalformedInput, match="not valid UTF-8"):
        latex.read(tex("caf\xe9").replace(b"caf\xc3\xa9", b"caf\xe9"))
