"""Hedge detection evaluation on sentence-level uncertainty corpora (Wikipedia weasel sentences).

Corpus: a folder with ``train.csv`` and ``test.csv`` (header ``text,label``; label 1 = the
sentence is uncertain / hedged, 0 = certain), or a single such CSV. Texts may be Penn-Treebank
escaped (``-LRB-``): they are unescaped before parsing.

A sentence is predicted uncertain when `certainty` of its hedges is below a threshold. The
threshold is chosen on ``train.csv`` only (the value with the best F1 of the uncertain class
there) and then applied, unchanged, to ``test.csv``; ``--threshold`` fixes it instead. The
lexicon is never fitted to either file. Threshold 1.0 means "any hedge makes it uncertain".

Sentences are parsed with ``nlp.pipe`` in batches, with spaCy's NER switched off: the hedge
rules read tags, lemmas and the dependency parse, never entities.

`BinaryCounts` and `choose_threshold` are shared with the check-worthiness evaluation.
"""

from __future__ import annotations

import csv
import json
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .scoring import harmonic_f1

SPLITS = ("train", "test")
DISABLED_PIPES = ("ner",)
BATCH = 128

_PTB = {
    "-LRB-": "(", "-RRB-": ")", "-LSB-": "[", "-RSB-": "]", "-LCB-": "{", "-RCB-": "}",
    "``": '"', "''": '"',
}  # fmt: skip


@dataclass
class BinaryCounts:
    """Confusion counts for the positive class."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    @classmethod
    def of(cls, gold: Iterable[int], pred: Iterable[bool]) -> BinaryCounts:
        c = cls()
        for g, p in zip(gold, pred):
            if p:
                if g:
                    c.tp += 1
                else:
                    c.fp += 1
            elif g:
                c.fn += 1
            else:
                c.tn += 1
        return c

    @property
    def n(self) -> int:
        return self.tp + self.fp + self.fn + self.tn

    @property
    def p(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def r(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        return harmonic_f1(self.p, self.r)

    def as_dict(self) -> dict[str, Any]:
        return {
            "p": round(self.p, 4),
            "r": round(self.r, 4),
            "f1": round(self.f1, 4),
            "n": self.n,
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "tn": self.tn,
        }


def choose_threshold(
    scores: Sequence[float], gold: Sequence[int], positive_below: bool
) -> tuple[float, BinaryCounts]:
    """The cut with the best F1 of the positive class; ties go to the most conservative cut.

    `positive_below`: positive when score < threshold (certainty); else when score >= threshold
    (check-worthiness). Candidates are the observed scores (and 1.0), so the cut always sits on
    a value some item has.
    """
    candidates = sorted({round(s, 4) for s in scores} | {1.0})
    best: tuple[float, BinaryCounts] | None = None
    for t in candidates:
        pred = [(s < t) if positive_below else (s >= t) for s in scores]
        c = BinaryCounts.of(gold, pred)
        if best is None or c.f1 > best[1].f1 + 1e-12:
            best = (t, c)
    assert best is not None
    return best


def tuned_threshold(
    scores: dict[str, list[float]],
    data: dict[str, list[tuple[str, int]]],
    threshold: float | None,
    positive_below: bool,
    default: tuple[float, str],
    result: dict[str, Any],
) -> tuple[float, str]:
    """(threshold, where it came from): the given one, else the best cut on the train split
    (its counts go to `result["train"]`), else `default` when there is no train split."""
    if threshold is not None:
        return threshold, "fixed"
    if "train" not in scores:
        return default
    gold_train = [g for _, g in data["train"]]
    threshold, train_counts = choose_threshold(scores["train"], gold_train, positive_below=positive_below)
    result["train"] = train_counts.as_dict()
    return threshold, "train"


def predict(scores: Sequence[float], threshold: float, positive_below: bool) -> list[bool]:
    return [(s < threshold) if positive_below else (s >= threshold) for s in scores]


# --------------------------------------------------------------------------- reading


def unescape_ptb(text: str) -> str:
    """Undo Penn-Treebank bracket and quote escapes so spaCy sees ordinary text."""
    for k, v in _PTB.items():
        if k in text:
            text = text.replace(k, v)
    return text


def read_labelled_csv(path: str | Path) -> list[tuple[str, int]]:
    """(text, label) rows of a ``text,label`` CSV; texts stripped and PTB-unescaped."""
    rows: list[tuple[str, int]] = []
    with Path(path).open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        if reader.fieldnames is None or not {"text", "label"} <= set(reader.fieldnames):
            raise ValueError(f"{path}: expected a CSV with columns text,label")
        for row in reader:
            text = unescape_ptb((row["text"] or "").strip())
            if text:
                rows.append((text, int(float(row["label"]))))
    return rows


def corpus_files(path: str | Path, suffix: str) -> dict[str, Path]:
    """``{"train": ..., "test": ...}`` from a folder, or ``{"test": path}`` for a single file."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(str(path))
    if path.is_file():
        return {"test": path}
    files = {s: path / f"{s}{suffix}" for s in SPLITS if (path / f"{s}{suffix}").is_file()}
    if "test" not in files:
        raise ValueError(f"{path}: no test{suffix} found")
    return files


def results_dir() -> Path:
    """bench/results of the checkout this package runs from, else of the working directory."""
    root = Path(__file__).resolve().parents[2]
    return (root if (root / "bench").is_dir() else Path.cwd()) / "bench" / "results"


