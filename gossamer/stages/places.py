"""Places: gazetteer names found in the parse, kept when the text treats them as places, resolved.

Recognition. The gazetteer's name index is scanned over the document's tokens (one dict lookup
per candidate span). spaCy's GPE/LOC/FAC entities confirm a name; a name spaCy files under
PERSON/ORG/NORP is still a place when it is a strong gazetteer entry (country, admin1, curated
feature) or sits next to a place cue ("the Munziriyah crossing", "Kermanshah province", "in X").
A name that is only part of a longer PERSON/ORG/... span ("Jordan Peterson", "Georgia Power",
"National Council of Resistance of Iran") is not a place, nor is anything inside a KB actor that
is not geographic (Hezbollah), nor a demonym ("Iraqi").

Resolution. Each name's candidate rows are scored: a prior (log population for towns; fixed
weights for countries, admin1s and features; capitals and admin seats up), the cue ("province"
wants an admin1, "crossing" a curated crossing), the document's context (countries named by the
entities stage or resolved confidently here, admin1s mentioned, "Paris, Texas") and proximity to
the places already resolved with confidence. Mentions of one name share one reading (one sense
per discourse) unless their cues differ. `score` is the winner's softmax share among candidates.
"""

from __future__ import annotations

import functools
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from spacy.tokens import Doc

from ..gazetteer import ADMIN1, CITY, COUNTRY, FEATURE, Gazetteer, distance_km, load_gazetteer
from ..gazetteer.sources import lexicon
from ..model import Analysis, Place
from ..nlp import Parsed
from ..phrases import Match, key

PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
NAME_LABELS = frozenset({"PERSON", "ORG", "NORP", "EVENT", "WORK_OF_ART", "LAW", "PRODUCT", "LANGUAGE"})
# Entity types whose mentions (from the KB) are never places, whatever names they contain.
NON_GEO_TYPES = frozenset({"ARMED_GROUP", "PARTY", "COALITION", "IGO", "NGO", "MEDIA", "PERSON", "MOVEMENT"})
# Actors that are a state or one of its institutions: a place name in their mentions is a place
# ("Iraq" as a state actor, "Tehran" standing for its government).
GEO_ACTOR_TYPES = frozenset({"STATE", "GOVERNMENT", "MILITARY"})
ARTICLES = frozenset({"al", "el", "ad", "an", "ar", "as", "ash", "at", "az", "ath", "adh"})
FILLER = frozenset({"the", "a", "an", "'s", "'"})
CONJ = frozenset({"and", "or", ",", "&", "/"})
KIND_BY_NAME = {"country": COUNTRY, "admin1": ADMIN1, "feature": FEATURE, "city": CITY}

# Score weights (log-odds-like units; a softmax over them gives `score`). A town gains
# W_TOWN_DECADE per tenfold population; a capital or a seat named like its province is the default
# reading of its name ("Basra", "Kermanshah"); a country's name is read as the country.
W_TOWN_DECADE = 0.6
W_CAPITAL = 1.5
W_SEAT = 1.2
W_COUNTRY = 7.0
W_ADMIN1_DECADE = 0.5
W_ADMIN1 = -0.6
W_FEATURE = 1.0
W_REGION = 2.0
W_PRIMARY = 0.5  # the name is the row's own name, not an alternate
W_CUE = 6.0  # "province", "crossing": the text says what kind of place
W_QUALIFIER = 6.0  # "Paris, Texas"
W_COUNTRY_CONTEXT = 1.5  # in a country the document names
W_ADMIN1_CONTEXT = 1.0  # in an admin1 the document names
W_NEAR = 1.5  # near a confidently resolved place, fading to 0 at NEAR_KM
NEAR_KM = 400.0

BIG_TOWN = 100_000  # a town this large is a place without NER's or a cue's word for it
PERSON_TOWN = 20_000  # a name spaCy calls a person needs a town this large (and "in", "near"...)
MAX_CANDIDATES = 40  # rows scored per name, best static prior first
CLOSE = 1.5  # score gap under which the runner-up is reported (its share is then >= ~18%)
ANCHOR_GAP = 2.0  # score gap over which a reading anchors the context


@dataclass(frozen=True)
class CueClass:
    name: str
    kinds: frozenset[int]
    features: frozenset[str]


