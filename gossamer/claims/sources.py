"""Who a claim rests on: the reporting frames of a document as the ledger reads them, and the
type of each source.

`gossamer.attribution` finds the frames the events stage needs (a cue, its source, the token
that roots what is reported). The ledger needs more of each frame, so this module reads those
frames and adds:

- the content as character fragments, with the conventions of attribution corpora (PARC,
  PolNeAR): a complementiser stays in ("that the vote was rigged"), a quotation keeps its marks
  and the punctuation inside them, the cue and the source are cut out when the parse puts them
  inside the reported clause ('"We will stay," he said, "until the end."');
- frames the event finder does not need: verbs of belief ("Clinton believes the economy is
  strong"), of intention and of stance (made frames but not claims: "wants to build a wall" is
  no assertion), a reporting verb hung on the clause it reports ('"X," he said' parsed as a
  parataxis), a reporting clause before a colon and the quotation after it, a noun of saying
  or stance after a support verb ("X made the case that ..."), "X sees Y as Z";
- quotations that run on: the next sentences inside the same quotation marks, and a quotation
  that opens the next sentence of the same paragraph, keep the speaker (`kind="quote"`). Nothing
  else continues an attribution: an unquoted sentence after a quote is the writer's again;
- chains: a frame whose cue stands inside another frame's content is reported by it ("X told Y
  that Z said ...": Z's frame has X's as `parent`);
- source typing beyond the frame finder's: a first-person source inside a quotation is the quoted
  speaker, "he"/"she"/"they" resolve to the nearest earlier actor that fits, a singular
  organisation noun ("the ministry said") is an organisation, and a named official's `role`
  ("Foreign Minister", "a spokesman for the Interior Ministry").

Word lists: ``gossamer/data/lexicons/claims.yaml`` (frames, sources) on top of attribution.yaml.
The module parses nothing; it reads the one parse through the shared token table.
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import yaml
from spacy.tokens import Doc

from ..attribution import Cues, check_strings, classify_source, find_frames, load_cues, source_block
from ..events.tokens import TokenIndex, TokenTable, token_index, token_table
from ..model import Analysis
from ..nlp import Parsed

CACHE_KEY = "claims.attributions"
QUOTE = '"'  # spaCy sees folded text: every double quotation mark is ASCII
QUOTES = frozenset({'"', "''", "``"})  # and typewriter texts write one as two apostrophes
_SUBJ = frozenset({"nsubj", "nsubjpass", "csubj", "csubjpass"})
_VERBAL = frozenset({"VERB", "AUX"})
_NOUNISH = frozenset({"NOUN", "PROPN", "PRON"})
_EDGE_PUNCT = frozenset({",", ";", ":", "-", "--", "—", "–", "(", ")", ".", "!", "?", "...", "…"})
_INNER_PUNCT = frozenset({",", ".", "!", "?", "...", "…", ";", ":", "-", "—", "–"})
_NOT_SPEAKERS = frozenset({"it", "this", "that", "which", "what", "these", "those", "there", "here"})
_CLAUSE_BREAKS = frozenset({"conj", "cc", "parataxis", "ccomp", "advcl"})
# Double quotation marks as nlp.fold folds them (straight, curly, low-9, reversed, guillemets),
# two apostrophes or backticks (typewriter style), and line breaks (paragraph ends).
_MARKS = re.compile("''|``|[\"\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb]|\n")
_NEXT_MARK = re.compile("\\s*(?:''|``|[\"\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb])")
_BREAK = re.compile("\n")
_INVERTED = frozenset({"nsubj", "dobj", "attr", "npadvmod", "appos", "dep"})
ASSERTIVE = frozenset(
    {"say", "deny", "according", "adverb", "belief", "quote"}
)  # intent, stance, topic, evidential: no claims


@functools.cache
def load_data() -> dict[str, Any]:
    """claims.yaml, read once per process (shared by the stage, this module and the grader)."""
    text = resources.files("gossamer.data").joinpath("lexicons/claims.yaml").read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    check_strings(data, "claims.yaml")
    return data


def _low(values: Any) -> frozenset[str]:
    return frozenset(str(v).lower() for v in values or ())


@dataclass(frozen=True)
class FrameWords:
    """The claims.yaml word lists this module uses."""

    belief: frozenset[str]
    intent: frozenset[str]
    stance: frozenset[str]
    stance_preps: frozenset[str]
    evidential: frozenset[str]
    inference: frozenset[str]
    speech: frozenset[str]
    topic: frozenset[str]
    topic_preps: frozenset[str]
    particles: frozenset[str]
    org_nouns: frozenset[str]
    evidence_nouns: frozenset[str]
    person_pronouns: frozenset[str]
    group_pronouns: frozenset[str]
    first_person: frozenset[str]
    pronoun_window: int
    role_trim: frozenset[str]
    adj_belief: frozenset[str] = frozenset()
    adj_stance: frozenset[str] = frozenset()
    copulas: frozenset[str] = frozenset()
    adj_preps: frozenset[str] = frozenset()
    noun_say: frozenset[str] = frozenset()
    noun_deny: frozenset[str] = frozenset()
    noun_stance: frozenset[str] = frozenset()
    noun_content_preps: frozenset[str] = frozenset()
    noun_source_preps: frozenset[str] = frozenset()
    support_verbs: frozenset[str] = frozenset()
    light_nouns: frozenset[str] = frozenset()
    colon_max: int = 8
    regard: frozenset[str] = frozenset()
    aspectual: frozenset[str] = frozenset()
    regard_preps: frozenset[str] = frozenset()


@functools.cache
def frame_words() -> FrameWords:
    data = load_data()
    fr, src = data["frames"], data["sources"]
    return FrameWords(
        belief=_low(fr["belief"]["verbs"]),
        intent=_low(fr["intent"]["verbs"]),
        stance=_low(fr["stance"]["verbs"]),
        stance_preps=_low(fr["stance"]["preps"]),
        evidential=_low(fr["evidential"]["verbs"]),
        inference=_low(fr["inference"]["verbs"]),
        speech=_low(fr["speech"]["verbs"]),
        topic=_low(fr["topic"]["verbs"]),
        topic_preps=_low(fr["topic"]["preps"]),
        particles=_low(fr["cue_particles"]["words"]),
        org_nouns=_low(src["organisation_nouns"]),
        evidence_nouns=_low(src["evidence_nouns"]),
        person_pronouns=_low(src["person_pronouns"]),
        group_pronouns=_low(src["group_pronouns"]),
        first_person=_low(src["first_person"]),
        pronoun_window=int(src["pronoun_window"]),
        role_trim=_low(src["role_trim"]),
        adj_belief=_low(fr["adjectives"]["belief"]),
        adj_stance=_low(fr["adjectives"]["stance"]),
        copulas=_low(fr["adjectives"]["copulas"]),
        adj_preps=_low(fr["adjectives"]["preps"]),
        noun_say=_low(fr["nouns"]["say"]),
        noun_deny=_low(fr["nouns"]["deny"]),
        noun_stance=_low(fr["nouns"]["stance"]),
        noun_content_preps=_low(fr["nouns"]["content_preps"]),
        noun_source_preps=_low(fr["nouns"]["source_preps"]),
        support_verbs=_low(fr["nouns"]["support_verbs"]["verbs"]),
        light_nouns=_low(fr["nouns"]["light_nouns"]),
        colon_max=int(fr["colon"]["max_tokens"]),
        regard=_low(fr["regard"]["verbs"]),
        aspectual=_low(fr["aspectual"]["verbs"]),
        regard_preps=_low(fr["regard"]["preps"]),
    )


# --------------------------------------------------------------------------- the frame record


@dataclass
class Attribution:
    """One reporting frame as the ledger reads it. Token spans are [start, end) into the Doc.

    `root` is the token the content hangs from (the reported clause's verb, or an event noun);
    `content` the content as token fragments; `verb` the cue's main word (None for "according
    to" and adverbs). `assertive` frames make attributed claims; intent and stance frames do not.
    """

    kind: str  # say, deny, according, adverb, belief, intent, stance, topic, evidential, quote
    cue: tuple[int, int]
    verb: int | None
    source: tuple[int, int] | None
    source_type: str
    entity: str | None
    root: int
    content: list[tuple[int, int]] = field(default_factory=list)
    role: str | None = None
    parent: int | None = None  # index of the frame whose content holds this frame's cue
    continues: int | None = None  # for kind "quote": the frame whose quotation runs on
    preset: list[tuple[int, int]] | None = None  # content fixed when found (a quotation before the cue)

    @property
    def assertive(self) -> bool:
        return self.kind in ASSERTIVE

    def content_range(self) -> tuple[int, int]:
        """First and last (exclusive) content token; (root, root) when no content was found."""
        if not self.content:
            return self.root, self.root
        return self.content[0][0], self.content[-1][1]


# --------------------------------------------------------------------------- token helpers


class Tree:
    """Children and subtree edges of the parse, from the shared token table (built once)."""

    def __init__(self, table: TokenTable) -> None:
        self.t = table
        n = len(table.head)
        self.children: list[list[int]] = [[] for _ in range(n)]
        for i, h in enumerate(table.head):
            if h != i:
                self.children[h].append(i)
        self._left: dict[int, int] = {}
        self._right: dict[int, int] = {}

    def left(self, i: int) -> int:
        got = self._left.get(i)
        if got is None:
            got = min([i, *(self.left(c) for c in self.children[i] if c < i)])
            self._left[i] = got
        return got

    def right(self, i: int) -> int:
        got = self._right.get(i)
        if got is None:
            got = max([i, *(self.right(c) for c in self.children[i] if c > i)])
            self._right[i] = got
        return got

    def span(self, i: int) -> tuple[int, int]:
        """The subtree of i as [start, end) (the parse is projective)."""
        return self.left(i), self.right(i) + 1

    def kids(self, i: int, deps: frozenset[str] | set[str] | tuple[str, ...]) -> list[int]:
        dep = self.t.dep
        return [c for c in self.children[i] if dep[c] in deps]

    def subject(self, i: int) -> int | None:
        """The subject of verb i, looking through conjunction and relative clauses."""
        t = self.t
        for c in self.children[i]:
            if t.dep[c] in _SUBJ:
                if t.tag[c] in ("WP", "WDT") and t.dep[i] == "relcl":
                    return t.head[i]
                return c
        for c in self.kids(i, ("agent",)):
            for g in self.kids(c, ("pobj",)):
                return g
        if t.dep[i] in ("acl", "relcl") and t.pos[t.head[i]] in _NOUNISH:
            return t.head[i]
        if t.dep[i] in ("conj", "xcomp") and t.pos[t.head[i]] in _VERBAL and t.head[i] != i:
            return self.subject(t.head[i])
        h = t.head[i]
        if t.dep[i] == "advcl" and t.pos[h] in _VERBAL and h != i:
            return self.subject(h)  # "X attacked Y, saying that ...": X says it
        if t.dep[i] == "pcomp" and t.dep[h] == "prep" and t.pos[t.head[h]] in _VERBAL and t.head[h] != h:
            return self.subject(t.head[h])  # "X left after saying that ..."
        return None

    def has_subject(self, i: int, deps: frozenset[str]) -> bool:
        return any(self.t.dep[c] in deps for c in self.children[i])


def tree_of(parsed: Parsed) -> Tree:
    cached = parsed.cache.get("claims.tree")
    if cached is None:
        cached = Tree(token_table(parsed))
        parsed.cache["claims.tree"] = cached
    return cached


def subtract(ranges: list[tuple[int, int]], cut: tuple[int, int]) -> list[tuple[int, int]]:
    """Token ranges with `cut` taken out."""
    out = []
    a, b = cut
    for s, e in ranges:
        if e <= a or s >= b:
            out.append((s, e))
            continue
        if s < a:
            out.append((s, a))
        if e > b:
            out.append((b, e))
    return out


def trim(table: TokenTable, ranges: list[tuple[int, int]], cc: bool = True) -> list[tuple[int, int]]:
    """Fragments without edge punctuation, spaces or a dangling conjunction; empty ones dropped."""
    lower, pos = table.lower, table.pos
    out = []
    for s, e in ranges:
        while s < e and (
            lower[s] in _EDGE_PUNCT or pos[s] == "SPACE" or lower[s] in QUOTES or (cc and pos[s] == "CCONJ")
        ):
            s += 1
        while e > s and (
            lower[e - 1] in _EDGE_PUNCT
            or pos[e - 1] == "SPACE"
            or lower[e - 1] in QUOTES
            or (cc and pos[e - 1] == "CCONJ")
        ):
            e -= 1
        if e > s:
            out.append((s, e))
    return out


def quoted(table: TokenTable, ranges: list[tuple[int, int]], inside: bool = False) -> list[tuple[int, int]]:
    """Fragments grown over the quotation marks around them (and the punctuation inside).

    `inside`: the fragments are known to stand inside a quotation, so a closing mark right
    after one belongs to it even when the opening mark is sentences back.
    """
    lower = table.lower
    n = len(lower)
    out = []
    for s, e in ranges:
        k = e
        while k < n and lower[k] in _INNER_PUNCT:
            k += 1
        closes = k < n and lower[k] in QUOTES
        if s > 0 and lower[s - 1] in QUOTES:
            s = s - 1  # the opening mark, also of a quotation that runs on past this fragment
            if closes:
                e = k + 1
        elif closes and (inside or any(lower[x] in QUOTES for x in range(s, e))):
            e = k + 1  # a quotation that opened inside the fragment closes just after it
        out.append((s, e))
    return out


# --------------------------------------------------------------------------- finding frames


def find_attributions(analysis: Analysis, parsed: Parsed) -> list[Attribution]:
    """Every frame of the document, with content fragments, chains and typed sources (cached)."""
    stamp = (id(analysis), len(analysis.entities))
    cached = parsed.cache.get(CACHE_KEY)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    finder = _Finder(analysis, parsed)
    result = finder.run()
    parsed.cache[CACHE_KEY] = (stamp, result)
    return result


class _Finder:
    def __init__(self, analysis: Analysis, parsed: Parsed) -> None:
        self.analysis = analysis
        self.parsed = parsed
        self.doc: Doc = parsed.doc
        self.t: TokenTable = token_table(parsed)
        self.tree = tree_of(parsed)
        self.index: TokenIndex = token_index(analysis, parsed)
        self.cues: Cues = load_cues()
        self.words = frame_words()
        self.types = {e.id: e.type for e in analysis.entities}
        self.regions = quote_regions(analysis.document.text)
        self._quote_starts = [r[0] for r in self.regions]

    # ------------------------------------------------------------------ driver

    def run(self) -> list[Attribution]:
        frames = self._base()
        taken_cues = {f.verb for f in frames if f.verb is not None}
        taken_roots = {f.root for f in frames}
        frames += self._extra(taken_cues, taken_roots)
        taken = {x for f in frames for x in range(*f.cue)}
        frames += [f for f in self._other_frames() if f.cue[0] not in taken]
        frames.sort(key=lambda f: (f.cue[0], f.root))
        for f in frames:
            f.content = self._content(f)
        frames = [f for f in frames if f.content or f.preset is not None]
        frames += self._continuations(frames)
        self._chains(frames)
        for f in frames:
            self._refine(f, frames)
        return frames

    def _base(self) -> list[Attribution]:
        """The event finder's frames, less the ones that report no one ("forces show signs")."""
        t = self.t
        out = []
        for fr in find_frames(self.analysis, self.parsed).frames:
            verb = fr.cue[1] - 1 if fr.kind in ("say", "deny") else None
            if verb is not None:
                while verb > fr.cue[0] and t.pos[verb] not in _VERBAL:
                    verb -= 1  # a particle ends the cue span ("point out")
            root = fr.content
            if (
                verb is not None
                and t.dep[root] == "dobj"
                and t.head[root] == verb
                and (t.lemma[root] in self.cues.anonymous_evidence)
            ):
                continue  # "X showed signs of fatigue": X shows something, reports nothing
            out.append(Attribution(fr.kind, fr.cue, verb, fr.source, fr.source_type, fr.entity, root))
        return out

    def _extra(self, taken_cues: set[int], taken_roots: set[int]) -> list[Attribution]:
        """Frames of belief, intent and stance verbs, parataxis reports, colon quotations."""
        t, tree, w = self.t, self.tree, self.words
        reporting = self.cues.reporting
        out: list[Attribution] = []
        lemma, pos, head = t.lemma, t.pos, t.head
        n = len(lemma)
        for i in range(n):
            if pos[i] != "VERB" or i in taken_cues:
                continue
            lem = lemma[i]
            is_report = lem in reporting or lem in w.belief or lem in w.speech
            if not (
                is_report
                or lem in w.intent
                or lem in w.stance
                or lem in w.topic
                or lem in w.evidential
                or lem in w.regard
            ):
                continue
            subj = tree.subject(i)
            if subj is None and lem in w.speech:
                subj = self._inverted_subject(i)
            if subj is None or not self._can_speak(subj, lem not in w.inference):
                continue
            # '"The vote was rigged," he said': the report hangs on the clause it reports
            if is_report and self._hung_report(i, subj) and head[i] not in taken_roots:
                out.append(self._frame("say", i, subj, head[i]))
                continue
            kind, root = self._complement(i, lem)
            if root is None and lem in w.speech:
                preset = self._quote_before(i, subj)
                if preset is not None:  # '"We will win." Trump said.'
                    frame = self._frame("say", i, subj, preset[0][0])
                    frame.preset = preset
                    out.append(frame)
                    continue
            if root is None:
                root = self._colon_quote(i) if is_report else None
                kind = "say" if root is not None else kind
            if root is None and lem in w.speech:
                if lem in w.aspectual and tree.kids(i, ("xcomp", "prep", "dobj")):
                    continue  # "continued to campaign", "kept on": an aspect, not a report
                frame = self._frame("say", i, subj, i)
                frame.preset = []  # the speaker and the cue are plain; what was said is out of reach
                out.append(frame)
                continue
            if root is None or root in taken_roots:
                continue
            out.append(self._frame(kind, i, subj, root))
        return out

    def _other_frames(self) -> list[Attribution]:
        """Frames cued by an adjective, a noun or a colon."""
        t, w = self.t, self.words
        out: list[Attribution] = []
        lemma, pos = t.lemma, t.pos
        for i in range(len(lemma)):
            p, lem = pos[i], lemma[i]
            if p == "ADJ" and (lem in w.adj_belief or lem in w.adj_stance):
                f = self._adjective_frame(i)
            elif p == "NOUN" and (lem in w.noun_say or lem in w.noun_stance or lem in w.noun_deny):
                f = self._noun_frame(i) or self._support_frame(i)
            elif p == "NOUN" and lem in w.light_nouns:
                f = self._support_frame(i)
            elif t.lower[i] == ":":
                f = self._colon_frame(i)
            else:
                continue
            if f is not None:
                out.append(f)
        return out

    def _adjective_frame(self, adj: int) -> Attribution | None:
        """ "X is confident that ...", "X was critical of ..."."""
        t, tree, w = self.t, self.tree, self.words
        cop = t.head[adj]
        if t.dep[adj] != "acomp" or t.lemma[cop] not in w.copulas:
            return None
        subj = tree.subject(cop)
        if subj is None or not self._can_speak(subj):
            return None
        root = None
        for c in tree.kids(adj, ("ccomp", "xcomp")) or tree.kids(cop, ("ccomp",)):
            root = c
            break
        if root is None:
            for c in tree.kids(adj, ("prep",)):
                if t.lower[c] in w.adj_preps:
                    for g in tree.kids(c, ("pobj", "pcomp")):
                        root = g
                        break
                if root is not None:
                    break
        if root is None:
            return None
        kind = "belief" if t.lemma[adj] in w.adj_belief and t.dep[root] == "ccomp" else "stance"
        span, stype, ent = self._typed_source(subj, cop)
        return Attribution(kind, (min(cop, adj), adj + 1), cop, span, stype, ent, root)

    def _noun_frame(self, noun: int) -> Attribution | None:
        """ "Trump's claim that ...", "a statement by the ministry that ...", "her criticism of X"."""
        t, tree, w = self.t, self.tree, self.words
        src = None
        for c in tree.children[noun]:
            if t.dep[c] == "poss" or (t.dep[c] == "compound" and t.pos[c] == "PROPN" and c < noun):
                src = c
        if src is None:
            for c in tree.kids(noun, ("prep",)):
                if t.lower[c] in w.noun_source_preps:
                    src = next(iter(tree.kids(c, ("pobj",))), None)
        if (
            src is None
            or not self._can_speak(src)
            or t.lower[src] in ("its", "their")
            and self.index.entity[src] is None
        ):
            return None
        root = None
        for c in tree.kids(noun, ("acl", "ccomp", "relcl")):
            if (
                any(t.lower[m] == "that" and t.dep[m] == "mark" for m in tree.children[c])
                or t.dep[c] == "ccomp"
                or (t.dep[c] == "acl" and any(t.lower[m] == "to" for m in tree.children[c]))
            ):
                root = c
                break
        if root is None:
            for c in tree.kids(noun, ("prep",)):
                if t.lower[c] in w.noun_content_preps:
                    root = next(iter(tree.kids(c, ("pobj", "pcomp"))), None)
                    if root is not None:
                        break
        if root is None:
            return None
        lem = t.lemma[noun]
        clause = t.pos[root] in _VERBAL
        kind = ("deny" if lem in w.noun_deny else "say") if clause and lem not in w.noun_stance else "stance"
        span, stype, ent = self._typed_source(src, noun)
        return Attribution(kind, (noun, noun + 1), None, span, stype, ent, root)

    def _support_frame(self, noun: int) -> Attribution | None:
        """ "X made the case that ...", "X voiced concern about ...": a noun of saying or of
        stance as the object of a support verb; the verb's subject is the source."""
        t, tree, w = self.t, self.tree, self.words
        verb = t.head[noun]
        if t.dep[noun] != "dobj" or verb == noun or t.lemma[verb] not in w.support_verbs:
            return None
        subj = tree.subject(verb)
        if subj is None or not self._can_speak(subj, True):
            return None
        root = self._noun_content(noun)
        if root is None:
            root = next(iter(tree.kids(verb, ("ccomp",))), None)
        if root is None:
            for c in tree.kids(verb, ("prep",)):
                if c > noun and t.lower[c] in w.noun_content_preps:
                    root = next(iter(tree.kids(c, ("pobj", "pcomp"))), None)
                    if root is not None:
                        break
        if root is None:
            return None
        kind = "say" if t.pos[root] in _VERBAL and t.lemma[noun] not in w.noun_stance else "stance"
        span, stype, ent = self._typed_source(subj, verb)
        return Attribution(kind, (self._cue_span(verb)[0], noun + 1), None, span, stype, ent, root)

    def _noun_content(self, noun: int) -> int | None:
        """The content root of a noun cue: a that-clause or to-infinitive on it, else the object
        of a content preposition ("criticism of X")."""
        t, tree, w = self.t, self.tree, self.words
        for c in tree.kids(noun, ("acl", "ccomp", "relcl")):
            if (
                any(t.lower[m] == "that" and t.dep[m] == "mark" for m in tree.children[c])
                or t.dep[c] == "ccomp"
                or (t.dep[c] == "acl" and any(t.lower[m] == "to" for m in tree.children[c]))
            ):
                return c
        for c in tree.kids(noun, ("prep",)):
            if t.lower[c] in w.noun_content_preps:
                root = next(iter(tree.kids(c, ("pobj", "pcomp"))), None)
                if root is not None:
                    return root
        return None

    def _colon_frame(self, k: int) -> Attribution | None:
        """ "Clinton: ...", 'Smith on trade: "..."': a short name phrase before a colon."""
        t, w = self.t, self.words
        if any(a <= t.idx[k] < b for a, b in self.regions):
            return None
        lo = t.sents[t.sent[k]][0]
        for x in range(k - 1, lo - 1, -1):
            if t.pos[x] == "SPACE" and "\n" in self.analysis.document.text[t.idx[x] : t.end[x]]:
                lo = x + 1
                break
        left = trim(t, [(lo, k)], cc=False)
        if not left:
            return None
        a, b = left[0]
        if b - a > w.colon_max or any(t.pos[x] in _VERBAL for x in range(a, b)):
            return None
        for x in range(a, b):  # "Clinton on trade" -> "Clinton"
            if t.pos[x] == "ADP" and x > a:
                b = x
                break
        head = _head_of(t, a, b)
        named = any(self.index.entity[x] is not None or t.pos[x] == "PROPN" for x in range(a, b))
        if not named and not self._can_speak(head):
            return None
        hi = t.sents[t.sent[k]][1]
        j = k + 1
        while j < hi and t.pos[j] == "SPACE":
            j += 1
        if j >= hi:
            return None
        content = trim(t, [(j, hi)], cc=False)
        if t.lower[j] in QUOTES:
            for ra, rb in self.regions:
                if ra == t.idx[j]:
                    end = bisect_right(t.idx, rb - 1)
                    content = [(j, max(end, content[-1][1] if content else end))]
        if not content:
            return None
        stype, ent = self._classify((a, b), head)
        f = Attribution("say", (k, k + 1), None, (a, b), stype, ent, j)
        f.preset = quoted(t, content, inside=t.lower[j] in QUOTES)
        return f

    def _classify(self, span: tuple[int, int], head: int) -> tuple[str, str | None]:
        return classify_source(span, self.t.node(head), self.index, self.types, self.cues, self.t)

    def _inverted_subject(self, verb: int) -> int | None:
        """'"...," said the official': the speaker after the verb, when a quotation or comma is before it."""
        t = self.t
        lo = self.tree.left(verb)
        before = lo - 1 if lo == verb else verb - 1
        if before < 0 or not (t.lower[before] == "," or t.lower[before] in QUOTES):
            return None
        for c in self.tree.children[verb]:
            if c > verb and t.dep[c] in _INVERTED and t.pos[c] in ("NOUN", "PROPN"):
                return c
        return None

    def _quote_before(self, verb: int, subj: int) -> list[tuple[int, int]] | None:
        """The quotation just before a speech clause that has no complement of its own."""
        t = self.t
        first = min(verb, subj, self.tree.left(verb))
        k = first - 1
        while k >= 0 and (t.pos[k] == "SPACE" or t.lower[k] in (",", ".", "-", "--", "—", "–")):
            k -= 1
        if k < 0 or t.lower[k] not in QUOTES:
            return None
        close = t.idx[k]
        for a, b in self.regions:
            if a < close < b:
                lo = bisect_right(t.idx, a) - 1
                if lo < 0 or t.sent[k] - t.sent[max(lo, 0)] > 8:
                    return None
                return [(lo, k + 1)]
        return None

    def _hung_report(self, verb: int, subj: int) -> bool:
        """'"The vote was rigged," he said' / 'The vote, he said, was rigged': a reporting verb
        set off by punctuation and hung on the clause it reports (no "as", "because", ...)."""
        t = self.t
        h = t.head[verb]
        if h == verb or t.pos[h] not in _VERBAL or t.head[subj] != verb:
            return False
        if t.dep[verb] == "parataxis":
            return True
        if t.dep[verb] not in ("advcl", "ccomp") or self.tree.kids(verb, ("mark", "advmod")):
            return False
        lo = self.tree.left(verb)
        return lo > 0 and (t.lower[lo - 1] == "," or t.lower[lo - 1] in QUOTES)

    def _complement(self, i: int, lem: str) -> tuple[str, int | None]:
        """(kind, content root) of a verb from claims.yaml's frame lists, or (kind, None)."""
        t, tree, w = self.t, self.tree, self.words
        clause = tree.kids(i, ("ccomp",))
        if lem in w.belief and clause:
            return "belief", clause[0]
        regarded = self._regarded(i) if lem in w.regard else None
        if regarded is not None:
            return "belief", regarded
        if (lem in self.cues.reporting or lem in w.speech) and clause:
            return "say", clause[0]
        if lem in w.evidential:
            for c in tree.kids(i, ("xcomp", "ccomp")):
                return "evidential", c
        if lem in w.intent:
            for c in tree.kids(i, ("xcomp", "ccomp")):
                return "intent", c
            for c in tree.kids(i, ("prep",)):
                if t.lower[c] in w.particles:  # "called for talks"
                    for g in tree.kids(c, ("pobj", "pcomp")):
                        return "intent", g
        if lem in self.cues.object_reporting:
            for c in tree.kids(i, ("dobj",)):
                if t.pos[c] in ("NOUN", "PROPN") and t.lemma[c] not in self.cues.anonymous_evidence:
                    return "say", c  # "polls show a tight race" (not "forces show signs of fatigue")
        for kind, verbs, preps in (("stance", w.stance, w.stance_preps), ("topic", w.topic, w.topic_preps)):
            if lem not in verbs:
                continue
            for c in tree.kids(i, ("dobj",)):
                return kind, c
            for c in tree.kids(i, ("prep",)):
                if t.lower[c] in preps:
                    for g in tree.kids(c, ("pobj", "pcomp")):
                        return kind, g
        if lem in w.speech and lem not in w.aspectual:  # "continued to campaign" reports nothing
            for c in tree.kids(i, ("xcomp",)):
                return "say", c
            for c in tree.kids(i, ("dobj",)):
                if (
                    self.index.entity[c] is None
                    and t.pos[c] == "NOUN"
                    and t.lemma[c] not in self.cues.anonymous_people
                ):
                    return "say", c  # "said this", "reported the figures" (not "told reporters")
        return "belief", None

    def _regarded(self, verb: int) -> int | None:
        """The object of "sees X as Y" / "considers X unfit" when an object complement follows
        it: what the subject takes X to be is the subject's view (active voice only: in "X is
        seen as Y" nobody is named as holding the view)."""
        t, tree, w = self.t, self.tree, self.words
        objs = tree.kids(verb, ("dobj",))
        if not objs or tree.has_subject(verb, frozenset({"nsubjpass"})):
            return None
        obj = objs[0]
        for c in tree.children[verb]:
            if c > obj and (
                t.dep[c] in ("oprd", "xcomp")
                or (t.dep[c] in ("prep", "advmod") and t.lower[c] in w.regard_preps)
            ):
                return obj
        if any(t.dep[c] == "prep" and t.lower[c] in w.regard_preps for c in tree.children[obj]):
            return obj
        return None

    def _colon_quote(self, i: int) -> int | None:
        """'He said:' and a quotation after the colon, parsed as its own sentence."""
        t = self.t
        r = self.tree.right(i)
        k = r + 1 if t.lower[r] != ":" else r
        if k >= len(t.lower) or t.lower[k] != ":":
            return None
        j = k + 1
        while j < len(t.lower) and t.pos[j] == "SPACE":
            j += 1
        if j >= len(t.lower) or t.lower[j] not in QUOTES:
            return None
        s = t.sent[j]
        lo, hi = t.sents[s]
        roots = [x for x in range(lo, hi) if t.head[x] == x]
        return roots[0] if roots and t.sent[i] != s else None

    def _frame(self, kind: str, verb: int, subj: int, root: int) -> Attribution:
        span, stype, ent = self._typed_source(subj, verb)
        return Attribution(kind, self._cue_span(verb), verb, span, stype, ent, root)

    def _typed_source(self, subj: int, verb: int) -> tuple[tuple[int, int], str, str | None]:
        """The frame finder's source phrase and type for a subject, so both finders agree."""
        span = source_block(self.t.node(subj), self.t, self.t.node(verb))
        stype, ent = self._classify(span, subj)
        return span, stype, ent

    def _cue_span(self, verb: int) -> tuple[int, int]:
        """The verb with the auxiliaries just before it and a particle just after it."""
        t = self.t
        lo, hi = verb, verb + 1
        kids = self.tree.children[verb]
        while lo - 1 >= 0 and (lo - 1) in kids and t.dep[lo - 1] in ("aux", "auxpass", "neg"):
            lo -= 1
        if hi < len(t.lower) and hi in kids and t.dep[hi] == "prt":
            hi += 1
        return lo, hi

    def _can_speak(self, i: int, speech: bool = False) -> bool:
        """Whether the subject can be a source: any noun for a verb of speaking, else a known
        kind of source (so "the events confirm that ..." stays the writer's inference)."""
        t, c, w = self.t, self.cues, self.words
        if self.index.entity[i] is not None or t.pos[i] == "PROPN":
            return True
        low = t.lower[i]
        if t.pos[i] == "PRON":
            if low == "it" and speech:  # "it said": an organisation named just before
                return self._antecedent(i, person=False) is not None
            if speech and low in ("those", "these") and self.tree.kids(i, ("relcl", "prep", "acl")):
                return True  # "those who voted said", "those in the room say": people
            return low not in _NOT_SPEAKERS
        if speech and (t.pos[i] == "NOUN" or self._share(i)):
            return True
        lem = t.lemma[i]
        return any(
            x in c.anonymous_people
            or x in c.documents
            or x in c.anonymous_evidence
            or x in c.media
            or x in c.titles
            or x in c.source_nouns
            or x in w.org_nouns
            or x in w.evidence_nouns
            for x in (lem, low)
        )

    def _share(self, i: int) -> bool:
        """A number or a share word heading the subject ("six in 10 say", "43 percent said",
        "many say", "most said"): a part of a group of people, speaking."""
        t = self.t
        return t.pos[i] == "NUM" or t.lower[i] in self.cues.shares

    # ------------------------------------------------------------------ content

    def _content(self, f: Attribution) -> list[tuple[int, int]]:
        t, tree = self.t, self.tree
        if f.preset is not None:
            return f.preset
        root = f.root
        ranges = [tree.span(root)]
        if f.kind in ("according", "adverb"):
            ranges = self._without_cue(f, ranges)
        elif f.verb is not None and tree.left(f.verb) >= ranges[0][0] and tree.right(f.verb) < ranges[0][1]:
            ranges = subtract(ranges, tree.span(f.verb))  # the report sits inside what it reports
        elif (
            f.kind in ("say", "deny")
            and f.verb is not None
            and t.pos[root] in ("NOUN", "PROPN")
            and t.head[root] == f.verb
            and root > f.verb
        ):
            # "sources tracked [the crossing of ... over the past 72 hours]": what follows the
            # object in the verb's clause still describes the reported event (a small parser
            # often hangs it elsewhere), up to a clause of its own
            end = tree.right(f.verb) + 1
            for c in tree.children[f.verb]:
                if c > root and t.dep[c] in _CLAUSE_BREAKS:
                    end = min(end, tree.left(c))
            ranges = [(ranges[0][0], max(end, ranges[0][1]))]
        if f.source is not None:
            ranges = subtract(ranges, f.source)
        ranges = subtract(ranges, f.cue)
        return quoted(t, trim(t, ranges, cc=True))

    def _without_cue(self, f: Attribution, ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """The clause less "according to X" (the phrase's subtree) or the adverb."""
        t, tree = self.t, self.tree
        cue_tok = f.cue[0]
        node = cue_tok
        # the phrase's top: climb while the head is inside the cue or the source
        while t.head[node] != node and (
            f.cue[0] <= t.head[node] < f.cue[1]
            or (f.source is not None and f.source[0] <= t.head[node] < f.source[1])
        ):
            node = t.head[node]
        if node != f.root:
            ranges = subtract(ranges, tree.span(node))
        return ranges

    # ------------------------------------------------------------------ chains

    def _chains(self, frames: list[Attribution]) -> None:
        """parent = the innermost other frame whose content holds this frame's cue."""
        for k, f in enumerate(frames):
            if f.kind == "quote":
                continue  # a quotation running on has the chain of the frame it continues
            best, width = None, 1 << 30
            for j, g in enumerate(frames):
                if j == k or not g.content:
                    continue
                lo, hi = g.content_range()
                if (
                    lo <= f.cue[0] < hi
                    and hi - lo < width
                    and g.root != f.root
                    and not self._quote_holds_outside(g, f)
                ):
                    best, width = j, hi - lo
            if (
                best is not None
                and f.verb is not None
                and (self._same_speaker(f, frames[best]) or self._coordinated(f))
            ):
                # "X said A, adding that B" parsed with "adding" under A: two reports of one
                # speaker side by side, not one inside the other; A stops before the second
                g = frames[best]
                g.content = trim(self.t, subtract(g.content, self.tree.span(f.verb)), cc=True) or g.content
                best = None
            f.parent = best
        for f in frames:  # a parent loop (two frames inside each other's content) is no chain
            seen = set()
            g = f
            while g.parent is not None and g.parent not in seen:
                seen.add(g.parent)
                g = frames[g.parent]
            if g.parent is not None:
                f.parent = None
        for f in frames:
            if f.kind == "quote" and f.continues is not None:
                f.parent = frames[f.continues].parent

    def _quote_holds_outside(self, outer: Attribution, inner: Attribution) -> bool:
        """'"I think we will win," she said' parsed with "said" under "think": a frame whose cue
        stands inside a quotation reports only what is quoted, so it cannot hold a cue outside it."""
        return self._in_quotation(outer.cue[0]) and not self._in_quotation(inner.cue[0])

    def _in_quotation(self, i: int) -> bool:
        """Whether token i stands inside a double quotation."""
        c = self.t.idx[i]
        r = bisect_right(self._quote_starts, c) - 1
        return r >= 0 and self.regions[r][0] <= c < self.regions[r][1]

    def _coordinated(self, f: Attribution) -> bool:
        """ "X said A, but Y said B" parsed with Y's clause joined to A: a report beside the
        other, not inside it (a report inside another hangs from it as a complement)."""
        t = self.t
        return (
            f.verb is not None
            and t.dep[f.verb] in ("conj", "parataxis")
            and f.source is not None
            and t.head[_head_of(t, *f.source)] == f.verb
        )

    def _same_speaker(self, a: Attribution, b: Attribution) -> bool:
        if a.source is None or b.source is None:
            return False
        if a.source == b.source:
            return True
        return a.entity is not None and a.entity == b.entity

    # ------------------------------------------------------------------ quotations

    def _continuations(self, frames: list[Attribution]) -> list[Attribution]:
        """Sentences a quotation carries on into, attributed to the quotation's speaker."""
        t = self.t
        text = self.analysis.document.text
        regions = self.regions
        if not regions:
            return []
        starts = [r[0] for r in regions]
        opening = set(starts)

        def region_of(char: int) -> int:
            r = bisect_right(starts, char) - 1
            return r if r >= 0 and regions[r][0] <= char < regions[r][1] else -1

        covered = set()  # sentences with a frame of their own outside any quotation
        for f in frames:
            if region_of(t.idx[f.cue[0]]) < 0:
                covered.add(t.sent[f.cue[0]])
        para = paragraph_index(text)
        out: list[Attribution] = []
        for k, f in enumerate(frames):
            if not f.assertive or f.kind == "adverb" or not f.content:
                continue
            c0, c1 = f.content_range()
            r = region_of(t.idx[c0])
            if r < 0 or region_of(t.idx[f.cue[0]]) == r:
                continue  # the content is no quotation (or the cue is inside it): nothing runs on
            region = regions[r]
            out += self._quote_before_frame(f, k, region, covered)
            s = t.sent[c1 - 1] + 1
            last_para = para(t.idx[c0])
            while s < len(t.sents):
                lo, hi = t.sents[s]
                if s in covered:
                    break
                # the first word, past spaces and a closing mark the splitter left at the start
                first = next(
                    (
                        x
                        for x in range(lo, hi)
                        if t.pos[x] != "SPACE" and not (t.lower[x] in QUOTES and t.idx[x] not in opening)
                    ),
                    lo,
                )
                inside = region[0] <= t.idx[first] < region[1]
                opens = t.idx[first] in opening and para(t.idx[first]) == last_para
                if not (inside or opens):
                    break
                roots = [x for x in range(lo, hi) if t.head[x] == x and t.pos[x] != "SPACE"]
                if not roots:
                    break
                if opens and not inside:  # a new quotation in the same paragraph: its own region
                    r2 = region_of(t.idx[first])
                    region = regions[r2] if r2 >= 0 else region
                content = quoted(t, trim(t, [(lo, hi)], cc=False), inside=True)
                if content:
                    out.append(_quote_of(f, k, roots[0], content))
                last_para = para(t.idx[first])
                s += 1
        return out

    def _quote_before_frame(
        self, f: Attribution, k: int, region: tuple[int, int], covered: set[int]
    ) -> list[Attribution]:
        """'"We handle trade. Security is for others," he said': the sentences of the quotation
        before the one the speech verb hangs on are the same speaker's."""
        t = self.t
        out: list[Attribution] = []
        s = t.sent[f.content_range()[0]] - 1
        while s >= 0 and s not in covered:
            lo, hi = t.sents[s]
            first = next((x for x in range(lo, hi) if t.pos[x] != "SPACE"), lo)
            if not region[0] <= t.idx[first] < region[1]:
                break
            roots = [x for x in range(lo, hi) if t.head[x] == x and t.pos[x] != "SPACE"]
            content = quoted(t, trim(t, [(lo, hi)], cc=False), inside=True)
            if roots and content:
                out.append(_quote_of(f, k, roots[0], content))
            if t.idx[first] == region[0]:
                break  # the sentence that opens the quotation
            s -= 1
        out.reverse()
        return out

    # ------------------------------------------------------------------ source typing

    def _refine(self, f: Attribution, frames: list[Attribution]) -> None:
        if f.source is None:
            return
        t, w = self.t, self.words
        lo, hi = f.source
        head = _head_of(t, lo, hi)
        low = t.lower[head]
        if low in w.first_person and hi - lo == 1:
            outer = self._speaker_outside(f, frames)
            if outer is not None:  # '"We will stay," he said' -> "we" is the speaker's side
                f.source_type, f.entity, f.role = outer.source_type, outer.entity, outer.role
            elif any(a <= t.idx[head] < b for a, b in self.regions):
                f.source_type, f.entity = "anonymous", None  # inside a quotation whose speaker is not found
            else:
                f.source_type, f.entity = "author", None
            return
        if (low in w.person_pronouns or low in w.group_pronouns or low == "it") and hi - lo == 1:
            ent = self._antecedent(head, person=low in w.person_pronouns)
            if ent is not None:
                f.entity = ent
                etype = self.types.get(ent, "")
                f.source_type = (
                    "media"
                    if etype == "MEDIA"
                    else "named_person"
                    if etype == "PERSON"
                    else "named_organization"
                )
                if etype == "PERSON":
                    role = self._known_role(ent)
                    if role:
                        f.source_type, f.role = "named_official", role
            elif low in w.person_pronouns:
                f.source_type = "named_person"  # someone the text names, out of reach of the resolver
            return
        if (
            f.source_type == "anonymous"
            and t.lemma[head] in w.org_nouns
            and t.tag[head] in ("NN", "NNP")
            and not self._anonymity_phrase(lo, hi)
        ):
            f.source_type = "named_organization"  # "the ministry said": a body, not an unnamed person
        if f.source_type == "named_official":
            f.role = self._role(lo, hi, f.entity)
        elif f.source_type == "named_person" and f.entity is not None:
            role = self._known_role(f.entity)  # "Smith said", after "Defence Minister John Smith"
            if role:
                f.source_type, f.role = "named_official", role

    def _speaker_outside(self, f: Attribution, frames: list[Attribution]) -> Attribution | None:
        if f.parent is not None:
            return frames[f.parent]
        if f.continues is not None:
            return self._speaker_outside(frames[f.continues], frames)
        return None

    def _anonymity_phrase(self, lo: int, hi: int) -> bool:
        lower = self.t.lower
        for i in range(lo, hi):
            for p in self.cues.anonymity_phrases:
                if p[0] == lower[i] and tuple(lower[i : i + len(p)]) == p:
                    return True
        return False

    def _antecedent(self, pron: int, person: bool) -> str | None:
        """The nearest earlier actor within a few sentences: a person for he/she, else any actor."""
        t = self.t
        first_sent = max(0, t.sent[pron] - self.words.pronoun_window)
        floor = t.sents[first_sent][0]
        ent = self.index.entity
        for i in range(pron - 1, floor - 1, -1):
            e = ent[i]
            if e is None:
                continue
            is_person = self.types.get(e) == "PERSON"
            if is_person == person:
                return e
        return None

    def _role(self, lo: int, hi: int, entity: str | None) -> str:
        """The source phrase less the person's name: "Foreign Minister" of "Foreign Minister X"."""
        t = self.t
        text = self.analysis.document.text
        person = [
            i
            for i in range(lo, hi)
            if entity is not None and self.index.entity[i] == entity and self.types.get(entity) == "PERSON"
        ]
        if not person:
            return text[t.idx[lo] : t.end[hi - 1]]
        parts = trim(t, subtract([(lo, hi)], (person[0], person[-1] + 1)), cc=True)
        parts = [(s, e) for s, e in parts if any(t.lemma[k] in self.cues.titles for k in range(s, e))]
        if not parts:
            return text[t.idx[lo] : t.end[hi - 1]]
        s, e = max(parts, key=lambda p: p[1] - p[0])
        return text[t.idx[s] : t.end[e - 1]]

    def _known_role(self, entity: str) -> str | None:
        """A title written just before any mention of the person ("Defence Minister X")."""
        t = self.t
        spans = self.index.spans.get(entity, [])
        for s, _ in spans:
            k = s
            while k - 1 >= 0 and t.dep[k - 1] == "compound" and t.pos[k - 1] in ("PROPN", "NOUN"):
                k -= 1
            if k < s and any(t.lemma[x] in self.cues.titles for x in range(k, s)):
                return self.analysis.document.text[t.idx[k] : t.end[s - 1]]
        return None


def _quote_of(f: Attribution, k: int, root: int, content: list[tuple[int, int]]) -> Attribution:
    """A quoted sentence of frame `f` (number `k`): same cue and speaker, its own root and content."""
    return Attribution("quote", f.cue, f.verb, f.source, f.source_type, f.entity, root, content, continues=k)


def _head_of(t: TokenTable, lo: int, hi: int) -> int:
    """The token of [lo, hi) whose head lies outside it."""
    for i in range(lo, hi):
        if not (lo <= t.head[i] < hi) or t.head[i] == i:
            return i
    return lo


def quote_regions(text: str) -> list[tuple[int, int]]:
    """Character ranges [open, close+1) of double quotations, paired within paragraphs.

    A quotation mark is '"' after folding (curly quotes included) or two apostrophes ('' or ``,
    typewriter style). A quotation left open at the end of a paragraph runs on when the next
    paragraph opens with a quotation mark (the newspaper convention for a quote over several
    paragraphs).
    """
    folded = text
    out: list[tuple[int, int]] = []
    start = -1
    skip_to = -1
    for m in _MARKS.finditer(folded):
        pos, mark = m.start(), m.group()
        if pos < skip_to:
            continue
        if mark != "\n":
            if start < 0:
                start = pos
            else:
                out.append((start, m.end()))
                start = -1
            continue
        if start < 0:
            continue
        nxt = _NEXT_MARK.match(folded, pos + 1)
        if nxt is not None:
            skip_to = nxt.end()  # the next paragraph opens with a mark: the quotation runs on
        else:
            start = -1  # an unclosed quotation ends with its paragraph
    return out


_ASIDE = re.compile(r"^[ \t]*(?:\[[^\[\]\n]*\]|\([^()\n]*\))[ \t]*$", re.MULTILINE)


def aside_lines(text: str) -> list[tuple[int, int]]:
    """Character ranges of lines wholly in brackets or parentheses: an editor's note, a credit
    line ("(Reporting by ...)"), a sample marker. They speak about the text, not about the world."""
    return [(m.start(), m.end()) for m in _ASIDE.finditer(text)]


def paragraph_index(text: str) -> Any:
    """A function: character offset -> paragraph number (paragraphs split at line breaks)."""
    breaks = [m.start() for m in _BREAK.finditer(text)]
    return lambda offset: bisect_right(breaks, offset)
