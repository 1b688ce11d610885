"""Searching the store: full text and filters, one page of plain dicts at a time.

The CLI (`gossamer query`) and the web API call the same `query()`: it takes a `Filters`
and a kind (documents, events, claims, actors, places) and returns
``{"kind", "total", "limit", "offset", "items": [...]}`` with JSON-ready items.

Filters are SQL. TEXT is an FTS5 query over document titles and bodies (items of other kinds
are those of the matching documents). Actor, place and distance filters are resolved first
into small temporary tables of matching (doc_id, item_id) pairs, which every kind joins the
same way; a distance filter takes a bounding box in SQL and keeps what haversine puts within
the radius. A claim's grade is its corpus grade when linking gave it one, else its own.
"""

from __future__ import annotations

import csv
import json
import math
import re
import sqlite3
from dataclasses import dataclass
from typing import IO, Any

from ..phrases import key as name_key
from .store import ACTOR_COLUMNS_SQL, ACTOR_JOINS_SQL, ACTOR_KEY_SQL

KINDS = ("documents", "events", "claims", "actors", "places")
EARTH_KM = 6371.0088  # mean Earth radius (IUGG)
KM_PER_DEG_LAT = 111.32
MAX_LIMIT = 10_000
RELIABILITY = "ABCDEF"
_GRADE = re.compile(r"^\s*([A-Fa-f])?\s*([1-6])?\s*(?:-\s*([A-Fa-f])?\s*([1-6])?)?\s*$")
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


class QueryError(ValueError):
    """A filter value that cannot be read: the message says which and how to write it."""


@dataclass(frozen=True)
class GradeRange:
    """Reliability letters and credibility digits allowed (Admiralty code: A1 best, F6 unknown)."""

    reliability: tuple[str, ...]
    credibility: tuple[int, ...]

    @property
    def all_reliability(self) -> bool:
        return len(self.reliability) == len(RELIABILITY)

    @property
    def all_credibility(self) -> bool:
        return len(self.credibility) == 6


def parse_grade(text: str) -> GradeRange:
    """"F6" exactly; "A1-C3" any of A..C with any of 1..3; "B", "A-C" or "1-2" constrain one axis."""
    m = _GRADE.match(text or "")
    if not m or not any(m.groups()):
        raise QueryError(f"--grade wants a grade like F6, B or A1-C3, got {text!r}")
    r1, c1, r2, c2 = m.groups()
    if "-" not in text:
        letters = (r1.upper(),) if r1 else tuple(RELIABILITY)
        digits = (int(c1),) if c1 else tuple(range(1, 7))
        return GradeRange(letters, digits)
    if not (r2 or c2):
        raise QueryError(f"--grade range {text!r} has no upper end")
    letters = tuple(RELIABILITY)
    if r1 or r2:
        lo, hi = RELIABILITY.index((r1 or "A").upper()), RELIABILITY.index((r2 or "F").upper())
        letters = tuple(RELIABILITY[lo : hi + 1])
    digits = tuple(range(1, 7))
    if c1 or c2:
        digits = tuple(range(int(c1 or 1), int(c2 or 6) + 1))
    if not letters or not digits:
        raise QueryError(f"--grade range {text!r} runs backwards (best first: A1-C3)")
    return GradeRange(letters, digits)


def parse_near(text: str) -> tuple[float, float]:
    """'LAT,LON' in decimal degrees."""
    try:
        lat_s, lon_s = text.split(",")
        lat, lon = float(lat_s), float(lon_s)
    except ValueError:
        raise QueryError(f"--near wants LAT,LON in decimal degrees, got {text!r}") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise QueryError(f"--near {text!r} is off the globe (lat -90..90, lon -180..180)")
    return lat, lon


def check_date(text: str | None, flag: str) -> str | None:
    if text is None:
        return None
    if not _DATE.match(text):
        raise QueryError(f"{flag} wants YYYY, YYYY-MM or YYYY-MM-DD, got {text!r}")
    return text


