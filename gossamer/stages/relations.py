"""The actor web: typed, directed ties between the entities of one document.

Three kinds of evidence, each kept apart by `origin`:

- ``event``: an event's actor and recipient are tied by what one did to the other (an assault
  is `attacks`, an aid event `backs`, an order to a subordinate `directs`). Events that did not
  happen (negated, denied, hypothetical) or are history say nothing about a current tie.
- ``text``: an explicit statement of the tie ("its proxies within X", "X-backed Y", "Y, loyal
  to X"), read over the dependency parse with the trigger words of
  ``data/lexicons/relations.yaml``.
- ``kb``: an affiliation the actor knowledge base records between two actors the document
  names. Background knowledge, not evidence from the text: no mentions, `why` cites the source.

One relation per (type, source, target, origin); symmetric types (allied_with, ...) fold both
directions into one. Later readings add their mentions and events to the first.
All rules and words live in the lexicon; nothing here knows any particular actor.
"""

from __future__ import annotations

import functools
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from itertools import combinations
from typing import Any

import yaml
from spacy.tokens import Doc, Token

from ..kb import KB, Actor, load_kb
from ..model import Analysis, Entity, Event, Mention, Relation
from ..nlp import Parsed

_SUBJ = frozenset({"nsubj", "nsubjpass"})
_PREDICATE = frozenset({"attr", "acomp", "advcl", "oprd", "xcomp"})
_MODIFIER = frozenset({"appos", "acl", "amod", "relcl", "compound", "npadvmod"})
_PREP = frozenset({"prep", "agent"})
_CONDITIONAL = frozenset({"if", "unless", "whether"})
_POSS_PRONOUNS = {"its": False, "their": False, "his": True, "her": True}  # pronoun -> refers to a person
_SUBJ_PRONOUNS = {"it": False, "they": False, "he": True, "she": True}
_NOUN_POS = frozenset({"NOUN", "PROPN"})
_QUOTE_TRAIL = ".,;:!?"
_MAX_CONJ = 6  # conjoined names followed from one head ("X, Y and Z")


# ------------------------------------------------------------------ lexicon


@dataclass(frozen=True)
class Trigger:
    """One entry of the `text.triggers` list: how a word links a holder and an other."""

    type: str
    from_holder: bool
    preps: frozenset[str] = frozenset()
    possessive: bool = False
    demonym: bool = False
    hyphen: bool = False
    active: bool = False
    light: bool = False
    mutual: bool = False


@dataclass(frozen=True)
class Lexicon:
    symmetric: frozenset[str]
    event_types: dict[str, tuple[str, str | None]]  # PLOVER category -> (relation type, only-rule)
    skip_status: frozenset[str]
    unrealised_status: frozenset[str]
    unrealised_types: dict[str, str]
    command_words: frozenset[str]
    authority_types: frozenset[str]
    non_state_types: frozenset[str]
    domestic_types: frozenset[str]
    person_authority: frozenset[str]
    chain: frozenset[str]
    max_hops: int
    kb_map: dict[str, tuple[str, bool]]  # KB relation -> (relation type, reverse)
    triggers: dict[str, tuple[Trigger, ...]]
    holder_preps: frozenset[str]
    place_like: frozenset[str]
    light_verbs: frozenset[str]
    position_verbs: frozenset[str] = frozenset()


@functools.cache
def load_lexicon() -> Lexicon:
    """Read ``data/lexicons/relations.yaml`` once per process."""
    raw = resources.files("gossamer").joinpath("data/lexicons/relations.yaml").read_text(encoding="utf-8")
    return _lexicon(yaml.safe_load(raw))


