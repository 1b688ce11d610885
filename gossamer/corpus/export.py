"""Whole-corpus exports from the store: JSON Lines, the event table, GeoJSON, the actor web, FtM.

Every export reads the store only (no stage runs) and writes in a fixed order with sorted keys
and no timestamps, so identical corpora give byte-identical files.

- jsonl: one line per document (its analysis, entities with their corpus actor key, events
  with their cluster id, claims with their corroboration links and corpus grade), then one
  line per corpus actor, event cluster and actor-web edge.
- csv: the event table of `gossamer.export.events_csv` (ACLED-like columns) plus `cluster_id`.
- geojson: RFC 7946 FeatureCollection of located events and of places (Points, [lon, lat]).
- gexf / graphml: the aggregated actor web (`web_edges`); when linking has not run, the
  per-document relation network of `gossamer.export.network` instead.
- ftm: FollowTheMoney entities, one JSON object a line (Article, Person, Organization,
  PublicBody, LegalEntity, Event, Mention, UnknownLink). Built by hand in FtM's documented
  shape; when the `followthemoney` package is installed each entity also passes through its
  model, which rejects any property the schema does not have.
"""

from __future__ import annotations

import hashlib
import json
import math
import sqlite3
from collections.abc import Callable, Iterator
from typing import IO, Any

import networkx as nx

from ..model import Analysis
from .store import Store

FORMATS = ("jsonl", "csv", "geojson", "gexf", "graphml", "ftm")
EXPORT_SCHEMA = "gossamer/corpus-export@1"
EVIDENCE_CHARS = 600


