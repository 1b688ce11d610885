"""Which extracted item each token belongs to.

Events and reporting frames work on the dependency parse, token by token, but actors, places,
times and quantities are items with character mentions. This maps every token to the id of the
item whose mention covers it, once per document and item kind, so that "is this token part of
an entity?" is one list lookup.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, field

from spacy.attrs import DEP, ENT_TYPE, HEAD, IDX, LEMMA, LOWER, ORTH, POS, SENT_START, TAG
from spacy.tokens import Doc

from ..model import Analysis, Item, literal_places
from ..nlp import Parsed


@dataclass
class TokenIndex:
    """Per-token item ids (None where no item), and each item's token spans."""

    entity: list[str | None]
    place: list[str | None]
    time: list[str | None]
    quantity: list[str | None]
    spans: dict[str, list[tuple[int, int]]]  # item id -> [(tok_start, tok_end)] per mention


def token_span(starts: Sequence[int], ends: Sequence[int], start: int, end: int) -> tuple[int, int] | None:
    """Tokens overlapping the character range [start, end), as [tok_start, tok_end)."""
    i = bisect_left(ends, start + 1)  # first token ending after `start`
    j = i
    n = len(starts)
    while j < n and starts[j] < end:
        j += 1
    return (i, j) if j > i else None


def _fill(
    doc_starts: list[int],
    doc_ends: list[int],
    items: Sequence[Item],
    n: int,
    spans: dict[str, list[tuple[int, int]]],
) -> list[str | None]:
    out: list[str | None] = [None] * n
    for item in items:
        for s, e in item.mentions:
            span = token_span(doc_starts, doc_ends, s, e)
            if span is None:
                continue
            spans.setdefault(item.id, []).append(span)
            for t in range(*span):
                if out[t] is None:
                    out[t] = item.id
    return out


def token_index(analysis: Analysis, parsed: Parsed) -> TokenIndex:
    """The index for this analysis, built once and kept in `parsed.cache`.

    The cache key carries the analysis identity and item counts, so a later stage that added
    items (or another analysis of the same parse) gets a fresh index.
    """
    stamp = (
        id(analysis),
        len(analysis.entities),
        len(analysis.places),
        len(analysis.times),
        len(analysis.quantities),
    )
    cached = parsed.cache.get("events.token_index")
    if cached is not None and cached[0] == stamp:
        return cached[1]
    table = token_table(parsed)
    starts = table.idx
    ends = table.end
    n = len(starts)
    spans: dict[str, list[tuple[int, int]]] = {}
    index = TokenIndex(
        entity=_fill(starts, ends, analysis.entities, n, spans),
        place=_fill(starts, ends, literal_places(analysis.places), n, spans),  # not "Iraqi"
        time=_fill(starts, ends, analysis.times, n, spans),
        quantity=_fill(starts, ends, analysis.quantities, n, spans),
        spans=spans,
    )
    parsed.cache["events.token_index"] = (stamp, index)
    return index


class Node:
    """A token of the table, with the parts of spaCy's `Token` interface this package uses.

    One Node per token, made on first use and reused, so walking heads and children costs list
    lookups instead of a new spaCy `Token` per step (the dominant cost of a parse walk).
    """

    __slots__ = ("i", "table")

    def __init__(self, table: TokenTable, i: int) -> None:
        self.table = table
        self.i = i

    def __repr__(self) -> str:
        return self.table.text[self.i]

    __str__ = __repr__

    def __len__(self) -> int:
        return len(self.table.text[self.i])

    @property
    def text(self) -> str:
        return self.table.text[self.i]

    @property
    def lower_(self) -> str:
        return self.table.lower[self.i]

    @property
    def lemma_(self) -> str:  # lower-cased
        return self.table.lemma[self.i]

    @property
    def pos_(self) -> str:
        return self.table.pos[self.i]

    @property
    def tag_(self) -> str:
        return self.table.tag[self.i]

    @property
    def dep_(self) -> str:
        return self.table.dep[self.i]

    @property
    def ent_type_(self) -> str:
        return self.table.ent_type[self.i]

    @property
    def idx(self) -> int:
        return self.table.idx[self.i]

    @property
    def is_punct(self) -> bool:
        return self.table.pos[self.i] == "PUNCT"

    @property
    def is_space(self) -> bool:
        return self.table.pos[self.i] == "SPACE"

    @property
    def head(self) -> Node:
        return self.table.node(self.table.head[self.i])

    @property
    def children(self) -> list[Node]:
        t = self.table
        out = t._children[self.i]
        if out is None:
            out = t._children[self.i] = [t.node(k) for k in t.kids[self.i]]
        return out

    @property
    def left_edge(self) -> Node:
        return self.table.node(self.table.edges(self.i)[0])

    @property
    def right_edge(self) -> Node:
        return self.table.node(self.table.edges(self.i)[1])

    @property
    def subtree(self) -> list[Node]:
        t = self.table
        lo, hi = t.edges(self.i)
        return [t.node(k) for k in range(lo, hi + 1) if t.under(k, self.i)]

    @property
    def sent(self) -> range:
        lo, hi = self.table.sents[self.table.sent[self.i]]
        return range(lo, hi)  # .start / .stop


