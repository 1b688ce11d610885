"""Plain text and Markdown, with optional YAML front matter.

Markdown is kept verbatim: stripping ``#`` or ``*`` would make the text differ from the
file a reader opens next to the analysis, and offsets are only useful if they can be
checked by eye. The tokenizer copes with the markup; headings still read as sentences.
The body is the file after the front matter, with surrounding whitespace trimmed;
``meta["text_offset"]`` says where it starts in the decoded file, so an offset into
`Document.text` plus that number is an offset into the file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import yaml

from ..model import Document
from .errors import IngestError
from .fields import make_document

_MAX_FRONT_MATTER = 65_536  # characters; a real header is a few lines
_OPEN = re.compile(r"---[ \t]*\r?\n")
_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.MULTILINE)
_KEY_LINE = re.compile(r"[A-Za-z_][\w -]*:(?:\s|$)")


def split_front_matter(text: str) -> tuple[dict[str, Any] | None, int, list[str]]:
    """(front matter mapping or None, where the body starts, warnings).

    A ``---`` first line with no closing line, or a block that is not ``key: value``
    shaped, is not front matter (a Markdown rule or a dash-led line) and stays body text.
    """
    opening = _OPEN.match(text)
    if opening is None:
        return None, 0, []
    closing = _CLOSE.search(text, opening.end(), opening.end() + _MAX_FRONT_MATTER)
    if closing is None:
        return None, 0, []
    block = text[opening.end() : closing.start()]
    try:
        data = yaml.safe_load(block) if block.strip() else {}
    except Exception as err:  # yaml.YAMLError, and recursion on hostile nesting
        data = err
    if isinstance(data, dict):
        return data, closing.end(), []
    first = next((ln.strip() for ln in block.splitlines() if ln.strip()), "")
    if not _KEY_LINE.match(first):
        return None, 0, []
    # Looks like a header with a typo: drop it from the text, keep the article.
    problem = _yaml_problem(data) if isinstance(data, Exception) else "is not a key: value mapping"
    return {}, closing.end(), [f"front matter {problem}; its metadata was ignored"]


def _yaml_problem(err: Exception) -> str:
    mark = getattr(err, "problem_mark", None)
    what = getattr(err, "problem", None) or type(err).__name__
    if mark is not None:
        return f"is not valid YAML ({what} at line {mark.line + 2})"  # +1 for 0-based, +1 for '---'
    return f"is not valid YAML ({what})"


def read_text(text: str, source: str, meta: dict[str, Any]) -> Iterator[Document | IngestError]:
    record, start, warnings = split_front_matter(text)
    body = text[start:]
    stripped = body.lstrip()
    offset = start + len(body) - len(stripped)
    body = stripped.rstrip()
    if not body:
        reason = "front matter but no article text" if record is not None else "empty file"
        yield IngestError(source, None, reason)
        return
    if offset:
        meta["text_offset"] = offset
    if warnings:
        meta["warnings"] = warnings
    yield make_document(body, source, record, meta)
