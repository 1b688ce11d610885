"""Queries over a small stored corpus: each filter against an answer computed from the analyses."""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from gossamer.cli import app
from gossamer.corpus.ingest import ingest_analyses
from gossamer.corpus.query import (
    Filters,
    QueryError,
    bounding_box,
    haversine_km,
    parse_grade,
    query,
    result_geojson,
    write_result,
)
from gossamer.corpus.store import Store
from gossamer.corpus.synthetic import template_analyses

N_DOCS = 40


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """A store of template analyses (no spaCy) with corpus grades for every third claim."""
    path = tmp_path_factory.mktemp("query") / "c.db"
    analyses = list(template_analyses(N_DOCS, seed=11))
    store = Store(path)
    ingest_analyses(store, analyses)
    # the actor most often taking part in events stands in for "a well-known actor"
    counts = Counter(
        e.kb_id for a in analyses for v in a.events for e in a.entities if e.id in v.actors + v.recipients
    )
    kb = counts.most_common(1)[0][0]
    name = next(e.name for a in analyses for e in a.entities if e.kb_id == kb)
    regraded = {}
    for a in analyses[::3]:
        for c in a.claims[:1]:
            regraded[(a.document.id, c.id)] = {"reliability": "F", "credibility": 6, "reasons": ["test"]}
    links = SimpleNamespace(
        origins={}, actors={"x:top": {"name": "Top actor (corpus)", "type": "STATE", "kb_id": kb, "country": None}},
        actor_mentions={(a.document.id, e.id): "x:top" for a in analyses for e in a.entities if e.kb_id == kb},
        event_clusters={}, event_summaries={}, claim_links=[], claim_grades=regraded, web_edges=[],
    )  # fmt: skip
    store.replace_links(links, store.max_seq())
    yield SimpleNamespace(
        store=store, conn=store.conn, analyses=analyses, regraded=regraded, path=path, kb=kb, name=name
    )
    store.close()


def everything(conn, kind, filters):
    result = query(conn, kind, filters, limit=10_000)
    assert result["total"] == len(result["items"])
    return result["items"]


def doc_ids(items):
    return {i["id"] if "seq" in i else i["doc_id"] for i in items}


# ---------------------------------------------------------------------------------- filters


def test_no_filter_lists_everything_in_ingest_order(corpus):
    docs = everything(corpus.conn, "documents", Filters())
    assert [d["id"] for d in docs] == [a.document.id for a in corpus.analyses]
    events = everything(corpus.conn, "events", Filters())
    assert len(events) == sum(len(a.events) for a in corpus.analyses)
    claims = everything(corpus.conn, "claims", Filters())
    assert len(claims) == sum(len(a.claims) for a in corpus.analyses)


def test_full_text(corpus):
    want = {a.document.id for a in corpus.analyses if re.search(r"\bverified\b", a.document.text, re.IGNORECASE)}
    assert 0 < len(want) < N_DOCS, "one closing line in four says the claims could not be verified"
    got = everything(corpus.conn, "documents", Filters(text="verified"))
    assert doc_ids(got) == want
    assert all("[verified]" in d["snippet"].lower() for d in got)
    events = everything(corpus.conn, "events", Filters(text="verified"))
    assert {e["doc_id"] for e in events} <= want


def test_actor_by_kb_id_name_and_corpus_key(corpus):
    want = {
        (a.document.id, v.id)
        for a in corpus.analyses
        for v in a.events
        if any(e.kb_id == corpus.kb for e in a.entities if e.id in v.actors + v.recipients)
    }
    assert len(want) >= 3
    for actor in (corpus.kb, corpus.name.lower(), "x:top", "Top actor (corpus)"):
        got = {(e["doc_id"], e["id"]) for e in everything(corpus.conn, "events", Filters(actor=actor))}
        assert got == want, actor
    docs = everything(corpus.conn, "documents", Filters(actor=corpus.kb))
    assert doc_ids(docs) == {a.document.id for a in corpus.analyses if any(e.kb_id == corpus.kb for e in a.entities)}
    assert everything(corpus.conn, "events", Filters(actor="nobody at all")) == []


