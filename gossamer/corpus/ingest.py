"""Analysing documents into the store, and the corpus linking step that follows.

Ingest runs the same pipeline as `gossamer analyze` (`Pipeline.analyze_documents` over
documents from `read_inputs`); the store only adds what happens to each result:

- a document whose content hash is already stored is dropped *before* analysis (one
  indexed lookup), so re-running an ingest costs reading the inputs, not parsing them;
- each analysis is written in its own transaction, so a killed ingest leaves whole
  documents only and the next run carries on where it stopped;
- nothing time-dependent is stored: documents are numbered by ingest order.

After the documents, `link_store` runs `gossamer.corpus.links.link_corpus` over every stored
analysis, in ingest order, and replaces the corpus-level tables in one transaction.
"""

from __future__ import annotations

import importlib.util
import itertools
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Self

from ..model import Analysis, Document
from .store import Store

ProgressHook = Callable[["IngestStats"], None]


@dataclass
class IngestStats:
    added: int = 0  # analysed and stored now
    skipped: int = 0  # already in the store (or repeated within this run): not analysed again
    failed: list[str] = field(default_factory=list)  # one line per input that could not be read
    seconds: float = 0.0

    @property
    def rate(self) -> float:
        return self.added / self.seconds if self.seconds > 0 else 0.0


@dataclass
class LinkResult:
    ran: bool
    note: str = ""
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def new_documents(store: Store, documents: Iterable[Document], stats: IngestStats) -> Iterator[Document]:
    """The documents not stored yet, in input order; each repeat is counted as skipped.

    A text repeated within the run is caught by the id set (the first copy may not be
    committed yet when the second is read); one short string per document keeps it small.
    """
    seen: set[str] = set()
    for doc in documents:
        if doc.id in seen or store.has_document(doc.id):
            stats.skipped += 1
            continue
        seen.add(doc.id)
        yield doc


def ingest_documents(
    store: Store,
    documents: Iterable[Document],
    pipeline: Any = None,
    *,
    stats: IngestStats | None = None,
    on_document: ProgressHook | None = None,
    batch_size: int = 16,
) -> IngestStats:
    """Analyse and store every new document; returns counts (failures are the caller's to fill).

    `pipeline` is a `gossamer.pipeline.Pipeline` (built here when None: loading the model
    takes seconds, so callers that ingest repeatedly pass one in).
    """
    stats = stats if stats is not None else IngestStats()
    t0 = time.perf_counter()
    todo = new_documents(store, documents, stats)
    first = next(todo, None)
    if first is None:  # nothing new: no model to load
        stats.seconds = time.perf_counter() - t0
        return stats
    if pipeline is None:
        from ..pipeline import Pipeline

        pipeline = Pipeline()
        t0 = time.perf_counter()  # the rate is of analysis, not of loading the model
    for analysis in pipeline.analyze_documents(itertools.chain([first], todo), batch_size=batch_size):
        if store.add_analysis(analysis):
            stats.added += 1
        else:  # stored by another writer meanwhile
            stats.skipped += 1
        stats.seconds = time.perf_counter() - t0
        if on_document is not None:
            on_document(stats)
    stats.seconds = time.perf_counter() - t0
    return stats


def ingest_analyses(store: Store, analyses: Iterable[Analysis]) -> int:
    """Store finished analyses (no pipeline): for analyses made elsewhere, and for tests and benches."""
    return sum(1 for a in analyses if store.add_analysis(a))


# ---------------------------------------------------------------------------------- linking

Linker = Callable[[Iterable[Analysis]], Any]
UP_TO_DATE = "corpus links are up to date"
LINKS_MISSING = "corpus linking skipped: gossamer.corpus.links is not available in this build"


def load_linker() -> Linker | None:
    """`link_corpus` when the linking module is present; None otherwise (the caller says so).

    Only a missing module means "skip": an error inside a present one is raised, not hidden.
    """
    if importlib.util.find_spec(f"{__package__}.links") is None:
        return None
    from .links import link_corpus

    return link_corpus


def link_store(store: Store, linker: Linker | None = None, *, force: bool = False) -> LinkResult:
    """Recompute the corpus-level tables from every stored analysis, in ingest order.

    Skipped when nothing was added since the last run (unless `force`): linking reads the
    whole corpus, and its result depends only on the stored documents.
    """
    if not force and not store.links_stale():
        return LinkResult(ran=False, note=UP_TO_DATE)
    linker = linker or load_linker()
    if linker is None:
        return LinkResult(ran=False, note=LINKS_MISSING)
    last = store.max_seq()
    t0 = time.perf_counter()
    links = linker(store.analyses())
    rows = store.replace_links(links, last)
    return LinkResult(ran=True, rows=rows, seconds=time.perf_counter() - t0)


# ---------------------------------------------------------------------------------- progress


class IngestProgress:
    """A Rich progress line on stderr: documents done, documents/s, skipped and failed.

    Drawn only on a terminal; elsewhere (CI logs, pipes) the caller's one summary line is
    enough. `failed` is read from the list the reader fills, so failures show as they happen.
    """

    def __init__(self, failures: list[str] | None = None) -> None:
        from rich.console import Console
        from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        self.failures = failures if failures is not None else []
        self.console = Console(stderr=True)
        self.progress = Progress(
            SpinnerColumn(),
            TextColumn("ingest"),
            TextColumn("{task.completed} documents"),
            TextColumn("{task.fields[rate]:.1f} docs/s"),
            TextColumn("{task.fields[skipped]} already stored"),
            TextColumn("{task.fields[failed]} failed"),
            TimeElapsedColumn(),
            console=self.console,
            disable=not self.console.is_terminal,
            transient=False,
        )
        self.task = self.progress.add_task("ingest", total=None, rate=0.0, skipped=0, failed=0)

    def __enter__(self) -> Self:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()

    def __call__(self, stats: IngestStats) -> None:
        self.progress.update(
            self.task, completed=stats.added, rate=stats.rate, skipped=stats.skipped, failed=len(self.failures)
        )
