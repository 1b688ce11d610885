"""Hedges, boosters and the certainty of a clause.

A reader weighs "X attacked Y" differently from "X reportedly attacked Y" or "X may have
attacked Y, unconfirmed reports suggest": the words around the claim say how far the writer
commits to it. This module finds those words in the shared spaCy parse and turns them into a
certainty in [0, 1], 1 being a flat assertion.

Three kinds of evidence, all listed in ``gossamer/data/lexicons/hedges.yaml``:

* cue phrases ("may", "reportedly", "could not be independently verified", "about" before a
  number), found with one `PhraseIndex` scan per document and checked against the parse
  (a modal must be tagged MD, "appeared" needs a complement, "about" a number after it);
* passive reporting verbs ("is believed to", "it is said that", "was considered"), from the
  dependency parse, in any tense;
* vague attribution ("critics argue", "some historians believe", "many"): a saying or
  believing verb whose subject is an unnamed group.

A negator just before a cue changes it as its entry says: "not likely" stays a hedge, "could
not" is inability and no hedge, "not confirmed" turns a booster into a hedge, "no doubt" is a
booster. Every document is scanned once; `find_hedges` then filters the cached hedges to the
span asked for, so calling it for every clause costs a list walk.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import yaml
from spacy.tokens import Doc, Span, Token

from ..nlp import Parsed
from ..phrases import Match, PhraseIndex, key, token_keys

HEDGE_TYPES = ("epistemic", "doxastic", "conditional", "investigation", "approximator", "weasel", "booster")
MAX_CUE_TOKENS = 6  # the longest cue, "could not be independently verified", has five words
CACHE_KEY = "hedges"  # in Parsed.cache, or Doc.user_data when no Parsed is given
USER_DATA_KEY = "gossamer.hedges"

# Words after a number-approximator that stand for a number: "about a dozen", "some half".
_SCALE = frozenset(
    [
        "dozen",
        "dozens",
        "score",
        "scores",
        "hundred",
        "hundreds",
        "thousand",
        "thousands",
        "million",
        "millions",
        "billion",
        "billions",
        "half",
        "third",
        "quarter",
        "percent",
    ]
)
_CURRENCY = frozenset({"$", "us$", "€", "£", "¥", "usd", "eur"})
_COMPLEMENT_DEPS = frozenset({"xcomp", "ccomp", "acomp", "attr", "oprd"})
_COMPLEMENT_NEXT = frozenset({"to", "that", "as", "like", "if", "whether", "unlikely", "likely"})
_PREDICATE_DEPS = frozenset({"acomp", "attr", "oprd", "ROOT", "ccomp", "xcomp", "conj"})
_PREDICATE_NEXT = frozenset(
    {"that", "to", "whether", "about", "of", "if", "how", "what", "who", "why", "when", "where"}
)
_SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})
_BE = frozenset({"be", "is", "are", "was", "were", "been", "being", "'s", "'re", "am"})


@dataclass(frozen=True)
class Cue:
    """One lexicon entry with the conditions under which it counts."""

    phrase: str
    type: str
    weight: float
    tag: frozenset[str] = frozenset()
    pos: frozenset[str] = frozenset()
    linked: bool = False
    complement: bool = False
    predicative: bool = False
    not_after: frozenset[str] = frozenset()
    not_before: frozenset[str] = frozenset()
    negated: str = "keep"  # keep / cancel / booster / hedge
    negated_type: str = "epistemic"
    negated_weight: float = 0.35


@dataclass
class Hedge:
    """A word or phrase that lowers (weight > 0) or raises (weight < 0) a clause's certainty."""

    text: str
    mention: list[int]  # [start, end] document character offsets
    type: str
    weight: float
    negated: bool = False
    tokens: tuple[int, int] = field(default=(0, 0), repr=False, compare=False)  # cue tokens, end exclusive

    def as_dict(self) -> dict[str, Any]:
        """The shape `Claim.hedges` holds."""
        return {"text": self.text, "mention": list(self.mention), "type": self.type, "weight": self.weight}


