"""Corpus exports read back: JSONL byte-identical for identical corpora, valid GeoJSON, graphs, FtM."""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path
from types import SimpleNamespace

import networkx as nx
import pytest
from typer.testing import CliRunner

from gossamer.cli import app
from gossamer.corpus.export import FORMATS, FTM_PROPERTIES, FTM_SCHEMA, export, write_ftm
from gossamer.corpus.ingest import ingest_analyses, ingest_documents, link_store, load_linker
from gossamer.corpus.store import Store
from gossamer.corpus.synthetic import template_analyses, write_jsonl
from gossamer.export.events_csv import COLUMNS
from gossamer.ingest import IngestError, read_inputs
from gossamer.pipeline import Pipeline


def fake_linker(analyses):
    """Deterministic links of every kind, so each export has something to carry."""
    analyses = list(analyses)
    origins, actors, mentions, clusters, grades, links, edges = {}, {}, {}, {}, {}, [], {}
    first_claim: dict[str, tuple[str, str]] = {}
    for a in analyses:
        d = a.document.id
        origins[d] = analyses[0].document.id
        key_of = {}
        for e in a.entities:
            key = f"kb:{e.kb_id}" if e.kb_id else f"name:{e.name.lower()}"
            actors[key] = {"name": e.name, "type": e.type, "kb_id": e.kb_id, "country": e.country}
            mentions[(d, e.id)] = key
            key_of[e.id] = key
        for v in a.events:
            clusters[(d, v.id)] = f"ev:{v.category}"
            for s in v.actors:
                for t in v.recipients or [a.entities[0].id]:
                    if key_of[s] == key_of[t]:
                        continue
                    k = (key_of[s], key_of[t], v.category.lower())
                    edge = edges.setdefault(k, {"source_key": k[0], "target_key": k[1], "type": k[2], "weight": 0,
                                                "first_seen": a.document.published, "last_seen": a.document.published,
                                                "evidence": [], "count": 0})  # fmt: skip
                    edge["weight"] += 1
                    edge["count"] += 1
                    edge["evidence"].append({"doc_id": d, "snippet": a.text_of(v.clause)})
        for c in a.claims:
            grades[(d, c.id)] = {"reliability": "B", "credibility": 2, "reasons": ["fake"]}
            if c.events:
                category = next(v.category for v in a.events if v.id == c.events[0])
                if category in first_claim and first_claim[category][0] != d:
                    od, oc = first_claim[category]
                    links.append({"doc_a": d, "claim_a": c.id, "doc_b": od, "claim_b": oc,
                                  "relation": "corroborates", "score": 0.5, "why": "same category"})  # fmt: skip
                first_claim.setdefault(category, (d, c.id))
    return SimpleNamespace(
        origins=origins, actors=actors, actor_mentions=mentions, event_clusters=clusters,
        event_summaries={c: {"reports": n} for c, n in _count(clusters.values()).items()},
        claim_links=links, claim_grades=grades, web_edges=list(edges.values()),
    )  # fmt: skip


def _count(values):
    out: dict[str, int] = {}
    for v in values:
        out[v] = out.get(v, 0) + 1
    return out


def build(path: Path, n: int = 12, seed: int = 4, linker=fake_linker) -> Store:
    store = Store(path)
    ingest_analyses(store, template_analyses(n, seed=seed))
    link_store(store, linker)
    return store


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    store = build(tmp_path_factory.mktemp("export") / "c.db")
    yield store
    store.close()


def exported(store: Store, fmt: str) -> str:
    buf = io.StringIO()
    export(store, fmt, buf)
    return buf.getvalue()


# ---------------------------------------------------------------------------------- jsonl


def test_jsonl_is_byte_identical_for_identical_corpora(tmp_path):
    a, b = build(tmp_path / "a.db"), build(tmp_path / "b.db")
    try:
        for fmt in FORMATS:
            assert exported(a, fmt) == exported(b, fmt), fmt
    finally:
        a.close()
        b.close()


def test_jsonl_byte_identical_across_two_real_ingests(tmp_path, nlp):
    feed = tmp_path / "feed.jsonl"
    with open(feed, "w", encoding="utf-8") as f:
        write_jsonl(5, f, seed=21)
    pipeline = Pipeline(nlp=nlp)
    linker = load_linker() or fake_linker
    outputs = []
    for name in ("one.db", "two.db"):
        with Store(tmp_path / name) as store:
            docs = [d for d in read_inputs([str(feed)]) if not isinstance(d, IngestError)]
            ingest_documents(store, docs, pipeline)
            link_store(store, linker)
            outputs.append(exported(store, "jsonl"))
    assert outputs[0] == outputs[1]
    assert outputs[0].count('"type":"document"') == 5


