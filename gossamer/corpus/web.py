"""The actor web over time: each document's relations aggregated across the corpus.

An edge is one (source actor, target actor, relation type), actors being the corpus-wide actor
keys, so "the Iranian government" in one article and "Tehran" in another feed one node. Its
weight is the number of independent origins that report the tie (a wire story and its copies
count once); `count` keeps the raw number of readings. `first_seen`/`last_seen` come from the
relation's own time, else its document's publication date. Symmetric types (allied_with, ...)
are stored once per pair, the two keys in sorted order. Ties that the knowledge base asserts are
background, not reports, and stay out (see `web.origins` in corroboration.yaml).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml

from ..model import Analysis
from .events import iso, natural, time_span


@functools.cache
def symmetric_types() -> frozenset[str]:
    """The symmetric relation types of data/lexicons/relations.yaml (read directly: importing
    the relations stage would load the whole NLP pipeline for one list)."""
    raw = resources.files("gossamer").joinpath("data/lexicons/relations.yaml").read_text(encoding="utf-8")
    return frozenset(yaml.safe_load(raw)["symmetric"]["types"])


@dataclass(slots=True, frozen=True)
class RelationRec:
    doc_id: str
    relation_id: str
    type: str
    source: str  # entity ids
    target: str
    first: int | None
    last: int | None
    snippet: str


def _cut(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


class WebBuilder:
    """Streams relations in; `edges()` aggregates them under the resolved actor keys."""

    def __init__(self, config: dict[str, Any]) -> None:
        self.origins_kept = frozenset(config["origins"])
        self.max_evidence = int(config["max_evidence"])
        self.snippet_chars = int(config["snippet_chars"])
        self.records: list[RelationRec] = []

    def add(self, analysis: Analysis, published: int | None) -> None:
        if not analysis.relations:
            return
        times = {t.id: t for t in analysis.times}
        for rel in analysis.relations:
            if rel.origin not in self.origins_kept:
                continue
            span = time_span(times.get(rel.time or ""))
            first, last = span if span else (published, published)
            snippet = analysis.text_of(rel.mentions[0]) if rel.mentions else rel.why
            self.records.append(
                RelationRec(
                    analysis.document.id,
                    rel.id,
                    rel.type,
                    rel.source,
                    rel.target,
                    first,
                    last,
                    _cut(snippet, self.snippet_chars),
                )
            )

    def edges(self, actor_of: dict[tuple[str, str], str], origins: dict[str, str]) -> list[dict[str, Any]]:
        symmetric = symmetric_types()
        groups: dict[tuple[str, str, str], list[RelationRec]] = {}
        for r in self.records:
            s, t = actor_of.get((r.doc_id, r.source)), actor_of.get((r.doc_id, r.target))
            if not s or not t or s == t:
                continue
            if r.type in symmetric and t < s:
                s, t = t, s
            groups.setdefault((s, t, r.type), []).append(r)
        out: list[dict[str, Any]] = []
        for (s, t, typ), recs in sorted(groups.items()):
            recs.sort(key=lambda r: (r.first or 0, r.doc_id, natural(r.relation_id)))
            firsts = [r.first for r in recs if r.first is not None]
            lasts = [r.last for r in recs if r.last is not None]
            out.append(
                {
                    "source_key": s,
                    "target_key": t,
                    "type": typ,
                    "weight": len({origins.get(r.doc_id, r.doc_id) for r in recs}),
                    "count": len(recs),
                    "documents": len({r.doc_id for r in recs}),
                    "symmetric": typ in symmetric,
                    "first_seen": iso(min(firsts)) if firsts else None,
                    "last_seen": iso(max(lasts)) if lasts else None,
                    "evidence": [
                        {"doc_id": r.doc_id, "relation_id": r.relation_id, "snippet": r.snippet}
                        for r in recs[: self.max_evidence]
                    ],
                }
            )
        return out
