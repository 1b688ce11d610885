"""Reading claim links back out of the store: which claims corroborate or contradict which.

A reader scanning the links wants the disagreements that matter first and each finding once:

- Order: contradicting figures ("about 1,200 fighters vs about 300 fighters") first, then other
  contradictions, then corroborations, then elaborations; by score within each.
- Syndicated copies fold into one row: when the same claim text comes from one origin through
  several outlets (a wire story and the papers that reprint it), the pair is listed once and
  the other outlets are named in ``copies_a`` / ``copies_b``.
- ``reason`` restates ``why`` for people: the stored ``why`` names the negating claim by its
  ``doc/claim`` id (stable, for machines); ``reason`` says "the first claim" or "the linked
  claim" instead.
"""

from __future__ import annotations

import sqlite3
from typing import Any

RELATIONS = ("corroborates", "contradicts", "elaborates")
_FIGURES = "figures disagree: "
_RANK = {"contradicts": 1, "corroborates": 2, "elaborates": 3}
_KEYS = (
    "relation", "score", "why", "text_a", "outlet_a", "doc_a", "claim_a", "origin_a",
    "text_b", "outlet_b", "doc_b", "claim_b", "origin_b",
)  # fmt: skip


def claim_links(
    conn: sqlite3.Connection, relation: str | None = None, limit: int = 100, fold_copies: bool = True
) -> list[dict[str, Any]]:
    """Linked claim pairs with both texts, outlets and a readable reason, most telling first."""
    where, params = "", []
    if relation:
        where, params = "WHERE l.relation = ?", [relation]
    rows = conn.execute(
        f"""
        SELECT l.relation, l.score, l.why,
               a.text, COALESCE(da.outlet, da.source), l.doc_a, l.claim_a, COALESCE(oa.origin_id, l.doc_a),
               b.text, COALESCE(db.outlet, db.source), l.doc_b, l.claim_b, COALESCE(ob.origin_id, l.doc_b)
        FROM claim_links l
        JOIN claims a ON a.doc_id = l.doc_a AND a.item_id = l.claim_a
        JOIN claims b ON b.doc_id = l.doc_b AND b.item_id = l.claim_b
        JOIN documents da ON da.id = l.doc_a
        JOIN documents db ON db.id = l.doc_b
        LEFT JOIN origins oa ON oa.doc_id = l.doc_a
        LEFT JOIN origins ob ON ob.doc_id = l.doc_b
        {where}
        """,
        params,
    ).fetchall()
    links = [dict(zip(_KEYS, row)) for row in rows]
    links.sort(key=_order)
    if fold_copies:
        links = _fold(links)
    for link in links:
        link["reason"] = reason(link)
    return links[:limit]


def _order(link: dict[str, Any]) -> tuple[Any, ...]:
    figures = link["relation"] == "contradicts" and (link["why"] or "").startswith(_FIGURES)
    return (
        0 if figures else _RANK.get(link["relation"], 9),
        -(link["score"] or 0.0),
        link["doc_a"], link["claim_a"], link["doc_b"], link["claim_b"],
    )  # fmt: skip


def _fold(links: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per relation and pair of (origin, text) sides, whichever side each copy is on;
    the other outlets of a side become its copies."""
    kept: dict[tuple[Any, ...], dict[str, Any]] = {}
    for link in links:
        sides = {s: (link[f"origin_{s}"], _norm(link[f"text_{s}"])) for s in ("a", "b")}
        key = (link["relation"], *sorted(sides.values()))
        first = kept.get(key)
        if first is None:
            kept[key] = {**link, "copies_a": [], "copies_b": []}
            continue
        for side, ident in sides.items():
            mine = "a" if (first["origin_a"], _norm(first["text_a"])) == ident else "b"
            outlet = link[f"outlet_{side}"]
            if outlet and outlet != first[f"outlet_{mine}"] and outlet not in first[f"copies_{mine}"]:
                first[f"copies_{mine}"].append(outlet)
    return list(kept.values())


def _norm(text: str | None) -> str:
    return " ".join((text or "").lower().split())


def reason(link: dict[str, Any]) -> str:
    """`why` with the negating claim's id replaced by which side of the pair it is."""
    return readable_why(
        link["why"],
        {
            f"{link['doc_a']}/{link['claim_a']}": "the first claim",
            f"{link['doc_b']}/{link['claim_b']}": "the linked claim",
        },
    )


def readable_why(why: str | None, labels: dict[str, str]) -> str:
    """`why` with a leading ``doc/claim`` reference replaced by its label ("this claim")."""
    why = why or ""
    ref, sep, rest = why.partition(" ")
    return f"{labels[ref]} {rest}" if sep and ref in labels else why
