"""Reporting frames: who the text says an event comes from.

A frame is a cue with a source and a content:

- a reporting verb with a clausal complement: "*Officials said* [Russia will deploy troops]";
- a reporting verb with an event noun as object: "*Informed sources have tracked* [the crossing ...]";
- a participle on a source noun: "*reports revealing* [an unprecedented flow ...]";
- "*according to Reuters*, [jets struck a convoy]", and adverbs like "*reportedly*".

The content is a token (the root of the reported clause or noun phrase); every token under it is
reported by that frame. Looking up a token walks its ancestors and returns the nearest frame, with
the number of frames above it ("X told Y that Z said ...": Z's frame, chain 2).

The source is classified as named_person, named_official, named_organization, anonymous, document,
media or author, from the entities covering it and the word lists in
``gossamer/data/lexicons/attribution.yaml``. The module parses nothing: it reads the one parse.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml

from .events.tokens import Node, TokenIndex, TokenTable, token_index, token_table
from .model import Analysis
from .nlp import Parsed

SOURCE_TYPES = (
    "named_person",
    "named_official",
    "named_organization",
    "anonymous",
    "document",
    "media",
    "author",
)
_SUBJ = frozenset({"nsubj", "csubj"})
_CONTENT_DEPS = frozenset({"ccomp", "parataxis"})
_NOUNISH = frozenset({"NOUN", "PROPN", "PRON"})
_HYPHENS = frozenset({"-", "‐", "–"})
_PUNCT_EDGE = frozenset({",", "-", "—", "–", ":", ";", '"', "'", "(", ")", "#", "*"})


@dataclass(frozen=True)
class Cues:
    reporting: frozenset[str]
    content_preps: dict[str, frozenset[str]]
    object_reporting: frozenset[str]
    deny: frozenset[str]
    deny_report_nouns: frozenset[str]
    threat: frozenset[str]
    plan: frozenset[str]
    plan_aux: tuple[tuple[str, ...], ...]
    future: frozenset[str]  # one-word future auxiliaries: will, shall, 'll
    plan_heads: frozenset[str]  # first words of "going to", "set to", "due to" ...
    hypothetical_aux: frozenset[str]
    hypothetical_marks: tuple[tuple[str, ...], ...]
    reported_would: frozenset[str]
    irrealis: frozenset[str]
    negating: frozenset[str]
    according: tuple[tuple[str, ...], ...]
    adverbs: frozenset[str]
    anonymous_people: frozenset[str]
    shares: frozenset[str]
    anonymity_phrases: tuple[tuple[str, ...], ...]
    documents: frozenset[str]
    anonymous_evidence: frozenset[str]
    anonymous_modifiers: frozenset[str]
    media: frozenset[str]
    titles: frozenset[str]
    source_nouns: frozenset[str]
    non_sources: frozenset[str]
    author: frozenset[str]


def _phrases(items: Iterable[str]) -> tuple[tuple[str, ...], ...]:
    return tuple(sorted({tuple(str(p).lower().split()) for p in items}, key=len, reverse=True))


def check_strings(data: Any, where: str) -> None:
    """Refuse YAML's surprises: a bare on/off/yes/no in a word list is a boolean, not a word."""
    if isinstance(data, dict):
        for k, v in data.items():
            check_strings(v, f"{where}/{k}")
    elif isinstance(data, list):
        for v in data:
            if isinstance(v, (bool, type(None))):
                raise ValueError(f"{where}: {v!r} in a word list (quote it)")  # noqa: TRY004 - bad data
            check_strings(v, where)


