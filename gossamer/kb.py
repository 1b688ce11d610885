"""The actor knowledge base: states (generated from ISO 3166 + GeoNames) and curated actors.

Every state also gets its government (`ISO3-GOV`) and armed forces (`ISO3-MIL`), derived
from the patterns in ``data/lexicons/institutions.yaml`` ("the Iraqi government",
"armed forces of Iran"); `actors.yaml` may define those ids too, adding aliases and
descriptors, and its fields are merged over the derived ones.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field, replace
from importlib import resources
from typing import Any

import yaml

from .phrases import PhraseIndex

RELATIONS = frozenset({"member_of", "part_of", "backed_by", "allied_with", "leads", "hostile_to"})


@dataclass(frozen=True)
class Affiliation:
    relation: str
    target: str
    source: str = ""


@dataclass(frozen=True)
class Actor:
    id: str
    name: str
    type: str
    sector: str | None = None
    country: str | None = None  # ISO2
    aliases: tuple[str, ...] = ()
    descriptors: tuple[str, ...] = ()  # resolve only when `country` is mentioned in the document
    demonyms: tuple[str, ...] = ()
    capital: str | None = None
    capital_geonames_id: int | None = None
    role: str | None = None
    affiliations: tuple[Affiliation, ...] = ()
    source: str = ""
    state: str | None = None  # for derived GOV/MIL: the state's id

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@dataclass
class KB:
    actors: dict[str, Actor] = field(default_factory=dict)
    # One index for every way an actor is named: values are (how, actor id) with how one of
    # "kb" (name or alias), "descriptor", "demonym" (-> state), "capital" (-> state).
    index: PhraseIndex[tuple[str, str]] = field(default_factory=PhraseIndex)
    by_country: dict[str, str] = field(default_factory=dict)  # ISO2 -> state id
    metonym: dict[str, frozenset[str]] = field(default_factory=dict)

    def get(self, actor_id: str) -> Actor | None:
        return self.actors.get(actor_id)

    def state_of(self, iso2: str | None) -> Actor | None:
        return self.actors.get(self.by_country.get(iso2 or "", ""))


def _read_yaml(name: str) -> Any:
    path = resources.files("gossamer.data").joinpath(name)
    if not path.is_file():
        return None
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _actor(entry: dict[str, Any]) -> Actor:
    affs = tuple(
        Affiliation(a["relation"], a["target"], a.get("source", "")) for a in entry.get("affiliations") or ()
    )
    return Actor(
        id=entry["id"],
        name=entry["name"],
        type=entry["type"],
        sector=entry.get("sector"),
        country=entry.get("country"),
        aliases=tuple(a for a in entry.get("aliases") or () if a),
        descriptors=tuple(entry.get("descriptors") or ()),
        demonyms=tuple(entry.get("demonyms") or ()),
        capital=entry.get("capital") or None,
        capital_geonames_id=entry.get("capital_geonames_id"),
        role=entry.get("role"),
        affiliations=affs,
        source=entry.get("source", ""),
        state=entry.get("state"),
    )


def _derive(state: Actor, kind: str, rule: dict[str, Any], source: str) -> Actor:
    aliases: list[str] = []
    for demonym in state.demonyms[:1] or ():
        aliases += [f"{demonym} {noun}" for noun in rule.get("nouns", ())]
    for name in (state.name, *state.aliases[:3]):
        aliases += [f"{form} {name}" for form in rule.get("of_forms", ())]
        if kind != "STATE":
            aliases += [f"{name} {noun}" for noun in rule.get("nouns", ())[:2]]
    return Actor(
        id=f"{state.id}-{kind}",
        name=rule.get("name", "{name}").format(name=state.name),
        type={"GOV": "GOVERNMENT", "MIL": "MILITARY"}[kind],
        sector=kind,
        country=state.country,
        aliases=tuple(dict.fromkeys(aliases)),
        source=f"derived from {state.id} by data/lexicons/institutions.yaml ({source})",
        state=state.id,
    )


def _merge(base: Actor, extra: Actor) -> Actor:
    return replace(
        base,
        name=extra.name or base.name,
        type=extra.type or base.type,
        sector=extra.sector or base.sector,
        aliases=tuple(dict.fromkeys((*base.aliases, *extra.aliases))),
        descriptors=tuple(dict.fromkeys((*base.descriptors, *extra.descriptors))),
        role=extra.role or base.role,
        affiliations=base.affiliations + extra.affiliations,
        source="; ".join(s for s in (base.source, extra.source) if s),
    )


@functools.cache
def load_kb() -> KB:
    kb = KB()
    institutions = _read_yaml("lexicons/institutions.yaml") or {}
    derived = institutions.get("derived", {})
    metonym = institutions.get("metonym", {})
    kb.metonym = {k: frozenset(metonym.get(k, ())) for k in ("verbs", "nouns", "compounds")}

    for entry in _read_yaml("states.yaml") or ():
        state = _actor(entry)
        extra_state_aliases: list[str] = []
        if "STATE" in derived:
            for demonym in state.demonyms[:1]:
                extra_state_aliases += [f"{demonym} {n}" for n in derived["STATE"].get("nouns", ())]
        state = replace(state, aliases=tuple(dict.fromkeys((*state.aliases, *extra_state_aliases))))
        kb.actors[state.id] = state
        if state.country:
            kb.by_country[state.country] = state.id
        for kind in ("GOV", "MIL"):
            if kind in derived:
                sub = _derive(state, kind, derived[kind], derived[kind].get("source", ""))
                kb.actors[sub.id] = sub

    for entry in _read_yaml("actors.yaml") or ():
        actor = _actor(entry)
        if actor.id in kb.actors:
            actor = _merge(kb.actors[actor.id], actor)
        elif actor.id.endswith(("-GOV", "-MIL")) and actor.state is None:
            actor = replace(actor, state=actor.id.rsplit("-", 1)[0])
        kb.actors[actor.id] = actor

    for actor in kb.actors.values():
        for name in actor.names:
            kb.index.add(name, ("kb", actor.id))
        for d in actor.descriptors:
            kb.index.add(d, ("descriptor", actor.id))
        if actor.type == "STATE":
            for d in actor.demonyms:
                kb.index.add(d, ("demonym", actor.id))
            if actor.capital:
                kb.index.add(actor.capital, ("capital", actor.id))
    return kb