@dataclass
class Filters:
    text: str | None = None  # FTS5 query over title and text
    actor: str | None = None  # actor name or surface form (folded), KB id, or corpus actor key
    place: str | None = None  # place name, as resolved or as written (folded: "al-Qaim" = "Al Qa'im")
    near: tuple[float, float] | None = None
    km: float = 50.0
    since: str | None = None  # YYYY[-MM[-DD]], inclusive
    until: str | None = None  # inclusive: 2026-03 means to the end of March
    category: str | None = None  # PLOVER category
    grade: GradeRange | None = None

    @classmethod
    def parse(
        cls,
        text: str | None = None,
        actor: str | None = None,
        place: str | None = None,
        near: str | None = None,
        km: float = 50.0,
        since: str | None = None,
        until: str | None = None,
        category: str | None = None,
        grade: str | None = None,
    ) -> Filters:
        """Filters from strings as a user types them; raises QueryError on a bad value."""
        if km is not None and km <= 0:
            raise QueryError(f"--km must be positive, got {km}")
        return cls(
            text=text or None,
            actor=actor or None,
            place=place or None,
            near=parse_near(near) if near else None,
            km=km,
            since=check_date(since, "--since"),
            until=check_date(until, "--until"),
            category=category.upper() if category else None,
            grade=parse_grade(grade) if grade else None,
        )


# ---------------------------------------------------------------------------------- helpers


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_KM * math.asin(min(1.0, math.sqrt(h)))


def bounding_box(lat: float, lon: float, km: float) -> tuple[float, float, list[tuple[float, float]]]:
    """(lat_min, lat_max, [(lon_min, lon_max), ...]) holding every point within `km` of (lat, lon).

    Exact on the sphere: the widest longitude offset of a circle of angular radius d around
    latitude φ is asin(sin d / cos φ); when the circle reaches a pole every longitude is in.
    Two longitude ranges when the box crosses the antimeridian.
    """
    d = km / EARTH_KM
    pad = 1e-9
    lat_min = max(-90.0, lat - math.degrees(d) - pad)
    lat_max = min(90.0, lat + math.degrees(d) + pad)
    cos_lat = math.cos(math.radians(lat))
    if d >= math.pi / 2 or lat_min <= -90.0 or lat_max >= 90.0 or math.sin(d) >= cos_lat:
        return lat_min, lat_max, [(-180.0, 180.0)]
    dlon = math.degrees(math.asin(math.sin(d) / cos_lat)) + pad
    lo, hi = lon - dlon, lon + dlon
    if lo < -180:
        return lat_min, lat_max, [(lo + 360, 180.0), (-180.0, hi)]
    if hi > 180:
        return lat_min, lat_max, [(lo, 180.0), (-180.0, hi - 360)]
    return lat_min, lat_max, [(lo, hi)]


def _until_bound(until: str) -> str:
    """The last ISO string inside `until`: '2026-03' -> '2026-03-99' compares after every day of March."""
    return until + {4: "-99-99", 7: "-99"}.get(len(until), "") + "~"


def _reset_temp(conn: sqlite3.Connection) -> None:
    for name in ("q_ent", "q_place", "q_near"):
        conn.execute(f"DROP TABLE IF EXISTS temp.{name}")
        conn.execute(f"CREATE TEMP TABLE {name} (doc_id TEXT, item_id TEXT, PRIMARY KEY (doc_id, item_id)) WITHOUT ROWID")


def _fill_actor(conn: sqlite3.Connection, actor: str) -> None:
    """Entities that are the actor: by KB id, by name or any way the text named it (folded), or
    through the corpus actor they were resolved to (its key, KB id or name)."""
    conn.execute(
        """INSERT OR IGNORE INTO temp.q_ent
           SELECT doc_id, item_id FROM entities WHERE kb_id = :a
           UNION
           SELECT doc_id, item_id FROM name_keys WHERE kind = 'entity' AND key = :k
           UNION
           SELECT am.doc_id, am.entity_id FROM actor_mentions am JOIN actors ac ON ac.actor_key = am.actor_key
           WHERE ac.actor_key = :a OR ac.kb_id = :a OR ac.name = :a COLLATE NOCASE""",
        {"a": actor, "k": name_key(actor)},
    )


def _fill_place(conn: sqlite3.Connection, place: str) -> None:
    """Places resolved to that name or written that way, accents, case and punctuation aside."""
    conn.execute(
        "INSERT OR IGNORE INTO temp.q_place SELECT doc_id, item_id FROM name_keys WHERE kind = 'place' AND key = ?",
        (name_key(place),),
    )


