"""The PLOVER trigger lexicon (``gossamer/data/lexicons/plover.yaml``), compiled for lookup.

Triggers are keyed by their head word (a verb lemma, a noun lemma or plural, an adjective), so
the stage does one dict lookup per token and only then checks the few readings listed under
that word, most specific first. The loader validates every category, mode and context against
the lists in the file itself, so a typo fails loudly at load time, not silently at run time.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import yaml

from ..model import PLOVER_CATEGORIES

POS_KEYS = {"verbs": "verb", "nouns": "noun", "adjectives": "adj"}
NEED_ROLES = frozenset({"actor", "object", "any"})
NEED_KINDS = frozenset({"armed", "civilian", "state", "police", "target", "participant", "content"})
FORCE_MODE = "@force"
ENTRY_KEYS = frozenset(
    {
        "mode",
        "context",
        "needs",
        "object_in",
        "xcomp_in",
        "modal_in",
        "theme",
        "of",
        "content_mode",
        "confidence",
        "source",
        "category",
    }
)


@dataclass(frozen=True)
class Entry:
    """One reading of a trigger word."""

    key: str  # the lexicon key, e.g. "take part in"
    pos: str  # verb / noun / adj
    head: str  # the word looked up
    words: tuple[frozenset[str], ...]  # the other words, each a set of alternatives
    category: str
    mode: str | None
    context: tuple[str, ...]
    needs: tuple[tuple[str, str], ...]  # (role, kind)
    object_in: frozenset[str]
    xcomp_in: frozenset[str]
    modal_in: frozenset[str]  # a modal one of which must be on the verb's that-clause ("said X must ...")
    theme_force: bool
    theme_given: bool  # the matched object is the thing given or sent, never the recipient
    of_role: str  # actor / recipient
    content_mode: bool
    confidence: float
    source: str
    specificity: int
    order: int  # file order, the tie-break


@dataclass(frozen=True)
class Lexicon:
    verbs: dict[str, tuple[Entry, ...]]
    nouns: dict[str, tuple[Entry, ...]]
    adjs: dict[str, tuple[Entry, ...]]
    support: dict[str, tuple[tuple[str, tuple[frozenset[str], ...]], ...]]  # verb -> ((role, words), ...)
    event_frames: frozenset[str]
    groups: dict[str, frozenset[str]]  # militia, troops, police, weapons, civilian, state, target, ...
    participant_nouns: frozenset[str]
    armed_nouns: frozenset[str]
    multiword_groups: dict[str, dict[str, str]]  # last word -> {"security forces": "police", ...}
    armed_modifiers: dict[str, str]  # modifier -> force
    pronouns: dict[str, frozenset[str]]  # it / they / person
    content_preps: frozenset[str]
    direction_preps: frozenset[str]
    event_preps: frozenset[str]
    control_preps: frozenset[str]
    addressee_preps: frozenset[str]
    name_joiners: frozenset[str]
    verbal_categories: frozenset[str]
    from_actor_categories: frozenset[str]
    movement_categories: frozenset[str]
    material_categories: frozenset[str]
    membership: tuple[tuple[str, ...], ...]
    membership_any: tuple[tuple[str, ...], ...]
    target_owner: frozenset[str]
    count_heads: frozenset[str]
    examples: tuple[tuple[str, ...], ...]
    recipient_preps: frozenset[str]
    symmetric_preps: frozenset[str]
    symmetric_categories: frozenset[str]
    place_preps: dict[str, int]  # prep -> rank (lower is better)
    dead_units: frozenset[str]
    injured_units: frozenset[str]
    dead_verbs: frozenset[str]
    injured_verbs: frozenset[str]
    size_units: frozenset[str]
    historical: dict[str, Any]
    historical_markers: tuple[tuple[str, ...], ...]
    content_modes: dict[str, tuple[tuple[str, frozenset[str]], ...]]
    content_default: dict[str, str | None]
    skip_deps: frozenset[str]
    possessive_patient: frozenset[str]
    clause_subject_categories: frozenset[str]
    intended_act_categories: frozenset[str]
    author_categories: frozenset[str]
    author_preps: frozenset[str]
    author_nouns: frozenset[str]
    condition_subject_categories: frozenset[str]
    condition_marks: frozenset[str]
    purpose_categories: frozenset[str]
    aim_preps: frozenset[str]
    patient_preps: frozenset[str]
    refuge_nouns: frozenset[str]
    owner_target_categories: frozenset[str]
    purpose_preps: frozenset[str]
    aim_place_preps: frozenset[str]
    aim_nouns: frozenset[str]
    aim_noun_preps: frozenset[str]
    yield_nouns: frozenset[str]
    yield_categories: frozenset[str]
    place_recipient_categories: frozenset[str]
    place_recipient_modes: frozenset[str]
    intents: dict[str, dict[str, str]]  # status -> {act category: intent category}
    intent_modes: dict[str, dict[str, str]]  # intent category -> {act category[/mode]: mode}
    statement_aux: frozenset[str]
    statement_heads: frozenset[str]
    object_control: frozenset[str]
    motion_verbs: frozenset[str]
    modes: dict[str, frozenset[str]]
    counts: dict[str, dict[str, int]] = field(default_factory=dict)  # category -> {verb: n, noun: n, adj: n}

    def entries(self, pos: str) -> dict[str, tuple[Entry, ...]]:
        return {"verb": self.verbs, "noun": self.nouns, "adj": self.adjs}[pos]

    @functools.cached_property
    def known_verbs(self) -> frozenset[str]:
        """Every verb lemma this file names (triggers, support verbs, intent and control verbs):
        the forms a misread lemma may be repaired to (`gossamer.events.tokens.repair_lemmas`)."""
        return frozenset(
            set(self.verbs)
            | set(self.support)
            | self.statement_heads
            | self.object_control
            | self.motion_verbs
            | self.dead_verbs
            | self.injured_verbs
        )


def _words(text: str) -> list[str]:
    return text.lower().split()


def _alts(word: str) -> frozenset[str]:
    return frozenset(w for w in word.split("|") if w)


def _phrases(items: list[str]) -> tuple[tuple[str, ...], ...]:
    """Multi-word phrases as word tuples, longest first (so "such as" beats "such")."""
    return tuple(sorted({tuple(_words(p)) for p in items}, key=len, reverse=True))


def _categories(names: list[str]) -> frozenset[str]:
    bad = set(names) - set(PLOVER_CATEGORIES)
    if bad:
        raise ValueError(f"plover.yaml category_groups: unknown categories {sorted(bad)}")
    return frozenset(names)


def _entry(
    key: str,
    pos: str,
    raw: dict[str, Any],
    category: str,
    section: dict[str, Any],
    modes: dict[str, frozenset[str]],
    contexts: frozenset[str],
    base_conf: dict[str, float],
    order: int,
) -> Entry:
    unknown = set(raw) - ENTRY_KEYS
    if unknown:
        raise ValueError(f"plover.yaml {category}/{key}: unknown option(s) {sorted(unknown)}")
    cat = raw.get("category", category)
    if cat not in PLOVER_CATEGORIES:
        raise ValueError(f"plover.yaml {category}/{key}: unknown category {cat!r}")
    mode = raw.get("mode")
    if mode is not None and mode != FORCE_MODE and mode not in modes.get(cat, frozenset()):
        raise ValueError(f"plover.yaml {category}/{key}: mode {mode!r} is not a PLOVER {cat} mode")
    ctx = tuple(raw.get("context") or ())
    bad = [c for c in ctx if c not in contexts]
    if bad:
        raise ValueError(f"plover.yaml {category}/{key}: unknown context {bad}")
    needs: list[tuple[str, str]] = []
    for role, kind in (raw.get("needs") or {}).items():
        if role not in NEED_ROLES or kind not in NEED_KINDS:
            raise ValueError(f"plover.yaml {category}/{key}: bad need {role}: {kind}")
        needs.append((role, kind))
    words = _words(key)
    if pos == "noun":
        head, rest = words[-1], words[:-1]
    else:
        head, rest = words[0], words[1:]
    object_in = frozenset(w.lower() for w in raw.get("object_in") or ())
    xcomp_in = frozenset(w.lower() for w in raw.get("xcomp_in") or ())
    modal_in = frozenset(w.lower() for w in raw.get("modal_in") or ())
    of_role = raw.get("of", section.get("of", "recipient"))
    if of_role not in ("actor", "recipient"):
        raise ValueError(f"plover.yaml {category}/{key}: `of` must be actor or recipient")
    # an object list names the construction more surely than a particle does ("fire missiles at"
    # is heavy weapons even though "fire at" also matches)
    specificity = len(needs) + (2 if object_in else 0) + (1 if xcomp_in or modal_in else 0) + len(rest)
    return Entry(
        key=key,
        pos=pos,
        head=head,
        words=tuple(_alts(w) for w in rest),
        category=cat,
        mode=mode,
        context=ctx,
        needs=tuple(needs),
        object_in=object_in,
        xcomp_in=xcomp_in,
        modal_in=modal_in,
        theme_force=raw.get("theme") == "force",
        theme_given=raw.get("theme") == "given",
        of_role=of_role,
        content_mode=bool(raw.get("content_mode")),
        confidence=float(raw.get("confidence", base_conf[pos])),
        source=str(raw.get("source") or section["source"]),
        specificity=specificity,
        order=order,
    )


def _intents(
    raw: dict[str, Any], modes: dict[str, frozenset[str]]
) -> tuple[dict[str, dict[str, str]], dict[str, dict[str, str]]]:
    """The `intents` tables, checked: categories known, modes the intent category has."""
    table: dict[str, dict[str, str]] = {}
    for status in ("planned", "negated"):
        rows = {str(k): str(v) for k, v in (raw.get(status) or {}).items()}
        _categories(list(rows) + list(rows.values()))
        table[status] = rows
    mode_table: dict[str, dict[str, str]] = {}
    for cat, rows in (raw.get("modes") or {}).items():
        _categories([cat] + [str(k).split("/")[0] for k in rows])
        bad = [m for m in rows.values() if m not in modes.get(cat, frozenset())]
        if bad:
            raise ValueError(f"plover.yaml intents modes {cat}: {bad} are not {cat} modes")
        mode_table[cat] = {str(k): str(v) for k, v in rows.items()}
    return table, mode_table


def build_lexicon(data: dict[str, Any]) -> Lexicon:
    """Compile the parsed YAML (a separate step so tests can feed their own data)."""
    from ..attribution import check_strings

    check_strings(data, "plover.yaml")
    modes = {cat: frozenset(v) for cat, v in data["modes"].items() if cat != "source"}
    contexts = frozenset(data["contexts"]["values"])
    conf = data["confidence"]
    base_conf = {"verb": float(conf["verb"]), "noun": float(conf["noun"]), "adj": float(conf["adjective"])}
    tables: dict[str, dict[str, list[Entry]]] = {"verb": {}, "noun": {}, "adj": {}}
    counts: dict[str, dict[str, int]] = {}
    order = 0
    for category, section in data["categories"].items():
        if category not in PLOVER_CATEGORIES:
            raise ValueError(f"plover.yaml: unknown category {category!r}")
        if not section.get("source"):
            raise ValueError(f"plover.yaml {category}: a category needs a source")
        counts[category] = {"verb": 0, "noun": 0, "adj": 0}
        for list_key, pos in POS_KEYS.items():
            for key, raw in (section.get(list_key) or {}).items():
                readings = raw if isinstance(raw, list) else [raw or {}]
                counts[category][pos] += 1
                for reading in readings:
                    order += 1
                    e = _entry(
                        str(key), pos, reading or {}, category, section, modes, contexts, base_conf, order
                    )
                    tables[pos].setdefault(e.head, []).append(e)
    frozen = {
        pos: {h: tuple(sorted(es, key=lambda e: (-e.specificity, e.order))) for h, es in table.items()}
        for pos, table in tables.items()
    }

    support: dict[str, list[tuple[str, tuple[frozenset[str], ...]]]] = {}
    sv = data["support_verbs"]
    for role in ("actor", "recipient", "place"):
        for phrase in sv[role]:
            words = _words(phrase)
            if words[0] == "be" and len(words) > 1:  # "be subjected to": the participle carries it
                words = words[1:]
            entry = (role, tuple(_alts(w) for w in words[1:]))
            if entry not in support.setdefault(words[0], []):
                support[words[0]].append(entry)

    p = data["participants"]
    groups: dict[str, frozenset[str]] = {}
    multi: dict[str, dict[str, str]] = {}
    for name in (
        "militia",
        "troops",
        "police",
        "weapons",
        "civilian",
        "others",
        "state",
        "organizations",
        "target",
        "transparent",
    ):
        single = set()
        for w in p[name]:
            w = str(w).lower()
            if " " in w:
                multi.setdefault(w.split()[-1], {})[w] = name
            else:
                single.add(w)
        groups[name] = frozenset(single)
    armed_modifiers = {str(k).lower(): v for k, v in p["armed_modifiers"].items()}
    if set(armed_modifiers.values()) - {"militia", "troops", "police"}:
        raise ValueError("plover.yaml armed_modifiers: forces are militia, troops or police")
    armed = groups["militia"] | groups["troops"] | groups["police"]
    participant = (
        armed
        | groups["civilian"]
        | groups["others"]
        | groups["state"]
        | groups["organizations"]
        | groups["target"]
        | groups["transparent"]
    )

    fw = data["function_words"]
    cg = data["category_groups"]
    rp = data["recipient_preps"]
    pp = data["place_preps"]["preps"]
    q = data["quantities"]
    hist = data["historical"]
    rr = data["recipient_roles"]
    intents, intent_modes = _intents(data["intents"], modes)
    content_modes: dict[str, tuple[tuple[str, frozenset[str]], ...]] = {}
    content_default: dict[str, str | None] = {}
    for cat, table in data["content_modes"].items():
        if cat == "source":
            continue
        rows = []
        for mode, words in table.items():
            if mode == "default":
                continue
            if mode not in modes[cat]:
                raise ValueError(f"plover.yaml content_modes {cat}: {mode!r} is not a mode")
            rows.append((mode, frozenset(str(w).lower() for w in words)))
        content_modes[cat] = tuple(rows)
        content_default[cat] = table.get("default")

    return Lexicon(
        verbs=frozen["verb"],
        nouns=frozen["noun"],
        adjs=frozen["adj"],
        support={k: tuple(v) for k, v in support.items()},
        event_frames=frozenset(data["event_frames"]["nouns"]),
        groups=groups,
        participant_nouns=participant,
        armed_nouns=armed,
        multiword_groups=multi,
        armed_modifiers=armed_modifiers,
        pronouns={k: frozenset(v) for k, v in fw["pronouns"].items()},
        content_preps=frozenset(fw["content_preps"]),
        direction_preps=frozenset(fw["direction_preps"]),
        event_preps=frozenset(fw["event_preps"]),
        control_preps=frozenset(fw["control_preps"]),
        addressee_preps=frozenset(fw["addressee_preps"]),
        name_joiners=frozenset(fw["name_joiners"]),
        verbal_categories=_categories(cg["verbal"]),
        from_actor_categories=_categories(cg["from_actor"]),
        movement_categories=_categories(cg["movement"]),
        material_categories=_categories(cg["material"]),
        membership=_phrases(p["membership"]),
        membership_any=_phrases(p["membership_any"]),
        target_owner=frozenset(p["target_owner"]),
        count_heads=frozenset(p["counts"]),
        examples=_phrases(p["examples"]),
        recipient_preps=frozenset(rp["all"]),
        symmetric_preps=frozenset(rp["symmetric"]),
        symmetric_categories=frozenset(rp["symmetric_categories"]),
        place_preps={w: i for i, w in enumerate(pp)},
        dead_units=frozenset(q["dead_units"]),
        injured_units=frozenset(q["injured_units"]),
        dead_verbs=frozenset(q["dead_verbs"]),
        injured_verbs=frozenset(q["injured_verbs"]),
        size_units=frozenset(q["size_units"]),
        historical={k: v for k, v in hist.items() if k not in ("markers", "source")},
        historical_markers=_phrases(hist["markers"]),
        content_modes=content_modes,
        content_default=content_default,
        skip_deps=frozenset(data["adjective_forms"]["skip_deps"]),
        possessive_patient=frozenset(data["possessive_patient"]["nouns"]),
        clause_subject_categories=_categories(rr["clause_subject"]),
        intended_act_categories=_categories(rr["intended_act"]),
        author_categories=_categories(rr["author_categories"]),
        author_preps=frozenset(rr["author_preps"]),
        author_nouns=frozenset(str(w).lower() for w in rr["author_nouns"]),
        condition_subject_categories=_categories(rr["condition_subject"]),
        condition_marks=frozenset(rr["condition_marks"]),
        purpose_categories=_categories(rr["purpose_categories"]),
        aim_preps=frozenset(rr["aim_preps"]),
        patient_preps=frozenset(rr["patient_preps"]),
        refuge_nouns=frozenset(rr["refuge_nouns"]),
        owner_target_categories=_categories(rr["owner_target_categories"]),
        purpose_preps=frozenset(rr["purpose_preps"]),
        aim_place_preps=frozenset(rr["aim_place_preps"]),
        aim_nouns=frozenset(rr["aim_nouns"]),
        aim_noun_preps=frozenset(rr["aim_noun_preps"]),
        yield_nouns=frozenset(rr["yield_nouns"]),
        yield_categories=_categories(rr["yield_categories"]),
        place_recipient_categories=_categories(rr["place_categories"]),
        place_recipient_modes=frozenset(rr["place_modes"]),
        intents=intents,
        intent_modes=intent_modes,
        statement_aux=frozenset(str(w).lower() for w in data["intents"]["statement_aux"]),
        statement_heads=frozenset(str(w).lower() for w in data["intents"]["statement_heads"]),
        object_control=frozenset(data["object_control"]["verbs"]),
        motion_verbs=frozenset(data["motion_verbs"]["verbs"]),
        modes=modes,
        counts=counts,
    )


@functools.cache
def load_lexicon() -> Lexicon:
    text = resources.files("gossamer").joinpath("data/lexicons/plover.yaml").read_text(encoding="utf-8")
    return build_lexicon(yaml.safe_load(text))