@dataclass
class TokenTable:
    """The parse as plain lists, read once per document.

    Walking a Doc from Python creates a `Token` object per access; scans over the whole document
    (trigger candidates, reporting cues, clause extents) read these lists, and walks go through
    `Node` objects made once per token.
    """

    doc: Doc
    text: list[str]
    lemma: list[str]  # lower-cased
    lower: list[str]
    pos: list[str]
    tag: list[str]
    dep: list[str]
    ent_type: list[str]
    head: list[int]
    kids: list[list[int]]
    idx: list[int]
    end: list[int]
    sent: list[int]  # sentence number of each token
    sents: list[tuple[int, int]]  # [start, end) token range of each sentence
    _nodes: list[Node | None] = field(default_factory=list, repr=False)
    _edges: dict[int, tuple[int, int]] = field(default_factory=dict, repr=False)
    _children: list[list[Node] | None] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        n = len(self.head)
        if len(self._nodes) != n:
            self._nodes = [None] * n
        self._children = [None] * n

    def __len__(self) -> int:
        return len(self.head)

    def node(self, i: int) -> Node:
        n = self._nodes[i]
        if n is None:
            n = self._nodes[i] = Node(self, i)
        return n

    def edges(self, i: int) -> tuple[int, int]:
        """Left and right edge (inclusive) of a token's subtree, from spaCy once per token."""
        e = self._edges.get(i)
        if e is None:
            tok = self.doc[i]
            e = self._edges[i] = (tok.left_edge.i, tok.right_edge.i)
        return e

    def under(self, k: int, root: int) -> bool:
        """Whether token k is in the subtree of `root` (k == root included)."""
        head = self.head
        for _ in range(64):
            if k == root:
                return True
            h = head[k]
            if h == k:
                return False
            k = h
        return False


# hash -> string, shared by all documents (spaCy's hashes are stable for a process's vocabulary)
_STRINGS: dict[int, str] = {0: ""}
_FOLDED: dict[int, str] = {0: ""}
_MEMO_MAX = 500_000


def token_table(parsed: Parsed) -> TokenTable:
    cached = parsed.cache.get("events.table")
    if cached is not None:
        return cached
    doc: Doc = parsed.doc
    n = len(doc)
    arr = doc.to_array([LEMMA, LOWER, POS, TAG, DEP, HEAD, IDX, SENT_START, ORTH, ENT_TYPE])
    strings = doc.vocab.strings
    if len(_STRINGS) > _MEMO_MAX:
        _STRINGS.clear()
        _FOLDED.clear()
        _STRINGS[0] = _FOLDED[0] = ""

    def column(j: int, fold: bool = False) -> list[str]:
        col = arr[:, j].tolist()
        memo = _FOLDED if fold else _STRINGS
        for h in set(col).difference(memo):
            memo[h] = strings[h].lower() if fold else strings[h]
        return list(map(memo.__getitem__, col))

    head = [i + h for i, h in enumerate(arr[:, 5].astype("int64").tolist())]  # HEAD is relative
    kids: list[list[int]] = [[] for _ in range(n)]
    for i, h in enumerate(head):
        if h != i:
            kids[h].append(i)
    idx = arr[:, 6].tolist()
    orth = column(8)
    end = [i + len(o) for i, o in zip(idx, orth)]
    sent: list[int] = []
    sents: list[tuple[int, int]] = []
    first = 0
    number = 0
    for i, st in enumerate(arr[:, 7].tolist()):
        if i > 0 and st == 1:
            sents.append((first, i))
            first = i
            number += 1
        sent.append(number)
    if n:
        sents.append((first, n))
    table = TokenTable(doc, orth, column(0, fold=True), column(1), column(2), column(3), column(4), column(9),
                       head, kids, idx, end, sent, sents)  # fmt: skip
    parsed.cache["events.table"] = table
    return table


def base_forms(word: str) -> list[str]:
    """Candidate base forms of an inflected English verb, by the regular spelling rules:
    'staged' -> stage, 'waging' -> wage, 'installed' -> install, 'stopped' -> stop, 'carries' -> carry."""
    out: list[str] = []
    for suffix, repl in (("ied", "y"), ("ies", "y"), ("ed", ""), ("ing", ""), ("es", ""), ("s", "")):
        if not word.endswith(suffix) or len(word) <= len(suffix) + 2:
            continue
        stem = word[: -len(suffix)] + repl
        out.append(stem)
        if suffix in ("ed", "ing", "es", "s") and repl == "":
            out.append(stem + "e")  # staged -> stage, waging -> wage
        if len(stem) > 2 and stem[-1] == stem[-2]:
            out.append(stem[:-1])  # stopped -> stop
    return out


def repair_lemmas(table: TokenTable, known: frozenset[str]) -> None:
    """Give a verb whose lemma the tagger got wrong the base form the lexicon knows.

    The small English model's rule lemmatizer cuts some regular forms wrongly ('staged' -> stag,
    'waged' -> wag, 'installed' -> instal), so a trigger or support verb in those forms is missed.
    A verb token whose lemma is not a known verb but one of whose regular base forms is gets that
    base form. Changes the table in place; idempotent.
    """
    for i, pos in enumerate(table.pos):
        if pos != "VERB" or table.lemma[i] in known:
            continue
        for cand in base_forms(table.lower[i]):
            if cand in known:
                table.lemma[i] = cand
                break
