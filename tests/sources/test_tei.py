"""GROBID TEI reader, on a GROBID-style file written for these tests (the corpus has no TEI)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.document import Document
from pipeline.errors import MalformedInput, NoText
from pipeline.sources import tei

TEI_FILE = Path(__file__).parent / "data" / "grobid_synthetic_ehr.tei.xml"


@pytest.fixture(scope="module")
def doc() -> Document:
    return tei.read(TEI_FILE.read_bytes())


def kinds(doc: Document) -> dict[str, str]:
    return {s.heading: s.kind for s in doc.sections}


def test_tei_metadata_comes_from_the_header(doc: Document) -> None:
    assert doc.metadata.title == (
        "Training Sepsis Classifiers on Synthetic Electronic Health Records: A Validation Study"
    )
    assert doc.metadata.authors == ("Maria L Okafor", "Jonas Lindqvist")
    assert doc.metadata.doi == "10.1016/j.jbi.2023.104311"
    assert doc.metadata.year == 2023
    assert doc.metadata.venue == "Journal of Biomedical Informatics"
    assert (doc.format, doc.extractor) == ("tei", "tei")


def test_tei_abstract_comes_first_and_keeps_its_structure(doc: Document) -> None:
    assert doc.text.startswith(doc.metadata.title or "?")
    abstract = [s.heading for s in doc.sections if s.kind == "abstract"]
    assert abstract == ["Abstract", "Objective:", "Methods:", "Results:"]
    assert doc.sections[0].kind == "abstract"


def test_tei_headings_carry_grobid_section_numbers(doc: Document) -> None:
    assert kinds(doc)["1 Introduction"] == "introduction"
    assert kinds(doc)["2 Methods"] == "methods"


def test_tei_numbered_subsections_inherit_their_parent_kind(doc: Document) -> None:
    assert kinds(doc)["2.1 Study population"] == "methods"
    assert kinds(doc)["2.2 Synthetic record generation"] == "methods"
    assert kinds(doc)["3.1 Subgroup analysis"] == "results"
    assert kinds(doc)["4.1 Limitations"] == "limitations"


def test_tei_sentences_are_spaced_and_citations_kept(doc: Document) -> None:
    assert "limited by privacy rules. We assessed" in doc.text
    assert "in-hospital death [1]. Early-warning" in doc.text


def test_tei_drops_formulas_and_table_cells_but_keeps_captions(doc: Document) -> None:
    assert "The loss of the generator is\n\nwhere D is the discriminator." in doc.text
    assert "log D(G(z))" not in doc.text
    assert "Table 1 Characteristics of real and synthetic cohorts." in doc.text
    assert "64.2" not in doc.text
    assert "Receiver operating characteristic curves on the real test set." in doc.text


def test_tei_back_matter_has_acknowledgements_annex_and_references(doc: Document) -> None:
    back = [(s.heading, s.kind) for s in doc.sections][-4:]
    assert back == [
        ("Acknowledgements", "acknowledgements"),
        ("Appendix A. Hyper-parameters", "appendix"),
        ("Declaration of competing interest", "acknowledgements"),
        ("References", "references"),
    ]


def test_tei_list_bibl_becomes_one_paragraph_per_reference(doc: Document) -> None:
    refs = [p.text for p in doc.passages() if p.section == "references"][1:]
    assert len(refs) == 4
    assert refs[0].startswith("K E Rudd, S C Johnson (2020) Global, regional, and national sepsis")
    assert refs[2].startswith("Choi E, Biswal S, Malin B, et al.")  # GROBID's raw string


def test_tei_declaring_entities_is_refused() -> None:
    xml = TEI_FILE.read_bytes().replace(
        b"<TEI ", b'<!DOCTYPE TEI [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<TEI ', 1
    )
    with pytest.raises(MalformedInput, match="declares entities"):
        tei.read(xml)


def test_tei_without_abstract_or_body_is_no_text() -> None:
    xml = b'<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader/><text><body/></text></TEI>'
    with pytest.raises(NoText):
        tei.read(xml)


def test_tei_reader_refuses_a_non_tei_root() -> None:
    with pytest.raises(MalformedInput, match="not TEI"):
        tei.read(b"<article><body><p>JATS, not TEI</p></body></article>")
