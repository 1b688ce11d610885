"""What the workbench's JSON API answers, as plain functions over an open store.

The HTTP layer (`gossamer.web.app`) only parses the request and calls these. Lists go
through `gossamer.corpus.query.query` (the same code as `gossamer query`), so the CLI and
the web never disagree about what a filter means. Aggregates (timeline, map grid) are
GROUP BY queries: the browser never receives more rows than it draws.

Timeline and map reuse the event filter SQL of `gossamer.corpus.query` through
`_event_where`, a thin adapter over that module's private helpers: the query module has no
public "WHERE clause for events" function yet.
"""

from __future__ import annotations

import io
import json
import sqlite3
from typing import Any

import networkx as nx

from ..corpus import query as q
from ..corpus.linkview import readable_why
from ..corpus.query import Filters, QueryError

PAGE_DEFAULT = 50
PAGE_MAX = 500  # one page; exports may take up to EXPORT_MAX rows
EXPORT_MAX = 10_000
WEB_EDGES_MAX = 2_000
EVIDENCE_MAX = 20
FILTER_KEYS = ("text", "actor", "place", "near", "km", "since", "until", "category", "grade")


class ApiError(ValueError):
    """A request the API cannot answer as asked; `status` is the HTTP code to send."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def parse_filters(params: dict[str, str]) -> Filters:
    """Filters from query-string values, with the CLI's own parsing and messages."""
    km_text = params.get("km")
    try:
        km = float(km_text) if km_text not in (None, "") else 50.0
    except ValueError:
        raise ApiError(f"km wants a number, got {km_text!r}", 422) from None
    try:
        return Filters.parse(**{k: (params.get(k) or None) for k in FILTER_KEYS if k != "km"}, km=km)
    except QueryError as err:
        raise ApiError(str(err), 422) from None


def parse_int(params: dict[str, str], key: str, default: int, lo: int, hi: int) -> int:
    """An integer parameter clamped to [lo, hi]: pagination can never ask for the whole store."""
    text = params.get(key)
    if text in (None, ""):
        return default
    try:
        value = int(text)
    except ValueError:
        raise ApiError(f"{key} wants an integer, got {text!r}", 422) from None
    if value < lo:
        raise ApiError(f"{key} must be at least {lo}, got {value}", 422)
    return min(value, hi)


def listing(
    conn: sqlite3.Connection, kind: str, params: dict[str, str], cap: int = PAGE_MAX
) -> dict[str, Any]:
    if kind not in q.KINDS:
        raise ApiError(f"unknown kind {kind!r}", 404)
    f = parse_filters(params)
    limit = parse_int(params, "limit", PAGE_DEFAULT, 0, cap)
    offset = parse_int(params, "offset", 0, 0, 10**9)
    try:
        return q.query(conn, kind, f, limit=limit, offset=offset)
    except QueryError as err:
        raise ApiError(str(err), 400) from None


# ---------------------------------------------------------------------------------- one document


def document(conn: sqlite3.Connection, doc_id: str) -> dict[str, Any]:
    """The stored analysis of one document, with each claim's corpus links and grade."""
    row = conn.execute("SELECT analysis, seq FROM documents WHERE id = ?", (doc_id,)).fetchone()
    if row is None:
        raise ApiError(f"no document {doc_id!r}", 404)
    data = json.loads(row[0])
    data["seq"] = row[1]
    links: dict[str, list[dict[str, Any]]] = {}
    for claim_id, other in _links(conn, doc_id):
        links.setdefault(claim_id, []).append(other)
    grades = dict(
        conn.execute("SELECT claim_id, json FROM claim_grades WHERE doc_id = ?", (doc_id,)).fetchall()
    )
    for claim in data.get("claims", []):
        claim["links"] = links.get(claim["id"], [])
        if claim["id"] in grades:
            claim["corpus_grade"] = json.loads(grades[claim["id"]])
    return data