@dataclass(frozen=True)
class Cues:
    """data/lexicons/places.yaml, compiled for lookups by lower-cased token text."""

    phrases: dict[str, CueClass]  # "border crossings" -> crossing
    plurals: frozenset[str]
    of_cues: dict[str, CueClass]  # "provinces" (before "of") -> admin1
    directions: frozenset[str]
    prepositions: frozenset[str]
    descriptor_words: frozenset[str]
    cue_only: frozenset[str]  # name keys needing NER or a cue
    demonyms: frozenset[str]  # keys of demonyms ("iraqi", "iraqis")
    max_words: int


@functools.cache
def load_cues() -> Cues:
    lex = lexicon()
    classes: dict[str, CueClass] = {}
    phrases: dict[str, CueClass] = {}
    for name, spec in (lex.get("cues") or {}).get("classes", {}).items():
        cls = CueClass(
            name,
            frozenset(KIND_BY_NAME[k] for k in spec.get("kinds", ())),
            frozenset(spec.get("features", ())),
        )
        classes[name] = cls
        for w in spec.get("words", ()):
            phrases.setdefault(str(w).lower(), cls)
    of_cues = {
        str(w).lower(): classes[name]
        for name, words in (lex.get("of_cues") or {}).items()
        if name in classes
        for w in words
    }

    def words(section: str) -> frozenset[str]:
        return frozenset(str(w).lower() for w in (lex.get(section) or {}).get("words", ()))

    return Cues(
        phrases=phrases,
        plurals=words("plurals"),
        of_cues=of_cues,
        directions=words("directions"),
        prepositions=words("prepositions"),
        descriptor_words=words("descriptor_words"),
        cue_only=frozenset(key(w) for w in words("cue_only")),
        demonyms=_demonym_keys(),
        max_words=max((len(p.split()) for p in phrases), default=1),
    )


def _demonym_keys() -> frozenset[str]:
    """Demonyms from the shared lexicon (data/lexicons/demonyms.tsv), if present."""
    path = resources.files("gossamer.data").joinpath("lexicons/demonyms.tsv")
    if not path.is_file():
        return frozenset()
    out = set()
    for line in path.read_text(encoding="utf-8").splitlines()[1:]:
        cols = line.split("\t")
        if len(cols) > 1:
            out.update(key(d) for d in cols[1].split("|") if d.strip())
    return frozenset(out)


@dataclass
class _Mention:
    start: int  # chars
    end: int
    tok_start: int
    tok_end: int
    key: str
    rows: tuple[int, ...]
    cue: CueClass | None = None
    located: bool = False  # a preposition, direction or qualifier says "place"
    qualifiers: tuple[int, ...] = ()  # admin1/country rows of a following ", Texas"


@dataclass
class _Reading:
    """The scored candidates of one name (one group of mentions)."""

    mentions: list[_Mention]
    rows: list[int]
    scores: list[float] = field(default_factory=list)

    def best(self) -> tuple[int, float, float]:
        """(row, score, gap to the runner-up)."""
        order = sorted(range(len(self.rows)), key=lambda i: -self.scores[i])
        top = order[0]
        gap = self.scores[top] - self.scores[order[1]] if len(order) > 1 else float("inf")
        return self.rows[top], self.scores[top], gap