def _lexicon(data: dict[str, Any]) -> Lexicon:
    ev, cmd, text = data["events"], data["command"], data["text"]
    triggers: dict[str, list[Trigger]] = {}
    for entry in text["triggers"]:
        if entry["from"] not in ("holder", "other"):
            raise ValueError(f"relations.yaml: `from` must be holder or other, got {entry['from']!r}")
        trig = Trigger(
            type=entry["type"],
            from_holder=entry["from"] == "holder",
            preps=frozenset(entry.get("preps") or ()),
            possessive=bool(entry.get("possessive")),
            demonym=bool(entry.get("demonym")),
            hyphen=bool(entry.get("hyphen")),
            active=bool(entry.get("active")),
            light=bool(entry.get("light")),
            mutual=bool(entry.get("mutual")),
        )
        for word in entry["words"]:
            triggers.setdefault(word.lower(), []).append(trig)
    return Lexicon(
        symmetric=frozenset(data["symmetric"]["types"]),
        event_types={cat: (r["type"], r.get("only")) for cat, r in ev["categories"].items()},
        skip_status=frozenset(ev["skip_status"]),
        unrealised_status=frozenset(ev["unrealised"]["status"]),
        unrealised_types=dict(ev["unrealised"]["types"]),
        command_words=frozenset(w.lower() for w in cmd["words"]),
        authority_types=frozenset(cmd["authority_types"]),
        non_state_types=frozenset(cmd["non_state_types"]),
        domestic_types=frozenset(cmd["domestic_types"]),
        person_authority=frozenset(cmd["person_authority_relations"]),
        chain=frozenset(cmd["chain"]),
        max_hops=int(cmd["max_hops"]),
        kb_map={rel: (m["type"], bool(m.get("reverse"))) for rel, m in data["kb"]["map"].items()},
        triggers={w: tuple(ts) for w, ts in triggers.items()},
        holder_preps=frozenset(text["holder_preps"]),
        place_like=frozenset(text["place_like"]),
        light_verbs=frozenset(w.lower() for w in text["light_verbs"]),
        position_verbs=frozenset(w.lower() for w in text["position_verbs"]),
    )


# ------------------------------------------------------------------ relations being assembled


@dataclass
class _Draft:
    type: str
    source: str
    target: str
    origin: str
    why: str
    mentions: list[Mention] = field(default_factory=list)
    events: list[str] = field(default_factory=list)
    time: str | None = None


class _Drafts:
    """Relations keyed by (type, source, target, origin), symmetric pairs folded together."""

    def __init__(self, symmetric: frozenset[str]) -> None:
        self.symmetric = symmetric
        self.items: dict[tuple[str, str, str, str], _Draft] = {}

    def add(
        self,
        rtype: str,
        source: str,
        target: str,
        origin: str,
        why: str,
        mentions: Iterable[Mention] = (),
        events: Iterable[str] = (),
        time: str | None = None,
    ) -> None:
        if source == target:
            return
        a, b = (min(source, target), max(source, target)) if rtype in self.symmetric else (source, target)
        k = (rtype, a, b, origin)
        draft = self.items.get(k)
        if draft is None:
            draft = self.items[k] = _Draft(rtype, source, target, origin, why)
        for m in mentions:
            if list(m) not in draft.mentions:
                draft.mentions.append(list(m))
        for e in events:
            if e not in draft.events:
                draft.events.append(e)
        if draft.time is None:
            draft.time = time


# ------------------------------------------------------------------ entities by token


Hit = tuple[str, tuple[int, int]]  # (entity id, evidence char range)


class _EntityIndex:
    """Which entity each token belongs to (the longest mention covering it), and mention order."""

    def __init__(self, analysis: Analysis, doc: Doc) -> None:
        n = len(doc)
        starts = [t.idx for t in doc]
        self.at: list[tuple[Entity, int, int] | None] = [None] * n
        self.ordered: list[tuple[int, int, Entity]] = []
        for ent in analysis.entities:
            for s, e in ent.mentions:
                self.ordered.append((s, e, ent))
                i = max(0, bisect_right(starts, s) - 1)
                if i < n and starts[i] + len(doc[i]) <= s:
                    i += 1
                while i < n and starts[i] < e:
                    cur = self.at[i]
                    if cur is None or cur[2] - cur[1] < e - s:
                        self.at[i] = (ent, s, e)
                    i += 1
        self.ordered.sort(key=lambda x: (x[0], x[1]))
        self.starts = [s for s, _, _ in self.ordered]

    def hit(self, tok: Token) -> Hit | None:
        found = self.at[tok.i]
        return None if found is None else (found[0].id, (found[1], found[2]))

    def entity(self, tok: Token) -> Entity | None:
        found = self.at[tok.i]
        return None if found is None else found[0]

    def preceding(self, before: int, person: bool, exclude: set[str]) -> Entity | None:
        """The actor named nearest before char `before`: a person for his/her, else a non-person."""
        # mentions sorted by start; scan back from the last one that starts before `before`
        i = bisect_right(self.starts, before) - 1
        while i >= 0:
            _, e, ent = self.ordered[i]
            if e <= before and ent.id not in exclude and (ent.type == "PERSON") == person:
                return ent
            i -= 1
        return None


