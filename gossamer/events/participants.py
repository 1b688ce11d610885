"""Who took part: from a token of the parse to entity ids or a participant phrase.

A token inside an entity mention is that entity. Otherwise a head noun is followed to the group
it stands for ("members of X", "X's fighters", "proxies within X", "armed factions, notably X
and Y"); pronouns go to the nearest fitting actor before them; and a noun that names people or
forces ("protesters", "security forces") becomes a phrase. Anything else ("the obstruction",
"these orders") is no participant at all.

Pronoun rule, kept simple on purpose: "it/its" is the nearest earlier non-person entity, a
subject (or a subject's possessor) preferred, within the sentence and the two before it;
"they/them/their" are the entity actors of the nearest earlier event within three sentences,
else the nearest earlier group entity; "he/she" the nearest earlier person entity.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Doc

from ..model import Analysis, Entity
from .lexicon import Lexicon
from .syntax import NOMINAL, conjuncts, np_span, prep_objects, subtree_end
from .tokens import Node, TokenIndex, TokenTable

ARMED_TYPES = {"ARMED_GROUP": "militia", "MILITARY": "troops"}
ARMED_SECTORS = {"REB": "militia", "MIL": "troops", "COP": "police", "SPY": "troops"}
STATE_TYPES = frozenset({"STATE", "GOVERNMENT", "IGO"})
GROUP_TYPES = frozenset(
    {
        "ARMED_GROUP",
        "MILITARY",
        "PARTY",
        "COALITION",
        "MOVEMENT",
        "GROUP",
        "ORGANIZATION",
        "NGO",
        "IGO",
        "GOVERNMENT",
        "STATE",
    }
)
CIVIL_TYPES = frozenset({"MOVEMENT", "GROUP", "NGO", "ORGANIZATION", "PERSON", "PARTY", "MEDIA"})
_LINK_SKIP_POS = frozenset({"DET", "ADJ", "PUNCT", "NUM"})


@dataclass
class Part:
    """One participant: entity ids, or a phrase (token span), with what kind of party it is."""

    entities: list[str] = field(default_factory=list)
    phrase: tuple[int, int] | None = None
    head: int = -1
    force: str | None = None  # militia / troops / police / weapons
    civilian: bool = False
    state: bool = False
    target: bool = False
    pronoun: bool = False
    how: str = ""
    spans: list[tuple[int, int]] = field(default_factory=list)  # noun phrases passed through (for sizes)

    @property
    def armed(self) -> bool:
        return self.force in ("militia", "troops", "police")


class Resolver:
    """Participant resolution for one document."""

    def __init__(
        self, analysis: Analysis, doc: Doc, lex: Lexicon, index: TokenIndex, table: TokenTable
    ) -> None:
        self.doc = doc
        self.table = table
        self.lex = lex
        self.index = index
        self.entities: dict[str, Entity] = {e.id: e for e in analysis.entities}
        self.sent_of = table.sent
        mentions: list[tuple[int, str, bool]] = []
        for eid, spans in index.spans.items():
            if eid not in self.entities:
                continue
            for lo, hi in spans:
                mentions.append((lo, eid, self._subjectish(lo, hi)))
        mentions.sort()
        self.mentions = mentions
        self.events: list[tuple[int, list[str]]] = []  # (trigger token, entity actors), document order

    # ------------------------------------------------------------------ public

    def resolve(self, tok: Node) -> list[Part]:
        """Participants for a role filled by `tok` and the words conjoined with it."""
        out: list[Part] = []
        for t in conjuncts(tok) if tok.pos_ in NOMINAL else [tok]:
            out.extend(self._one(t, 0))
        return out

    def note_event(self, trigger: int, actors: list[str]) -> None:
        if actors:
            self.events.append((trigger, actors))

    def kind_of(self, tok: Node) -> str | None:
        """The force a noun names ("fighters" -> militia, "security forces" -> police), or None."""
        g = self.lex.groups
        lemma, low = tok.lemma_.lower(), tok.lower_
        if tok.i > 0:
            multi = self.lex.multiword_groups.get(low) or self.lex.multiword_groups.get(lemma)
            if multi:
                prev = self.table.lower[tok.i - 1]
                two = f"{prev} {low}"
                two_l = f"{prev} {lemma}"
                kind = multi.get(two) or multi.get(two_l)
                if kind in ("militia", "troops", "police", "weapons"):
                    return kind
        for name in ("militia", "troops", "police", "weapons"):
            if lemma in g[name] or low in g[name]:
                own = name
                break
        else:
            own = None
        mods = self.lex.armed_modifiers
        for c in tok.children:
            if c.dep_ in ("amod", "compound", "nmod") and c.i < tok.i:
                cl = c.lower_
                if cl in g["militia"] or c.lemma_ in g["militia"]:
                    return "militia"  # "militia elements", "rebel fighters"
                kind = mods.get(cl)
                # "security forces" are police although "forces" alone are troops
                if kind is not None and (own is None or kind == "police" and own == "troops"):
                    return kind
        return own

    # ------------------------------------------------------------------ resolution

    def _one(self, t: Node, depth: int) -> list[Part]:
        eid = self.index.entity[t.i]
        if eid is not None and eid in self.entities:
            return [self.entity_part(eid, t, "entity")]
        if t.tag_ in ("WDT", "WP") and t.head.dep_ == "relcl" and t.head.head.pos_ in ("NOUN", "PROPN"):
            return self._one(t.head.head, depth + 1)  # "the militia that attacked": the militia
        if t.pos_ == "PRON":
            return self._pronoun(t)
        if self.index.time[t.i] is not None or t.ent_type_ in ("DATE", "TIME", "ORDINAL", "MONEY", "PERCENT"):
            return []  # "on Monday" is when, not whom
        if depth < 4 and (t.pos_ == "NUM" or t.lemma_.lower() in self.lex.count_heads):
            for prep, obj in prep_objects(t):  # "thousands of protesters"
                if prep == "of":
                    inner = self.resolve_deep(obj, depth + 1)
                    for p in inner:
                        p.spans = [np_span(t, self.table)] + p.spans
                        if p.phrase is not None and not p.entities:
                            p.phrase = (min(p.phrase[0], np_span(t, self.table)[0]), p.phrase[1])
                    return inner
        if depth < 4:
            linked = self._membership(t, depth)
            if linked:
                return linked
            examples = self._examples(t)
            if examples:
                return examples
            owner = self._target_owner(t, depth)
            if owner:
                return owner
        lemma, low = t.lemma_.lower(), t.lower_
        lex = self.lex
        if not (
            lemma in lex.participant_nouns
            or low in lex.participant_nouns
            or t.pos_ == "PROPN"
            or t.ent_type_ in ("PERSON", "ORG", "NORP")
        ):
            # an unlisted noun owned by a named party: "Hezbollah financiers", "Iran's economy"
            for c in t.children:
                if c.dep_ in ("compound", "poss") and c.i < t.i:
                    eid = self.index.entity[c.i]
                    if eid is not None and eid in self.entities:
                        return self._carry(
                            [self.entity_part(eid, c, "entity")],
                            t,
                            np_span(t, self.table),
                            f"owner of '{t.text}'",
                        )
            return []
        if self.index.place[t.i] is not None and t.pos_ == "PROPN":
            return []  # a place name is where, not who
        span = np_span(t, self.table)
        return [self.phrase_part(t, span, "phrase")]

    def phrase_part(self, t: Node, span: tuple[int, int], how: str) -> Part:
        g = self.lex.groups
        lemma = t.lemma_.lower()
        force = self.kind_of(t)
        return Part(
            phrase=span,
            head=t.i,
            force=force,
            civilian=lemma in g["civilian"] or t.lower_ in g["civilian"],
            state=lemma in g["state"],
            target=lemma in g["target"],
            how=how,
            spans=[span],
        )

    def entity_part(self, eid: str, t: Node, how: str) -> Part:
        e = self.entities[eid]
        force = ARMED_TYPES.get(e.type) or ARMED_SECTORS.get(e.sector or "")
        if force is None and e.type == "GOVERNMENT" and e.sector == "MIL":
            force = "troops"
        # "thousands of Kenyans marched": a plural demonym names the country's people, not its state
        people = e.type == "STATE" and t.ent_type_ == "NORP" and t.tag_ in ("NNPS", "NNS")
        return Part(
            entities=[eid],
            head=t.i,
            force=force,
            civilian=(e.type in CIVIL_TYPES or people) and force is None,
            state=(e.type in STATE_TYPES or e.sector == "GOV") and not people,
            target=True,
            how=how,
            spans=[(t.i, t.i + 1)],
        )

    def _membership(self, t: Node, depth: int) -> list[Part]:
        """ "members of X", "X's forces", "Hamas fighters", "proxies within X" -> X."""
        lex = self.lex
        lemma, low = t.lemma_.lower(), t.lower_
        transparent = lemma in lex.groups["transparent"] or low in lex.groups["transparent"]
        group = transparent or lemma in lex.participant_nouns
        if not group:
            return []
        own = np_span(t, self.table)
        allowed = {w[0] for w in (lex.membership if transparent else lex.membership_any) if len(w) == 1}
        for prep, obj in prep_objects(t):
            if prep in allowed:
                if prep != "of" and self.index.entity[obj.i] is None and not transparent:
                    continue
                inner = self.resolve_deep(obj, depth + 1)
                if prep != "of":  # "fighters in Syria": a state by a preposition is a location
                    inner = [p for p in inner if not (p.entities and self._is_state(p.entities[0]))]
                if any(p.entities for p in inner):
                    return self._carry(inner, t, own, f"'{t.text} {prep} ...'")
                if inner and transparent:
                    # "members of armed factions": keep the whole phrase, with the inner force
                    hi = subtree_end(obj, self.table)
                    part = self.phrase_part(t, (own[0], hi), f"'{t.text} {prep} ...'")
                    part.force = part.force or next((p.force for p in inner if p.force), None)
                    part.civilian = part.civilian or any(p.civilian for p in inner)
                    part.state = part.state or any(p.state for p in inner)
                    part.spans = [own] + [s for p in inner for s in p.spans]
                    return [part]
        for c in t.children:
            if c.dep_ == "poss" and transparent:
                inner = self._one(c, depth + 1)
                if any(p.entities for p in inner):
                    return self._carry(inner, t, own, f"possessor of '{t.text}'")
            elif c.dep_ in ("compound", "nmod", "amod") and c.i < t.i:
                eid = self.index.entity[c.i]
                if eid is None or eid not in self.entities:
                    continue
                # "Hamas fighters" -> Hamas; "Israeli warplanes", "an Iranian official" -> the state
                # (its forces and its officials); but "Syrian rebels", "Iraqi militia elements" are not
                state_people = self.kind_of(t) in ("troops", "police", "weapons") or (
                    lemma in lex.groups["state"] or low in lex.groups["state"]
                )
                if not self._is_state(eid) and c.dep_ != "amod" or self._is_state(eid) and state_people:
                    parts = [self.entity_part(eid, c, "entity")]
                    # "Iraqi and Iranian delegations": each conjoined modifier names a party
                    for m in conjuncts(c)[1:]:
                        other = self.index.entity[m.i]
                        if other is not None and other in self.entities and other != eid:
                            if self._is_state(other) == self._is_state(eid):
                                parts.append(self.entity_part(other, m, "entity"))
                    return self._carry(parts, t, own, f"'{c.text} {t.text}'")
        # a membership preposition the parser hung elsewhere: "proxies within the Framework"
        j = t.i + 1
        doc = self.doc
        lower = self.table.lower
        for phrase in lex.membership if transparent else lex.membership_any:
            if tuple(lower[j : j + len(phrase)]) == phrase:
                if phrase == ("in",):  # "forces in X" is nearly always where they are
                    break
                k = j + len(phrase)
                while k < len(doc) and k < j + 8:
                    eid = self.index.entity[k]
                    if eid is not None and eid in self.entities:
                        if self._is_state(eid) and phrase != ("of",):
                            break
                        part = self.entity_part(eid, self.table.node(k), "entity")
                        return self._carry([part], t, own, f"'{t.text} {' '.join(phrase)} ...'")
                    if (
                        self.table.pos[k] in _LINK_SKIP_POS
                        and lower[k] not in (",", ";", ".", ":")
                        or self.table.dep[k] == "compound"
                    ):
                        k += 1
                        continue
                    break
                break
        return []

    def _target_owner(self, t: Node, depth: int) -> list[Part]:
        """A target noun stands for the party it belongs to or serves: "positions of the militia",
        "a camp for refugees" (plover.yaml participants.target_owner)."""
        lex = self.lex
        if not (t.lemma_.lower() in lex.groups["target"] or t.lower_ in lex.groups["target"]):
            return []
        own = np_span(t, self.table)
        for prep, obj in prep_objects(t):
            if prep not in lex.target_owner:
                continue
            inner = self.resolve_deep(obj, depth + 1)
            if any(p.entities for p in inner):
                return self._carry(inner, t, own, f"owner of '{t.text}'")
            if inner:  # "a shelter for refugees": the whole phrase, the people's kind
                part = self.phrase_part(t, (own[0], np_span(obj, self.table)[1]), f"owner of '{t.text}'")
                part.force = next((p.force for p in inner if p.force), None)
                part.civilian = any(p.civilian for p in inner)
                part.state = any(p.state for p in inner)
                part.spans = [own] + [s for p in inner for s in p.spans]
                return [part]
        return []

    def resolve_deep(self, tok: Node, depth: int) -> list[Part]:
        out: list[Part] = []
        for t in conjuncts(tok):
            out.extend(self._one(t, depth))
        return out

    def _examples(self, t: Node) -> list[Part]:
        """Named examples of a group: "armed factions—notably X and Y", "groups such as X"."""
        g = self.lex.groups
        lemma = t.lemma_
        if lemma in g["target"] and lemma not in g["organizations"] or t.pos_ == "PROPN":
            return []  # only a group has named examples ("armed factions, notably X"), not "the base (X)"
        parts: list[Part] = []
        for c in t.children:
            if c.dep_ == "appos":
                parts.extend(p for p in self.resolve_deep(c, 3) if p.entities)
            elif c.dep_ == "prep" and c.lower_ in ("including", "like", "as"):
                for g in c.children:
                    if g.dep_ == "pobj":
                        parts.extend(p for p in self.resolve_deep(g, 3) if p.entities)
        if parts:
            return self._carry(parts, t, np_span(t, self.table), f"named examples of '{t.text}'")
        doc = self.doc
        j = stop = subtree_end(t, self.table)
        dashed = False
        lower = self.table.lower
        while j < len(doc) and j < stop + 2 and lower[j] in ("—", "–", ",", "(", ":"):
            dashed = dashed or lower[j] in ("—", "–", ":")  # a bare name after a dash or colon
            j += 1
        cue = False
        for phrase in self.lex.examples:
            if tuple(lower[j : j + len(phrase)]) == phrase:
                j += len(phrase)
                cue = True
                break
        if not cue and not dashed:
            return []
        found: list[Part] = []
        k = j
        while k < len(doc):
            eid = self.index.entity[k]
            if eid is not None and eid in self.entities:
                if not any(eid in p.entities for p in found):
                    found.append(self.entity_part(eid, self.table.node(k), "entity"))
                while k < len(doc) and self.index.entity[k] == eid:
                    k += 1
                continue
            if lower[k] in self.lex.name_joiners:
                k += 1
                continue
            break
        if not found:
            return []
        return self._carry(found, t, np_span(t, self.table), f"named examples of '{t.text}'")

    def _carry(self, inner: list[Part], t: Node, own: tuple[int, int], how: str) -> list[Part]:
        """Entity parts reached through a group noun keep the noun's force and phrase span."""
        force = self.kind_of(t)
        out = []
        for p in inner:
            if not p.entities:
                continue
            q = Part(**p.__dict__)
            q.force = p.force or force
            q.spans = [own] + list(p.spans)
            q.how = how
            out.append(q)
        return out

    def _is_state(self, eid: str) -> bool:
        e = self.entities.get(eid)
        return e is not None and e.type == "STATE"

    # ------------------------------------------------------------------ pronouns

    def _subjectish(self, lo: int, hi: int) -> bool:
        head, dep = self.table.head, self.table.dep
        for i in range(lo, hi):
            h = head[i]
            if h < lo or h >= hi or h == i:
                if dep[i] in ("nsubj", "nsubjpass"):
                    return True
                if dep[i] == "poss" and dep[h] in ("nsubj", "nsubjpass"):
                    return True
        return False

    def _pronoun(self, t: Node) -> list[Part]:
        low = t.lower_
        pronouns = self.lex.pronouns
        if low in pronouns["it"]:
            eid = self._nearest(t.i, window=2, want=lambda e: e.type != "PERSON")
        elif low in pronouns["they"]:
            sent = self.sent_of[t.i]
            for trig, actors in reversed(self.events):
                if trig < t.i and sent - self.sent_of[trig] <= 3:
                    parts = [
                        self.entity_part(a, t, f"pronoun '{t.text}'") for a in actors if a in self.entities
                    ]
                    for p in parts:
                        p.pronoun = True
                    return parts
            eid = self._nearest(t.i, window=2, want=lambda e: e.type in GROUP_TYPES and e.type != "STATE")
        elif low in pronouns["person"]:
            eid = self._nearest(t.i, window=2, want=lambda e: e.type == "PERSON")
        else:
            return []
        if eid is None:
            return []
        part = self.entity_part(eid, t, f"pronoun '{t.text}'")
        part.pronoun = True
        return [part]

    def _nearest(self, i: int, window: int, want) -> str | None:
        sent = self.sent_of[i]
        fallback = None
        for lo, eid, subj in reversed(self.mentions):
            if lo >= i:
                continue
            if sent - self.sent_of[lo] > window:
                break
            e = self.entities[eid]
            if not want(e):
                continue
            if subj:
                return eid
            if fallback is None:
                fallback = eid
        return fallback
