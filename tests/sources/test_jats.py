"""JATS/NLM reader: real PLOS, SciELO and PubMed files, inline markup, and hostile XML."""

from __future__ import annotations

import re
import socket
import time
from pathlib import Path

import pytest

from pipeline.document import Document
from pipeline.errors import MalformedInput, NoText
from pipeline.sources.jats import reader as jats

DATA = Path(__file__).parent / "data"
PLOS = "jats/plos__journal.ppat.0020025.xml"
SCIELO_PT = "jats/scielo__0034-8910-rsp-48-2-0240.xml"
PUBMED = "other/pmp__pubmed-29768149.xml"
# A file whose DOCTYPE names its DTD by an http:// URL.
HTTP_DTD = "jats/plos__journal.pone.0114370.xml"


def section_text(doc: Document, kind: str) -> str:
    return "\n\n".join(doc.text[s.start : s.end] for s in doc.sections if s.kind == kind)


def article(body: str, back: str = "", front: str = "") -> bytes:
    """A minimal JATS article around the given body/back XML."""
    return (
        '<?xml version="1.0"?>\n'
        '<!DOCTYPE article PUBLIC "-//NLM//DTD JATS (Z39.96) Journal Archiving and Interchange '
        'DTD v1.0 20120330//EN" "JATS-archivearticle1.dtd">\n'
        '<article xmlns:mml="http://www.w3.org/1998/Math/MathML" '
        'xmlns:xlink="http://www.w3.org/1999/xlink"><front><article-meta>'
        "<title-group><article-title>A test article</article-title></title-group>"
        f"{front}<abstract><p>We test the reader.</p></abstract></article-meta></front>"
        f"<body>{body}</body><back>{back}</back></article>"
    ).encode()


@pytest.fixture(scope="module")
def plos(corpus: Path) -> Document:
    return jats.read((corpus / PLOS).read_bytes())


def test_plos_paper_has_the_standard_sections_in_reading_order(plos: Document) -> None:
    kinds = [s.kind for s in plos.sections]
    for kind in ("abstract", "introduction", "methods", "results", "discussion", "references"):
        assert kind in kinds
    assert kinds[0] == "abstract"
    assert kinds[-1] == "references"
    assert kinds.index("discussion") < kinds.index("acknowledgements")


def test_plos_metadata_matches_the_xml(plos: Document, corpus: Path) -> None:
    xml = (corpus / PLOS).read_text(encoding="utf-8")
    doi = re.search(r'<article-id pub-id-type="doi">([^<]+)<', xml)
    year = re.search(r'<pub-date pub-type="epub">.*?<year>(\d{4})</year>', xml, re.DOTALL)
    assert doi and year
    assert plos.metadata.doi == doi.group(1).lower()
    assert plos.metadata.year == int(year.group(1))
    assert plos.metadata.venue == "PLoS Pathogens"
    assert plos.metadata.title is not None and plos.metadata.title.startswith(
        "Identification of a Novel Gammaretrovirus"
    )
    assert plos.metadata.authors[0] == "Anatoly Urisman"


def test_plos_abstract_starts_as_in_the_xml(plos: Document) -> None:
    assert section_text(plos, "abstract").startswith(
        "Abstract\n\nRibonuclease L (RNase L) is an important effector of the innate antiviral"
    )
    assert plos.text.startswith(plos.metadata.title or "?")


def test_jats_reader_makes_one_reference_paragraph_per_ref(plos: Document, corpus: Path) -> None:
    refs = [p for p in plos.passages() if p.section == "references"]
    n_refs = (corpus / PLOS).read_text(encoding="utf-8").count("<ref id=")
    assert len(refs) == n_refs + 1  # the "References" heading is a passage too
    assert any(
        p.text.startswith("1. Kerr IM, Brown RE (1978) pppA2'p5'A2'p5'A: An inhibitor")
        for p in refs
    )


def test_plos_subsections_inherit_their_parent_kind(plos: Document) -> None:
    sec = next(s for s in plos.sections if s.heading == "Genome cloning and sequencing.")
    assert sec.kind == "methods"


def test_plos_introduction_keeps_citation_markers_as_written(plos: Document) -> None:
    assert re.search(r"\[\d+(–\d+)?(, \d+)*\]", section_text(plos, "introduction"))