def _links(
    conn: sqlite3.Connection, doc_id: str, claim_id: str | None = None
) -> list[tuple[str, dict[str, Any]]]:
    """Links touching the document (or one claim of it), both directions, with the other claim's text."""
    where_a, where_b, params = "l.doc_a = ?", "l.doc_b = ?", [doc_id]
    if claim_id is not None:
        where_a += " AND l.claim_a = ?"
        where_b += " AND l.claim_b = ?"
        params.append(claim_id)
    rows = conn.execute(
        "SELECT l.claim_a, l.doc_b, l.claim_b, l.relation, l.score, l.why, 'out', c.text, d.title, d.outlet,"
        " d.published, c.source_type, c.source_name"
        " FROM claim_links l LEFT JOIN claims c ON c.doc_id = l.doc_b AND c.item_id = l.claim_b"
        f" LEFT JOIN documents d ON d.id = l.doc_b WHERE {where_a}"
        " UNION ALL "
        "SELECT l.claim_b, l.doc_a, l.claim_a, l.relation, l.score, l.why, 'in', c.text, d.title, d.outlet,"
        " d.published, c.source_type, c.source_name"
        " FROM claim_links l LEFT JOIN claims c ON c.doc_id = l.doc_a AND c.item_id = l.claim_a"
        f" LEFT JOIN documents d ON d.id = l.doc_a WHERE {where_b}"
        " ORDER BY 1, 4, 2, 3",
        params + params,
    ).fetchall()
    names = ("doc_id", "claim_id", "relation", "score", "why", "direction", "text", "title", "outlet",
             "published", "source_type", "source")  # fmt: skip
    out = []
    for r in rows:
        link = dict(zip(names, r[1:]))
        mine = f"{doc_id}/{r[0]}"
        link["reason"] = readable_why(link["why"], {mine: "this claim", f"{link['doc_id']}/{link['claim_id']}": "the other claim"})
        out.append((r[0], link))
    return out


def claim(conn: sqlite3.Connection, doc_id: str, claim_id: str) -> dict[str, Any]:
    """One claim beside the claims that corroborate or contradict it."""
    row = conn.execute(
        "SELECT c.doc_id, c.item_id, c.kind, c.text, c.source_type, c.source_name, c.reliability, c.credibility,"
        " c.certainty, c.checkworthiness, d.title, d.outlet, d.published, g.reliability, g.credibility, g.json"
        " FROM claims c JOIN documents d ON d.id = c.doc_id"
        " LEFT JOIN claim_grades g ON g.doc_id = c.doc_id AND g.claim_id = c.item_id"
        " WHERE c.doc_id = ? AND c.item_id = ?",
        (doc_id, claim_id),
    ).fetchone()
    if row is None:
        raise ApiError(f"no claim {claim_id!r} in document {doc_id!r}", 404)
    names = ("doc_id", "id", "kind", "text", "source_type", "source", "own_reliability", "own_credibility",
             "certainty", "checkworthiness", "title", "outlet", "published", "reliability", "credibility")  # fmt: skip
    out = dict(zip(names, row[:15]))
    out["reliability"] = out["reliability"] or out["own_reliability"]
    out["credibility"] = out["credibility"] or out["own_credibility"]
    out["grade"] = f"{out['reliability'] or ''}{out['credibility'] or ''}" or None
    out["corpus_grade"] = json.loads(row[15]) if row[15] else None
    out["links"] = [other for _, other in _links(conn, doc_id, claim_id)]
    return out


# ---------------------------------------------------------------------------------- aggregates


