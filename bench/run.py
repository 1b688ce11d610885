"""`make bench`: gossamer's full analysis beside bare spaCy on the same texts, in one run.

Each side runs in its own subprocess so that peak RSS is its own. Texts are the demo corpus
repeated to at least --min-docs articles. Model and index loading happen before the clock
starts (and are reported apart): the figure is steady-state throughput.
Results go to bench/results/core.json and a line is printed per side.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"


def corpus_documents(min_docs: int):
    from gossamer.ingest import IngestError, read_inputs

    docs = [d for d in read_inputs([str(ROOT / "demo" / "corpus")]) if not isinstance(d, IngestError)]
    if not docs:
        raise SystemExit("bench: demo/corpus has no readable articles")
    out = []
    while len(out) < min_docs:
        out.extend(docs)
    return out[:min_docs] if len(out) > min_docs else out


def side_spacy(min_docs: int) -> dict:
    from gossamer.nlp import fold, load_model

    t0 = time.perf_counter()
    nlp = load_model()
    load_s = time.perf_counter() - t0
    texts = [fold(d.text) for d in corpus_documents(min_docs)]
    list(nlp.pipe(texts[:2]))
    t0 = time.perf_counter()
    n_tokens = sum(len(doc) for doc in nlp.pipe(texts, batch_size=16))
    elapsed = time.perf_counter() - t0
    return {"side": "spacy", "docs": len(texts), "tokens": n_tokens, "seconds": elapsed, "load_s": load_s}


class Timed:
    """Wraps a stage and adds up the seconds it takes."""

    def __init__(self, stage) -> None:
        self.stage = stage
        self.name = getattr(stage, "name", type(stage).__name__)
        self.seconds = 0.0

    def __call__(self, analysis, parsed) -> None:
        t0 = time.perf_counter()
        self.stage(analysis, parsed)
        self.seconds += time.perf_counter() - t0


# Which stages each issue's "adds at most N % to analyze time" target covers.
STAGE_GROUPS = {
    "geoparsing": ("places",),
    "events_and_relations": ("events", "relations"),
    "claim_ledger": ("claims", "rhetoric"),
}


def side_gossamer(min_docs: int) -> dict:
    from gossamer.pipeline import Pipeline

    t0 = time.perf_counter()
    pipeline = Pipeline()
    documents = corpus_documents(min_docs)
    for a in pipeline.analyze_documents(corpus_documents(2)[:2]):  # warm: KB, gazetteer, lexicons
        a.to_dict()
    load_s = time.perf_counter() - t0
    timed = [Timed(stage) for stage in pipeline.stages]
    pipeline.stages = timed
    t0 = time.perf_counter()
    n_items = 0
    for analysis in pipeline.analyze_documents(documents, batch_size=16):
        data = analysis.to_dict()
        json.dumps(data, ensure_ascii=False)
        n_items += sum(len(data[k]) for k in ("entities", "places", "times", "quantities"))
    elapsed = time.perf_counter() - t0
    stage_s = {t.name: t.seconds for t in timed}
    groups = {}
    for group, names in STAGE_GROUPS.items():
        spent = sum(stage_s.get(n, 0.0) for n in names)
        if any(n in stage_s for n in names):
            # "adds X %": the group's time over the time of everything else
            groups[group] = {"seconds": spent, "adds_pct": 100 * spent / max(elapsed - spent, 1e-9)}
    return {
        "side": "gossamer", "docs": len(documents), "items": n_items, "seconds": elapsed, "load_s": load_s,
        "stage_seconds": stage_s, "stage_groups": groups,
    }  # fmt: skip


def run_side(name: str, min_docs: int) -> dict:
    proc = subprocess.run(
        [sys.executable, __file__, "--side", name, "--min-docs", str(min_docs)],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise SystemExit(f"bench side {name} failed:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--side", choices=["spacy", "gossamer"])
    parser.add_argument("--min-docs", type=int, default=240)
    args = parser.parse_args()
    if args.side:
        result = side_spacy(args.min_docs) if args.side == "spacy" else side_gossamer(args.min_docs)
        result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        result["docs_per_s"] = result["docs"] / result["seconds"]
        print(json.dumps(result))
        return

    spacy_side = run_side("spacy", args.min_docs)
    goss = run_side("gossamer", args.min_docs)
    ratio = goss["docs_per_s"] / spacy_side["docs_per_s"]
    summary = {
        "bench": "core",
        "when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()} {platform.processor() or ''} python {platform.python_version()}".strip(),
        "command": "make bench",
        "spacy": spacy_side,
        "gossamer": goss,
        "throughput_ratio": ratio,
        "targets": {
            "throughput_ratio_min": 0.6, "peak_rss_mb_max": 1024,
            "adds_pct_max": {"geoparsing": 15, "events_and_relations": 25, "claim_ledger": 30},
        },
        "meets_targets": ratio >= 0.6 and goss["peak_rss_mb"] <= 1024,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "core.json").write_text(json.dumps(summary, indent=2) + "\n")
    print(
        f"bare spaCy : {spacy_side['docs_per_s']:.1f} articles/s  peak RSS {spacy_side['peak_rss_mb']:.0f} MB\n"
        f"gossamer   : {goss['docs_per_s']:.1f} articles/s  peak RSS {goss['peak_rss_mb']:.0f} MB"
        f"  (load {goss['load_s']:.1f} s)\n"
        f"ratio      : {ratio:.2f} (target >= 0.6)  -> bench/results/core.json"
    )
    for group, g in goss.get("stage_groups", {}).items():
        print(f"  {group:22s} adds {g['adds_pct']:5.1f} % to the rest of analyze ({g['seconds']:.2f} s)")


if __name__ == "__main__":
    main()