@dataclass(frozen=True)
class HedgeLexicon:
    index: PhraseIndex[Cue]
    first_keys: frozenset[str]  # keys of the tokens a cue can start with
    negators: frozenset[str]
    window: int
    passive_verbs: dict[str, float]
    any_complement: frozenset[str]
    as_verbs: frozenset[str]
    vague_determiners: frozenset[str]
    vague_sources: frozenset[str]
    attribution_verbs: frozenset[str]
    vague_subject_weight: float
    vague_quantifiers: dict[str, float]


def _words(values: Iterable[Any] | None) -> frozenset[str]:
    return frozenset(str(v).lower() for v in values or ())


@functools.cache
def load_lexicon() -> HedgeLexicon:
    """Read hedges.yaml once per process and index its phrases."""
    text = resources.files("gossamer.data").joinpath("lexicons/hedges.yaml").read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    index: PhraseIndex[Cue] = PhraseIndex(max_tokens=MAX_CUE_TOKENS)
    phrases: list[str] = []
    for section in HEDGE_TYPES:
        spec = data[section]
        if not spec.get("source"):
            raise ValueError(f"hedges.yaml: section {section} has no source note")
        default = float(spec["weight"])
        for phrase, attrs in (spec.get("cues") or {}).items():
            attrs = attrs or {}
            cue = Cue(
                phrase=str(phrase),
                type=section,
                weight=float(attrs.get("weight", default)),
                tag=frozenset(attrs.get("tag", ())),
                pos=frozenset(attrs.get("pos", ())),
                linked=bool(attrs.get("linked", False)),
                complement=bool(attrs.get("complement", False)),
                predicative=bool(attrs.get("predicative", False)),
                not_after=_words(attrs.get("not_after")),
                not_before=_words(attrs.get("not_before")),
                negated=str(attrs.get("negated", "hedge" if section == "booster" else "keep")),
                negated_type=str(attrs.get("negated_type", "epistemic")),
                negated_weight=float(attrs.get("negated_weight", 0.35)),
            )
            if cue.negated not in ("keep", "cancel", "booster", "hedge"):
                raise ValueError(f"hedges.yaml: {phrase!r}: unknown negated={cue.negated!r}")
            if len(cue.phrase.split()) > MAX_CUE_TOKENS - 1:
                raise ValueError(f"hedges.yaml: {phrase!r} is longer than {MAX_CUE_TOKENS - 1} words")
            for form in _forms(cue.phrase):
                if not index.lookup(form):  # first section wins a shared key
                    index.add(form, cue)
                    phrases.append(form)
    dox = data["doxastic"]
    weasel = data["weasel"]
    neg = data["negators"]
    return HedgeLexicon(
        index=index,
        first_keys=first_keys(phrases),
        negators=_words(neg["words"]),
        window=int(neg.get("window", 3)),
        passive_verbs={str(k): float(v) for k, v in dox["passive_verbs"].items()},
        any_complement=_words(dox.get("any_complement")),
        as_verbs=_words(dox.get("as_verbs")),
        vague_determiners=frozenset(str(k).lower() for k in weasel["vague_quantifiers"]),
        vague_sources=_words(weasel["vague_sources"]),
        attribution_verbs=_words(weasel["attribution_verbs"]),
        vague_subject_weight=float(weasel["vague_subject_weight"]),
        vague_quantifiers={str(k).lower(): float(v) for k, v in weasel["vague_quantifiers"].items()},
    )


def first_keys(phrases: Iterable[str]) -> frozenset[str]:
    """Keys of the first token of each phrase ("couldn't" starts with "could", "so-called" with "so")."""
    out = set()
    for phrase in phrases:
        first = phrase.split()[0]
        out.add(key(first))
        out.add(key(re.split(r"['\u2019-]", first)[0]))
    out.discard("")
    return frozenset(out)


def scan_phrases(index: PhraseIndex[Any], starts: frozenset[str], parsed: Parsed) -> list[Match[Any]]:
    """`index.scan`, trying only tokens that can start a phrase: one set lookup per token.

    The index's own prefix filter lets through every token sharing four letters with a
    phrase start ("the" for "there is"); the exact first-token keys reject those.
    """
    folded, _ = token_keys(parsed)
    return index.scan(parsed, start_ok=lambda i: folded[i] in starts)


