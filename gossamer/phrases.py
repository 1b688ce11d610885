"""Finding known names (actor aliases, place names, lexicon phrases) in a parsed document.

Names are compared by a *key*: case-folded letters and digits only, accents and Arabic
diacritics removed. "Kata’ib Hezbollah", "Kataib Hezbollah" and "KATA'IB HEZBOLLAH" share the
key ``kataibhezbollah``. A document is scanned token by token: the key of a token span is the
concatenation of its tokens' keys, so each candidate span costs one dict lookup and the text
is never re-tokenised. Matches start and end on tokens (no match inside a word).

Short all-capital aliases ("UN", "IS", "AP") are matched case-sensitively, so "us" and "is"
never match.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

from spacy.tokens import Doc

from .nlp import Parsed

T = TypeVar("T")

ACRONYM_MAX = 5
_WORD_RUNS = re.compile(r"[^\W_]+")
_POSSESSIVE = frozenset({"'s", "'S", "'"})
PREFIX = 4
# Names do not run across these tokens.
_STOP_TOKENS = frozenset({",", ";", ":", "(", ")", "[", "]", '"', "!", "?", ".", "\n", "\n\n"})


@dataclass(frozen=True)
class Match(Generic[T]):
    start: int  # character offsets into Document.text
    end: int
    tok_start: int  # token indices into the spaCy Doc, end exclusive
    tok_end: int
    values: tuple[T, ...]


# Persian and Arabic spell some letters differently (ی/ي/ى, ک/ك, ۀ/ة/ه): one form for matching.
_SCRIPT_FOLD = str.maketrans({"\u06cc": "\u064a", "\u0649": "\u064a", "\u06a9": "\u0643", "\u06c0": "\u0647", "\u0629": "\u0647"})


def key(text: str) -> str:
    """Case-folded letters and digits of `text`, without accents or diacritics."""
    out = []
    for ch in unicodedata.normalize("NFKD", text.casefold().translate(_SCRIPT_FOLD)):
        if ch.isalnum():
            out.append(ch)
    return "".join(out)


def case_key(text: str) -> str:
    """Letters and digits with case kept, for acronyms ("U.S." -> "US")."""
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if ch.isalnum())


def is_acronym(alias: str) -> bool:
    letters = case_key(alias)
    return 0 < len(letters) <= ACRONYM_MAX and letters.isupper()


def token_keys(parsed: Parsed) -> tuple[list[str], list[str]]:
    """Per-token keys (folded and case-kept), computed once per document and shared."""
    cached = parsed.cache.get("token_keys")
    if cached is None:
        folded: list[str] = []
        cased: list[str] = []
        for tok in parsed.doc:
            t = tok.text
            if t.isascii():
                k = "".join(ch for ch in t.lower() if ch.isalnum())
                c = "".join(ch for ch in t if ch.isalnum())
            else:
                k = key(t)
                c = case_key(t)
            folded.append(k)
            cased.append(c)
        cached = (folded, cased)
        parsed.cache["token_keys"] = cached
    return cached


class PhraseIndex(Generic[T]):
    """A map from name keys to values, scanned over documents by longest match."""

    def __init__(self, max_tokens: int = 8) -> None:
        self.max_tokens = max_tokens
        self._folded: dict[str, list[T]] = {}
        self._cased: dict[str, list[T]] = {}
        self._starts: set[str] = set()  # key prefixes of up to PREFIX chars: cheap rejection of starts
        self._words: dict[str, int] = {}  # most words any name with this key has

    def __len__(self) -> int:
        return len(self._folded) + len(self._cased)

    def add(self, name: str, value: T) -> None:
        if is_acronym(name):
            table, k = self._cased, case_key(name)
        else:
            table, k = self._folded, key(name)
        if not k:
            return
        words = len(_WORD_RUNS.findall(name))
        if words > self._words.get(k, 0):
            self._words[k] = words
        for n in range(1, min(PREFIX, len(k)) + 1):
            self._starts.add(k[:n] if table is self._folded else k[:n].lower())
        values = table.setdefault(k, [])
        if value not in values:
            values.append(value)

    def add_all(self, pairs: Iterable[tuple[str, T]]) -> None:
        for name, value in pairs:
            self.add(name, value)

    def lookup(self, name: str) -> list[T]:
        """Values for a name given as a string (for names not found in a document)."""
        if is_acronym(name):
            return list(self._cased.get(case_key(name), ()))
        return list(self._folded.get(key(name), ()))

    def scan(
        self,
        parsed: Parsed,
        start_ok: Callable[[int], bool] | None = None,
        overlapping: bool = False,
    ) -> list[Match[T]]:
        """Longest matches, left to right. `start_ok(i)` may veto token i as a start."""
        doc: Doc = parsed.doc
        folded, cased = token_keys(parsed)
        n = len(doc)
        matches: list[Match[T]] = []
        i = 0
        starts = self._starts
        while i < n:
            first = folded[i]
            if not first or first[:PREFIX] not in starts or (start_ok is not None and not start_ok(i)):
                i += 1
                continue
            best: tuple[int, tuple[T, ...]] | None = None
            fk = ""
            ck = ""
            parts = 0  # tokens with letters or digits: "Israel is" must not match "Israelis"
            for j in range(i, min(n, i + self.max_tokens)):
                if not folded[j]:
                    if doc[j].text in _STOP_TOKENS or (doc[j].is_space and "\n" in doc[j].text):
                        break
                    continue
                fk += folded[j]
                ck += cased[j]
                parts += 1
                if j > i and doc[j].text in _POSSESSIVE:
                    continue  # "Jordan's" is Jordan, never the village of Jordans
                hit = self._folded.get(fk)
                k = fk
                if hit is None and self._cased:
                    hit = self._cased.get(ck)
                    k = ck
                if hit and parts <= self._words.get(k, parts):
                    best = (j + 1, tuple(hit))
            if best is None:
                i += 1
                continue
            end_tok, values = best
            span = doc[i:end_tok]
            matches.append(Match(span.start_char, span.end_char, i, end_tok, values))
            i = i + 1 if overlapping else end_tok
        return matches
