"""One event, many reports: merging the same event told by several articles.

Two event reports are of one event when they have the same PLOVER category, their time
intervals overlap, their actors overlap (or at least one side names no actor and the places
agree), and their places are within a distance (the same first-level region when there are no
coordinates). Reports are never compared all-pairs: each is filed under blocking keys —
(category, week, actor), (category, week, 3-D grid cell of its place) and (category, week,
region) — and only reports that share a key, or sit in neighbouring grid cells, are compared.
An event is filed under every week its interval touches, so two overlapping intervals always
share a week. A block larger than `max_block` is compared by sorted neighbourhood (time order,
a fixed window), so one busy actor-week stays linear. Matches are joined with union-find.

The summary of a cluster keeps every report's figures with its document: disagreeing figures
are the finding, not noise to average away.

This module also holds the helpers shared by the claim and web linkers: dates as day numbers,
figures as intervals, great-circle distance.
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from ..model import Analysis, Event, Quantity, Time
from .syndication import UnionFind

EARTH_KM = 6371.0088
FIGURE_FIELDS = ("size", "dead", "injured")
_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")
_NUM = re.compile(r"\d+")

# ------------------------------------------------------------------ shared helpers


def natural(item_id: str) -> tuple[str, int]:
    """Sort key for item ids: "c2" before "c10"."""
    m = _NUM.search(item_id)
    return (item_id[: m.start()] if m else item_id, int(m.group()) if m else -1)


def day(text: str | None, end: bool = False) -> int | None:
    """An ISO date, datetime, year-month or year as a day number (its last day with `end`)."""
    if not text:
        return None
    m = _DATE.match(text.strip())
    if not m:
        return None
    try:
        y = int(m.group(1))
        if m.group(3):
            return date(y, int(m.group(2)), int(m.group(3))).toordinal()
        if m.group(2):
            mo = int(m.group(2))
            if not end:
                return date(y, mo, 1).toordinal()
            return (date(y + (mo == 12), mo % 12 + 1, 1)).toordinal() - 1
        return date(y, 12, 31).toordinal() if end else date(y, 1, 1).toordinal()
    except ValueError:
        return None


def iso(day_number: int | None) -> str | None:
    return date.fromordinal(day_number).isoformat() if day_number else None


def week(day_number: int) -> int:
    return (day_number - 1) // 7  # day 1 (0001-01-01) is a Monday: weeks run Monday to Sunday


def time_span(t: Time | None) -> tuple[int, int] | None:
    if t is None:
        return None
    d0 = day(t.start)
    d1 = day(t.end, end=True) or day(t.start, end=True)
    if d0 is None or d1 is None:
        return None
    return (d0, d1) if d0 <= d1 else (d1, d0)


def overlaps(a: tuple[int, int], b: tuple[int, int], slack: int) -> bool:
    return a[0] <= b[1] + slack and b[0] <= a[1] + slack


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_KM * math.asin(min(1.0, math.sqrt(h)))


def grid_cell(lat: float, lon: float, size_km: float) -> tuple[int, int, int]:
    """Cell of a 3-D grid over the sphere's points: chord <= arc, so points within `size_km`
    of each other lie in the same or adjacent cells, at any latitude (no pole or date-line seam)."""
    la, lo = math.radians(lat), math.radians(lon)
    x, y, z = math.cos(la) * math.cos(lo), math.cos(la) * math.sin(lo), math.sin(la)
    s = size_km / EARTH_KM
    return (math.floor(x / s), math.floor(y / s), math.floor(z / s))


_NEIGHBOURS = [(a, b, c) for a in (-1, 0, 1) for b in (-1, 0, 1) for c in (-1, 0, 1)]


@dataclass(slots=True, frozen=True)
class PlaceRec:
    name: str
    lat: float | None
    lon: float | None
    country: str | None
    admin1: str | None
    fine: bool  # town-level or finer: coordinates worth a distance test


@dataclass(slots=True, frozen=True)
class Figure:
    """A reported number as the corpus needs it: its interval, unit and words."""

    value: float | None
    low: float | None
    high: float | None
    bound: str
    approximate: bool
    vague: bool
    unit: str | None
    text: str

    def interval(self, cfg: dict[str, Any]) -> tuple[float, float] | None:
        """The range of true counts the report allows, per data/lexicons/corroboration.yaml."""
        v = self.value if self.value is not None else self.low
        if v is None and self.high is None:
            return None
        lo = self.low if self.low is not None else v
        hi = self.high if self.high is not None else v
        tol = float(cfg["approximate_tolerance"] if self.approximate else cfg["exact_tolerance"])
        if self.bound == "at_least":
            return ((lo or 0.0) * (1 - tol), math.inf)
        if self.bound == "at_most":
            return (0.0, (hi if hi is not None else lo or 0.0) * (1 + tol))
        if lo is None:
            lo = hi
        if hi is None or (self.vague and self.high is None):
            hi = (lo or 0.0) * float(cfg["vague_span"]) if self.vague else lo
        return ((lo or 0.0) * (1 - tol), (hi or 0.0) * (1 + tol))

    def words(self) -> str:
        if self.text:
            return " ".join(self.text.split())
        v = self.value if self.value is not None else self.low
        return f"{v:,.0f}" if v is not None else "?"


def figure_of(q: Quantity, text: str = "") -> Figure:
    return Figure(
        q.value, q.low, q.high, q.bound or "exact", bool(q.approximate), bool(q.vague), q.unit, text or q.text
    )


def place_rec(p: Any) -> PlaceRec:
    fine = p.lat is not None and p.lon is not None and (p.precision in (None, "exact", "town"))
    return PlaceRec(p.name, p.lat, p.lon, p.country, p.admin1, fine)


def places_agree(a: tuple[PlaceRec, ...], b: tuple[PlaceRec, ...], max_km: float) -> bool | None:
    """True when some pair is within `max_km` (or shares a region when coordinates are missing),
    False when both sides name towns (or regions) and none match, None when that cannot be told."""
    fa = [p for p in a if p.fine]
    fb = [p for p in b if p.fine]
    if fa and fb:
        return any(haversine_km(p.lat, p.lon, q.lat, q.lon) <= max_km for p in fa for q in fb)  # type: ignore[arg-type]
    ra = {(p.country, p.admin1) for p in a if p.admin1}
    rb = {(p.country, p.admin1) for p in b if p.admin1}
    if ra and rb:
        return bool(ra & rb)
    # Countries alone decide nothing: the same country says little, and a cross-border event
    # ("crossed from Iraq into Syria") is placed in either country by different reports.
    return None


def border_pair(places: tuple[PlaceRec, ...]) -> tuple[str, ...] | None:
    """The countries of an event's places when there are exactly two ("crossed from Iraq into
    Syria"): a movement between two named countries on one date is placed by that pair even
    where one report names the crossing point and another only the countries."""
    countries = sorted({p.country for p in places if p.country})
    return tuple(countries) if len(countries) == 2 else None


def digest(parts: list[str], n: int = 12) -> str:
    return hashlib.sha1("\n".join(parts).encode("utf-8")).hexdigest()[:n]


# ------------------------------------------------------------------ event records


@dataclass(slots=True)
class EventRec:
    doc_id: str
    event_id: str
    category: str
    refs: tuple[str, ...]  # entity ids (actors and recipients)
    places: tuple[PlaceRec, ...]
    span: tuple[int, int] | None  # day numbers; None: too vague to merge
    dated: bool  # the span is the event's own time (not the publication window)
    figures: dict[str, Figure]
    status: str
    historical: bool
    keys: frozenset[str] = frozenset()


class EventLinker:
    """Streams events in; `cluster()` merges them once actors and origins are known."""

    def __init__(self, config: dict[str, Any], figures: dict[str, Any]) -> None:
        self.cfg = config
        self.fig_cfg = figures
        self.max_km = float(config["max_km"])
        self.slack = int(config["time_slack_days"])
        self.window_days = int(config["undated_window_days"])
        self.max_days = int(config["max_interval_days"])
        self.max_block = int(config["max_block"])
        self.window = int(config["window"])
        self.generic_ok = bool(config["generic_matches_specific"])
        self.cross_border = bool(config["cross_border_pairs"])
        self.records: list[EventRec] = []
        self.published: dict[str, int | None] = {}

    def add(self, analysis: Analysis, published: int | None) -> None:
        doc_id = analysis.document.id
        self.published[doc_id] = published
        if not analysis.events:
            return
        places = {p.id: p for p in analysis.places}
        times = {t.id: t for t in analysis.times}
        quantities = {q.id: q for q in analysis.quantities}
        for ev in analysis.events:
            self.records.append(self._record(doc_id, ev, places, times, quantities, published, analysis))

    def _record(
        self,
        doc_id: str,
        ev: Event,
        places: dict[str, Any],
        times: dict[str, Time],
        quantities: dict[str, Quantity],
        published: int | None,
        analysis: Analysis,
    ) -> EventRec:
        span = time_span(times.get(ev.time or ""))
        dated = span is not None
        if span is None and published is not None:
            span = (published - self.window_days, published)
        if span is not None and span[1] - span[0] > self.max_days:
            span = None
        pids = [ev.place] if ev.place else []
        pids += [p for p in ev.places if p not in pids]
        recs = tuple(place_rec(places[p]) for p in pids if p in places)
        figs: dict[str, Figure] = {}
        for fld in FIGURE_FIELDS:
            q = quantities.get(getattr(ev, fld) or "")
            if q is not None:
                text = " ".join(analysis.text_of(q.mentions[0]).split()) if q.mentions else q.text
                figs[fld] = figure_of(q, text)
        refs = tuple(dict.fromkeys([*ev.actors, *ev.recipients]))
        return EventRec(
            doc_id, ev.id, ev.category, refs, recs, span, dated, figs, ev.status or "asserted", ev.historical
        )

    # ------------------------------------------------------------------ matching

    def _same(self, a: EventRec, b: EventRec) -> bool:
        if a.doc_id == b.doc_id or a.category != b.category or a.span is None or b.span is None:
            return False
        if not overlaps(a.span, b.span, self.slack):
            return False
        place = places_agree(a.places, b.places, self.max_km)
        if place is False:
            return False
        if place is None and self.cross_border and a.dated and b.dated:
            pair = border_pair(a.places)
            place = True if pair and pair == border_pair(b.places) else None
        if a.keys and b.keys:
            return bool(a.keys & b.keys)
        if not a.keys and not b.keys:
            return place is True
        return self.generic_ok and place is True

    def _blocks(self) -> tuple[dict[tuple, list[int]], list[list[tuple]]]:
        blocks: dict[tuple, list[int]] = {}
        own: list[list[tuple]] = []
        for i, r in enumerate(self.records):
            keys: list[tuple] = []
            if r.span is not None:
                weeks = range(week(r.span[0] - self.slack), week(r.span[1] + self.slack) + 1)
                cells = {grid_cell(p.lat, p.lon, self.max_km) for p in r.places if p.fine}  # type: ignore[arg-type]
                regions = {(p.country, p.admin1) for p in r.places if p.admin1}
                pair = border_pair(r.places) if self.cross_border and r.dated else None
                for w in weeks:
                    keys += [("a", r.category, w, k) for k in r.keys]
                    keys += [("g", r.category, w, c) for c in cells]
                    keys += [("r", r.category, w, reg) for reg in regions]
                    if pair:
                        keys.append(("c", r.category, w, pair))
            for k in keys:
                blocks.setdefault(k, []).append(i)
            own.append(keys)
        return blocks, own

    def _candidates(self, i: int, keys: list[tuple], blocks: dict[tuple, list[int]], pos: dict) -> set[int]:
        out: set[int] = set()
        for k in keys:
            if k[0] == "g":
                near = [
                    (k[0], k[1], k[2], (k[3][0] + a, k[3][1] + b, k[3][2] + c)) for a, b, c in _NEIGHBOURS
                ]
            else:
                near = [k]
            for nk in near:
                members = blocks.get(nk)
                if not members:
                    continue
                if len(members) <= self.max_block:
                    out.update(members)
                else:  # sorted neighbourhood: the block is in time order, take a window
                    p = pos.get((nk, i))
                    if p is None:  # i is in a neighbour cell's block: find where it would sit
                        p = _bisect_span(members, self.records, self.records[i])
                    out.update(members[max(0, p - self.window) : p + self.window + 1])
        return out

    def cluster(
        self, actor_of: dict[tuple[str, str], str], origins: dict[str, str]
    ) -> tuple[dict[tuple[str, str], str], dict[str, dict[str, Any]]]:
        recs = self.records
        for r in recs:
            r.keys = frozenset(actor_of[(r.doc_id, e)] for e in r.refs if (r.doc_id, e) in actor_of)
        blocks, own = self._blocks()
        pos: dict = {}
        for k, members in blocks.items():
            if len(members) > self.max_block:
                members.sort(key=lambda j: (recs[j].span or (0, 0), j))
                for p, j in enumerate(members):
                    pos[(k, j)] = p
        uf = UnionFind()
        for _ in recs:
            uf.add()
        for i in range(len(recs)):
            for j in self._candidates(i, own[i], blocks, pos):
                if j > i and uf.find(i) != uf.find(j) and self._same(recs[i], recs[j]):
                    uf.union(i, j)
        groups: dict[int, list[int]] = {}
        for i in range(len(recs)):
            groups.setdefault(uf.find(i), []).append(i)
        clusters: dict[tuple[str, str], str] = {}
        summaries: dict[str, dict[str, Any]] = {}
        for members in groups.values():
            members.sort(key=lambda j: (recs[j].doc_id, natural(recs[j].event_id)))
            cid = "ev_" + digest([f"{recs[j].doc_id}:{recs[j].event_id}" for j in members])
            for j in members:
                clusters[(recs[j].doc_id, recs[j].event_id)] = cid
            summaries[cid] = self._summary([recs[j] for j in members], origins)
        return dict(sorted(clusters.items())), dict(sorted(summaries.items()))

    def _summary(self, members: list[EventRec], origins: dict[str, str]) -> dict[str, Any]:
        actors = sorted({k for r in members for k in r.keys})
        places: dict[tuple, dict[str, Any]] = {}
        for r in members:
            for p in r.places:
                places.setdefault(
                    (p.name, p.lat, p.lon),
                    {"name": p.name, "lat": p.lat, "lon": p.lon, "country": p.country, "admin1": p.admin1},
                )
        dated = [r.span for r in members if r.dated and r.span]
        pubs = [d for d in (self.published.get(r.doc_id) for r in members) if d is not None]
        figures: dict[str, Any] = {}
        for fld in FIGURE_FIELDS:
            vals = [(r, r.figures[fld]) for r in members if fld in r.figures]
            if not vals:
                continue
            spans = [f.interval(self.fig_cfg) for _, f in vals]
            spans = [s for s in spans if s]
            nums = [f.value if f.value is not None else f.low for _, f in vals]
            nums = [n for n in nums if n is not None]
            figures[fld] = {
                "min": min(nums) if nums else None,
                "max": max(nums) if nums else None,
                "values": [
                    {
                        "doc_id": r.doc_id,
                        "event_id": r.event_id,
                        "value": f.value,
                        "low": f.low,
                        "high": f.high,
                        "bound": f.bound,
                        "approximate": f.approximate,
                        "text": f.words(),
                    }
                    for r, f in vals
                ],
                # 1-D intervals all overlap pairwise iff the largest low end is below the smallest high
                "disagree": bool(spans) and max(s[0] for s in spans) > min(s[1] for s in spans),
            }
        return {
            "category": members[0].category,
            "n_reports": len({r.doc_id for r in members}),  # documents that tell it
            "n_events": len(members),  # event items merged (one document may tell it twice)
            "n_origins": len({origins.get(r.doc_id, r.doc_id) for r in members}),
            "members": [[r.doc_id, r.event_id] for r in members],
            "actors": actors,
            "places": [places[k] for k in sorted(places, key=lambda k: (k[0], k[1] or 0.0, k[2] or 0.0))],
            "first_date": iso(min(s[0] for s in dated)) if dated else None,
            "last_date": iso(max(s[1] for s in dated)) if dated else None,
            "first_reported": iso(min(pubs)) if pubs else None,
            "last_reported": iso(max(pubs)) if pubs else None,
            "figures": figures,
            "figures_disagree": any(f["disagree"] for f in figures.values()),
            "statuses": sorted({r.status for r in members}),
            "historical": any(r.historical for r in members),
        }


def _bisect_span(members: list[int], recs: list[EventRec], r: EventRec) -> int:
    """Where `r` would sit in a block sorted by span (for a report filed in a neighbour cell)."""
    target = r.span or (0, 0)
    lo, hi = 0, len(members)
    while lo < hi:
        mid = (lo + hi) // 2
        if (recs[members[mid]].span or (0, 0)) < target:
            lo = mid + 1
        else:
            hi = mid
    return lo