def test_place_by_name(corpus):
    name = corpus.analyses[0].places[0].name
    want = {a.document.id for a in corpus.analyses if any(p.name == name for p in a.places)}
    assert doc_ids(everything(corpus.conn, "documents", Filters(place=name.upper()))) == want
    places = everything(corpus.conn, "places", Filters(place=name))
    assert [p["name"] for p in places] == [name]
    assert places[0]["documents"] == len(want)


def test_near_keeps_what_haversine_puts_inside(corpus):
    p = corpus.analyses[0].places[0]
    km = 120.0
    want = {
        a.document.id
        for a in corpus.analyses
        if any(q.lat is not None and haversine_km(p.lat, p.lon, q.lat, q.lon) <= km for q in a.places)
    }
    f = Filters.parse(near=f"{p.lat},{p.lon}", km=km)
    assert doc_ids(everything(corpus.conn, "documents", f)) == want
    places = everything(corpus.conn, "places", f)
    assert places and all(r["km"] <= km for r in places)
    outside = {
        (q.name, q.lat, q.lon)
        for a in corpus.analyses
        for q in a.places
        if haversine_km(p.lat, p.lon, q.lat, q.lon) > km
    }
    assert not outside & {(r["name"], r["lat"], r["lon"]) for r in places}


def test_since_until_on_documents_and_events(corpus):
    dates = sorted(a.document.published for a in corpus.analyses)
    since, until = dates[len(dates) // 4], dates[3 * len(dates) // 4]
    want = {a.document.id for a in corpus.analyses if since <= a.document.published <= until}
    got = everything(corpus.conn, "documents", Filters.parse(since=since, until=until))
    assert 0 < len(want) < N_DOCS
    assert doc_ids(got) == want
    month = until[:7]
    got_month = everything(corpus.conn, "documents", Filters.parse(until=month))
    assert doc_ids(got_month) == {a.document.id for a in corpus.analyses if a.document.published[:7] <= month}
    events = everything(corpus.conn, "events", Filters.parse(since=since, until=until))
    assert events and all(since <= e["date"] <= until or (e["time_end"] or "") >= since for e in events)
    assert all((e["time_start"] or e["published"])[:10] <= until for e in events)


def test_category(corpus):
    want = sum(1 for a in corpus.analyses for v in a.events if v.category == "ASSAULT")
    assert want > 0
    events = everything(corpus.conn, "events", Filters.parse(category="assault"))
    assert len(events) == want and all(e["category"] == "ASSAULT" for e in events)
    assert everything(corpus.conn, "events", Filters(category="NOSUCH")) == []


def test_grade_uses_the_corpus_grade_when_there_is_one(corpus):
    def effective(a, c):
        g = corpus.regraded.get((a.document.id, c.id)) or c.grade
        return g["reliability"], g["credibility"]

    f6 = everything(corpus.conn, "claims", Filters.parse(grade="F6"))
    assert {(c["doc_id"], c["id"]) for c in f6} == {
        (a.document.id, c.id) for a in corpus.analyses for c in a.claims if effective(a, c) == ("F", 6)
    }
    assert all(c["grade"] == "F6" for c in f6)
    ranged = everything(corpus.conn, "claims", Filters.parse(grade="A1-C3"))
    want = {
        (a.document.id, c.id)
        for a in corpus.analyses
        for c in a.claims
        if effective(a, c)[0] in "ABC" and effective(a, c)[1] <= 3
    }
    assert want and {(c["doc_id"], c["id"]) for c in ranged} == want
    # a regraded claim no longer matches its own (better) grade
    regraded = next(iter(corpus.regraded))
    assert regraded not in {(c["doc_id"], c["id"]) for c in ranged}


def test_actors_and_places_aggregate(corpus):
    actors = everything(corpus.conn, "actors", Filters())
    keys = [a["actor_key"] for a in actors]
    assert len(keys) == len(set(keys))
    top = next(a for a in actors if a["actor_key"] == "x:top")
    assert top["name"] == "Top actor (corpus)"
    assert top["documents"] == sum(1 for a in corpus.analyses if any(e.kb_id == corpus.kb for e in a.entities))
    counts = [(a["documents"], a["mentions"]) for a in actors]
    assert counts == sorted(counts, reverse=True)
    places = everything(corpus.conn, "places", Filters())
    assert len(places) == len({(p.name, p.lat, p.lon) for a in corpus.analyses for p in a.places})


def test_pagination_covers_the_list_once(corpus):
    full = query(corpus.conn, "claims", Filters(), limit=10_000)["items"]
    pages = []
    for offset in range(0, len(full), 7):
        page = query(corpus.conn, "claims", Filters(), limit=7, offset=offset)
        assert page["total"] == len(full) and page["limit"] == 7 and page["offset"] == offset
        pages += page["items"]
    assert pages == full


def test_bad_filter_values_are_query_errors(corpus):
    for kwargs in ({"grade": "G7"}, {"grade": "C3-A1"}, {"grade": "B-"}, {"near": "91,0"}, {"near": "x"},
                   {"since": "March"}, {"km": -1, "near": "1,1"}):  # fmt: skip
        with pytest.raises(QueryError):
            Filters.parse(**kwargs)
    with pytest.raises(QueryError, match="FTS5"):
        query(corpus.conn, "documents", Filters(text='"open'))
    with pytest.raises(QueryError):
        query(corpus.conn, "nothing", Filters())


# ---------------------------------------------------------------------------------- parsing and geometry


def test_parse_grade_forms():
    assert parse_grade("F6").reliability == ("F",) and parse_grade("F6").credibility == (6,)
    g = parse_grade("A1-C3")
    assert g.reliability == ("A", "B", "C") and g.credibility == (1, 2, 3)
    assert parse_grade("b").reliability == ("B",) and parse_grade("b").all_credibility
    assert parse_grade("1-2").all_reliability and parse_grade("1-2").credibility == (1, 2)
    assert parse_grade("A-B").credibility == (1, 2, 3, 4, 5, 6)


@given(r=st.sampled_from("ABCDEF"), c=st.integers(1, 6), r2=st.sampled_from("ABCDEF"), c2=st.integers(1, 6))
def test_parse_grade_ranges_contain_their_ends(r, c, r2, c2):
    lo, hi = sorted([r, r2]), sorted([c, c2])
    g = parse_grade(f"{lo[0]}{hi[0]}-{lo[1]}{hi[1]}")
    assert g.reliability[0] == lo[0] and g.reliability[-1] == lo[1]
    assert g.credibility[0] == hi[0] and g.credibility[-1] == hi[1]


@settings(max_examples=200, deadline=None)
@given(
    lat=st.floats(-85, 85), lon=st.floats(-180, 180), km=st.floats(1, 2000),
    bearing=st.floats(0, 6.283), frac=st.floats(0, 0.999),
)  # fmt: skip
def test_bounding_box_holds_every_point_within_the_radius(lat, lon, km, bearing, frac):
    import math

    # a point at distance frac*km along `bearing` (spherical destination formula)
    d = frac * km / 6371.0088
    p1, l1 = math.radians(lat), math.radians(lon)
    p2 = math.asin(math.sin(p1) * math.cos(d) + math.cos(p1) * math.sin(d) * math.cos(bearing))
    l2 = l1 + math.atan2(math.sin(bearing) * math.sin(d) * math.cos(p1), math.cos(d) - math.sin(p1) * math.sin(p2))
    lat2, lon2 = math.degrees(p2), (math.degrees(l2) + 540) % 360 - 180
    assert haversine_km(lat, lon, lat2, lon2) <= km + 1e-6
    lat_min, lat_max, lon_ranges = bounding_box(lat, lon, km)
    assert lat_min - 1e-9 <= lat2 <= lat_max + 1e-9
    assert any(lo - 1e-9 <= lon2 <= hi + 1e-9 for lo, hi in lon_ranges)


# ---------------------------------------------------------------------------------- output and CLI


def test_output_formats(corpus):
    result = query(corpus.conn, "events", Filters(), limit=5)
    for fmt in ("json", "jsonl", "csv", "geojson"):
        buf = io.StringIO()
        write_result(result, fmt, buf)
        text = buf.getvalue()
        if fmt == "json":
            assert json.loads(text)["total"] == result["total"]
        elif fmt == "jsonl":
            assert [json.loads(line)["id"] for line in text.splitlines()] == [i["id"] for i in result["items"]]
        elif fmt == "csv":
            rows = list(csv.DictReader(io.StringIO(text)))
            assert len(rows) == 5 and rows[0]["category"] == result["items"][0]["category"]
        else:
            fc = json.loads(text)
            assert fc["type"] == "FeatureCollection" and len(fc["features"]) == 5
    fc = result_geojson(result)
    for feature, item in zip(fc["features"], result["items"]):
        if item["lat"] is not None:
            assert feature["geometry"]["coordinates"] == [item["lon"], item["lat"]]


def test_cli_query(corpus):
    runner = CliRunner()
    db = str(corpus.path)
    res = runner.invoke(app, ["query", "--db", db, "--kind", "events", "--category", "ASSAULT", "-f", "jsonl"])
    assert res.exit_code == 0, res.output
    lines = [json.loads(line) for line in res.stdout.splitlines()]
    assert lines and all(e["category"] == "ASSAULT" for e in lines)
    res = runner.invoke(app, ["query", "verified", "--db", db, "--limit", "2"])
    assert res.exit_code == 0 and "documents: 1-2 of" in res.stdout
    res = runner.invoke(app, ["query", "--db", db, "--grade", "Q"])
    assert res.exit_code == 2 and "usage error: --grade" in res.stderr
    res = runner.invoke(app, ["query", "--db", db + ".missing"])
    assert res.exit_code == 2 and "no store" in res.stderr


def test_names_match_folded_and_as_written(tmp_path):
    from gossamer.model import Analysis, Document, Entity, Place

    text = "Iraqi troops moved through al-Qaim."
    a = Analysis(document=Document(text=text, published="2026-03-12"))
    a.new(Entity, 0, 5, name="Iraq", type="STATE", kb_id="IRQ", country="IQ")
    a.new(Place, 27, 34, name="Al Qā’im", lat=34.39, lon=40.99, country="IQ")
    with Store(tmp_path / "c.db") as store:
        ingest_analyses(store, [a])
        for place in ("al-Qaim", "AL QAIM", "Al Qā’im"):
            assert query(store.conn, "places", Filters(place=place))["total"] == 1, place
        assert query(store.conn, "places", Filters(place="Qaim"))["total"] == 0
        for actor in ("Iraqi", "iraq", "IRQ"):
            assert query(store.conn, "documents", Filters(actor=actor))["total"] == 1, actor
        assert query(store.conn, "documents", Filters(actor="Iran"))["total"] == 0


def test_unfiltered_actor_list_from_link_time_totals_matches_the_aggregate(corpus, monkeypatch):
    from gossamer.corpus import query as query_mod

    assert query_mod._actor_stats_fresh(corpus.conn)
    fast = query(corpus.conn, "actors", Filters(), limit=500)
    monkeypatch.setattr(query_mod, "_actor_stats_fresh", lambda conn: False)
    slow = query(corpus.conn, "actors", Filters(), limit=500)
    assert fast == slow and fast["total"] == len(fast["items"]) > 0
