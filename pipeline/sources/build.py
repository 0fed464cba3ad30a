"""DocumentBuilder: the one way readers assemble text, sections and pages into a Document."""

from __future__ import annotations

import re
import unicodedata

from pipeline.document import Document, Metadata, Section, section_kind

PARAGRAPH_SEP = "\n\n"

# NFKC folds ligatures (ﬁ -> fi) and compatibility forms; these are left over after it.
_EXTRA_FOLDS = {
    "\u00ad": "",  # soft hyphen
    "\u200b": "",  # zero-width space
    "\ufeff": "",
    "\u2010": "-",
    "\u2011": "-",
    "\u2212": "-",
    "\u00a0": " ",
    "\u2122": "",  # ™: NFKC would make "Synthea™" "SyntheaTM"
    "\u00ae": "",  # ®
}
_SPACES = re.compile(r"[ \t\r\f\v]+")


def _fold(text: str) -> str:
    if text.isascii():
        return text  # nothing to fold, and NFKC leaves ASCII as it is
    # A few str.replace calls for the characters present are much cheaper than str.translate
    # over every character. (No replacement makes another of these characters.)
    for char, folded in _EXTRA_FOLDS.items():
        if char in text:
            text = text.replace(char, folded)
    return unicodedata.normalize("NFKC", text)


def normalise_text(text: str) -> str:
    """Fold Unicode compatibility forms and ligatures and collapse runs of spaces."""
    return _SPACES.sub(" ", _fold(text))


def flatten(text: str) -> str:
    """One paragraph on one line: normalised, every whitespace run a single space.

    (``str.split()`` splits at exactly the characters ``\\s`` matches.)
    """
    return " ".join(_fold(text).split())


class DocumentBuilder:
    """Append headings and paragraphs in reading order; offsets are kept for you.

    Example::

        b = DocumentBuilder()
        b.heading("Abstract")          # kind inferred from the words
        b.paragraph("We generated ...")
        b.heading("3 Methods", kind="methods")
        doc = b.build(format="jats", extractor="jats", metadata=Metadata(title="..."))
    """

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._length = 0
        self._sections: list[Section] = []
        self._open: tuple[str, str, int] | None = None
        self._pages: list[tuple[int, int]] = []
        self._page_start: int | None = None

    @property
    def length(self) -> int:
        return self._length

    def _append(self, text: str) -> None:
        self._parts.append(text)
        self._length += len(text)

    def heading(self, heading: str, kind: str | None = None, *, include: bool = True) -> None:
        """Close the open section and start a new one at the current offset.

        ``kind`` defaults to ``section_kind(heading)``; ``include`` writes the heading itself
        into the text as its own line.
        """
        self._close_section()
        heading = flatten(heading)
        self._open = (heading, kind or section_kind(heading), self._length)
        if include and heading:
            self._append(heading + PARAGRAPH_SEP)

    def paragraph(self, text: str, *, keep_lines: bool = False, flat: bool = False) -> None:
        """Add a paragraph; empty text is ignored. ``keep_lines`` keeps single newlines;
        ``flat`` says the text has been through ``flatten`` already."""
        if keep_lines:
            text = "\n".join(flatten(line) for line in normalise_text(text).split("\n"))
            text = re.sub(r"\n{2,}", "\n", text).strip()
        elif not flat:
            text = flatten(text)
        if text:
            self._append(text + PARAGRAPH_SEP)

    def start_page(self) -> None:
        self.end_page()
        self._page_start = self._length

    def end_page(self) -> None:
        if self._page_start is not None:
            self._pages.append((self._page_start, self._length))
            self._page_start = None

    def _close_section(self) -> None:
        if self._open is not None:
            heading, kind, start = self._open
            if self._length > start:
                self._sections.append(Section(heading, kind, start, self._length))
            self._open = None

    def build(
        self,
        *,
        format: str,
        extractor: str,
        metadata: Metadata | None = None,
        n_pages: int | None = None,
        notes: tuple[str, ...] = (),
    ) -> Document:
        self._close_section()
        self.end_page()
        return Document(
            text="".join(self._parts),
            format=format,
            extractor=extractor,
            metadata=metadata or Metadata(),
            sections=tuple(self._sections),
            pages=tuple(self._pages),
            n_pages=n_pages if n_pages is not None else (len(self._pages) or None),
            notes=notes,
        )


def decode_text(data: bytes) -> str:
    """Decode a text file: UTF-8 (with or without BOM), then UTF-16 with a BOM.

    Raises MalformedInput when the bytes are not UTF-8: guessing a legacy code page would put
    mojibake into evidence sentences, so the paper is recorded as failed with the byte offset.
    """
    from pipeline.errors import MalformedInput

    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise MalformedInput(f"undecodable UTF-16 text: {exc.reason}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise MalformedInput(
            f"text is not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "convert it to UTF-8 (e.g. iconv -f latin1 -t utf-8)"
        ) from None