# ------------------------------------------------------------------ the stage


class RelationStage:
    name = "relations"

    def __init__(self, kb: KB | None = None, lexicon: Lexicon | None = None) -> None:
        self.kb = kb or load_kb()
        self.lex = lexicon or load_lexicon()

    def __call__(self, analysis: Analysis, parsed: Parsed) -> None:
        if len(analysis.entities) < 2:
            return
        entities = {e.id: e for e in analysis.entities}
        text_drafts = _Drafts(self.lex.symmetric)
        event_drafts = _Drafts(self.lex.symmetric)
        kb_drafts = _Drafts(self.lex.symmetric)
        _TextReader(self.lex, analysis, parsed, text_drafts).run()
        self._from_events(analysis, parsed, entities, event_drafts)
        self._from_kb(analysis, kb_drafts)
        for drafts in (text_drafts, event_drafts):
            for d in sorted(drafts.items.values(), key=lambda d: min(d.mentions) if d.mentions else [0, 0]):
                _materialise(analysis, d)
        for d in kb_drafts.items.values():
            _materialise(analysis, d)

    # -------------------------------------------------------------- events

    def _from_events(
        self, analysis: Analysis, parsed: Parsed, entities: dict[str, Entity], out: _Drafts
    ) -> None:
        lex = self.lex
        for ev in analysis.events:
            if ev.historical or ev.status in lex.skip_status:
                continue
            rule = lex.event_types.get(ev.category)
            if rule is None:
                continue
            rtype, only = rule
            if only == "command" and not self._is_command(ev, parsed):
                continue
            if ev.status in lex.unrealised_status:
                rtype = lex.unrealised_types.get(rtype, rtype)
            actors = [a for a in dict.fromkeys(ev.actors) if a in entities]
            recipients = [r for r in dict.fromkeys(ev.recipients) if r in entities]
            pairs = [(a, r) for a in actors for r in recipients if a != r]
            if not pairs and rtype in lex.symmetric and len(actors) > 1:
                pairs = list(combinations(actors, 2))
            for a, r in pairs:
                if only == "command" and not self._subordinate(entities[a], entities[r]):
                    continue
                why = f"{ev.category} event {ev.id} '{_trigger_text(analysis, ev)}': {entities[a].name} -> {entities[r].name}"
                if rtype != lex.event_types[ev.category][0]:
                    why += f" ({ev.status}, so {rtype} rather than {lex.event_types[ev.category][0]})"
                if ev.status == "claimed":
                    who = (ev.attributed_to or {}).get("text")
                    why += f"; claimed{' by ' + who if who else ''}, not established"
                out.add(rtype, a, r, "event", why, mentions=ev.mentions, events=[ev.id], time=ev.time)

    def _is_command(self, ev: Event, parsed: Parsed) -> bool:
        """An order rather than a plea: the trigger, its lemma or the event's mode is a command word."""
        words = self.lex.command_words
        if (ev.trigger or "").lower() in words or (ev.mode or "").lower() in words:
            return True
        doc = parsed.doc
        for s, e in ev.mentions:
            span = doc.char_span(s, e, alignment_mode="expand")
            if span is not None and any(t.lower_ in words or t.lemma_.lower() in words for t in span):
                return True
        return False

    def _subordinate(self, actor: Entity, recipient: Entity) -> bool:
        """Whether the recipient answers to the actor (see `command` in relations.yaml)."""
        lex, kb = self.lex, self.kb
        a_kb = kb.get(actor.kb_id) if actor.kb_id else None
        r_kb = kb.get(recipient.kb_id) if recipient.kb_id else None
        if a_kb is not None and r_kb is not None:
            if any(f.relation == "leads" and f.target == r_kb.id for f in a_kb.affiliations):
                return True
            bosses = {a_kb.id} | ({a_kb.state} if a_kb.state else set())
            if _reaches(kb, r_kb, bosses, lex.chain, lex.max_hops):
                return True
        authority = actor.type in lex.authority_types or (
            actor.type == "PERSON" and a_kb is not None and self._person_authority(a_kb)
        )
        if not authority:
            return False
        if recipient.type in lex.non_state_types:
            return True
        return (
            recipient.type in lex.domestic_types
            and actor.country is not None
            and actor.country == recipient.country
        )

    def _person_authority(self, person: Actor) -> bool:
        for f in person.affiliations:
            target = self.kb.get(f.target)
            if (
                f.relation in self.lex.person_authority
                and target is not None
                and target.type in self.lex.authority_types
            ):
                return True
        return False

    # -------------------------------------------------------------- knowledge base

    def _from_kb(self, analysis: Analysis, out: _Drafts) -> None:
        present: dict[str, Entity] = {}
        for ent in analysis.entities:
            if ent.kb_id:
                present.setdefault(ent.kb_id, ent)
        for kb_id, ent in present.items():
            actor = self.kb.get(kb_id)
            if actor is None:
                continue
            for aff in actor.affiliations:
                other = present.get(aff.target)
                mapped = self.lex.kb_map.get(aff.relation)
                if other is None or other is ent or mapped is None:
                    continue
                rtype, reverse = mapped
                source, target = (other, ent) if reverse else (ent, other)
                target_name = self.kb.actors[aff.target].name if aff.target in self.kb.actors else aff.target
                why = (
                    f"actor KB: {actor.name} {aff.relation.replace('_', ' ')} {target_name}"
                    f" (source: {aff.source or actor.source or 'actors.yaml'})"
                )
                out.add(rtype, source.id, target.id, "kb", why)


