"""One self-contained HTML file: the article with every mention highlighted, and the tables.

The page must be safe to open whatever the article says, so every piece of document text
and metadata goes through `escape`, links are written only for http(s) URLs, and a
Content-Security-Policy forbids every load and every script; the one inline stylesheet is
allowed by its hash. The legend toggles kinds with checkboxes and CSS alone, so no script
is needed at all.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import html
import re
from collections.abc import Iterable
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

from ..model import SCHEMA, Analysis
from . import (
    KIND_LABELS,
    Cell,
    Snippet,
    Table,
    fmt_value,
    header_fields,
    item_dict,
    iter_mentions,
    tables,
    tooltip,
    truncate,
)

_UNSAFE_ID = re.compile(r"[^A-Za-z0-9_-]")
NUMERIC_COLUMNS = frozenset({"Lat, lon", "Mentions", "GeoNames", "Value"})


@functools.cache
def stylesheet() -> str:
    return resources.files(__package__).joinpath("report.css").read_text(encoding="utf-8")


def csp(style: str) -> str:
    """Nothing may load or run; only our own stylesheet, named by its hash, applies."""
    digest = base64.b64encode(hashlib.sha256(style.encode("utf-8")).digest()).decode("ascii")
    return (
        "default-src 'none'; script-src 'none'; object-src 'none'; img-src 'none'; "
        f"style-src 'sha256-{digest}'; base-uri 'none'; form-action 'none'"
    )


def escape(value: Any) -> str:
    """Text and attribute values alike. A raw CR would be normalised to LF by any HTML
    parser, so it is written as a character reference and the text survives byte for byte."""
    return html.escape(str(value), quote=True).replace("\r", "&#13;")


def safe_href(url: str | None) -> str | None:
    """The URL when it is a plain web link; javascript:, data:, relative and odd URLs are not."""
    if not url:
        return None
    url = url.strip()
    if any(ord(c) < 33 or c in "\"'<>`\\" for c in url):
        return None
    parts = urlsplit(url)
    if parts.scheme.lower() in ("http", "https") and parts.netloc:
        return url
    return None


def anchor(kind: str, item_id: str) -> str:
    return f"{kind}-{_UNSAFE_ID.sub('_', item_id)}"


def highlighted(analysis: Analysis) -> str:
    """The document text with nested <mark>s, cut into segments at every mention boundary.

    Inside one segment the set of covering mentions is constant, so each segment opens its
    marks outermost first and closes them all: overlapping mentions, which cannot nest in
    HTML, become a run of properly nested pieces that read as one highlight.
    """
    text = analysis.document.text
    order = {kind: i for i, kind in enumerate(KIND_LABELS)}
    marks = []
    seen_ranges: set[tuple[int, int, str, str]] = set()
    for start, end, kind, item in iter_mentions(analysis):
        item_id = str(item_dict(item).get("id", "?"))
        key = (start, end, kind, item_id)
        if key in seen_ranges:
            continue
        seen_ranges.add(key)
        marks.append((start, end, kind, item_id, tooltip(kind, item)))
    # Outer before inner: earlier start, then longer, then a fixed kind order.
    marks.sort(key=lambda m: (m[0], -m[1], order.get(m[2], 99), m[3]))
    bounds = sorted({0, len(text), *(m[0] for m in marks), *(m[1] for m in marks)})

    out: list[str] = []
    first_piece: set[tuple[str, str]] = set()
    active: list[tuple[int, int, str, str, str]] = []
    next_mark = 0
    for left, right in zip(bounds, bounds[1:]):
        active = [m for m in active if m[1] > left]
        while next_mark < len(marks) and marks[next_mark][0] == left:
            active.append(marks[next_mark])
            next_mark += 1
        active.sort(key=lambda m: (m[0], -m[1], order.get(m[2], 99), m[3]))
        for depth, (start, end, kind, item_id, title) in enumerate(active):
            if depth == len(active) - 1 and depth:
                # Browsers show the innermost title only: let it name every reading here.
                title = "\n".join(m[4] for m in reversed(active))
            attrs = f' class="k-{kind}" data-ref="{escape(anchor(kind, item_id))}" title="{escape(title)}"'
            if (kind, item_id) not in first_piece:
                first_piece.add((kind, item_id))
                attrs = f' id="m-{escape(anchor(kind, item_id))}"' + attrs
            out.append(f"<mark{attrs}>")
        out.append(escape(text[left:right]))
        out.append("</mark>" * len(active))
    return "".join(out)


def _cell_html(column: str, value: Cell, kind: str, item_id: str) -> str:
    if isinstance(value, Snippet):
        body = (
            f'<span class="ctx">{escape(value.before)}</span>'
            f'<a href="#m-{escape(anchor(kind, item_id))}"><mark class="k-{kind}">{escape(value.mention)}</mark></a>'
            f'<span class="ctx">{escape(value.after)}</span>'
        )
        return f"<td>{body}</td>"
    cls = ' class="num"' if column in NUMERIC_COLUMNS else (' class="id"' if column == "Id" else "")
    return f"<td{cls}>{escape(truncate(value, 300))}</td>"


def _table_html(table: Table) -> str:
    head = "".join(f"<th>{escape(c)}</th>" for c in table.columns)
    rows = []
    for item_id, row in zip(table.ids, table.rows):
        cells = "".join(_cell_html(c, v, table.kind, item_id) for c, v in zip(table.columns, row))
        rows.append(f'<tr id="{escape(anchor(table.kind, item_id))}">{cells}</tr>')
    return (
        f'<section id="kind-{table.kind}"><h2>{escape(table.title)} ({len(table.rows)})</h2>'
        f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></section>"
    )


def _meta_html(analysis: Analysis) -> str:
    doc = analysis.document
    rows = []
    for label, value in header_fields(analysis):
        if label == "Title":
            continue
        if label == "URL":
            href = safe_href(value)
            shown = escape(truncate(value, 200))
            if href:
                shown = f'<a href="{escape(href)}" rel="noopener noreferrer nofollow">{shown}</a>'
        elif label == "Language" and doc.status != "ok":
            shown = f'<span class="status-warn">{escape(value)}</span>'
        else:
            shown = escape(truncate(value, 300))
        rows.append(f"<dt>{escape(label)}</dt><dd>{shown}</dd>")
    out = f'<dl class="meta">{"".join(rows)}</dl>'
    if doc.meta:
        extra = "".join(
            f"<dt>{escape(truncate(str(k), 60))}</dt><dd>{escape(truncate(fmt_value(v), 300))}</dd>"
            for k, v in doc.meta.items()
        )
        out += f'<details><summary>More metadata</summary><dl class="meta">{extra}</dl></details>'
    return out


def _legend_and_text(analysis: Analysis) -> str:
    present: dict[str, int] = {}
    for _, _, kind, _ in iter_mentions(analysis):
        present[kind] = present.get(kind, 0) + 1
    parts = []
    for kind, label in KIND_LABELS.items():
        if kind in present:
            parts.append(
                f'<input type="checkbox" id="show-{kind}" checked>'
                f'<label for="show-{kind}" class="k-{kind}">{escape(label)} ({present[kind]})</label>'
            )
    # No whitespace inside the text container: it is pre-wrap and must hold the text exactly.
    parts.append(f'<div class="text" id="text">{highlighted(analysis)}</div>')
    return f'<section class="viewer">{"".join(parts)}</section>'


def _notes_html(notes: Iterable[str]) -> str:
    items = "".join(f"<li>{escape(n)}</li>" for n in notes)
    return f'<section><h2>Notes</h2><ul class="notes">{items}</ul></section>' if items else ""


def render_html(analysis: Analysis) -> str:
    """A complete HTML page as a string; write it with encoding="utf-8"."""
    from .. import __version__

    style = stylesheet()
    doc = analysis.document
    title = doc.title or "(untitled document)"
    body = "".join(_table_html(t) for t in tables(analysis))
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{escape(csp(style))}">\n'
        '<meta name="referrer" content="no-referrer">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(truncate(title, 120))} · gossamer</title>\n"
        f"<style>{style}</style>\n"
        "</head><body><main>\n"
        f"<header><h1>{escape(title)}</h1>{_meta_html(analysis)}</header>\n"
        f"{_legend_and_text(analysis)}\n"
        f"{body}\n"
        f"{_notes_html(analysis.notes)}\n"
        f"<footer>gossamer {escape(__version__)} · {escape(SCHEMA)}</footer>\n"
        "</main></body></html>\n"
    )
