"""The event table: one row per event, with ACLED's column names where they mean the same thing.

A reader who knows ACLED's export can load the table with the same code; the extra columns
(status, attributed_to, historical, why, document_id) say how far each row can be trusted.
Column meanings are in docs/schema.md, "Event table (CSV)".
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator
from datetime import date
from typing import IO, Any

from ..kb import load_kb
from ..model import Analysis, Entity, Event, Item, Place, Quantity, Time

COLUMNS = (
    "event_id_cnty",
    "event_date",
    "time_precision",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "actor2",
    "assoc_actor_2",
    "country",
    "admin1",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "notes",
    "fatalities",
    "status",
    "attributed_to",
    "historical",
    "why",
    "document_id",
)

# ACLED's time_precision: 1 the day is known, 2 the week or month, 3 only something coarser.
_TIME_PRECISION = {"hour": 1, "day": 1, "week": 2, "month": 2, "quarter": 3, "year": 3, "decade": 3}
# ACLED's geo_precision: 1 the town or a point, 2 the first-level region, 3 the country or wider.
_GEO_PRECISION = {"exact": 1, "town": 1, "admin1": 2, "country": 3, "region": 3}
_SPACE = re.compile(r"\s+")
ASSOC_SEP = "; "


def events_csv(analyses: Iterable[Analysis]) -> Iterator[dict[str, Any]]:
    """One row (a dict keyed by `COLUMNS`) per event, documents in order, events in order."""
    for analysis in analyses:
        items = _by_id(analysis)
        for event in analysis.events:
            yield _row(analysis, event, items)


def write_events_csv(analyses: Iterable[Analysis], stream: IO[str]) -> int:
    """Write the header and one line per event; returns the number of rows."""
    writer = csv.DictWriter(stream, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    n = 0
    for row in events_csv(analyses):
        writer.writerow(row)
        n += 1
    return n


def _by_id(analysis: Analysis) -> dict[str, Item]:
    items: dict[str, Item] = {}
    for kind in (analysis.entities, analysis.places, analysis.times, analysis.quantities):
        for item in kind:
            items[item.id] = item
    return items


def _row(analysis: Analysis, event: Event, items: dict[str, Item]) -> dict[str, Any]:
    doc = analysis.document
    time = items.get(event.time or "")
    place = items.get(event.place or "")
    dead = items.get(event.dead or "")
    actor1, assoc1 = _actors(analysis, event.actors, event.actor_phrases, items)
    actor2, assoc2 = _actors(analysis, event.recipients, event.recipient_phrases, items)
    event_date, precision = _date(time if isinstance(time, Time) else None, doc.published, event.historical)
    loc = place if isinstance(place, Place) else None
    return {
        "event_id_cnty": f"{doc.id}-{event.id}",
        "event_date": event_date,
        "time_precision": precision,
        "event_type": event.category,
        "sub_event_type": event.mode or "",
        "actor1": actor1,
        "assoc_actor_1": assoc1,
        "actor2": actor2,
        "assoc_actor_2": assoc2,
        "country": _country_name(loc.country) if loc else "",
        "admin1": (loc.admin1 or "") if loc else "",
        "location": loc.name if loc else "",
        "latitude": "" if loc is None or loc.lat is None else loc.lat,
        "longitude": "" if loc is None or loc.lon is None else loc.lon,
        "geo_precision": _GEO_PRECISION.get(loc.precision or "", "") if loc else "",
        "source": doc.outlet or doc.source or "",
        "notes": _clean(analysis.text_of(event.clause) if event.clause else " ".join(analysis.texts(event))),
        "fatalities": _count(dead if isinstance(dead, Quantity) else None),
        "status": event.status,
        "attributed_to": _attribution(event.attributed_to, items),
        "historical": "true" if event.historical else "false",
        "why": _clean(event.why),
        "document_id": doc.id,
    }


def _actors(
    analysis: Analysis, ids: list[str], phrases: list[list[int]], items: dict[str, Item]
) -> tuple[str, str]:
    """First participant and the `; `-joined rest: entity names, else the words that name them."""
    names = [ent.name for i in ids if isinstance(ent := items.get(i), Entity)]
    if not names:
        names = [_clean(analysis.text_of(m)) for m in phrases]
    names = list(dict.fromkeys(n for n in names if n))
    if not names:
        return "", ""
    return names[0], ASSOC_SEP.join(names[1:])


def _date(time: Time | None, published: str | None, historical: bool) -> tuple[str, int | str]:
    """The event's own date when it has one; otherwise the publication date, marked as coarse.

    An undated current event is most likely from the days before publication (precision 2);
    an undated historical one could be from any time (precision 3).
    """
    if time is not None and time.start:
        precision = _TIME_PRECISION.get(time.precision or "", 3)
        return time.start[:10], max(precision, _span_precision(time.start, time.end))
    if published:
        return published[:10], 3 if historical else 2
    return "", ""


def _span_precision(start: str, end: str | None) -> int:
    """An interval of several days is not a day: a week or a month is 2, anything longer 3."""
    if not end:
        return 1
    try:
        days = (date.fromisoformat(end[:10]) - date.fromisoformat(start[:10])).days
    except ValueError:
        return 3
    return 1 if days <= 0 else 2 if days <= 31 else 3


def _count(q: Quantity | None) -> int:
    """The dead as a count: the stated value, else the lower bound, else 0 (ACLED's convention)."""
    if q is None:
        return 0
    for v in (q.value, q.low):
        if v is not None:
            return round(v)
    return 0


def _attribution(attributed: dict[str, Any] | None, items: dict[str, Item]) -> str:
    if not attributed:
        return ""
    ent = items.get(attributed.get("entity") or "")
    if isinstance(ent, Entity):
        return ent.name
    return _clean(str(attributed.get("text") or ""))


def _country_name(iso2: str | None) -> str:
    if not iso2:
        return ""
    state = load_kb().state_of(iso2)
    return state.name if state is not None else iso2


def _clean(text: str) -> str:
    return _SPACE.sub(" ", text).strip()