def _trigger_text(analysis: Analysis, ev: Event) -> str:
    if ev.trigger:
        return ev.trigger
    return analysis.text_of(ev.mentions[0]) if ev.mentions else ev.category.lower()


def _reaches(kb: KB, start: Actor, goals: set[str], chain: frozenset[str], max_hops: int) -> bool:
    """Whether following `chain` affiliations from `start` reaches one of `goals`."""
    frontier, seen = [start], {start.id}
    for _ in range(max_hops):
        nxt: list[Actor] = []
        for actor in frontier:
            for f in actor.affiliations:
                if f.relation not in chain or f.target in seen:
                    continue
                if f.target in goals:
                    return True
                seen.add(f.target)
                target = kb.get(f.target)
                if target is not None:
                    nxt.append(target)
        if not nxt:
            return False
        frontier = nxt
    return False


def _materialise(analysis: Analysis, d: _Draft) -> None:
    attrs = {
        "type": d.type,
        "source": d.source,
        "target": d.target,
        "origin": d.origin,
        "time": d.time,
        "events": d.events,
        "why": d.why,
    }
    if d.mentions:
        mentions = sorted(d.mentions)
        rel = analysis.new(Relation, mentions[0][0], mentions[0][1], **attrs)
        for s, e in mentions[1:]:
            rel.add_mention(s, e)
    else:
        analysis.relations.append(Relation(id=analysis.next_id(Relation), mentions=[], **attrs))


# ------------------------------------------------------------------ explicit statements


