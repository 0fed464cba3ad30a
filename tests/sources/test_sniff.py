"""Format sniffing: decided by content, not by the file name."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from pipeline.errors import MalformedInput, UnsupportedFormat
from pipeline.sources import read_bytes, sniff

TEI_FILE = Path(__file__).parent / "data" / "grobid_synthetic_ehr.tei.xml"


@pytest.mark.parametrize(
    ("path", "name", "expected"),
    [
        ("jats/plos__journal.ppat.0020025.xml", "paper.txt", "jats"),
        ("jats/pmp__pone.0046493.nxml", "paper.nxml", "jats"),
        ("other/pmp__pubmed-29768149.xml", "record.xml", "jats"),
        ("pdf/grobid__test.pdf", "paper.xml", "pdf"),
        ("other/s2d__18980463.json", "paper.txt", "s2orc"),
        ("other/docling__2310.06825_main.tex", "main.txt", "latex"),
        ("other/oastm__S0012821X13002185.txt", "paper", "text"),
        ("other/docling__2305.03393v1.md", "paper.md", "markdown"),
        ("other/docling__2305.03393v1.md", "paper.txt", "markdown"),
    ],
)
def test_sniff_decides_by_content_not_name(
    corpus: Path, path: str, name: str, expected: str
) -> None:
    assert sniff((corpus / path).read_bytes(), name) == expected


def test_sniff_recognises_grobid_tei() -> None:
    assert sniff(TEI_FILE.read_bytes(), "paper.pdf") == "tei"


def test_sniff_recognises_the_nested_s2orc_layout(corpus: Path) -> None:
    assert sniff((corpus / "other/s2d__10002293.json").read_bytes(), "x.json") == "s2orc"


def test_sniff_reads_markdown_that_starts_with_an_html_comment(corpus: Path) -> None:
    data = (corpus / "other/researchmat__2402.04559_agent_trust.md").read_bytes()
    assert sniff(data, "paper.md") == "markdown"


def test_a_jats_file_named_txt_is_read_by_the_jats_reader(corpus: Path) -> None:
    doc = read_bytes((corpus / "jats/plos__journal.ppat.0020025.xml").read_bytes(), name="a.txt")
    assert doc.format == "jats"
    assert doc.metadata.doi == "10.1371/journal.ppat.0020025"


def test_random_bytes_are_unsupported() -> None:
    noise = random.Random(20240501).randbytes(4096)
    with pytest.raises(UnsupportedFormat):
        sniff(noise, "paper.pdf")


@pytest.mark.parametrize("data", [b"", b"  \n\t\n"])
def test_empty_file_is_malformed(data: bytes) -> None:
    with pytest.raises(MalformedInput, match="empty file"):
        sniff(data, "paper.xml")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>', "root element <svg>"),
        (b"PK\x03\x04" + b"\x00" * 100, "ZIP"),
        (b'{"title": "not a paper"}', "not an S2ORC paper"),
    ],
)
def test_other_formats_are_unsupported_with_a_reason(data: bytes, message: str) -> None:
    with pytest.raises(UnsupportedFormat, match=message):
        sniff(data, "paper.xml")


def test_broken_json_is_malformed() -> None:
    with pytest.raises(MalformedInput, match="malformed JSON"):
        sniff(b'{"body_text": [', "paper.json")
