"""The workbench in a real headless Chromium (Playwright) over a store of the demo corpus.

Skips, with the reason, when Playwright, Chromium or the built front end is missing. Every
request not to the local server is aborted, so the page is proven to need nothing outside.
GOSSAMER_SCREENSHOTS=1 saves one small PNG per view to docs/img/.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parent.parent
STATIC = ROOT / "gossamer" / "web" / "static"
CHROMIUM = os.environ.get("GOSSAMER_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
SHOTS = ROOT / "docs" / "img"

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
uvicorn = pytest.importorskip("uvicorn", reason="uvicorn is not installed")
if not Path(CHROMIUM).exists():
    pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)", allow_module_level=True)
if not (STATIC / "index.html").exists() or not (STATIC / "app.js").exists():
    pytest.skip(
        "front end not built (make, or npm run build in gossamer/web/frontend)", allow_module_level=True
    )

from gossamer.corpus.ingest import ingest_analyses, ingest_documents, link_store
from gossamer.corpus.store import Store
from gossamer.corpus.synthetic_corpus import synthetic_analyses
from gossamer.ingest import IngestError, read_inputs
from gossamer.pipeline import Pipeline
from gossamer.web.app import Workbench, build_app

XSS_TITLE = "<img src=x onerror=alert(2)> Statement"
XSS_TEXT = (
    "Iraqi officials in Baghdad said on Monday that a statement carried the string "
    "<script>alert(1)</script> in its text.\n\n"
    "A second paragraph held <img src=x onerror=alert(1)> and a link "
    '<a href="javascript:alert(1)">click here</a> posted by the ministry.'
)


@pytest.fixture(scope="module")
def server(tmp_path_factory, nlp):  # type: ignore[no-untyped-def]
    db = tmp_path_factory.mktemp("browser") / "demo.db"
    pipe = Pipeline(nlp=nlp)
    with Store(db) as store:
        docs = [d for d in read_inputs([str(ROOT / "demo" / "corpus")]) if not isinstance(d, IngestError)]
        ingest_documents(store, docs, pipe)
        store.add_analysis(pipe.analyze(XSS_TEXT, title=XSS_TITLE, published="2026-03-10", language="en"))
        ingest_analyses(store, synthetic_analyses(40))  # linked claims and an actor web
        link_store(store)
    yield from serve(Workbench(db))


def serve(bench: Workbench):  # type: ignore[no-untyped-def]
    """Run the app under uvicorn in a thread on a free loopback port; yields its base URL."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(build_app(bench), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    for _ in range(200):
        if srv.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def ingest_server(tmp_path_factory, nlp):  # type: ignore[no-untyped-def]
    db = tmp_path_factory.mktemp("browser-add") / "empty.db"
    yield from serve(Workbench(db, allow_ingest=True, pipeline_factory=lambda: Pipeline(nlp=nlp)))


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


class Watch:
    """What the page did that it must not: dialogs, outside requests, script errors."""

    def __init__(self) -> None:
        self.dialogs: list[str] = []
        self.outside: list[str] = []
        self.errors: list[str] = []


@pytest.fixture()
def page(browser):  # type: ignore[no-untyped-def]
    ctx = browser.new_context(viewport={"width": 1200, "height": 760})
    watch = Watch()

    def route(r):  # type: ignore[no-untyped-def]
        host = urlparse(r.request.url).hostname
        if host in ("127.0.0.1", "localhost"):
            r.continue_()
        else:
            watch.outside.append(r.request.url)
            r.abort()

    ctx.route("**/*", route)
    pg = ctx.new_page()
    pg.on("dialog", lambda d: (watch.dialogs.append(d.message), d.dismiss()))
    pg.on("pageerror", lambda e: watch.errors.append(str(e)))
    # a CSP violation (inline style or script, outside host) is logged as a console error
    pg.on("console", lambda m: watch.errors.append(m.text) if m.type == "error" else None)
    pg.watch = watch  # type: ignore[attr-defined]
    yield pg
    assert not watch.outside, watch.outside
    assert not watch.dialogs, watch.dialogs
    assert not watch.errors, watch.errors
    ctx.close()


def open_view(page, server: str, view: str) -> None:  # type: ignore[no-untyped-def]
    if not page.url.startswith(server):
        page.goto(f"{server}/#{view}")
    else:
        page.click(f"#tabs button[data-view={view}]")
    page.wait_for_selector(f"body[data-ready={view}]")
    page.wait_for_function("() => !document.getElementById('status').textContent.startsWith('loading')")


def shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    if os.environ.get("GOSSAMER_SCREENSHOTS") == "1":
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"workbench-{name}.png"), full_page=False)


