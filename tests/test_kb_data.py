"""Integrity checks for the actor knowledge base (gossamer/data)."""

from __future__ import annotations

import csv
import importlib.util
import re
from collections import Counter
from pathlib import Path

import pycountry
import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "gossamer" / "data"
LEXICONS = DATA / "lexicons"

TYPES = {
    "STATE", "GOVERNMENT", "MILITARY", "ARMED_GROUP", "PARTY", "COALITION",
    "IGO", "NGO", "MEDIA", "PERSON", "MOVEMENT",
}
SECTORS = {
    "GOV", "MIL", "REB", "PTY", "OPP", "IGO", "NGO", "MED", "REL", "CVL",
    "SPY", "COP", "JUD", "LEG", "BUS",
}
RELATIONS = {"member_of", "part_of", "backed_by", "allied_with", "leads", "hostile_to"}
REQUIRED_KEYS = {"id", "name", "type", "sector", "country", "aliases", "source"}
ID_RE = re.compile(r"^[A-Z0-9]+(?:-[A-Z0-9]+)*$")
DERIVED_SUFFIXES = ("-GOV", "-MIL")

ISO2 = {c.alpha_2 for c in pycountry.countries}
ISO2_TO_ISO3 = {c.alpha_2: c.alpha_3 for c in pycountry.countries}


def _load(name: str) -> list[dict]:
    with (DATA / name).open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    assert isinstance(data, list), f"{name} must be a YAML list"
    return data


