"""Which reader an input gets: by extension for files, by content for stdin and the rest."""

from __future__ import annotations

import os
import re

# Extension -> input kind. In a directory walk only these are read; others are skipped.
EXTENSIONS: dict[str, str] = {
    ".txt": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}
KINDS = frozenset(EXTENSIONS.values())

# JSON of articles opens with an object, or with an array of objects. Requiring the next
# character keeps a text that starts "[Illustrative sample ...]" a text.
_JSON_ARRAY = re.compile(r"\[\s*[{\]]")
_JSON_OBJECT = re.compile(r"\{\s*[\"}]")
_HTML_START = re.compile(
    r"<(?:!doctype\s+html|html|head|body|meta|title|article|main|div|p|section|!--)[\s>/]", re.IGNORECASE
)
_HTML_ANYWHERE = re.compile(r"<(?:html|body)[\s>]", re.IGNORECASE)


def kind_for_path(path: str) -> str | None:
    return EXTENSIONS.get(os.path.splitext(path)[1].lower())


def sniff_kind(head: str) -> str:
    """'jsonl', 'json', 'html' or 'text' from the first few kilobytes of decoded content.

    A leading object whose first line is complete JSON is JSON Lines (a one-line file is
    read the same either way); a pretty-printed object spread over lines is JSON.
    """
    s = head.lstrip("\ufeff \t\r\n")
    if _JSON_ARRAY.match(s):
        return "json"
    if _JSON_OBJECT.match(s):
        first, newline, _ = s.partition("\n")
        if not newline or first.rstrip().endswith("}"):
            return "jsonl"
        return "json"
    if _HTML_START.match(s) or _HTML_ANYWHERE.search(s, 0, 4096):
        return "html"
    return "text"
