"""Human-readable views of an `Analysis`: terminal (Rich), one offline HTML file, Markdown.

All three renderers show the same tables, so what each table holds is decided once here
(`tables`, `header_fields`, `tooltip`) and each renderer only decides how it looks. The
renderers are imported lazily so that `import gossamer.report.markdown` does not pay for Rich.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..model import Analysis

if TYPE_CHECKING:  # pragma: no cover
    from .html import render_html
    from .markdown import render_markdown
    from .terminal import render_terminal

__all__ = [
    "KIND_LABELS",
    "Snippet",
    "Table",
    "counts",
    "header_fields",
    "iter_mentions",
    "render_html",
    "render_markdown",
    "render_terminal",
    "tables",
    "tooltip",
]

# Display order and headings. Entities are "actors" to a reader of conflict news.
KIND_LABELS: dict[str, str] = {
    "entities": "Actors",
    "places": "Places",
    "times": "Times",
    "quantities": "Quantities",
    "events": "Events",
    "claims": "Claims",
    "rhetoric": "Rhetoric",
    "relations": "Relations",
}
TYPED_KINDS = ("entities", "places", "times", "quantities")
LOOSE_KINDS = ("events", "claims", "rhetoric", "relations")
LOOSE_KEYS_SHOWN = 4  # dict items: how many of their keys get a column
CELL_CHARS = 80  # longest cell before truncation; renderers may cut shorter

_SPACE = re.compile(r"\s+")


def __getattr__(name: str) -> Any:
    if name == "render_terminal":
        from .terminal import render_terminal

        return render_terminal
    if name == "render_html":
        from .html import render_html

        return render_html
    if name == "render_markdown":
        from .markdown import render_markdown

        return render_markdown
    raise AttributeError(name)


@dataclass(frozen=True)
class Snippet:
    """A mention in its context, kept in three parts so each renderer can mark the middle."""

    before: str
    mention: str
    after: str

    def plain(self) -> str:
        return f"{self.before}{self.mention}{self.after}"


Cell = str | Snippet


@dataclass(frozen=True)
class Table:
    kind: str
    title: str
    columns: list[str]
    rows: list[list[Cell]]
    ids: list[str]  # one per row, for anchors


def one_line(value: str) -> str:
    """Tables are one line per cell: newlines and runs of spaces would break the layout."""
    return _SPACE.sub(" ", value).strip()


def truncate(value: str, limit: int = CELL_CHARS) -> str:
    value = one_line(value)
    return value if len(value) <= limit else value[: max(limit - 1, 0)].rstrip() + "…"


def fmt_num(x: Any, digits: int = 3) -> str:
    """Counts read as counts (1,200 not 1200.0); fractions keep only the digits they need."""
    if x is None or isinstance(x, bool):
        return "" if x is None else str(x)
    if not isinstance(x, (int, float)):
        return str(x)
    if float(x).is_integer() and abs(x) < 1e15:
        return f"{int(x):,}"
    return f"{x:,.{digits}f}".rstrip("0").rstrip(".")


def fmt_value(value: Any) -> str:
    """Any JSON value as short text: the loose kinds are plain dicts of unknown shape."""
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return fmt_num(value)
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(v, (str, int, float)) and not isinstance(v, bool) for v in value):
        return ", ".join(fmt_value(v) for v in value)
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)


def valid_mentions(raw: Any, text_len: int) -> list[tuple[int, int]]:
    """Mentions that can be cut out of the text; loose dict items are not schema-checked."""
    out: list[tuple[int, int]] = []
    if not isinstance(raw, list):
        return out
    for m in raw:
        if (
            isinstance(m, (list, tuple))
            and len(m) == 2
            and all(isinstance(x, int) and not isinstance(x, bool) for x in m)
            and 0 <= m[0] < m[1] <= text_len
        ):
            out.append((m[0], m[1]))
    return out


def item_dict(item: Any) -> dict[str, Any]:
    """Typed items and loose dict items read alike; anything else is shown, not crashed on."""
    if isinstance(item, dict):
        return item
    if hasattr(item, "__dict__"):
        return vars(item)
    return {"id": "?", "value": item}


def snippet(text: str, start: int, end: int, context: int = 28, longest: int = 40) -> Snippet:
    """The mention with up to `context` characters either side, cut at a word where possible."""
    mention = one_line(text[start:end])
    if len(mention) > longest:
        mention = mention[: longest - 1] + "…"
    before = text[max(0, start - context - 12) : start]
    after = text[end : end + context + 12]
    if start - len(before) > 0:
        cut = before.find(" ", max(0, len(before) - context))
        before = "…" + (before[cut + 1 :] if cut != -1 else before[-context:])
    if end + len(after) < len(text):
        cut = after.rfind(" ", 0, context + 1)
        after = (after[:cut] if cut > 0 else after[:context]) + "…"
    return Snippet(_SPACE.sub(" ", before), mention, _SPACE.sub(" ", after))


def counts(analysis: Analysis) -> dict[str, int]:
    """Items per kind, in display order; the four typed kinds always, the rest when present."""
    out: dict[str, int] = {}
    for kind in KIND_LABELS:
        n = len(getattr(analysis, kind))
        if n or kind in TYPED_KINDS:
            out[kind] = n
    return out


def header_fields(analysis: Analysis) -> list[tuple[str, str]]:
    """Label/value pairs that describe the document; empty fields are left out."""
    doc = analysis.document
    lang = doc.language or "?"
    status = doc.status if doc.status == "ok" else doc.status.replace("_", " ")
    fields: list[tuple[str, str]] = [
        ("Title", doc.title or ""),
        ("Outlet", doc.outlet or ""),
        ("Author", doc.author or ""),
        ("Published", doc.published or ""),
        ("URL", doc.url or ""),
        ("Source", doc.source or ""),
        ("Genre", doc.genre or ""),
        ("Language", f"{lang} · {status}"),
        ("Length", f"{len(doc.text):,} characters, {len(doc.text.split()):,} words"),
        ("Found", " · ".join(f"{KIND_LABELS[k].lower()} {n}" for k, n in counts(analysis).items())),
        ("Id", doc.id),
    ]
    return [(k, v) for k, v in fields if v]


def _interval(start: str | None, end: str | None) -> str:
    if not start and not end:
        return "?"
    if start == end or not end:
        return start or "?"
    return f"{start or '?'} → {end}"


def _quantity_value(q: dict[str, Any]) -> str:
    if q.get("value") is not None:
        value = fmt_num(q["value"])
    elif q.get("low") is not None or q.get("high") is not None:
        value = f"{fmt_num(q.get('low')) or '?'}–{fmt_num(q.get('high')) or '?'}"
    else:
        value = "?"
    if q.get("approximate") and not value.startswith("~"):
        value = "~" + value
    return value + (" (vague)" if q.get("vague") else "")


def _coords(d: dict[str, Any]) -> str:
    lat, lon = d.get("lat"), d.get("lon")
    return "" if lat is None or lon is None else f"{lat:.4f}, {lon:.4f}"


def _place_name(d: dict[str, Any]) -> str:
    """A place's name; a demonym reference ("Iraqi" -> Iraq) says it is one, so no reader takes it
    for a place the text names."""
    name = d.get("name", "")
    return f"{name} (demonym)" if d.get("role", "literal") != "literal" else name


def tooltip(kind: str, item: Any) -> str:
    """One line that says what a highlighted mention was read as."""
    d = item_dict(item)
    if kind == "entities":
        parts = [d.get("name", ""), d.get("type", ""), d.get("kb_id") or "", d.get("country") or ""]
    elif kind == "places":
        coords = _coords(d)
        gid = f"GeoNames {d['geonames_id']}" if d.get("geonames_id") else ""
        parts = [_place_name(d), d.get("precision") or "", coords, d.get("country") or "", gid]
    elif kind == "times":
        parts = [_interval(d.get("start"), d.get("end")), d.get("precision") or "", "relative" if d.get("relative") else ""]
    elif kind == "quantities":
        parts = [_quantity_value(d), d.get("bound", ""), d.get("unit") or ""]
    else:
        keys = [k for k in d if k not in ("id", "mentions")][:LOOSE_KEYS_SHOWN]
        parts = [truncate(f"{k}: {fmt_value(d[k])}", 60) for k in keys if d[k] not in (None, "", [], {})]
    label = KIND_LABELS.get(kind, kind).rstrip("s").lower() if kind != "quantities" else "quantity"
    return f"{d.get('id', '?')} ({label}) " + " · ".join(p for p in parts if p)


def iter_mentions(analysis: Analysis) -> Iterator[tuple[int, int, str, Any]]:
    """(start, end, kind, item) for every usable mention of every kind."""
    n = len(analysis.document.text)
    for kind in KIND_LABELS:
        for item in getattr(analysis, kind):
            for start, end in valid_mentions(item_dict(item).get("mentions"), n):
                yield start, end, kind, item


def _first_snippet(analysis: Analysis, mentions: Any, context: int) -> Cell:
    ms = valid_mentions(mentions, len(analysis.document.text))
    return snippet(analysis.document.text, *ms[0], context=context) if ms else ""


def _loose_columns(items: list[dict[str, Any]]) -> list[str]:
    """Keys that most items have, first seen first, so one odd item does not add a column."""
    seen: dict[str, int] = {}
    for item in items:
        for key, value in item.items():
            if key not in ("id", "mentions") and value not in (None, "", [], {}):
                seen[key] = seen.get(key, 0) + 1
    ranked = sorted(seen, key=lambda k: -seen[k])  # stable: ties keep first-seen order
    return ranked[:LOOSE_KEYS_SHOWN]


def _row_builders(
    analysis: Analysis, context: int
) -> dict[str, tuple[list[str], Callable[[dict[str, Any]], list[Cell]]]]:
    first = lambda d: _first_snippet(analysis, d.get("mentions"), context)  # noqa: E731
    return {
        "entities": (
            ["Id", "Name", "Type", "KB id", "Country", "Mentions", "First mention"],
            lambda d: [
                d["id"], d.get("name", ""), d.get("type", ""), d.get("kb_id") or "", d.get("country") or "",
                str(len(d.get("mentions", []))), first(d),
            ],
        ),
        "places": (
            ["Id", "Name", "Precision", "Lat, lon", "Country", "GeoNames", "Mentions", "First mention"],
            lambda d: [
                d["id"], _place_name(d), d.get("precision") or "", _coords(d),
                d.get("country") or "", str(d.get("geonames_id") or ""), str(len(d.get("mentions", []))), first(d),
            ],
        ),
        "times": (
            ["Id", "Text", "Interval", "Precision", "Relative"],
            lambda d: [
                d["id"], d.get("text", ""), _interval(d.get("start"), d.get("end")), d.get("precision") or "",
                "yes" if d.get("relative") else "",
            ],
        ),
        "quantities": (
            ["Id", "Text", "Value", "Bound", "Unit"],
            lambda d: [d["id"], d.get("text", ""), _quantity_value(d), d.get("bound", ""), d.get("unit") or ""],
        ),
        "claims": (
            ["Id", "Claim", "Kind", "Source", "Type", "Hedges", "Check-worthiness", "Grade", "Reasons"],
            lambda d: [
                d["id"], claim_snippet(analysis, d, context), str(d.get("kind") or ""), claim_source(d),
                str(d.get("source_type") or ""), claim_hedges(d), fmt_num(d.get("checkworthiness"), 2),
                claim_grade(d), claim_reasons(d),
            ],
        ),
    }  # fmt: skip


# --------------------------------------------------------------------------- the claim ledger


def claim_snippet(analysis: Analysis, d: dict[str, Any], context: int) -> Cell:
    """The claim inside its sentence: the content marked, up to 2*context characters either side."""
    text = analysis.document.text
    ms = valid_mentions(d.get("mentions"), len(text))
    if not ms:
        return ""
    start, end = ms[0][0], ms[-1][1]
    sent = valid_mentions([d.get("sentence")], len(text))
    width = 2 * context
    lo, hi = sent[0] if sent and sent[0][0] <= start and end <= sent[0][1] else (0, len(text))
    before = text[max(lo, start - width) : start]
    after = text[end : min(hi, end + width)]
    if start - len(before) > lo:
        before = "…" + before.split(" ", 1)[-1] if " " in before else "…" + before
    if end + len(after) < hi:
        after = (after.rsplit(" ", 1)[0] if " " in after else after) + "…"
    return Snippet(one_line(before) + (" " if before.endswith(" ") else ""), truncate(text[start:end], 300),
                   (" " if after.startswith(" ") else "") + one_line(after))


def claim_source(d: dict[str, Any]) -> str:
    """Who the claim rests on, outer sources of a chain first: "Reuters → officials"."""
    if d.get("source_type") == "author":
        return "(the writer)"
    names = []
    for link in [*(d.get("chain") or []), d.get("source") or {}]:
        if not isinstance(link, dict):
            continue
        name = str(link.get("text") or "")
        role = link.get("role")
        if role and name and str(role) not in name:
            name = f"{role}, {name}"
        if name:
            names.append(one_line(name))
    if not names:
        cue = d.get("cue") if isinstance(d.get("cue"), dict) else {}
        return f"(unnamed: {one_line(str(cue.get('text') or ''))})" if cue and cue.get("text") else "(unnamed)"
    return " → ".join(names)


def claim_hedges(d: dict[str, Any]) -> str:
    hedges = [str(h.get("text", "")) for h in d.get("hedges") or [] if isinstance(h, dict)]
    sure = d.get("certainty")
    if not hedges:
        return ""
    return ", ".join(dict.fromkeys(one_line(h) for h in hedges)) + (f" ({fmt_num(sure, 2)})" if sure is not None else "")


def claim_grade(d: dict[str, Any]) -> str:
    g = d.get("grade")
    if not isinstance(g, dict):
        return ""
    return f"{g.get('reliability', '?')}{g.get('credibility', '?')}"


def claim_reasons(d: dict[str, Any]) -> str:
    g = d.get("grade")
    if not isinstance(g, dict):
        return ""
    return "; ".join(one_line(str(r)) for r in g.get("reasons") or [])


def _order(kind: str, text_len: int) -> Callable[[dict[str, Any]], tuple[int, int, int]]:
    """Actors and places most-mentioned first (what the article is about), demonym references after
    the places the text names; the rest in reading order."""

    def key(d: dict[str, Any]) -> tuple[int, int, int]:
        ms = valid_mentions(d.get("mentions"), text_len)
        first = ms[0][0] if ms else text_len
        aside = int(d.get("role", "literal") != "literal")  # demonym references after the places named
        return (aside, -len(ms), first) if kind in ("entities", "places") else (0, 0, first)

    return key


def tables(analysis: Analysis, context: int = 28) -> list[Table]:
    """One table per non-empty kind, in display order; `context`: snippet characters each side."""
    builders = _row_builders(analysis, context)
    out: list[Table] = []
    for kind, label in KIND_LABELS.items():
        items = sorted((item_dict(i) for i in getattr(analysis, kind)), key=_order(kind, len(analysis.document.text)))
        if not items:
            continue
        if kind in builders:
            columns, build = builders[kind]
            rows = [build(d) for d in items]
        else:
            keys = _loose_columns(items)
            columns = ["Id", *(k.replace("_", " ").capitalize() for k in keys)]
            rows = [[str(d.get("id", "")), *(fmt_value(d.get(k)) for k in keys)] for d in items]
            if any(d.get("mentions") for d in items):
                columns.append("First mention")
                for row, d in zip(rows, items):
                    row.append(_first_snippet(analysis, d.get("mentions"), context))
        out.append(Table(kind, label, columns, rows, [str(d.get("id", "")) for d in items]))
    return out
