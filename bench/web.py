"""`make bench`, workbench part: API latency and first-view time over a synthetic corpus store.

Builds a store of N synthetic analyses (no spaCy: `gossamer.corpus.synthetic.template_analyses`),
links it, then times each list/aggregate endpoint in-process (Starlette TestClient), median of
several calls, and the time until the first view (the map) is usable in headless Chromium,
from navigation to the page marking the view ready with its data loaded. Targets (issue
"Workbench"): every API call under 300 ms at the median and the first view under 2 s on
10,000 articles. Writes bench/results/web.json.
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
        first_view = _first_view_seconds(db, args.calls)
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
        "first_view_s": first_view,
        "first_view_target_s": 2.0,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "web.json").write_text(json.dumps(result, indent=2) + "\n")
    for path, ms in medians.items():
        print(f"{path:24s} {ms:7.1f} ms{'  (over 300 ms)' if ms >= 300 else ''}")
    print(f"first view (map)         {first_view if isinstance(first_view, str) else f'{first_view:.2f} s'}")


def _first_view_seconds(db: Path, runs: int) -> float | str:
    """Median seconds from navigation to the map view ready with data, in headless Chromium."""
    import socket
    import threading

    chromium = Path("/usr/bin/chromium")
    static = Path(__file__).resolve().parent.parent / "gossamer" / "web" / "static" / "index.html"
    if not chromium.exists() or not static.exists():
        return "not measured: needs /usr/bin/chromium and the built page (make)"
    try:
        import uvicorn
        from playwright.sync_api import sync_playwright
    except ImportError as err:
        return f"not measured: {err}"
    from gossamer.web.app import Workbench, build_app

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(build_app(Workbench(db)), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
    times = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(chromium), args=args, headless=True)
            for _ in range(max(3, runs // 2)):
                page = browser.new_page()
                t = time.perf_counter()
                page.goto(f"http://127.0.0.1:{port}/#map")
                page.wait_for_selector("body[data-ready=map]")
                page.wait_for_function("() => !document.getElementById('status').textContent.startsWith('loading')")
                times.append(time.perf_counter() - t)
                page.close()
            browser.close()
    finally:
        server.should_exit = True
        thread.join(timeout=10)
    return statistics.median(times)


if __name__ == "__main__":
    main()