def test_jsonl_carries_corpus_facts(corpus):
    lines = [json.loads(line) for line in exported(corpus, "jsonl").splitlines()]
    docs = [x for x in lines if x["type"] == "document"]
    assert [d["seq"] for d in docs] == list(range(1, len(docs) + 1))
    assert all(d["origin"] == docs[0]["document"]["id"] for d in docs)
    assert all(e["actor_key"] for d in docs for e in d["entities"])
    assert all(v["cluster_id"] == f"ev:{v['category']}" for d in docs for v in d["events"])
    claims = {(d["document"]["id"], c["id"]): c for d in docs for c in d["claims"]}
    assert all(c["corpus_grade"]["reliability"] == "B" for c in claims.values())
    linked = [(k, link) for k, c in claims.items() for link in c["links"]]
    assert linked
    for (doc, claim), link in linked:  # every link is listed on both of its claims
        back = claims[(link["doc_id"], link["claim_id"])]["links"]
        assert any(x["doc_id"] == doc and x["claim_id"] == claim for x in back)
    kinds = {x["type"] for x in lines}
    assert kinds == {"document", "actor", "event_cluster", "web_edge"}
    for line in exported(corpus, "jsonl").splitlines():
        assert line == json.dumps(json.loads(line), sort_keys=True, ensure_ascii=False, separators=(",", ":"))


# ---------------------------------------------------------------------------------- csv


def test_csv_is_the_event_table_with_cluster_ids(corpus):
    rows = list(csv.DictReader(io.StringIO(exported(corpus, "csv"))))
    n_events = corpus.conn.execute("SELECT COUNT(*) FROM events").fetchone()[0]
    assert len(rows) == n_events > 0
    assert list(rows[0]) == [*COLUMNS, "cluster_id"]
    assert all(r["cluster_id"] == f"ev:{r['event_type']}" for r in rows)


# ---------------------------------------------------------------------------------- geojson


def check_geojson(obj) -> None:
    """RFC 7946 checks that matter to readers: structure, [lon, lat] ranges, no CRS, no NaN."""
    assert obj["type"] == "FeatureCollection"
    assert isinstance(obj["features"], list)
    assert "crs" not in obj
    for f in obj["features"]:
        assert f["type"] == "Feature"
        assert "crs" not in f
        assert "geometry" in f and "properties" in f
        assert f["properties"] is None or isinstance(f["properties"], dict)
        if "id" in f:
            assert isinstance(f["id"], (str, int, float))
        g = f["geometry"]
        if g is None:
            continue
        assert g["type"] == "Point" and "crs" not in g
        lon, lat = g["coordinates"]
        assert isinstance(lon, (int, float)) and isinstance(lat, (int, float))
        assert math.isfinite(lon) and math.isfinite(lat)
        assert -180 <= lon <= 180 and -90 <= lat <= 90


def _strict_json(text: str):
    def no_constants(name):
        raise ValueError(f"{name} is not JSON")

    return json.loads(text, parse_constant=no_constants)


def test_geojson_is_valid_and_lon_first(corpus):
    fc = _strict_json(exported(corpus, "geojson"))
    check_geojson(fc)
    events = [f for f in fc["features"] if f["properties"]["kind"] == "event"]
    places = [f for f in fc["features"] if f["properties"]["kind"] == "place"]
    assert events and places
    stored = {
        f"{d}-{i}": (lat, lon)
        for d, i, lat, lon in corpus.conn.execute("SELECT doc_id, item_id, lat, lon FROM events WHERE lat IS NOT NULL")
    }
    assert len(events) == len(stored)
    for f in events:
        lat, lon = stored[f["id"]]
        assert f["geometry"]["coordinates"] == [lon, lat]
    ids = [f["id"] for f in fc["features"]]
    assert len(ids) == len(set(ids))


def test_geojson_validator_catches_mistakes():
    good = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [41.0, 34.4]}, "properties": {}}]}  # fmt: skip
    check_geojson(good)
    swapped = json.loads(json.dumps(good))
    swapped["features"][0]["geometry"]["coordinates"] = [34.4, 141.0]
    with pytest.raises(AssertionError):
        check_geojson(swapped)
    with pytest.raises(AssertionError):
        check_geojson({**good, "crs": {"type": "name"}})


# ---------------------------------------------------------------------------------- graphs


