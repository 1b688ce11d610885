"""Technique spans: lexicon cues widened along the parse, plus cues that are computed.

A cue found by `Lexicon.matches` becomes a span by its group's `span` mode (see the header of
``rhetoric.yaml``): an adjective takes the noun it colours ("brutal crackdown"), a labelling
noun takes its adjectives ("ideological mercenaries"), a threat phrase takes its clause.
Computed cues need the document as a whole: repetition (the same content word or phrase used
again), scare quotes (a short quoted term nobody is quoted as saying), quoted slogans and
chants, and the "either ... or" dilemma.

Spans of one technique that overlap are merged; different techniques may overlap, as in the
SemEval-2020 Task 11 annotation.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass, field

from spacy import symbols

from .lexicon import Lexicon
from .tokens import QUOTE, TokenView, h

ADJ, ADV, NOUN, PROPN, VERB, AUX, PRON, DET, NUM = (
    symbols.ADJ, symbols.ADV, symbols.NOUN, symbols.PROPN, symbols.VERB, symbols.AUX, symbols.PRON, symbols.DET, symbols.NUM,
)  # fmt: skip
NOMINAL = frozenset({NOUN, PROPN})
D = {name: h(name) for name in (
    "amod", "advmod", "compound", "nmod", "poss", "appos", "prep", "pobj", "dobj", "nsubj", "nsubjpass", "attr",
    "acomp", "ROOT", "ccomp", "advcl", "relcl", "xcomp", "conj", "csubj", "parataxis", "cc", "punct", "neg", "det",
    "preconj", "npadvmod", "acl", "agent", "case", "oprd",
)}  # fmt: skip
CLAUSE_DEPS = frozenset(
    D[d] for d in ("ROOT", "ccomp", "advcl", "relcl", "csubj", "parataxis", "conj", "xcomp", "acl")
)
_LEFT_NP_DEPS = frozenset(D[d] for d in ("amod", "compound", "advmod", "nmod", "npadvmod"))
_LEFT_NP_POS = frozenset({ADJ, NOUN, ADV, VERB})
_JOINING_POS = frozenset({symbols.CCONJ, symbols.SCONJ})
_JOINING_DEPS = frozenset(h(d) for d in ("cc", "mark", "preconj"))
_QUOTE_INTRO = frozenset(h(w) for w in (
    "say", "said", "says", "tell", "told", "ask", "asked", "add", "added", "write", "wrote", "state", "stated", "declare",
    "declared", "reply", "replied", "chant", "chanted", "shout", "shouted", "insist", "insisted", "warn", "warned",
    ":", ",",
))  # fmt: skip
_LABEL_INTRO = frozenset(h(w) for w in (
    "call", "called", "dub", "dubbed", "label", "labelled", "labeled", "brand", "branded", "term", "termed", "so-called",
))  # fmt: skip
_SHADOW_ENTS = frozenset(
    h(x) for x in ("ORG", "PERSON", "WORK_OF_ART", "FAC", "PRODUCT", "LAW", "EVENT", "GPE", "LOC")
)
_EXCLAIM = h("!")
_QMARK = h("?")
_HASH = h("#")
_EITHER, _OR = h("either"), h("or")
_VB = h("VB")
MAX_SPAN_TOKENS = 80
_CHARGED = frozenset({"Loaded_Language", "Name_Calling,Labeling"})
_CONTENT_POS = frozenset({NOUN, ADJ, VERB})


@dataclass
class Hit:
    """A technique over tokens [start, end); `anchor` is the token the language is about."""

    technique: str
    start: int
    end: int
    anchor: int
    cues: list[str]
    why: str
    confidence: float
    polarity: int
    groups: set[int] = field(default_factory=set)


def detect(view: TokenView, lexicon: Lexicon) -> list[Hit]:
    """All technique spans of a document, merged per technique, in document order."""
    if view.n == 0:
        return []
    hits: list[Hit] = []
    names = [(x.start, x.end) for x in view.doc.ents if x.label in _SHADOW_ENTS and x.end - x.start > 1]
    for cue, s, e in lexicon.matches(view):
        group = cue.group
        if group.technique != "Name_Calling,Labeling" and any(
            a <= s and e <= b and b - a > e - s for a, b in names
        ):
            continue  # "Free Syrian Army", "Brutal Records": words inside a longer name are the name
        start, end, anchor = widen(view, group.span, s, e)
        if start >= end:
            continue
        hits.append(
            Hit(
                group.technique,
                start,
                end,
                anchor,
                [view.text(s, e)],
                group.why,
                group.confidence,
                group.polarity,
                {group.index},
            )
        )
    computed = lexicon.computed
    charged = [False] * view.n  # tokens inside a loaded or labelling span
    for hit in hits:
        if hit.technique in _CHARGED:
            for i in range(hit.start, hit.end):
                charged[i] = True
    hits += repetition(view, lexicon, computed.get("repetition", {}), charged)
    hits += quoted_terms(view, computed.get("scare_quotes", {}), computed.get("slogan_quote", {}))
    hits += either_or(view, computed.get("either_or", {}))
    hits += hashtags_and_caps(view)
    hits += questions_and_exclamations(view, computed.get("questions", {}), computed.get("exclamations", {}))
    return merge(hits)


# --------------------------------------------------------------------------- span extents


def root_of(view: TokenView, s: int, e: int) -> int:
    """The token of [s, e) whose head lies outside it (the last such one)."""
    head = view.head
    root = e - 1
    for i in range(s, e):
        if not (s <= head[i] < e) or head[i] == i:
            root = i
    return root


def widen(view: TokenView, mode: str, s: int, e: int) -> tuple[int, int, int]:
    """Token range and anchor of a cue found at [s, e) under a span mode."""
    r = root_of(view, s, e)
    head, pos, dep = view.head, view.pos, view.dep
    if mode == "cue":
        start, end, anchor = s, e, r
    elif mode == "modified":
        start, end, anchor = s, e, r
        hd = head[r]
        if (
            pos[r] in (ADJ, VERB)
            and dep[r] in (D["amod"], D["compound"])
            and hd >= e
            and hd - e <= 3
            and pos[hd] in NOMINAL
        ):
            end, anchor = hd + 1, hd
        elif pos[r] == ADV and dep[r] == D["advmod"] and hd != r and abs(hd - r) <= 2:
            start, end, anchor = min(s, hd), max(e, hd + 1), hd
    elif mode == "np":
        start, end, anchor = _noun_phrase(view, s, e, r)
    elif mode == "head":
        start, end, anchor = _head_phrase(view, s, e, r)
    elif mode == "clause":
        start, end, anchor = _clause(view, r, s, e)
    else:  # sentence
        start, end = view.sents[view.sent_of[r]]
        anchor = r
    start, end = trim(view, start, end)
    return start, end, anchor


def _noun_phrase(view: TokenView, s: int, e: int, r: int) -> tuple[int, int, int]:
    pos, head, dep = view.pos, view.head, view.dep
    if pos[r] in NOMINAL:
        start = s
        included = set(range(s, e))
        j = s - 1
        while (
            j >= 0
            and head[j] in included
            and dep[j] in _LEFT_NP_DEPS
            and pos[j] in _LEFT_NP_POS
            and not view.punct[j]
        ):
            included.add(j)
            start = j
            j -= 1
        return start, e, r
    hd = head[r]
    if hd >= e and hd - e <= 4 and pos[hd] in NOMINAL:
        return s, hd + 1, hd  # "so-called experts", "alleged plot"
    if pos[r] == ADV:
        return _head_phrase(view, s, e, r)
    return s, e, r


def _head_phrase(view: TokenView, s: int, e: int, r: int) -> tuple[int, int, int]:
    hd = view.head[r]
    if hd == r or view.sent_of[hd] != view.sent_of[r]:
        return s, e, r
    tok = view.doc[hd]
    left, right = tok.left_edge.i, tok.right_edge.i
    if right - left + 1 <= 8:
        return min(s, left), max(e, right + 1), hd
    return min(s, hd), max(e, hd + 1), hd


def _clause(view: TokenView, r: int, s: int, e: int) -> tuple[int, int, int]:
    head, dep = view.head, view.dep
    t = r
    for _ in range(40):
        if dep[t] in CLAUSE_DEPS or head[t] == t:
            break
        t = head[t]
    tok = view.doc[t]
    start, end = tok.left_edge.i, tok.right_edge.i + 1
    sent_start, sent_end = view.sents[view.sent_of[r]]
    start, end = max(start, sent_start), min(end, sent_end)
    if end - start > MAX_SPAN_TOKENS:
        start, end = max(sent_start, s - 20), min(sent_end, e + 20)
    return min(start, s), max(end, e), t


def trim(view: TokenView, start: int, end: int) -> tuple[int, int]:
    """Drop spaces, punctuation and joining words at the edges (the SemEval span convention)."""
    while start < end and (
        view.space[start]
        or view.punct[start]
        or view.pos[start] in _JOINING_POS
        or view.dep[start] in _JOINING_DEPS
    ):
        start += 1
    while end > start and (view.space[end - 1] or view.punct[end - 1]):
        end -= 1
    return start, end


# --------------------------------------------------------------------------- computed cues


def repetition(
    view: TokenView, lexicon: Lexicon, cfg: dict, charged_tok: list[bool] | None = None
) -> list[Hit]:
    """Content words and phrases used again: every use after the first counts.

    A loaded or labelling word used again within `window` tokens is repetition (its later uses
    that are themselves flagged as loaded or labelling); an ordinary content word must be
    used `min_uses` times within `near_window` tokens; a phrase of `ngram_min` words repeated
    again within `window` tokens is repetition. Names (entities) and stop words never count.
    """
    conf = float(cfg.get("confidence", 0.5))
    window = int(cfg.get("window", 300))
    near = int(cfg.get("near_window", 25))
    min_uses = int(cfg.get("min_uses", 3))
    loaded_min = int(cfg.get("loaded_min_uses", 2))
    ngram = int(cfg.get("ngram_min", 4))
    phrase_window = int(cfg.get("phrase_window", 80))
    charged = lexicon.words_by_technique.get("Loaded_Language", frozenset()) | lexicon.words_by_technique.get(
        "Name_Calling,Labeling", frozenset()
    )
    pos, lemma, lower, stop, ent = view.pos, view.lemma, view.lower, view.stop, view.ent
    n = view.n
    starts, ends = view.start, view.end
    uses: dict[int, list[int]] = defaultdict(list)
    for i in range(n):
        if pos[i] in _CONTENT_POS and not stop[i] and not ent[i] and ends[i] - starts[i] >= 4:
            uses[lemma[i]].append(i)
    out: list[Hit] = []
    for lem, idxs in uses.items():
        if len(idxs) < 2:
            continue
        is_charged = lem in charged or any(lower[i] in charged for i in idxs)
        need, span = (loaded_min, window) if is_charged else (min_uses, near)
        if len(idxs) < need:
            continue
        why = "repeated charged word" if is_charged else "repeated word"
        flagged: set[int] = set()
        for k in range(need - 1, len(idxs)):
            if idxs[k] - idxs[k - need + 1] <= span:
                flagged.update(idxs[k - need + 2 : k + 1])
        for i in sorted(flagged):
            if is_charged and charged_tok is not None and not charged_tok[i]:
                continue
            out.append(Hit("Repetition", i, i + 1, i, [view.text(i, i + 1)], why, conf, 0))
    # Repeated phrases of `ngram` tokens, one of them a content word, no punctuation inside.
    # Only phrases that can count (see `_for_effect`) are looked at: those opening a sentence
    # and those holding a charged word.
    blocked = [p or sp for p, sp in zip(view.punct, view.space)]
    candidates: set[int] = set()
    for s0, s1 in view.sents:
        while s0 < s1 and blocked[s0]:
            s0 += 1
        candidates.add(s0)
    if charged_tok is not None:
        for k, flag in enumerate(charged_tok):
            if flag:
                candidates.update(range(max(0, k - ngram + 1), k + 1))
    seen: dict[tuple[int, ...], int] = {}
    for s0 in sorted(candidates):
        e0 = s0 + ngram
        if e0 > n or any(blocked[s0:e0]) or all(stop[k] or ent[k] for k in range(s0, e0)):
            continue
        gram = tuple(lower[s0:e0])
        last = seen.get(gram)
        if (
            last is not None
            and last + ngram <= s0 <= last + phrase_window
            and _for_effect(view, s0, last, ngram, charged_tok)
        ):
            out.append(Hit("Repetition", s0, e0, s0, [view.text(s0, e0)], "repeated phrase", conf, 0))
        seen[gram] = s0
    return out


def _for_effect(view: TokenView, i: int, last: int, n: int, charged_tok: list[bool] | None) -> bool:
    """A repeated phrase is rhetorical when it carries a charged word or opens sentence after
    sentence (anaphora: "We will not ... We will not ..."); otherwise it is mere restatement."""
    if charged_tok is not None and any(charged_tok[j] for j in range(i, i + n)):
        return True
    starts = {s for s, _ in view.sents}
    return _sentence_opening(view, i, starts) and _sentence_opening(view, last, starts)


def _sentence_opening(view: TokenView, i: int, starts: set[int]) -> bool:
    j = i - 1
    while j >= 0 and (view.space[j] or view.punct[j]) and j + 1 not in starts:
        j -= 1
    return i in starts or (j + 1) in starts


def quoted_terms(view: TokenView, scare: dict, slogan: dict) -> list[Hit]:
    """Short quotations: a slogan when exclaimed or imperative, else scare quotes (Doubt).

    A quotation introduced by a speech verb or a colon is somebody's words, not irony; one that
    is a name (all capitalised, or an entity) is a name.
    """
    out: list[Hit] = []
    max_scare = int(scare.get("max_tokens", 4))
    max_slogan = int(slogan.get("max_tokens", 7))
    for qs, qe in view.quotes:
        words = [i for i in range(qs, qe) if not view.space[i]]
        if not words:
            continue
        k = sum(1 for i in words if not view.punct[i])
        prev = qs - 2
        while prev >= 0 and view.space[prev]:
            prev -= 1
        introduced = prev >= 0 and (view.lower[prev] in _QUOTE_INTRO or view.lemma[prev] in _QUOTE_INTRO)
        labelled = prev >= 0 and (view.lower[prev] in _LABEL_INTRO or view.lemma[prev] in _LABEL_INTRO)
        first = words[0]
        exclaimed = view.lower[words[-1]] == _EXCLAIM
        imperative = view.tag[first] == _VB and view.dep[first] == D["ROOT"]
        span = (qs, qe)
        if 2 <= k <= max_slogan and (exclaimed or imperative) and not introduced:
            out.append(
                Hit(
                    "Slogans",
                    *span,
                    first,
                    [view.text(*span)],
                    "quoted chant or slogan",
                    float(slogan.get("confidence", 0.6)),
                    0,
                )
            )
            continue
        if k > max_scare or (introduced and not labelled):
            continue
        if any(view.ent[i] in _SHADOW_ENTS for i in words):
            continue
        if all(view.pos[i] == PROPN or view.punct[i] for i in words):
            continue
        if view.punct[words[-1]] and view.lower[words[-1]] in (h("."), h("?"), h("!")):
            continue  # a whole quoted sentence
        anchor = root_of(view, qs, qe)
        out.append(
            Hit(
                "Doubt",
                *span,
                anchor,
                [view.text(*span)],
                "scare quotes",
                float(scare.get("confidence", 0.5)),
                -1,
            )
        )
    return out


def either_or(view: TokenView, cfg: dict) -> list[Hit]:
    """ "either ... or" in one sentence: a dilemma offered as the only two possibilities."""
    out: list[Hit] = []
    for i in range(view.n):
        if view.lower[i] != _EITHER or view.pos[i] == DET:
            continue
        s0, s1 = view.sents[view.sent_of[i]]
        if any(view.lower[j] == _OR for j in range(i + 2, min(s1, i + 25))):
            start, end = trim(view, s0, s1)
            out.append(
                Hit(
                    "Black-and-White_Fallacy",
                    start,
                    end,
                    i,
                    ["either ... or"],
                    "either ... or",
                    float(cfg.get("confidence", 0.65)),
                    0,
                )
            )
    return out


def questions_and_exclamations(view: TokenView, questions: dict, exclamations: dict) -> list[Hit]:
    """The author's own questions (Doubt) and exclamations (slogans when short, else loaded).

    Sentences inside quotation marks are a source's, not the author's, and are left alone.
    """
    out: list[Hit] = []
    q_conf = float(questions.get("confidence", 0.35))
    e_conf = float(exclamations.get("confidence", 0.35))
    short = int(exclamations.get("slogan_max_tokens", 6))
    for s0, s1 in view.sents:
        last = s1 - 1
        while last > s0 and (view.space[last] or view.lower[last] == QUOTE):
            last -= 1
        mark = view.lower[last]
        if (
            mark not in (_QMARK, _EXCLAIM)
            or view.quoted[last]
            or (view.lower[s1 - 1] == QUOTE and last != s1 - 1)
        ):
            continue
        start, end = trim(view, s0, s1)
        if end <= start:
            continue
        anchor = root_of(view, start, end)
        if mark == _QMARK:
            out.append(Hit("Doubt", start, end, anchor, ["?"], "question asked by the author", q_conf, -1))
            continue
        words = sum(1 for i in range(start, end) if view.alpha[i])
        tech, why = ("Slogans", "short exclamation") if words <= short else ("Loaded_Language", "exclamation")
        out.append(Hit(tech, start, end, anchor, ["!"], why, e_conf, 0))
    return out


_HASHTAG = re.compile(r"(?<![\w#])#[A-Za-z]\w+")
_SHOUTED = re.compile(r"\b[A-Z][A-Z'\-]+(?:[ \t]+[A-Z][A-Z'\-]+){2,}\b")


def hashtags_and_caps(view: TokenView) -> list[Hit]:
    """Hashtags and runs of three or more shouted (all-capital) words read as slogans."""
    out: list[Hit] = []
    for m in _HASHTAG.finditer(view.source):
        s, e = _tokens_of(view, m.start(), m.end())
        if s < e:
            out.append(Hit("Slogans", s, e, s, [m.group()], "hashtag", 0.6, 0))
    for m in _SHOUTED.finditer(view.source):
        s, e = _tokens_of(view, m.start(), m.end())
        if s < e and not any(view.ent[k] for k in range(s, e)):
            out.append(Hit("Slogans", s, e, s, [m.group()], "shouted words", 0.4, 0))
    return out


def _tokens_of(view: TokenView, start: int, end: int) -> tuple[int, int]:
    """Token range [s, e) of the tokens that lie within characters [start, end)."""
    s = bisect_left(view.start, start)
    e = bisect_left(view.start, end)
    while e > s and view.end[e - 1] > end:
        e -= 1
    return s, e


# --------------------------------------------------------------------------- merging


def merge(hits: list[Hit]) -> list[Hit]:
    """One span per technique where spans of that technique overlap (their union)."""
    by_tech: dict[str, list[Hit]] = defaultdict(list)
    for hit in hits:
        if hit.end - hit.start > MAX_SPAN_TOKENS:
            continue
        by_tech[hit.technique].append(hit)
    out: list[Hit] = []
    for tech_hits in by_tech.values():
        tech_hits.sort(key=lambda x: (x.start, -x.end))
        cur: Hit | None = None
        for hit in tech_hits:
            if cur is not None and hit.start < cur.end:
                cur.end = max(cur.end, hit.end)
                for c in hit.cues:
                    if c not in cur.cues:
                        cur.cues.append(c)
                if hit.confidence > cur.confidence:
                    cur.confidence, cur.why, cur.anchor = hit.confidence, hit.why, hit.anchor
                if cur.polarity == 0:
                    cur.polarity = hit.polarity
                cur.groups |= hit.groups
                continue
            cur = Hit(
                hit.technique,
                hit.start,
                hit.end,
                hit.anchor,
                list(hit.cues),
                hit.why,
                hit.confidence,
                hit.polarity,
                set(hit.groups),
            )
            out.append(cur)
    out.sort(key=lambda x: (x.start, x.end, x.technique))
    return out
