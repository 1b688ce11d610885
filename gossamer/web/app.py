"""The workbench's ASGI app (Starlette): JSON API, OpenAPI document and the built front end.

Security stance, since the page shows text written by strangers:
- every response carries a strict Content-Security-Policy (scripts, styles, images and
  fetches from this origin only, no inline script), nosniff and no framing;
- request bodies are capped (413) before they are read whole;
- the static route serves only files found under the static folder at start-up, looked up
  by name in a dict, so no path (`..`, encoded or not) can reach anything else;
- the store is opened read-only unless ingest is allowed; writes on a non-loopback address
  need the token printed at start.
One connection serves every request under a lock: SQLite answers a page in milliseconds, and
the query module keeps per-query temp tables on the connection.
"""

from __future__ import annotations

import hmac
import ipaddress
import json
import secrets
import threading
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from . import api
from .openapi import openapi_document

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; font-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
]
MAX_BODY = 2_000_000  # POST /api/ingest: a few articles pasted or dropped
MAX_GET_BODY = 0
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
    ".json": "application/json", ".svg": "image/svg+xml", ".png": "image/png", ".map": "application/json",
    ".ico": "image/x-icon", ".txt": "text/plain; charset=utf-8",
}  # fmt: skip
EXPORT_TYPES = {
    "csv": "text/csv; charset=utf-8", "geojson": "application/geo+json", "jsonl": "application/x-ndjson",
    "json": "application/json", "gexf": "application/xml; charset=utf-8",
}  # fmt: skip


def static_dir() -> Path:
    return Path(str(resources.files("gossamer.web") / "static"))


def is_loopback(host: str) -> bool:
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})


def _host_name(value: str) -> str:
    """'127.0.0.1:8765' -> '127.0.0.1', '[::1]:80' -> '::1'."""
    value = value.strip().lower()
    if value.startswith("["):
        return value[1 : value.find("]")] if "]" in value else value
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


class Guard:
    """Security headers on every response; 413 for a body over the limit, counted as it streams.

    On a loopback binding the Host header must name the loopback (a DNS-rebinding page
    cannot then talk to the server), and a write whose Origin is another site is refused
    (a cross-site form post would otherwise reach /api/ingest without a preflight).
    """

    def __init__(self, app: ASGIApp, max_body: int, allowed_hosts: frozenset[str] | None = None) -> None:
        self.app = app
        self.max_body = max_body
        self.allowed_hosts = allowed_hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                names = {k.lower() for k, _ in message["headers"]}
                message["headers"] = list(message["headers"]) + [
                    h for h in SECURITY_HEADERS if h[0] not in names
                ]
            await send(message)

        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope.get("headers", [])}
        host = headers.get("host", "")
        if self.allowed_hosts is not None and _host_name(host) not in self.allowed_hosts:
            await _error(421, "unexpected Host header: open the workbench at http://127.0.0.1")(
                scope, receive, send_with_headers
            )
            return
        origin = headers.get("origin")
        cross_site = origin is not None and (
            origin == "null" or origin.split("://", 1)[-1].lower() != host.lower()
        )
        if scope["method"] not in ("GET", "HEAD") and cross_site:
            await _error(403, "cross-origin writes are refused")(scope, receive, send_with_headers)
            return
        limit = self.max_body if scope["method"] in ("POST", "PUT", "PATCH") else MAX_GET_BODY
        for key, value in scope.get("headers", []):
            if key == b"content-length":
                try:
                    too_big = int(value) > limit
                except ValueError:
                    too_big = True
                if too_big:
                    await _error(413, f"request body over {limit} bytes")(scope, receive, send_with_headers)
                    return
        seen = 0

        async def counted_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise _TooLarge()
            return message

        try:
            await self.app(scope, counted_receive, send_with_headers)
        except _TooLarge:
            await _error(413, f"request body over {limit} bytes")(scope, receive, send_with_headers)


class _TooLarge(Exception):
    pass


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message, "status": status}, status_code=status)


