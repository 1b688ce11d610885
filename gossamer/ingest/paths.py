"""From command-line arguments to a stream of Documents and IngestErrors.

This is the only place that touches the file system and stdin, and the only place that
decides an input's kind. Every input is read inside a guard, so whatever goes wrong with
one of them (a permission, a decoding, a bug in a reader) becomes one IngestError and the
batch moves on to the next.
"""

from __future__ import annotations

import io
import os
import stat
import sys
from collections.abc import Iterable, Iterator
from typing import IO, Any

from ..model import Document
from .decoding import SNIFF_BYTES, check_text, decode_bytes, wide_encoding
from .errors import IngestError, Rejected
from .formats import EXTENSIONS, KINDS, kind_for_path, sniff_kind
from .html import declared_charset, read_html
from .jsonlines import read_json, read_jsonl, stream_lines
from .text import read_text

STDIN = "-"
STDIN_SOURCE = "<stdin>"
DEFAULT_MAX_BYTES = 5_000_000
EMPTY = "empty file"
_SNIFF_CHARS = 65_536

Result = Document | IngestError


def too_large(size: int | str, max_bytes: int) -> str:
    return f"too large: {size} bytes (limit {max_bytes}; raise --max-bytes or split the file)"


def read_inputs(paths: Iterable[str], max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Result]:
    """Documents from files, directories (recursive, sorted) and ``-`` (stdin), lazily.

    In a directory only known extensions are read, and hidden entries (``.git``,
    ``.DS_Store``) are skipped; a file named explicitly is read whatever its extension,
    its kind judged by content. `max_bytes` bounds one document: a whole file, or one
    line of a JSON Lines feed, which may itself be any length.
    """
    if isinstance(paths, (str, bytes, os.PathLike)):
        paths = [paths]  # a lone path, not an iterable of one-character paths
    for path in paths:
        path = os.fsdecode(path)  # str, bytes or Path; sources are always str
        if path == STDIN:
            yield from _guard(STDIN_SOURCE, _read_stdin(max_bytes))
        else:
            yield from _read_path(path, max_bytes)