def _dumps(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _natural(item_id: str) -> tuple[str, int, str]:
    """e2 before e10: item ids sort by prefix then number."""
    head, digits = item_id[:1], item_id[1:]
    return (head, int(digits), "") if digits.isdigit() else (head, -1, item_id)


# ---------------------------------------------------------------------------------- per-document corpus facts


class _DocLinks:
    """The corpus-level facts of one document, read with one indexed query per table."""

    def __init__(self, conn: sqlite3.Connection, doc_id: str) -> None:
        self.origin = _scalar(conn, "SELECT origin_id FROM origins WHERE doc_id = ?", doc_id)
        self.actor_of = dict(conn.execute("SELECT entity_id, actor_key FROM actor_mentions WHERE doc_id = ?", (doc_id,)))
        self.cluster_of = dict(conn.execute("SELECT event_id, cluster_id FROM event_clusters WHERE doc_id = ?", (doc_id,)))
        self.grade_of = {
            claim: json.loads(payload)
            for claim, payload in conn.execute("SELECT claim_id, json FROM claim_grades WHERE doc_id = ?", (doc_id,))
        }
        self.links_of: dict[str, list[dict[str, Any]]] = {}
        rows = conn.execute(
            "SELECT claim_a, doc_b, claim_b, relation, score, why, 'out' FROM claim_links WHERE doc_a = ?"
            " UNION ALL "
            "SELECT claim_b, doc_a, claim_a, relation, score, why, 'in' FROM claim_links WHERE doc_b = ?",
            (doc_id, doc_id),
        ).fetchall()
        for claim, other_doc, other_claim, relation, score, why, direction in rows:
            self.links_of.setdefault(claim, []).append(
                {"doc_id": other_doc, "claim_id": other_claim, "relation": relation, "score": score, "why": why,
                 "direction": direction}
            )  # fmt: skip
        for links in self.links_of.values():
            links.sort(key=lambda d: (d["doc_id"], _natural(d["claim_id"]), d["relation"], d["direction"]))


def _scalar(conn: sqlite3.Connection, sql: str, *params: Any) -> Any:
    row = conn.execute(sql, params).fetchone()
    return row[0] if row else None


def _stored(store: Store) -> Iterator[tuple[int, dict[str, Any]]]:
    for seq, payload in store.conn.execute("SELECT seq, analysis FROM documents ORDER BY seq"):
        yield seq, json.loads(payload)


# ---------------------------------------------------------------------------------- jsonl


def write_jsonl(store: Store, stream: IO[str]) -> int:
    """Documents in ingest order, then actors, event clusters and web edges; returns lines written."""
    conn = store.conn
    n = 0
    for seq, data in _stored(store):
        doc_id = data["document"]["id"]
        links = _DocLinks(conn, doc_id)
        for ent in data.get("entities", []):
            ent["actor_key"] = links.actor_of.get(ent["id"])
        for ev in data.get("events", []):
            ev["cluster_id"] = links.cluster_of.get(ev["id"])
        for claim in data.get("claims", []):
            claim["links"] = links.links_of.get(claim["id"], [])
            claim["corpus_grade"] = links.grade_of.get(claim["id"])
        data.update({"type": "document", "export": EXPORT_SCHEMA, "seq": seq, "origin": links.origin})
        stream.write(_dumps(data) + "\n")
        n += 1
    for key, name, typ, kb_id, country in conn.execute(
        "SELECT actor_key, name, type, kb_id, country FROM actors ORDER BY actor_key"
    ):
        mentions = conn.execute(
            "SELECT COUNT(DISTINCT doc_id), COUNT(*) FROM actor_mentions WHERE actor_key = ?", (key,)
        ).fetchone()
        stream.write(
            _dumps({"type": "actor", "actor_key": key, "name": name, "actor_type": typ, "kb_id": kb_id,
                    "country": country, "documents": mentions[0], "entities": mentions[1]}) + "\n"
        )  # fmt: skip
        n += 1
    for cluster_id, payload in conn.execute("SELECT cluster_id, json FROM event_cluster_summary ORDER BY cluster_id"):
        members = conn.execute(
            "SELECT doc_id, event_id FROM event_clusters WHERE cluster_id = ? ORDER BY doc_id, event_id", (cluster_id,)
        ).fetchall()
        stream.write(
            _dumps({"type": "event_cluster", "cluster_id": cluster_id, "summary": json.loads(payload),
                    "members": [list(m) for m in members]}) + "\n"
        )  # fmt: skip
        n += 1
    for edge in _web_edges(conn):
        stream.write(_dumps({"type": "web_edge", **edge}) + "\n")
        n += 1
    return n


def _web_edges(conn: sqlite3.Connection) -> Iterator[dict[str, Any]]:
    for s, t, typ, weight, first, last, evidence, extra in conn.execute(
        "SELECT source_key, target_key, type, weight, first_seen, last_seen, evidence_json, extra_json"
        " FROM web_edges ORDER BY source_key, target_key, type, rowid"
    ):
        yield {
            **json.loads(extra),
            "source_key": s, "target_key": t, "relation": typ, "weight": weight,
            "first_seen": first, "last_seen": last, "evidence": json.loads(evidence),
        }  # fmt: skip


# ---------------------------------------------------------------------------------- csv


def write_csv(store: Store, stream: IO[str]) -> int:
    """The event table with each event's corpus cluster id as the last column; returns rows."""
    import csv

    from ..export.events_csv import COLUMNS, events_csv

    writer = csv.DictWriter(stream, fieldnames=(*COLUMNS, "cluster_id"), lineterminator="\n")
    writer.writeheader()
    n = 0
    conn = store.conn
    for _, data in _stored(store):
        analysis = Analysis.from_dict(data)
        if not analysis.events:
            continue
        clusters = dict(
            conn.execute("SELECT event_id, cluster_id FROM event_clusters WHERE doc_id = ?", (analysis.document.id,))
        )
        for event, row in zip(analysis.events, events_csv([analysis])):
            row["cluster_id"] = clusters.get(event.id, "")
            writer.writerow(row)
            n += 1
    return n


# ---------------------------------------------------------------------------------- geojson


def _point(lat: Any, lon: Any) -> dict[str, Any] | None:
    """A GeoJSON Point, or None for a missing or impossible position (never a NaN in the file)."""
    if lat is None or lon is None:
        return None
    lat, lon = float(lat), float(lon)
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return {"type": "Point", "coordinates": [lon, lat]}


def geojson_features(store: Store) -> Iterator[dict[str, Any]]:
    """Located events (in ingest order), then distinct places (by name and position)."""
    conn = store.conn
    for row in conn.execute(
        "SELECT v.doc_id, v.item_id, v.category, v.mode, v.status, v.trigger, v.time_start, v.time_end,"
        " v.lat, v.lon, v.historical, v.clause, d.title, d.outlet, d.published, p.name, p.country,"
        " k.cluster_id FROM events v JOIN documents d ON d.id = v.doc_id"
        " LEFT JOIN places p ON p.doc_id = v.doc_id AND p.item_id = v.place_id"
        " LEFT JOIN event_clusters k ON k.doc_id = v.doc_id AND k.event_id = v.item_id"
        " WHERE v.lat IS NOT NULL AND v.lon IS NOT NULL ORDER BY d.seq"
    ).fetchall():
        (doc_id, item_id, category, mode, status, trigger, start, end, lat, lon, historical, clause,
         title, outlet, published, place, country, cluster) = row  # fmt: skip
        geometry = _point(lat, lon)
        if geometry is None:
            continue
        yield {
            "type": "Feature",
            "id": f"{doc_id}-{item_id}",
            "geometry": geometry,
            "properties": {
                "kind": "event", "document_id": doc_id, "event_id": item_id, "category": category, "mode": mode,
                "status": status, "trigger": trigger, "date": start or published, "date_end": end,
                "historical": bool(historical), "place": place, "country": country, "cluster_id": cluster,
                "text": clause, "title": title, "outlet": outlet, "published": published,
            },
        }  # fmt: skip
    for name, lat, lon, country, admin1, feature, precision, geonames_id, docs, mentions in conn.execute(
        "SELECT name, lat, lon, MAX(country), MAX(admin1), MAX(feature), MAX(precision), MAX(geonames_id),"
        " COUNT(DISTINCT doc_id), SUM(mentions) FROM places WHERE lat IS NOT NULL AND lon IS NOT NULL"
        " GROUP BY name, lat, lon ORDER BY name, lat, lon"
    ):
        geometry = _point(lat, lon)
        if geometry is None:
            continue
        yield {
            "type": "Feature",
            "id": "place-" + hashlib.sha1(f"{name}|{lat}|{lon}".encode()).hexdigest()[:16],
            "geometry": geometry,
            "properties": {
                "kind": "place", "name": name, "country": country, "admin1": admin1, "feature": feature,
                "precision": precision, "geonames_id": geonames_id, "documents": docs, "mentions": mentions,
            },
        }  # fmt: skip


def write_geojson(store: Store, stream: IO[str]) -> int:
    """A FeatureCollection written feature by feature (memory stays flat); returns features."""
    stream.write('{"type":"FeatureCollection","features":[')
    n = 0
    for feature in geojson_features(store):
        stream.write(("," if n else "") + "\n" + _dumps(feature))
        n += 1
    stream.write("\n]}\n")
    return n


# ---------------------------------------------------------------------------------- actor web


def actor_web(store: Store) -> nx.MultiDiGraph:
    """The corpus actor web: actors as nodes, `web_edges` as edges (scalar attributes only).

    When linking has not run (no actors stored), the per-document relation network from
    `gossamer.export.network` stands in, so the export is never empty for want of linking.
    """
    conn = store.conn
    if _scalar(conn, "SELECT COUNT(*) FROM actors") == 0:
        from ..export.network import network_graph

        return network_graph(store.analyses())
    g = nx.MultiDiGraph(name="gossamer corpus actor web")
    counts = {
        key: (docs, mentions)
        for key, docs, mentions in conn.execute(
            "SELECT am.actor_key, COUNT(DISTINCT am.doc_id), COALESCE(SUM(e.mentions), 0) FROM actor_mentions am"
            " LEFT JOIN entities e ON e.doc_id = am.doc_id AND e.item_id = am.entity_id GROUP BY am.actor_key"
        )
    }
    for key, name, typ, kb_id, country in conn.execute(
        "SELECT actor_key, name, type, kb_id, country FROM actors ORDER BY actor_key"
    ):
        docs, mentions = counts.get(key, (0, 0))
        g.add_node(key, label=name or key, name=name or "", type=typ or "", kb_id=kb_id or "",
                   country=country or "", documents=docs, mentions=mentions)  # fmt: skip
    for edge in _web_edges(conn):
        for end in (edge["source_key"], edge["target_key"]):
            if end not in g:
                g.add_node(end, label=end, name="", type="", kb_id="", country="", documents=0, mentions=0)
        snippets = [_evidence_text(e) for e in edge["evidence"]]
        joined = " | ".join(s for s in snippets if s)
        attrs = {
            "relation": edge["relation"], "label": edge["relation"], "weight": edge["weight"] or 0.0,
            "first_seen": edge["first_seen"] or "", "last_seen": edge["last_seen"] or "",
            "evidence": joined if len(joined) <= EVIDENCE_CHARS else joined[: EVIDENCE_CHARS - 1].rstrip() + "…",
            "evidence_count": len(edge["evidence"]),
        }  # fmt: skip
        for k, v in edge.items():  # the linker's further scalar facts (count, documents, symmetric)
            if k not in attrs and k not in ("source_key", "target_key", "evidence") and isinstance(v, (str, int, float, bool)):
                attrs[k] = v
        g.add_edge(edge["source_key"], edge["target_key"], key=edge["relation"], **attrs)
    return g


def _evidence_text(item: Any) -> str:
    if isinstance(item, dict):
        return " ".join(str(item.get("snippet") or item.get("text") or "").split())
    return " ".join(str(item).split())


def write_gexf(store: Store, stream: IO[str]) -> int:
    from ..export.network import write_gexf as gexf

    g = actor_web(store)
    gexf(g, stream)
    return g.number_of_edges()


def write_graphml(store: Store, stream: IO[str]) -> int:
    from ..export.network import write_graphml as graphml

    g = actor_web(store)
    graphml(g, stream)
    return g.number_of_edges()


# ---------------------------------------------------------------------------------- FollowTheMoney

# Our actor types -> FtM schemata (FtM 4.x): states and their organs are public bodies, armed
# groups, parties and NGOs organisations, persons persons; anything vaguer a legal entity.
FTM_SCHEMA = {
    "PERSON": "Person",
    "STATE": "PublicBody",
    "GOVERNMENT": "PublicBody",
    "MILITARY": "PublicBody",
    "IGO": "PublicBody",
    "ARMED_GROUP": "Organization",
    "PARTY": "Organization",
    "COALITION": "Organization",
    "NGO": "Organization",
    "MEDIA": "Organization",
    "MOVEMENT": "Organization",
    "ORGANIZATION": "Organization",
    "GROUP": "LegalEntity",
}
# The properties written per schema, checked against followthemoney 4.11.2's model.
FTM_PROPERTIES = {
    "Article": {"title", "author", "publishedAt", "sourceUrl", "publisher", "language", "bodyText", "notes"},
    "Person": {"name", "country", "wikidataId", "notes", "topics"},
    "Organization": {"name", "country", "notes"},
    "PublicBody": {"name", "country", "notes"},
    "LegalEntity": {"name", "country", "notes"},
    "Event": {"name", "date", "startDate", "endDate", "location", "country", "involved", "organizer", "summary",
              "description", "proof", "notes"},
    "Mention": {"document", "resolved", "name", "detectedSchema", "contextCountry"},
    "UnknownLink": {"subject", "object", "role", "startDate", "endDate", "summary", "description"},
}  # fmt: skip


def _ftm_id(*parts: str) -> str:
    """Stable FtM ids: a readable prefix and a hash of what the entity stands for."""
    digest = hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:20]
    return f"gossamer-{parts[0]}-{digest}"