class _TextReader:
    """Reads explicit statements of ties ("X-backed Y", "its proxies within Y") off the parse."""

    def __init__(self, lex: Lexicon, analysis: Analysis, parsed: Parsed, out: _Drafts) -> None:
        self.lex = lex
        self.analysis = analysis
        self.doc = parsed.doc
        self.folded = parsed.folded
        self.out = out
        self.index = _EntityIndex(analysis, parsed.doc)
        self.entities = {e.id: e for e in analysis.entities}

    def run(self) -> None:
        triggers = self.lex.triggers
        for tok in self.doc:
            found = triggers.get(tok.lower_)
            if found is None or self._blocked(tok):
                continue
            for trig in found:
                self._read(tok, trig)

    def _read(self, tok: Token, trig: Trigger) -> None:
        if trig.active:
            others, holders = self._active(tok)
        else:
            others = self._others(tok, trig)
            holders = self._holders(tok, trig, others)
            if trig.possessive and not others:
                # "Hezbollah proxies": a noun-modifier name is the other when nothing else is
                others = [h for h in self._compounds(tok)]
            elif trig.possessive:
                holders += self._compounds(tok)
        between = self._between(tok, trig)
        if between:
            for (x, rx), (y, ry) in combinations(between, 2):
                self._add(trig, tok, (x, rx), (y, ry))
            return
        holders = _unique(holders)
        others = _unique(others)
        if others:
            for h in holders:
                for o in others:
                    self._add(trig, tok, h, o)
        elif trig.mutual and len(holders) > 1:
            for h, o in combinations(holders, 2):
                self._add(trig, tok, h, o)
                if trig.type not in self.lex.symmetric:
                    self._add(trig, tok, o, h)

    def _add(self, trig: Trigger, tok: Token, holder: Hit, other: Hit) -> None:
        if holder[0] == other[0]:
            return
        source, target = (holder, other) if trig.from_holder else (other, holder)
        s = min(tok.idx, holder[1][0], other[1][0])
        e = max(tok.idx + len(tok), holder[1][1], other[1][1])
        s, e = self._balance_quotes(s, e)
        names = self.entities
        why = f"statement: '{tok.text}' ({trig.type}: {names[source[0]].name} -> {names[target[0]].name})"
        self.out.add(trig.type, source[0], target[0], "text", why, mentions=[[s, e]])

    def _balance_quotes(self, s: int, e: int) -> tuple[int, int]:
        """Take in a closing (or opening) quote so that the evidence never cuts a quotation in two."""
        text = self.folded
        if text.count('"', s, e) % 2 == 0:
            return s, e
        j = e
        while j < len(text) and j - e < 3 and text[j] in _QUOTE_TRAIL:
            j += 1
        if j < len(text) and text[j] == '"':
            return s, j + 1
        if s > 0 and text[s - 1] == '"':
            return s - 1, e
        return s, e

    # -------------------------------------------------------------- finding the two sides

    def _blocked(self, tok: Token) -> bool:
        """Negated ("is not a proxy") or conditional ("if X backs Y") statements say nothing."""
        heads = [tok]
        if tok.dep_ in _PREDICATE or tok.dep_ in ("dobj", "pobj"):
            heads.append(tok.head)
        for h in heads:
            if any(c.dep_ == "neg" for c in h.children):
                return True
        verb: Token | None = tok
        for _ in range(4):
            if verb is None:
                break
            if verb.pos_ in ("VERB", "AUX"):
                return any(c.dep_ == "mark" and c.lower_ in _CONDITIONAL for c in verb.children)
            verb = verb.head if verb.head is not verb else None
        return False

    def _others(self, tok: Token, trig: Trigger) -> list[Hit]:
        out: list[Hit] = []
        if trig.preps:
            for prep in self._preps(tok):
                if prep.lower_ in trig.preps and prep.lower_ != "between":
                    for obj in prep.children:
                        if obj.dep_ == "pobj":
                            found = self._nominal(obj, exclude=set())
                            if prep.lower_ in self.lex.place_like:  # "factions within Iraq": where
                                found = [h for h in found if self._type(h[0]) != "STATE"]
                            out += found
        for c in tok.children:
            if c.dep_ == "poss" and trig.possessive:
                out += self._possessor(c)
            elif c.dep_ == "amod" and trig.demonym:
                hit = self.index.hit(c)
                if hit is not None:
                    out.append(hit)
        if trig.hyphen and tok.i >= 2 and self.doc[tok.i - 1].text == "-":
            hit = self.index.hit(self.doc[tok.i - 2])
            if hit is not None:
                out.append(hit)
        return out

    def _holders(self, tok: Token, trig: Trigger, others: list[Hit]) -> list[Hit]:
        out: list[Hit] = []
        dep, head = tok.dep_, tok.head
        own_subjects = [c for c in tok.children if c.dep_ in _SUBJ]
        if own_subjects:
            for s in own_subjects:
                out += self._nominal(s)
        elif dep in _PREDICATE:
            out += self._subjects_of(head)
        elif dep == "pobj" and head.lower_ == "as" and head.head is not head:
            out += self._subjects_of(head.head)
        elif dep in _MODIFIER and head is not tok:
            out += self._nominal(head)
        elif trig.light and dep == "dobj" and head.lemma_.lower() in self.lex.light_verbs:
            out += self._subjects_of(head)
        if tok.pos_ in _NOUN_POS or trig.possessive:
            for c in tok.children:
                if c.dep_ == "appos":
                    out += self._nominal(c)
            for prep in self._preps(tok):
                word = prep.lower_
                if word not in self.lex.holder_preps:
                    continue
                if word == "as" and not (prep.i > 0 and self.doc[prep.i - 1].lower_ == "such"):
                    continue
                for obj in prep.children:
                    if obj.dep_ == "pobj":
                        hits = self._nominal(obj)
                        if word in self.lex.place_like:
                            hits = [h for h in hits if self._type(h[0]) != "STATE"]
                        out += hits
        return out

    def _active(self, tok: Token) -> tuple[list[Hit], list[Hit]]:
        """ "X backs Y": the subject is the other, the object the holder; passives are not active."""
        if tok.pos_ not in ("VERB", "AUX"):
            return [], []
        kids = list(tok.children)
        if any(c.dep_ in ("nsubjpass", "auxpass", "agent") for c in kids):
            return [], []
        subj = [h for c in kids if c.dep_ == "nsubj" for h in self._nominal(c)]
        obj = [h for c in kids if c.dep_ == "dobj" for h in self._nominal(c)]
        return subj, obj

    def _between(self, tok: Token, trig: Trigger) -> list[Hit]:
        if "between" not in trig.preps:
            return []
        for prep in self._preps(tok):
            if prep.lower_ == "between":
                return _unique([h for obj in prep.children if obj.dep_ == "pobj" for h in self._nominal(obj)])
        return []

    def _preps(self, tok: Token) -> list[Token]:
        """Prepositions of a word, plus one right after its phrase that the parser hung higher up
        ("instructions to its proxies within X": "within" is parsed as the verb's)."""
        preps = [c for c in tok.children if c.dep_ in _PREP]
        # "two factions that sit within X": a verb of position in a relative clause on the word
        for c in tok.children:
            if c.dep_ == "relcl" and c.lemma_.lower() in self.lex.position_verbs:
                preps += [g for g in c.children if g.dep_ in _PREP]
        nxt = tok.right_edge.i + 1
        if tok.pos_ in _NOUN_POS and nxt < len(self.doc):
            after = self.doc[nxt]
            if after.dep_ in _PREP and after.head is not tok and after.head.i < tok.i:
                preps.append(after)
        return preps

    def _compounds(self, tok: Token) -> list[Hit]:
        return [h for c in tok.children if c.dep_ == "compound" and (h := self.index.hit(c)) is not None]

    def _subjects_of(self, verb: Token) -> list[Hit]:
        return [h for c in verb.children if c.dep_ in _SUBJ for h in self._nominal(c)]

    def _nominal(self, tok: Token, exclude: set[str] | None = None, depth: int = 0) -> list[Hit]:
        """The entities a noun phrase names: its own, a name compounded into it, or its conjuncts."""
        out: list[Hit] = []
        hit = self.index.hit(tok)
        if hit is not None:
            out.append(hit)
        elif tok.tag_ in ("WDT", "WP") and tok.head.dep_ == "relcl" and depth < _MAX_CONJ:
            # "Y, which is backed by X": the relative pronoun is the noun the clause describes
            return self._nominal(tok.head.head, exclude, _MAX_CONJ)
        elif tok.lower_ in _SUBJ_PRONOUNS:
            ent = self.index.preceding(tok.idx, _SUBJ_PRONOUNS[tok.lower_], exclude or set())
            if ent is not None:
                out.append((ent.id, (tok.idx, tok.idx + len(tok))))
        else:
            out += self._compounds(tok)
        if depth < _MAX_CONJ:
            for c in tok.children:
                if c.dep_ == "conj":
                    out += self._nominal(c, exclude, depth + 1)
        return out

    def _possessor(self, tok: Token) -> list[Hit]:
        """ "X's" is X; "its"/"their" is the subject of the clause, else the actor named just before."""
        hit = self.index.hit(tok)
        if hit is not None:
            return [hit]
        person = _POSS_PRONOUNS.get(tok.lower_)
        if person is None:
            return []
        span = (tok.idx, tok.idx + len(tok))
        verb = tok.head
        for _ in range(12):
            subjects = [c for c in verb.children if c.dep_ in _SUBJ]
            if subjects:
                subj = subjects[0]
                if not (subj.left_edge.i <= tok.i <= subj.right_edge.i):
                    hits = [h for h in self._nominal(subj) if (self._type(h[0]) == "PERSON") == person]
                    if hits:
                        return [(hits[0][0], span)]
                break
            if verb.head is verb:
                break
            verb = verb.head
        ent = self.index.preceding(tok.idx, person, set())
        return [(ent.id, span)] if ent is not None else []

    def _type(self, entity_id: str) -> str:
        ent = self.entities.get(entity_id)
        return ent.type if ent is not None else ""


def _unique(hits: list[Hit]) -> list[Hit]:
    seen: dict[str, Hit] = {}
    for h in hits:
        seen.setdefault(h[0], h)
    return list(seen.values())