def build_cues(data: dict[str, Any]) -> Cues:
    check_strings(data, "attribution.yaml")
    rep = {k: v for k, v in data["reporting_verbs"].items() if k != "source"}
    return Cues(
        reporting=frozenset(k.split()[0] for k in rep),
        content_preps={k: frozenset((v or {}).get("content_preps") or ()) for k, v in rep.items()},
        object_reporting=frozenset(data["object_reporting_verbs"]["verbs"]),
        deny=frozenset(data["deny_verbs"]["verbs"]),
        deny_report_nouns=frozenset(data["deny_verbs"]["report_nouns"]),
        threat=frozenset(data["threat_verbs"]["verbs"]),
        plan=frozenset(data["plan_verbs"]["verbs"]),
        plan_aux=_phrases(data["plan_verbs"]["aux"]),
        future=frozenset(p[0] for p in _phrases(data["plan_verbs"]["aux"]) if len(p) == 1),
        plan_heads=frozenset(p[0] for p in _phrases(data["plan_verbs"]["aux"]) if len(p) > 1),
        hypothetical_aux=frozenset(data["hypothetical"]["aux"]),
        hypothetical_marks=_phrases(data["hypothetical"]["marks"]),
        reported_would=frozenset(data["hypothetical"]["reported_would"]),
        irrealis=frozenset(data["hypothetical"]["verbs"]),
        negating=frozenset(data["negating_verbs"]["verbs"]),
        according=_phrases(data["according_to"]["phrases"]),
        adverbs=frozenset(data["adverbial_cues"]["words"]),
        anonymous_people=frozenset(data["anonymous_people"]["nouns"]),
        shares=frozenset(data["shares"]["nouns"]),
        anonymity_phrases=_phrases(data["anonymous_people"]["phrases"]),
        documents=frozenset(data["documents"]["nouns"]),
        anonymous_evidence=frozenset(data["documents"]["anonymous_nouns"]),
        anonymous_modifiers=frozenset(data["documents"]["anonymous_modifiers"]),
        media=frozenset(data["media"]["nouns"]),
        titles=frozenset(data["titles"]["nouns"]),
        source_nouns=frozenset(data["source_nouns"]["nouns"]),
        non_sources=frozenset(data["non_sources"]["pronouns"]),
        author=frozenset(data["author"]["pronouns"]),
    )


@functools.cache
def load_cues() -> Cues:
    text = resources.files("gossamer").joinpath("data/lexicons/attribution.yaml").read_text(encoding="utf-8")
    return build_cues(yaml.safe_load(text))


@dataclass(frozen=True)
class Frame:
    """One reporting frame. Token spans are [start, end) token indices into the Doc; the `*_chars`
    are the same spans as character offsets into the document text."""

    cue: tuple[int, int]
    cue_chars: tuple[int, int]
    cue_lemma: str
    kind: str  # say, deny, according, adverb
    source: tuple[int, int] | None
    source_chars: tuple[int, int] | None
    entity: str | None
    source_type: str
    content: int  # root token of what is reported

    def as_dict(self, text: str, chain: int = 1) -> dict[str, Any]:
        """The `attributed_to` object of an event or claim; `text` is `Document.text`."""
        out: dict[str, Any] = {"text": None, "mention": None, "entity": self.entity}
        if self.source_chars is not None:
            s, e = self.source_chars
            out["text"] = text[s:e]
            out["mention"] = [s, e]
        s, e = self.cue_chars
        out.update(cue=text[s:e], cue_mention=[s, e], source_type=self.source_type, chain=chain)
        return out


class Frames:
    """All frames of one document, looked up by the tokens they report."""

    def __init__(self, frames: list[Frame]) -> None:
        self.frames = frames
        self._by_content: dict[int, Frame] = {}
        for f in frames:
            self._by_content.setdefault(f.content, f)

    def __len__(self) -> int:
        return len(self.frames)

    def lookup(self, token: Node) -> tuple[Frame | None, int]:
        """The nearest frame reporting `token`, and how many frames report it in all."""
        nearest: Frame | None = None
        chain = 0
        node = token
        while True:
            f = self._by_content.get(node.i)
            if f is not None and not (f.cue[0] <= token.i < f.cue[1]):
                if nearest is None:
                    nearest = f
                chain += 1
            if node.head.i == node.i:
                break
            node = node.head
        return nearest, chain


def _starts_with(lower: list[str], i: int, phrase: tuple[str, ...]) -> bool:
    return tuple(lower[i : i + len(phrase)]) == phrase


def _contains(lower: list[str], lo: int, hi: int, phrases: tuple[tuple[str, ...], ...]) -> bool:
    for i in range(lo, hi):
        w = lower[i]
        for p in phrases:
            if p[0] == w and i + len(p) <= hi and tuple(lower[i : i + len(p)]) == p:
                return True
    return False