def _ftm_values(value: Any, keep_lines: bool = False) -> list[str]:
    """Non-empty distinct strings; whitespace collapsed except in a body text."""
    values = value if isinstance(value, (list, tuple)) else [value]
    out: list[str] = []
    for v in values:
        if v is None:
            continue
        s = str(v).strip() if keep_lines else " ".join(str(v).split())
        if s and s not in out:
            out.append(s)
    return out


def _ftm_model() -> Any:
    try:
        from followthemoney import model  # optional: heavy, not a runtime dependency
    except ImportError:
        return None
    return model


class _FtmWriter:
    def __init__(self, stream: IO[str], strict: bool | None = None) -> None:
        self.stream = stream
        self.model = _ftm_model() if strict is not False else None
        self.n = 0

    def write(self, schema: str, entity_id: str, props: dict[str, Any]) -> None:
        allowed = FTM_PROPERTIES[schema]
        properties: dict[str, list[str]] = {}
        for prop, value in props.items():
            if prop not in allowed:
                raise ValueError(f"FtM {schema} has no property {prop!r} in gossamer's export")
            values = _ftm_values(value, keep_lines=prop == "bodyText")
            if prop in ("country", "contextCountry"):
                values = [v.lower() for v in values]  # FtM writes ISO country codes in lower case
            if values:
                properties[prop] = values
        if self.model is not None:
            ftm_schema = self.model.get(schema)
            missing = [p for p in properties if ftm_schema is None or ftm_schema.get(p) is None]
            if missing:
                raise ValueError(f"followthemoney's {schema} has no {', '.join(missing)}")
        self.stream.write(_dumps({"id": entity_id, "schema": schema, "properties": properties}) + "\n")
        self.n += 1


