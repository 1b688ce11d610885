"""A Markdown report: headings and one pipe table per kind, for pasting into notes or issues.

Article text can hold anything, so every cell is escaped: a `|` would split the cell, and
`<`, `*`, `_`, `[`, backticks would turn into markup (or raw HTML) in a Markdown renderer.
"""

from __future__ import annotations

import re

from ..model import Analysis
from . import Cell, Snippet, header_fields, tables, truncate

_MARKUP = re.compile(r"([\\|<>*_\[\]`])")
CELL_CHARS = 80


def md_escape(value: str) -> str:
    """One line, with Markdown punctuation backslash-escaped (CommonMark shows it literally)."""
    return _MARKUP.sub(r"\\\1", value)


def _cell(value: Cell) -> str:
    if isinstance(value, Snippet):
        # Cut each part on its own so the escapes are never split in half.
        return f"{md_escape(value.before)}**{md_escape(value.mention)}**{md_escape(value.after)}"
    return md_escape(truncate(value, CELL_CHARS))


def render_markdown(analysis: Analysis) -> str:
    """The whole report as Markdown text ending in a newline."""
    doc = analysis.document
    lines = [f"# {md_escape(truncate(doc.title, 200)) if doc.title else '(untitled document)'}", ""]
    for label, value in header_fields(analysis):
        if label != "Title":
            lines.append(f"- **{label}:** {md_escape(truncate(value, 300))}")
    for table in tables(analysis):
        lines += ["", f"## {table.title} ({len(table.rows)})", ""]
        lines.append("| " + " | ".join(table.columns) + " |")
        lines.append("|" + "|".join("---" for _ in table.columns) + "|")
        for row in table.rows:
            lines.append("| " + " | ".join(_cell(v) for v in row) + " |")
    if analysis.notes:
        lines += ["", "## Notes", ""]
        lines += [f"- {md_escape(truncate(note, 500))}" for note in analysis.notes]
    return "\n".join(lines) + "\n"