def write_result(result: dict[str, Any], name: str, out_dir: str | Path | None) -> None:
    out = Path(out_dir) if out_dir is not None else results_dir()
    out.mkdir(parents=True, exist_ok=True)
    (out / name).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


# --------------------------------------------------------------------------- running


def parse_sentences(nlp: Any, texts: Sequence[str], disable: Sequence[str] = DISABLED_PIPES) -> Iterator[Any]:
    """spaCy Docs of short texts, batched, with the named pipes off (folded like the pipeline does)."""
    from ..nlp import fold

    off = [p for p in disable if p in nlp.pipe_names]
    yield from nlp.pipe((fold(t) for t in texts), batch_size=BATCH, disable=off)


def sentence_certainties(
    nlp: Any, texts: Sequence[str], tick: Callable[[], None] | None = None
) -> tuple[list[float], Counter[str]]:
    """Certainty of every text, and how often each hedge type fired."""
    from ..claims.hedging import certainty, find_hedges

    out: list[float] = []
    types: Counter[str] = Counter()
    for doc in parse_sentences(nlp, texts):
        hedges = find_hedges(doc)
        types.update(h.type for h in hedges)
        out.append(certainty(hedges))
        if tick:
            tick()
    return out, types


def score_splits(
    task: str,
    data: dict[str, list[tuple[str, bool]]],
    splits: list[str],
    scorer: Callable[[list[str], Callable[[], None]], tuple[list[float], Counter[str]]],
    progress: bool = True,
) -> tuple[dict[str, list[float]], dict[str, Counter[str]]]:
    """Run a sentence scorer over each split under one Rich progress bar on stderr.

    Shared by the binary sentence evaluations (hedging, check-worthiness): the scorer gets the
    split's texts and a tick callback and returns one score per text plus a tally of what fired.
    """
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    scores: dict[str, list[float]] = {}
    tallies: dict[str, Counter[str]] = {}
    with Progress(
        TextColumn(f"[bold]eval {task}[/] {{task.description}}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        disable=not progress,
        transient=True,
    ) as bar:
        for split in splits:
            bar_task = bar.add_task(split, total=len(data[split]))
            scores[split], tallies[split] = scorer(
                [t for t, _ in data[split]], lambda bar_task=bar_task: bar.advance(bar_task)
            )
    return scores, tallies


def run_hedging_eval(
    path: str | Path,
    threshold: float | None = None,
    limit: int | None = None,
    out_dir: str | Path | None = None,
    progress: bool = True,
    nlp: Any | None = None,
) -> dict[str, Any]:
    """Score sentence-level uncertainty detection; write ``eval-hedging.json`` and return it."""

    from ..nlp import load_model, model_name

    files = corpus_files(path, ".csv")
    data = {
        split: read_labelled_csv(f)[:limit] if limit else read_labelled_csv(f) for split, f in files.items()
    }
    nlp = nlp or load_model()
    t0 = time.perf_counter()
    needed = [s for s in SPLITS if s in data and (s == "test" or threshold is None)]
    scores, types = score_splits(
        "hedging", data, needed, lambda texts, tick: sentence_certainties(nlp, texts, tick=tick), progress
    )
    result: dict[str, Any] = {"task": "hedging", "corpus": Path(path).name}
    threshold, tuned_on = tuned_threshold(scores, data, threshold, True, (1.0, "default (any hedge)"), result)
    gold = [g for _, g in data["test"]]
    counts = BinaryCounts.of(gold, predict(scores["test"], threshold, positive_below=True))
    any_hedge = BinaryCounts.of(gold, predict(scores["test"], 1.0, positive_below=True))
    result.update(counts.as_dict())
    result.update(
        {
            "threshold": threshold,
            "threshold_from": tuned_on,
            "rule": "uncertain when certainty < threshold",
            "any_hedge": any_hedge.as_dict(),
            "hedge_types_test": dict(types["test"].most_common()),
            "model": model_name(nlp),
            "disabled_pipes": list(DISABLED_PIPES),
            "seconds": round(time.perf_counter() - t0, 2),
            "limit": limit,
        }
    )
    write_result(result, "eval-hedging.json", out_dir)
    return result


# --------------------------------------------------------------------------- command line


def binary_table(result: dict[str, Any]) -> Any:
    """A binary-classification result (hedging, check-worthiness) as a two-column table."""
    from rich.table import Table

    table = Table(title=f"{result['task']} eval: {result['corpus']}", show_header=False, title_justify="left")
    table.add_column(style="bold")
    table.add_column(justify="right")
    pct = lambda v: f"{100 * v:.1f}%"
    table.add_row("test sentences", f"{result['n']:,}")
    table.add_row("P / R / F1 (positive class)", " / ".join(pct(result[k]) for k in ("p", "r", "f1")))
    table.add_row("tp / fp / fn / tn", " / ".join(f"{result[k]:,}" for k in ("tp", "fp", "fn", "tn")))
    table.add_row("threshold", f"{result['threshold']} ({result['threshold_from']}: {result['rule']})")
    if "train" in result:
        tr = result["train"]
        table.add_row("train P / R / F1 at threshold", " / ".join(pct(tr[k]) for k in ("p", "r", "f1")))
    table.add_row("spaCy pipes disabled", ", ".join(result["disabled_pipes"]) or "none")
    table.add_row("seconds", f"{result['seconds']:.1f}")
    return table
