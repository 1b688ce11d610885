"""One pass over one document model: read, parse once, run the stages in order.

A stage is any callable ``stage(analysis, parsed) -> None`` that adds typed items to the
`Analysis` and may read what earlier stages added. Stages hold their resources (the actor
KB, the gazetteer) and load them once per process.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any, Protocol

from spacy.language import Language

from .language import detect_language
from .model import Analysis, Document
from .nlp import Parsed, load_model, parse_many

# Stage order matters: places reads entities (metonyms); quantities skips numbers inside times;
# events read entities, places, times and quantities; relations read events and the KB; claims
# read all of those; rhetoric links its spans into the claims that contain them.
DEFAULT_STAGES = (
    "gossamer.stages.entities:EntityStage",
    "gossamer.stages.places:PlaceStage",
    "gossamer.stages.times:TimeStage",
    "gossamer.stages.quantities:QuantityStage",
    "gossamer.stages.events:EventStage",
    "gossamer.stages.relations:RelationStage",
    "gossamer.stages.claims:ClaimStage",
    "gossamer.stages.rhetoric:RhetoricStage",
)


class Stage(Protocol):
    name: str

    def __call__(self, analysis: Analysis, parsed: Parsed) -> None: ...


def load_stage(spec: str) -> Stage:
    module_name, _, attr = spec.partition(":")
    return getattr(importlib.import_module(module_name), attr)()


class Pipeline:
    """Holds the model and the stages; analyses documents one at a time or streaming."""

    def __init__(self, stages: Iterable[Stage] | None = None, nlp: Language | None = None) -> None:
        self.nlp = nlp or load_model()
        self.stages: list[Stage] = list(stages) if stages is not None else [load_stage(s) for s in DEFAULT_STAGES]

    def analyze_documents(self, documents: Iterable[Document], batch_size: int = 16) -> Iterator[Analysis]:
        """Analyses in input order; memory stays flat however many documents stream through."""
        pending: list[Document] = []

        def flush() -> Iterator[Analysis]:
            parseable = [d for d in pending if d.status == "ok"]
            parsed_iter = parse_many(self.nlp, (d.text for d in parseable), batch_size=batch_size)
            for doc in pending:
                if doc.status != "ok":
                    yield Analysis(document=doc, notes=[_skip_note(doc)])
                else:
                    yield self.run_stages(doc, next(parsed_iter))

        for document in documents:
            prepare(document)
            pending.append(document)
            if len(pending) >= batch_size:
                yield from flush()
                pending = []
        if pending:
            yield from flush()

    def run_stages(self, document: Document, parsed: Parsed) -> Analysis:
        analysis = Analysis(document=document)
        for stage in self.stages:
            stage(analysis, parsed)
        return analysis

    def analyze(self, text: str, **meta: Any) -> Analysis:
        return next(self.analyze_documents([Document(text=text, **meta)]))


def prepare(document: Document) -> None:
    """Set status and language before parsing: empty and non-English texts are not parsed."""
    if document.status != "ok":
        return
    if not document.text.strip():
        document.status = "empty"
        return
    if document.language is None:
        document.language = detect_language(document.text)
    if document.language != "en":
        document.status = "unsupported_language"


def _skip_note(doc: Document) -> str:
    if doc.status == "empty":
        return "document is empty: nothing to analyse"
    if doc.status == "unsupported_language":
        return f"language not supported yet: {doc.language or 'unknown'} (only English is analysed)"
    return f"document not analysed: {doc.status}"


_default: Pipeline | None = None


def default_pipeline() -> Pipeline:
    global _default
    if _default is None:
        _default = Pipeline()
    return _default


def analyze(
    text: str,
    published: str | date | None = None,
    title: str | None = None,
    url: str | None = None,
    outlet: str | None = None,
    author: str | None = None,
) -> Analysis:
    """Analyse one article. `published` anchors relative times ("last week")."""
    if isinstance(published, date):
        published = published.isoformat()
    return default_pipeline().analyze(
        text, published=published, title=title, url=url, outlet=outlet, author=author
    )
