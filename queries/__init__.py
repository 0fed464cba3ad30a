"""Canned SQL queries, one ``.sql`` file each; installed as the package ``pipeline.queries``.

This folder sits at the repository root so that the SQL is easy to find, read and extend;
pyproject.toml maps it into the package so that an installed synthwatch finds the files with
importlib.resources. The header of each file is described in ``pipeline/answers/queries.py``.
"""
