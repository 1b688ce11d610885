"""Corpus benchmarks: ingest beside analyze, ingest memory at two sizes, linking at 10k and 100k claims.

    python bench/corpus.py            # about 5-8 minutes on 2 cores
    python bench/corpus.py --quick    # about 2 minutes

1. Throughput: `gossamer ingest` (read -> analyse -> store, one transaction per document)
   against `gossamer analyze --format jsonl` (read -> analyse -> serialise) on the same
   synthetic articles (`gossamer bench --synthetic`), alternated twice, best of each.
   Target: ingest >= 0.9x analyze, in articles per CPU second of the process: on a shared
   2-core machine wall-clock rates swing 2x between back-to-back runs, CPU time does not (the
   store adds no waiting: WAL commits are not fsynced). Wall-clock rates are reported beside.
2. Memory: peak RSS of an ingest of N and of 4N articles, documents phase and linking apart.
   Target: <= 1.5 GB, and the larger run not much above the smaller (flat in corpus size).
3. Linking: `link_corpus` on analyses built directly (`gossamer.corpus.synthetic_corpus`, no
   spaCy) at 10k and 100k claims. Target: 100k in < 10 min, and growth no worse than n log n
   (10x the claims may cost at most 10 * log(100k)/log(10k) = 12.5x the CPU time, +25% for noise).
   Skipped, with a note, when `gossamer.corpus.links` is absent.

Every measurement runs in its own subprocess so that peak RSS is its own; model and index
loading happen before the clock starts. Results go to bench/results/corpus.json.
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
SEED = 17
WARM_SEED = 99  # warm-up articles: a different seed, so none of them is in the measured feed
RATIO_MIN = 0.9
RSS_MAX_MB = 1536
RSS_GROWTH_MAX = 1.25
LINK_MAX_S = 600
NLOGN_SLACK = 1.25
ROUNDS = 2


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _documents(feed: str):
    from gossamer.ingest import IngestError, read_inputs

    for item in read_inputs([feed]):
        if not isinstance(item, IngestError):
            yield item


def _warm(pipeline) -> None:
    """Load the KB, gazetteer and lexicons on articles that are not measured."""
    from gossamer.corpus.synthetic import generate
    from gossamer.model import Document

    docs = [Document(text=a.text, published=a.published) for a in generate(4, seed=WARM_SEED)]
    for a in pipeline.analyze_documents(docs):
        a.to_dict()


def side_analyze(feed: str, out_path: str) -> dict:
    from gossamer.pipeline import Pipeline

    t0 = time.perf_counter()
    pipeline = Pipeline()
    _warm(pipeline)
    load_s = time.perf_counter() - t0
    t0, c0 = time.perf_counter(), time.process_time()
    n = 0
    with open(out_path, "w", encoding="utf-8") as out:
        for analysis in pipeline.analyze_documents(_documents(feed)):
            out.write(json.dumps(analysis.to_dict(), ensure_ascii=False) + "\n")  # what analyze -f jsonl writes
            n += 1
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    return {"side": "analyze", "docs": n, "seconds": seconds, "cpu_s": cpu, "load_s": load_s,
            "docs_per_s": n / seconds, "docs_per_cpu_s": n / cpu}  # fmt: skip


def side_ingest(feed: str, db: str) -> dict:
    from gossamer.corpus.ingest import ingest_documents, link_store
    from gossamer.corpus.store import Store
    from gossamer.pipeline import Pipeline

    t0 = time.perf_counter()
    pipeline = Pipeline()
    _warm(pipeline)
    load_s = time.perf_counter() - t0
    rss_loaded = _peak_mb()
    with Store(db) as store:
        t0, c0 = time.perf_counter(), time.process_time()
        stats = ingest_documents(store, _documents(feed), pipeline)
        seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
        rss_docs = _peak_mb()
        link = link_store(store)
        rss_link = _peak_mb()
    return {
        "side": "ingest", "docs": stats.added, "seconds": seconds, "cpu_s": cpu, "load_s": load_s,
        "docs_per_s": stats.added / seconds, "docs_per_cpu_s": stats.added / cpu, "link_ran": link.ran, "link_note": link.note,
        "link_s": link.seconds, "peak_rss_mb_loaded": rss_loaded, "peak_rss_mb_documents": rss_docs,
        "peak_rss_mb": rss_link, "db_mb": Path(db).stat().st_size / 2**20,
    }  # fmt: skip


def side_link(n_claims: int) -> dict:
    try:
        from gossamer.corpus.links import link_corpus
        from gossamer.corpus.synthetic_corpus import synthetic_analyses
    except ImportError as err:
        return {"side": "link", "claims": n_claims, "skipped": f"linking not available: {err}"}
    t0, c0 = time.perf_counter(), time.process_time()
    docs = claims = 0
    for a in synthetic_analyses(n_claims, seed=SEED):  # a first pass times the generator alone
        docs += 1
        claims += len(a.claims)
    gen_s, gen_cpu = time.perf_counter() - t0, time.process_time() - c0
    t0, c0 = time.perf_counter(), time.process_time()
    links = link_corpus(synthetic_analyses(n_claims, seed=SEED))  # streamed: memory is the linker's own
    total_s, total_cpu = time.perf_counter() - t0, time.process_time() - c0
    return {
        "side": "link", "claims": claims, "docs": docs, "generate_s": gen_s, "seconds": max(total_s - gen_s, 0.0),
        "cpu_s": max(total_cpu - gen_cpu, 1e-9), "seconds_with_generation": total_s, "claim_links": len(links.claim_links),
        "event_clusters": len(set(links.event_clusters.values())), "actors": len(links.actors),
        "web_edges": len(links.web_edges), "peak_rss_mb": _peak_mb(),
    }  # fmt: skip


def run_side(args: list[str], timeout: float | None = None) -> dict:
    cmd = [sys.executable, __file__, *args]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=timeout, cwd=ROOT)
    except subprocess.TimeoutExpired:
        return {"side": args[1], "timed_out": True, "timeout_s": timeout}
    if proc.returncode != 0:
        raise SystemExit(f"bench side {' '.join(args)} failed:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def write_feed(path: Path, n: int) -> None:
    from gossamer.corpus.synthetic import write_jsonl

    with open(path, "w", encoding="utf-8") as f:
        write_jsonl(n, f, seed=SEED)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="smaller sizes: a smoke run of every measurement")
    parser.add_argument("--docs", type=int, help="articles for the throughput run (default 300, quick 48)")
    parser.add_argument("--claims", type=int, nargs=2, help="claim counts for linking (default 10000 100000)")
    parser.add_argument("--side", choices=["analyze", "ingest", "link"], help=argparse.SUPPRESS)
    parser.add_argument("--feed", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--n", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.side:
        if args.side == "analyze":
            result = side_analyze(args.feed, args.db)
        elif args.side == "ingest":
            result = side_ingest(args.feed, args.db)
        else:
            result = side_link(args.n)
        print(json.dumps(result))
        return

    n_docs = args.docs or (48 if args.quick else 300)
    n_big = 4 * n_docs
    small, large = args.claims or ((2_000, 20_000) if args.quick else (10_000, 100_000))
    with tempfile.TemporaryDirectory(prefix="gossamer-bench-") as tmp:
        feed, big_feed = Path(tmp) / "feed.jsonl", Path(tmp) / "big.jsonl"
        write_feed(feed, n_docs)
        write_feed(big_feed, n_big)
        print(f"throughput: {n_docs} synthetic articles, analyze and ingest, best of {ROUNDS} ...", flush=True)
        analyzes, ingests = [], []
        for r in range(ROUNDS):  # alternated, so a busy spell on a shared machine hits both sides
            analyzes.append(run_side(["--side", "analyze", "--feed", str(feed), "--db", str(Path(tmp) / "a.jsonl")]))
            ingests.append(run_side(["--side", "ingest", "--feed", str(feed), "--db", str(Path(tmp) / f"{r}.db")]))
        analyze = max(analyzes, key=lambda x: x["docs_per_cpu_s"])
        ingest = max(ingests, key=lambda x: x["docs_per_cpu_s"])
        for best, rounds in ((analyze, analyzes), (ingest, ingests)):
            best["rounds_docs_per_s"] = [x["docs_per_s"] for x in rounds]
            best["rounds_docs_per_cpu_s"] = [x["docs_per_cpu_s"] for x in rounds]
        print(f"memory: ingest of {n_big} articles ...", flush=True)
        ingest_big = run_side(["--side", "ingest", "--feed", str(big_feed), "--db", str(Path(tmp) / "big.db")])
    print(f"linking: {small} and {large} claims ...", flush=True)
    link_small = run_side(["--side", "link", "--n", str(small)], timeout=LINK_MAX_S)
    link_large = run_side(["--side", "link", "--n", str(large)], timeout=LINK_MAX_S)

    ratio = ingest["docs_per_cpu_s"] / analyze["docs_per_cpu_s"]
    wall_ratio = max(ingest["rounds_docs_per_s"]) / max(analyze["rounds_docs_per_s"])
    growth = ingest_big["peak_rss_mb"] / ingest["peak_rss_mb"]
    checks = {
        "ingest_vs_analyze": ratio >= RATIO_MIN,
        "peak_rss": max(ingest["peak_rss_mb"], ingest_big["peak_rss_mb"]) <= RSS_MAX_MB,
        "rss_flat": growth <= RSS_GROWTH_MAX,
    }
    link_summary: dict = {"small": link_small, "large": link_large}
    if "skipped" in link_small:
        link_summary["note"] = link_small["skipped"]
    elif link_large.get("timed_out"):
        checks["link_large_under_10_min"] = False
    else:
        scale = link_large["claims"] / link_small["claims"]
        allowed = scale * math.log(link_large["claims"]) / math.log(link_small["claims"])
        observed = link_large["cpu_s"] / link_small["cpu_s"]  # CPU time: robust on a shared machine
        link_summary.update(time_ratio=observed, nlogn_ratio=allowed, exponent=math.log(observed) / math.log(scale))
        checks["link_large_under_10_min"] = link_large["seconds"] < LINK_MAX_S
        checks["link_growth_nlogn"] = observed <= allowed * NLOGN_SLACK
    summary = {
        "bench": "corpus",
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()} {platform.processor() or ''} python {platform.python_version()}".strip(),
        "command": "python bench/corpus.py" + (" --quick" if args.quick else ""),
        "analyze": analyze,
        "ingest": ingest,
        "ingest_large": ingest_big,
        "throughput_ratio": ratio,
        "throughput_ratio_wall": wall_ratio,
        "rss_growth": growth,
        "link": link_summary,
        "targets": {
            "throughput_ratio_min": RATIO_MIN, "peak_rss_mb_max": RSS_MAX_MB, "rss_growth_max": RSS_GROWTH_MAX,
            "link_large_max_s": LINK_MAX_S, "link_growth": f"<= n log n x {NLOGN_SLACK}",
        },
        "checks": checks,
        "meets_targets": all(checks.values()),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "corpus.json").write_text(json.dumps(summary, indent=2) + "\n")
    print(
        f"analyze : {analyze['docs_per_cpu_s']:.1f} articles per CPU second ({max(analyze['rounds_docs_per_s']):.1f}/s wall)\n"
        f"ingest  : {ingest['docs_per_cpu_s']:.1f} articles per CPU second ({max(ingest['rounds_docs_per_s']):.1f}/s wall)"
        f"  ratio {ratio:.2f} (target >= {RATIO_MIN}; wall {wall_ratio:.2f})\n"
        f"memory  : peak RSS {ingest['peak_rss_mb']:.0f} MB ({n_docs} articles), "
        f"{ingest_big['peak_rss_mb']:.0f} MB ({n_big}); growth {growth:.2f} (target <= {RSS_GROWTH_MAX})"
    )
    if "note" in link_summary:
        print(f"linking : skipped ({link_summary['note']})")
    elif link_large.get("timed_out"):
        print(f"linking : {large} claims did not finish in {LINK_MAX_S} s")
    else:
        print(
            f"linking : {link_small['claims']} claims {link_small['seconds']:.1f} s, "
            f"{link_large['claims']} claims {link_large['seconds']:.1f} s "
            f"(CPU x{link_summary['time_ratio']:.1f}; n log n allows x{link_summary['nlogn_ratio']:.1f}), "
            f"peak RSS {link_large['peak_rss_mb']:.0f} MB"
        )
    print(f"targets : {'met' if summary['meets_targets'] else 'NOT met'} -> bench/results/corpus.json")


if __name__ == "__main__":
    main()
