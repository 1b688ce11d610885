"""The technique of a given span, read in its document (SemEval-2020 Task 11, TC).

Votes, all from the lexicons and the parse (nothing is learnt from annotated data):

1. the rhetoric stage's own spans that overlap the given span, weighted by their confidence
   and by how much of each covers the other;
2. cues inside the span, including the weak ones that never flag a span on their own
   (``detect: false`` groups of ``rhetoric.yaml``);
3. repetition: the span's words occur elsewhere in the document;
4. the shape of the span, from the technique definitions: loaded language and labels are words
   and short phrases, a label names people (a noun), doubt, fear, causal and authority appeals
   are clauses; questions lean to doubt, superlatives to exaggeration, exclamations and capitals
   to slogans;
5. a prior for the most frequent class (Loaded_Language) for word-length spans, and for doubt,
   the most frequent clause-level class, for long spans.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict

from spacy import symbols

from ..nlp import Parsed
from .detect import Hit, detect, root_of
from .lexicon import Lexicon
from .tokens import TokenView, h

Span = tuple[int, int]
_JJS = frozenset({h("JJS"), h("RBS")})
_QMARK, _EXCL = h("?"), h("!")
_NORP_GPE = frozenset({h("NORP"), h("GPE")})
_PERSON = frozenset({h("PERSON"), h("ORG")})
_GROUPS = frozenset({h("PERSON"), h("NORP"), h("ORG")})
_REPORT = frozenset(
    h(w) for w in ("say", "said", "says", "tell", "told", "according", "write", "wrote", "state", "stated")
)
_PEOPLE = frozenset(
    h(w)
    for w in (
        "people",
        "nation",
        "country",
        "citizen",
        "citizens",
        "americans",
        "patriot",
        "flag",
        "homeland",
    )
)


class SpanClassifier:
    """Classifies gold spans of one document at a time; the document's cues are found once."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        self._doc_id: int | None = None
        self._hits: list[Hit] = []
        self._cues: list[tuple[str, int, int, float]] = []
        self._keys: dict[tuple[int, ...], int] = {}

    def _prepare(self, view: TokenView, parsed: Parsed) -> None:
        if self._doc_id == id(parsed):
            return
        self._doc_id = id(parsed)
        self._hits = detect(view, self.lexicon)
        self._cues = [
            (c.group.technique, s, e, c.group.confidence)
            for c, s, e in self.lexicon.matches(view, detect_only=False)
        ]
        self._cue_starts = [c[1] for c in self._cues]
        self._keys = {}

    def scores(self, view: TokenView, parsed: Parsed, span: Span) -> dict[str, float]:
        self._prepare(view, parsed)
        s_char, e_char = span
        s = max(0, bisect_right(view.start, s_char) - 1)
        if s < view.n and view.end[s] <= s_char:
            s += 1
        e = bisect_left(view.start, e_char)
        e = max(e, s + 1)
        words = [i for i in range(s, min(e, view.n)) if not view.space[i] and not view.punct[i]]
        n_words = len(words)
        votes: dict[str, float] = defaultdict(float)
        length = max(e_char - s_char, 1)
        # 1. the stage's spans
        for hit in self._hits:
            hs, he = view.start[hit.start], view.end[hit.end - 1]
            inter = min(he, e_char) - max(hs, s_char)
            if inter <= 0:
                continue
            cover = inter / length
            within = inter / max(he - hs, 1)
            votes[hit.technique] += hit.confidence * (0.5 * cover + 0.5 * within) * 1.5
        # 2. cues inside the span (weak ones too)
        lo = bisect_left(self._cue_starts, s)
        for tech, cs, ce, conf in self._cues[lo:]:
            if cs >= e:
                break
            if ce <= e:
                votes[tech] += conf
        # 3. repetition of the span's words elsewhere
        if words and n_words <= 6:
            key = tuple(view.lemma[i] for i in words)
            if self._occurrences(view, key) >= 2:
                votes["Repetition"] += 0.8 if n_words <= 3 else 0.5
        # 4. shape
        if words:
            root = root_of(view, words[0], words[-1] + 1)
            people = any(view.ent[i] in _GROUPS for i in words)
            if n_words <= 4:
                # a label names someone (a noun or a name); loaded language colours (adjective, verb)
                if view.pos[root] in (symbols.NOUN, symbols.PROPN) or people:
                    votes["Name_Calling,Labeling"] += 0.4 + 0.15 * (view.pos[root] == symbols.PROPN or people)
                    votes["Loaded_Language"] += 0.3
                else:
                    votes["Loaded_Language"] += 0.45
            elif n_words <= 9:
                votes["Loaded_Language"] += 0.15
                votes["Exaggeration,Minimisation"] += 0.05
            else:
                votes["Doubt"] += 0.2
                votes["Appeal_to_fear-prejudice"] += 0.1
                votes["Causal_Oversimplification"] += 0.05
            if any(view.tag[i] in _JJS for i in words):
                votes["Exaggeration,Minimisation"] += 0.35
            end_tok = min(e, view.n) - 1
            if any(view.lower[i] == _QMARK for i in range(s, min(e + 1, view.n))):
                votes["Doubt"] += 0.35
            if any(view.lower[i] == _EXCL for i in range(s, min(e + 1, view.n))) and n_words <= 8:
                votes["Slogans"] += 0.35
            text = view.source[s_char:e_char]
            if n_words >= 2 and text.isupper():
                votes["Slogans"] += 0.4
            if (
                n_words <= 8
                and (s > 0 and view.lower[s - 1] == h('"'))
                and end_tok + 1 < view.n
                and view.lower[end_tok + 1] == h('"')
            ):
                votes["Slogans"] += 0.1
                votes["Loaded_Language"] += 0.1
            if any(view.ent[i] in _NORP_GPE for i in words) and any(
                view.lemma[i] in _PEOPLE or view.lower[i] in _PEOPLE for i in words
            ):
                votes["Flag-Waving"] += 0.4
            if (
                n_words > 6
                and any(view.lemma[i] in _REPORT for i in words)
                and any(view.ent[i] in _PERSON for i in words)
            ):
                votes["Appeal_to_Authority"] += 0.3
        else:
            votes["Loaded_Language"] += 0.3
        return votes

    def classify(self, view: TokenView, parsed: Parsed, span: Span, k: int = 1) -> list[str]:
        """The k best techniques for the span, best first."""
        votes = self.scores(view, parsed, span)
        ranked = sorted(votes.items(), key=lambda kv: (-kv[1], kv[0]))
        out = [t for t, _ in ranked[:k]]
        while len(out) < k:
            for t in ("Loaded_Language", "Name_Calling,Labeling", "Repetition", "Doubt"):
                if t not in out:
                    out.append(t)
                    break
        return out

    def _occurrences(self, view: TokenView, key: tuple[int, ...]) -> int:
        """How often the lemma sequence `key` occurs in the document (content tokens only)."""
        if not self._keys:
            seq = [(i, view.lemma[i]) for i in range(view.n) if not view.space[i] and not view.punct[i]]
            self._seq = seq
            self._first: dict[int, list[int]] = defaultdict(list)
            for pos_, (_, lem) in enumerate(seq):
                self._first[lem].append(pos_)
            self._keys = {(): 0}
        seq = self._seq
        count = 0
        for p in self._first.get(key[0], []):
            if tuple(lem for _, lem in seq[p : p + len(key)]) == key:
                count += 1
        return count
