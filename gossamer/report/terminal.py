"""The report a person reads in a terminal: header, one compact table per kind, notes.

Cells are cut to one line each: a table that wraps is harder to scan than a truncated
name, and the full values are in the JSON and HTML outputs.
"""

from __future__ import annotations

from rich import box
from rich.console import Console
from rich.panel import Panel
from rich.table import Table as RichTable
from rich.text import Text

from ..model import Analysis
from . import Cell, Snippet, Table, header_fields, tables, truncate

# Column widths: long free-text columns are capped, short codes never wrap.
MAX_WIDTH = {"Name": 28, "Text": 36, "First mention": 56, "Interval": 25, "KB id": 14, "Unit": 16,
             "Claim": 60, "Reasons": 60, "Source": 28, "Check-worthiness": 6, "Grade": 5}
LOOSE_MAX = 30
NARROW = 100
SNIPPET_CONTEXT = 12
SHRINKABLE = frozenset({"Name", "Text", "First mention", "KB id", "Unit"})
KIND_STYLE = {
    "entities": "bold blue",
    "places": "bold green",
    "times": "bold yellow",
    "quantities": "bold magenta",
    "events": "bold red",
    "claims": "bold cyan",
    "rhetoric": "bold bright_magenta",
    "relations": "bold white",
}


def _cell(value: Cell, limit: int) -> Text:
    if isinstance(value, Snippet):
        text = Text(overflow="ellipsis", no_wrap=True)
        text.append(value.before, style="dim")
        text.append(value.mention, style="bold")
        text.append(value.after, style="dim")
        return text
    # Text() does not parse Rich markup, so "[bold]" inside an article stays literal.
    return Text(truncate(value, limit), overflow="ellipsis", no_wrap=True)


def _header(analysis: Analysis) -> Panel:
    grid = RichTable.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    title = analysis.document.title
    for label, value in header_fields(analysis):
        if label in ("Title", "Id"):
            continue
        grid.add_row(label, Text(truncate(value, 200)))
    heading = Text(truncate(title, 100) if title else "(untitled document)", style="bold")
    return Panel(grid, title=heading, title_align="left", subtitle=Text(analysis.document.id, style="dim"),
                 subtitle_align="right", box=box.ROUNDED, expand=False)  # fmt: skip


def render_terminal(analysis: Analysis, console: Console) -> None:
    """Print the whole report; takes the console so the CLI controls width, colour and capture."""
    console.print(_header(analysis))
    narrow = console.width < NARROW
    for table in tables(analysis, context=SNIPPET_CONTEXT):
        if narrow and "First mention" in table.columns:
            # Below ~100 columns the snippet would squeeze the names to nothing.
            cut = table.columns.index("First mention")
            table = Table(table.kind, table.title, table.columns[:cut], [r[:cut] for r in table.rows], table.ids)
        rich_table = RichTable(
            title=Text(f"{table.title} ({len(table.rows)})", style=KIND_STYLE.get(table.kind, "bold")),
            title_justify="left",
            box=box.SIMPLE_HEAD,
            pad_edge=False,
            show_edge=False,
        )
        loose = table.kind not in ("entities", "places", "times", "quantities")
        limits = []
        for column in table.columns:
            limit = MAX_WIDTH.get(column, LOOSE_MAX if loose else 24)
            limits.append(limit)
            numeric = column in ("Lat, lon", "Mentions", "GeoNames", "Value")
            rich_table.add_column(
                Text(column),  # loose kinds' keys come from data: never parse them as markup
                justify="right" if numeric else "left",
                # Only free-text columns give way when the terminal is narrow; the cell
                # Text is itself no_wrap, so a narrowed column truncates instead of wrapping.
                no_wrap=column not in SHRINKABLE and not loose,
                overflow="ellipsis",
                max_width=limit,
                style="dim" if column == "Id" else None,
            )
        for row in table.rows:
            rich_table.add_row(*(_cell(value, limit) for value, limit in zip(row, limits)))
        console.print(rich_table)
    if analysis.notes:
        console.print(Text("Notes", style="bold"))
        for note in analysis.notes:
            console.print(Text(f"  • {note}"))