def source_block(tok: Node, table: TokenTable, exclude: Node | None = None) -> tuple[int, int]:
    """The contiguous part of `tok`'s subtree around it, trimmed of edge punctuation.

    A small parser sometimes hangs far-away words on a source noun; only the unbroken run of
    subtree tokens around the head is the source phrase. `exclude` (the cue, when it modifies
    the source noun: "reports revealing ...") takes its own subtree out.
    """
    cut = exclude.i if exclude is not None and exclude.head.i == tok.i and exclude.i != tok.i else -1

    def inside(k: int) -> bool:
        return table.under(k, tok.i) and not (cut >= 0 and table.under(k, cut))

    lo = tok.i
    while lo - 1 >= 0 and inside(lo - 1):
        lo -= 1
    hi = tok.i + 1
    n = len(table.head)
    while hi < n and inside(hi):
        hi += 1
    lower, pos = table.lower, table.pos
    # a hyphenated name the tokenizer split ("al-Obeidi" as three subjects) stays whole
    idx, end = table.idx, table.end
    while hi < n and end[hi - 1] == idx[hi] and _hyphen_joined(lower[hi - 1], lower[hi]):
        hi += 1
    while lo > 0 and end[lo - 1] == idx[lo] and _hyphen_joined(lower[lo - 1], lower[lo]):
        lo -= 1
    while lo < tok.i and (lower[lo] in _PUNCT_EDGE or pos[lo] == "SPACE"):
        lo += 1
    while hi - 1 > tok.i and (lower[hi - 1] in _PUNCT_EDGE or pos[hi - 1] == "SPACE"):
        hi -= 1
    return lo, hi


def _hyphen_joined(left: str, right: str) -> bool:
    """Two touching tokens of one hyphenated word: a word and a hyphen, in either order."""
    if left in _HYPHENS:
        return right[:1].isalnum()
    return right in _HYPHENS and left[-1:].isalnum()


def classify_source(
    span: tuple[int, int],
    head: Node,
    index: TokenIndex,
    entity_types: dict[str, str],
    cues: Cues,
    table: TokenTable,
) -> tuple[str, str | None]:
    """(source_type, entity id) of a source phrase.

    Entities decide first (a media outlet, a person with or without a title, an organisation),
    then the head noun: media nouns, documents (named or generic), unnamed people and evidence.
    """
    lo, hi = span
    keys = {head.lemma_.lower(), head.lower_}  # "data"/"datum", "media"/"medium"

    def head_in(words: frozenset[str]) -> bool:
        return not keys.isdisjoint(words)

    if head.lower_ in cues.author and hi - lo == 1:
        return "author", None
    entity = index.entity[head.i]
    if entity is None:
        entity = next((index.entity[t] for t in range(lo, hi) if index.entity[t] is not None), None)
    words = {table.lemma[t] for t in range(lo, hi)}
    has_title = bool(words & cues.titles)
    anonymous_phrase = _contains(table.lower, lo, hi, cues.anonymity_phrases)
    if entity is not None:
        etype = entity_types.get(entity, "")
        share = (head.pos_ == "NUM" or head_in(cues.shares)) and index.entity[head.i] is None
        if share or (lo < head.i and table.lower[lo] in cues.shares) or _ratio(table, lo, hi):
            return "anonymous", entity  # "six in 10 Iraqis", "most Iraqis": unnamed people of a named group
        if etype == "MEDIA" or head_in(cues.media):
            return "media", entity  # "Lebanese state media": media, of a known country
        if head_in(cues.documents):
            return "document", entity
        if anonymous_phrase or (
            head_in(cues.anonymous_people)
            and not has_title
            and (index.entity[head.i] is None or head.tag_ == "NNS")
        ):
            return "anonymous", entity  # "Iranian officials said": unnamed people of a known side
        if etype == "PERSON":
            return ("named_official" if has_title else "named_person"), entity
        if head_in(cues.titles) and index.entity[head.i] is None:
            return "named_official", entity
        return "named_organization", entity
    if anonymous_phrase:
        return "anonymous", None
    if head_in(cues.media):
        return "media", None
    if head.ent_type_ == "PERSON" or (head.pos_ == "PROPN" and has_title):
        return ("named_official" if has_title else "named_person"), None
    if head.ent_type_ in ("ORG", "NORP", "GPE") and head.pos_ == "PROPN":
        return "named_organization", None
    if head_in(cues.documents):
        named = any(table.pos[t] == "PROPN" for t in range(lo, hi))
        generic = bool(words & cues.anonymous_modifiers) or head.tag_ == "NNS"
        return ("anonymous" if generic and not named else "document"), None
    if head_in(cues.anonymous_evidence) or head_in(cues.anonymous_people):
        return "anonymous", None
    if head_in(cues.titles) and head.tag_ != "NNS":
        return "named_official", None
    return "anonymous", None


