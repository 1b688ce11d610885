"""`gossamer ingest`: the analyze pipeline into the store, idempotent, resumable, then linked."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from typer.testing import CliRunner

from gossamer.cli import app
from gossamer.corpus import ingest as ingest_mod
from gossamer.corpus.ingest import LINKS_MISSING, IngestStats, ingest_documents, link_store
from gossamer.corpus.store import CORPUS_TABLES, Store, canonical_json, dump_tables
from gossamer.corpus.synthetic import write_jsonl
from gossamer.ingest import IngestError, read_inputs
from gossamer.pipeline import Pipeline

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def pipeline(nlp):
    return Pipeline(nlp=nlp)


@pytest.fixture
def same_model(monkeypatch, nlp):
    """The CLI builds its own Pipeline: give it the session's model instead of loading another."""
    monkeypatch.setattr("gossamer.pipeline.load_model", lambda *a, **k: nlp)


def feed(tmp_path: Path, n: int, seed: int = 5) -> Path:
    path = tmp_path / f"feed-{n}-{seed}.jsonl"
    with open(path, "w", encoding="utf-8") as f:
        write_jsonl(n, f, seed=seed)
    return path


def documents(paths):
    return [d for d in read_inputs([str(p) for p in paths]) if not isinstance(d, IngestError)]


class NoPipeline:
    def analyze_documents(self, *_a, **_k):
        raise AssertionError("nothing new: the pipeline must not run")


def test_ingest_twice_changes_nothing(tmp_path, pipeline):
    path = feed(tmp_path, 8)
    with Store(tmp_path / "c.db") as store:
        stats = ingest_documents(store, documents([path]), pipeline)
        assert (stats.added, stats.skipped) == (8, 0)
        link_store(store)
        first = dump_tables(store.conn)
        again = ingest_documents(store, documents([path]), NoPipeline())
        assert (again.added, again.skipped) == (0, 8)
        assert link_store(store).ran is False  # nothing new: links are up to date
        assert dump_tables(store.conn) == first
        # the stored analysis is exactly what `analyze` makes of the same input
        stored = [json.loads(r[0]) for r in store.conn.execute("SELECT analysis FROM documents ORDER BY seq")]
    fresh = [json.loads(canonical_json(a)) for a in pipeline.analyze_documents(documents([path]))]
    assert stored == fresh


def test_repeated_texts_in_one_run_are_stored_once(tmp_path, pipeline):
    path = feed(tmp_path, 3)
    with Store(tmp_path / "c.db") as store:
        stats = ingest_documents(store, documents([path, path]), pipeline)
        assert (stats.added, stats.skipped) == (3, 3)
        assert store.document_count() == 3


def test_progress_hook_sees_every_document(tmp_path, pipeline):
    seen = []
    with Store(tmp_path / "c.db") as store:
        ingest_documents(store, documents([feed(tmp_path, 4)]), pipeline, on_document=lambda s: seen.append(s.added))
    assert seen == [1, 2, 3, 4]


def test_bad_inputs_are_reported_and_the_rest_ingested(tmp_path, same_model):
    good = feed(tmp_path, 2)
    lines = good.read_text(encoding="utf-8").splitlines()
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "feed.jsonl").write_text(lines[0] + "\n{not json\n" + lines[1] + "\n", encoding="utf-8")
    (folder / "empty.txt").write_text("", encoding="utf-8")
    (folder / "blob.txt").write_bytes(b"\x00\x01\x02binary\x00" * 50)
    (folder / "note.txt").write_text(
        "Turkish drones struck a fuel depot near Qamishli on Tuesday, the Syrian Democratic Forces said.\n",
        encoding="utf-8",
    )
    db = tmp_path / "c.db"
    res = CliRunner().invoke(app, ["ingest", str(folder), "--db", str(db), "--published", "2026-02-11"])
    assert res.exit_code == 1, res.output
    skipped = [line for line in res.stderr.splitlines() if line.startswith("gossamer: skipped")]
    assert len(skipped) == 3, res.stderr
    assert any("feed.jsonl:2" in line for line in skipped)
    assert "3 input(s) failed" in res.stderr
    with Store(db, readonly=True) as store:
        assert store.document_count() == 3
        published = dict(store.conn.execute("SELECT source, published FROM documents"))
    assert published[str(folder / "note.txt")] == "2026-02-11"  # --published fills only what is missing
    res = CliRunner().invoke(app, ["ingest", str(folder), "--db", str(db)])
    assert res.exit_code == 1 and "0 new document(s)" in res.stderr and "3 already stored" in res.stderr


