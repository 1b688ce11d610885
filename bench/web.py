"""`make bench`, workbench part: API latency over a synthetic corpus store.

Builds a store of N synthetic analyses (no spaCy: `gossamer.corpus.synthetic.template_analyses`),
links it, then times each list/aggregate endpoint in-process (Starlette TestClient), median of
several calls. Target (issue "Workbench"): every API call under 300 ms at the median on 10,000
articles. Writes bench/results/web.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
import warnings
from datetime import datetime, timezone
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
ENDPOINTS = (
    "/api/documents", "/api/events", "/api/claims", "/api/places", "/api/actors",
    "/api/timeline", "/api/map", "/api/web", "/api/search?q=border",
)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--calls", type=int, default=7)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

    from gossamer.corpus.ingest import link_store
    from gossamer.corpus.store import Store
    from gossamer.corpus.synthetic import template_analyses
    from gossamer.web.app import create_app

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        t0 = time.perf_counter()
        store = Store(db)
        for analysis in template_analyses(args.docs, seed=1):
            store.add_analysis(analysis)
        build_s = time.perf_counter() - t0
        link_store(store, force=True)
        store.close()
        client = TestClient(create_app(db), base_url="http://127.0.0.1")
        medians = {}
        for path in ENDPOINTS:
            client.get(path)  # warm the page cache and SQLite's statement cache
            times = []
            for _ in range(args.calls):
                t = time.perf_counter()
                response = client.get(path)
                times.append(time.perf_counter() - t)
                if response.status_code != 200:
                    raise SystemExit(f"bench web: {path} answered {response.status_code}")
            medians[path] = statistics.median(times) * 1000
    slow = {p: ms for p, ms in medians.items() if ms >= 300}
    result = {
        "bench": "web",
        "when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "command": "python bench/web.py",
        "docs": args.docs,
        "store_build_s": build_s,
        "median_ms": medians,
        "target_ms": 300,
        "over_target": slow,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "web.json").write_text(json.dumps(result, indent=2) + "\n")
    for path, ms in medians.items():
        print(f"{path:24s} {ms:7.1f} ms{'  (over 300 ms)' if ms >= 300 else ''}")


if __name__ == "__main__":
    main()
