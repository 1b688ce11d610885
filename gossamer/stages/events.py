"""Events: PLOVER-coded who-did-what-to-whom, each with its evidence in the text.

For every token whose word is a trigger in ``gossamer/data/lexicons/plover.yaml`` (a verb, an
event noun, an adjective like "hostile toward"), the stage reads the roles off the one dependency
parse, picks the first reading of the trigger whose constraints hold (an armed actor for "cross
the border", an ambassador for "summon"), and records:

- actors and recipients: entity ids where a participant is (or stands for) a known entity,
  else phrases ("protesters", "security forces"); see `gossamer.events.participants`;
- where, when, how many: places attached by a locative preposition (else in the clause), the
  time in the clause (else the sentence), quantities of the clause by what they count;
- status and attribution: `gossamer.events.status` and `gossamer.attribution`;
- background: events long before publication are kept and flagged `historical`.

A noun under a support verb ("carried out an attack", "issued instructions", "took part in the
crackdown") is one event: the noun decides the category and the verb's subject is the actor. A
verb that only reports the noun ("sources tracked the crossing") is its frame, not an event. A
casualty verb whose subject is an event noun ("the airstrike killed 12") adds to that event.

An event with no recipient yet takes one from the constructions `recipient_roles` in plover.yaml
lists: the subject of a demanded that-clause, the author of what is rejected or asked for, the
target of the promised, refused or threatened act (or its place), the subject of a threat's
condition, who is to go in what a demand asks for, the target of the act's purpose ("opened fire to
disperse the crowd") or of its protest adjunct ("in protest of the decree"), or the place the act is
done in. A targeted thing that names no party stands for the party inside it ("abuses by the army",
"Israeli policies", "positions of the militia"). An act its actor states as planned or refuses is also coded as the promise,
threat or refusal it expresses (`intents`).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field, replace

from ..attribution import Cues, Frames, find_frames, load_cues
from ..events.lexicon import FORCE_MODE, Entry, Lexicon, load_lexicon
from ..events.participants import Part, Resolver
from ..events.status import event_status, historical, irrealis, parse_date
from ..events.syntax import (
    VERBAL,
    children,
    clause_head,
    clause_tokens,
    is_boundary,
    is_passive,
    objects,
    prep_objects,
    subjects,
    subtree_end,
    verbal_anchor,
)
from ..events.tokens import Node, TokenIndex, TokenTable, repair_lemmas, token_index, token_table
from ..model import Analysis, Event
from ..nlp import Parsed

# dependents of a verb that can be the other words of a multi-word trigger ("crack down", "open fire")
_WORD_DEPS = frozenset({"prt", "prep", "dobj", "advmod", "acomp", "dative", "npadvmod", "attr", "xcomp", "agent",
                        "oprd"})  # fmt: skip
_MAX_CONTENT = 30
AUTHOR = "author"  # a recipient_toks label: who made (or is to give) the thing acted on
PATIENT = "patient"  # a recipient_toks label: who is put under the act ("placed under arrest")
_CONTENT_POS = frozenset({"NOUN", "VERB", "PROPN"})


@dataclass
class Slots:
    """The roles around one trigger, as tokens."""

    anchor: Node
    actor_toks: list[tuple[Node, str]] = field(default_factory=list)  # (token, how)
    object_toks: list[Node] = field(default_factory=list)
    recipient_toks: list[tuple[Node, str]] = field(default_factory=list)
    of_toks: list[Node] = field(default_factory=list)  # nouns: "N of X"
    place_toks: list[Node] = field(default_factory=list)  # support verbs like "witness": subject is a place
    content: list[Node] = field(default_factory=list)
    xcomps: list[Node] = field(default_factory=list)
    object_words: set[str] = field(default_factory=set)
    support: Node | None = None
    support_role: str = ""
    np: Node | None = None


@dataclass
class Draft:
    token: Node
    entry: Entry
    slots: Slots
    actors: list[Part]
    recipients: list[Part]
    mode: str | None
    span: tuple[int, int]
    why: list[str]
    absorbs: int | None = None  # noun token a verb reading swallowed ("signed an agreement")
    extra_recipients: list[Part] = field(default_factory=list)
    merged: list[Draft] = field(default_factory=list)  # verbs folded into this event


class EventStage:
    name = "events"

    def __init__(self, lexicon: Lexicon | None = None) -> None:
        self.lex = lexicon or load_lexicon()
        self.cues = load_cues()

    def __call__(self, analysis: Analysis, parsed: Parsed) -> None:
        if len(parsed.doc) == 0:
            return
        _Coder(analysis, parsed, self.lex, self.cues).run()


class _Coder:
    """The events of one document."""

    def __init__(self, analysis: Analysis, parsed: Parsed, lex: Lexicon, cues: Cues) -> None:
        self.analysis = analysis
        self.doc = parsed.doc
        self.lex = lex
        self.cues = cues
        self.table: TokenTable = token_table(parsed)
        repair_lemmas(self.table, lex.known_verbs)
        self.index: TokenIndex = token_index(analysis, parsed)
        self.frames: Frames = find_frames(analysis, parsed)
        self.resolver = Resolver(analysis, self.doc, lex, self.index, self.table)
        self.times = {t.id: t for t in analysis.times}
        self.quantities = {q.id: q for q in analysis.quantities}
        self.published = parse_date(analysis.document.published)
        self._categories: dict[int, str] = {}  # trigger token -> category of its draft (for intents)
        self._protested: set[int] = set()  # what an "in protest of / against" adjunct names
        # nouns that stand for the people doing them ("crackdown on protests")
        self.people_events = frozenset(
            h
            for h, es in lex.nouns.items()
            if any(e.category == "PROTEST" for e in es)
            and not any(e.category in ("ASSAULT", "COERCE", "MOBILIZE") for e in es)  # not "strikes"
        )

    # ------------------------------------------------------------------ driver

    def run(self) -> None:
        lex, index, tb = self.lex, self.index, self.table
        nouns: dict[int, tuple[Entry, ...]] = {}
        others: dict[int, tuple[str, tuple[Entry, ...]]] = {}
        lemmas, lowers, poses, deps, heads = tb.lemma, tb.lower, tb.pos, tb.dep, tb.head
        for i in range(len(lemmas)):  # one dict lookup per token, on the lists
            pos = poses[i]
            if pos == "VERB":
                es = lex.verbs.get(lemmas[i]) if deps[i] not in lex.skip_deps else None
                if es:
                    others[i] = ("verb", es)
            elif pos == "NOUN":
                es = lex.nouns.get(lemmas[i]) or lex.nouns.get(lowers[i])
                if es and (deps[i] != "compound" or lemmas[heads[i]] in lex.event_frames):
                    nouns[i] = es
            elif pos == "ADJ":
                es = lex.adjs.get(lemmas[i]) or lex.adjs.get(lowers[i])
                if es:
                    others[i] = ("adj", es)
        for table in (nouns, others):  # words inside a name are no triggers ("Operation Storm")
            for i in [i for i in table if index.entity[i] is not None or index.place[i] is not None]:
                del table[i]
        # support verbs of the candidate nouns: the noun decides, the verb is no event of its own
        support_of: dict[int, int] = {}
        noun_slots: dict[int, Slots] = {}
        for i in nouns:
            slots = self._noun_slots(tb.node(i))
            noun_slots[i] = slots
            if slots.support is not None:
                support_of.setdefault(slots.support.i, i)

        drafts: dict[int, Draft] = {}
        for i in sorted(set(nouns) | set(others)):
            tok = tb.node(i)
            if i in nouns:
                draft = self._choose(tok, "noun", nouns[i], noun_slots[i])
            else:
                pos, es = others[i]
                slots = self._verb_slots(tok) if pos == "verb" else self._adj_slots(tok)
                if i in support_of:
                    es = tuple(e for e in es if e.object_in or e.words)
                draft = self._choose(tok, pos, es, slots)
                if draft is not None and i in support_of:
                    noun_i = support_of[i]
                    if noun_i not in self._object_heads(draft):
                        continue
                    draft.absorbs = noun_i
            if draft is None:
                continue
            drafts[i] = draft
            self.resolver.note_event(i, [e for p in draft.actors for e in p.entities])
        for d in list(drafts.values()):
            if d.absorbs is not None:
                drafts.pop(d.absorbs, None)
        self._merge(drafts)
        self._categories = {i: d.entry.category for i, d in drafts.items()}
        for i in sorted(drafts):
            self._emit(drafts[i])

    def _object_heads(self, draft: Draft) -> set[int]:
        out = {t.i for t in draft.slots.object_toks}
        out.update(t.i for t, _ in draft.slots.recipient_toks)
        out.update(t.i for t in draft.slots.content)
        return out

    # ------------------------------------------------------------------ slots

    def _verb_slots(self, v: Node) -> Slots:
        s = Slots(anchor=v)
        subj, how = subjects(v, self.lex)
        s.actor_toks = [(t, how) for t in subj]
        s.object_toks = [] if how.startswith("noun before a verb of motion") else objects(v)
        # a name the tagger read as an auxiliary ("IS seized Mosul"): it is the subject
        misread = [
            c
            for c in v.children
            if c.dep_ in ("aux", "auxpass") and c.i < v.i and self.index.entity[c.i] is not None
        ]
        if misread:
            s.actor_toks = [(t, "name read as an auxiliary") for t in misread]
            s.object_toks = [c for c in v.children if c.dep_ in ("dobj", "dative")]
        heads = [v] + [c for c in v.children if c.dep_ == "prt"]
        for h in heads:
            for prep, obj in prep_objects(h):
                if prep == "by" and is_passive(v):
                    continue
                s.recipient_toks.append((obj, prep))
        s.xcomps = children(v, {"xcomp"})
        s.content = [c for c in v.children if c.dep_ in ("ccomp", "xcomp", "dobj")]
        s.content += [obj for prep, obj in prep_objects(v) if prep in self.lex.content_preps]
        s.object_words = self._words_of(s.object_toks)
        return s

    def _adj_slots(self, a: Node) -> Slots:
        anchor = a.head if a.dep_ in ("acomp", "oprd", "attr") and a.head.pos_ in VERBAL else verbal_anchor(a)
        s = Slots(anchor=anchor)
        if a.dep_ == "amod" and a.head.pos_ in ("NOUN", "PROPN"):
            s.actor_toks = [(a.head, "noun the adjective modifies")]
        else:
            subj, how = subjects(anchor, self.lex)
            s.actor_toks = [(t, how) for t in subj]
        for prep, obj in prep_objects(a):
            s.recipient_toks.append((obj, prep))
        return s

    def _noun_slots(self, n: Node) -> Slots:
        lex = self.lex
        np = n
        if n.dep_ == "compound" and n.head.lemma_.lower() in lex.event_frames:
            np = n.head  # "negotiation sessions"
        elif n.dep_ == "pobj" and n.head.lower_ == "of" and n.head.head.lemma_.lower() in lex.event_frames:
            np = n.head.head  # "a campaign of intimidation"
        s = Slots(anchor=verbal_anchor(np), np=np)
        heads = [np] if np is n else [np, n]
        for h in heads:
            for prep, obj in prep_objects(h):
                if obj.i == n.i:
                    continue
                if prep == "of":
                    s.of_toks.append(obj)
                elif prep == "by":
                    s.actor_toks.append((obj, "'by'"))
                else:
                    s.recipient_toks.append((obj, prep))
            for c in h.children:
                if c.dep_ == "poss":
                    s.actor_toks.append((c, "possessor"))
                elif c.dep_ in ("amod", "compound", "nmod") and c.i < h.i:
                    if self.index.entity[c.i] is not None:
                        s.actor_toks.append((c, f"modifier '{c.text}'"))
                    elif self.index.place[c.i] is not None:
                        s.place_toks.append(c)
                elif c.dep_ in ("acl", "relcl") and c.pos_ in VERBAL:
                    s.content.append(c)
        if n.dep_ == "pobj" and n.head.lower_ in lex.patient_preps and n.head.head.pos_ in VERBAL:
            # "was put under investigation", "placed him under arrest": whom the verb acts on
            verb = n.head.head
            s.recipient_toks += [(o, PATIENT) for o in objects(verb)]
            if not is_passive(verb) and not s.actor_toks:  # "police placed him under arrest"
                subj, how = subjects(verb, lex)
                s.actor_toks += [(t, f"{how} of '{verb.lemma_}'") for t in subj]
        s.content += s.of_toks + [t for t, p in s.recipient_toks if p in self.lex.content_preps]
        # support verb: "launched an attack", "took part in the crackdown", "a directive issued from X"
        sup, role = self._support(np)
        if sup is not None:
            s.support, s.support_role, s.anchor = sup, role, sup
            subj, how = subjects(sup, self.lex)
            if role == "actor":
                s.actor_toks += [(t, f"{how} of '{sup.lemma_}'") for t in subj]
            elif role == "recipient":
                s.recipient_toks += [(t, f"subject of '{sup.lemma_}'") for t in subj]
            elif role == "place":
                for t in subj:
                    s.place_toks.append(t)
                    s.place_toks.extend(c for c in t.children if c.dep_ in ("appos", "conj"))
            for prep, obj in prep_objects(sup):
                if obj.i in (np.i, n.i) or (prep == "by" and is_passive(sup)):
                    continue
                s.recipient_toks.append((obj, prep))
            s.content += [c for c in sup.children if c.dep_ in ("xcomp", "ccomp")]
        s.object_words = self._words_of(s.of_toks) | {
            c.lower_ for c in n.children if c.dep_ in ("compound", "amod")
        }
        return s

    def _support(self, np: Node) -> tuple[Node | None, str]:
        lex = self.lex
        head = np.head
        if np.dep_ in ("dobj", "nsubjpass") and head.pos_ in VERBAL:
            for role, words in lex.support.get(head.lemma_.lower(), ()):
                if self._has_words(head, words):
                    return head, role
        if np.dep_ == "pobj" and head.dep_ == "prep" and head.head.pos_ in VERBAL:
            verb = head.head
            for role, words in lex.support.get(verb.lemma_.lower(), ()):
                if words and head.lower_ in words[-1] and self._has_words(verb, words[:-1]):
                    return verb, role
        for c in np.children:  # "a directive issued from Tehran": a participle on the noun
            if c.dep_ == "acl" and c.tag_ == "VBN":
                for role, words in lex.support.get(c.lemma_.lower(), ()):
                    if not words:
                        return c, role
        return None, ""

    def _has_words(self, verb: Node, words: tuple[frozenset[str], ...]) -> bool:
        return all(self._find_word(verb, alts) is not None for alts in words)

    def _find_word(self, head: Node, alts: frozenset[str]) -> int | None:
        for c in head.children:
            if c.dep_ in _WORD_DEPS and (c.lower_ in alts or c.lemma_.lower() in alts):
                return c.i
        tb = self.table
        for j in range(head.i + 1, min(len(tb.lower), head.i + 5)):
            if tb.lower[j] in alts or tb.lemma[j] in alts:
                return j
            if is_boundary(tb, j):
                break
        return None

    def _words_of(self, toks: list[Node]) -> set[str]:
        """Words that name an object, for `object_in`: the head, its conjuncts and modifiers, and
        what a measure or frame noun is of ("900 tonnes of food aid", "a wave of arrests")."""
        out: set[str] = set()
        frames = self.lex.event_frames
        toks = list(toks)
        for t in list(toks):
            if t.lemma_ in frames or any(c.dep_ == "nummod" for c in t.children):
                toks += [o for p, o in prep_objects(t) if p == "of"]
        for t in toks:
            for u in [t] + [c for c in t.children if c.dep_ == "conj"]:
                out.add(u.lemma_.lower())
                out.add(u.lower_)
                mods = [c for c in u.children if c.dep_ in ("compound", "amod") and c.i < u.i]
                for m in mods:
                    out.add(f"{m.lower_} {u.lemma_.lower()}")
                    out.add(m.lemma_.lower())
        return out

    # ------------------------------------------------------------------ readings

    def _choose(self, tok: Node, pos: str, entries: tuple[Entry, ...], slots: Slots) -> Draft | None:
        for entry in entries:
            draft = self._try(tok, pos, entry, slots)
            if draft is not None:
                return draft
        return None

    def _try(self, tok: Node, pos: str, entry: Entry, slots: Slots) -> Draft | None:
        tb = self.table
        why: list[str] = []
        span_toks = [tok.i]
        extra_objects: list[Node] = []
        # the other words of the trigger
        if entry.words:
            if pos == "noun":
                k = tok.i - len(entry.words)
                if k < 0:
                    return None
                for n, alts in enumerate(entry.words):
                    t = tb.node(k + n)
                    if t.lower_ not in alts and t.lemma_.lower() not in alts:
                        return None
                    span_toks.append(k + n)
            else:
                word_toks: list[Node] = []
                for alts in entry.words:
                    j = self._find_word(tok, alts)
                    if j is None:
                        return None
                    span_toks.append(j)
                    word_toks.append(tb.node(j))
                # the words are the trigger; what hangs on a final preposition is its object
                # ("fired on protesters", "called on Iran")
                for t in word_toks:
                    extra_objects.extend(g for g in t.children if g.dep_ == "pobj" and g.i not in span_toks)
        if entry.category in self.lex.movement_categories and any(
            self.index.place[t.i] is not None for t in slots.object_toks
        ):
            # "entered Syria": where the force went, not a party
            moved = [t for t in slots.object_toks if self.index.place[t.i] is not None]
            slots = replace(
                slots,
                object_toks=[t for t in slots.object_toks if t not in moved],
                place_toks=slots.place_toks + moved,
            )
        if len(span_toks) > 1:  # words of the trigger are not its participants ("went on strike")
            words = set(span_toks)
            slots = replace(
                slots,
                recipient_toks=[(t, p) for t, p in slots.recipient_toks if t.i not in words],
                object_toks=[t for t in slots.object_toks if t.i not in words],
            )
        object_words = slots.object_words | self._words_of(extra_objects)
        if entry.object_in and not (object_words & entry.object_in):
            return None
        if entry.object_in and pos == "verb":
            # the matched object is part of the trigger: its own dependents are the verb's
            # ("signed an agreement with Iran", "imposed sanctions on Venezuela")
            for t in slots.object_toks + extra_objects:
                # "rejected a demand by X": the author of the thing refused is the recipient
                extra = [
                    (o, "against" if p == "by" else p)
                    for p, o in prep_objects(t)
                    if (o, p) not in slots.recipient_toks and p != "of"
                ]
                if extra:
                    slots = replace(slots, recipient_toks=slots.recipient_toks + extra)
        if pos == "verb" and entry.category in self.lex.author_categories:
            slots = self._with_authors(slots, extra_objects, entry.category)
        if entry.modal_in and not self._modal_clause(tok, entry.modal_in):
            return None
        if entry.xcomp_in and not any(x.lemma_.lower() in entry.xcomp_in for x in slots.xcomps):
            return None
        if entry.category == "THREATEN" and pos == "verb":
            clauses = [c for c in slots.content if c.dep_ == "ccomp"]
            if (
                clauses
                and len(clauses) == len(slots.content)
                and not any(irrealis(c, self.cues) for c in clauses)
            ):
                return None  # "warned that X attacked": a report about the past, not a threat
        actors, recipients, objects_ = self._participants(tok, pos, entry, slots, extra_objects, why)
        mode = entry.mode
        if entry.content_mode:
            found = self._content_mode(entry.category, slots)
            if (
                found is None
                and entry.category == "THREATEN"
                and any(r == "object" and k == "content" for r, k in entry.needs)
            ):
                return None
            mode = found if found is not None else self.lex.content_default.get(entry.category, mode) or mode
        for role, kind in entry.needs:
            pool = {"actor": actors, "object": objects_, "any": actors + recipients + objects_}[role]
            if role == "actor" and entry.theme_force:
                pool = actors + objects_
            if not self._satisfies(pool, kind, slots, role):
                return None
        if mode == FORCE_MODE:
            mode = self._force_mode(actors + objects_, tok)
        # theme: the force being moved acts (it is not the recipient)
        if entry.theme_force:
            forces = [p for p in objects_ if p.armed or p.force == "weapons"]
            if forces or not actors:
                moved = [p for p in (forces or objects_) if p.force != "weapons" or not actors]
                if moved:
                    why.append("actors from the force moved (object)" + _how(moved))
                actors = actors + moved
            recipients = recipients + [p for p in objects_ if p not in forces and p not in actors]
        else:
            recipients = objects_ + recipients
        lo, hi = self._trigger_span(span_toks, tok)
        why.insert(
            0,
            f"{'adjective' if pos == 'adj' else pos} '{tok.lemma_.lower()}'"
            f"{' + ' + repr(entry.key) if len(entry.key.split()) > 1 else ''}"
            f" (plover.yaml: {entry.category}{'/' + mode if mode else ''})",
        )
        if slots.support is not None:
            why.insert(1, f"support verb '{slots.support.lemma_}'")
        absorbs = None
        if pos == "verb" and entry.object_in:
            for t in slots.object_toks + extra_objects:
                absorbs = t.i
                break
        return Draft(tok, entry, slots, actors, recipients, mode, (lo, hi), why, absorbs)

    def _modal_clause(self, verb: Node, modals: frozenset[str]) -> bool:
        """Whether a that-clause of `verb` carries one of `modals` ("said that Sudan must return")."""
        return any(
            c.dep_ == "ccomp"
            and c.pos_ in VERBAL
            and any(k.dep_ in ("aux", "auxpass") and k.lower_ in modals for k in c.children)
            for c in verb.children
        )

    def _with_authors(self, slots: Slots, extra_objects: list[Node], category: str) -> Slots:
        """Add the author of what is accepted, rejected or asked for as a recipient ("rejected an
        offer from Cairo", "rejected the Egyptian plan"); a REQUEST's "from" on the verb names
        whom it is asked of when the object is such a thing ("sought help from the UN")."""
        objects_ = slots.object_toks + extra_objects
        found = [(o, AUTHOR) for t in objects_ for o in self._authors(t)]
        if category == "REQUEST" and any(self._is_author_noun(t) for t in objects_):
            found += [(o, AUTHOR) for o, p in slots.recipient_toks if p in self.lex.author_preps]
        if not found:
            return slots
        return replace(slots, recipient_toks=slots.recipient_toks + found)

    def _is_author_noun(self, t: Node) -> bool:
        return t.pos_ == "NOUN" and (
            t.lemma_.lower() in self.lex.author_nouns or t.lower_ in self.lex.author_nouns
        )

    def _authors(self, t: Node) -> list[Node]:
        """Who made a proposal-like noun: its "from"/"by" object, possessor, or a named modifier."""
        if not self._is_author_noun(t):
            return []
        out = [o for p, o in prep_objects(t) if p in self.lex.author_preps]
        for c in t.children:
            if c.dep_ == "poss" or (
                c.dep_ in ("amod", "compound", "nmod") and c.i < t.i and self.index.entity[c.i] is not None
            ):
                out.append(c)
        return out

    def _trigger_span(self, toks: list[int], head: Node) -> tuple[int, int]:
        """The trigger mention: the head plus the words of the entry that touch it."""
        lo = hi = head.i
        wanted = set(toks)
        while lo - 1 in wanted:
            lo -= 1
        while hi + 1 in wanted:
            hi += 1
        return lo, hi + 1

    def _participants(
        self, tok: Node, pos: str, entry: Entry, slots: Slots, extra_objects: list[Node], why: list[str]
    ) -> tuple[list[Part], list[Part], list[Part]]:
        lex = self.lex
        actors: list[Part] = []
        recipients: list[Part] = []
        objects_: list[Part] = []
        for t, how in slots.actor_toks:
            parts = self._resolve(t)
            if pos == "noun" and how == "possessor" and tok.lemma_.lower() in lex.possessive_patient:
                recipients += parts
                continue
            if how.startswith("modifier") and entry.category == "PROTEST":
                # "Palestinian riots": the people the word names protest, not the state
                people = Part(phrase=(t.i, t.i + 1), head=t.i, civilian=True, how=how, spans=[(t.i, t.i + 1)])
                actors.append(people)
                why.append(f"actors from {how} (its people)")
                continue
            if parts:
                actors += parts
                why.append(f"actors from {how}" + _how(parts))
        if pos == "noun" and self._aim_adjunct(tok):
            # "in protest of the decree", "in defiance of the ban": the "of" is what is protested
            self._protested.update(t.i for t in slots.of_toks)
            of_parts = [p for t in slots.of_toks for x in self._party_tokens(t) for p in self._resolve(x)]
            if of_parts:
                recipients += of_parts
                why.append("recipients from 'of' (what it is in protest of)" + _how(of_parts))
            if not actors and slots.anchor.pos_ in VERBAL:
                # "students marched in protest of ...": the marchers protest
                subj, how = subjects(slots.anchor, lex)
                actors += [p for t in subj for p in self._resolve(t)]
                if actors:
                    why.append(f"actors from {how} of '{slots.anchor.lemma_}'" + _how(actors))
        elif pos == "noun":
            of_parts = [p for t in slots.of_toks for p in self._resolve(t)]
            if of_parts:
                (actors if entry.of_role == "actor" else objects_).extend(of_parts)
                why.append(f"{entry.of_role}s from 'of'" + _how(of_parts))
        else:
            for t in slots.object_toks + [t for t in extra_objects if t.pos_ in ("NOUN", "PROPN", "PRON")]:
                parts = self._resolve(t)
                if entry.object_in:  # "fired rockets at", "supplied weapons to": the weapon is the means
                    parts = [p for p in parts if p.force != "weapons" or p.entities]
                if entry.theme_given and t.lemma_.lower() in entry.object_in:
                    # "contributed 2,000 troops to X": what is given is no party to it
                    parts = [p for p in parts if p.entities]
                objects_ += parts
        for t, prep in slots.recipient_toks:
            if prep == "from" and pos != "verb" and entry.category in lex.from_actor_categories:
                parts = self._resolve(t)
                if parts:
                    actors += parts
                    why.append("actors from 'from'")
                continue
            if (
                prep in lex.symmetric_preps and entry.category in lex.symmetric_categories
            ):  # "talks between A and B"
                parts = self._resolve(t)
                if parts:
                    if not actors:
                        actors.append(parts[0])
                        parts = parts[1:]
                    recipients += parts
                continue
            if (
                prep not in lex.recipient_preps
                and prep not in (AUTHOR, PATIENT)
                and not any(prep in alts for alts in entry.words)
            ):
                continue
            if self.index.place[t.i] is not None and (
                self.index.entity[t.i] is None
                or entry.category in lex.movement_categories
                and prep in lex.direction_preps
            ):
                continue  # a place, not a party: "deployed to Poland", "a flow into Iran"
            parts = self._resolve(t)
            if not parts and entry.category in lex.owner_target_categories:
                # "riots against Israeli policies", "strikes on the army's positions": their author
                parts = [p for x in self._party_tokens(t) if x.i != t.i for p in self._resolve(x)]
            if parts:
                recipients += parts
                why.append(f"recipients from '{prep}'")
        actors = _dedupe(actors)
        for p in objects_ + recipients:  # "Russia withdrew its troops": Russia, armed
            if p.force and p.entities:
                for a in actors:
                    if a.force is None and set(p.entities) <= set(a.entities):
                        a.force = p.force
        recipients = [p for p in _dedupe(recipients) if not _same(p, actors)]
        objects_ = [p for p in _dedupe(objects_) if not _same(p, actors)]
        return actors, recipients, objects_

    def _aim_adjunct(self, tok: Node) -> bool:
        """Whether a noun trigger is an "in protest of" / "in defiance of" adjunct."""
        lex = self.lex
        return (
            tok.dep_ == "pobj"
            and tok.head.lower_ in lex.aim_preps
            and (tok.lemma_.lower() in lex.aim_nouns or tok.lower_ in lex.aim_nouns)
        )

    def _resolve(self, t: Node) -> list[Part]:
        parts = self.resolver.resolve(t)
        if parts:
            return parts
        if t.lemma_.lower() in self.people_events or t.lower_ in self.people_events:
            part = self.resolver.phrase_part(
                t, (t.left_edge.i if t.left_edge.i >= t.i - 4 else t.i, t.i + 1), "protest noun"
            )
            part.civilian = True
            return [part]
        return []

    def _satisfies(self, pool: list[Part], kind: str, slots: Slots, role: str) -> bool:
        if kind == "content":
            return bool(slots.content) or bool(pool)
        if kind == "participant":
            return bool(pool)
        if kind == "armed":
            return any(p.armed or (role != "actor" and p.force == "weapons") for p in pool)
        if kind == "civilian":
            return any(p.civilian and not p.armed for p in pool)
        if kind == "state":
            return any(p.state for p in pool)
        if kind == "police":
            return any(p.force == "police" for p in pool)
        if kind == "target":
            return any(p.target or p.entities for p in pool) or any(
                self.index.place[t.i] is not None for t in slots.object_toks
            )
        return False

    def _force_mode(self, parts: list[Part], tok: Node) -> str | None:
        for p in parts:
            if p.force in ("militia", "troops", "police"):
                return p.force
        for p in parts:
            if p.force == "weapons":
                return "weapons"
        if parts:
            return "troops" if any(p.state for p in parts) else "militia"
        kind = self.resolver.kind_of(tok)  # "military mobilization"
        if kind in ("militia", "troops", "police", "weapons"):
            return kind
        return None

    def _content_mode(self, category: str, slots: Slots) -> str | None:
        table = self.lex.content_modes.get(category)
        if not table:
            return None
        words: list[str] = []
        for c in slots.content:
            for t in c.subtree:
                if t.pos_ not in _CONTENT_POS and t.dep_ != "prt":
                    continue
                words.append(t.lemma_.lower())
                if len(words) > _MAX_CONTENT:
                    break
        if not words:
            return None
        present = set(words) | {f"{a} {b}" for a, b in itertools.pairwise(words)}
        for mode, keys in table:
            if present & keys:
                return mode
        return None

    # ------------------------------------------------------------------ merging

    def _merge(self, drafts: dict[int, Draft]) -> None:
        """A casualty or same-category verb whose subject or "in"-phrase is an event noun adds
        to that noun's event ("the airstrike killed 12", "12 died in the attack")."""
        lex = self.lex
        merged_into: dict[int, Draft] = {}  # a folded verb's token -> the event it went into
        for i, d in list(drafts.items()):
            if d.entry.pos != "verb":
                continue
            v = d.token
            lemma = v.lemma_.lower()
            casualty = lemma in lex.dead_verbs or lemma in lex.injured_verbs
            linked = [t for t in v.children if t.dep_ in ("nsubj", "nsubjpass")]
            for h in [v] + [c for c in v.children if c.dep_ == "conj" and c.pos_ in VERBAL]:
                linked += [obj for prep, obj in prep_objects(h) if prep in lex.event_preps]
            if casualty and v.dep_ in ("advcl", "conj", "xcomp"):
                linked.append(v.head)  # "struck a convoy, killing five"
            if casualty and v.dep_ == "relcl":  # "shelled the market, which killed 12"
                linked.append(v.head)
                if v.head.head.i != v.head.i:
                    linked.append(v.head.head)
                    if v.head.head.dep_ == "prep":
                        linked.append(v.head.head.head)
            for t in linked:
                other = drafts.get(t.i) or merged_into.get(t.i)
                if other is None or other is d:
                    continue
                if other.entry.category != d.entry.category and not (
                    casualty and other.entry.category == "ASSAULT"
                ):
                    continue
                if (
                    other.entry.pos != "noun"
                    and t.i not in (v.head.i, v.head.head.i)
                    and t.i not in merged_into
                ):
                    continue
                other.extra_recipients += d.recipients
                other.merged.append(d)
                other.why.append(f"merged '{v.text}' into it")
                merged_into[i] = other
                drafts.pop(i)
                break
        # a verbal act about an event is aimed at whoever did it ("condemned the Israeli airstrike");
        # a threat at whoever would suffer it ("warned it would strike Israel")
        for d in drafts.values():
            if d.recipients:
                continue
            if d.entry.category in self.lex.verbal_categories:
                self._aimed_by_event(d, drafts)
            if not d.extra_recipients and d.entry.category in self.lex.clause_subject_categories:
                self._recipients_from(d, self._clause_subjects(d), "the subject of its that-clause")
            if not d.extra_recipients and d.entry.category in self.lex.intended_act_categories:
                self._recipients_from(d, self._intended_targets(d), "the target of the act it is about")
            if not d.extra_recipients and d.entry.category in self.lex.condition_subject_categories:
                self._recipients_from(d, self._condition_subjects(d), "the subject of its condition")
            if not d.extra_recipients and d.entry.category in self.lex.yield_categories:
                self._recipients_from(d, self._yielding_parties(d), "who is to go or yield")
            if not d.extra_recipients and d.entry.category in self.lex.yield_categories:
                self._recipients_from(d, self._refuge_places(d), "the place refuge is sought in")
        # after the others: the act a purpose clause or protest adjunct names has its target by now
        for d in drafts.values():
            if not (d.recipients or d.extra_recipients) and d.entry.category in self.lex.purpose_categories:
                self._aimed_by_purpose(d, drafts)

    def _aimed_by_event(self, d: Draft, drafts: dict[int, Draft]) -> None:
        """A verbal act about an event is aimed at whoever did it ("condemned the Israeli
        airstrike"); a threat at whoever would suffer it ("warned it would strike Israel")."""
        threat = d.entry.category == "THREATEN"
        for t in d.slots.object_toks + [c for c in d.slots.content if c.pos_ in VERBAL]:
            other = drafts.get(t.i)
            if other is None or other is d:
                continue
            aimed = [p for p in other.recipients if p.entities] if threat else other.actors
            aimed = [p for p in aimed if not _same(p, d.actors)]
            if aimed:
                d.extra_recipients += aimed
                d.why.append(f"recipients: the {'target' if threat else 'actors'} of '{other.token.text}'")
                return

    def _aimed_by_purpose(self, d: Draft, drafts: dict[int, Draft]) -> None:
        """An act done for a purpose or in protest is aimed where that aim is: "opened fire to
        disperse the crowd" at the crowd, "struck in protest against the ministry's decree" at the
        ministry (plover.yaml recipient_roles: purpose_categories, aim_nouns)."""
        lex = self.lex
        heads = [d.token] + [h for h in (d.slots.np, d.slots.support) if h is not None and h.i != d.token.i]
        for h in heads + d.slots.object_toks:  # "mobilized reservists for a war against X"
            if h not in heads:
                for p, n in prep_objects(h):
                    if p in lex.purpose_preps and self._take_targets(
                        d, drafts.get(n.i), f"the target of '{n.text}'"
                    ):
                        return
                continue
            for c in h.children:
                purpose = c.dep_ == "advcl" and c.pos_ in VERBAL and self._is_purpose(c)
                if purpose and self._take_targets(
                    d, drafts.get(c.i), f"the target of its purpose '{c.text}'"
                ):
                    return
                if c.dep_ == "prep" and c.lower_ in lex.purpose_preps:
                    # "mobilized reservists for a war against X": the event it is for
                    for n in c.children:
                        if n.dep_ == "pobj" and self._take_targets(
                            d, drafts.get(n.i), f"the target of '{n.text}'"
                        ):
                            return
                if c.dep_ != "prep" or c.lower_ not in lex.aim_preps:
                    continue
                for n in c.children:
                    if n.dep_ != "pobj" or n.lemma_.lower() not in lex.aim_nouns:
                        continue
                    how = f"whom its '{c.text} {n.text}' is aimed at"
                    if self._take_targets(d, drafts.get(n.i), how):
                        return
                    aimed = [o for p, o in prep_objects(n) if p in lex.aim_noun_preps]
                    self._protested.update(o.i for o in aimed)
                    toks = [x for o in aimed for x in self._party_tokens(o)]
                    self._recipients_from(d, toks, how)
                    if d.extra_recipients:
                        return

    def _take_targets(self, d: Draft, other: Draft | None, how: str) -> bool:
        """Give `d` the recipients of `other` (its purpose or protest); whether there were any."""
        if other is None or other is d:
            return False
        parts = [p for p in _dedupe(other.recipients + other.extra_recipients) if not _same(p, d.actors)]
        if parts:
            d.extra_recipients += parts
            d.why.append(f"recipients: {how}")
        return bool(parts)

    def _is_purpose(self, c: Node) -> bool:
        """An adverbial clause of purpose: an infinitive ("to disperse", "in order to arrest") or a
        participle after its head with no subordinator ("blocked roads demanding ...")."""
        kids = list(c.children)
        if any(k.dep_ == "aux" and k.lower_ == "to" for k in kids):
            return True
        return c.tag_ == "VBG" and c.i > c.head.i and not any(k.dep_ in ("mark", "nsubj") for k in kids)

    def _party_tokens(self, t: Node, depth: int = 0) -> list[Node]:
        """`t` when it names a party or place, else the parties inside it: the author of a thing
        ("abuses by the army", "the ministry's decision", "Israeli policies") or who is to go or
        yield ("the resignation of the minister"; plover.yaml yield_nouns)."""
        if self.index.place[t.i] is not None or self._resolve(t):
            return [t]
        if depth >= 2:
            return []
        lex = self.lex
        inner = [
            c
            for c in t.children
            if c.dep_ == "poss"
            or c.dep_ in ("amod", "compound", "nmod")
            and c.i < t.i
            and self.index.entity[c.i] is not None
        ]
        yields = t.lemma_.lower() in lex.yield_nouns
        inner += [o for p, o in prep_objects(t) if p in lex.author_preps or p == "of" and yields]
        return [x for c in inner for x in self._party_tokens(c, depth + 1)]

    def _yielding_parties(self, d: Draft) -> list[Node]:
        """Who a demand asks to go or yield: "demanded the removal of the governor" (the "of" object
        or possessor of a yield noun it asks for)."""
        lex = self.lex
        out: list[Node] = []
        for o in d.slots.object_toks:
            if o.lemma_.lower() in lex.yield_nouns:
                out += [x for x in self._party_tokens(o) if x.i != o.i]
        return out

    def _refuge_places(self, d: Draft) -> list[Node]:
        """Where asylum or refuge is asked for: "sought asylum in Sweden" asks Sweden."""
        lex = self.lex
        objs = [o for o in d.slots.object_toks if o.lemma_.lower() in lex.refuge_nouns]
        if not objs:
            return []
        pairs = [x for h in [d.token] + objs for x in prep_objects(h)]
        return [o for p, o in pairs if p in lex.aim_place_preps and self.index.place[o.i] is not None]

    def _recipients_from(self, d: Draft, toks: list[Node], how: str) -> None:
        parts: list[Part] = []
        for t in [x for tok in toks for x in self._party_tokens(tok)]:
            pid = self.index.place[t.i]
            if pid is not None and self.index.entity[t.i] is None:
                # a place named as the one who must act or who is threatened, promised or refused
                # stands for its government or people ("unless Baghdad ...", "ties with Kinshasa")
                part = self._place_part(pid, t)
                if part is not None:
                    parts.append(part)
                continue
            parts += [p for p in self._resolve(t) if p.force != "weapons" or p.entities]
        parts = [p for p in _dedupe(parts) if not _same(p, d.actors)]
        if parts:
            d.extra_recipients += parts
            d.why.append(f"recipients: {how}")

    def _clause_subjects(self, d: Draft) -> list[Node]:
        """Subjects of the trigger's that-clause: "demanded that Hamas renounce ...", "its demand
        that the government resign" (a mandative or reported clause, not a relative one)."""
        tok = d.slots.np or d.token
        out: list[Node] = []
        for c in tok.children:
            if c.pos_ not in VERBAL or c.dep_ not in ("ccomp", "acl"):
                continue
            kids = list(c.children)
            if c.dep_ == "acl" and not any(k.dep_ == "mark" and k.lower_ == "that" for k in kids):
                continue  # "the demand made by ...", "demands to ...": no clause of its own
            out += [k for k in kids if k.dep_ == "nsubj" and k.tag_ not in ("WDT", "WP")]
        return out

    def _condition_subjects(self, d: Draft) -> list[Node]:
        """Subjects of an "if"/"unless" clause on the trigger or on the act it is about: "threatened
        to halt the talks if Tokyo went ahead" is aimed at Tokyo."""
        tok = d.slots.np or d.token
        heads = [tok] + [c for c in tok.children if c.pos_ in VERBAL and c.dep_ in ("xcomp", "acl", "ccomp")]
        out: list[Node] = []
        for h in heads:
            for c in h.children:
                if c.dep_ != "advcl" or c.pos_ not in VERBAL:
                    continue
                if any(k.dep_ == "mark" and k.lower_ in self.lex.condition_marks for k in c.children):
                    out += [k for k in c.children if k.dep_ in ("nsubj", "nsubjpass")]
        return out

    def _intended_targets(self, d: Draft) -> list[Node]:
        """Whom the act a promise, refusal or threat is about is aimed at: "threatened to cut
        ties with X", "agreed to supply fuel to X", "refused to lift the curfew on X"."""
        lex = self.lex
        tok = d.slots.np or d.token
        acts = [c for c in tok.children if c.pos_ in VERBAL and c.dep_ in ("xcomp", "acl")]
        acts += [c for c in tok.children if c.pos_ in VERBAL and c.dep_ == "ccomp" and irrealis(c, self.cues)]
        by_prep: list[Node] = []
        direct: list[Node] = []
        for act in acts:
            heads = [act] + [c for c in act.children if c.dep_ == "prt"]
            objs = objects(act)
            for h in heads + objs:
                for p, o in prep_objects(h):
                    if p in lex.recipient_preps and p not in ("for",) or p == "for" and h in objs:
                        by_prep.append(o)
                        by_prep += self._authors(o)
            for o in objs:
                by_prep += self._authors(o)
                direct.append(o)
            # "refused to allow aid convoys to enter": whom the act lets or makes act
            direct += [k for c in act.children if c.dep_ == "ccomp" for k in c.children if k.dep_ == "nsubj"]
        if by_prep or any(self._party_tokens(t) for t in direct):
            return by_prep or direct
        # "threatened to resume attacks in X": the place the act is to be done in
        return [
            o
            for act in acts
            for p, o in prep_objects(act) + [x for t in objects(act) for x in prep_objects(t)]
            if p in lex.aim_place_preps and self.index.place[o.i] is not None
        ]

    # ------------------------------------------------------------------ output

    def _emit(self, d: Draft) -> None:
        tok = d.token
        anchor = d.slots.anchor
        head = clause_head(anchor if anchor.pos_ in VERBAL else tok)
        if not self.table.under(tok.i, head.i):  # a participle on the noun ("a directive issued ...")
            head = clause_head(tok)
        clause, c_lo, c_hi = clause_tokens(self.table, head, tok)
        c_lo, c_hi = min(c_lo, d.span[0]), max(c_hi, d.span[1] - 1)
        clause_set = set(clause)
        actors = d.actors
        recipients = _dedupe(d.recipients + d.extra_recipients)
        recipients = [p for p in recipients if not _same(p, actors)]
        actor_ids = _ids(actors)
        recipient_ids = [e for e in _ids(recipients) if e not in actor_ids]
        actor_phrases = _phrases(actors, self.table)
        recipient_phrases = _phrases(recipients, self.table)

        place_ids, place_how = self._places(d, clause, actors)
        named = bool(recipient_ids)  # for the confidence: a place read as the recipient adds none
        if not recipients and place_ids and self._place_is_target(d, place_how):
            part = self._place_part(place_ids[0], tok)
            if part is not None and not _same(part, actors):
                recipients = [part]
                recipient_ids = [e for e in _ids(recipients) if e not in actor_ids]
                recipient_phrases = _phrases(recipients, self.table)
                d.why.append("recipients: the place it is done in or to")
        if not (actor_ids or recipient_ids or actor_phrases or recipient_phrases or place_ids):
            return  # nobody and nowhere: not worth an event
        time_id, time_how = self._time(tok, clause, d)
        for m in d.merged:  # casualties counted in a verb folded into this event
            mclause, _, _ = clause_tokens(self.table, clause_head(m.token), m.token)
            clause_set.update(mclause)
        size, dead, injured = self._quantities(d, clause_set, actors)
        status, frame, chain, status_why = event_status(tok, anchor, self.frames, self.cues)
        time_item = self.times.get(time_id) if time_id else None
        past = historical(time_item, anchor, clause, self.published, self.lex, self.table)

        why = list(d.why)
        if place_how:
            why.append(place_how)
        if time_how:
            why.append(time_how)
        if status != "asserted":
            why.append(f"status {status}: {status_why}")
        if past:
            why.append(f"historical: {past}")
        conf = d.entry.confidence
        if actor_ids:
            conf += 0.1
        elif not actors:
            conf -= 0.1
        if actors and all(p.pronoun for p in actors):
            conf -= 0.1
        if not actor_ids and not named:
            conf -= 0.05
        if d.slots.support is not None:
            conf += 0.05
        if status in ("hypothetical", "threatened", "negated", "denied"):
            conf -= 0.1  # the text says it did not (or may not) happen
        if tok.i in self._protested:
            conf -= 0.1  # "in protest of the government's refusal": the grievance, not the news
            why.append("what a protest is against")
        conf = round(min(0.95, max(0.05, conf)), 2)

        tb = self.table
        s, e = tb.idx[d.span[0]], tb.end[d.span[1] - 1]
        fields: dict[str, object] = {
            "category": d.entry.category,
            "mode": d.mode,
            "context": list(d.entry.context),
            "trigger": self.analysis.document.text[s:e],
            "actors": actor_ids,
            "recipients": recipient_ids,
            "actor_phrases": actor_phrases,
            "recipient_phrases": recipient_phrases,
            "place": place_ids[0] if place_ids else None,
            "places": place_ids,
            "time": time_id,
            "size": size,
            "dead": dead,
            "injured": injured,
            "status": status,
            "attributed_to": frame.as_dict(self.analysis.document.text, chain) if frame is not None else None,
            "historical": bool(past),
            "clause": [tb.idx[c_lo], tb.end[c_hi]],
            "why": "; ".join(why),
            "confidence": conf,
        }
        self.analysis.new(Event, s, e, **fields)
        intent = None if past else self._intent(d, status, status_why)
        if intent is not None:
            category, mode = intent
            if status in ("hypothetical", "threatened", "negated", "denied"):
                conf += 0.1  # the statement itself is made, whatever becomes of the act
            fields.update(
                category=category,
                mode=mode,
                context=[],
                status="claimed" if frame is not None else "asserted",
                dead=None,
                injured=None,
                why="; ".join(
                    [f"a {status} {d.entry.category} act stated: {category} (plover.yaml intents)"] + why
                ),
                confidence=round(min(0.95, conf + 0.05), 2),
            )
            self.analysis.new(Event, s, e, **fields)

    def _anchor_verb(self, d: Draft) -> Node:
        return d.slots.anchor if d.slots.anchor.pos_ in VERBAL else d.token

    def _future(self, d: Draft) -> bool:
        """A future or reported-speech auxiliary on the act's verb ("will visit", "would not meet")."""
        aux = self.lex.statement_aux
        return any(c.dep_ == "aux" and c.lower_ in aux for c in self._anchor_verb(d).children)

    def _declared(self, d: Draft) -> bool:
        """A verb or adjective of declared intention governing the act ("plans to hold talks",
        "is ready to host", "has decided to send")."""
        lex = self.lex
        node = self._anchor_verb(d)
        for _ in range(4):  # "is ready to", "has decided to", "plans to begin to"
            if node.head.i == node.i:
                return False
            # a to-infinitive the parser hung as an adverbial clause ("have sworn to fight")
            to_advcl = node.dep_ == "advcl" and any(
                c.dep_ == "aux" and c.lower_ == "to" for c in node.children
            )
            if node.dep_ not in ("xcomp", "ccomp") and not to_advcl:
                return False
            node = node.head
            if node.lemma_.lower() in lex.statement_heads:
                return True
        return False

    def _intent(self, d: Draft, status: str, status_why: str) -> tuple[str, str | None] | None:
        """The promise, threat or refusal a planned or negated act states ("will visit Amman":
        AGREE; "will extend the curfew": THREATEN; "would not meet": REJECT), unless a governing
        verb already codes it ("agreed to reopen", "refused to meet") or the act is only the
        purpose of another ("staged a rally to demand ...")."""
        lex = self.lex
        declared = self._declared(d)
        if declared and status in ("asserted", "claimed"):
            status = "planned"  # "is ready to send aid": the adjective gives no status of its own
        category = lex.intents.get(status, {}).get(d.entry.category)
        if category is None or not (declared or self._future(d)):
            return None
        heads = self.table.head
        k = d.token.i
        for _ in range(40):  # the verbs above the act
            if heads[k] == k:
                break
            k = heads[k]
            if self._categories.get(k) == category:
                return None
        modes = lex.intent_modes.get(category, {})
        mode = modes.get(f"{d.entry.category}/{d.mode}") or modes.get(d.entry.category)
        return category, mode

    def _places(self, d: Draft, clause: list[int], actors: list[Part]) -> tuple[list[str], str]:
        """Places attached by a preposition first, then by position after the trigger, then the clause."""
        index, lex = self.index, self.lex
        # a place named as a party ("called on Iran", "Russia deployed") is who, not where
        tok = d.token
        sent = self.table.sent[tok.i]
        actor_toks = {t for p in actors + d.recipients if p.entities for t in self._entity_tokens(p, sent)}
        found: list[tuple[int, int, str]] = []  # (rank, distance, id)
        how = ""

        def add(pid: str | None, rank: int, at: int) -> None:
            if pid is not None and at not in actor_toks:
                found.append((rank, abs(at - tok.i), pid))

        for t in d.slots.place_toks:
            add(index.place[t.i], 0, t.i)
            if index.place[t.i] is not None:
                how = (
                    how or f"place from the subject of '{d.slots.support.lemma_ if d.slots.support else ''}'"
                )
        heads = {tok.i: tok, d.slots.anchor.i: d.slots.anchor}
        if d.slots.np is not None:
            heads[d.slots.np.i] = d.slots.np
        for h in heads.values():
            for prep, obj in prep_objects(h):
                rank = lex.place_preps.get(prep)
                if rank is None:
                    continue
                for k in range(obj.left_edge.i, obj.right_edge.i + 1):
                    if index.place[k] is not None and self.table.under(k, obj.i):
                        add(index.place[k], 1, k)
                        how = how or f"place from '{prep}'"
        if not found:  # a locative phrase after the trigger that the parser attached elsewhere
            start = subtree_end(d.slots.np or tok, self.table) if d.entry.pos == "noun" else tok.i + 1
            j = start
            clause_set = set(clause)
            tb = self.table
            n = len(tb.lower)
            while j < n and j in clause_set and j < start + 25:
                if is_boundary(tb, j) or (
                    tb.pos[j] in VERBAL and tb.dep[j] not in ("amod", "compound", "aux", "auxpass")
                ):
                    break
                if tb.lower[j] in lex.place_preps:
                    k = j + 1
                    while k < n and k < j + 12 and not is_boundary(tb, k) and tb.pos[k] not in VERBAL:
                        if index.place[k] is not None:
                            add(index.place[k], 2, k)
                            how = how or f"place from '{tb.lower[j]}' after the trigger"
                        elif tb.pos[k] == "ADP" and tb.lower[k] != "of":
                            break
                        k += 1
                    j = k
                    continue
                j += 1
        if not found:
            for i in clause:
                if index.entity[i] is None:  # a state named in the clause may be a party of another act
                    add(index.place[i], 3, i)
            if found:
                how = "place in the clause"
        found.sort()
        out: list[str] = []
        for _, _, pid in found:
            if pid not in out:
                out.append(pid)
        return out, how

    def _place_is_target(self, d: Draft, how: str) -> bool:
        """Whether the event's place stands for its recipient: a place tied to the act by a
        preposition in the categories listed, or any place of a visit (the host)."""
        lex = self.lex
        if (d.mode or "") in lex.place_recipient_modes:
            return True
        return d.entry.category in lex.place_recipient_categories and how.startswith("place from")

    def _place_part(self, pid: str, tok: Node) -> Part | None:
        """The mention of place `pid` nearest the trigger in its sentence, as a participant: the
        entity when the place is also one (a state), else the place name as a phrase."""
        tb, index = self.table, self.index
        sent = tb.sent[tok.i]
        hits = [k for k in range(len(tb.lower)) if tb.sent[k] == sent and index.place[k] == pid]
        if not hits:
            return None
        k = min(hits, key=lambda h: abs(h - tok.i))
        eid = index.entity[k]
        if eid is not None and eid in self.resolver.entities:
            return self.resolver.entity_part(eid, tb.node(k), "place")
        lo = hi = k
        while lo - 1 >= 0 and index.place[lo - 1] == pid:
            lo -= 1
        while hi + 1 < len(tb.lower) and index.place[hi + 1] == pid:
            hi += 1
        return Part(phrase=(lo, hi + 1), head=k, how="place", spans=[(lo, hi + 1)])

    def _entity_tokens(self, p: Part, sent: int) -> list[int]:
        """Tokens of the part's entities' mentions in the trigger's sentence."""
        out: list[int] = []
        sent_of = self.table.sent
        for eid in p.entities:
            for lo, hi in self.index.spans.get(eid, ()):
                if sent_of[lo] == sent:
                    out.extend(range(lo, hi))
        return out

    def _time(self, tok: Node, clause: list[int], d: Draft) -> tuple[str | None, str]:
        index = self.index
        best: tuple[int, str] | None = None
        for i in clause:
            tid = index.time[i]
            if tid is not None:
                dist = abs(i - tok.i)
                if best is None or dist < best[0]:
                    best = (dist, tid)
        if best is not None:
            return best[1], "time in the clause"
        for i in tok.sent:
            tid = index.time[i]
            if tid is not None:
                dist = abs(i - tok.i)
                if best is None or dist < best[0]:
                    best = (dist, tid)
        if best is not None:
            return best[1], "time in the sentence"
        return None, ""

    def _quantities(
        self, d: Draft, clause: set[int], actors: list[Part]
    ) -> tuple[str | None, str | None, str | None]:
        lex, index = self.lex, self.index
        actor_toks = {t for p in actors for lo, hi in p.spans for t in range(lo, hi)}
        size = dead = injured = None
        seen: set[str] = set()
        np = d.slots.np or d.token
        # the actor phrase too: "about 1,200 fighters crossed" may stand outside the verb's clause
        toks = sorted(clause | set(range(np.left_edge.i, np.right_edge.i + 1)) | actor_toks)
        for i in toks:
            qid = index.quantity[i]
            if qid is None or qid in seen:
                continue
            seen.add(qid)
            q = self.quantities[qid]
            unit = (q.unit or "").lower()
            span = index.spans.get(qid, [(i, i + 1)])[0]
            noun = self._counted(span)
            verb = noun.head if noun is not None else None
            vlemma = verb.lemma_.lower() if verb is not None else ""
            if d.entry.category not in lex.material_categories:
                if size is None and any(t in actor_toks for t in range(*span)):
                    size = qid
                continue  # casualties belong to the act, not to what is said about it
            if unit in lex.dead_units or (
                noun is not None and noun.dep_ in ("dobj", "nsubjpass", "nsubj") and vlemma in lex.dead_verbs
            ):
                dead = dead or qid
            elif unit in lex.injured_units or (
                noun is not None and noun.dep_ in ("dobj", "nsubjpass") and vlemma in lex.injured_verbs
            ):
                injured = injured or qid
            elif size is None:
                in_actor = any(t in actor_toks for t in range(*span))
                people = unit in lex.size_units or unit in lex.participant_nouns or unit in lex.armed_nouns
                if in_actor or (people and d.entry.category in ("MOBILIZE", "PROTEST")):
                    size = qid
        return size, dead, injured

    def _counted(self, span: tuple[int, int]) -> Node | None:
        tb = self.table
        for i in range(span[1] - 1, span[0] - 1, -1):
            if tb.pos[i] in ("NOUN", "PROPN"):
                return tb.node(i)
        t = tb.node(span[1] - 1)
        return t if t.pos_ == "NUM" and t.dep_ in ("nsubj", "nsubjpass", "dobj") else None


def _how(parts: list[Part]) -> str:
    """How the first participant was reached, when it took more than a name or a noun."""
    how = parts[0].how if parts else ""
    return f" ({how})" if how and how not in ("entity", "phrase") else ""


def _dedupe(parts: list[Part]) -> list[Part]:
    out: list[Part] = []
    seen: set[object] = set()
    for p in parts:
        key = tuple(p.entities) if p.entities else p.phrase
        if key in seen:
            continue
        seen.add(key)
        out.append(p)
    return out


def _same(p: Part, others: list[Part]) -> bool:
    for o in others:
        if p.entities and set(p.entities) <= set(o.entities):
            return True
        if not p.entities and p.phrase is not None and p.phrase == o.phrase:
            return True
    return False


def _ids(parts: list[Part]) -> list[str]:
    out: list[str] = []
    for p in parts:
        for e in p.entities:
            if e not in out:
                out.append(e)
    return out


def _phrases(parts: list[Part], tb: TokenTable) -> list[list[int]]:
    out: list[list[int]] = []
    for p in parts:
        if p.entities or p.phrase is None:
            continue
        lo, hi = p.phrase
        m = [tb.idx[lo], tb.end[hi - 1]]
        if m not in out:
            out.append(m)
    return out
