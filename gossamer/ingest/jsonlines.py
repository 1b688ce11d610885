"""JSON articles: one object, an array of objects, or JSON Lines (one object per line).

Feeds are where one bad record is most likely (a truncated write, a scraper that lost a
field), and where it matters most not to lose the other ten thousand. JSON Lines is read
one line at a time, so memory follows the longest line, not the file; the size limit
applies to each line (each article) rather than to the feed. Array files are parsed one
element at a time too, so elements before a syntax error are still read.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from typing import IO, Any

from ..model import Document
from .decoding import decode_line
from .errors import IngestError
from .fields import make_document

_DECODER = json.JSONDecoder()
_WS = re.compile(r"[ \t\r\n\ufeff]*")
_REST_LOST = "the rest of the file was not read"
_TEXT_ALIASES = ("body", "content", "article", "maintext", "full_text")

_JSON_TYPES = {dict: "object", list: "array", str: "string", int: "number", float: "number",
               bool: "boolean", type(None): "null"}  # fmt: skip


def _kind(value: Any) -> str:
    return _JSON_TYPES.get(type(value), type(value).__name__)


def article(
    obj: Any, base: str, line: int | None, meta: dict[str, Any], *, source: str | None = None
) -> Document | IngestError:
    """One decoded JSON value as a Document, or the reason it is not an article."""
    if not isinstance(obj, dict):
        return IngestError(base, line, f"not a JSON object (got {_kind(obj)})")
    text = obj.get("text")
    if text is None:
        hint = next((k for k in _TEXT_ALIASES if isinstance(obj.get(k), str)), None)
        more = f" (found {hint!r}; rename it to 'text')" if hint else ""
        return IngestError(base, line, f"no 'text' field{more}")
    if not isinstance(text, str):
        return IngestError(base, line, f"'text' is not a string (got {_kind(text)})")
    body = text.strip()
    if not body:
        return IngestError(base, line, "'text' is empty")
    lead = len(text) - len(text.lstrip())
    if lead:
        meta["text_offset"] = lead  # within the JSON string value
    return make_document(body, source or base, obj, meta, skip=("text",))


def _guarded_article(obj: Any, base: str, line: int | None, meta: dict[str, Any], source: str | None) -> Any:
    # One odd record must cost one line, not the rest of a ten-thousand-line feed.
    try:
        return article(obj, base, line, meta, source=source)
    except Exception as err:
        return IngestError(base, line, f"could not read ({type(err).__name__}: {err})")


def read_jsonl(
    lines: Iterable[tuple[int, bytes | str | None, int]],
    base: str,
    meta: dict[str, Any],
    max_bytes: int,
) -> Iterator[Document | IngestError]:
    """`lines` yields (line number, raw line or None when over the limit, its size)."""
    seen = 0
    for lineno, raw, size in lines:
        if raw is None:
            seen += 1
            yield IngestError(base, lineno, _too_long(size, max_bytes))
            continue
        if isinstance(raw, bytes):
            decoded = decode_line(raw)
            line, encoding = decoded.text, decoded.encoding
        else:
            line, encoding = raw, meta.get("encoding", "utf-8")
        if lineno == 1:
            line = line.lstrip("\ufeff")
        if not line.strip():
            continue
        seen += 1
        try:
            obj = json.loads(line.rstrip())  # a trailing newline inside a cut-off string misleads the message
        except json.JSONDecodeError as err:
            yield IngestError(base, lineno, f"invalid JSON: {err.msg} (column {err.colno})")
            continue
        except RecursionError:
            yield IngestError(base, lineno, "invalid JSON: nested too deeply")
            continue
        doc_meta = dict(meta)
        if encoding != "utf-8":
            doc_meta["encoding"] = encoding
        yield _guarded_article(obj, base, lineno, doc_meta, f"{base}:{lineno}")
    if not seen:
        yield IngestError(base, None, "empty file")


def _too_long(size: int, max_bytes: int) -> str:
    return f"line too large: {size} bytes (limit {max_bytes}; raise --max-bytes or split the record)"


def stream_lines(stream: IO[Any], max_bytes: int) -> Iterator[tuple[int, bytes | str | None, int]]:
    """Lines of a binary or text stream, never holding more than `max_bytes` of one line."""
    lineno = 0
    while True:
        line = stream.readline(max_bytes + 1)
        if not line:
            return
        lineno += 1
        newline = b"\n" if isinstance(line, bytes) else "\n"
        if len(line) > max_bytes and not line.endswith(newline):
            size = len(line)
            while True:  # skip the rest of the oversized line in bounded chunks
                chunk = stream.readline(1 << 20)
                size += len(chunk)
                if not chunk or chunk.endswith(newline):
                    break
            yield lineno, None, size
            continue
        yield lineno, line, len(line)


def read_json(text: str, base: str, meta: dict[str, Any]) -> Iterator[Document | IngestError]:
    """A .json file: one article object, an array of them, or several objects in a row.

    A lone object keeps the plain path as its source; articles from arrays and
    concatenated objects are named ``path:LINE`` like JSON Lines, so each can be found.
    """
    values = list(_values(text, base))
    single = len(values) == 1 and not isinstance(values[0], IngestError) and not values[0][2]
    for value in values:
        if isinstance(value, IngestError):
            yield value
            continue
        line, obj, in_array = value
        if single:
            yield _guarded_article(obj, base, None, dict(meta), None)
        else:
            yield _guarded_article(obj, base, line, dict(meta), f"{base}:{line}")


def _values(text: str, base: str) -> Iterator[tuple[int, Any, bool] | IngestError]:
    """(line, value, came from an array) for each article-level value, in order."""
    pos, line, counted = _skip_ws(text, 0), 1, 0

    def line_at(p: int) -> int:
        nonlocal line, counted
        line += text.count("\n", counted, p)
        counted = p
        return line

    if pos >= len(text):
        yield IngestError(base, None, "empty file")
        return
    while pos < len(text):
        try:
            if text[pos] == "[":
                pos = _skip_ws(text, pos + 1)
                if pos < len(text) and text[pos] == "]":
                    pos = _skip_ws(text, pos + 1)
                    continue
                while True:
                    obj, end = _DECODER.raw_decode(text, pos)
                    yield line_at(pos), obj, True
                    pos = _skip_ws(text, end)
                    if pos < len(text) and text[pos] == ",":
                        pos = _skip_ws(text, pos + 1)
                        continue
                    if pos < len(text) and text[pos] == "]":
                        pos = _skip_ws(text, pos + 1)
                        break
                    raise json.JSONDecodeError("Expecting ',' delimiter or ']'", text, pos)
            else:
                obj, end = _DECODER.raw_decode(text, pos)
                yield line_at(pos), obj, False
                pos = _skip_ws(text, end)
        except json.JSONDecodeError as err:
            yield IngestError(base, err.lineno, f"invalid JSON: {err.msg} (column {err.colno}); {_REST_LOST}")
            return
        except RecursionError:
            yield IngestError(base, line_at(pos), f"invalid JSON: nested too deeply; {_REST_LOST}")
            return


def _skip_ws(text: str, pos: int) -> int:
    return _WS.match(text, pos).end()  # type: ignore[union-attr]  # a * pattern always matches
