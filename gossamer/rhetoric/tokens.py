"""An integer view of the one parse, built once per document and shared by the rhetoric readers.

Reading token attributes one Python call at a time costs about a microsecond each; the
rhetoric stage needs a dozen of them for every token, so it reads them as columns with
``Doc.to_array`` and compares string *hashes* (spaCy's own 64-bit ids) instead of strings.
Lexicon words are hashed once at load time with the same function.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
from spacy.attrs import (
    DEP,
    ENT_TYPE,
    HEAD,
    IDX,
    IS_ALPHA,
    IS_PUNCT,
    IS_SPACE,
    IS_STOP,
    LEMMA,
    LENGTH,
    LOWER,
    POS,
    SENT_START,
    TAG,
)
from spacy.strings import get_string_id
from spacy.tokens import Doc

from ..nlp import Parsed

_COLUMNS = [
    LOWER,
    LEMMA,
    POS,
    TAG,
    DEP,
    HEAD,
    IDX,
    LENGTH,
    ENT_TYPE,
    SENT_START,
    IS_ALPHA,
    IS_PUNCT,
    IS_SPACE,
    IS_STOP,
]
QUOTE = get_string_id('"')
MAX_QUOTE = 250


def h(word: str) -> int:
    """The id spaCy gives a string: its symbol id for built-in labels ("amod", "ORG"), else its hash."""
    return get_string_id(word)


@dataclass
class TokenView:
    """Per-token columns of one document; token i of every list is `doc[i]`."""

    doc: Doc
    source: str  # the text spaCy saw (same offsets as Document.text); Doc.text would rebuild it per call
    lower: list[int]
    lemma: list[int]
    pos: list[int]
    tag: list[int]
    dep: list[int]
    head: list[int]
    start: list[int]  # character offsets into Document.text
    end: list[int]
    ent: list[int]  # spaCy entity label hash, 0 outside entities
    alpha: list[bool]
    punct: list[bool]
    space: list[bool]
    stop: list[bool]
    sent_of: list[int]  # sentence index of each token
    sents: list[tuple[int, int]]  # token ranges of sentences
    quoted: list[bool]  # inside a pair of double quotes
    quotes: list[tuple[int, int]]  # token ranges strictly between paired quote marks
    children: list[list[int]]

    @property
    def n(self) -> int:
        return len(self.lower)

    def text(self, start: int, end: int) -> str:
        """The text of tokens [start, end), from the document (offsets are shared)."""
        return self.source[self.start[start] : self.end[end - 1]] if end > start else ""


def token_view(parsed: Parsed) -> TokenView:
    view = parsed.cache.get("rhetoric_tokens")
    if view is None:
        view = _build(parsed.doc, parsed.folded)
        parsed.cache["rhetoric_tokens"] = view
    return view


def _build(doc: Doc, source: str) -> TokenView:
    n = len(doc)
    if n == 0:
        return TokenView(doc, source, *([] for _ in range(18)))  # type: ignore[arg-type]
    arr = doc.to_array(_COLUMNS)
    lower, lemma, pos, tag, dep = (arr[:, k].tolist() for k in range(5))
    head_np = arr[:, 5].astype(np.int64) + np.arange(n)  # HEAD is a signed offset stored as uint64
    head = head_np.tolist()
    idx_np = arr[:, 6].astype(np.int64)
    idx, end = idx_np.tolist(), (idx_np + arr[:, 7].astype(np.int64)).tolist()
    ent = arr[:, 8].tolist()
    starts = np.flatnonzero(arr[:, 9] == 1).tolist()
    if not starts or starts[0] != 0:
        starts = [0, *starts]
    bounds = [*starts, n]
    sents = [(bounds[k], bounds[k + 1]) for k in range(len(starts))]
    sent_of = np.repeat(np.arange(len(sents)), np.diff(bounds)).tolist()
    alpha, punct, space, stop = (arr[:, k].astype(bool).tolist() for k in range(10, 14))
    children: list[list[int]] = [[] for _ in range(n)]
    for i, hd in enumerate(head):
        if hd != i:
            children[hd].append(i)
    quote_at = np.flatnonzero(arr[:, 0] == QUOTE).tolist()
    quoted, quotes = _quotes(quote_at, idx, end, source, n)
    return TokenView(
        doc=doc, source=source, lower=lower, lemma=lemma, pos=pos, tag=tag, dep=dep, head=head, start=idx, end=end,
        ent=ent, alpha=alpha, punct=punct, space=space, stop=stop,
        sent_of=sent_of, sents=sents, quoted=quoted, quotes=quotes, children=children,
    )  # fmt: skip


_BLANK_LINE = re.compile(r"\n[ \t\r]*\n")
_BREAK_BEFORE = re.compile(r"\n\s*$")


def _quotes(
    quote_at: list[int], start: list[int], end: list[int], text: str, n: int
) -> tuple[list[bool], list[tuple[int, int]]]:
    """Pair double quote marks; a quote still open at a paragraph break is dropped.

    News style leaves a quotation open at the end of a paragraph when it runs on into the next
    one, which then opens with a new mark: so pairing restarts at a blank line, and at a line
    break followed by a quote mark. A plain line break (one sentence per line) does not close a
    quotation. A "quotation" longer than `MAX_QUOTE` tokens is an unpaired mark and is dropped.
    """
    quoted = [False] * n
    quotes: list[tuple[int, int]] = []
    open_at = -1
    for i in quote_at:
        if open_at >= 0:
            gap = text[end[open_at] : start[i]]
            if _BLANK_LINE.search(gap) or _BREAK_BEFORE.search(gap):
                open_at = -1  # the open mark was left hanging at a paragraph end
        if open_at < 0:
            open_at = i
            continue
        if i - open_at - 1 <= MAX_QUOTE:
            quotes.append((open_at + 1, i))
            quoted[open_at + 1 : i] = [True] * (i - open_at - 1)
        open_at = -1
    return quoted, quotes