def _forms(phrase: str) -> list[str]:
    """The phrase, and its contracted form when it holds "not" ("could not" -> "couldn't")."""
    forms = [phrase]
    if " not " in phrase:
        forms.append(phrase.replace(" not ", "n't ", 1))
    return forms


# --------------------------------------------------------------------------- public API


def find_hedges(span: Span | Doc, parsed: Parsed | None = None) -> list[Hedge]:
    """The hedges and boosters whose cue words lie inside `span`, in text order.

    Pass `parsed` when the span comes from a pipeline parse: the document's hedges are then
    found once and shared through ``parsed.cache``; without it they are kept in the Doc's
    ``user_data``. Offsets are document offsets.
    """
    doc = span if isinstance(span, Doc) else span.doc
    lo, hi = (0, len(doc)) if isinstance(span, Doc) else (span.start, span.end)
    return [h for h in doc_hedges(doc, parsed) if lo <= h.tokens[0] and h.tokens[1] <= hi]


def certainty(hedges: Iterable[Hedge | dict[str, Any]]) -> float:
    """1.0 for a flat assertion; each hedge multiplies by (1 - weight), then boosters win back a share.

    A booster cannot raise an unhedged clause above 1, and a hedged one only part of the way:
    "clearly" in a clause that also says "reportedly" leaves it below a flat assertion.
    """
    value = 1.0
    boosts: list[float] = []
    for h in hedges:
        w = float(h["weight"] if isinstance(h, dict) else h.weight)
        if w > 0:
            value *= 1.0 - min(w, 1.0)
        elif w < 0:
            boosts.append(min(-w, 1.0))
    for b in boosts:
        value += (1.0 - value) * b
    return round(min(1.0, max(0.0, value)), 4)


def doc_hedges(doc: Doc, parsed: Parsed | None = None) -> list[Hedge]:
    """Every hedge of the document, computed once and cached."""
    cache: dict[str, Any] = parsed.cache if parsed is not None and parsed.doc is doc else doc.user_data
    slot = CACHE_KEY if cache is not doc.user_data else USER_DATA_KEY
    found = cache.get(slot)
    if found is None:
        found = _scan(
            doc, parsed if parsed is not None and parsed.doc is doc else Parsed(doc=doc, folded=doc.text)
        )
        cache[slot] = found
    return found


# --------------------------------------------------------------------------- scanning


def _scan(doc: Doc, parsed: Parsed) -> list[Hedge]:
    lex = load_lexicon()
    found: list[Hedge] = []
    for m in scan_phrases(lex.index, lex.first_keys, parsed):
        cue = m.values[0]
        if cue.weight == 0.0:
            continue  # a blocker entry ("as if"): it only keeps a shorter cue from matching
        hedge = _from_cue(doc, m.tok_start, m.tok_end, cue, lex)
        if hedge is not None:
            found.append(hedge)
    has_dep = doc.has_annotation("DEP")  # the passive and vague-subject rules need the parser
    for tok in doc:
        hedge = None
        if has_dep and tok.tag_ == "VBN" and tok.lemma_.lower() in lex.passive_verbs:
            hedge = _passive_report(doc, tok, lex)
        elif has_dep and tok.dep_ in _SUBJECT_DEPS:
            hedge = _vague_subject(doc, tok, lex)
        if hedge is not None:
            found.append(hedge)
        if tok.lower_ in lex.vague_quantifiers:
            hedge = _vague_quantifier(doc, tok, lex)
            if hedge is not None:
                found.append(hedge)
    return _resolve_overlaps(found)


def _make(
    doc: Doc,
    start_tok: int,
    end_tok: int,
    cue_tok: tuple[int, int],
    type_: str,
    weight: float,
    negated: bool = False,
) -> Hedge:
    span = doc[start_tok:end_tok]
    return Hedge(span.text, [span.start_char, span.end_char], type_, round(weight, 4), negated, cue_tok)


