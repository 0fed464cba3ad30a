"""The CLI reference (``docs/cli.md``), written from the commands' own ``--help``.

    python -m pipeline.cli.reference > docs/cli.md

``tests/test_docs.py`` fails when the page and the commands differ, so the reference never
drifts from what ``-h`` says.
"""

from __future__ import annotations

import click

from pipeline.cli import main

WIDTH = 100
INTRO = """# Command reference

Every command and option, exactly as `synthwatch COMMAND --help` prints it (this page is
generated: `python -m pipeline.cli.reference > docs/cli.md`). How to use them, with worked
examples: [commands.md](commands.md), [queries.md](queries.md), [reports.md](reports.md),
[evaluation.md](evaluation.md).
"""


def _walk(
    command: click.Command, path: list[str], parent: click.Context | None
) -> list[tuple[str, str]]:
    # make_context applies the command's context_settings (-h as well as --help)
    ctx = command.make_context(
        path[-1],
        [],
        parent=parent,
        resilient_parsing=True,
        terminal_width=WIDTH,
        max_content_width=WIDTH,
    )
    text = command.get_help(ctx)
    pages = [(" ".join(path), text)]
    if isinstance(command, click.Group):
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is not None and not sub.hidden:
                pages += _walk(sub, [*path, name], ctx)
    return pages


def reference() -> str:
    """The whole page: a contents list, then each command's help in a text block."""
    pages = _walk(main, ["synthwatch"], None)
    out = [INTRO]
    out += [f"- [`{name}`](#{name.replace(' ', '-')})" for name, _ in pages]
    for name, text in pages:
        out += ["", f"## {name}", "", "```text", text.rstrip(), "```"]
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    click.echo(reference(), nl=False)