def _fill_near(conn: sqlite3.Connection, near: tuple[float, float], km: float) -> None:
    lat, lon = near
    lat_min, lat_max, lon_ranges = bounding_box(lat, lon, km)
    lon_sql = " OR ".join("(lon BETWEEN ? AND ?)" for _ in lon_ranges)
    params: list[Any] = [lat_min, lat_max]
    for lo, hi in lon_ranges:
        params += [lo, hi]
    rows = conn.execute(
        f"SELECT doc_id, item_id, lat, lon FROM places WHERE lat BETWEEN ? AND ? AND ({lon_sql})", params
    ).fetchall()
    keep = [(d, i) for d, i, la, lo in rows if haversine_km(lat, lon, la, lo) <= km]
    conn.executemany("INSERT OR IGNORE INTO temp.q_near VALUES (?, ?)", keep)


def _grade_sql(grade: GradeRange, rel: str, cred: str) -> tuple[str, list[Any]]:
    parts, params = [], []
    if not grade.all_reliability:
        parts.append(f"{rel} IN ({','.join('?' * len(grade.reliability))})")
        params += list(grade.reliability)
    if not grade.all_credibility:
        parts.append(f"{cred} IN ({','.join('?' * len(grade.credibility))})")
        params += list(grade.credibility)
    if not parts:
        parts.append(f"{rel} IS NOT NULL")
    return " AND ".join(parts), params


_CLAIM_GRADE_FROM = (
    "FROM claims c LEFT JOIN claim_grades g ON g.doc_id = c.doc_id AND g.claim_id = c.item_id"
)
_REL = "COALESCE(g.reliability, c.reliability)"
_CRED = "COALESCE(g.credibility, c.credibility)"


# ---------------------------------------------------------------------------------- per-kind SQL


class _Where:
    def __init__(self) -> None:
        self.parts: list[str] = []
        self.params: list[Any] = []

    def add(self, sql: str, *params: Any) -> None:
        self.parts.append(sql)
        self.params.extend(params)

    @property
    def sql(self) -> str:
        return (" WHERE " + " AND ".join(self.parts)) if self.parts else ""


def _doc_filters(w: _Where, f: Filters, doc: str = "d") -> None:
    """Filters that apply to the document an item sits in: full text and publication date."""
    if f.text:
        w.add(f"{doc}.seq IN (SELECT rowid FROM documents_fts WHERE documents_fts MATCH ?)", f.text)
    if f.since:
        w.add(f"{doc}.published >= ?", f.since)
    if f.until:
        w.add(f"{doc}.published <= ?", _until_bound(f.until))


def _refs_in(doc_id: str, item_id: str, roles: tuple[str, ...], temp: str) -> str:
    role_sql = ",".join(f"'{r}'" for r in roles)
    return (
        f"EXISTS (SELECT 1 FROM item_refs r JOIN temp.{temp} x ON x.doc_id = r.doc_id AND x.item_id = r.ref_id"
        f" WHERE r.doc_id = {doc_id} AND r.item_id = {item_id} AND r.role IN ({role_sql}))"
    )


def _docs_where(f: Filters) -> _Where:
    w = _Where()
    _doc_filters(w, f)
    if f.actor:
        w.add("EXISTS (SELECT 1 FROM temp.q_ent x WHERE x.doc_id = d.id)")
    if f.place:
        w.add("EXISTS (SELECT 1 FROM temp.q_place x WHERE x.doc_id = d.id)")
    if f.near:
        w.add("EXISTS (SELECT 1 FROM temp.q_near x WHERE x.doc_id = d.id)")
    if f.category:
        w.add("EXISTS (SELECT 1 FROM events v WHERE v.doc_id = d.id AND v.category = ?)", f.category)
    if f.grade:
        cond, params = _grade_sql(f.grade, _REL, _CRED)
        w.add(f"EXISTS (SELECT 1 {_CLAIM_GRADE_FROM} WHERE c.doc_id = d.id AND {cond})", *params)
    return w


