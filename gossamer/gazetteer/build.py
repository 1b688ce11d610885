"""Building the place index from its sources: a pure, deterministic function of the records.

Choices the sources leave open, made here once:
- Which names to keep. GeoNames alternates are many and noisy; a town keeps its name and its
  Latin-script and Arabic/Persian-script alternates, minus: names of two letters or fewer, names
  with digits, all-lower-case Latin alternates (GeoNames' machine transliterations), three- or
  four-letter capitals (airport codes), alternates carrying an administrative word ("Province de
  Kermanshah": GeoNames merges a province's names into its seat) and common English words
  (the `stoplist` in data/lexicons/places.yaml). Names beginning with an Arabic article
  ("Al Qa'im", "An Najaf") are also indexed without it.
- Where a country or an admin1 is. Sources give no coordinates for them, so the point is derived
  as the centre of the unit's settled area: member towns (cities500) are binned into grid cells
  about an eighth of the unit's extent (0.1 to 2 degrees), the occupied cells' centres are
  averaged on the sphere, and the result is snapped to the nearest member town (so the point is
  on land and inside the unit). Against the geographic centres of 60 countries this lands a median
  ~100 km away (37/60 within 161 km), where the population-weighted mean lands ~180 km away
  (26/60): population pulls the point to the capital, while gazetteers and gold data place a
  country or province at the middle of its territory. Every cell counting once keeps dense
  regions from outweighing sparse ones.
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
from .sources import Admin1Rec, CityRec, CountryRec

BUILD_VERSION = "2"
# Derived points (see module doc): grid cells about 1/8 of the unit's extent, 0.1 to 2 degrees.
CELLS_ACROSS = 8
CELL_MIN = 0.1
CELL_MAX = 2.0

_ARTICLE = re.compile(
    r"^(?:al|el|ad|ar|as|ash|at|az|an|ath|adh|ed|es|et|ez)[\s\-'\u2019\u02bc\u2018]+(?=\w)", re.IGNORECASE
)
_CODE = re.compile(r"^[A-Z]{3,4}$")
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
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

    def add(self, name: str, row: int) -> str:
        """Index `name` for `row`; returns the key used ('' when nothing was added)."""
        if is_acronym(name):
            table, k = self.cased, case_key(name)
        else:
            table, k = self.folded, key(name)
        if not k:
            return ""
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


def _admin1_display(a: Admin1Rec) -> str:
    """The English form: 'Khuzestan' from 'Khuzestan Province', else the ASCII-folded name."""
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
    """The index, rows in a fixed order: countries, admin1s, features, towns (by geonameid)."""
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
        point = _representative(by_country.get(c.iso, []))
        if point is None:
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
        if point is None:
            continue
        r = row(
            _admin1_display(a),
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
        extra=extra,
        article_only={k: frozenset(v) for k, v in sorted(article_only.items())},
        by_country=country_rows,
    )