def test_scielo_portuguese_article_is_read_from_its_english_translation(corpus: Path) -> None:
    doc = jats.read((corpus / SCIELO_PT).read_bytes())
    assert doc.text.startswith("Integrality in cervical cancer care: evaluation of access")
    assert doc.metadata.title == (
        "Integralidade no cuidado ao câncer do colo do útero: avaliação do acesso"
    )
    assert doc.metadata.doi == "10.1590/s0034-8910.2014048004852"
    assert any("English translation" in n for n in doc.notes)
    structured = [s.heading for s in doc.sections if s.kind == "abstract"]
    assert structured == ["Abstract", "OBJECTIVE", "METHODS", "RESULTS", "CONCLUSIONS"]
    refs = next(s for s in doc.sections if s.kind == "references")
    assert refs.heading == "REFERÊNCIAS"
    assert "Amorim VMSL, Barros MBA" in doc.text[refs.start : refs.end]


def test_pubmed_record_is_title_and_abstract_only(corpus: Path) -> None:
    doc = jats.read((corpus / PUBMED).read_bytes())
    assert doc.metadata.doi == "10.1056/nejmoa1715274"
    assert doc.metadata.year == 2018
    assert doc.metadata.venue == "The New England journal of medicine"
    assert [s.kind for s in doc.sections] == ["abstract"]
    assert "METHODS: We conducted a 52-week, double-blind trial" in doc.text