@pytest.mark.parametrize("fmt", ["gexf", "graphml"])
def test_actor_web_reads_back_in_networkx(corpus, tmp_path, fmt):
    path = tmp_path / f"web.{fmt}"
    path.write_text(exported(corpus, fmt), encoding="utf-8")
    g = nx.read_gexf(path) if fmt == "gexf" else nx.read_graphml(path)
    n_actors = corpus.conn.execute("SELECT COUNT(*) FROM actors").fetchone()[0]
    n_edges = corpus.conn.execute("SELECT COUNT(*) FROM web_edges").fetchone()[0]
    assert n_edges > 0
    assert g.number_of_nodes() == n_actors
    assert g.number_of_edges() == n_edges
    s, t, w = corpus.conn.execute("SELECT source_key, target_key, weight FROM web_edges LIMIT 1").fetchone()
    data = g.get_edge_data(s, t)
    if g.is_multigraph():
        data = next(iter(data.values()))
    assert float(data["weight"]) == w and data["evidence"]


def test_actor_web_without_links_falls_back_to_relations(tmp_path):
    with Store(tmp_path / "c.db") as store:
        ingest_analyses(store, template_analyses(3, seed=1))
        g = nx.read_graphml(io.BytesIO(exported(store, "graphml").encode()))
        assert g.number_of_nodes() > 0  # the per-document network: nodes for every entity


# ---------------------------------------------------------------------------------- FollowTheMoney


def test_ftm_entities_have_the_documented_shape(corpus):
    entities = [json.loads(line) for line in exported(corpus, "ftm").splitlines()]
    ids = [e["id"] for e in entities]
    assert len(ids) == len(set(ids))
    schemata = {e["schema"] for e in entities}
    assert {"Article", "Mention", "Event", "UnknownLink"} <= schemata
    assert schemata <= set(FTM_PROPERTIES)
    known = set(ids)
    for e in entities:
        assert set(e) == {"id", "schema", "properties"}
        assert e["id"].startswith("gossamer-")
        for prop, values in e["properties"].items():
            assert prop in FTM_PROPERTIES[e["schema"]]
            assert values and all(isinstance(v, str) and v for v in values)
            if prop in ("document", "resolved", "involved", "organizer", "subject", "object", "proof"):
                assert set(values) <= known, (e["schema"], prop)
            if prop == "country":
                assert all(v == v.lower() and len(v) == 2 for v in values)
    articles = [e for e in entities if e["schema"] == "Article"]
    assert len(articles) == corpus.document_count()
    assert set(FTM_SCHEMA.values()) >= {e["schema"] for e in entities} - {"Article", "Mention", "Event", "UnknownLink"}


def test_ftm_passes_followthemoney_when_installed(corpus):
    ftm = pytest.importorskip("followthemoney")
    for line in exported(corpus, "ftm").splitlines():
        data = json.loads(line)
        proxy = ftm.model.get_proxy(data, cleaned=False)
        cleaned = proxy.to_dict()["properties"]
        for prop, values in data["properties"].items():
            assert sorted(cleaned.get(prop, [])) == sorted(values), (data["schema"], prop)


def test_ftm_refuses_properties_outside_the_table(corpus, monkeypatch):
    from gossamer.corpus import export as export_mod

    monkeypatch.setitem(export_mod.FTM_PROPERTIES, "Mention", {"document"})
    with pytest.raises(ValueError, match="no property"):
        write_ftm(corpus, io.StringIO(), strict=False)


# ---------------------------------------------------------------------------------- CLI


def test_cli_export_every_format(corpus, tmp_path):
    runner = CliRunner()
    for fmt in FORMATS:
        out = tmp_path / f"corpus.{fmt}"
        res = runner.invoke(app, ["export", "--db", str(corpus.path), "--format", fmt, "-o", str(out)])
        assert res.exit_code == 0, res.output
        assert out.read_text(encoding="utf-8") == exported(corpus, fmt)
        assert "exported" in res.stderr
    res = runner.invoke(app, ["export", "--db", str(tmp_path / "none.db"), "--format", "jsonl"])
    assert res.exit_code == 2


def test_cli_bench_writes_a_deterministic_synthetic_feed(tmp_path):
    runner = CliRunner()
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    for out in (a, b):
        res = runner.invoke(app, ["bench", "--synthetic", "30", "--seed", "2", "-o", str(out)])
        assert res.exit_code == 0, res.output
    assert a.read_bytes() == b.read_bytes()
    records = [json.loads(line) for line in a.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 30
    assert all(r["text"].startswith("[Synthetic") and r["published"] and r["outlet"] for r in records)
    assert any("Syndicated from" in r["text"] for r in records)  # near-duplicate copies
    res = runner.invoke(app, ["bench", "--synthetic", "30", "--seed", "5"])
    assert res.exit_code == 0 and res.stdout != a.read_text(encoding="utf-8")
    assert runner.invoke(app, ["bench"]).exit_code == 2
