"""Reading claim links back for people (gossamer.corpus.linkview): order, syndicated copies, reasons."""

from __future__ import annotations

import sqlite3

from gossamer.corpus.linkview import claim_links, readable_why, reason
from gossamer.corpus.store import Store


def _store(tmp_path) -> sqlite3.Connection:
    """A store with a wire story, its reprint, two other outlets and four links between them."""
    store = Store(tmp_path / "links.db")
    conn = store.conn
    docs = [("wire", "Wire A", "wire"), ("copy", "Paper B", "wire"), ("other", "Paper C", "other"), ("gov", "Paper D", "gov")]
    for seq, (doc, outlet, origin) in enumerate(docs):
        conn.execute(
            "INSERT INTO documents (id, seq, outlet, status, text, analysis) VALUES (?, ?, ?, 'ok', '', '{}')",
            (doc, seq, outlet),
        )
        conn.execute("INSERT INTO origins (doc_id, origin_id) VALUES (?, ?)", (doc, origin))
    claims = [
        ("wire", "c1", "About 900 troops crossed the river on Monday."),
        ("copy", "c1", "About 900 troops  crossed the river on Monday."),
        ("other", "c4", "About 200 troops crossed the river on Monday."),
        ("gov", "c2", "Troops crossed the river."),
    ]
    conn.executemany("INSERT INTO claims (doc_id, item_id, text) VALUES (?, ?, ?)", claims)
    links = [
        ("gov", "c2", "wire", "c1", "contradicts", 0.9, "gov/c2 negates or denies it (denied); shared: cross, river"),
        ("copy", "c1", "other", "c4", "contradicts", 0.4, "figures disagree: about 900 troops vs about 200 troops (troop)"),
        ("other", "c4", "wire", "c1", "contradicts", 0.4, "figures disagree: about 200 troops vs about 900 troops (troop)"),
        ("gov", "c2", "other", "c4", "corroborates", 0.95, "same event, same act (cross)"),
    ]
    conn.executemany(
        "INSERT INTO claim_links (doc_a, claim_a, doc_b, claim_b, relation, score, why) VALUES (?, ?, ?, ?, ?, ?, ?)", links
    )
    conn.commit()
    return conn


def test_figure_contradictions_come_first_then_other_contradictions_then_corroborations(tmp_path):
    rows = claim_links(_store(tmp_path), fold_copies=False)
    assert [r["relation"] for r in rows] == ["contradicts", "contradicts", "contradicts", "corroborates"]
    assert [r["why"].startswith("figures disagree") for r in rows[:3]] == [True, True, False]


def test_syndicated_copies_fold_into_one_row_naming_the_other_outlet(tmp_path):
    rows = claim_links(_store(tmp_path))
    figures = [r for r in rows if r["why"].startswith("figures disagree")]
    assert len(figures) == 1
    (row,) = figures
    outlets = {row["outlet_a"], *row["copies_a"], row["outlet_b"], *row["copies_b"]}
    assert outlets == {"Wire A", "Paper B", "Paper C"}
    assert len(rows) == 3


def test_reason_names_the_side_not_the_internal_id(tmp_path):
    rows = claim_links(_store(tmp_path))
    denial = next(r for r in rows if "denies" in r["why"])
    assert denial["why"].startswith("gov/c2 ")
    assert denial["reason"] == "the first claim negates or denies it (denied); shared: cross, river"
    flipped = {**denial, "doc_a": "wire", "claim_a": "c1", "doc_b": "gov", "claim_b": "c2"}
    assert reason(flipped).startswith("the linked claim negates")


def test_relation_filter_and_limit(tmp_path):
    conn = _store(tmp_path)
    assert [r["relation"] for r in claim_links(conn, "corroborates")] == ["corroborates"]
    assert len(claim_links(conn, limit=1)) == 1


def test_readable_why_only_replaces_a_leading_known_reference():
    labels = {"d1/c2": "this claim"}
    assert readable_why("d1/c2 negates or denies it (denied)", labels) == "this claim negates or denies it (denied)"
    assert readable_why("d9/c2 negates or denies it", labels) == "d9/c2 negates or denies it"
    assert readable_why("same proposition (shared: d1/c2)", labels) == "same proposition (shared: d1/c2)"
    assert readable_why(None, labels) == ""