def read_text_input(
    data: bytes | str,
    source: str = STDIN_SOURCE,
    kind: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Iterator[Result]:
    """Documents from content already in memory (a pasted article, a request body).

    `kind` is one of text, markdown, html, json, jsonl, or None to judge by content as
    for stdin. JSON Lines content can hold several articles, hence an iterator.
    """
    return _guard(source, _read_content(data, source, kind, max_bytes))


def _guard(source: str, results: Iterator[Result]) -> Iterator[Result]:
    try:
        yield from results
    except Rejected as err:
        yield IngestError(source, err.line, err.reason)
    except OSError as err:
        yield IngestError(source, None, _os_reason(err))
    except Exception as err:  # a reader bug must cost one input, not the batch
        yield IngestError(source, None, f"could not read ({type(err).__name__}: {err})")


def _os_reason(err: OSError) -> str:
    return f"cannot read: {err.strerror or err}"


def _read_content(data: bytes | str, source: str, kind: str | None, max_bytes: int) -> Iterator[Result]:
    if kind is not None and kind not in KINDS:
        raise Rejected(f"unknown input kind {kind!r} (expected one of {', '.join(sorted(KINDS))})")
    if isinstance(data, str):
        if kind != "jsonl" and len(data) > max_bytes:  # characters: at least as many bytes
            raise Rejected(too_large(len(data.encode("utf-8", "replace")), max_bytes))
        yield from _read_decoded(data, None, source, kind, max_bytes)
    else:
        if kind != "jsonl" and len(data) > max_bytes:
            raise Rejected(too_large(len(data), max_bytes))
        yield from _read_bytes(data, source, kind, max_bytes)


def _read_bytes(data: bytes, source: str, kind: str | None, max_bytes: int) -> Iterator[Result]:
    if not data.strip():
        raise Rejected(EMPTY)
    declared = declared_charset(data) if kind in ("html", None) else None
    decoded = decode_bytes(data, declared)
    yield from _read_decoded(decoded.text, decoded.encoding, source, kind, max_bytes)


def _read_decoded(
    text: str, encoding: str | None, source: str, kind: str | None, max_bytes: int
) -> Iterator[Result]:
    if encoding is None:
        check_text(text)  # content handed over as str has not been through decode_bytes
    if not text.strip():
        raise Rejected(EMPTY)
    if kind is None:
        kind = sniff_kind(text[:_SNIFF_CHARS])
    meta: dict[str, Any] = {"format": kind}
    if encoding not in (None, "utf-8"):
        meta["encoding"] = encoding
    if kind in ("text", "markdown"):
        yield from read_text(text, source, meta)
    elif kind == "html":
        yield from read_html(text, source, meta)
    elif kind == "json":
        yield from read_json(text, source, meta)
    else:
        lines = (
            (n, line if len(line) <= max_bytes else None, len(line))
            for n, line in enumerate(io.StringIO(text), 1)
        )
        yield from read_jsonl(lines, source, meta, max_bytes)


# --- files and directories ---------------------------------------------------------


def _read_path(path: str, max_bytes: int) -> Iterator[Result]:
    try:
        st = os.stat(path)
    except OSError as err:
        yield IngestError(path, None, _os_reason(err))
        return
    except ValueError as err:  # an embedded NUL in the path
        yield IngestError(path, None, f"cannot read: {err}")
        return
    if stat.S_ISDIR(st.st_mode):
        found = False
        for item in _walk(path, st):
            if isinstance(item, IngestError):
                yield item
            else:
                found = True
                file_path, kind, file_st = item
                yield from _guard(file_path, _read_file(file_path, kind, file_st, max_bytes))
        if not found:  # silence here would look like success
            yield IngestError(path, None, f"no articles in directory (looked for {', '.join(EXTENSIONS)})")
    else:
        yield from _guard(path, _read_file(path, kind_for_path(path), st, max_bytes))


def _read_file(path: str, kind: str | None, st: os.stat_result, max_bytes: int) -> Iterator[Result]:
    regular = stat.S_ISREG(st.st_mode)
    if kind == "jsonl":
        with open(path, "rb") as stream:
            yield from _read_jsonl_stream(stream, path, max_bytes)
        return
    if regular and st.st_size > max_bytes:
        raise Rejected(too_large(st.st_size, max_bytes))  # judged by stat, before any read
    if regular and st.st_size == 0:
        raise Rejected(EMPTY)
    with open(path, "rb") as stream:
        data = stream.read(max_bytes + 1)  # bounded even when stat cannot tell (a pipe, a growing file)
    if len(data) > max_bytes:
        raise Rejected(too_large(f"more than {max_bytes}", max_bytes))
    yield from _read_bytes(data, path, kind, max_bytes)


def _walk(root: str, root_st: os.stat_result) -> Iterator[tuple[str, str, os.stat_result] | IngestError]:
    """Readable files under `root`, depth first in name order, each directory once.

    Symbolic links are followed (corpora are often assembled from links), so a link back
    to an enclosing directory is reported as a loop instead of walking forever.
    """
    seen = {(root_st.st_dev, root_st.st_ino)}
    stack: list[tuple[Iterator[Any], frozenset[tuple[int, int]]]] = [
        (_entries(root), frozenset(seen))
    ]
    while stack:
        entries, ancestors = stack[-1]
        entry = next(entries, None)
        if entry is None:
            stack.pop()
            continue
        if isinstance(entry, IngestError):
            yield entry
            continue
        if entry.name.startswith("."):
            continue
        kind = kind_for_path(entry.name)
        try:
            st = os.stat(entry.path)
        except OSError as err:
            if kind is not None:  # a dangling link to an article is worth a word; to anything else, not
                yield IngestError(entry.path, None, _os_reason(err))
            continue
        if stat.S_ISDIR(st.st_mode):
            key = (st.st_dev, st.st_ino)
            if key in ancestors:
                yield IngestError(entry.path, None, "directory loop: a link back to a directory being read")
            elif key not in seen:  # reached again through another link: already read
                seen.add(key)
                stack.append((_entries(entry.path), ancestors | {key}))
        elif kind is not None and stat.S_ISREG(st.st_mode):
            yield entry.path, kind, st


def _entries(directory: str) -> Iterator[os.DirEntry[str] | IngestError]:
    try:
        with os.scandir(directory) as it:
            return iter(sorted(it, key=lambda e: e.name))
    except OSError as err:
        return iter([IngestError(directory, None, _os_reason(err))])


# --- streams -----------------------------------------------------------------------


class _Prepended(io.RawIOBase):
    """A stream whose first bytes were already read to sniff it, put back in front."""

    def __init__(self, head: bytes, rest: IO[bytes]) -> None:
        super().__init__()
        self._head = head
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._head:
            n = min(len(buffer), len(self._head))
            buffer[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        read1 = getattr(self._rest, "read1", None)  # what is there now: lines reach us as they arrive
        data = read1(len(buffer)) if read1 else self._rest.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _read_upto(stream: IO[bytes], n: int) -> bytes:
    parts, got = [], 0
    while got < n:
        chunk = stream.read(n - got)
        if not chunk:
            break
        parts.append(chunk)
        got += len(chunk)
    return b"".join(parts)


def _read_jsonl_stream(
    stream: IO[bytes], source: str, max_bytes: int, head: bytes | None = None
) -> Iterator[Result]:
    if head is None:
        head = _read_upto(stream, SNIFF_BYTES)
    codec, _ = wide_encoding(head)  # binary content is rejected here, before any line
    reader: IO[Any] = io.BufferedReader(_Prepended(head, stream))
    meta: dict[str, Any] = {"format": "jsonl"}
    if codec not in (None, "utf-8"):
        reader = io.TextIOWrapper(reader, encoding=codec, errors="replace", newline="")
        meta["encoding"] = codec
    yield from read_jsonl(stream_lines(reader, max_bytes), source, meta, max_bytes)


def _read_stdin(max_bytes: int) -> Iterator[Result]:
    stdin = sys.stdin
    if stdin is None:
        raise Rejected("no standard input")
    stream = getattr(stdin, "buffer", None)
    if stream is None:  # replaced by a text stream (tests, embedding)
        yield from _read_content(stdin.read(max_bytes + 1), STDIN_SOURCE, None, max_bytes)
        return
    head = _read_upto(stream, _SNIFF_CHARS)
    codec, bom = wide_encoding(head[:SNIFF_BYTES])
    kind = sniff_kind(head[bom:].decode(codec or "utf-8", errors="replace"))
    if kind == "jsonl":
        yield from _read_jsonl_stream(stream, STDIN_SOURCE, max_bytes, head)
        return
    data = head + _read_upto(stream, max_bytes + 1 - len(head))
    if len(data) > max_bytes:
        raise Rejected(too_large(f"more than {max_bytes}", max_bytes))
    yield from _read_bytes(data, STDIN_SOURCE, kind, max_bytes)
