"""Reading claim links back out of the store: which claims corroborate or contradict which."""

from __future__ import annotations

import sqlite3
from typing import Any

RELATIONS = ("corroborates", "contradicts", "elaborates")


def claim_links(conn: sqlite3.Connection, relation: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
    """Linked claim pairs with both texts and outlets, contradictions first, then by score."""
    where, params = "", []
    if relation:
        where, params = "WHERE l.relation = ?", [relation]
    rows = conn.execute(
        f"""
        SELECT l.relation, l.score, l.why,
               a.text, COALESCE(da.outlet, da.source), l.doc_a, l.claim_a,
               b.text, COALESCE(db.outlet, db.source), l.doc_b, l.claim_b
        FROM claim_links l
        JOIN claims a ON a.doc_id = l.doc_a AND a.item_id = l.claim_a
        JOIN claims b ON b.doc_id = l.doc_b AND b.item_id = l.claim_b
        JOIN documents da ON da.id = l.doc_a
        JOIN documents db ON db.id = l.doc_b
        {where}
        ORDER BY l.relation = 'contradicts' DESC, l.relation, l.score DESC, l.doc_a, l.claim_a, l.doc_b, l.claim_b
        LIMIT ?
        """,
        [*params, limit],
    ).fetchall()
    keys = ("relation", "score", "why", "text_a", "outlet_a", "doc_a", "claim_a", "text_b", "outlet_b", "doc_b", "claim_b")
    return [dict(zip(keys, row)) for row in rows]
