"""Citation markers and phrases that attribute a sentence to other people's work.

Plain regular expressions, so that the verdict can use them without loading spaCy.
"""

from __future__ import annotations

import re

CITATION = re.compile(
    r"\[\s*\d+(?:\s*[,–-]\s*\d+)*\s*\]"  # [12], [3, 4], [5-7]
    r"|\[[A-Za-z][\w:\-]*(?:,\s*[\w:\-]+)*\]"  # [smith2020] from LaTeX \cite
    r"|\(\s*[A-Z][\w'’\-]+(?:\s+(?:et\s+al\.?|and|&)\s*[A-Z]?[\w'’\-]*)*,?\s+\d{4}[a-z]?"
    # (Meindl, Templ, Alfons, and Kowarik 2016)
    r"|\(\s*[A-Z][\w'’\-]+(?:,\s*(?:and\s+|&\s*)?[A-Z][\w'’\-]+)+,?\s+\d{4}[a-z]?[;)]"
    # Rubin (1993), Drechsler (2011): one author named in the sentence
    r"|\b(?-i:[A-Z][a-z][\w'’\-]*)\s+\(\s*(?:19|20)\d{2}[a-z]?\s*[),;]"
    # a superscript number after a word's full stop or comma: "accuracy.23 In rare diseases"
    r"|(?<=[a-z][.,;])\d{1,3}(?:[,–-]\d{1,3})*(?=\s+[A-Z]|\s*$)"
    r"|\b[A-Z][\w'’\-]+\s+et\s+al\.?\s*(?:\(\s*\d{4}|\[\d+\])"
    r"|\b[A-Z][\w'’\-]+\s+(?:and|&)\s+[A-Z][\w'’\-]+\s*\(\s*\d{4}"  # Chen and Li (2019)
    # [Knuth 1973], [Smith and Li 2020]
    r"|\[[A-Z][\w'’\-]+(?:\s+(?:et\s+al\.?|and|&)\s*[A-Z]?[\w'’\-]*)*,?\s+\d{4}[a-z]?\]"
)


AUTHOR_CITATION = re.compile(r"\b[A-Z][\w'’\-]+\s+(?:et\s+al\.?|and\s+[A-Z][\w'’\-]+)\s*[(\[]")

# Other people's work named without a citation marker
OTHERS_WORK = re.compile(
    r"\bet\s+al\b"
    r"|\b(?:previous|prior|earlier|recent|other|existing|several|many|some)\s+"
    r"(?:work|works|studies|study|research|researchers|methods|approaches|authors|papers)\b"
    r"|\b(?:has|have)\s+been\s+(?:shown|reported|demonstrated|proposed|used)\b"
    # "Walonoski and colleagues", "by the Synthea team", "its developers", "the original authors"
    r"|\band\s+(?:colleagues|co-?workers|collaborators)\b"
    r"|\b(?:by|from)\s+the\s+[\w-]+\s+(?:team|group|developers|authors)\b"
    r"|\b(?:its|their)\s+(?:developers|creators|original\s+authors)\b|\boriginal\s+authors\b",
    re.IGNORECASE,
)


def cites_others(sentence: str) -> bool:
    """The sentence carries a citation marker or names other people's work."""
    return bool(CITATION.search(sentence) or OTHERS_WORK.search(sentence))