def test_sigkill_mid_ingest_resumes_to_the_same_store(tmp_path, same_model):
    path = feed(tmp_path, 40, seed=9)
    killed_db, clean_db = tmp_path / "killed.db", tmp_path / "clean.db"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "gossamer", "ingest", str(path), "--db", str(killed_db)],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    stored = 0
    deadline = time.monotonic() + 240
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            stored = _count(killed_db)
            if stored >= 3:
                proc.send_signal(signal.SIGKILL)
                break
            time.sleep(0.02)
    finally:
        if proc.poll() is None and stored < 3:
            proc.kill()
        proc.wait(timeout=60)
        err = proc.stderr.read().decode() if proc.stderr else ""
    assert stored >= 3, f"the ingest never stored a document: {err}"
    assert proc.returncode == -signal.SIGKILL
    with Store(killed_db, readonly=True) as store:
        partial = store.document_count()
        assert 3 <= partial < 40
        for doc_id, payload in store.conn.execute("SELECT id, analysis FROM documents"):
            data = json.loads(payload)
            for table, key in (("entities", "entities"), ("places", "places"), ("events", "events")):
                n = store.conn.execute(f"SELECT COUNT(*) FROM {table} WHERE doc_id = ?", (doc_id,)).fetchone()[0]
                assert n == len(data[key]), "a document was stored without all of its items"
    runner = CliRunner()
    res = runner.invoke(app, ["ingest", str(path), "--db", str(killed_db)])
    assert res.exit_code == 0, res.output
    assert f"{partial} already stored" in res.stderr
    res = runner.invoke(app, ["ingest", str(path), "--db", str(clean_db)])
    assert res.exit_code == 0, res.output
    with Store(killed_db, readonly=True) as a, Store(clean_db, readonly=True) as b:
        assert a.document_count() == 40
        assert dump_tables(a.conn) == dump_tables(b.conn)


def _count(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
        try:
            return conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:
        return 0  # not created or not migrated yet


# ---------------------------------------------------------------------------------- linking


def _links_for(analyses):
    analyses = list(analyses)
    ids = [a.document.id for a in analyses]
    return SimpleNamespace(
        origins={d: ids[0] for d in ids}, actors={}, actor_mentions={}, event_clusters={}, event_summaries={},
        claim_links=[], claim_grades={}, web_edges=[], order=ids,
    )  # fmt: skip


def test_linking_reads_every_document_in_ingest_order(tmp_path, pipeline):
    seen = []

    def linker(analyses):
        links = _links_for(analyses)
        seen.append(links.order)
        return links

    with Store(tmp_path / "c.db") as store:
        ingest_documents(store, documents([feed(tmp_path, 3)]), pipeline)
        ingest_documents(store, documents([feed(tmp_path, 2, seed=6)]), pipeline)
        result = link_store(store, linker)
        assert result.ran and result.rows["origins"] == 5
        order = [r[0] for r in store.conn.execute("SELECT id FROM documents ORDER BY seq")]
        assert seen == [order]
        assert link_store(store, linker).ran is False
        assert link_store(store, linker, force=True).ran is True


def test_missing_links_module_is_a_note_not_a_fake(tmp_path, pipeline, monkeypatch):
    monkeypatch.setattr(ingest_mod, "load_linker", lambda: None)
    with Store(tmp_path / "c.db") as store:
        ingest_documents(store, documents([feed(tmp_path, 2)]), pipeline)
        result = link_store(store)
        assert not result.ran and result.note == LINKS_MISSING
        for table in CORPUS_TABLES:
            assert store.conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] == 0
        assert store.links_stale()
    res = CliRunner().invoke(app, ["corroborate", "--db", str(tmp_path / "c.db")])
    assert res.exit_code == 0 and "linking skipped" in res.stderr


def test_corroborate_command_reruns_linking(tmp_path, pipeline, monkeypatch):
    db = tmp_path / "c.db"
    with Store(db) as store:
        ingest_documents(store, documents([feed(tmp_path, 2)]), pipeline)
    monkeypatch.setattr(ingest_mod, "load_linker", lambda: lambda analyses: _links_for(analyses))
    res = CliRunner().invoke(app, ["corroborate", "--db", str(db)])
    assert res.exit_code == 0, res.output
    assert "linked the corpus" in res.stderr and "2 origins" in res.stderr
    with Store(db, readonly=True) as store:
        assert store.conn.execute("SELECT COUNT(*) FROM origins").fetchone()[0] == 2
    res = CliRunner().invoke(app, ["corroborate", "--db", str(tmp_path / "none.db")])
    assert res.exit_code == 2


def test_stats_rate():
    assert IngestStats(added=10, seconds=2.0).rate == 5.0
    assert IngestStats().rate == 0.0


def test_links_command_lists_pairs_and_rejects_bad_relation(tmp_path):
    from typer.testing import CliRunner

    from gossamer.cli import app
    from gossamer.corpus.store import Store

    db = tmp_path / "empty.db"
    Store(db).close()  # a fresh store at the latest schema, no documents
    runner = CliRunner()
    assert runner.invoke(app, ["links", "--db", str(db), "--relation", "agrees"]).exit_code == 2
    result = runner.invoke(app, ["links", "--db", str(db), "--json"])
    assert result.exit_code == 0 and result.stdout == ""