def write_ftm(store: Store, stream: IO[str], *, strict: bool | None = None) -> int:
    """FollowTheMoney entities: articles, actors, mentions, events, actor-web links; returns entities."""
    conn = store.conn
    out = _FtmWriter(stream, strict)
    linked = _scalar(conn, "SELECT COUNT(*) FROM actors") > 0
    actor_ids: dict[str, str] = {}  # actor key -> FtM id
    if linked:
        for key, name, typ, kb_id, country in conn.execute(
            "SELECT actor_key, name, type, kb_id, country FROM actors ORDER BY actor_key"
        ):
            schema = FTM_SCHEMA.get(typ or "", "LegalEntity")
            actor_ids[key] = _ftm_id("actor", key)
            out.write(schema, actor_ids[key], {"name": name or key, "country": country,
                                               "notes": f"gossamer actor {key}" + (f" (KB {kb_id})" if kb_id else "")})  # fmt: skip
    for seq, data in _stored(store):
        doc = data["document"]
        doc_ftm = _ftm_id("doc", doc["id"])
        out.write("Article", doc_ftm, {
            "title": doc.get("title") or doc.get("source") or doc["id"], "author": doc.get("author"),
            "publishedAt": (doc.get("published") or "")[:19] or None, "sourceUrl": doc.get("url"), "publisher": doc.get("outlet"),
            "language": _ftm_language(doc.get("language")), "bodyText": doc.get("text"),
            "notes": f"gossamer document {doc['id']} (ingest {seq})",
        })  # fmt: skip
        actor_of = dict(conn.execute("SELECT entity_id, actor_key FROM actor_mentions WHERE doc_id = ?", (doc["id"],)))
        ent_ftm: dict[str, str] = {}
        for ent in data.get("entities", []):
            schema = FTM_SCHEMA.get(ent.get("type") or "", "LegalEntity")
            key = actor_of.get(ent["id"])
            if key is None or key not in actor_ids:  # no corpus actor: the entity stands alone
                key = ent.get("kb_id") or f"{doc['id']}:{ent['id']}"
                if key not in actor_ids:
                    actor_ids[key] = _ftm_id("actor", key)
                    out.write(schema, actor_ids[key], {"name": ent.get("name"), "country": ent.get("country"),
                                                       "notes": f"gossamer entity {doc['id']} {ent['id']}"})  # fmt: skip
            ent_ftm[ent["id"]] = actor_ids[key]
            out.write("Mention", _ftm_id("mention", doc["id"], ent["id"]), {
                "document": doc_ftm, "resolved": actor_ids[key], "name": ent.get("name"),
                "detectedSchema": schema, "contextCountry": ent.get("country"),
            })  # fmt: skip
        _ftm_events(out, data, doc_ftm, ent_ftm)
    for edge in _web_edges(conn):
        s, t = actor_ids.get(edge["source_key"]), actor_ids.get(edge["target_key"])
        if not s or not t:
            continue
        out.write("UnknownLink", _ftm_id("edge", edge["source_key"], edge["target_key"], edge["relation"]), {
            "subject": s, "object": t, "role": edge["relation"], "startDate": edge["first_seen"],
            "endDate": edge["last_seen"], "summary": f"{edge['relation']}, weight {edge['weight']:g}"
            if edge["weight"] is not None else edge["relation"],
        })  # fmt: skip
    return out.n


