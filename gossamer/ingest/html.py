"""Saved web pages: the article's main text and its metadata, offline.

trafilatura separates the article from navigation, footers and comment threads. It
declines pages too small or too broken to judge; for those a plain tag-strip of the body
still recovers a short statement or a stub, because a bare page is still an article.
Paragraphs are joined with a blank line, as in the plain-text corpus, so that sentence
and paragraph boundaries look the same whatever format a story arrived in.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

from ..model import Document
from .errors import IngestError
from .fields import make_document, normalise_published

NO_TEXT = "no article text found in HTML"

_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{1,40})""", re.IGNORECASE)
_HEAD_END = re.compile(r"</head\s*>|<body[\s>]", re.IGNORECASE)
_SPACE = re.compile(r"\s+")

# Tags whose content is never article text.
_SKIP = frozenset({"script", "style", "noscript", "template", "svg", "title", "iframe",
                   "object", "canvas", "select", "button", "math"})  # fmt: skip
# Tags that end a paragraph when stripping tags by hand.
_BLOCK = frozenset({"p", "div", "br", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5",
                    "h6", "tr", "table", "section", "article", "main", "header", "footer", "aside",
                    "nav", "blockquote", "pre", "hr", "figure", "figcaption", "form", "address",
                    "body", "html"})  # fmt: skip
# Head <meta> names that carry each field, best first.
_META_KEYS: dict[str, tuple[str, ...]] = {
    "published": ("article:published_time", "og:published_time", "datepublished", "date",
                  "pubdate", "publish-date", "dc.date", "dc.date.issued", "sailthru.date"),
    "author": ("author", "article:author", "dc.creator", "byl"),
    "outlet": ("og:site_name", "application-name", "publisher"),
    "title": ("og:title", "twitter:title", "dc.title"),
    "url": ("og:url",),
}  # fmt: skip

_TRAFILATURA_KEY = {"outlet": "sitename", "published": "date"}


def declared_charset(head: bytes) -> str | None:
    """The charset a page declares in a <meta> tag, used only when its bytes are not UTF-8."""
    m = _CHARSET.search(head[:4096])
    return m.group(1).decode("ascii") if m else None


class _PageScan(HTMLParser):
    """Head metadata, plus visible text by block for the no-trafilatura fallback."""

    def __init__(self, want_text: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.want_text = want_text
        self.meta: dict[str, str] = {}
        self.title: list[str] = []
        self.canonical: str | None = None
        self.blocks: list[str] = []
        self._chunks: list[str] = []
        self._skip: list[str] = []  # open tags whose content is hidden

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "meta":
            a = {k.lower(): (v or "") for k, v in attrs}
            name = (a.get("property") or a.get("name") or a.get("itemprop") or "").strip().lower()
            if name and a.get("content", "").strip() and name not in self.meta:
                self.meta[name] = a["content"].strip()
            return
        if tag == "link":
            a = {k.lower(): (v or "") for k, v in attrs}
            if "canonical" in a.get("rel", "").lower().split() and a.get("href") and not self.canonical:
                self.canonical = a["href"].strip()
            return
        if tag in _SKIP:
            self._skip.append(tag)
        elif tag in _BLOCK:
            if self._skip and self._skip[-1] == "title":
                self._skip.pop()  # an unclosed <title> must not swallow the page
            self._flush()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("meta", "link"):
            self.handle_starttag(tag, attrs)
        elif tag in _BLOCK:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in self._skip:
            # Close the innermost matching tag; unclosed inner ones close with it.
            while self._skip and self._skip.pop() != tag:
                pass
        elif tag in _BLOCK:
            self._flush()

    def handle_data(self, data: str) -> None:
        if self._skip:
            if self._skip[-1] == "title":
                self.title.append(data)
            return
        if self.want_text:
            self._chunks.append(data)

    def _flush(self) -> None:
        if self._chunks:
            block = _SPACE.sub(" ", "".join(self._chunks)).strip()
            if block:
                self.blocks.append(block)
            self._chunks = []

    def finish(self) -> None:
        try:
            self.close()
        except Exception:  # stdlib parser on truncated markup: keep what was seen
            pass
        self._flush()


def _scan(html: str, want_text: bool) -> _PageScan:
    scan = _PageScan(want_text)
    if not want_text:
        end = _HEAD_END.search(html, 0, 262_144)
        html = html[: end.start()] if end else html[:65_536]
    try:
        scan.feed(html)
    except Exception:  # never let a quirk of the stdlib parser lose the page
        pass
    scan.finish()
    return scan


def _trafilatura(html: str) -> dict[str, Any] | None:
    import trafilatura  # ~0.2 s to import; only pages pay for it

    try:
        result = trafilatura.bare_extraction(
            html, include_comments=False, favor_precision=True, with_metadata=True
        )
    except Exception:  # lxml and trafilatura errors on hostile markup: fall back
        return None
    if result is None:
        return None
    if hasattr(result, "as_dict"):  # trafilatura 2 returns a Document object
        return result.as_dict()
    return dict(result)


def _paragraphs(text: str) -> str:
    return "\n\n".join(ln.strip() for ln in text.splitlines() if ln.strip())


def read_html(html: str, source: str, meta: dict[str, Any]) -> Iterator[Document | IngestError]:
    extracted = _trafilatura(html) or {}
    body = _paragraphs(extracted.get("text") or "")
    scan = _scan(html, want_text=not body)
    if body:
        meta["extractor"] = "trafilatura"
    else:
        body = "\n\n".join(scan.blocks)
        meta["extractor"] = "tag-strip"
    if not body:
        yield IngestError(source, None, NO_TEXT)
        return

    record: dict[str, Any] = {}
    head_title = _SPACE.sub(" ", "".join(scan.title)).strip()
    for field, keys in _META_KEYS.items():
        value = extracted.get(_TRAFILATURA_KEY.get(field, field))
        found = next((scan.meta[k] for k in keys if k in scan.meta), None)
        if field == "published" and found and normalise_published(found):
            value = found  # the page's own timestamp keeps the time of day trafilatura drops
        record[field] = value or found
    record["title"] = record["title"] or head_title or None
    record["url"] = record["url"] or scan.canonical
    yield make_document(body, source, {k: v for k, v in record.items() if v}, meta)