class Workbench:
    """State shared by the handlers: the store, its lock, the ingest switch and the write token."""

    def __init__(
        self,
        db: str | Path,
        *,
        allow_ingest: bool = False,
        host: str = "127.0.0.1",
        token: str | None = None,
        pipeline_factory: Callable[[], Any] | None = None,
        static: Path | None = None,
        max_body: int = MAX_BODY,
        allowed_hosts: frozenset[str] | None = None,
    ) -> None:
        from ..corpus.store import Store

        self.store = Store(db, readonly=not allow_ingest)
        self.allow_ingest = allow_ingest
        self.token_required = not is_loopback(host)
        self.token = token or (secrets.token_urlsafe(24) if self.token_required else None)
        self.lock = threading.Lock()
        self.pipeline_factory = pipeline_factory
        self._pipeline: Any = None
        self.static = static or static_dir()
        self.max_body = max_body
        # loopback: only loopback Host names (DNS rebinding); elsewhere the token guards writes
        self.allowed_hosts = (
            allowed_hosts if allowed_hosts is not None else (None if self.token_required else LOOPBACK_NAMES)
        )
        self.files = self._scan_static()

    def _scan_static(self) -> dict[str, Path]:
        """Every regular file under the static folder by its relative posix name (no symlinks)."""
        root = self.static
        if not root.is_dir():
            return {}
        found = {}
        for path in root.rglob("*"):
            if path.is_file() and not path.is_symlink():
                found[path.relative_to(root).as_posix()] = path
        return found

    def pipeline(self) -> Any:
        if self._pipeline is None:
            if self.pipeline_factory is not None:
                self._pipeline = self.pipeline_factory()
            else:
                from ..pipeline import Pipeline

                self._pipeline = Pipeline()
        return self._pipeline

    def run(self, fn: Callable[..., Any], *args: Any) -> Any:
        with self.lock:
            return fn(self.store.conn, *args)


def _params(request: Request) -> dict[str, str]:
    return dict(request.query_params)


def build_app(bench: Workbench) -> ASGIApp:
    async def call(fn: Callable[..., Any], *args: Any) -> Response:
        try:
            return JSONResponse(await run_in_threadpool(bench.run, fn, *args))
        except api.ApiError as err:
            return _error(err.status, str(err))

    async def health(request: Request) -> Response:
        try:
            data = await run_in_threadpool(bench.run, api.health)
        except api.ApiError as err:
            return _error(err.status, str(err))
        data.update(
            allow_ingest=bench.allow_ingest, token_required=bench.token_required and bench.allow_ingest
        )
        return JSONResponse(data)

    async def listing(request: Request) -> Response:
        return await call(api.listing, request.path_params["kind"], _params(request))

    async def search(request: Request) -> Response:
        params = _params(request)
        params["text"] = params.pop("q", "") or params.get("text", "")
        if not params["text"].strip():
            return _error(422, "search wants q=TEXT")
        return await call(api.listing, "documents", params)

    async def document(request: Request) -> Response:
        return await call(api.document, request.path_params["doc_id"])

    async def claim(request: Request) -> Response:
        return await call(api.claim, request.path_params["doc_id"], request.path_params["claim_id"])

    async def timeline(request: Request) -> Response:
        return await call(api.timeline, _params(request))

    async def map_(request: Request) -> Response:
        return await call(api.map_features, _params(request))

    async def web(request: Request) -> Response:
        return await call(api.web, _params(request))

    async def export(request: Request) -> Response:
        kind, fmt = request.path_params["kind"], request.path_params["fmt"]
        params = _params(request)
        try:
            if kind == "web":
                if fmt not in ("gexf", "json"):
                    raise api.ApiError("the web exports as gexf or json", 422)
                data = await run_in_threadpool(bench.run, api.web, params)
                body = api.web_gexf(data) if fmt == "gexf" else json.dumps(data, ensure_ascii=False)
            else:
                if fmt not in ("csv", "geojson", "jsonl", "json"):
                    raise api.ApiError("lists export as csv, geojson, jsonl or json", 422)
                params.setdefault("limit", str(api.EXPORT_MAX))
                result = await run_in_threadpool(bench.run, api.listing, kind, params, api.EXPORT_MAX)
                body = api.export_listing(result, fmt)
        except api.ApiError as err:
            return _error(err.status, str(err))
        headers = {"content-disposition": f'attachment; filename="gossamer-{kind}.{fmt}"'}
        return Response(body, media_type=EXPORT_TYPES[fmt], headers=headers)

    async def ingest(request: Request) -> Response:
        if not bench.allow_ingest:
            return _error(403, "this server is read-only (start it with --allow-ingest)")
        if bench.token_required:
            given = request.headers.get("x-gossamer-token", "")
            auth = request.headers.get("authorization", "")
            if auth.lower().startswith("bearer "):
                given = auth[7:].strip()
            if not bench.token or not hmac.compare_digest(given.encode(), bench.token.encode()):
                return _error(401, "writes on a non-loopback address need the token printed at start")
        raw = await request.body()  # the Guard raises _TooLarge past the limit
        try:
            inputs = _ingest_inputs(raw, request.headers.get("content-type", ""))
        except api.ApiError as err:
            return _error(err.status, str(err))
        return JSONResponse(await run_in_threadpool(_ingest, bench, inputs))

    async def openapi(request: Request) -> Response:
        return JSONResponse(openapi_document())

    async def index(request: Request) -> Response:
        return _static_file(bench, "index.html")

    async def static(request: Request) -> Response:
        return _static_file(bench, request.path_params["path"])

    async def not_found(request: Request, exc: Exception) -> Response:
        return _error(404, "not found")

    routes = [
        Route("/", index),
        Route("/openapi.json", openapi),
        Route("/api/health", health),
        Route("/api/search", search),
        Route("/api/timeline", timeline),
        Route("/api/map", map_),
        Route("/api/web", web),
        Route("/api/documents/{doc_id}", document),
        Route("/api/claims/{doc_id}/{claim_id}", claim),
        Route("/api/export/{kind}.{fmt}", export),
        Route("/api/ingest", ingest, methods=["POST"]),
        Route("/api/{kind}", listing),
        Route("/static/{path:path}", static),
    ]
    app = Starlette(routes=routes, exception_handlers={404: not_found})
    app.state.workbench = bench
    return Guard(app, bench.max_body, bench.allowed_hosts)