def _ftm_events(out: _FtmWriter, data: dict[str, Any], doc_ftm: str, ent_ftm: dict[str, str]) -> None:
    doc = data["document"]
    text = doc.get("text") or ""
    times = {t["id"]: t for t in data.get("times", [])}
    places = {p["id"]: p for p in data.get("places", [])}
    for ev in data.get("events", []):
        t = times.get(ev.get("time") or "")
        p = places.get(ev.get("place") or "")
        clause = ev.get("clause")
        summary = " ".join(text[clause[0] : clause[1]].split()) if clause else ev.get("trigger")
        start = (t or {}).get("start")
        end = (t or {}).get("end")
        props: dict[str, Any] = {
            "name": f"{ev.get('category') or 'EVENT'}: {ev.get('trigger') or ''}".strip(": "),
            "summary": summary, "location": (p or {}).get("name"), "country": (p or {}).get("country"),
            "organizer": [ent_ftm[i] for i in ev.get("actors", []) if i in ent_ftm],
            "involved": [ent_ftm[i] for i in ev.get("actors", []) + ev.get("recipients", []) if i in ent_ftm],
            "proof": doc_ftm, "description": ev.get("why"), "notes": f"status {ev.get('status')}",
        }  # fmt: skip
        if start and end and start[:10] != end[:10]:
            props.update(startDate=start[:10], endDate=end[:10])
        elif start:
            props["date"] = start[:10]
        out.write("Event", _ftm_id("event", doc["id"], ev["id"]), props)


def _ftm_language(code: str | None) -> str | None:
    """FtM languages are ISO 639-2/3 codes."""
    return {"en": "eng", "ar": "ara", "fa": "fas", "fr": "fra", "de": "deu", "tr": "tur", "ku": "kur"}.get(code or "")


# ---------------------------------------------------------------------------------- dispatch

WRITERS: dict[str, Callable[[Store, IO[str]], int]] = {
    "jsonl": write_jsonl,
    "csv": write_csv,
    "geojson": write_geojson,
    "gexf": write_gexf,
    "graphml": write_graphml,
    "ftm": write_ftm,
}


def export(store: Store, fmt: str, stream: IO[str]) -> int:
    """Write the whole corpus in `fmt`; returns how many records (lines, rows, features, edges)."""
    if fmt not in WRITERS:
        raise ValueError(f"unknown export format {fmt!r}; one of {', '.join(FORMATS)}")
    return WRITERS[fmt](store, stream)
