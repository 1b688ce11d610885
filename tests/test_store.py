"""The corpus store: migrations, one transaction per document, corpus tables replaced whole."""

from __future__ import annotations

import sqlite3
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gossamer.corpus import store as store_mod
from gossamer.corpus.store import (
    CORPUS_TABLES,
    SCHEMA_VERSION,
    Store,
    StoreError,
    canonical_json,
    dump_tables,
    item_rows,
    migrate,
    schema_version,
)
from gossamer.corpus.synthetic import template_analyses
from gossamer.model import Analysis, Claim, Document, Entity, Event, Place, Time


def small_analysis(text: str = "Iraqi forces crossed the border near al-Qaim on Tuesday.") -> Analysis:
    a = Analysis(document=Document(text=text, title="Border", published="2026-03-12", language="en"))
    irq = a.new(Entity, 0, 5, name="Iraq", type="STATE", kb_id="IRQ", country="IQ")
    place = a.new(Place, text.index("al-Qaim"), text.index("al-Qaim") + 7, name="Al Qaim", lat=34.39, lon=40.99)
    time = a.new(Time, text.index("on Tuesday"), len(text) - 1, text="on Tuesday", start="2026-03-10", end="2026-03-10")
    ev = a.new(
        Event, text.index("crossed"), text.index("crossed") + 7, category="MOBILIZE", trigger="crossed",
        actors=[irq.id], place=place.id, places=[place.id], time=time.id, clause=[0, len(text)],
    )  # fmt: skip
    a.new(
        Claim, 0, len(text), text=text, entities=[irq.id], places=[place.id], events=[ev.id],
        grade={"reliability": "B", "credibility": 2, "reasons": []},
    )  # fmt: skip
    return a


def fake_links(doc_ids: list[str]) -> SimpleNamespace:
    """A CorpusLinks-shaped object, written in an unsorted order on purpose."""
    return SimpleNamespace(
        origins={d: doc_ids[0] for d in reversed(doc_ids)},
        actors={"kb:IRQ": {"name": "Iraq", "type": "STATE", "kb_id": "IRQ", "country": "IQ"},
                "kb:IRN": {"name": "Iran", "type": "STATE", "kb_id": "IRN", "country": "IR"}},
        actor_mentions={(d, "e1"): "kb:IRQ" for d in reversed(doc_ids)},
        event_clusters={(d, "v1"): "ev:1" for d in doc_ids},
        event_summaries={"ev:1": {"members": len(doc_ids), "figures": []}},
        claim_links=[{"doc_a": doc_ids[-1], "claim_a": "c1", "doc_b": doc_ids[0], "claim_b": "c1",
                      "relation": "corroborates", "score": 0.9, "why": "same event"}],
        claim_grades={(d, "c1"): {"reliability": "A", "credibility": 1, "reasons": ["two origins"]} for d in doc_ids},
        web_edges=[{"source_key": "kb:IRQ", "target_key": "kb:IRN", "type": "hostile_to", "weight": 2,
                    "first_seen": "2026-03-10", "last_seen": "2026-03-12", "evidence": [{"snippet": "x"}],
                    "count": 3}],
    )  # fmt: skip


# ---------------------------------------------------------------------------------- migrations


