"""Cross-document linking: what a corpus says that no single article can.

`link_corpus` reads analyses once, in ingest order, and keeps only compact records of each
(a MinHash signature per document, a few fields per entity, event, claim and relation), never
the analyses themselves. Once the stream ends it resolves, in this order, because each step
needs the one before:

1. origins: near-duplicate clusters (syndication), so copies are never counted twice;
2. actors: one key per real actor across documents;
3. event clusters: the same event told by several articles, with the spread of its figures;
4. claim links and grades: corroboration, contradiction, elaboration by independent origins;
5. the actor web over time.

Every id is a hash of its members and every list is sorted, so identical corpora give
identical results; only `origins` depends on the ingest order (the origin of a cluster is its
first-ingested document). Thresholds and word lists live in
``gossamer/data/lexicons/corroboration.yaml``.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import yaml

from ..model import Analysis
from .actors import ActorResolver
from .claims import ClaimLinker
from .events import EventLinker, day
from .syndication import Syndication
from .synthetic_corpus import synthetic_analyses
from .web import WebBuilder

__all__ = ["CorpusLinks", "link_corpus", "load_config", "synthetic_analyses"]


@dataclass
class CorpusLinks:
    origins: dict[str, str] = field(default_factory=dict)  # doc_id -> origin doc id
    actors: dict[str, dict] = field(default_factory=dict)  # actor_key -> {"name", "type", "kb_id", "country"}
    actor_mentions: dict[tuple[str, str], str] = field(
        default_factory=dict
    )  # (doc_id, entity_id) -> actor_key
    event_clusters: dict[tuple[str, str], str] = field(
        default_factory=dict
    )  # (doc_id, event_id) -> cluster_id
    event_summaries: dict[str, dict] = field(default_factory=dict)  # cluster_id -> JSON-able summary
    claim_links: list[dict] = field(default_factory=list)
    claim_grades: dict[tuple[str, str], dict] = field(default_factory=dict)  # (doc_id, claim_id) -> grade
    web_edges: list[dict] = field(default_factory=list)


@functools.cache
def load_config() -> dict[str, Any]:
    """Read ``data/lexicons/corroboration.yaml`` once per process."""
    raw = resources.files("gossamer").joinpath("data/lexicons/corroboration.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(raw)
    for section in (
        "syndication",
        "actors",
        "events",
        "figures",
        "claims",
        "credibility",
        "polarity",
        "stopwords",
        "web",
    ):
        if section not in data or "source" not in data[section]:
            raise ValueError(f"corroboration.yaml: section {section!r} (with a source) is missing")
    words = [*data["stopwords"]["words"], *data["polarity"]["negators"], *data["polarity"]["denials"]]
    if not all(isinstance(w, str) for w in words):  # YAML reads bare on/no/off as booleans
        raise ValueError("corroboration.yaml: every word must be a string (quote on, no, off)")
    return data


def link_corpus(analyses: Iterable[Analysis], config: dict[str, Any] | None = None) -> CorpusLinks:
    """Link a corpus given in ingest order; the iterable is consumed once."""
    cfg = config or load_config()
    syndication = Syndication(cfg["syndication"])
    actors = ActorResolver(cfg["actors"])
    events = EventLinker(cfg["events"], cfg["figures"])
    claims = ClaimLinker(cfg["claims"], cfg)
    web = WebBuilder(cfg["web"])
    seen: set[str] = set()
    for analysis in analyses:
        doc = analysis.document
        if doc.id in seen:  # the same text ingested twice is one document
            continue
        seen.add(doc.id)
        published = day(doc.published)
        syndication.add(doc.id, doc.text)
        for entity in analysis.entities:
            actors.add(doc.id, entity)
        events.add(analysis, published)
        claims.add(analysis, published)
        web.add(analysis, published)
    origins = syndication.origins()
    actor_records, actor_of = actors.resolve()
    event_clusters, summaries = events.cluster(actor_of, origins)
    sizes = Counter(event_clusters.values())
    categories = {cid: summary["category"] for cid, summary in summaries.items()}
    claim_links, claim_grades = claims.link(actor_of, event_clusters, sizes, origins, categories)
    web_edges = web.edges(actor_of, origins)
    return CorpusLinks(
        origins=dict(sorted(origins.items())),
        actors=actor_records,
        actor_mentions=actor_of,
        event_clusters=event_clusters,
        event_summaries=summaries,
        claim_links=claim_links,
        claim_grades=claim_grades,
        web_edges=web_edges,
    )