def _ratio(table: TokenTable, lo: int, hi: int) -> bool:
    """A poll's ratio opens the phrase: "six in 10", "nine out of 10"."""
    for i in range(lo, min(hi, lo + 3)):
        if table.pos[i] == "NUM" and i + 2 < hi and table.lower[i + 1] in ("in", "out"):
            nxt = i + 3 if table.lower[i + 2] == "of" else i + 2
            return nxt < hi and table.pos[nxt] == "NUM"
    return False


def _cue_span(verb: Node) -> tuple[int, int]:
    """The cue with its auxiliaries and particle: "have tracked", "has been reported"."""
    lo = verb.i
    hi = verb.i + 1
    for c in verb.children:
        if c.dep_ in ("aux", "auxpass") and c.i < verb.i and c.i == lo - 1:
            lo = c.i
        elif c.dep_ == "prt" and c.i == hi:
            hi = c.i + 1
    # auxiliaries stand just before the verb, possibly several ("has been")
    changed = True
    while changed:
        changed = False
        for c in verb.children:
            if c.dep_ in ("aux", "auxpass", "neg") and c.i == lo - 1:
                lo = c.i
                changed = True
    return lo, hi


def _subject_of(verb: Node) -> Node | None:
    for c in verb.children:
        if c.dep_ in _SUBJ:
            if c.tag_ in ("WP", "WDT") and verb.dep_ == "relcl":
                return verb.head  # "officials who said ..."
            return c
    for c in verb.children:
        if c.dep_ == "agent":  # "was confirmed by the ministry"
            for g in c.children:
                if g.dep_ == "pobj":
                    return g
    if verb.dep_ in ("acl", "relcl") and verb.head.pos_ in _NOUNISH:
        return verb.head  # "reports revealing ...", "officials who said ..."
    if verb.dep_ == "conj" and verb.head.pos_ in ("VERB", "AUX"):
        return _subject_of(verb.head)
    return None


def find_frames(analysis: Analysis, parsed: Parsed) -> Frames:
    """Every reporting frame of the document (cached in `parsed.cache` per analysis)."""
    stamp = (id(analysis), len(analysis.entities))
    cached = parsed.cache.get("attribution.frames")
    if cached is not None and cached[0] == stamp:
        return cached[1]
    cues = load_cues()
    table = token_table(parsed)
    index = token_index(analysis, parsed)
    types = {e.id: e.type for e in analysis.entities}
    frames: list[Frame] = []

    def chars(span: tuple[int, int]) -> tuple[int, int]:
        return table.idx[span[0]], table.end[span[1] - 1]

    def make(
        cue: tuple[int, int],
        lemma: str,
        kind: str,
        src: Node | None,
        content: Node,
        cue_tok: Node | None = None,
    ) -> None:
        if src is None:
            frames.append(Frame(cue, chars(cue), lemma, kind, None, None, None, "anonymous", content.i))
            return
        span = source_block(src, table, cue_tok)
        stype, ent = classify_source(span, src, index, types, cues, table)
        frames.append(Frame(cue, chars(cue), lemma, kind, span, chars(span), ent, stype, content.i))

    firsts = {p[0] for p in cues.according}
    lemmas, lowers, poses = table.lemma, table.lower, table.pos
    for i in range(len(lemmas)):  # scan the lists; make a Node only for a candidate cue
        low = lowers[i]
        if not (
            (poses[i] in ("VERB", "AUX") and lemmas[i] in cues.reporting)
            or low in cues.adverbs
            or low in firsts
        ):
            continue
        tok = table.node(i)
        lemma = lemmas[i]
        if tok.pos_ in ("VERB", "AUX") and lemma in cues.reporting:
            content = _content_of(tok, lemma, cues)
            src = None
            if content is None:
                fronted = fronted_report(tok)
                if fronted is None:
                    continue
                content, src = fronted
            kind = "deny" if lemma in cues.deny else "say"
            src = src or _subject_of(tok)
            if src is None:
                if not _is_passive(tok):  # no subject and not "it was reported that": not a frame
                    continue
            elif not _can_speak(src, index, cues):
                continue  # "the events confirm that ...": the author's own inference
            make(_cue_span(tok), lemma, kind, src, content, tok)
        elif tok.lower_ in cues.adverbs and tok.dep_ == "advmod":
            make((tok.i, tok.i + 1), tok.lower_, "adverb", None, tok.head)
        else:
            for phrase in cues.according:
                if tok.lower_ == phrase[0] and _starts_with(lowers, tok.i, phrase):
                    _according(table, tok, phrase, make)
                    break
    result = Frames(frames)
    parsed.cache["attribution.frames"] = (stamp, result)
    return result


