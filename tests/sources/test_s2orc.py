"""S2ORC JSON reader: both layouts in the shared corpus, and broken JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.errors import MalformedInput, NoText
from pipeline.sources import s2orc

NESTED = "other/s2d__10002293.json"  # metadata + grobid_parse
FLAT = "other/s2d__18980463.json"  # abstract/body_text at the top level, no metadata
FLAT_WITH_BACK = "other/s2d__24e6b80e338a4e543de6b49cada07156c9149d22.json"


def test_nested_layout_reads_metadata_and_the_grobid_parse(corpus: Path) -> None:
    doc = s2orc.read((corpus / NESTED).read_bytes())
    assert doc.metadata.doi == "10.3389/fmicb.2017.00498"
    assert doc.metadata.year == 2017
    assert doc.metadata.authors[:2] == ("Patrícia Diogo", "Chantal Fernandes")
    assert doc.metadata.venue == "Frontiers in microbiology"
    assert doc.text.startswith("Antimicrobial Photodynamic Therapy against Endodontic")
    assert "text from the S2ORC 'grobid_parse'" in doc.notes
    abstract = next(s for s in doc.sections if s.kind == "abstract")
    assert doc.text[abstract.start : abstract.end].startswith(
        "Abstract\n\nEndodontic biofilms eradication from the infected root canal system"
    )


def test_nested_layout_without_section_names_says_so(corpus: Path) -> None:
    doc = s2orc.read((corpus / NESTED).read_bytes())
    assert any("no section names" in n for n in doc.notes)
    assert "Apical periodontitis is an inflammatory reaction" in doc.text


def test_bib_entries_become_a_references_section(corpus: Path) -> None:
    data = (corpus / NESTED).read_bytes()
    doc = s2orc.read(data)
    n_entries = len(json.loads(data)["grobid_parse"]["bib_entries"])
    refs = [p.text for p in doc.passages() if p.section == "references"][1:]
    assert len(refs) == n_entries
    assert refs[0].startswith(
        "J Almeida, J P Tomé, M G Neves, A C Tomé, J A Cavaleiro, Â Cunha (2014) Photodynamic"
    )
    assert doc.sections[-1].kind == "references"


def test_flat_layout_section_names_become_headings_with_kinds(corpus: Path) -> None:
    doc = s2orc.read((corpus / FLAT).read_bytes())
    kinds = {s.heading: s.kind for s in doc.sections}
    assert kinds["Results"] == "results"
    subsection = "Embryonic development of the larval eye and initiation of rhodopsin expression"
    assert kinds[subsection] == "results"
    assert kinds["Discussion"] == "discussion"
    assert kinds["Materials and methods"] == "methods"
    assert kinds["Drosophila strains and genetics"] == "methods"
    assert doc.metadata.title is None
    assert doc.sections[0].kind == "abstract"


def test_flat_layout_back_matter_is_acknowledgements(corpus: Path) -> None:
    doc = s2orc.read((corpus / FLAT_WITH_BACK).read_bytes())
    ack = next(s for s in doc.sections if s.kind == "acknowledgements")
    assert "We thank the captain and crew" in doc.text[ack.start : ack.end]
    assert doc.metadata.year == 2011  # "2011-11" in the file
    assert doc.metadata.authors[0] == "Anyi Hu"  # a garbled author without a surname is dropped


def test_malformed_json_is_malformed_input() -> None:
    with pytest.raises(MalformedInput, match="malformed JSON"):
        s2orc.read(b'{"body_text": [')


def test_json_that_is_not_a_paper_is_malformed_input() -> None:
    with pytest.raises(MalformedInput, match="must be an object"):
        s2orc.read(b"[1, 2]")
    with pytest.raises(MalformedInput, match="not an S2ORC paper"):
        s2orc.read(b'{"title": "no body"}')


def test_absurdly_nested_json_is_malformed_not_a_crash() -> None:
    with pytest.raises(MalformedInput, match="nested too deeply"):
        s2orc.read(b'{"body_text": ' + b"[" * 100_000 + b"]" * 100_000 + b"}")


def test_record_without_abstract_or_body_is_no_text() -> None:
    with pytest.raises(NoText):
        s2orc.read(b'{"abstract": [], "body_text": [], "bib_entries": {}}')
