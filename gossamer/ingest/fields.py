"""Article metadata from front matter, JSON and HTML onto `Document` fields.

Every input kind names the same few facts differently (``date`` or ``published``,
``source`` or ``outlet``), and gives dates as YAML dates, ISO strings, prose or epoch
numbers. This module is the one place that maps them, so a document's metadata does not
depend on which format it happened to arrive in.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from typing import Any

from ..model import Document

# Accepted key -> Document field. The first four rows are the contract; the rest are
# spellings common in scraped-news exports, accepted so such files need no rewriting.
FIELD_KEYS: dict[str, str] = {
    "title": "title",
    "url": "url",
    "outlet": "outlet",
    "author": "author",
    "published": "published",
    "date": "published",
    "source": "outlet",
    "headline": "title",
    "link": "url",
    "authors": "author",
    "byline": "author",
    "publisher": "outlet",
    "sitename": "outlet",
    "published_at": "published",
    "pubdate": "published",
}
META_FIELDS = ("title", "url", "outlet", "author", "published")

_SURROGATE = re.compile("[\ud800-\udfff]")
_PLAIN_NODES = 10_000
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_HAS_CLOCK = re.compile(r"\d{1,2}:\d{2}")


def normalise_published(value: Any) -> str | None:
    """ISO date (YYYY-MM-DD), or ISO datetime when the value carries a time of day.

    Returns None when the value is not a full calendar date: a month or a year alone is
    not a publication date the time stage can anchor "on Tuesday" to.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (int, float)):
        return _from_epoch(value)
    if not isinstance(value, str):
        return None
    raw = value.strip()
    if not raw:
        return None
    if _ISO_DATE.fullmatch(raw):
        try:
            return dt.date.fromisoformat(raw).isoformat()
        except ValueError:
            return None
    try:
        parsed = dt.datetime.fromisoformat(raw)
    except ValueError:
        pass
    else:
        # "20260312" is ISO basic format for a date: do not invent a midnight.
        has_time = _HAS_CLOCK.search(raw) or "T" in raw.upper()
        return parsed.isoformat() if has_time else parsed.date().isoformat()
    if raw.isdigit():
        return _from_epoch(int(raw)) if len(raw) >= 9 else None
    return _parse_prose_date(raw)


def _from_epoch(value: float) -> str | None:
    if not math.isfinite(value) or value <= 0:
        return None
    if value > 1e11:  # milliseconds, as JavaScript exports write them
        value /= 1000
    try:
        return dt.datetime.fromtimestamp(value, tz=dt.timezone.utc).isoformat()
    except (OverflowError, OSError, ValueError):
        return None


@functools.cache
def _dateparser_settings() -> dict[str, Any]:
    # Absolute dates only: a relative "yesterday" has no anchor at ingest time.
    return {
        "REQUIRE_PARTS": ["day", "month", "year"],
        "PARSERS": ["timestamp", "absolute-time"],
    }


def _parse_prose_date(raw: str) -> str | None:
    """'March 12, 2026', '12 Mar 2026 09:30 GMT', RFC 2822 feed dates: rare, so parse lazily."""
    if len(raw) > 64:
        return None
    import dateparser  # slow to import; only metadata that is not ISO pays for it

    try:
        parsed = dateparser.parse(raw, settings=_dateparser_settings())
    except Exception:  # dateparser raises assorted errors on odd strings
        return None
    if parsed is None:
        return None
    if _HAS_CLOCK.search(raw):
        return parsed.isoformat()
    return parsed.date().isoformat()


def clean(text: str) -> str:
    """Text safe to hash and write: JSON escapes can smuggle in lone surrogates (``\\ud800``)."""
    if _SURROGATE.search(text) is None:
        return text
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def plain(value: Any, budget: list[int] | None = None) -> Any:
    """JSON-safe copy of a YAML/JSON value, so `Document.meta` always serialises.

    The node budget stops YAML aliases (a "billion laughs" header) from expanding
    into an exponential copy.
    """
    budget = budget if budget is not None else [_PLAIN_NODES]
    budget[0] -= 1
    if budget[0] < 0:
        return "..."
    if value is None or isinstance(value, (int, bool)):
        return value
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {clean(str(k)): plain(v, budget) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [plain(v, budget) for v in value]
    return clean(str(value))


def _as_text(value: Any) -> str | None:
    if isinstance(value, str):
        value = clean(" ".join(value.split()))
        return value or None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, (list, tuple)) and all(isinstance(v, (str, int, float)) for v in value):
        # authors: ["A", "B"] -> "A, B"
        return ", ".join(" ".join(str(v).split()) for v in value if str(v).strip()) or None
    if isinstance(value, dict) and isinstance(value.get("name"), str):
        return _as_text(value["name"])  # schema.org-style {"name": ...}
    return None


def make_document(
    text: str,
    source: str,
    record: dict[str, Any] | None,
    meta: dict[str, Any],
    *,
    skip: tuple[str, ...] = (),
) -> Document:
    """Build a Document from body text and a metadata record with any accepted spelling.

    Unknown keys are kept under ``meta["extra"]``; values that cannot be used are noted
    under ``meta["warnings"]`` rather than rejecting an otherwise good article.
    """
    values: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    warnings: list[str] = list(meta.pop("warnings", []))
    for key, value in (record or {}).items():
        key_s = str(key)
        if key_s in skip:
            continue
        field = FIELD_KEYS.get(key_s.strip().lower())
        if field is None:
            extra[key_s] = plain(value)
            continue
        if value is None or field in values:
            continue  # the first spelling wins: "published" and "date" both given
        if field == "published":
            published = normalise_published(value)
            if published is None:
                warnings.append(f"unreadable {key_s} {plain(value)!r}; published left empty")
                meta["published_raw"] = plain(value)
                continue
            values[field] = published
            continue
        text_value = _as_text(value)
        if text_value is None:
            warnings.append(f"{key_s} is not text ({type(value).__name__}); ignored")
            continue
        values[field] = text_value
    if extra:
        meta["extra"] = extra
    if warnings:
        meta["warnings"] = warnings
    return Document(text=clean(text), source=source, meta=meta, **values)