def _events_where(f: Filters) -> _Where:
    w = _Where()
    if f.text:
        w.add("d.seq IN (SELECT rowid FROM documents_fts WHERE documents_fts MATCH ?)", f.text)
    # an event's own date when it has one, else the date of the report
    if f.since:
        w.add("COALESCE(v.time_end, v.time_start, d.published) >= ?", f.since)
    if f.until:
        w.add("COALESCE(v.time_start, d.published) <= ?", _until_bound(f.until))
    if f.actor:
        w.add(_refs_in("v.doc_id", "v.item_id", ("actor", "recipient"), "q_ent"))
    if f.place:
        w.add(_refs_in("v.doc_id", "v.item_id", ("place",), "q_place"))
    if f.near:
        w.add(_refs_in("v.doc_id", "v.item_id", ("place",), "q_near"))
    if f.category:
        w.add("v.category = ?", f.category)
    if f.grade:  # events that a claim of that grade reports
        cond, params = _grade_sql(f.grade, _REL, _CRED)
        w.add(
            "EXISTS (SELECT 1 FROM item_refs r JOIN claims c ON c.doc_id = r.doc_id AND c.item_id = r.item_id"
            " LEFT JOIN claim_grades g ON g.doc_id = c.doc_id AND g.claim_id = c.item_id"
            f" WHERE r.doc_id = v.doc_id AND r.ref_id = v.item_id AND r.role = 'event' AND {cond})",
            *params,
        )
    return w


def _claims_where(f: Filters) -> _Where:
    w = _Where()
    _doc_filters(w, f)
    if f.actor:
        w.add(_refs_in("c.doc_id", "c.item_id", ("entity", "source"), "q_ent"))
    if f.place:
        w.add(_refs_in("c.doc_id", "c.item_id", ("place",), "q_place"))
    if f.near:
        w.add(_refs_in("c.doc_id", "c.item_id", ("place",), "q_near"))
    if f.category:
        w.add(
            "EXISTS (SELECT 1 FROM item_refs r JOIN events v ON v.doc_id = r.doc_id AND v.item_id = r.ref_id"
            " WHERE r.doc_id = c.doc_id AND r.item_id = c.item_id AND r.role = 'event' AND v.category = ?)",
            f.category,
        )
    if f.grade:
        cond, params = _grade_sql(f.grade, _REL, _CRED)
        w.add(cond, *params)
    return w


def _actors_where(f: Filters) -> _Where:
    w = _Where()
    _doc_filters(w, f)
    if f.actor:
        w.add("EXISTS (SELECT 1 FROM temp.q_ent x WHERE x.doc_id = e.doc_id AND x.item_id = e.item_id)")
    if f.place:
        w.add("EXISTS (SELECT 1 FROM temp.q_place x WHERE x.doc_id = e.doc_id)")
    if f.near:
        w.add("EXISTS (SELECT 1 FROM temp.q_near x WHERE x.doc_id = e.doc_id)")
    if f.category:  # actors taking part in an event of that category
        w.add(
            "EXISTS (SELECT 1 FROM item_refs r JOIN events v ON v.doc_id = r.doc_id AND v.item_id = r.item_id"
            " WHERE r.doc_id = e.doc_id AND r.ref_id = e.item_id AND r.role IN ('actor', 'recipient')"
            " AND v.category = ?)",
            f.category,
        )
    if f.grade:  # actors a claim of that grade names or quotes
        cond, params = _grade_sql(f.grade, _REL, _CRED)
        w.add(
            "EXISTS (SELECT 1 FROM item_refs r JOIN claims c ON c.doc_id = r.doc_id AND c.item_id = r.item_id"
            " LEFT JOIN claim_grades g ON g.doc_id = c.doc_id AND g.claim_id = c.item_id"
            " WHERE r.doc_id = e.doc_id AND r.ref_id = e.item_id AND r.role IN ('entity', 'source')"
            f" AND {cond})",
            *params,
        )
    return w


def _places_where(f: Filters) -> _Where:
    w = _Where()
    _doc_filters(w, f)
    w.add("p.lat IS NOT NULL AND p.lon IS NOT NULL")
    if f.actor:
        w.add("EXISTS (SELECT 1 FROM temp.q_ent x WHERE x.doc_id = p.doc_id)")
    if f.place:
        w.add("EXISTS (SELECT 1 FROM temp.q_place x WHERE x.doc_id = p.doc_id AND x.item_id = p.item_id)")
    if f.near:
        w.add("EXISTS (SELECT 1 FROM temp.q_near x WHERE x.doc_id = p.doc_id AND x.item_id = p.item_id)")
    if f.category:  # places where an event of that category happened
        w.add(
            "EXISTS (SELECT 1 FROM item_refs r JOIN events v ON v.doc_id = r.doc_id AND v.item_id = r.item_id"
            " WHERE r.doc_id = p.doc_id AND r.ref_id = p.item_id AND r.role = 'place' AND v.category = ?)",
            f.category,
        )
    if f.grade:
        cond, params = _grade_sql(f.grade, _REL, _CRED)
        w.add(
            "EXISTS (SELECT 1 FROM item_refs r JOIN claims c ON c.doc_id = r.doc_id AND c.item_id = r.item_id"
            " LEFT JOIN claim_grades g ON g.doc_id = c.doc_id AND g.claim_id = c.item_id"
            f" WHERE r.doc_id = p.doc_id AND r.ref_id = p.item_id AND r.role = 'place' AND {cond})",
            *params,
        )
    return w


