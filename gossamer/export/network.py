"""The actor network: entities as nodes, relations as edges, merged across documents.

Nodes are keyed by KB id when the actor is known (so "Tehran" in one article and "the Iranian
government" in another are one node) and by document and name otherwise (an actor the KB does
not know is only known to be the same within one article).

Edges: one per (source, target, relation type, origin), with how often it was read. The edge
attribute holding the relation type is called `relation`, not `type`: GEXF reserves `type`
on edges for directed/undirected, and both formats carry the same attributes. Every attribute
is a string, number or boolean (GEXF and GraphML hold scalars only); missing values are "".
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import IO

import networkx as nx

from ..model import Analysis, Entity, Relation, Time
from ..phrases import key

EVIDENCE_CHARS = 600  # joined evidence snippets are cut here
SNIPPET_CHARS = 200
_SEP = " | "


def node_key(analysis: Analysis, entity: Entity) -> str:
    return entity.kb_id or f"{analysis.document.id}:{key(entity.name) or entity.id}"


def network_graph(analyses: Iterable[Analysis]) -> nx.MultiDiGraph:
    """Build the actor network of any number of analyses (consumed once, in order)."""
    g = nx.MultiDiGraph(name="gossamer actor network")
    symmetric_types = _symmetric()
    for analysis in analyses:
        keys = {e.id: node_key(analysis, e) for e in analysis.entities}
        for ent in analysis.entities:
            _add_node(g, keys[ent.id], ent, analysis.document.id)
        times = {t.id: t for t in analysis.times}
        for rel in analysis.relations:
            u, v = keys.get(rel.source), keys.get(rel.target)
            if u is None or v is None:
                continue
            _add_edge(g, u, v, rel, analysis, times.get(rel.time or ""), rel.type in symmetric_types)
    for _, _, data in g.edges(data=True):
        data.pop("_docs", None)
        data["evidence"] = _cut(data["evidence"], EVIDENCE_CHARS)
    for _, data in g.nodes(data=True):
        data.pop("_docs", None)
    return g


def _add_node(g: nx.MultiDiGraph, node: str, ent: Entity, doc_id: str) -> None:
    data = g.nodes.get(node)
    if data is None:
        g.add_node(
            node,
            label=ent.name,
            name=ent.name,
            type=ent.type,
            country=ent.country or "",
            kb_id=ent.kb_id or "",
            mentions=0,
            documents=0,
            _docs=set(),
        )
        data = g.nodes[node]
    data["mentions"] += len(ent.mentions)
    data["_docs"].add(doc_id)
    data["documents"] = len(data["_docs"])


def _add_edge(
    g: nx.MultiDiGraph, u: str, v: str, rel: Relation, analysis: Analysis, time: Time | None, symmetric: bool
) -> None:
    edge_key = f"{rel.type}:{rel.origin}"
    if symmetric and not g.has_edge(u, v, edge_key) and g.has_edge(v, u, edge_key):
        u, v = v, u  # one edge per pair for symmetric ties, whichever way round it was first read
    weight = max(1, len(rel.mentions), len(rel.events))
    snippets = [_cut(" ".join(analysis.text_of(m).split()), SNIPPET_CHARS) for m in rel.mentions] or [rel.why]
    start = (time.start or "") if time else ""
    end = (time.end or time.start or "") if time else ""
    if not g.has_edge(u, v, edge_key):
        g.add_edge(
            u,
            v,
            key=edge_key,
            relation=rel.type,
            label=rel.type,
            origin=rel.origin,
            symmetric=symmetric,
            weight=0,
            documents=0,
            first_time=start,
            last_time=end,
            evidence="",
            why=rel.why,
            _docs=set(),
        )
    data = g.edges[u, v, edge_key]
    data["weight"] += weight
    data["_docs"].add(analysis.document.id)
    data["documents"] = len(data["_docs"])
    if start and (not data["first_time"] or start < data["first_time"]):
        data["first_time"] = start
    if end and end > data["last_time"]:
        data["last_time"] = end
    joined = _SEP.join(s for s in (data["evidence"], *snippets) if s)
    data["evidence"] = joined[: EVIDENCE_CHARS + 1]  # cut for good at the end


def write_gexf(graph: nx.MultiDiGraph, stream: IO[str]) -> None:
    """GEXF 1.2 as text (networkx's writer wants bytes; this writes str to any text stream)."""
    for line in nx.generate_gexf(graph):
        stream.write(line + "\n")


def write_graphml(graph: nx.MultiDiGraph, stream: IO[str]) -> None:
    for line in nx.generate_graphml(graph):
        stream.write(line + "\n")


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _symmetric() -> frozenset[str]:
    from ..stages.relations import load_lexicon

    return load_lexicon().symmetric