def _event_where(conn: sqlite3.Connection, f: Filters) -> tuple[str, str, str, list[Any]]:
    """(FROM, date expression, WHERE, params) with the event filters of `gossamer query events`.

    Document rows are wide (text and analysis JSON), so joining every event to its document
    dominates an aggregate. Without a text or date filter the WHERE touches events only, and
    the report date is fetched just for events that have no date of their own (COALESCE
    evaluates its second argument lazily).
    """
    q._reset_temp(conn)
    if f.actor:
        q._fill_actor(conn, f.actor)
    if f.place:
        q._fill_place(conn, f.place)
    if f.near:
        q._fill_near(conn, f.near, f.km)
    if f.text:
        try:
            q.check_fts(conn, f.text)
        except QueryError as err:
            raise ApiError(str(err), 400) from None
    w = q._events_where(f)
    if f.text or f.since or f.until:
        return "events v JOIN documents d ON d.id = v.doc_id", "COALESCE(v.time_start, d.published)", w.sql, w.params
    date = "COALESCE(v.time_start, (SELECT d.published FROM documents d WHERE d.id = v.doc_id))"
    return "events v", date, w.sql, w.params


def timeline(conn: sqlite3.Connection, params: dict[str, str]) -> dict[str, Any]:
    """Events per day and category (the event's own date, else its report's)."""
    f = parse_filters(params)
    source, date, where, args = _event_where(conn, f)
    day = f"SUBSTR({date}, 1, 10)"
    rows = conn.execute(
        f"SELECT {day} AS day, v.category, COUNT(*) FROM {source}{where}"
        f" GROUP BY day, v.category HAVING day IS NOT NULL ORDER BY day, v.category",
        args,
    ).fetchall()
    days: dict[str, dict[str, int]] = {}
    for d, cat, n in rows:
        days.setdefault(d, {})[cat or "OTHER"] = n
    return {
        "days": [{"day": d, "total": sum(c.values()), "categories": c} for d, c in days.items()],
        "categories": sorted({cat or "OTHER" for _, cat, _ in rows}),
    }


def map_features(conn: sqlite3.Connection, params: dict[str, str]) -> dict[str, Any]:
    """Located events clustered on a grid of `cell` degrees, per category, as GeoJSON Points."""
    f = parse_filters(params)
    try:
        cell = float(params.get("cell") or 0.25)
    except ValueError:
        raise ApiError("cell wants a number of degrees", 422) from None
    if not 0.001 <= cell <= 45:
        raise ApiError("cell must be between 0.001 and 45 degrees", 422)
    source, date, where, args = _event_where(conn, f)
    where = (where + " AND" if where else " WHERE") + " v.lat IS NOT NULL AND v.lon IS NOT NULL"
    rows = conn.execute(
        "SELECT CAST(FLOOR(v.lat / ?) AS INTEGER) AS gy, CAST(FLOOR(v.lon / ?) AS INTEGER) AS gx, v.category,"
        f" COUNT(*), AVG(v.lat), AVG(v.lon), MIN({date}), MAX({date})"
        f" FROM {source}{where} GROUP BY gy, gx, v.category"
        " ORDER BY COUNT(*) DESC LIMIT 5000",
        [cell, cell, *args],
    ).fetchall()
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [round(lon, 5), round(lat, 5)]},
            "properties": {"category": cat or "OTHER", "count": n, "first": first, "last": last},
        }
        for _, _, cat, n, lat, lon, first, last in rows
    ]
    return {"type": "FeatureCollection", "features": features}


# ---------------------------------------------------------------------------------- actor web