def test_each_view_loads(page, server: str) -> None:  # type: ignore[no-untyped-def]
    open_view(page, server, "map")
    assert page.locator("#map-svg path.land").count() > 100  # the offline basemap
    assert page.locator("#map-svg circle.pt").count() > 0
    page.locator("#map-svg circle.pt").first.dispatch_event("click")
    page.wait_for_selector("#map-detail .event")
    shot(page, "map")
    open_view(page, server, "timeline")
    assert page.locator("#timeline-svg rect.bar").count() > 0
    shot(page, "timeline")
    open_view(page, server, "web")
    assert page.locator("#web-svg circle.node").count() > 1
    page.locator("#web-svg line.edge").first.dispatch_event("click")
    page.wait_for_selector("#web-detail .evidence li")
    assert page.locator("#web-detail .evidence li q").first.inner_text().strip()
    shot(page, "web")
    open_view(page, server, "reader")
    assert page.locator("#doc-text span").count() > 0
    shot(page, "reader")
    page.evaluate("() => { location.hash = 'add'; }")  # the tab itself is hidden when read-only
    page.wait_for_selector("body[data-ready=add]")
    assert "read-only" in page.locator("#view-add").inner_text()
    assert page.locator("#tab-add").is_hidden()


def test_filter_is_shared(page, server: str) -> None:  # type: ignore[no-untyped-def]
    open_view(page, server, "claims")
    before = int(page.locator("#claims-total").inner_text().split()[0])
    open_view(page, server, "timeline")
    box = page.locator("#timeline-svg").bounding_box()
    assert box is not None
    # brush the first fifth of the chart: since/until are set from the days under it
    page.mouse.move(box["x"] + box["width"] * 0.05, box["y"] + box["height"] * 0.5)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.2, box["y"] + box["height"] * 0.5, steps=4)
    page.mouse.up()
    page.wait_for_function("() => document.getElementById('f-since').value !== ''")
    since, until = page.input_value("#f-since"), page.input_value("#f-until")
    assert since <= until
    open_view(page, server, "claims")
    after = int(page.locator("#claims-total").inner_text().split()[0])
    assert after < before
    dates = page.locator("#claims-table tbody tr td:nth-child(9)").all_inner_texts()
    assert dates  # the claims follow the time filter (dated by their report)
    # a category chosen in the filter bar reaches the map
    page.click("#f-clear")
    page.wait_for_function("() => document.getElementById('f-since').value === ''")
    open_view(page, server, "map")
    options = page.locator("#f-category option").all_inner_texts()[1:]
    assert options
    page.select_option("#f-category", options[0])
    page.wait_for_function(
        "c => [...document.querySelectorAll('#map-svg circle.pt')].every(p => p.dataset.category === c)",
        arg=options[0],
    )


def test_claim_ledger_links(page, server: str) -> None:  # type: ignore[no-untyped-def]
    open_view(page, server, "claims")
    page.click("#claims-table th[data-key=links]")
    page.click("#claims-table th[data-key=links]")  # most-linked first
    first = page.locator("#claims-table tbody tr").first
    first.click()
    page.wait_for_selector("#claim-detail .claim-text")
    assert page.locator("#claim-detail .linked").count() > 0
    rel = page.locator("#claim-detail .linked").first.get_attribute("data-relation")
    assert rel
    shot(page, "claims")


def test_search(page, server: str) -> None:  # type: ignore[no-untyped-def]
    open_view(page, server, "search")
    page.fill("#search-box", "convoy")
    page.press("#search-box", "Enter")
    page.wait_for_selector("#search-total")
    assert int(page.locator("#search-total").inner_text().split()[0]) >= 1
    assert page.locator("#search-results mark").count() >= 1
    shot(page, "search")
    page.locator("#search-results .hit a").first.click()
    page.wait_for_selector("body[data-ready=reader]")
    page.wait_for_selector("#doc-title")


def test_xss_article_is_inert(page, server: str) -> None:  # type: ignore[no-untyped-def]
    open_view(page, server, "search")
    page.fill("#search-box", "onerror")
    page.press("#search-box", "Enter")
    page.wait_for_selector("#search-results .hit a")
    assert page.locator("#search-results .hit a").first.inner_text() == XSS_TITLE
    page.locator("#search-results .hit a").first.click()
    page.wait_for_function("t => document.getElementById('doc-title')?.textContent === t", arg=XSS_TITLE)
    text = page.locator("#doc-text").inner_text()
    assert "<script>alert(1)</script>" in text and "<img src=x onerror=alert(1)>" in text
    assert 'href="javascript:alert(1)"' in text
    assert page.locator("script").count() == 1  # only the app's own bundle
    assert page.locator("main img, main a[href^='javascript']").count() == 0
    page.wait_for_timeout(300)  # give any injected handler the chance to fire (the fixture checks dialogs)


def test_add_when_allowed(page, ingest_server: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{ingest_server}/#add")
    page.wait_for_selector("body[data-ready=add]")
    assert page.locator("#tab-add").is_visible()
    page.fill(
        "#add-text",
        "Kurdish forces and Iraqi troops met in Kirkuk on Tuesday to discuss the <b>checkpoints</b>.",
    )
    page.fill("#add-title", "Talks in Kirkuk")
    page.fill("#add-published", "2026-03-17")
    page.click("#add-send")
    page.wait_for_function("() => document.getElementById('add-result').textContent.startsWith('added 1')")
    shot(page, "add")
    open_view(page, ingest_server, "search")
    page.fill("#search-box", "Kirkuk")
    page.press("#search-box", "Enter")
    page.wait_for_selector("#search-results .hit a")
    assert page.locator("#search-results .hit a").first.inner_text() == "Talks in Kirkuk"
