"""Check-worthiness evaluation on ClaimBuster-style sentence sets.

Corpus: a folder with ``train.json`` and ``test.json``, each a JSON array of
``{"sentence_id", "label", "text"}`` (label 1 = check-worthy factual sentence), or one such
file. Every sentence is scored by `gossamer.claims.checkworthy.checkworthiness` on its own
spaCy parse (full pipeline: the features read entities, tags and the dependency parse), without
the gossamer stages: the sentences are debate transcript lines, not articles.

A sentence is predicted check-worthy when its score is at least the threshold. The threshold
is the one with the best F1 of the check-worthy class on ``train.json`` and is applied
unchanged to ``test.json``; ``--threshold`` fixes it instead. Feature weights are never
fitted to either file.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from .hedging import (
    SPLITS,
    BinaryCounts,
    corpus_files,
    parse_sentences,
    predict,
    score_splits,
    tuned_threshold,
    write_result,
)

DISABLED_PIPES: tuple[str, ...] = ()


def read_labelled_json(path: str | Path) -> list[tuple[str, int]]:
    """(text, label) pairs of a ClaimBuster-style JSON array."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if not isinstance(data, list):
        raise ValueError(f"{path}: expected a JSON array of {{sentence_id, label, text}}")  # noqa: TRY004 - bad file content: a usage error
    rows: list[tuple[str, int]] = []
    for row in data:
        if not isinstance(row, dict) or "text" not in row or "label" not in row:
            raise ValueError(f"{path}: every element needs 'text' and 'label'")
        text = str(row["text"]).strip()
        if text:
            rows.append((text, int(row["label"])))
    return rows


def sentence_scores(
    nlp: Any, texts: Sequence[str], tick: Callable[[], None] | None = None
) -> tuple[list[float], Counter[str]]:
    """Check-worthiness of every text, and how often each feature fired."""
    from ..claims.checkworthy import checkworthiness

    out: list[float] = []
    features: Counter[str] = Counter()
    for doc in parse_sentences(nlp, texts, disable=DISABLED_PIPES):
        score, feats = checkworthiness(doc)
        features.update(feats)
        out.append(score)
        if tick:
            tick()
    return out, features


def run_checkworthy_eval(
    path: str | Path,
    threshold: float | None = None,
    limit: int | None = None,
    out_dir: str | Path | None = None,
    progress: bool = True,
    nlp: Any | None = None,
) -> dict[str, Any]:
    """Score check-worthy sentence detection; write ``eval-checkworthy.json`` and return it."""

    from ..nlp import load_model, model_name

    files = corpus_files(path, ".json")
    data = {s: read_labelled_json(f)[:limit] if limit else read_labelled_json(f) for s, f in files.items()}
    nlp = nlp or load_model()
    t0 = time.perf_counter()
    needed = [s for s in SPLITS if s in data and (s == "test" or threshold is None)]
    scores, feats = score_splits(
        "checkworthy", data, needed, lambda texts, tick: sentence_scores(nlp, texts, tick=tick), progress
    )
    result: dict[str, Any] = {"task": "checkworthy", "corpus": Path(path).name}
    threshold, tuned_on = tuned_threshold(scores, data, threshold, False, (0.5, "default"), result)
    gold = [g for _, g in data["test"]]
    counts = BinaryCounts.of(gold, predict(scores["test"], threshold, positive_below=False))
    result.update(counts.as_dict())
    result.update(
        {
            "threshold": threshold,
            "threshold_from": tuned_on,
            "rule": "check-worthy when score >= threshold",
            "at_0.5": BinaryCounts.of(gold, predict(scores["test"], 0.5, positive_below=False)).as_dict(),
            "features_test": dict(feats["test"].most_common()),
            "model": model_name(nlp),
            "disabled_pipes": list(DISABLED_PIPES),
            "seconds": round(time.perf_counter() - t0, 2),
            "limit": limit,
        }
    )
    write_result(result, "eval-checkworthy.json", out_dir)
    return result
