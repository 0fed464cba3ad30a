"""LaTeX sources (arXiv): ``reader`` turns a .tex file into a Document.

syntax    groups, optional arguments and spaces: TeX's reading of characters
macros    comments, verbatim, \\newcommand and \\def expanded
inline    the text of a paragraph: accents, citations, maths and floats handled
reader    sections from \\section and friends, the abstract, title and authors
"""
