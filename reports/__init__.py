"""Report templates (Jinja2) and their style sheet, shipped as the package ``pipeline.templates``.

pyproject.toml maps this folder to that package, so ``pipeline.answers.report`` finds the
templates in an editable install and in a wheel alike. Generated reports go to ``reports/out/``.
"""
