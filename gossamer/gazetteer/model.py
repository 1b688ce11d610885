"""The loaded place index: compact parallel arrays, one row per place, and a name index.

Rows are countries, first-level subdivisions (admin1), curated features and GeoNames populated
places, in that order. Columns are `array` objects (8 bytes a float, 4 an int), not Python objects,
so 250k places cost a few megabytes; names are one list of strings. The name index maps a name
*key* (``gossamer.phrases.key``) to a tuple of row ids and is a `PhraseIndex`, so a stage scans a
parsed document with it directly.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .. import phrases
from ..nlp import Parsed
from ..phrases import Match, PhraseIndex, token_keys

POSSESSIVES = frozenset({"'s", "'"})

# Row kinds, also the order rows are stored in.
COUNTRY, ADMIN1, FEATURE, CITY = 0, 1, 2, 3
KIND_NAMES = ("country", "admin1", "feature", "city")

# Feature types whose precision is a region rather than a point.
REGION_FEATURES = frozenset({"region", "sea", "strait", "waterway", "continent", "ADM2", "island"})


class GazetteerIndex(PhraseIndex[int]):
    """A PhraseIndex that adopts name tables built elsewhere (unpickled) instead of adding names."""

    @classmethod
    def adopt(
        cls,
        folded: dict[str, tuple[int, ...]],
        cased: dict[str, tuple[int, ...]],
        starts: set[str] | None = None,
        max_tokens: int = 6,
        words: dict[str, int] | None = None,
    ) -> GazetteerIndex:
        index = cls(max_tokens=max_tokens)
        index._folded = folded  # type: ignore[assignment]  # tuples: read-only, cheaper than lists
        index._cased = cased  # type: ignore[assignment]
        if words and hasattr(index, "_words"):  # a match uses no more tokens than its name has words
            index._words = words
        if hasattr(index, "_starts"):  # PhraseIndex's cheap start filter: key prefixes
            index._starts = starts if starts is not None else start_prefixes(folded, cased)
        return index

    def scan(
        self, parsed: Parsed, start_ok: Callable[[int], bool] | None = None, overlapping: bool = False
    ) -> list[Match[int]]:
        """PhraseIndex.scan, but a name never runs through a possessive: "Jordan's" is Jordan, not
        the village of Jordans (the "'s" token's key would otherwise join the name's)."""
        matches = super().scan(parsed, start_ok=start_ok, overlapping=overlapping)
        doc = parsed.doc
        out = []
        for m in matches:
            last = doc[m.tok_end - 1]
            if m.tok_end - m.tok_start > 1 and last.lower_ in POSSESSIVES:
                m = self._shorter(parsed, m)
                if m is None:
                    continue
            out.append(m)
        return out

    def _shorter(self, parsed: Parsed, m: Match[int]) -> Match[int] | None:
        """The longest match inside `m` that starts where it does and ends before its possessive."""
        folded, cased = token_keys(parsed)
        doc = parsed.doc
        fk = ck = ""
        best = None
        for j in range(m.tok_start, m.tok_end - 1):
            fk += folded[j]
            ck += cased[j]
            hit = self._folded.get(fk) or self._cased.get(ck)
            if hit:
                best = (j + 1, tuple(hit))
        if best is None:
            return None
        span = doc[m.tok_start : best[0]]
        return Match(span.start_char, span.end_char, m.tok_start, best[0], best[1])


def start_prefixes(folded: dict[str, Any], cased: dict[str, Any]) -> set[str]:
    """The key prefixes PhraseIndex.scan checks a first token against (as PhraseIndex.add makes them)."""
    width = getattr(phrases, "PREFIX", 4)
    out: set[str] = set()
    for table, lower in ((folded, False), (cased, True)):
        for k in table:
            for n in range(1, min(width, len(k)) + 1):
                out.add(k[:n].lower() if lower else k[:n])
    return out


@dataclass
class Gazetteer:
    """Places and their names. Row `i` is described by the i-th element of every column."""

    version: str
    names: list[str]
    kind: array  # 'b': COUNTRY / ADMIN1 / FEATURE / CITY
    lat: array  # 'd'
    lon: array  # 'd'
    population: array  # 'q'; 0 for countries, admin1s and features
    country: array  # 'h': index into `countries`, -1 none
    admin1: array  # 'i': row id of the admin1 a place lies in, -1 unknown
    feature: array  # 'b': index into `features`
    geonames_id: array  # 'q'; 0 when the row has none (curated features)
    countries: list[str]  # ISO2 codes
    features: list[str]  # feature codes: PPL, PPLC, PPLA, ADM1, PCLI, crossing, air_base, ...
    folded: dict[str, tuple[int, ...]]
    cased: dict[str, tuple[int, ...]]
    starts: set[str] = field(default_factory=set)  # key prefixes for PhraseIndex's start filter
    extra: dict[int, dict[str, Any]] = field(default_factory=dict)  # per-row extras: feature id, iso code
    article_only: dict[str, frozenset[int]] = field(default_factory=dict)  # key -> rows needing "the"
    by_country: dict[str, int] = field(default_factory=dict)  # ISO2 -> country row
    # Abbreviations ("Ky.", "W.Va.", "NSW", "CA") by surface with spaces removed, case kept: never
    # scanned for (too many are words), only read after a comma ("Paris, Tex.") and for given spans.
    abbrev: dict[str, tuple[int, ...]] = field(default_factory=dict)
    demonyms: dict[str, int] = field(default_factory=dict)  # key of "Iraqi", "European" -> row
    words: dict[str, int] = field(default_factory=dict)  # name key -> most words a name with it has
    _index: GazetteerIndex | None = field(default=None, repr=False, compare=False)

    def __len__(self) -> int:
        return len(self.names)

    @property
    def index(self) -> GazetteerIndex:
        if self._index is None:
            self._index = GazetteerIndex.adopt(self.folded, self.cased, self.starts or None, words=self.words)
        return self._index

    def lookup(self, name: str) -> list[int]:
        """Row ids a name (as a string) can refer to."""
        return self.index.lookup(name)

    def country_code(self, row: int) -> str | None:
        c = self.country[row]
        return self.countries[c] if c >= 0 else None

    def feature_code(self, row: int) -> str:
        return self.features[self.feature[row]]

    def admin1_name(self, row: int) -> str | None:
        a = self.admin1[row]
        return self.names[a] if a >= 0 else None

    def precision(self, row: int) -> str:
        k = self.kind[row]
        if k == COUNTRY:
            return "country"
        if k == ADMIN1:
            return "admin1"
        if k == CITY:
            return "town"
        return "region" if self.feature_code(row) in REGION_FEATURES else "exact"

    def describe(self, row: int) -> dict[str, Any]:
        """A plain dict of one row (for alternatives, debugging and tests)."""
        gid = self.geonames_id[row]
        return {
            "name": self.names[row],
            "lat": round(self.lat[row], 5),
            "lon": round(self.lon[row], 5),
            "country": self.country_code(row),
            "admin1": self.admin1_name(row),
            "feature": self.feature_code(row),
            "precision": self.precision(row),
            "geonames_id": gid or None,
            "kind": KIND_NAMES[self.kind[row]],
            "population": self.population[row],
            **self.extra.get(row, {}),
        }

    def state(self) -> dict[str, Any]:
        """What is pickled: everything but the derived PhraseIndex."""
        return {k: v for k, v in self.__dict__.items() if k != "_index"}


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine); only called for a handful of candidate pairs."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))
