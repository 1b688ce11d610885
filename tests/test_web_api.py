"""The workbench API over a small store: every endpoint, filters, paging, errors, security."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest

warnings.filterwarnings("ignore", message=".*httpx.*", category=DeprecationWarning)
pytest.importorskip("starlette")

from starlette.testclient import TestClient

from gossamer.corpus.ingest import ingest_analyses, link_store
from gossamer.corpus.store import Store
from gossamer.corpus.synthetic_corpus import synthetic_analyses
from gossamer.pipeline import Pipeline
from gossamer.web.app import CSP, Workbench, build_app, is_loopback

LOCAL = "http://127.0.0.1:8765"
XSS_TITLE = "<img src=x onerror=alert(2)> Statement"
XSS_TEXT = (
    "Iraqi officials in Baghdad said on Monday that a statement carried the string "
    "<script>alert(1)</script> in its text.\n\n"
    "A second paragraph held <img src=x onerror=alert(1)> and a link "
    '<a href="javascript:alert(1)">click here</a> posted by the ministry.'
)
ARTICLES = [
    ("Convoy attacked near Mosul", "2026-03-02",
     "Gunmen attacked a fuel convoy near Mosul on Sunday, killing three drivers, Iraqi police said."),
    ("Talks in Muscat", "2026-03-05",
     "Iranian and Omani diplomats met in Muscat on Wednesday to discuss shipping in the Gulf."),
    ("Protest in Basra", "2026-03-09",
     "Hundreds of people protested in Basra on Saturday over power cuts, local officials said."),
]  # fmt: skip


def build_store(path: Path, nlp) -> Path:  # type: ignore[no-untyped-def]
    pipe = Pipeline(nlp=nlp)
    with Store(path) as store:
        for title, published, text in ARTICLES:
            store.add_analysis(pipe.analyze(text, title=title, published=published, language="en"))
        store.add_analysis(pipe.analyze(XSS_TEXT, title=XSS_TITLE, published="2026-03-10", language="en"))
        ingest_analyses(store, synthetic_analyses(40))  # claims with links, events, an actor web
        link_store(store)
    return path


@pytest.fixture(scope="module")
def db(tmp_path_factory, nlp) -> Path:  # type: ignore[no-untyped-def]
    return build_store(tmp_path_factory.mktemp("web") / "corpus.db", nlp)


@pytest.fixture(scope="module")
def client(db: Path) -> TestClient:
    return TestClient(base_url=LOCAL, app=build_app(Workbench(db)))


def xss_doc_id(client: TestClient) -> str:
    items = client.get("/api/search", params={"q": "onerror"}).json()["items"]
    assert len(items) == 1
    return items[0]["id"]


# ---------------------------------------------------------------------------------- endpoints


def test_health_and_openapi(client: TestClient) -> None:
    h = client.get("/api/health").json()
    assert h["documents"] == 4 + 40 or h["documents"] >= 4
    assert h["allow_ingest"] is False
    spec = client.get("/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    for path in ("/api/events", "/api/claims", "/api/timeline", "/api/map", "/api/web", "/api/ingest"):
        assert path in spec["paths"]


@pytest.mark.parametrize("kind", ["documents", "events", "claims", "actors", "places"])
def test_listing_pages(client: TestClient, kind: str) -> None:
    first = client.get(f"/api/{kind}", params={"limit": 2}).json()
    assert first["kind"] == kind and first["limit"] == 2
    assert first["total"] > 2 and len(first["items"]) == 2
    second = client.get(f"/api/{kind}", params={"limit": 2, "offset": 2}).json()
    assert second["items"] and second["items"] != first["items"]


def test_pagination_is_capped(client: TestClient) -> None:
    r = client.get("/api/claims", params={"limit": 1_000_000}).json()
    assert r["limit"] == 500


def test_filters_narrow(client: TestClient) -> None:
    all_events = client.get("/api/events", params={"limit": 500}).json()
    cats = {e["category"] for e in all_events["items"]}
    cat = min(cats)
    some = client.get("/api/events", params={"category": cat.lower(), "limit": 500}).json()
    assert 0 < some["total"] < all_events["total"]
    assert {e["category"] for e in some["items"]} == {cat}
    dated = client.get("/api/documents", params={"since": "2026-03-04", "until": "2026-03-09"}).json()
    assert {d["published"] for d in dated["items"]} <= {"2026-03-05", "2026-03-09"} and dated["total"] == 2
    grade = client.get("/api/claims", params={"limit": 1}).json()["items"][0]["grade"]
    graded = client.get("/api/claims", params={"grade": grade, "limit": 500}).json()
    assert graded["total"] >= 1 and all(c["grade"] == grade for c in graded["items"])


def test_search(client: TestClient) -> None:
    r = client.get("/api/search", params={"q": "Muscat"}).json()
    assert r["total"] >= 1 and any(d["title"] == "Talks in Muscat" for d in r["items"])
    assert "[Muscat]" in r["items"][0]["snippet"]
    assert client.get("/api/search").status_code == 422


def test_document_analysis_and_claim_links(client: TestClient) -> None:
    linked = [c for c in client.get("/api/claims", params={"limit": 500}).json()["items"] if c["links"]]
    assert linked, "the synthetic corpus links claims"
    c = linked[0]
    one = client.get(f"/api/claims/{c['doc_id']}/{c['id']}").json()
    assert one["text"] == c["text"] and len(one["links"]) == c["links"]
    assert {l["relation"] for l in one["links"]} <= {
        "corroborates",
        "contradicts",
        "same_event",
        "repeats",
    } | {l["relation"] for l in one["links"]}
    assert all(l["text"] for l in one["links"])
    # a reason for people: the negating claim is "this claim" or "the other claim", not an id
    assert all(l["reason"] and not l["reason"].startswith("doc_") for l in one["links"])
    doc = client.get(f"/api/documents/{c['doc_id']}").json()
    assert doc["document"]["id"] == c["doc_id"]
    mine = next(x for x in doc["claims"] if x["id"] == c["id"])
    assert len(mine["links"]) == c["links"]
    assert client.get("/api/documents/nope").status_code == 404
    assert client.get(f"/api/claims/{c['doc_id']}/c9999").status_code == 404


def test_timeline_aggregates_per_day(client: TestClient) -> None:
    t = client.get("/api/timeline").json()
    total = client.get("/api/events", params={"limit": 0}).json()["total"]
    assert sum(d["total"] for d in t["days"]) <= total and t["days"]
    assert [d["day"] for d in t["days"]] == sorted(d["day"] for d in t["days"])
    for d in t["days"]:
        assert d["total"] == sum(d["categories"].values())
    cat = t["categories"][0]
    only = client.get("/api/timeline", params={"category": cat}).json()
    assert only["categories"] == [cat]


def test_map_is_geojson(client: TestClient) -> None:
    m = client.get("/api/map").json()
    assert m["type"] == "FeatureCollection" and m["features"]
    for f in m["features"]:
        lon, lat = f["geometry"]["coordinates"]
        assert -180 <= lon <= 180 and -90 <= lat <= 90 and f["properties"]["count"] >= 1
    coarse = client.get("/api/map", params={"cell": 40}).json()
    assert len(coarse["features"]) <= len(m["features"])
    assert client.get("/api/map", params={"cell": "0"}).status_code == 422


def test_web_and_exports(client: TestClient) -> None:
    w = client.get("/api/web").json()
    assert w["edges"], "the synthetic corpus has an actor web"
    ids = {n["id"] for n in w["nodes"]}
    assert all(e["source"] in ids and e["target"] in ids and e["type"] for e in w["edges"])
    gexf = client.get("/api/export/web.gexf")
    assert gexf.status_code == 200 and "<gexf" in gexf.text
    grade = client.get("/api/claims", params={"limit": 1}).json()["items"][0]["grade"]
    csv = client.get("/api/export/claims.csv", params={"grade": grade})
    assert csv.headers["content-type"].startswith("text/csv") and csv.text.startswith("doc_id,")
    rows = csv.text.strip().splitlines()
    assert 1 < len(rows) and len(rows) - 1 <= client.get("/api/claims", params={"limit": 0}).json()["total"]
    geo = client.get("/api/export/events.geojson").json()
    assert geo["type"] == "FeatureCollection"
    assert client.get("/api/export/claims.exe").status_code == 422


# ---------------------------------------------------------------------------------- bad requests


@pytest.mark.parametrize(
    "url",
    ["/api/events?since=yesterday", "/api/claims?grade=Z9", "/api/places?near=abc", "/api/documents?limit=x",
     "/api/documents?offset=-1", "/api/places?near=1,2&km=wide"],
)  # fmt: skip
def test_malformed_filters_422(client: TestClient, url: str) -> None:
    r = client.get(url)
    assert r.status_code == 422 and r.json()["error"]


def test_bad_fts_400(client: TestClient) -> None:
    r = client.get("/api/search", params={"q": '"unterminated'})
    assert r.status_code == 400 and "FTS5" in r.json()["error"]


def test_unknown_kind_404(client: TestClient) -> None:
    assert client.get("/api/weapons").status_code == 404


def test_read_only_by_default(client: TestClient) -> None:
    r = client.post("/api/ingest", json={"text": "Troops moved into Mosul on Monday."})
    assert r.status_code == 403


def test_oversized_body_413(client: TestClient) -> None:
    r = client.post("/api/ingest", content=b"x" * 2_100_000, headers={"content-type": "text/plain"})
    assert r.status_code == 413


def test_get_with_body_413(client: TestClient) -> None:
    assert client.request("GET", "/api/documents", content=b"abc").status_code == 413


# ---------------------------------------------------------------------------------- security


def test_security_headers_everywhere(client: TestClient) -> None:
    for url in ("/api/health", "/openapi.json", "/api/nothing/here", "/"):
        r = client.get(url)
        csp = r.headers["content-security-policy"]
        assert csp == CSP and "default-src 'self'" in csp and "unsafe-inline" not in csp
        assert "http" not in csp  # no external host
        assert r.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize(
    "path",
    ["/static/../../etc/passwd", "/static/..%2f..%2fetc%2fpasswd", "/static/%2e%2e/%2e%2e/etc/passwd",
     "/static/%252e%252e/etc/passwd", "/static/..\\..\\etc\\passwd", "/static//etc/passwd",
     "/static/../app.py", "/static/%2e%2e/app.py"],
)  # fmt: skip
def test_no_path_traversal(client: TestClient, path: str) -> None:
    r = client.get(path)
    assert r.status_code == 404
    assert "root:" not in r.text and "Starlette" not in r.text


def test_static_serves_only_its_files(tmp_path: Path, db: Path) -> None:
    static = tmp_path / "static"
    static.mkdir()
    (static / "index.html").write_text("<!doctype html><title>t</title>", encoding="utf-8")
    (static / "app.js").write_text("export {};", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("secret", encoding="utf-8")
    c = TestClient(base_url=LOCAL, app=build_app(Workbench(db, static=static)))
    assert c.get("/").text.startswith("<!doctype html>")
    js = c.get("/static/app.js")
    assert js.status_code == 200 and js.headers["content-type"].startswith("text/javascript")
    for path in ("/static/../secret.txt", "/static/%2e%2e/secret.txt", "/static/..%2fsecret.txt"):
        assert c.get(path).status_code == 404


def test_xss_article_is_data(client: TestClient) -> None:
    doc_id = xss_doc_id(client)
    r = client.get(f"/api/documents/{doc_id}")
    assert r.headers["content-type"].startswith("application/json")
    data = r.json()
    assert "<script>alert(1)</script>" in data["document"]["text"]
    assert "javascript:alert(1)" in data["document"]["text"]
    assert data["document"]["title"] == XSS_TITLE
    listing = client.get("/api/documents", params={"limit": 500})
    assert listing.headers["content-type"].startswith("application/json")
    assert any(d["title"] == XSS_TITLE for d in listing.json()["items"])
    # the CSV export is a download, never rendered inline
    csv = client.get("/api/export/documents.csv", params={"text": "onerror"})
    assert csv.headers["content-disposition"].startswith("attachment")


def test_is_loopback() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.4")


# ---------------------------------------------------------------------------------- ingest


@pytest.fixture(scope="module")
def writable(tmp_path_factory, db: Path, nlp):  # type: ignore[no-untyped-def]
    path = tmp_path_factory.mktemp("web-rw") / "rw.db"
    path.write_bytes(db.read_bytes())
    return path


def test_ingest_when_allowed(writable: Path, nlp) -> None:  # type: ignore[no-untyped-def]
    c = TestClient(
        base_url=LOCAL,
        app=build_app(Workbench(writable, allow_ingest=True, pipeline_factory=lambda: Pipeline(nlp=nlp))),
    )
    before = c.get("/api/health").json()["documents"]
    r = c.post("/api/ingest", json={"text": "Turkish drones struck a village near Dohuk on Tuesday.",
                                    "title": "Strike near Dohuk", "published": "2026-03-11"})  # fmt: skip
    assert r.status_code == 200, r.text
    assert r.json()["added"] == 1
    assert c.get("/api/health").json()["documents"] == before + 1
    again = c.post("/api/ingest", content=b"Turkish drones struck a village near Dohuk on Tuesday.",
                   headers={"content-type": "text/plain"})  # fmt: skip
    assert again.json()["skipped"] == 1
    files = c.post(
        "/api/ingest", json={"files": [{"name": "a.md", "text": "# Title\n\nKurdish forces met in Erbil."}]}
    )
    assert files.json()["added"] == 1
    assert (
        c.post("/api/ingest", content=b"{not json", headers={"content-type": "application/json"}).status_code
        == 400
    )
    assert c.post("/api/ingest", json={"files": []}).status_code == 422
    assert c.post("/api/ingest", json=[1, 2]).status_code == 422
    assert c.post("/api/ingest", content=b"x", headers={"content-type": "image/png"}).status_code == 415


def test_token_required_off_loopback(writable: Path, nlp) -> None:  # type: ignore[no-untyped-def]
    bench = Workbench(writable, allow_ingest=True, host="0.0.0.0", pipeline_factory=lambda: Pipeline(nlp=nlp))
    assert bench.token_required and bench.token and len(bench.token) >= 24
    c = TestClient(base_url=LOCAL, app=build_app(bench))
    body = {"text": "Militia fighters withdrew from Sinjar on Thursday."}
    assert c.post("/api/ingest", json=body).status_code == 401
    assert c.post("/api/ingest", json=body, headers={"authorization": "Bearer wrong"}).status_code == 401
    ok = c.post("/api/ingest", json=body, headers={"authorization": f"Bearer {bench.token}"})
    assert ok.status_code == 200 and ok.json()["added"] == 1
    assert c.get("/api/health").json()["token_required"] is True
    # reads stay open
    assert c.get("/api/documents").status_code == 200


def test_loopback_needs_no_token(db: Path) -> None:
    assert Workbench(db).token is None


def test_openapi_is_json_serialisable() -> None:
    from gossamer.web.openapi import openapi_document

    json.dumps(openapi_document())


def test_dns_rebinding_and_cross_site_writes(db: Path, writable: Path, nlp) -> None:  # type: ignore[no-untyped-def]
    c = TestClient(build_app(Workbench(db)), base_url="http://evil.example:8765")
    assert c.get("/api/health").status_code == 421
    assert (
        TestClient(build_app(Workbench(db)), base_url="http://localhost:8765").get("/api/health").status_code
        == 200
    )
    rw = TestClient(base_url=LOCAL, app=build_app(Workbench(writable, allow_ingest=True,
                                                             pipeline_factory=lambda: Pipeline(nlp=nlp))))  # fmt: skip
    r = rw.post("/api/ingest", content=b"Troops left Mosul.", headers={"content-type": "text/plain",
                                                                     "origin": "http://evil.example"})  # fmt: skip
    assert r.status_code == 403


def test_serve_command(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from gossamer.cli import app

    runner = CliRunner()
    help_text = runner.invoke(app, ["serve", "--help"]).output
    assert "--allow-ingest" in help_text and "--port" in help_text
    missing = runner.invoke(app, ["serve", "--db", str(tmp_path / "none.db")])
    assert missing.exit_code == 2