def test_fresh_store_is_at_the_latest_version_in_wal_mode(tmp_path):
    with Store(tmp_path / "c.db") as s:
        assert schema_version(s.conn) == SCHEMA_VERSION
        assert s.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert s.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert s.get_meta("schema_version") == str(SCHEMA_VERSION)
        assert s.conn.execute("SELECT version, name FROM schema_migrations").fetchall() == [(1, "initial")]
        tables = {r[0] for r in s.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert {"documents", "documents_fts", "entities", "places", "events", "claims", "relations"} <= tables
        assert set(CORPUS_TABLES) <= tables


def test_v0_file_is_migrated_to_v1(tmp_path):
    path = tmp_path / "old.db"
    sqlite3.connect(path).close()  # an empty SQLite file: version 0
    conn = sqlite3.connect(path, isolation_level=None)
    assert schema_version(conn) == 0
    assert migrate(conn) == 1
    assert schema_version(conn) == 1
    assert migrate(conn) == 1  # idempotent
    conn.close()
    with Store(path) as s:
        assert s.document_count() == 0


def test_migrations_run_in_order_once_each(tmp_path):
    path = tmp_path / "c.db"
    Store(path).close()
    calls = []

    def v2(conn):
        calls.append(2)
        conn.execute("CREATE TABLE extra (x INTEGER)")

    def v3(conn):
        calls.append(3)
        conn.execute("INSERT INTO extra VALUES (3)")

    steps = (*store_mod.MIGRATIONS, (2, "extra", v2), (3, "fill", v3))
    conn = sqlite3.connect(path, isolation_level=None)
    assert migrate(conn, steps) == 3
    assert migrate(conn, steps) == 3
    assert calls == [2, 3]
    assert conn.execute("SELECT version FROM schema_migrations ORDER BY version").fetchall() == [(1,), (2,), (3,)]
    conn.close()
    with pytest.raises(StoreError, match="schema version 3"):
        Store(path)  # written by a "newer" gossamer


def test_failed_migration_leaves_the_previous_version(tmp_path):
    path = tmp_path / "c.db"
    Store(path).close()

    def broken(conn):
        conn.execute("CREATE TABLE half (x INTEGER)")
        raise RuntimeError("boom")

    conn = sqlite3.connect(path, isolation_level=None)
    with pytest.raises(RuntimeError):
        migrate(conn, (*store_mod.MIGRATIONS, (2, "broken", broken)))
    assert schema_version(conn) == 1
    assert conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'half'").fetchone() is None
    conn.close()


def test_foreign_files_are_refused(tmp_path):
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE people (name TEXT)")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="not a gossamer store"):
        Store(other)
    text = tmp_path / "notes.db"
    text.write_text("not a database at all, just some words " * 20)
    with pytest.raises(StoreError):
        Store(text)
    with pytest.raises(StoreError, match="no store"):
        Store(tmp_path / "missing.db", readonly=True)


# ---------------------------------------------------------------------------------- documents


def test_add_analysis_is_idempotent_and_round_trips(tmp_path):
    a = small_analysis()
    with Store(tmp_path / "c.db") as s:
        assert s.add_analysis(a) is True
        before = dump_tables(s.conn)
        assert s.add_analysis(a) is False
        assert dump_tables(s.conn) == before
        [back] = list(s.analyses())
        assert canonical_json(back) == canonical_json(a)
        row = s.conn.execute("SELECT id, seq, title, published, status FROM documents").fetchone()
        assert row == (a.document.id, 1, "Border", "2026-03-12", "ok")
        ev = s.conn.execute("SELECT category, time_start, place_id, lat, lon, clause FROM events").fetchone()
        assert ev == ("MOBILIZE", "2026-03-10", "p1", 34.39, 40.99, a.document.text)
        assert s.conn.execute("SELECT reliability, credibility FROM claims").fetchone() == ("B", 2)
        refs = s.conn.execute("SELECT item_id, role, ref_id FROM item_refs ORDER BY 1, 2, 3").fetchall()
        assert ("v1", "actor", "e1") in refs and ("v1", "place", "p1") in refs and ("c1", "event", "v1") in refs
        hits = s.conn.execute("SELECT rowid FROM documents_fts WHERE documents_fts MATCH 'qaim'").fetchall()
        assert hits == [(1,)]


def test_a_failed_write_leaves_no_part_of_the_document(tmp_path, monkeypatch):
    a = small_analysis()
    with Store(tmp_path / "c.db") as s:
        real = store_mod.item_rows

        def broken(analysis):
            rows = real(analysis)
            rows["places"].append(rows["places"][0])  # a duplicate key: the insert fails midway
            return rows

        monkeypatch.setattr(store_mod, "item_rows", broken)
        with pytest.raises(sqlite3.IntegrityError):
            s.add_analysis(a)
        for table in ("documents", "entities", "places", "events", "claims", "item_refs", "documents_fts_docsize"):
            assert s.conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] == 0, table
        monkeypatch.setattr(store_mod, "item_rows", real)
        assert s.add_analysis(a) is True


def test_seq_follows_ingest_order(tmp_path):
    with Store(tmp_path / "c.db") as s:
        analyses = list(template_analyses(5, seed=2))
        for a in analyses:
            s.add_analysis(a)
        ids = [r[0] for r in s.conn.execute("SELECT id FROM documents ORDER BY seq")]
        assert ids == [a.document.id for a in analyses]
        assert [a.document.id for a in s.analyses()] == ids
        assert s.max_seq() == 5


# ---------------------------------------------------------------------------------- corpus tables


def test_replace_links_writes_sorted_rows_and_replaces_them(tmp_path):
    with Store(tmp_path / "c.db") as s:
        docs = [small_analysis(f"Iraqi forces crossed the border near al-Qaim on Tuesday {i}.") for i in range(3)]
        for a in docs:
            s.add_analysis(a)
        ids = [a.document.id for a in docs]
        assert s.links_stale()
        counts = s.replace_links(fake_links(ids), s.max_seq())
        assert counts["origins"] == 3 and counts["claim_grades"] == 3 and counts["web_edges"] == 1
        assert not s.links_stale()
        assert [r[0] for r in s.conn.execute("SELECT doc_id FROM origins")] == sorted(ids)
        edge = s.conn.execute("SELECT weight, evidence_json, extra_json FROM web_edges").fetchone()
        assert edge == (2.0, '[{"snippet":"x"}]', '{"count":3}')
        first = dump_tables(s.conn)
        s.replace_links(fake_links(ids), s.max_seq())
        assert dump_tables(s.conn) == first  # same links, same rows
        s.replace_links(SimpleNamespace(origins={}, actors={}, actor_mentions={}, event_clusters={},
                                        event_summaries={}, claim_links=[], claim_grades={}, web_edges=[]), 3)  # fmt: skip
        for table in CORPUS_TABLES:
            assert s.conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] == 0
        s.add_analysis(small_analysis("Iraqi forces crossed the border near al-Qaim on Tuesday, again."))
        assert s.links_stale()


# ---------------------------------------------------------------------------------- properties


words = st.text(alphabet="abcdefghij ", min_size=1, max_size=40)


@settings(max_examples=40, deadline=None)
@given(texts=st.lists(words, min_size=1, max_size=6))
def test_item_rows_point_into_the_document(texts):
    text = " ".join(texts) + " end"
    a = Analysis(document=Document(text=text))
    pos = 0
    for i, word in enumerate(texts):
        start = text.index(word, pos)
        if word.strip():
            a.new(Entity, start, start + len(word), name=word.strip() or "x", type="PERSON")
        pos = start + len(word)
    rows = item_rows(a)
    assert len(rows["entities"]) == len(a.entities)
    for row, ent in zip(rows["entities"], a.entities):
        assert row[:3] == (a.document.id, ent.id, ent.name)
        assert row[-1] == len(ent.mentions)
        for s, e in ent.mentions:
            assert 0 <= s <= e <= len(text)