def _static_file(bench: Workbench, name: str) -> Response:
    path = bench.files.get(name)
    if path is None:
        if not bench.files:
            return PlainTextResponse("the front end is not built: run make (npm run build in gossamer/web/frontend)",
                                     status_code=404)  # fmt: skip
        return _error(404, "not found")
    media = CONTENT_TYPES.get(path.suffix, "application/octet-stream")
    return Response(path.read_bytes(), media_type=media, headers={"cache-control": "no-cache"})


def _ingest_inputs(raw: bytes, content_type: str) -> list[tuple[str, str, dict[str, Any]]]:
    """(source, text, metadata) per article: JSON {text,...} or {files:[{name,text}]}, or a plain body."""
    if content_type.startswith("application/json"):
        try:
            data = json.loads(raw)
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise api.ApiError("the body is not valid JSON", 400) from None
        if not isinstance(data, dict):
            raise api.ApiError("the body must be a JSON object", 422)
        items = data.get("files") if "files" in data else [data]
        if not isinstance(items, list) or not items or len(items) > 50:
            raise api.ApiError("files must be a list of 1 to 50 {name, text} objects", 422)
        out = []
        for i, item in enumerate(items):
            if (
                not isinstance(item, dict)
                or not isinstance(item.get("text"), str)
                or not item["text"].strip()
            ):
                raise api.ApiError(f"item {i} has no text", 422)
            meta = {
                k: item[k] for k in ("title", "published", "outlet", "url") if isinstance(item.get(k), str)
            }
            name = str(item.get("name") or "pasted")[:200]
            out.append((f"web:{name}", item["text"], meta))
        return out
    if content_type.startswith("text/"):
        text = raw.decode("utf-8", errors="replace")
        if not text.strip():
            raise api.ApiError("the body is empty", 422)
        return [("web:pasted", text, {})]
    raise api.ApiError("send application/json or text/plain", 415)


def _ingest(bench: Workbench, inputs: list[tuple[str, str, dict[str, Any]]]) -> dict[str, Any]:
    """Read, analyse and store through the same code as `gossamer ingest`, then relink."""
    from ..corpus.ingest import IngestStats, ingest_documents, link_store
    from ..ingest import IngestError, read_text_input

    kinds = {
        ".html": "html",
        ".htm": "html",
        ".md": "markdown",
        ".json": "json",
        ".jsonl": "jsonl",
        ".txt": "text",
    }
    stats = IngestStats()
    docs, ids = [], []
    for source, text, meta in inputs:
        suffix = Path(source).suffix.lower()
        for item in read_text_input(text, source=source, kind=kinds.get(suffix), max_bytes=bench.max_body):
            if isinstance(item, IngestError):
                stats.failed.append(str(item))
                continue
            for key, value in meta.items():
                if not getattr(item, key, None):
                    setattr(item, key, value)
            docs.append(item)
            ids.append(item.id)
    with bench.lock:
        ingest_documents(bench.store, docs, bench.pipeline(), stats=stats)
        linked = link_store(bench.store)
    return {"added": stats.added, "skipped": stats.skipped, "failed": stats.failed, "documents": ids,
            "linked": linked.ran}  # fmt: skip


def create_app(db: str | Path, **kwargs: Any) -> ASGIApp:
    return build_app(Workbench(db, **kwargs))


def serve(
    db: str | Path, *, host: str, port: int, allow_ingest: bool, say: Callable[[str], None] = print
) -> None:
    """Run the workbench under uvicorn until interrupted; prints the address (and token)."""
    import uvicorn

    bench = Workbench(db, allow_ingest=allow_ingest, host=host)
    if not bench.files:
        say("gossamer: note: the front end is not built (run make); the API still answers")
    shown = f"[{host}]" if ":" in host else host
    say(
        f"gossamer: workbench on http://{shown}:{port}/ over {db} ({'ingest allowed' if allow_ingest else 'read-only'})"
    )
    if bench.token_required and allow_ingest:
        say(f"gossamer: writes need the header 'Authorization: Bearer {bench.token}'")
    uvicorn.run(build_app(bench), host=host, port=port, log_level="warning", access_log=False)