# ---------------------------------------------------------------------------------- queries


def query(
    conn: sqlite3.Connection, kind: str = "documents", filters: Filters | None = None, limit: int = 50, offset: int = 0
) -> dict[str, Any]:
    """One page of `kind` matching `filters`, with the total count of matches."""
    if kind not in KINDS:
        raise QueryError(f"unknown kind {kind!r}; one of {', '.join(KINDS)}")
    if limit < 0 or offset < 0:
        raise QueryError("limit and offset must be zero or more")
    limit = min(limit, MAX_LIMIT)
    f = filters or Filters()
    _reset_temp(conn)
    if f.actor:
        _fill_actor(conn, f.actor)
    if f.place:
        _fill_place(conn, f.place)
    if f.near:
        _fill_near(conn, f.near, f.km)
    runner = {
        "documents": _documents,
        "events": _events,
        "claims": _claims,
        "actors": _actors,
        "places": _places,
    }[kind]
    if f.text:
        check_fts(conn, f.text)
    total, items = runner(conn, f, limit, offset)
    return {"kind": kind, "total": total, "limit": limit, "offset": offset, "items": items}


def check_fts(conn: sqlite3.Connection, text: str) -> None:
    """Raise QueryError for search text FTS5 cannot parse (an open quote, a bare operator)."""
    try:
        conn.execute("SELECT rowid FROM documents_fts WHERE documents_fts MATCH ? LIMIT 1", (text,)).fetchall()
    except sqlite3.OperationalError as err:
        raise QueryError(
            f"cannot read the search text {text!r} as an FTS5 query ({err}); put phrases in double quotes"
        ) from None


def _page(conn: sqlite3.Connection, select: str, body: str, order: str, params: list[Any], limit: int, offset: int):
    total = conn.execute(f"SELECT COUNT(*) FROM (SELECT 1 {body})", params).fetchone()[0]
    cur = conn.execute(f"{select} {body} ORDER BY {order} LIMIT ? OFFSET ?", [*params, limit, offset])
    names = [c[0] for c in cur.description]
    return total, [dict(zip(names, row)) for row in cur.fetchall()]


def _documents(conn: sqlite3.Connection, f: Filters, limit: int, offset: int):
    w = _docs_where(f)
    body = f"FROM documents d{w.sql}"
    total, rows = _page(
        conn,
        "SELECT d.id, d.seq, d.title, d.outlet, d.author, d.published, d.url, d.source, d.status, d.genre,"
        " (SELECT COUNT(*) FROM entities e WHERE e.doc_id = d.id) AS entities,"
        " (SELECT COUNT(*) FROM events v WHERE v.doc_id = d.id) AS events,"
        " (SELECT COUNT(*) FROM claims c WHERE c.doc_id = d.id) AS claims,"
        " (SELECT origin_id FROM origins o WHERE o.doc_id = d.id) AS origin",
        body,
        "d.seq",
        w.params,
        limit,
        offset,
    )
    if f.text and rows:
        snippets = _snippets(conn, f.text, [r["seq"] for r in rows])
        for r in rows:
            r["snippet"] = snippets.get(r["seq"], "")
    return total, rows


def _snippets(conn: sqlite3.Connection, text: str, seqs: list[int]) -> dict[int, str]:
    marks = ",".join("?" * len(seqs))
    rows = conn.execute(
        "SELECT rowid, snippet(documents_fts, 1, '[', ']', '…', 16) FROM documents_fts"
        f" WHERE documents_fts MATCH ? AND rowid IN ({marks})",
        [text, *seqs],
    ).fetchall()
    return {seq: " ".join(s.split()) for seq, s in rows}