def _from_cue(doc: Doc, i: int, j: int, cue: Cue, lex: HedgeLexicon) -> Hedge | None:
    """The hedge a phrase match stands for, or None when its conditions fail."""
    last = doc[j - 1]
    if cue.tag and last.tag_ not in cue.tag:
        return None
    if "MD" in cue.tag and last.dep_ and last.dep_ not in ("aux", "auxpass", "ROOT"):
        return None  # "the army's might": a noun the tagger took for a modal
    if cue.pos and last.pos_ not in cue.pos:
        return None
    if cue.not_after and i > 0 and doc[i - 1].lower_ in cue.not_after:
        return None
    if cue.not_before and j < len(doc) and doc[j].lower_ in cue.not_before:
        return None
    if cue.linked and not _before_number(doc, j):
        return None
    if cue.complement and not _has_complement(doc, last):
        return None
    if cue.predicative and not _is_predicate(doc, last):
        return None
    neg = _negator(doc, i, last, lex)
    start, end = (i, j) if neg is None else (neg, j)
    if neg is None and last.tag_ == "MD" and j < len(doc) and doc[j].lower_ in lex.negators:
        neg, end = j, j + 1  # a modal's negator follows it: "could not", "may not"
    if neg is None:
        return _make(doc, i, j, (i, j), cue.type, cue.weight)
    if cue.negated == "cancel":
        return None
    if cue.negated == "booster":
        return _make(doc, start, end, (i, j), "booster", -abs(cue.weight), negated=True)
    if cue.negated == "hedge" or cue.type == "booster":
        return _make(doc, start, end, (i, j), cue.negated_type, abs(cue.negated_weight), negated=True)
    return _make(doc, start, end, (i, j), cue.type, cue.weight, negated=True)


def _negator(doc: Doc, i: int, head: Token, lex: HedgeLexicon) -> int | None:
    """Token index of a negator governing the cue starting at token i, else None."""
    for child in head.children:
        if child.dep_ == "neg" and child.i < i:
            return child.i
    sent_start = head.sent.start if doc.has_annotation("SENT_START") or doc.has_annotation("DEP") else 0
    for k in range(i - 1, max(sent_start, i - lex.window) - 1, -1):
        tok = doc[k]
        if tok.is_punct:
            break
        if tok.lower_ in lex.negators:
            return k
    return None


def _before_number(doc: Doc, j: int) -> bool:
    """True when the tokens from j on state a number: "300", "$5m", "a dozen", "half"."""
    n = len(doc)
    if j < n and doc[j].lower_ in _CURRENCY:
        j += 1
    if j >= n:
        return False
    tok = doc[j]
    if tok.like_num or tok.lower_ in _SCALE:
        return True
    return tok.lower_ in ("a", "an", "one") and j + 1 < n and doc[j + 1].lower_ in _SCALE


def _has_complement(doc: Doc, tok: Token) -> bool:
    if any(c.dep_ in _COMPLEMENT_DEPS for c in tok.children):
        return True
    return tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ in _COMPLEMENT_NEXT


def _is_predicate(doc: Doc, tok: Token) -> bool:
    if tok.dep_ == "amod":
        return False
    if tok.dep_ in _PREDICATE_DEPS:
        return True
    return tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ in _PREDICATE_NEXT


def _passive_report(doc: Doc, tok: Token, lex: HedgeLexicon) -> Hedge | None:
    """ "is believed to", "it was said that", "was considered": a belief or judgement with no named holder."""
    lemma = tok.lemma_.lower()
    aux = [c for c in tok.children if c.dep_ == "auxpass"]
    subj = [c for c in tok.children if c.dep_ == "nsubjpass"]
    agent = any(c.dep_ == "agent" for c in tok.children)  # "was reported by the BBC": a named source
    if agent:
        return None
    nxt = doc[tok.i + 1].lower_ if tok.i + 1 < len(doc) else ""
    passive = bool(aux or subj) or (tok.dep_ == "acl" and nxt == "to")  # "a man believed to be ..."
    if not passive:
        return None
    expletive = (
        any(s.lower_ == "it" for s in subj)
        or any(c.dep_ == "ccomp" or c.lower_ == "that" for c in tok.children)
        and not subj
    )
    if not (
        nxt == "to" or expletive or lemma in lex.any_complement or (nxt == "as" and lemma in lex.as_verbs)
    ):
        return None
    start = tok.i - 1 if tok.i > 0 and doc[tok.i - 1].lemma_ == "be" else tok.i  # "is believed"
    neg = _negator(doc, start, tok, lex)
    if neg is not None:
        start = neg  # "is not believed to": still a belief statement, kept as a hedge
    return _make(
        doc, start, tok.i + 1, (tok.i, tok.i + 1), "doxastic", lex.passive_verbs[lemma], neg is not None
    )