def test_jats_with_an_http_dtd_parses_without_network(
    corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object) -> None:
        raise AssertionError("the reader tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    doc = jats.read((corpus / HTTP_DTD).read_bytes())
    assert doc.metadata.doi == "10.1371/journal.pone.0114370"


def test_jats_inline_markup_is_kept_as_prose() -> None:
    doc = jats.read(
        article(
            '<sec sec-type="methods"><title>Methods</title><p>We used <italic>synthetic</italic>'
            ' records [<xref ref-type="bibr" rid="b1">12</xref>] and cohorts'
            '<sup><xref ref-type="bibr" rid="b2">3</xref></sup> as in '
            '<xref ref-type="bibr" rid="b3">Smith et al., 2020</xref>, with '
            "<inline-formula><mml:math><mml:mi>n</mml:mi><mml:mo>=</mml:mo><mml:mn>20</mml:mn>"
            "</mml:math></inline-formula> runs&nbsp;per arm&rsqb;.</p></sec>"
        )
    )
    assert (
        "We used synthetic records [12] and cohorts [3] as in Smith et al., 2020, with n=20 "
        "runs per arm]." in doc.text
    )


def test_jats_reader_keeps_captions_and_drops_tables_and_display_formulas() -> None:
    doc = jats.read(
        article(
            "<sec><title>Results</title><p>The model is"
            "<disp-formula><mml:math><mml:mi>y</mml:mi><mml:mo>=</mml:mo><mml:mi>f</mml:mi>"
            "</mml:math></disp-formula> where f is fitted.</p>"
            "<table-wrap><label>Table 1</label><caption><title>Synthetic cohort.</title>"
            "</caption><table><tr><td>CELLSOUP</td></tr></table>"
            "<table-wrap-foot><p>FOOTSOUP</p></table-wrap-foot></table-wrap></sec>"
        )
    )
    assert "The model is where f is fitted." in doc.text
    assert "Table 1. Synthetic cohort." in doc.text
    assert "CELLSOUP" not in doc.text and "FOOTSOUP" not in doc.text
    assert "y=f" not in doc.text


def test_jats_subsection_with_generic_title_inherits_methods() -> None:
    doc = jats.read(
        article(
            '<sec sec-type="materials|methods"><title>Materials and Methods</title>'
            "<sec><label>2.3</label><title>Participants</title><p>We recruited 40.</p></sec>"
            "</sec><sec><title>Study area</title><p>Coastal.</p></sec>"
        )
    )
    kinds = {s.heading: s.kind for s in doc.sections}
    assert kinds["2.3 Participants"] == "methods"
    assert kinds["Study area"] == "other"


def test_jats_sec_type_gives_the_kind_when_the_title_does_not() -> None:
    doc = jats.read(article('<sec sec-type="intro"><title>Why this matters</title><p>X.</p></sec>'))
    assert next(s for s in doc.sections if s.heading == "Why this matters").kind == "introduction"


def test_jats_back_matter_follows_the_body_with_explicit_kinds() -> None:
    doc = jats.read(
        article(
            "<sec><title>Results</title><p>Body text.</p></sec>",
            back="<ack><p>We thank the reviewers.</p></ack>"
            "<app-group><app><title>Extra analysis</title><p>Appendix text.</p></app></app-group>"
            '<ref-list><ref id="r1"><mixed-citation>Doe J. A paper. 2020.</mixed-citation></ref>'
            '<ref id="r2"><mixed-citation>Roe R. Another. 2021.</mixed-citation></ref></ref-list>',
        )
    )
    assert [s.kind for s in doc.sections] == [
        "abstract",
        "results",
        "acknowledgements",
        "appendix",
        "references",
    ]
    refs = doc.sections[-1]
    assert doc.text[refs.start : refs.end] == (
        "References\n\nDoe J. A paper. 2020.\n\nRoe R. Another. 2021.\n\n"
    )


def test_pmc_articleset_wrapper_reads_the_article_inside() -> None:
    inner = article("<sec><title>Methods</title><p>Inside the set.</p></sec>").split(b"?>", 1)[1]
    inner = inner.split(b">", 1)[1]  # drop the DOCTYPE
    doc = jats.read(b"<pmc-articleset>" + inner + b"</pmc-articleset>")
    assert "Inside the set." in doc.text


def test_jats_article_with_only_a_title_is_no_text() -> None:
    xml = b"<article><front><article-meta><title-group><article-title>T</article-title>"
    xml += b"</title-group></article-meta></front></article>"
    with pytest.raises(NoText):
        jats.read(xml)


def test_jats_unknown_named_entity_is_dropped_with_a_note() -> None:
    doc = jats.read(article("<sec><title>Methods</title><p>A &madeupentity; B.</p></sec>"))
    assert "A B." in doc.text
    assert any("&madeupentity;" in n for n in doc.notes)


def test_xxe_pointing_at_a_local_file_is_refused() -> None:
    with pytest.raises(MalformedInput, match="declares entities") as err:
        jats.read((DATA / "xxe_local_file.xml").read_bytes())
    hostname = Path("/etc/hostname")
    if hostname.exists() and hostname.read_text().strip():
        assert hostname.read_text().strip() not in err.value.reason.replace("xxe", "")


@pytest.mark.parametrize(
    "doctype",
    [
        '<!DOCTYPE article [<!ENTITY leak SYSTEM "file://{secret}">]>',
        '<!DOCTYPE article [<!ENTITY % leak SYSTEM "file://{secret}"> %leak;]>',
    ],
    ids=["general-entity", "parameter-entity"],
)
def test_xxe_never_puts_a_local_file_into_the_document(tmp_path: Path, doctype: str) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET-7f3a")
    xml = doctype.format(secret=secret) + "<article><body><p>x &leak; y</p></body></article>"
    with pytest.raises(MalformedInput) as err:
        jats.read(xml.encode())
    assert "TOPSECRET" not in str(err.value)


def test_external_dtd_is_never_fetched(tmp_path: Path) -> None:
    secret = tmp_path / "evil.dtd"
    secret.write_text('<!ENTITY leak "TOPSECRET-7f3a">')
    xml = (DATA / "xxe_external_dtd.xml").read_text().replace("/etc/hostname", str(secret))
    doc = jats.read(xml.encode())
    assert "TOPSECRET" not in doc.text
    assert "We generated synthetic records with Synthea." in doc.text


def test_billion_laughs_is_refused_fast() -> None:
    started = time.perf_counter()
    with pytest.raises(MalformedInput, match="refused for safety"):
        jats.read((DATA / "billion_laughs.xml").read_bytes())
    assert time.perf_counter() - started < 1.0


def test_truncated_xml_is_malformed_with_the_line(corpus: Path) -> None:
    data = (corpus / PLOS).read_bytes()
    with pytest.raises(MalformedInput, match=r"^malformed XML: .* at line \d+"):
        jats.read(data[: len(data) // 2])


def test_absurdly_deep_xml_is_malformed_not_a_crash() -> None:
    deep = b"<italic>" * 100_000 + b"x" + b"</italic>" * 100_000
    with pytest.raises(MalformedInput, match="levels deep"):
        jats.read(b"<article><body><p>" + deep + b"</p></body></article>")


def test_non_jats_root_is_malformed() -> None:
    with pytest.raises(MalformedInput, match="not a JATS"):
        jats.read(b"<html><body><p>Hello</p></body></html>")
