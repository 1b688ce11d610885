"""The cue lexicons of ``data/lexicons/rhetoric.yaml``, compiled once for matching.

A cue is a sequence of word hashes (``*`` = one to three words). Each token of a document is
compared with a cue word on both its lower-cased form and its lemma, so "slaughtered" matches
"slaughter" and "wiped out" matches "wipe out" without listing inflections. Cues are indexed by
their first concrete word: a document costs two dict lookups per token plus the few cues that
start there.

Entry words are split with the model's own tokenizer (no parse), so "so-called" and "don't"
split exactly as they do in documents.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import yaml
from spacy import symbols

from ..model import TECHNIQUES
from ..nlp import load_model
from .tokens import TokenView, h

WILD = 0  # a "*" slot in a cue
MAX_WILD = 3
SPAN_MODES = frozenset({"cue", "modified", "np", "head", "clause", "sentence"})
_POLAR_TECHNIQUES = frozenset({"Loaded_Language", "Name_Calling,Labeling"})
_POS = {
    name: getattr(symbols, name)
    for name in ("ADJ", "ADV", "NOUN", "PROPN", "VERB", "PRON", "DET", "AUX", "NUM")
}


@dataclass(frozen=True)
class Group:
    """One lexicon group: a technique, how far its spans reach, and how sure a cue is."""

    index: int
    technique: str
    why: str
    source: str
    span: str
    polarity: int
    confidence: float
    pos: frozenset[int] | None
    detect: bool


@dataclass(frozen=True)
class Cue:
    words: tuple[int, ...]  # hashes; WILD for "*"
    text: str  # the entry as written in the lexicon
    group: Group
    lead_wild: bool = False  # "* first": one word before the first concrete word


@dataclass
class Bucket:
    """The cues that start with one word, split by their second word (most tokens stop here)."""

    single: list[Cue] = field(default_factory=list)
    wild: list[Cue] = field(default_factory=list)  # second word is "*"
    after: dict[int, list[Cue]] = field(default_factory=dict)


@dataclass
class Lexicon:
    groups: list[Group]
    first: dict[int, Bucket] = field(default_factory=dict)  # first concrete word -> its cues
    computed: dict[str, Any] = field(default_factory=dict)
    words_by_technique: dict[str, frozenset[int]] = field(default_factory=dict)
    polarity: dict[int, int] = field(default_factory=dict)  # single loaded/labelling word -> -1 / +1

    def matches(self, view: TokenView, detect_only: bool = True) -> Iterator[tuple[Cue, int, int]]:
        """(cue, start token, end token) for every cue that matches, left to right."""
        lower, lemma, punct = view.lower, view.lemma, view.punct
        first = self.first
        n = view.n
        for i in range(n):
            buckets = [
                b for b in (first.get(lower[i]), first.get(lemma[i]) if lemma[i] != lower[i] else None) if b
            ]
            if not buckets:
                continue
            cands: list[Cue] = []
            for b in buckets:
                cands += b.single
                cands += b.wild
                if i + 1 < n and b.after:
                    nxt = b.after.get(lower[i + 1])
                    if nxt:
                        cands += nxt
                    if lemma[i + 1] != lower[i + 1]:
                        nxt = b.after.get(lemma[i + 1])
                        if nxt:
                            cands += nxt
            seen: set[int] = set()
            for cue in cands:
                if id(cue) in seen or (detect_only and not cue.group.detect):
                    continue
                seen.add(id(cue))
                end = _match(cue.words, 1, i + 1, lower, lemma, punct, n)
                if end < 0:
                    continue
                start = i
                if cue.lead_wild:
                    if i == 0 or not view.alpha[i - 1]:
                        continue
                    start = i - 1
                pos = cue.group.pos
                if pos is not None and view.pos[i] not in pos:
                    continue
                yield cue, start, end


def _match(
    words: tuple[int, ...], k: int, j: int, lower: list[int], lemma: list[int], punct: list[bool], n: int
) -> int:
    """End token of a match of words[k:] at token j, or -1; "*" tries one to three words."""
    while k < len(words):
        w = words[k]
        if w == WILD:
            for skip in range(1, MAX_WILD + 1):
                if j + skip > n or punct[j + skip - 1]:
                    break
                end = _match(words, k + 1, j + skip, lower, lemma, punct, n)
                if end >= 0:
                    return end
            return -1
        if j >= n or (lower[j] != w and lemma[j] != w):
            return -1
        k += 1
        j += 1
    return j


@functools.cache
def load_lexicon() -> Lexicon:
    data = yaml.safe_load(
        resources.files("gossamer.data").joinpath("lexicons/rhetoric.yaml").read_text("utf-8")
    )
    tokenizer = load_model().tokenizer
    groups: list[Group] = []
    first: dict[int, Bucket] = {}
    by_tech: dict[str, set[int]] = {}
    polarity: dict[int, int] = {}
    for index, raw in enumerate(data["groups"]):
        group = _group(index, raw)
        groups.append(group)
        entries = list((raw.get("words") or "").split()) + list(raw.get("phrases") or [])
        for entry in entries:
            toks = [t.lower_ for t in tokenizer(str(entry)) if not t.is_space]
            words = tuple(WILD if t == "*" else h(t) for t in toks)
            lead = bool(words) and words[0] == WILD
            if lead:
                words = words[1:]
            if not words or words[0] == WILD:
                continue
            cue = Cue(words, str(entry), group, lead)
            if len(words) == 1 and group.detect and group.polarity and group.technique in _POLAR_TECHNIQUES:
                polarity.setdefault(words[0], group.polarity)
            bucket = first.setdefault(words[0], Bucket())
            if len(words) == 1:
                bucket.single.append(cue)
            elif words[1] == WILD:
                bucket.wild.append(cue)
            else:
                bucket.after.setdefault(words[1], []).append(cue)
            by_tech.setdefault(group.technique, set()).update(w for w in words if w != WILD)
    return Lexicon(
        groups=groups,
        first=first,
        computed=data.get("computed", {}),
        words_by_technique={k: frozenset(v) for k, v in by_tech.items()},
        polarity=polarity,
    )


def _group(index: int, raw: dict[str, Any]) -> Group:
    technique = raw["technique"]
    if technique not in TECHNIQUES:
        raise ValueError(f"rhetoric.yaml group {index}: unknown technique {technique!r}")
    span = raw.get("span", "cue")
    if span not in SPAN_MODES:
        raise ValueError(f"rhetoric.yaml group {index}: unknown span mode {span!r}")
    if not raw.get("source"):
        raise ValueError(f"rhetoric.yaml group {index}: no source note")
    pos = raw.get("pos")
    return Group(
        index=index,
        technique=technique,
        why=raw.get("why", technique),
        source=raw["source"],
        span=span,
        polarity=int(raw.get("polarity", 0)),
        confidence=float(raw.get("confidence", 0.5)),
        pos=frozenset(_POS[p] for p in pos) if pos else None,
        detect=bool(raw.get("detect", True)),
    )