def _events(conn: sqlite3.Connection, f: Filters, limit: int, offset: int):
    w = _events_where(f)
    body = "FROM events v JOIN documents d ON d.id = v.doc_id" + w.sql
    total, rows = _page(
        conn,
        "SELECT v.doc_id, v.item_id AS id, v.category, v.mode, v.status, v.trigger, v.time_start, v.time_end,"
        " COALESCE(v.time_start, d.published) AS date, v.place_id, v.lat, v.lon, v.historical, v.confidence,"
        " v.clause, v.why, d.title, d.outlet, d.published,"
        " (SELECT name FROM places p WHERE p.doc_id = v.doc_id AND p.item_id = v.place_id) AS place,"
        " (SELECT cluster_id FROM event_clusters k WHERE k.doc_id = v.doc_id AND k.event_id = v.item_id)"
        " AS cluster_id",
        body,
        "d.seq, CAST(SUBSTR(v.item_id, 2) AS INTEGER), v.item_id",
        w.params,
        limit,
        offset,
    )
    for r in rows:
        r["historical"] = bool(r["historical"])
        r["actors"] = _ref_names(conn, r["doc_id"], r["id"], "actor")
        r["recipients"] = _ref_names(conn, r["doc_id"], r["id"], "recipient")
    return total, rows


def _ref_names(conn: sqlite3.Connection, doc_id: str, item_id: str, role: str) -> list[str]:
    rows = conn.execute(
        "SELECT e.name FROM item_refs r JOIN entities e ON e.doc_id = r.doc_id AND e.item_id = r.ref_id"
        " WHERE r.doc_id = ? AND r.item_id = ? AND r.role = ? ORDER BY CAST(SUBSTR(e.item_id, 2) AS INTEGER)",
        (doc_id, item_id, role),
    ).fetchall()
    return [name for (name,) in rows]


def _claims(conn: sqlite3.Connection, f: Filters, limit: int, offset: int):
    w = _claims_where(f)
    body = f"{_CLAIM_GRADE_FROM} JOIN documents d ON d.id = c.doc_id{w.sql}"
    total, rows = _page(
        conn,
        "SELECT c.doc_id, c.item_id AS id, c.kind, c.text, c.source_type, c.source_name AS source,"
        f" {_REL} AS reliability, {_CRED} AS credibility, c.reliability AS own_reliability,"
        " c.credibility AS own_credibility, c.certainty, c.checkworthiness, d.title, d.outlet, d.published,"
        " (SELECT COUNT(*) FROM claim_links l WHERE (l.doc_a = c.doc_id AND l.claim_a = c.item_id)"
        "   OR (l.doc_b = c.doc_id AND l.claim_b = c.item_id)) AS links",
        body,
        "d.seq, CAST(SUBSTR(c.item_id, 2) AS INTEGER), c.item_id",
        w.params,
        limit,
        offset,
    )
    for r in rows:
        r["grade"] = f"{r['reliability'] or ''}{r['credibility'] or ''}" or None
    return total, rows


def _actors(conn: sqlite3.Connection, f: Filters, limit: int, offset: int):
    w = _actors_where(f)
    order = "documents DESC, mentions DESC, actor_key"
    if not w.parts and _actor_stats_fresh(conn):
        total = conn.execute("SELECT COUNT(*) FROM actor_stats").fetchone()[0]
        cur = conn.execute(
            "SELECT actor_key, name, type, kb_id, country, documents, mentions FROM actor_stats"
            f" ORDER BY {order} LIMIT ? OFFSET ?",
            (limit, offset),
        )
        names = [c[0] for c in cur.description]
        return total, [dict(zip(names, row)) for row in cur.fetchall()]
    body = f"FROM entities e JOIN documents d ON d.id = e.doc_id{ACTOR_JOINS_SQL}{w.sql} GROUP BY {ACTOR_KEY_SQL}"
    return _page(conn, f"SELECT {ACTOR_COLUMNS_SQL}", body, order, w.params, limit, offset)


def _actor_stats_fresh(conn: sqlite3.Connection) -> bool:
    """The precomputed totals hold when linking ran after the last document was stored."""
    row = conn.execute("SELECT value FROM meta WHERE key = 'linked_seq'").fetchone()
    last = conn.execute("SELECT MAX(seq) FROM documents").fetchone()[0]
    return row is not None and last is not None and int(row[0]) >= last


