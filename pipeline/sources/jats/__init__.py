"""JATS XML (PubMed Central, PLOS, eLife): ``reader`` turns a file into a Document.

meta      title, authors, DOI, year, venue, article type from the front matter
inline    the text of paragraphs, with citations, formulas and footnotes handled
reader    sections of the body (and the abstract), in reading order
"""
