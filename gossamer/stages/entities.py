"""Actors: KB names and aliases first, then descriptions, demonyms, capital metonyms, then NER.

Order of precedence, each step only on tokens no earlier step claimed:
1. names and aliases from the actor KB (longest match: "Kata'ib Hezbollah" beats "Hezbollah");
2. descriptors ("the clerical regime"), only when the actor's country is named in the document;
3. demonyms ("Iraqi") as mentions of their state;
4. capitals standing for their government ("Tehran said", "Tehran's strategy",
   "Tehran-backed"); a capital used as a place is left to the places stage;
5. spaCy PERSON / ORG / NORP entities the KB does not know, clustered by name in the document.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources

import yaml

from spacy.tokens import Doc, Span

from ..kb import KB, Actor, load_kb
from ..model import Analysis, Entity
from ..nlp import Parsed
from ..phrases import Match, key

NER_TYPES = {"PERSON": "PERSON", "ORG": "ORGANIZATION", "NORP": "GROUP"}
# spaCy entities that, when longer than a state-name match inside them, mean the name is part of
# something else ("Jordan Peterson", "Georgia Power", "Bank of Jordan").
SHADOWING_LABELS = {"PERSON", "ORG", "FAC", "WORK_OF_ART", "EVENT", "PRODUCT", "LAW"}
GEO_TYPES = {"STATE"}
_TRIM_START = {"the", "a", "an", "'", '"', "'s", "-", "(", "["}
_TRIM_END = {"'s", "'", '"', ")", "]", ",", ".", "-", ":", ";"}


@dataclass
class _Hit:
    start_tok: int
    end_tok: int
    actor_id: str
    how: str


class EntityStage:
    name = "entities"

    def __init__(self, kb: KB | None = None) -> None:
        self.kb = kb or load_kb()

    def __call__(self, analysis: Analysis, parsed: Parsed) -> None:
        doc = parsed.doc
        taken = [False] * len(doc)
        shadows = _shadowing_spans(doc)
        hits: list[_Hit] = []
        matches = self.kb.index.scan(parsed)
        countries = self._countries(matches)

        for m in matches:
            found = self._resolve(doc, m, countries, shadows)
            if found is None:
                continue
            actor_id, how, end_tok = found
            for i in range(m.tok_start, end_tok):
                taken[i] = True
            hits.append(_Hit(m.tok_start, end_tok, actor_id, how))

        by_actor: dict[str, Entity] = {}
        for hit in sorted(hits, key=lambda h: h.start_tok):
            span = doc[hit.start_tok : hit.end_tok]
            ent = by_actor.get(hit.actor_id)
            if ent is None:
                actor = self.kb.actors[hit.actor_id]
                ent = analysis.new(
                    Entity,
                    span.start_char,
                    span.end_char,
                    name=actor.name,
                    type=actor.type,
                    kb_id=actor.id,
                    country=actor.country,
                    sector=actor.sector,
                    how=hit.how,
                )
                by_actor[hit.actor_id] = ent
            else:
                ent.add_mention(span.start_char, span.end_char)

        self._unknown_entities(analysis, doc, taken)
        analysis.entities.sort(key=lambda e: e.mentions[0])

    def _countries(self, matches: list[Match[tuple[str, str]]]) -> set[str]:
        """ISO2 codes of the states the document names, by name, demonym or capital."""
        found: set[str] = set()
        for m in matches:
            for how, actor_id in m.values:
                actor = self.kb.actors[actor_id]
                if actor.country and (how in ("demonym", "capital") or actor.type == "STATE"):
                    found.add(actor.country)
        return found

    def _resolve(
        self, doc: Doc, m: Match[tuple[str, str]], countries: set[str], shadows: list[tuple[int, int]]
    ) -> tuple[str, str, int] | None:
        """(actor id, how, token end) for a match, trying its readings in order of strength."""
        by_how: dict[str, list[str]] = {}
        for how, actor_id in m.values:
            by_how.setdefault(how, []).append(actor_id)
        if "kb" in by_how:
            actor_id = self._choose(tuple(by_how["kb"]), countries)
            if not (self.kb.actors[actor_id].type in GEO_TYPES and _shadowed(m, shadows)):
                return actor_id, "kb", m.tok_end
            return None
        if "descriptor" in by_how:
            ids = tuple(a for a in by_how["descriptor"] if self.kb.actors[a].country in countries)
            if ids:
                return self._choose(ids, countries), "descriptor", m.tok_end
        if "demonym" in by_how and not _shadowed(m, shadows):
            if not _place_cue_follows(doc, m.tok_end):
                return self._choose(tuple(by_how["demonym"]), countries), "demonym", m.tok_end
        if "capital" in by_how:
            end = self._metonym_end(doc, m)
            if end is not None:
                gov = f"{self._choose(tuple(by_how['capital']), countries)}-GOV"
                if gov in self.kb.actors:
                    return gov, "metonym", end
        return None

    def _choose(self, ids: tuple[str, ...], countries: set[str]) -> str:
        """Among actors sharing a name, prefer one from a country the document names."""
        if len(ids) == 1:
            return ids[0]
        ranked = sorted(
            ids,
            key=lambda a: (
                self.kb.actors[a].country not in countries,
                self.kb.actors[a].state is not None,  # curated over derived
                ids.index(a),
            ),
        )
        return ranked[0]

    def _metonym_end(self, doc: Doc, m: Match[str]) -> int | None:
        """Token end of a capital-for-government mention, or None when the capital is a place."""
        cues = self.kb.metonym
        head = doc[m.tok_end - 1]
        nxt = doc[m.tok_end] if m.tok_end < len(doc) else None
        if nxt is not None and nxt.text == "-" and m.tok_end + 1 < len(doc):
            if doc[m.tok_end + 1].lower_ in cues.get("compounds", ()):
                return m.tok_end
        if head.dep_ in ("nsubj", "nsubjpass") and head.head.lemma_.lower() in cues.get("verbs", ()):
            return m.tok_end
        if head.dep_ == "poss" and head.head.lower_ in cues.get("nouns", ()):
            return m.tok_end
        if head.dep_ == "compound" and head.head.lower_ in {"government", "regime", "authorities", "leadership", "administration"}:
            return head.head.i + 1
        return None

    def _unknown_entities(self, analysis: Analysis, doc: Doc, taken: list[bool]) -> None:
        """Entities spaCy finds that the KB does not know, clustered by name within the document."""
        clusters: dict[str, Entity] = {}
        surnames: dict[str, Entity] = {}
        acronyms: dict[str, Entity] = {}
        for ent in doc.ents:
            etype = NER_TYPES.get(ent.label_)
            if etype is None or any(taken[ent.start : ent.end]) or _place_cue_follows(doc, ent.end):
                continue
            span = _trim(ent)
            if span is None:
                continue
            k = key(span.text)
            entity = clusters.get(k)
            if entity is None and len(span.text.split()) == 1:
                # "al-Rawi" after "Ahmed Khalaf al-Rawi", whatever label spaCy gave the short form
                entity = surnames.get(k)
            if entity is None:
                entity = acronyms.get(span.text)
            if entity is None:
                entity = analysis.new(Entity, span.start_char, span.end_char, name=span.text, type=etype, how="ner")
            else:
                entity.add_mention(span.start_char, span.end_char)
                if len(span.text) > len(entity.name) and entity.type == etype:
                    entity.name = span.text
            clusters[k] = entity
            words = span.text.split()
            if entity.type == "PERSON" and len(words) > 1:
                surnames.setdefault(key(words[-1]), entity)
                surnames.setdefault(key(span[-1].text), entity)
            acr = _parenthesised_acronym(doc, ent.end)
            if acr is not None:
                acronyms[acr.text] = entity
                entity.add_mention(acr.start_char, acr.end_char)
                for i in range(acr.start, acr.end):
                    taken[i] = True
        if acronyms:
            for tok in doc:
                entity = acronyms.get(tok.text)
                if entity is not None and not taken[tok.i]:
                    entity.add_mention(tok.idx, tok.idx + len(tok))


def _place_cue_follows(doc: Doc, end: int) -> bool:
    """ "Munziriyah border crossing", "Anbar province": a name followed by a place noun is a place."""
    cues = _place_cues()
    for i in range(end, min(end + 2, len(doc))):
        if doc[i].lower_ in cues:
            return True
        if not doc[i].is_alpha:
            return False
    return False


@functools.cache
def _place_cues() -> frozenset[str]:
    data = yaml.safe_load(resources.files("gossamer.data").joinpath("lexicons/institutions.yaml").read_text())
    return frozenset(data.get("place_nouns", {}).get("nouns", ()))


def _shadowing_spans(doc: Doc) -> list[tuple[int, int]]:
    """Spans of longer PERSON/ORG/... entities, minus function words and punctuation at their edges."""
    out = []
    for e in doc.ents:
        if e.label_ in SHADOWING_LABELS:
            content = [t.i for t in e if t.is_alpha and not t.is_stop]
            if content:
                out.append((content[0], content[-1] + 1))
    return out


def _shadowed(m: Match[str], shadows: list[tuple[int, int]]) -> bool:
    """True when a longer PERSON/ORG/... entity contains the match ("Jordan" in "Jordan Peterson")."""
    return any(s <= m.tok_start and m.tok_end <= e and (e - s) > (m.tok_end - m.tok_start) for s, e in shadows)


def _trim(ent: Span) -> Span | None:
    start, end = ent.start, ent.end
    doc = ent.doc
    while start < end and (doc[start].lower_ in _TRIM_START or doc[start].is_punct):
        start += 1
    while end > start and (doc[end - 1].lower_ in _TRIM_END or doc[end - 1].is_punct):
        end -= 1
    if start >= end:
        return None
    span = doc[start:end]
    text = span.text
    if len(text) < 2 or text.islower() or not any(ch.isalpha() for ch in text):
        return None
    return span


def _parenthesised_acronym(doc: Doc, end: int) -> Span | None:
    """The "(NCRI)" right after a name."""
    if end + 2 < len(doc) and doc[end].text == "(" and doc[end + 2].text == ")":
        tok = doc[end + 1]
        if tok.text.isupper() and tok.is_alpha and 2 <= len(tok.text) <= 8:
            return doc[end + 1 : end + 2]
    return None


__all__ = ["EntityStage", "Actor"]