class PlaceStage:
    name = "places"

    def __init__(self, gazetteer: Gazetteer | None = None) -> None:
        self.gaz = gazetteer or load_gazetteer()
        self.cues = load_cues()
        self._primary: dict[int, str] = {}

    # ------------------------------------------------------------------ recognition

    def __call__(self, analysis: Analysis, parsed: Parsed) -> None:
        doc = parsed.doc
        n = len(doc)
        if n == 0:
            return
        blocked, actor_spans, countries = self._entity_views(analysis, doc)
        ent_of = [-1] * n
        ents = list(doc.ents)
        for e_i, ent in enumerate(ents):
            for t in range(ent.start, ent.end):
                ent_of[t] = e_i

        def start_ok(i: int) -> bool:
            if blocked[i]:
                return False
            text = doc[i].text
            c = text[0]
            if c.isupper() or "\u0600" <= c <= "\u06ff":
                return True
            return text in ARTICLES and i + 1 < n and doc[i + 1].text == "-"

        matches = self.gaz.index.scan(parsed, start_ok=start_ok)
        covered = [False] * n
        for m in matches:
            for t in range(m.tok_start, m.tok_end):
                covered[t] = True
        starts = {m.tok_start: m for m in matches}
        ends = {m.tok_end: m for m in matches}

        mentions: list[_Mention] = []
        for m in matches:
            if any(blocked[m.tok_start : m.tok_end]):
                continue
            mention = self._recognise(doc, m, ents, ent_of, covered, starts, ends, actor_spans)
            if mention is not None:
                mentions.append(mention)
        if mentions:
            self._resolve(analysis, mentions, countries)
            _drop_place_readings_of_unknown_actors(analysis)

    def _entity_views(
        self, analysis: Analysis, doc: Doc
    ) -> tuple[list[bool], set[tuple[int, int]], set[str]]:
        """Tokens no place may use, the exact spans of state actors' mentions, the countries named."""
        blocked = [False] * len(doc)
        actor_spans: set[tuple[int, int]] = set()
        countries: set[str] = set()
        for ent in analysis.entities:
            geo = ent.type in GEO_ACTOR_TYPES
            if ent.country and geo:
                countries.add(ent.country)
            if geo:
                # "Iraq" as a state, "Tehran" for its government: the whole mention is a place name
                actor_spans.update((s, e) for s, e in ent.mentions)
            elif ent.type in NON_GEO_TYPES and ent.how in ("kb", "descriptor"):
                # `how` tells how the first mention was found: a KB actor is one throughout
                for s, e in ent.mentions:
                    span = doc.char_span(s, e, alignment_mode="expand")
                    if span is not None:
                        for t in range(span.start, span.end):
                            blocked[t] = True
        return blocked, actor_spans, countries

    def _recognise(
        self,
        doc: Doc,
        m: Match[int],
        ents: list[Any],
        ent_of: list[int],
        covered: list[bool],
        starts: dict[int, Match[int]],
        ends: dict[int, Match[int]],
        actor_spans: set[tuple[int, int]],
    ) -> _Mention | None:
        gaz, cues = self.gaz, self.cues
        name_key = "".join(key(doc[t].text) for t in range(m.tok_start, m.tok_end))
        if m.tok_end - m.tok_start == 1 and name_key in cues.demonyms:
            return None
        rows = m.values
        prev = doc[m.tok_start - 1].lower_ if m.tok_start > 0 else ""
        need_article = gaz.article_only.get(name_key)
        if need_article and prev != "the":
            rows = tuple(r for r in rows if r not in need_article)
            if not rows:
                return None

        # what spaCy says about the span
        label, inside = None, False
        e_ids = {ent_of[t] for t in range(m.tok_start, m.tok_end) if ent_of[t] >= 0}
        for e_i in e_ids:
            ent = ents[e_i]
            extra = [t for t in range(ent.start, ent.end) if not m.tok_start <= t < m.tok_end]
            place_label = ent.label_ in PLACE_LABELS
            if any(not self._descriptive(doc[t], covered[t] and place_label) for t in extra):
                inside = True
            label = ent.label_
        if inside:
            if label not in PLACE_LABELS:
                return None  # "Jordan Peterson", "Georgia Power", "Bank of Jordan"
            label = None  # part of a longer place name the gazetteer lacks: no evidence either way

        mention = _Mention(m.start, m.end, m.tok_start, m.tok_end, name_key, rows)
        mention.cue = self._cue(doc, m, starts, ends)
        before = m.tok_start - 1
        while before >= 0 and (doc[before].lower_ in cues.directions or doc[before].lower_ == "the"):
            mention.located = mention.located or doc[before].lower_ in cues.directions
            before -= 1
        if before >= 0 and doc[before].lower_ in cues.prepositions:
            mention.located = True
        nxt = m.tok_end
        if nxt + 1 < len(doc) and doc[nxt].text == "," and nxt + 1 in starts:
            q = tuple(r for r in starts[nxt + 1].values if gaz.kind[r] in (ADMIN1, COUNTRY))
            if q:
                mention.qualifiers = q
                mention.located = True

        cued = mention.cue is not None or mention.located
        strong_kinds = {gaz.kind[r] for r in rows} & {COUNTRY, ADMIN1, FEATURE}
        big = any(gaz.kind[r] == CITY and gaz.population[r] >= BIG_TOWN for r in rows)
        place_said = label in PLACE_LABELS or (m.start, m.end) in actor_spans
        if name_key in cues.cue_only:
            return mention if cued or place_said else None
        if place_said:
            return mention
        if label == "PERSON":  # a PERSON span that is wholly a place name ("al-Qaim", "Dhi Qar")
            # a preposition alone is weak here ("according to Biden"): it needs a sizeable town
            sizeable = any(gaz.kind[r] == CITY and gaz.population[r] >= PERSON_TOWN for r in rows)
            typed = mention.cue is not None or mention.qualifiers or strong_kinds & {COUNTRY, ADMIN1, FEATURE}
            return mention if typed or (mention.located and sizeable) else None
        if label is not None and label in NAME_LABELS:  # ORG/NORP wholly a place name ("Munziriyah")
            return mention if cued or strong_kinds else None
        return mention if cued or strong_kinds or big else None

    def _descriptive(self, tok: Any, covered: bool) -> bool:
        """Tokens of an entity span that do not make it another name: articles, cue nouns, places."""
        low = tok.lower_
        return (
            covered
            or tok.is_punct
            or low in FILLER
            or low in self.cues.directions
            or low in self.cues.descriptor_words
        )

    def _cue_at(self, doc: Doc, k: int) -> tuple[CueClass, str] | None:
        """The longest cue phrase starting at token k."""
        n = len(doc)
        for width in range(min(self.cues.max_words, n - k), 0, -1):
            phrase = " ".join(doc[k + w].lower_ for w in range(width))
            cls = self.cues.phrases.get(phrase)
            if cls is not None:
                return cls, phrase
        return None

    def _cue(
        self, doc: Doc, m: Match[int], starts: dict[int, Match[int]], ends: dict[int, Match[int]]
    ) -> CueClass | None:
        """The cue class for a name: a following cue noun (through a coordination when plural),
        or a preceding '<cue noun> of'."""
        cues = self.cues
        n = len(doc)
        # right: "X province", "X and Y border crossings", "southern X and central Y crossings"
        k, chained, steps = m.tok_end, False, 0
        while k < n and steps < 12:
            if k in starts:
                k = starts[k].tok_end
                chained = True
            elif doc[k].lower_ in CONJ or doc[k].lower_ in cues.directions:
                k += 1
            else:
                break
            steps += 1
        found = self._cue_at(doc, k) if k < n else None
        if found is not None and (not chained or found[1] in cues.plurals):
            return found[0]
        # left: "the province of X", "the provinces of X and Y"
        k, chained, steps = m.tok_start - 1, False, 0
        while k >= 0 and steps < 12:
            if k + 1 in ends and ends[k + 1] is not m:
                k = ends[k + 1].tok_start - 1
                chained = True
            elif doc[k].lower_ in CONJ or doc[k].lower_ in cues.directions or doc[k].lower_ == "the":
                k -= 1
            else:
                break
            steps += 1
        if k >= 1 and doc[k].lower_ == "of":
            word = doc[k - 1].lower_
            cls = cues.of_cues.get(word)
            if cls is not None and (not chained or word in cues.plurals):
                return cls
        return None

    # ------------------------------------------------------------------ resolution

    def _sides(self, row: int) -> set[str]:
        """Countries a curated feature touches (both sides of a crossing, a sea's shores)."""
        return set(self.gaz.extra.get(row, {}).get("countries", ()))

    def _primary_key(self, row: int) -> str:
        k = self._primary.get(row)
        if k is None:
            k = self._primary[row] = key(self.gaz.names[row])
        return k

    def _prior(self, row: int, name_key: str) -> float:
        """What a name means before context: big towns, capitals, seats; countries above all."""
        gaz = self.gaz
        kind = gaz.kind[row]
        if kind == CITY:
            s = W_TOWN_DECADE * math.log10(gaz.population[row] + 10)
            code = gaz.feature_code(row)
            s += W_CAPITAL if code == "PPLC" else W_SEAT if code == "PPLA" else 0.0
        elif kind == COUNTRY:
            s = W_COUNTRY
        elif kind == ADMIN1:
            s = W_ADMIN1_DECADE * math.log10(gaz.population[row] + 10) + W_ADMIN1
        else:
            s = W_REGION if gaz.precision(row) == "region" else W_FEATURE
        if self._primary_key(row) == name_key:
            s += W_PRIMARY
        elif kind == CITY:
            s -= W_PRIMARY  # a town reached through one of its many alternates: weaker evidence
        return s

    def _score(
        self,
        reading: _Reading,
        countries: set[str],
        admin1s: set[int],
        anchors: list[tuple[float, float]],
    ) -> None:
        gaz = self.gaz
        first = reading.mentions[0]
        cue = next((mt.cue for mt in reading.mentions if mt.cue is not None), None)
        qualifiers = {q for mt in reading.mentions for q in mt.qualifiers}
        q_countries = {gaz.country_code(q) for q in qualifiers if gaz.kind[q] == COUNTRY}
        q_admin1 = {q for q in qualifiers if gaz.kind[q] == ADMIN1}
        scores = []
        for row in reading.rows:
            kind = gaz.kind[row]
            s = self._prior(row, first.key)
            if cue is not None and (
                kind in cue.kinds or (kind == FEATURE and gaz.feature_code(row) in cue.features)
            ):
                s += W_CUE
            cc = gaz.country_code(row)
            if kind != COUNTRY and (cc in countries or self._sides(row) & countries):
                s += W_COUNTRY_CONTEXT
            if kind != ADMIN1 and gaz.admin1[row] in admin1s:
                s += W_ADMIN1_CONTEXT
            if qualifiers and (gaz.admin1[row] in q_admin1 or cc in q_countries) and row not in qualifiers:
                s += W_QUALIFIER
            if anchors and kind != COUNTRY and len(reading.rows) > 1:
                la, lo = gaz.lat[row], gaz.lon[row]
                d = min(distance_km(la, lo, a, b) for a, b in anchors)
                s += W_NEAR * max(0.0, 1.0 - d / NEAR_KM)
            scores.append(s)
        reading.scores = scores

    def _readings(self, mentions: list[_Mention]) -> list[_Reading]:
        """Group mentions by name (and cue, when a name's cues disagree); candidates by prior."""
        cues_by_key: dict[str, set[str]] = defaultdict(set)
        for mt in mentions:
            if mt.cue is not None:
                cues_by_key[mt.key].add(mt.cue.name)
        groups: dict[tuple[str, str], list[_Mention]] = defaultdict(list)
        for mt in mentions:
            names = cues_by_key.get(mt.key, set())
            cue_name = mt.cue.name if mt.cue is not None else (next(iter(names)) if len(names) == 1 else "")
            groups[(mt.key, cue_name)].append(mt)
        out = []
        for group in groups.values():
            rows = sorted({r for mt in group for r in mt.rows})
            if len(rows) > MAX_CANDIDATES:
                rows = sorted(rows, key=lambda r: -self._prior(r, group[0].key))[:MAX_CANDIDATES]
            out.append(_Reading(group, rows))
        return out

    def _resolve(self, analysis: Analysis, mentions: list[_Mention], countries: set[str]) -> None:
        gaz = self.gaz
        readings = self._readings(mentions)
        # pass 1: entity context only; confident readings become context for pass 2
        admin1s: set[int] = set()
        anchors: list[tuple[float, float]] = []
        for rd in readings:
            self._score(rd, countries, admin1s, [])
        context_countries = set(countries)
        for rd in readings:
            row, _, gap = rd.best()
            if gap >= ANCHOR_GAP:
                cc = gaz.country_code(row)
                if cc:
                    context_countries.add(cc)
                if gaz.kind[row] == ADMIN1:
                    admin1s.add(row)
                elif gaz.kind[row] != COUNTRY and len(anchors) < 8:
                    anchors.append((gaz.lat[row], gaz.lon[row]))
        for rd in readings:
            self._score(rd, context_countries, admin1s, anchors)

        by_row: dict[int, tuple[Place | None, list[_Mention], _Reading]] = {}
        order: list[int] = []
        for rd in readings:
            row, _, _ = rd.best()
            if row not in by_row:
                by_row[row] = (None, [], rd)
                order.append(row)
            by_row[row][1].extend(rd.mentions)
        order.sort(key=lambda r: min(mt.start for mt in by_row[r][1]))
        for row in order:
            _, group, rd = by_row[row]
            group.sort(key=lambda mt: mt.start)
            place = self._new_place(analysis, row, group[0], rd)
            for mt in group[1:]:
                place.add_mention(mt.start, mt.end)

    def _new_place(self, analysis: Analysis, row: int, first: _Mention, rd: _Reading) -> Place:
        return analysis.new(Place, first.start, first.end, **self._place_attrs(row, rd))

    def _place_attrs(self, row: int, rd: _Reading) -> dict[str, Any]:
        """Place fields for the chosen row; `score` is its softmax share, the runner-up when close."""
        gaz = self.gaz
        top = max(rd.scores)
        weights = [math.exp(s - top) for s in rd.scores]
        total = sum(weights)
        ranked = sorted(range(len(rd.rows)), key=lambda i: -rd.scores[i])
        chosen = rd.rows.index(row)
        alternatives = []
        runner = next((i for i in ranked if i != chosen), None)
        if runner is not None and rd.scores[chosen] - rd.scores[runner] < CLOSE:
            alt = gaz.describe(rd.rows[runner])
            alternatives.append(
                {
                    "name": alt["name"],
                    "lat": alt["lat"],
                    "lon": alt["lon"],
                    "country": alt["country"],
                    "feature": alt["feature"],
                    "precision": alt["precision"],
                    "geonames_id": alt["geonames_id"],
                    "score": round(weights[runner] / total, 3),
                }
            )
        gid = gaz.geonames_id[row]
        return {
            "name": gaz.names[row],
            "lat": round(gaz.lat[row], 5),
            "lon": round(gaz.lon[row], 5),
            "country": gaz.country_code(row),
            "admin1": gaz.admin1_name(row) if gaz.kind[row] != COUNTRY else None,
            "feature": gaz.feature_code(row),
            "precision": gaz.precision(row),
            "geonames_id": gid or None,
            "candidates": len(rd.rows),
            "score": round(weights[chosen] / total, 3),
            "alternatives": alternatives,
        }

    # ------------------------------------------------------------------ given spans

    def resolve_spans(
        self, analysis: Analysis, parsed: Parsed, spans: Iterable[tuple[int, int]]
    ) -> list[Place | None]:
        """Resolve spans someone else found (gold toponyms), in the context this stage built.

        Run after the stage: a span equal to one of its mentions gets that place; any other span
        is looked up by name (a leading "the" dropped) and scored with the document's countries
        and confident places as context. Nothing is added to `analysis`; None where the gazetteer
        has no such name.
        """
        gaz, doc = self.gaz, parsed.doc
        text = analysis.document.text
        own = {(s, e): p for p in analysis.places for s, e in p.mentions}
        countries = {e.country for e in analysis.entities if e.country and e.type in GEO_ACTOR_TYPES}
        countries |= {p.country for p in analysis.places if p.country and (p.score or 0) >= 0.8}
        anchors = [
            (p.lat, p.lon)
            for p in analysis.places
            if p.precision in ("town", "exact") and (p.score or 0) >= 0.8 and p.lat is not None
        ][:8]
        out: list[Place | None] = []
        for n, (s, e) in enumerate(spans):
            if (s, e) in own:
                out.append(own[(s, e)])
                continue
            surface = text[s:e]
            rows = gaz.lookup(surface)
            if not rows and surface.lower().startswith("the "):
                rows = gaz.lookup(surface[4:])
            span = doc.char_span(s, e, alignment_mode="expand")
            if not rows or span is None:
                out.append(None)
                continue
            m = Match(s, e, span.start, span.end, tuple(rows))
            mention = _Mention(
                s, e, span.start, span.end, key(surface), tuple(rows), cue=self._cue(doc, m, {}, {})
            )
            rd = self._readings([mention])[0]
            self._score(rd, countries, set(), anchors)
            row = rd.best()[0]
            out.append(Place(id=f"p-given-{n}", mentions=[[s, e]], **self._place_attrs(row, rd)))
        return out


__all__ = ["PlaceStage", "load_cues"]


def _drop_place_readings_of_unknown_actors(analysis: Analysis) -> None:
    """Remove NER-only "organisations" and "groups" that are really places ("Albu Kamal" as ORG).

    The entities stage cannot tell a mislabelled town from an unknown organisation; once the
    gazetteer has resolved every one of its mentions as a place, the actor reading goes.
    People and KB actors are never removed.
    """
    place_spans = {(s, e) for p in analysis.places for s, e in p.mentions}
    analysis.entities[:] = [
        ent
        for ent in analysis.entities
        if not (
            ent.how == "ner"
            and ent.type in ("ORGANIZATION", "GROUP")
            and all((s, e) in place_spans for s, e in ent.mentions)
        )
    ]