def _places(conn: sqlite3.Connection, f: Filters, limit: int, offset: int):
    w = _places_where(f)
    body = f"FROM places p JOIN documents d ON d.id = p.doc_id{w.sql} GROUP BY p.name, p.lat, p.lon"
    total, rows = _page(
        conn,
        "SELECT p.name, p.lat, p.lon, MAX(p.country) AS country, MAX(p.admin1) AS admin1,"
        " MAX(p.feature) AS feature, MAX(p.precision) AS precision, MAX(p.geonames_id) AS geonames_id,"
        " COUNT(DISTINCT p.doc_id) AS documents, SUM(p.mentions) AS mentions",
        body,
        "documents DESC, mentions DESC, p.name, p.lat, p.lon",
        w.params,
        limit,
        offset,
    )
    if f.near:
        for r in rows:
            r["km"] = round(haversine_km(f.near[0], f.near[1], r["lat"], r["lon"]), 1)
    return total, rows


# ---------------------------------------------------------------------------------- output

OUTPUT_FORMATS = ("table", "json", "jsonl", "csv", "geojson")
_TABLE_COLUMNS = {
    "documents": ("seq", "published", "outlet", "title", "entities", "events", "claims", "snippet"),
    "events": ("date", "category", "status", "actors", "trigger", "recipients", "place", "cluster_id", "outlet"),
    "claims": ("published", "grade", "kind", "source_type", "source", "text", "links", "outlet"),
    "actors": ("name", "type", "kb_id", "country", "documents", "mentions", "actor_key"),
    "places": ("name", "country", "lat", "lon", "feature", "documents", "mentions"),
}


def _flat(value: Any) -> Any:
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return "" if value is None else value


def result_geojson(result: dict[str, Any]) -> dict[str, Any]:
    """The page as an RFC 7946 FeatureCollection: items with a position as Points, others with null geometry."""
    features = []
    for item in result["items"]:
        lat, lon = item.get("lat"), item.get("lon")
        geometry = None
        if isinstance(lat, (int, float)) and isinstance(lon, (int, float)) and math.isfinite(lat) and math.isfinite(lon):
            geometry = {"type": "Point", "coordinates": [float(lon), float(lat)]}
        props = {k: v for k, v in item.items() if k not in ("lat", "lon")}
        features.append({"type": "Feature", "geometry": geometry, "properties": {"kind": result["kind"], **props}})
    return {"type": "FeatureCollection", "features": features}


def write_result(result: dict[str, Any], fmt: str, stream: IO[str], console: Any = None) -> None:
    """Write one page of results as a Rich table or as json/jsonl/csv/geojson."""
    if fmt == "json":
        stream.write(json.dumps(result, ensure_ascii=False, indent=2, sort_keys=True) + "\n")
    elif fmt == "jsonl":
        for item in result["items"]:
            stream.write(json.dumps(item, ensure_ascii=False, sort_keys=True) + "\n")
    elif fmt == "csv":
        names: list[str] = []
        for item in result["items"]:
            names += [k for k in item if k not in names]
        writer = csv.DictWriter(stream, fieldnames=names, lineterminator="\n")
        writer.writeheader()
        for item in result["items"]:
            writer.writerow({k: _flat(v) for k, v in item.items()})
    elif fmt == "geojson":
        stream.write(json.dumps(result_geojson(result), ensure_ascii=False, sort_keys=True) + "\n")
    elif fmt == "table":
        _table(result, console)
    else:
        raise QueryError(f"unknown output format {fmt!r}; one of {', '.join(OUTPUT_FORMATS)}")


def _table(result: dict[str, Any], console: Any) -> None:
    from rich.console import Console
    from rich.table import Table

    console = console or Console()
    kind = result["kind"]
    shown = len(result["items"])
    start = result["offset"] + 1 if shown else 0
    table = Table(title=f"{kind}: {start}-{result['offset'] + shown} of {result['total']}", show_lines=False)
    columns = _TABLE_COLUMNS[kind]
    for col in columns:
        table.add_column(col, overflow="fold", max_width=60 if col in ("text", "snippet", "title") else None)
    for item in result["items"]:
        table.add_row(*(str(_flat(item.get(col))) for col in columns))
    console.print(table)