def web(conn: sqlite3.Connection, params: dict[str, str]) -> dict[str, Any]:
    """The aggregated actor web: nodes are corpus actors, edges typed, each with its evidence."""
    f = parse_filters(params)
    limit = parse_int(params, "limit", 500, 0, WEB_EDGES_MAX)
    parts, args = [], []
    if f.actor:
        keys = [r[0] for r in conn.execute(
            "SELECT actor_key FROM actors WHERE actor_key = :a OR kb_id = :a OR name = :a COLLATE NOCASE",
            {"a": f.actor})]  # fmt: skip
        marks = ",".join("?" * len(keys)) or "NULL"
        parts.append(f"(source_key IN ({marks}) OR target_key IN ({marks}))")
        args += keys + keys
    if f.since:
        parts.append("(last_seen IS NULL OR last_seen >= ?)")
        args.append(f.since)
    if f.until:
        parts.append("(first_seen IS NULL OR first_seen <= ?)")
        args.append(q._until_bound(f.until))
    if params.get("type"):
        parts.append("type = ?")
        args.append(params["type"])
    where = (" WHERE " + " AND ".join(parts)) if parts else ""
    total = conn.execute(f"SELECT COUNT(*) FROM web_edges{where}", args).fetchone()[0]
    rows = conn.execute(
        "SELECT source_key, target_key, type, weight, first_seen, last_seen, evidence_json, extra_json"
        f" FROM web_edges{where} ORDER BY weight DESC, source_key, target_key, type LIMIT ?",
        [*args, limit],
    ).fetchall()
    edges, keys_seen = [], set()
    for i, (s, t, typ, weight, first, last, evidence, extra) in enumerate(rows):
        ev = json.loads(evidence)
        edges.append({
            "id": f"w{i}", "source": s, "target": t, "type": typ, "weight": weight, "first_seen": first,
            "last_seen": last, "evidence": ev[:EVIDENCE_MAX] if isinstance(ev, list) else ev,
            "extra": json.loads(extra),
        })  # fmt: skip
        keys_seen.update((s, t))
    nodes = []
    if keys_seen:
        marks = ",".join("?" * len(keys_seen))
        found = {
            r[0]: r
            for r in conn.execute(
                "SELECT a.actor_key, a.name, a.type, a.kb_id, a.country,"
                " (SELECT COUNT(DISTINCT doc_id) FROM actor_mentions m WHERE m.actor_key = a.actor_key)"
                f" FROM actors a WHERE a.actor_key IN ({marks})",
                sorted(keys_seen),
            )
        }
        for key in sorted(keys_seen):
            r = found.get(key)
            nodes.append({
                "id": key, "name": r[1] if r else key, "type": r[2] if r else None, "kb_id": r[3] if r else None,
                "country": r[4] if r else None, "documents": r[5] if r else 0,
            })  # fmt: skip
    return {"total": total, "limit": limit, "nodes": nodes, "edges": edges}


def web_gexf(data: dict[str, Any]) -> str:
    """The selected web as GEXF (networkx's writer), evidence as one text attribute per edge."""
    g = nx.MultiDiGraph()
    for n in data["nodes"]:
        g.add_node(n["id"], **{k: v for k, v in n.items() if k != "id" and v is not None})
    for e in data["edges"]:
        ev = e.get("evidence") or []
        text = " | ".join(
            (x.get("snippet") or x.get("text") or "") if isinstance(x, dict) else str(x) for x in ev
        )[:2000]
        g.add_edge(e["source"], e["target"], key=e["id"], type=e["type"], weight=float(e["weight"] or 1.0),
                   evidence=text)  # fmt: skip
    buf = io.BytesIO()
    nx.write_gexf(g, buf)
    return buf.getvalue().decode("utf-8")


def export_listing(result: dict[str, Any], fmt: str) -> str:
    buf = io.StringIO()
    q.write_result(result, fmt, buf)
    return buf.getvalue()


def health(conn: sqlite3.Connection) -> dict[str, Any]:
    count = conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
    linked = conn.execute("SELECT value FROM meta WHERE key = 'linked_seq'").fetchone()
    cats = [
        r[0]
        for r in conn.execute("SELECT DISTINCT category FROM events WHERE category IS NOT NULL ORDER BY 1")
    ]
    span = conn.execute("SELECT MIN(published), MAX(published) FROM documents").fetchone()
    return {"documents": count, "linked_seq": int(linked[0]) if linked else None, "categories": cats,
            "published": {"min": span[0], "max": span[1]}}  # fmt: skip