def _read_tsv(name: str) -> list[dict]:
    with (LEXICONS / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


@pytest.fixture(scope="module")
def states() -> list[dict]:
    return _load("states.yaml")


@pytest.fixture(scope="module")
def actors() -> list[dict]:
    return _load("actors.yaml")


@pytest.fixture(scope="module")
def entries(states, actors) -> list[dict]:
    return states + actors


@pytest.fixture(scope="module")
def known_targets(states, actors) -> set[str]:
    state_ids = {s["id"] for s in states}
    derived = {sid + suffix for sid in state_ids for suffix in DERIVED_SUFFIXES}
    return state_ids | derived | {a["id"] for a in actors}


# --------------------------------------------------------------------- ids


def test_ids_unique_across_files(entries):
    counts = Counter(e["id"] for e in entries)
    dupes = sorted(i for i, n in counts.items() if n > 1)
    assert not dupes, f"duplicate ids: {dupes}"


def test_ids_well_formed(entries):
    bad = [e["id"] for e in entries if not ID_RE.match(str(e["id"]))]
    assert not bad, f"malformed ids: {bad}"


def test_actor_id_prefix_matches_country(actors):
    bad = []
    for a in actors:
        prefix = a["id"].split("-", 1)[0]
        if a["country"] is None:
            if prefix not in {"IGO", "INT"}:
                bad.append(a["id"])
        elif prefix != ISO2_TO_ISO3.get(a["country"]):
            bad.append(a["id"])
    assert not bad, f"id prefix does not match country: {bad}"


def test_actor_ids_do_not_shadow_states(states, actors):
    state_ids = {s["id"] for s in states}
    clash = sorted(a["id"] for a in actors if a["id"] in state_ids)
    assert not clash, f"actors.yaml redefines state ids: {clash}"


def test_derived_ids_refer_to_existing_states(states, actors):
    state_ids = {s["id"] for s in states}
    bad = [
        a["id"] for a in actors
        if a["id"].endswith(DERIVED_SUFFIXES) and a["id"].count("-") == 1
        and a["id"].rsplit("-", 1)[0] not in state_ids
    ]
    assert not bad, f"derived-style ids for unknown states: {bad}"


# ------------------------------------------------------------- vocabulary


def test_required_keys_present(entries):
    missing = {e.get("id"): sorted(REQUIRED_KEYS - set(e)) for e in entries if REQUIRED_KEYS - set(e)}
    assert not missing, f"missing keys: {missing}"


def test_types_and_sectors_allowed(entries):
    bad_types = sorted({(e["id"], e["type"]) for e in entries if e["type"] not in TYPES})
    bad_sectors = sorted({(e["id"], e["sector"]) for e in entries if e["sector"] not in SECTORS})
    assert not bad_types, f"unknown types: {bad_types}"
    assert not bad_sectors, f"unknown sectors: {bad_sectors}"


def test_states_only_in_states_file(states, actors):
    assert all(s["type"] == "STATE" for s in states)
    assert not [a["id"] for a in actors if a["type"] == "STATE"]


def test_countries_are_iso2_or_null(entries):
    bad = [(e["id"], e["country"]) for e in entries if e["country"] is not None and e["country"] not in ISO2]
    assert not bad, f"unknown country codes: {bad}"


def test_persons_have_role(actors):
    bad = [a["id"] for a in actors if a["type"] == "PERSON" and not str(a.get("role") or "").strip()]
    assert not bad, f"PERSON entries without role: {bad}"


# ------------------------------------------------------------ affiliations


def test_affiliations_valid(actors, known_targets):
    problems = []
    for a in actors:
        for aff in a.get("affiliations") or []:
            if aff.get("relation") not in RELATIONS:
                problems.append((a["id"], "relation", aff.get("relation")))
            if aff.get("target") not in known_targets:
                problems.append((a["id"], "target", aff.get("target")))
            if aff.get("target") == a["id"]:
                problems.append((a["id"], "self-reference", aff.get("target")))
            if aff.get("relation") == "leads" and a["type"] != "PERSON":
                problems.append((a["id"], "leads from non-PERSON", aff.get("target")))
    assert not problems, f"bad affiliations: {problems}"


def test_affiliations_not_repeated(actors):
    bad = []
    for a in actors:
        pairs = [(f["relation"], f["target"]) for f in a.get("affiliations") or []]
        if len(pairs) != len(set(pairs)):
            bad.append(a["id"])
    assert not bad, f"repeated affiliations: {bad}"


# ----------------------------------------------------------------- sources


def test_every_entry_has_source(entries):
    bad = [e["id"] for e in entries if not str(e.get("source") or "").strip()]
    assert not bad, f"entries without source: {bad}"


def test_every_affiliation_has_source(actors):
    bad = [
        (a["id"], f.get("target"))
        for a in actors for f in a.get("affiliations") or []
        if not str(f.get("source") or "").strip()
    ]
    assert not bad, f"affiliations without source: {bad}"


# ----------------------------------------------------------------- aliases


def test_no_duplicate_alias_within_entry(entries):
    bad = []
    for e in entries:
        aliases = e.get("aliases") or []
        if len(aliases) != len(set(aliases)):
            bad.append(e["id"])
        if e["name"] in aliases:
            bad.append(e["id"])
    assert not bad, f"duplicate or self-repeating aliases: {bad}"


def test_aliases_are_non_empty_strings(entries):
    bad = [
        (e["id"], x)
        for e in entries
        for field in ("aliases", "descriptors", "demonyms")
        for x in e.get(field) or []
        if not isinstance(x, str) or not x.strip() or x != x.strip()
    ]
    assert not bad, f"bad alias strings: {bad}"


def test_aliases_unambiguous_across_entries(entries):
    """A name or alias may point to only one entry (case-insensitive)."""
    owners: dict[str, set[str]] = {}
    for e in entries:
        for surface in [e["name"], *(e.get("aliases") or [])]:
            owners.setdefault(surface.casefold(), set()).add(e["id"])
    clashes = {k: sorted(v) for k, v in owners.items() if len(v) > 1}
    assert not clashes, f"aliases shared between entries: {clashes}"


def test_descriptors_do_not_name_other_entries(entries):
    """A context-only descriptor must not be another entry's name or alias."""
    owners: dict[str, set[str]] = {}
    for e in entries:
        for surface in [e["name"], *(e.get("aliases") or [])]:
            owners.setdefault(surface.casefold(), set()).add(e["id"])
    bad = [
        (e["id"], d, sorted(owners[d.casefold()] - {e["id"]}))
        for e in entries
        for d in e.get("descriptors") or []
        if owners.get(d.casefold(), set()) - {e["id"]}
    ]
    assert not bad, f"descriptors that are other entries' aliases: {bad}"


def test_demonyms_are_not_names(entries, states):
    names = {s.casefold() for e in entries for s in [e["name"], *(e.get("aliases") or [])]}
    bad = [(s["id"], d) for s in states for d in s.get("demonyms") or [] if d.casefold() in names]
    assert not bad, f"demonyms that are also names/aliases: {bad}"


# ------------------------------------------------------------------ states


def test_states_cover_pycountry(states):
    assert len(states) >= 249
    assert {s["country"] for s in states} >= ISO2
    assert all(s["id"] == ISO2_TO_ISO3[s["country"]] for s in states)


def test_states_sorted_by_id(states):
    ids = [s["id"] for s in states]
    assert ids == sorted(ids)


@pytest.mark.parametrize("sid,capital", [("IRN", "Tehran"), ("IRQ", "Baghdad"), ("SYR", "Damascus")])
def test_known_capitals(states, sid, capital):
    entry = next(s for s in states if s["id"] == sid)
    assert entry["capital"] == capital
    assert isinstance(entry["capital_geonames_id"], int)


def test_theatre_state_names(states):
    by_id = {s["id"]: s for s in states}
    assert by_id["IRN"]["name"] == "Iran"
    assert "Iranian" in by_id["IRN"]["demonyms"]
    assert "UK" in by_id["GBR"]["aliases"]
    assert "DPRK" in by_id["PRK"]["aliases"]


def test_states_yaml_is_up_to_date():
    """states.yaml must equal what scripts/build_states.py generates now."""
    spec = importlib.util.spec_from_file_location("build_states", REPO / "scripts" / "build_states.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    expected = module.render(module.build_entries())
    assert (DATA / "states.yaml").read_text(encoding="utf-8") == expected, (
        "states.yaml is stale; run scripts/build_states.py"
    )


# ---------------------------------------------------------------- lexicons


def test_demonyms_cover_every_country():
    rows = _read_tsv("demonyms.tsv")
    codes = [r["iso2"] for r in rows]
    assert len(codes) == len(set(codes)), "duplicate rows in demonyms.tsv"
    assert set(codes) >= ISO2, f"missing demonym rows: {sorted(ISO2 - set(codes))}"
    assert set(codes) <= ISO2, f"unknown codes: {sorted(set(codes) - ISO2)}"
    assert all((r.get("source") or "").strip() for r in rows)


def test_demonyms_unambiguous():
    owners: dict[str, set[str]] = {}
    for row in _read_tsv("demonyms.tsv"):
        for d in filter(None, (x.strip() for x in (row["demonyms"] or "").split("|"))):
            owners.setdefault(d.casefold(), set()).add(row["iso2"])
    clashes = {k: sorted(v) for k, v in owners.items() if len(v) > 1}
    assert not clashes, f"demonyms listed for several countries: {clashes}"


def test_state_aliases_tsv_well_formed():
    rows = _read_tsv("state_aliases.tsv")
    codes = [r["iso2"] for r in rows]
    assert len(codes) == len(set(codes)), "duplicate rows in state_aliases.tsv"
    assert set(codes) <= ISO2
    for r in rows:
        assert (r.get("aliases") or "").strip(), r["iso2"]
        assert (r.get("source") or "").strip(), r["iso2"]