def fronted_report(verb: Node) -> tuple[Node, Node] | None:
    """(content, speaker) of "<clause>, officials said." read as two subjects of "said".

    A small parser often makes a long fronted report ("A convoy carrying 1,200 fighters crossed
    into Syria on Thursday, two officials said") a second subject of the reporting verb. Two
    subjects with a comma between them cannot both be the speaker: the nearer one speaks and
    the farther one is what was said.
    """
    subj = [c for c in verb.children if c.dep_ in _SUBJ and c.i < verb.i]
    if len(subj) < 2 or any(c.dep_ in _CONTENT_DEPS for c in verb.children):
        return None
    first, speaker = subj[0], subj[-1]
    lower = verb.table.lower
    if "," not in lower[first.right_edge.i + 1 : speaker.left_edge.i + 1]:
        return None
    return first, speaker


def _is_passive(verb: Node) -> bool:
    return any(c.dep_ in ("auxpass", "nsubjpass") for c in verb.children)


def _can_speak(tok: Node, index: TokenIndex, cues: Cues) -> bool:
    """Whether a subject can be the source of a report at all."""
    if index.entity[tok.i] is not None or tok.pos_ == "PROPN" or tok.ent_type_ in ("PERSON", "ORG", "NORP"):
        return True
    low = tok.lower_
    if tok.pos_ == "PRON":
        return low not in cues.non_sources
    return any(
        w in cues.anonymous_people
        or w in cues.documents
        or w in cues.anonymous_evidence
        or w in cues.media
        or w in cues.titles
        or w in cues.source_nouns
        for w in (tok.lemma_.lower(), low)
    )


def _content_of(verb: Node, lemma: str, cues: Cues) -> Node | None:
    """What a reporting verb reports: its clause, else its event object, else None."""
    for c in verb.children:
        if c.dep_ in _CONTENT_DEPS:
            return c
    preps = cues.content_preps.get(lemma)
    if preps:
        for c in verb.children:
            if c.dep_ == "prep" and c.lower_ in preps:
                for g in c.children:
                    if g.dep_ in ("pcomp", "pobj"):
                        return g
    if lemma in cues.object_reporting:
        for c in verb.children:
            if c.dep_ in ("dobj", "nsubjpass") and c.pos_ in ("NOUN", "PROPN"):
                # "denied reports that ...": the clause under the report noun is the content
                if c.lemma_.lower() in cues.deny_report_nouns:
                    for g in c.children:
                        if g.dep_ in ("acl", "ccomp", "relcl"):
                            return g
                return c
    # "..., officials said." with the reported clause as the root: the parser makes the reporting
    # verb the root and the clause its ccomp (handled above); a quoted clause before a colon is not
    # read here.
    return None


def _according(table: TokenTable, tok: Node, phrase: tuple[str, ...], make: Any) -> None:
    """ "according to X, ...": X is the source, the verb the phrase hangs on is the content."""
    last = table.node(tok.i + len(phrase) - 1)
    src = None
    for t in (last, tok):
        for c in t.children:
            if c.dep_ == "pobj":
                src = c
                break
            if c.dep_ == "prep":
                for g in c.children:
                    if g.dep_ == "pobj":
                        src = g
                        break
        if src is not None:
            break
    if src is None and last.i + 1 < len(table):  # a flat parse: take the next noun
        for t in (table.node(k) for k in range(last.i + 1, min(len(table), last.i + 8))):
            if t.pos_ in _NOUNISH:
                src = t
                break
            if t.is_punct and t.text != "'":
                break
    content = tok.head
    while content.pos_ not in ("VERB", "AUX") and content.head.i != content.i:
        content = content.head
    if content.i == tok.i:
        return
    # "X left and entered Y, according to Z": set off after the clause, the phrase covers every
    # conjoined verb, not only the last one it hangs on
    if tok.i > content.i and tok.i > 0 and table.lower[tok.i - 1] == ",":
        while content.dep_ == "conj" and content.head.pos_ in ("VERB", "AUX") and content.head.i < content.i:
            content = content.head
    make((tok.i, last.i + 1), " ".join(phrase), "according", src, content)
