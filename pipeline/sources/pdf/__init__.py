"""PDF: pages -> lines (pypdfium2, its optional C speed-up, or pdfminer) -> sections.

backends   the raw lines of each page from pypdfium2 (``_pdfium_lines.c`` when built)
pdfminer   the same lines from pdfminer.six
layout     columns, running heads and footers, the body text of each page
headings   which lines are headings, from font size, weight and numbering
front      title, authors and abstract on the first pages
reader     all of it: bytes -> Document
"""