def _vague_subject(doc: Doc, subj: Token, lex: HedgeLexicon) -> Hedge | None:
    """ "critics argue", "some historians believe", "many say": a saying verb with an unnamed subject."""
    verb = subj.head
    if verb is subj or verb.lemma_.lower() not in lex.attribution_verbs or verb.pos_ not in ("VERB", "AUX"):
        return None
    quant = _vague_word(subj, lex)
    source_noun = subj.lemma_.lower() in lex.vague_sources and (
        subj.tag_ in ("NNS", "NNPS") or quant is not None
    )
    if source_noun or (quant is not None and subj.lower_ in lex.vague_determiners):
        if _named(subj):
            return None
        start = quant.i if quant is not None else subj.i
        end = verb.i + 1 if verb.i > subj.i and verb.i - start <= 6 else subj.i + 1
        return _make(doc, start, end, (start, end), "weasel", lex.vague_subject_weight)
    return None


def _vague_quantifier(doc: Doc, tok: Token, lex: HedgeLexicon) -> Hedge | None:
    """ "some residents", "in many cases", "most scholars": an unspecified share of a group."""
    if tok.pos_ not in ("DET", "ADJ", "PRON", "NOUN"):
        return None
    if tok.dep_ in ("acomp", "attr", "oprd"):
        return None  # predicative "certain" is a booster, not a quantifier
    if tok.dep_ == "advmod" and tok.head.pos_ in ("ADJ", "ADV"):
        return None  # superlative "most important"
    if tok.i > 0 and doc[tok.i - 1].lower_ in (
        "a",
        "an",
        "the",
        "these",
        "those",
        "its",
        "their",
        "his",
        "her",
    ):
        return None  # "a few", "the most", "the many"
    if _before_number(doc, tok.i + 1):
        return None  # "some 300": an approximator, scored as such
    return _make(doc, tok.i, tok.i + 1, (tok.i, tok.i + 1), "weasel", lex.vague_quantifiers[tok.lower_])


def _vague_word(subj: Token, lex: HedgeLexicon) -> Token | None:
    """The vague quantifier of a subject: the subject itself ("many") or its determiner ("some X")."""
    if subj.lower_ in lex.vague_determiners and subj.pos_ in ("DET", "PRON", "ADJ", "NOUN"):
        return subj
    for c in subj.children:
        if (
            c.dep_ in ("det", "amod", "nummod", "advmod")
            and c.lower_ in lex.vague_determiners
            and c.i < subj.i
        ):
            return c
    return None


def _named(subj: Token) -> bool:
    """True when a proper name narrows the subject ("experts at Harvard", "Russia's critics")."""
    for t in subj.subtree:
        if t.pos_ == "PROPN" or (t.ent_type_ and t.ent_type_ not in ("CARDINAL", "QUANTITY", "PERCENT")):
            return True
    return False


def _resolve_overlaps(hedges: list[Hedge]) -> list[Hedge]:
    """One hedge per stretch of cue tokens: the heaviest of those that overlap."""
    hedges.sort(key=lambda h: (h.tokens[0], -h.tokens[1]))
    out: list[Hedge] = []
    for h in hedges:
        if out and h.tokens[0] < out[-1].tokens[1]:
            if abs(h.weight) > abs(out[-1].weight):
                out[-1] = h
            continue
        out.append(h)
    return out
