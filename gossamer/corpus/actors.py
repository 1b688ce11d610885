"""One actor per real actor across the corpus.

Within a document the entities stage already joined "al-Obeidi" to "Salim Jabbar al-Obeidi";
across documents only the name is left. The rules, cheapest and safest first:

- an entity with a KB id is ``kb:<id>``: the knowledge base already decided who it is;
- otherwise ``name:<key>`` with `key` the phrase key of its name (case, accents and punctuation
  folded: "Kata'ib Hezbollah" = "Kataib Hezbollah"), whatever its type: the same written name
  in two articles is one actor far more often than two;
- a name-only actor whose key is the name of exactly one KB actor seen in the corpus joins it;
- an acronym ("PMF") joins the one longer name of a compatible type whose initials it is;
- a one-word person name ("Obeidi", "al-Obeidi") joins the one full person name ending in it.

Acronyms and surnames join only when the corpus holds exactly one candidate: an ambiguous short
name is left alone rather than merged wrongly. Every rule is a dict lookup by key (blocked), so
the cost is linear in the number of distinct names.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from ..model import Entity
from ..phrases import is_acronym, key


def _best(counter: Counter[str]) -> str | None:
    """The most common value; ties go to the longest, then the alphabetically first (stable)."""
    if not counter:
        return None
    return min(counter.items(), key=lambda kv: (-kv[1], -len(kv[0]), kv[0]))[0]


def _person(types: Counter[str]) -> bool:
    return _best(types) == "PERSON"


class ActorResolver:
    """Streams entities in, resolves actor keys once every name of the corpus is known."""

    def __init__(self, config: dict[str, Any]) -> None:
        self.skip = frozenset(config.get("acronym_skip") or ())
        self.acronym_min = int(config.get("acronym_min", 2))
        self._mentions: dict[tuple[str, str], str] = {}  # (doc, entity) -> raw key
        self._names: dict[str, Counter[str]] = {}
        self._types: dict[str, Counter[str]] = {}
        self._countries: dict[str, Counter[str]] = {}
        self._kb_name_keys: dict[str, set[str]] = {}  # name key -> kb raw keys named so

    def add(self, doc_id: str, entity: Entity) -> None:
        name = " ".join((entity.name or "").split())
        if entity.kb_id:
            raw = f"kb:{entity.kb_id}"
            nk = key(name)
            if nk:
                self._kb_name_keys.setdefault(nk, set()).add(raw)
        else:
            nk = key(name)
            if not nk:
                return
            raw = f"name:{nk}"
        self._mentions[(doc_id, entity.id)] = raw
        self._names.setdefault(raw, Counter())[name] += 1
        self._types.setdefault(raw, Counter())[entity.type or "ORGANIZATION"] += 1
        if entity.country:
            self._countries.setdefault(raw, Counter())[entity.country] += 1

    # ------------------------------------------------------------------ merging

    def _initials(self, name: str) -> str:
        words = [w for w in name.replace("-", " ").split() if w]
        letters = [w[0] for w in words if w.casefold() not in self.skip and w[0].isalpha()]
        return key("".join(letters)) if len(letters) >= self.acronym_min else ""

    def _targets(self) -> dict[str, str]:
        """raw key -> the raw key it merges into (only for keys that merge)."""
        into: dict[str, str] = {}
        # 1. a name-only actor named like exactly one KB actor
        for raw in self._names:
            if raw.startswith("name:"):
                kbs = self._kb_name_keys.get(raw[5:])
                if kbs and len(kbs) == 1:
                    target = next(iter(kbs))
                    if _person(self._types[raw]) == _person(self._types[target]):
                        into[raw] = target
        # 2. acronyms and 3. surnames, each by one lookup in an index of longer names
        by_initials: dict[str, set[str]] = {}
        by_surname: dict[str, set[str]] = {}
        for raw, names in self._names.items():
            if raw in into:
                continue
            person = _person(self._types[raw])
            for name in names:
                words = name.split()
                if len(words) < 2:
                    continue
                if person:
                    last = words[-1]
                    for form in {last, last.rsplit("-", 1)[-1], last.rsplit("'", 1)[-1]}:
                        if key(form):
                            by_surname.setdefault(key(form), set()).add(raw)
                else:
                    initials = self._initials(name)
                    if initials:
                        by_initials.setdefault(initials, set()).add(raw)
        for raw, names in self._names.items():
            if raw in into or not raw.startswith("name:"):
                continue
            name = _best(names) or ""
            person = _person(self._types[raw])
            if person and len(name.split()) == 1:
                cands = by_surname.get(raw[5:], set()) - {raw}
            elif not person and is_acronym(name):
                cands = {
                    c for c in by_initials.get(raw[5:], set()) if c != raw and not _person(self._types[c])
                }
            else:
                continue
            if len(cands) == 1:
                into[raw] = next(iter(cands))
        return into

    def resolve(self) -> tuple[dict[str, dict[str, Any]], dict[tuple[str, str], str]]:
        """(actors, actor_mentions) as in `CorpusLinks`, keys and records sorted."""
        into = self._targets()

        def final(raw: str) -> str:
            seen = {raw}
            while raw in into and into[raw] not in seen:  # chains: acronym -> name -> kb
                raw = into[raw]
                seen.add(raw)
            return raw

        final_of = {raw: final(raw) for raw in self._names}
        countries: dict[str, Counter[str]] = {}
        for raw, c in self._countries.items():
            countries.setdefault(final_of[raw], Counter()).update(c)
        actors: dict[str, dict[str, Any]] = {}
        for raw in sorted(set(final_of.values())):
            actors[raw] = {
                "name": _best(self._names[raw]) or raw,
                "type": _best(self._types[raw]) or "ORGANIZATION",
                "kb_id": raw[3:] if raw.startswith("kb:") else None,
                "country": _best(countries.get(raw, Counter())),
            }
        mentions = {m: final_of[raw] for m, raw in sorted(self._mentions.items())}
        return actors, mentions
