"""Acquisition: fetch papers and their metadata from Europe PMC, arXiv and OpenAlex.

One module a job: ``http`` (the polite client), ``manifest`` (the journal a run resumes
from), ``download`` (fetch, check, rename), one module per service, ``enrich`` (OpenAlex
metadata for papers already in a database). The library never prints: progress goes to the
callbacks the CLI passes.
"""
