"""Places: gazetteer names found in the parse, kept when the text treats them as places, resolved.

Recognition. The gazetteer's name index is scanned over the document's tokens (one dict lookup
per candidate span). spaCy's GPE/LOC/FAC entities confirm a name; a name spaCy files under
PERSON/ORG/NORP is still a place when it is a strong gazetteer entry (country, admin1, curated
feature) or sits next to a place cue ("the Munziriyah crossing", "Kermanshah province", "in X",
a dateline "BYESVILLE --", a following ", Ky."). A name with no such evidence is kept only when
the same name is a place elsewhere in the document (one sense per discourse). A name that is
only part of a longer PERSON/ORG/... span ("Jordan Peterson", "Georgia Power", "National Council
of Resistance of Iran") is not a place, unless it opens the name of a local institution ("the
Dublin City Council", "Ohio State University"); nor is anything inside a KB actor that is not
geographic (Hezbollah), a demonym ("Iraqi"), a run of words whose letters only spell a name ("I
can"), or a name followed by a street word ("Memphis Street"). State abbreviations after a comma
("Topeka, Kan.") are places of their own. spaCy LOC/FAC spans that no gazetteer name matches
("Lake Lanier", "Interstate 75") are kept as places without coordinates (precision None). A
one-word name that is the surname of a person the document names in full ("Tom Cambridge ...
Cambridge said") is that person, unless a cue, a qualifier, a dateline or spaCy's place label
with a preposition says place. A KB actor named like a country or curated region (the EU) is a
place as a state is.

Demonym references. After the literal places, demonyms ("Iraqi forces", "the Russians", "South
Korean", "Latin American"; data/lexicons/demonyms.tsv and the gazetteer's region demonyms) are
added as place items with ``role="demonym"``, one per place pointed at, with that place's point
and GeoNames id. They are kept apart: events, claims, checkworthiness and the corpus tables read
literal places only (`gossamer.model.literal_places`), and they never count as context for the
literal places' resolution.

Resolution. Each name's candidate rows are scored: a prior (log population for towns; fixed
weights for countries, continents, regions, admin1s, counties and features; capitals and admin
seats up; towns reached through a mere alternate name down), the cue ("province" wants an admin1,
"crossing" a curated crossing), a qualifier ("Paris, Texas"), and the document's context, built
in rounds: the share of the document's other readings in the candidate's country and admin1,
closeness to the other readings' points, admin1s and countries named outright, and the outlet's
country when its metadata or URL domain gives one (`gossamer.gazetteer.outlets`: "Hyderabad" in a
paper at example.pk is the one in Sindh), counted as one more country named. A town named like
a country, region or province gains only a little from context ("Mexico" in a Texas story is
still the country). Mentions of one name share one reading (one sense per discourse) unless their
cues differ. `score` is the winner's softmax share among candidates.

`resolve_spans` resolves spans found by someone else (gold toponyms) jointly with the stage's own
names, and always tries to return a reading (see its docstring).
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
from ..gazetteer.build import abbrev_key
from ..gazetteer.outlets import outlet_country
from ..gazetteer.sources import lexicon
from ..model import Analysis, Place, literal_places
from ..nlp import Parsed
from ..phrases import Match, key

PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
# spaCy labels kept as places (without coordinates) when no gazetteer name matches; a GPE span the
# gazetteer does not know was mostly wrong on the development corpora, so it is not kept.
NER_PLACES = frozenset({"LOC", "FAC"})
DATELINE_DASHES = frozenset({"--", "\u2014", "\u2013", "-", "(", ":"})  # "BYESVILLE -- ..."
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
W_TOWN_DECADE = 0.45
W_CAPITAL = 1.5
W_SEAT = 1.2
W_COUNTRY = 7.0
W_ADMIN1_DECADE = 0.5
W_ADMIN1 = -0.6
W_FEATURE = 1.0
W_REGION = 4.5  # a named region or sea is read as such before a small town of its name
W_PRIMARY = 0.5  # the name is the row's own name, not an alternate
W_ALTERNATE = 1.5  # see _alternate_penalty
W_CUE = 6.0  # "province", "crossing": the text says what kind of place
W_QUALIFIER = 6.0  # "Paris, Texas"
W_COUNTRY_CONTEXT = 1.5  # in a country the document names
W_ADMIN1_CONTEXT = 1.0  # in an admin1 the document names
W_NEAR = 1.5  # near a confidently resolved place, fading to 0 at NEAR_KM
NEAR_KM = 400.0
W_PROX = 3.0  # times the weighted share of the document's other places within NEAR_KM
W_SHARE = 4.5  # times the share of the document's other readings lying in the candidate's country
W_ADMIN1_SHARE = 6.0  # ... in the candidate's admin1
W_CONTAINS = 5.0  # an admin1 candidate, times the share of the other readings inside it
W_COUNTY = 0.5  # a county's prior, plus W_COUNTY_DECADE per tenfold population of its namesake town
W_COUNTY_DECADE = 0.3
SHADOW_CAP = 2.5  # most context a town named like a country, region or province may gain
ROUNDS = 2  # context rounds before the final scoring
DATELINE_WEIGHT = 3.0  # a dateline's reading counts this many times in the context
FOCUS_RANK = {"exact": 1.0, "town": 1.0, "admin1": 0.8, "region": 0.5, "country": 0.3}  # see _focus
CONTEXT_KEY = "places.mentions"  # parsed.cache slot: the stage's mentions, for resolve_spans
MAX_DEMONYM_TOKENS = 4  # "South-east Asian" is four tokens

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
    institution_heads: frozenset[str] = frozenset()  # "council", "police": "<place> Police Department"
    street_words: frozenset[str] = frozenset()  # "street", "rd": "<name> Street" is a street
    connectors: frozenset[str] = frozenset()  # "of", "and", "al": lower-case words inside a name
    name_words: frozenset[str] = frozenset()  # connectors, cue and descriptor nouns ("crossing")
    type_suffixes: frozenset[str] = frozenset()  # "province", "valley": dropped from a given name
    generic: frozenset[str] = frozenset()  # keys never worth a lookup alone ("north", "city")


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
        demonyms=_demonym_keys()
        | frozenset(
            key(str(d))
            for forms in ((lex.get("admin1_demonyms") or {}).get("forms") or {}).values()
            for d in forms
        ),
        max_words=max((len(p.split()) for p in phrases), default=1),
        institution_heads=words("institution_heads"),
        street_words=words("street_words"),
        connectors=words("name_connectors"),
        name_words=words("name_connectors")
        | words("descriptor_words")
        | frozenset(w for p in phrases for w in p.split())
        | frozenset(str(w).lower() for w in (lex.get("admin_type_words") or {}).get("suffixes", ())),
        type_suffixes=frozenset(
            str(w).lower() for w in (lex.get("admin_type_words") or {}).get("suffixes", ())
        )
        | words("descriptor_words"),
        generic=frozenset(key(str(w)) for w in (lex.get("stoplist") or {}).get("words", ()))
        | frozenset(key(w) for w in words("directions")),
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
    weak: bool = False  # nothing but the name says "place": kept only if the name is a place elsewhere
    partial: bool = False  # a given span read through a part of it ("Colorado State University")
    dateline: bool = False  # "BYESVILLE --": where the story was filed
    person: bool = False  # spaCy read the span as a person's name
    ner_place: bool = False  # spaCy read the span as a place (GPE/LOC/FAC)
    abbrev: _Mention | None = None  # a following ", Ky." read as a place of its own


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
        countries |= _outlet(analysis)
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

        found: list[_Mention] = []
        for m in matches:
            if any(blocked[m.tok_start : m.tok_end]):
                continue
            mention = self._recognise(doc, m, ents, ent_of, covered, starts, ends, actor_spans)
            if mention is not None:
                found.append(mention)
        # one sense per discourse: a name the text treats as a place is a place throughout, unless
        # spaCy reads it as a person's name as often as the text says "place" ("to Kelly")
        sure: dict[str, int] = defaultdict(int)
        as_person: dict[str, int] = defaultdict(int)
        for mt in found:
            if not mt.weak:
                sure[mt.key] += 1
            elif mt.person:
                as_person[mt.key] += 1
        mentions = [
            mt
            for mt in found
            if not mt.weak or (sure.get(mt.key, 0) > (as_person[mt.key] if mt.person else 0))
        ]
        surnames = _surnames(ents)
        mentions = [mt for mt in mentions if not (mt.key in surnames and _person_like(mt))]
        abbrevs = {(mt.abbrev.start, mt.abbrev.end): mt.abbrev for mt in mentions if mt.abbrev is not None}
        abbrevs = {k: ab for k, ab in abbrevs.items() if not any(blocked[ab.tok_start : ab.tok_end])}
        if abbrevs:
            # "Topeka, Kan.": the abbreviation is the state, not a town the scan found as "Kan"
            mentions = [mt for mt in mentions if not any(s < mt.end and mt.start < e for s, e in abbrevs)]
            mentions += abbrevs.values()
        mentions.sort(key=lambda mt: mt.start)
        if mentions:
            self._resolve(analysis, mentions, countries, parsed)
        if NER_PLACES:
            self._unresolved(analysis, doc, ents, blocked, mentions)
        if analysis.places:
            _drop_place_readings_of_unknown_actors(analysis)
        self._demonym_references(analysis, doc, ents, ent_of)

    def _demonym_references(self, analysis: Analysis, doc: Doc, ents: list[Any], ent_of: list[int]) -> None:
        """Demonyms ("Iraqi forces", "the Russians", "Latin American") as place items of role
        "demonym", one per place pointed at, added after the literal places.

        They are kept apart from places (a demonym names people, a state acting, a language; the
        entities stage reads "Iraqi forces" as Iraq's military), yet they do point at a place, which
        a reader may want to map. Not a demonym reference: a word of a person's name ("Bill
        English") or of a literal place's name ("Indian Ocean")."""
        taken = [(s, e) for p in analysis.places for s, e in p.mentions]
        by_row: dict[int, Place] = {}
        i, n = 0, len(doc)
        while i < n:
            found = self._demonym_at(doc, i)
            if found is None:
                i += 1
                continue
            end, row = found
            s, e = doc[i].idx, doc[end - 1].idx + len(doc[end - 1].text)
            person = any(ent_of[t] >= 0 and ents[ent_of[t]].label_ == "PERSON" for t in range(i, end))
            if not person and not any(ts < e and s < te for ts, te in taken):
                place = by_row.get(row)
                if place is None:
                    attrs = self._place_attrs(row, _Reading([], [row], [0.0]))
                    by_row[row] = analysis.new(Place, s, e, role="demonym", **attrs)
                else:
                    place.add_mention(s, e)
            i = end

    def _demonym_at(self, doc: Doc, i: int) -> tuple[int, int] | None:
        """(end token, gazetteer row) of the longest demonym starting at token i, else None."""
        if not doc[i].text[:1].isupper():
            return None
        for width in range(min(MAX_DEMONYM_TOKENS, len(doc) - i), 0, -1):
            last = doc[i + width - 1]
            if not last.is_alpha:
                continue
            row = self.gaz.demonyms.get(key(doc[i : i + width].text))
            if row is not None:
                return i + width, row
        return None

    def _unresolved(
        self, analysis: Analysis, doc: Doc, ents: list[Any], blocked: list[bool], mentions: list[_Mention]
    ) -> None:
        """spaCy's place names that no gazetteer entry matched ("Main Street", "Zamalek"): places
        without coordinates, one item per name."""
        taken = [(mt.tok_start, mt.tok_end) for mt in mentions]
        by_name: dict[str, Place] = {}
        for ent in ents:
            if ent.label_ not in NER_PLACES:
                continue
            if any(blocked[ent.start : ent.end]) or any(s < ent.end and ent.start < e for s, e in taken):
                continue
            start = ent.start + (1 if doc[ent.start].lower_ == "the" else 0)
            if start >= ent.end or not doc[start].text[:1].isupper():
                continue
            span = doc[start : ent.end]
            k = key(span.text)
            if not k or k in self.cues.demonyms or k in self.cues.generic:
                continue
            place = by_name.get(k)
            if place is None:
                by_name[k] = analysis.new(
                    Place,
                    span.start_char,
                    span.end_char,
                    name=span.text,
                    feature=None,
                    precision=None,
                    candidates=0,
                )
            else:
                place.add_mention(span.start_char, span.end_char)

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
                    if self._territory(analysis.document.text[s:e]):
                        actor_spans.add((s, e))  # "the EU": a union of states is also their territory
                        continue
                    span = doc.char_span(s, e, alignment_mode="expand")
                    if span is not None:
                        for t in range(span.start, span.end):
                            blocked[t] = True
        return blocked, actor_spans, countries

    def _territory(self, surface: str) -> bool:
        """The whole name is a country's or a curated region's ("EU", "European Union"): an actor
        so named (an intergovernmental union) is also a place, as a state is."""
        gaz = self.gaz
        return any(
            gaz.kind[r] == COUNTRY
            or (gaz.kind[r] == FEATURE and gaz.precision(r) == "region" and gaz.feature_code(r) != "ADM2")
            for r in gaz.lookup(surface)
        )

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
        if not self._words_ok(doc[m.tok_start : m.tok_end].text):
            return None
        if m.tok_end < len(doc) and self._street_word(doc[m.tok_end]):
            return None  # "Memphis Street", "Shamrock Road"
        if m.tok_end - m.tok_start == 1 and self._generic_noun(doc[m.tok_start]):
            return None  # the "Street" of "Memphis Street", "Airport", "Metro"
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
        institution = False
        if inside:
            if label not in PLACE_LABELS:
                # "Jordan Peterson", "Georgia Power", "Bank of Jordan" are not places; "the Dublin
                # City Council", "Ohio State University" name where they are
                institution = self._institution(doc, m, ents[max(e_ids)])
                if not institution:
                    return None
            label = None  # part of a longer name: no evidence either way from the label

        mention = _Mention(m.start, m.end, m.tok_start, m.tok_end, name_key, rows)
        mention.ner_place = label in PLACE_LABELS
        mention.cue = self._cue(doc, m, starts, ends)
        before = m.tok_start - 1
        while before >= 0 and (doc[before].lower_ in cues.directions or doc[before].lower_ == "the"):
            mention.located = mention.located or doc[before].lower_ in cues.directions
            before -= 1
        if before >= 0 and doc[before].lower_ in cues.prepositions:
            mention.located = True
        if self._dateline(doc, m):
            mention.located = mention.dateline = True
        nxt = m.tok_end
        if nxt + 1 < len(doc) and doc[nxt].text == ",":
            ab = self._abbreviation(doc, nxt + 1)
            if ab is not None:
                mention.abbrev = ab
                mention.qualifiers = ab.rows
                mention.located = True
            elif nxt + 1 in starts:
                q = tuple(r for r in starts[nxt + 1].values if gaz.kind[r] in (ADMIN1, COUNTRY))
                if q:
                    mention.qualifiers = q
                    mention.located = True
        if institution:
            # "the Dublin City Council" says where, but "the Supreme Court" is no town of Supreme:
            # a name heading an institution counts once the text treats it as a place elsewhere
            mention.weak = not any(
                gaz.kind[r] in (COUNTRY, ADMIN1) or (gaz.kind[r] == CITY and gaz.population[r] >= BIG_TOWN)
                for r in rows
            )
            return mention

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
            mention.weak = not (typed or (mention.located and sizeable))
            mention.person = True
        elif label is not None and label in NAME_LABELS:  # ORG/NORP wholly a place name ("Munziriyah")
            mention.weak = not (cued or strong_kinds)
        else:
            mention.weak = not (cued or strong_kinds or big)
        return mention

    def _words_ok(self, surface: str) -> bool:
        """False for a run of words whose letters only happen to spell a name: "I can" (Ican),
        "A man" (Amman), "U.S. is": a multi-word name has no lower-case word but connectors and
        descriptive nouns ("al-Qaim crossing"), never ends on a connector, and never starts with
        a one-letter word."""
        words = surface.split()
        if len(words) < 2:
            return True
        if len(words[0]) == 1:
            return False
        connectors, inner = self.cues.connectors, self.cues.name_words
        if any(w[:1].islower() and w.lower() not in inner for w in words[1:]):
            return False
        return words[-1].lower() not in connectors

    def _dateline(self, doc: Doc, m: Match[int]) -> bool:
        """A news dateline: a capitalised place name opening a sentence, followed by a dash
        ("BYESVILLE -- Firefighters ...") or by a comma and a state ("FAIRFIELD, Conn. --")."""
        span = doc[m.tok_start : m.tok_end]
        letters = [ch for ch in span.text if ch.isalpha()]
        if len(letters) < 3 or not all(ch.isupper() for ch in letters) or not doc[m.tok_start].is_sent_start:
            return False
        nxt = m.tok_end
        if nxt < len(doc) and doc[nxt].text in DATELINE_DASHES:
            return True
        return nxt + 1 < len(doc) and doc[nxt].text == "," and self._abbreviation(doc, nxt + 1) is not None

    def _generic_noun(self, tok: Any) -> bool:
        """A street, descriptor or institution noun that a town happens to be called by."""
        low = tok.lower_.rstrip(".")
        cues = self.cues
        return low in cues.street_words or low in cues.descriptor_words or low in cues.institution_heads

    def _street_word(self, tok: Any) -> bool:
        return tok.text[:1].isupper() and tok.lower_.rstrip(".") in self.cues.street_words

    def _institution(self, doc: Doc, m: Match[int], ent: Any) -> bool:
        """The name opens a longer name ("the" aside) and an institution noun follows it."""
        first = ent.start + (1 if doc[ent.start].lower_ == "the" else 0)
        return (
            m.tok_start == first
            and m.tok_end < ent.end
            and doc[m.tok_end].lower_ in self.cues.institution_heads
        )

    def _abbreviation(self, doc: Doc, i: int) -> _Mention | None:
        """A subdivision abbreviation starting at token i ("Ky.", "W. Va.", "CA"), as a mention."""
        text = ""
        for j in range(i, min(len(doc), i + 3)):
            text += doc[j].text
            rows = self.gaz.abbrev.get(text)
            if rows is None and j + 1 < len(doc) and doc[j + 1].text == ".":
                rows = self.gaz.abbrev.get(text + ".")
                if rows:
                    j += 1
            if rows:
                span = doc[i : j + 1]
                return _Mention(
                    span.start_char, span.end_char, i, j + 1, key(span.text), tuple(rows), located=True
                )
        return None

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
        elif gaz.feature_code(row) == "ADM2":
            # a county is told from its namesakes by context; its seat's size is a weak hint
            s = W_COUNTY + W_COUNTY_DECADE * math.log10(gaz.population[row] + 10)
        elif gaz.feature_code(row) == "continent":
            s = W_COUNTRY
        else:
            salient = gaz.precision(row) == "region" or gaz.feature_code(row) == "landmark"
            s = W_REGION if salient else W_FEATURE
        if self._primary_key(row) == name_key:
            s += W_PRIMARY
        elif kind == CITY:
            s -= W_PRIMARY  # a town reached through one of its many alternates: weaker evidence
        return s

    def _alternate_penalty(self, rows: list[int], name_key: str) -> dict[int, float]:
        """Towns reached only through an alternate name, when a town at least as large bears the
        name as its own ("Liverpool" is Liverpool, not a village once called so; "Basra" is still
        Basrah, not a hamlet named Basra): a further penalty."""
        gaz = self.gaz
        own = [gaz.population[r] for r in rows if gaz.kind[r] == CITY and self._primary_key(r) == name_key]
        if not own:
            return {}
        biggest = max(own)
        return {
            r: W_ALTERNATE
            for r in rows
            if gaz.kind[r] == CITY and self._primary_key(r) != name_key and gaz.population[r] <= biggest
        }

    def _score(self, reading: _Reading, ctx: _Context) -> None:
        gaz = self.gaz
        first = reading.mentions[0]
        cue = next((mt.cue for mt in reading.mentions if mt.cue is not None), None)
        qualifiers = {q for mt in reading.mentions for q in mt.qualifiers}
        q_countries = {gaz.country_code(q) for q in qualifiers if gaz.kind[q] == COUNTRY}
        q_admin1 = {q for q in qualifiers if gaz.kind[q] == ADMIN1}
        own = ctx.own.get(id(reading))
        shadow = self._shadow(reading.rows)
        alt = self._alternate_penalty(reading.rows, first.key)
        scores = []
        for row in reading.rows:
            kind = gaz.kind[row]
            s = self._prior(row, first.key) - alt.get(row, 0.0)
            if cue is not None and (
                kind in cue.kinds or (kind == FEATURE and gaz.feature_code(row) in cue.features)
            ):
                s += W_CUE
            cc = gaz.country_code(row)
            sides = self._sides(row)
            c = 0.0  # what the rest of the document says
            if kind != COUNTRY and (cc in ctx.countries or sides & ctx.countries):
                c += W_COUNTRY_CONTEXT
            share = ctx.share(cc, own)
            for side in sides:
                share = max(share, ctx.share(side, own))
            c += W_SHARE * share
            a1 = gaz.admin1[row]
            if kind != ADMIN1 and a1 >= 0:
                if a1 in ctx.admin1s:
                    c += W_ADMIN1_CONTEXT
                c += W_ADMIN1_SHARE * ctx.admin1_share(a1, own)
            elif kind == ADMIN1:
                c += W_CONTAINS * ctx.admin1_share(row, own)
            if kind != COUNTRY and len(reading.rows) > 1:
                la, lo = gaz.lat[row], gaz.lon[row]
                if ctx.anchors:
                    d = min(distance_km(la, lo, a, b) for a, b, _ in ctx.anchors)
                    c += W_NEAR * max(0.0, 1.0 - d / NEAR_KM)
                if ctx.points:
                    c += W_PROX * ctx.closeness(la, lo, id(reading))
            if (kind == CITY and (shadow[0] or (cc in shadow[1] and gaz.population[row] < BIG_TOWN))) or (
                kind != COUNTRY and cc in shadow[2]
            ):
                # a town named like a country or a province, or a province named like its country,
                # needs the text to say so ("Lebanon, Tenn.", "Mexico state"): the document's drift
                # towards that country is not enough
                c = min(c, SHADOW_CAP)
            s += c
            if qualifiers and (a1 in q_admin1 or cc in q_countries) and row not in qualifiers:
                s += W_QUALIFIER
            scores.append(s)
        reading.scores = scores

    def _shadow(self, rows: list[int]) -> tuple[bool, set[str | None], set[str | None]]:
        """Of a name's candidates: whether one is a country or a region (continent, sea, "Middle
        East"); the countries of its admin1s; the countries among them."""
        gaz = self.gaz
        big = any(
            gaz.kind[r] == COUNTRY
            or (gaz.kind[r] == FEATURE and gaz.precision(r) == "region" and gaz.feature_code(r) != "ADM2")
            for r in rows
        )
        return (
            big,
            {gaz.country_code(r) for r in rows if gaz.kind[r] == ADMIN1},
            {gaz.country_code(r) for r in rows if gaz.kind[r] == COUNTRY},
        )

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

    def _context(self, readings: list[_Reading], countries: set[str]) -> _Context:
        """Score every reading in rounds; each round's readings are the next round's context.

        Round one knows only the countries the entities stage named. Later rounds add where the
        other names of the document went: the share of readings in each country and admin1 (a
        document about Kentucky towns reads "Georgia" as the state, one about Tbilisi as the
        country), admin1s named outright, and the points of confidently read towns.
        """
        ctx = _Context(countries=set(countries))
        for _ in range(ROUNDS):
            for rd in readings:
                self._score(rd, ctx)
            ctx = self._next_context(readings, countries)
        for rd in readings:
            self._score(rd, ctx)
        return ctx

    def _next_context(self, readings: list[_Reading], countries: set[str]) -> _Context:
        gaz = self.gaz
        ctx = _Context(countries=set(countries))
        for rd in readings:
            row, _, gap = rd.best()
            if all(mt.partial for mt in rd.mentions):
                continue  # a guess from part of a name: no evidence for the others
            top = max(rd.scores)
            weights = [math.exp(x - top) for x in rd.scores]
            total = sum(weights)
            n = float(min(len(rd.mentions), 3))
            if any(mt.dateline for mt in rd.mentions):
                n *= DATELINE_WEIGHT  # where the story was filed says most about the rest
            # the reading's belief, spread over the countries and admin1s of its candidates
            in_cc: dict[str | None, float] = defaultdict(float)
            in_a1: dict[int, float] = defaultdict(float)
            for r, x in zip(rd.rows, weights):
                if x / total >= 0.01:
                    in_cc[gaz.country_code(r)] += n * x / total
                    in_a1[r if gaz.kind[r] == ADMIN1 else gaz.admin1[r]] += n * x / total
            ctx.vote(id(rd), in_cc, in_a1, n)
            w = n / total  # the best row's share of the reading's weight
            cc = gaz.country_code(row)
            kind = gaz.kind[row]
            if kind != COUNTRY and gaz.precision(row) != "region":
                ctx.points.append((gaz.lat[row], gaz.lon[row], w, id(rd)))
            if gap < ANCHOR_GAP:
                continue
            if kind == CITY and gaz.admin1[row] >= 0:
                ctx.towns_in[gaz.admin1[row]].append((gaz.lat[row], gaz.lon[row]))
            if cc:
                ctx.countries.add(cc)
            if kind == ADMIN1:
                ctx.admin1s.add(row)
            elif kind != COUNTRY and gaz.precision(row) in ("town", "exact") and len(ctx.anchors) < 8:
                ctx.anchors.append((gaz.lat[row], gaz.lon[row], gaz.admin1[row]))
        return ctx

    def _resolve(
        self, analysis: Analysis, mentions: list[_Mention], countries: set[str], parsed: Parsed
    ) -> None:
        readings = self._readings(mentions)
        ctx = self._context(readings, countries)
        parsed.cache[CONTEXT_KEY] = (mentions, countries)

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
            place = analysis.new(Place, group[0].start, group[0].end, **self._place_attrs(row, rd, ctx))
            for mt in group[1:]:
                place.add_mention(mt.start, mt.end)

    def _point(self, row: int, ctx: _Context | None) -> tuple[float, float]:
        """The row's point. A county has no point of its own (see gazetteer.build): it goes to the
        middle of the document's confidently read towns in its state, when there are any (local
        news names the county it reports from), else to its namesake town or its state."""
        gaz = self.gaz
        if ctx is not None and gaz.feature_code(row) == "ADM2" and gaz.extra.get(row, {}).get("approx"):
            near = ctx.towns_in.get(gaz.admin1[row])
            if near:
                return (sum(a for a, _ in near) / len(near), sum(b for _, b in near) / len(near))
        return gaz.lat[row], gaz.lon[row]

    def _place_attrs(self, row: int, rd: _Reading, ctx: _Context | None = None) -> dict[str, Any]:
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
        lat, lon = self._point(row, ctx)
        return {
            "name": gaz.names[row],
            "lat": round(lat, 5),
            "lon": round(lon, 5),
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

        Run after the stage. A span is a toponym by definition, so every span gets the best
        reading this stage can find: the stage's own place for that exact span; else the span's
        name looked up (as written, as an abbreviation, without "the", a possessive, a leading
        direction or a trailing type word, as a demonym: "Iraqi" -> Iraq), scored in the document's
        context; else the stage's place overlapping it; else the longest part of it that is a
        known name ("Colorado State University" -> Colorado); else, for a name no gazetteer
        holds (a street, a neighbourhood, a building), the document's main place, since local
        names lie near what the document is about. Nothing is added to `analysis`; None only
        when the document has no place at all.
        """
        doc = parsed.doc
        text = analysis.document.text
        spans = list(spans)
        mentions, countries = parsed.cache.get(CONTEXT_KEY) or ([], None)
        if countries is None:
            countries = {e.country for e in analysis.entities if e.country and e.type in GEO_ACTOR_TYPES}
            countries |= _outlet(analysis)
        own = {(mt.start, mt.end): mt for mt in mentions}
        given: list[_Mention | Place | None] = []
        for s, e in spans:
            if (s, e) in own:
                given.append(own[(s, e)])
                continue
            span = doc.char_span(s, e, alignment_mode="expand")
            rows = self._given_rows(text[s:e])
            partial = False
            if not rows:
                place = _overlapping(literal_places(analysis.places), s, e)
                if place is not None or span is None:
                    given.append(place)
                    continue
                rows = self._part_rows(doc, span)
                partial = True
            if not rows or span is None:
                given.append(None)
                continue
            m = Match(s, e, span.start, span.end, tuple(rows))
            cue = self._cue(doc, m, {}, {})
            mention = _Mention(s, e, span.start, span.end, key(text[s:e]), tuple(rows), cue=cue)
            mention.partial = partial
            given.append(mention)
        # the given names and the stage's other names are read together: each is context for all
        joint = [g for g in given if isinstance(g, _Mention)]
        taken = [(g.start, g.end) for g in joint]
        joint += [mt for mt in mentions if not any(mt.start < e and s < mt.end for s, e in taken)]
        readings = self._readings(joint)
        ctx = self._context(readings, countries)
        reading_of = {id(mt): rd for rd in readings for mt in rd.mentions}
        filed = {(mt.start, mt.end) for mt in mentions if mt.dateline}
        located = literal_places(analysis.places)
        focus = next((p for p in located if any((s, e) in filed for s, e in p.mentions)), None)
        focus = focus or _focus(literal_places(analysis.places))
        out: list[Place | None] = []
        for n, ((s, e), g) in enumerate(zip(spans, given)):
            if isinstance(g, _Mention):
                rd = reading_of[id(g)]
                attrs = self._place_attrs(rd.best()[0], rd, ctx)
                place = Place(id=f"p-given-{n}", mentions=[[s, e]], **attrs)
                if g.partial and _far_from(place, focus):
                    place = _copy_place(focus, n, s, e)
                out.append(place)
            elif isinstance(g, Place):
                # a longer name around a place the stage read ("Tennessee Colony"): that place,
                # unless it is a town far from what the document is about
                out.append(_copy_place(focus, n, s, e) if _far_from(g, focus) else g)
            else:
                out.append(_copy_place(focus, n, s, e) if focus is not None else None)
        return out

    def _given_rows(self, surface: str) -> list[int]:
        """Rows for a whole given name, trying looser forms of it in turn (see resolve_spans)."""
        gaz = self.gaz
        surface = " ".join(surface.split())
        rows = list(gaz.abbrev.get(abbrev_key(surface), ())) or gaz.lookup(surface)
        demonym = gaz.demonyms.get(key(surface))
        if demonym is not None and not any(gaz.kind[r] in (COUNTRY, ADMIN1) for r in rows):
            return [demonym]  # "Canadian" is Canada, not Canadian, Texas
        if rows:
            return rows
        words = surface.split()
        if words and words[0].lower() == "the":
            words = words[1:]
        if words and (words[-1].endswith("'s") or words[-1].endswith("'")):
            words[-1] = words[-1][:-2] if words[-1].endswith("'s") else words[-1][:-1]
        while len(words) > 1 and words[0].lower() in self.cues.directions:
            words = words[1:]
        while len(words) > 1 and words[-1].lower() in self.cues.type_suffixes:
            words = words[:-1]
        bare = " ".join(words)
        if bare and bare != surface:
            rows = gaz.lookup(bare) or list(gaz.abbrev.get(abbrev_key(bare), ()))
            if rows:
                return rows
        k = key(bare)
        row = gaz.demonyms.get(k)
        if row is None and k.endswith("s"):
            row = gaz.demonyms.get(k[:-1])
        return [row] if row is not None else []

    def _part_rows(self, doc: Doc, span: Any) -> list[int]:
        """Rows of the longest, then leftmost, run of the span's tokens that is a known name.

        A run that opens the span names what the rest is of ("Colorado State University",
        "Liverpool Academy"); a run further in must be a country, province or region ("Royal
        Street" is no street of a town called Royal). Descriptive words alone ("Street",
        "Cathedral", "Delta") are never the name."""
        gaz, cues = self.gaz, self.cues
        toks = list(range(span.start, span.end))
        for width in range(len(toks) - 1, 0, -1):
            for i in range(len(toks) - width + 1):
                first = doc[toks[i]]
                if not first.text[:1].isupper():
                    continue
                part = doc[toks[i] : toks[i] + width]
                words = [t.lower_ for t in part if not t.is_punct]
                if all(
                    w in cues.generic
                    or w in cues.type_suffixes
                    or w in cues.street_words
                    or w in cues.institution_heads
                    for w in words
                ):
                    continue
                if width == 1 and len(key(part.text)) < 3:
                    continue
                rows = gaz.lookup(part.text)
                if not rows:
                    row = gaz.demonyms.get(key(part.text))
                    rows = [row] if row is not None else []
                if rows and (
                    i == 0
                    or any(gaz.kind[r] in (COUNTRY, ADMIN1) or gaz.precision(r) == "region" for r in rows)
                ):
                    return rows
        return []


Vote = tuple[
    dict[str | None, float], dict[int, float], float
]  # a reading's mass by country, by admin1; total


@dataclass
class _Context:
    """What the rest of the document says about where it is (see PlaceStage._context)."""

    countries: set[str] = field(default_factory=set)  # named by entities or confidently read
    admin1s: set[int] = field(default_factory=set)  # admin1 rows confidently read
    anchors: list[tuple[float, float, int]] = field(default_factory=list)  # confident towns: lat, lon, admin1
    votes: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    admin1_votes: dict[int, float] = field(default_factory=lambda: defaultdict(float))
    towns_in: dict[int, list[tuple[float, float]]] = field(default_factory=lambda: defaultdict(list))
    total: float = 0.0
    own: dict[int, Vote] = field(default_factory=dict)  # reading -> its vote
    points: list[tuple[float, float, float, int]] = field(default_factory=list)  # lat, lon, weight, reading

    def closeness(self, lat: float, lon: float, reading: int) -> float:
        """Weighted share of the other readings' points near (lat, lon), fading to 0 at NEAR_KM.

        Flat-earth distance: exact enough under a few hundred km, and cheap."""
        near = total = 0.0
        coslat = math.cos(math.radians(lat))
        for la, lo, w, r in self.points:
            if r == reading:
                continue
            total += w
            dy = (la - lat) * 111.2
            dx = (lo - lon) * 111.2 * coslat
            d2 = dx * dx + dy * dy
            if d2 < NEAR_KM * NEAR_KM:
                near += w * (1.0 - math.sqrt(d2) / NEAR_KM)
        return near / total if total > 1e-9 else 0.0

    def vote(
        self, reading: int, in_cc: dict[str | None, float], in_a1: dict[int, float], weight: float
    ) -> None:
        self.own[reading] = (in_cc, in_a1, weight)
        self.total += weight
        for cc, w in in_cc.items():
            if cc:
                self.votes[cc] += w
        for a1, w in in_a1.items():
            if a1 >= 0:
                self.admin1_votes[a1] += w

    def share(self, cc: str | None, own: Vote | None) -> float:
        """The share of the document's other readings that lie in country `cc`."""
        if not cc:
            return 0.0
        v, t = self.votes.get(cc, 0.0), self.total
        if own is not None:
            t -= own[2]
            v -= own[0].get(cc, 0.0)
        return v / t if t > 1e-9 else 0.0

    def admin1_share(self, admin1: int, own: Vote | None) -> float:
        v, t = self.admin1_votes.get(admin1, 0.0), self.total
        if own is not None:
            t -= own[2]
            v -= own[1].get(admin1, 0.0)
        return v / t if t > 1e-9 else 0.0


def _focus(places: list[Place]) -> Place | None:
    """The document's main place: in the country most of its place mentions are in, the place
    with the most mentions (weighted by how sure each reading is), a town before a province
    before the country itself. A stray reading abroad ("Dubreuil, Mauritius" for a surname in a
    New Orleans story) never becomes the main place."""
    located = [p for p in places if p.lat is not None]
    if not located:
        return None
    by_country: dict[str | None, float] = defaultdict(float)
    for p in located:
        by_country[p.country] += len(p.mentions) * (p.score or 0.0)
    main = max(by_country, key=lambda c: (by_country[c], c or ""))

    def weight(p: Place) -> tuple[float, int]:
        return (
            len(p.mentions) * (p.score or 0.0) * FOCUS_RANK.get(p.precision or "", 0.1),
            -p.mentions[0][0],
        )

    return max((p for p in located if p.country == main), key=weight)


def _outlet(analysis: Analysis) -> set[str]:
    """The outlet's country, as one more country the document names (see gazetteer.outlets)."""
    code = outlet_country(analysis.document)
    return {code} if code else set()


def _surnames(ents: list[Any]) -> frozenset[str]:
    """Keys of the last words of the document's full personal names ("Mohamed Salah" -> salah):
    news names a person in full once, then by surname alone."""
    return frozenset(
        key(ent[-1].text) for ent in ents if ent.label_ == "PERSON" and len(ent) > 1 and ent[-1].is_alpha
    )


def _person_like(mt: _Mention) -> bool:
    """A one-word name nothing but a preposition calls a place: a surname of a person the document
    names in full is that person ("said Salah"), not a town. A cue, a qualifier, a dateline, or
    spaCy's place label with a preposition ("in Nelson") keep it a place."""
    if mt.tok_end - mt.tok_start > 1 or mt.cue is not None or mt.qualifiers or mt.dateline:
        return False
    return not (mt.ner_place and mt.located)


def _far_from(place: Place, focus: Place | None) -> bool:
    """A town-or-finer reading more than NEAR_KM from the document's main place."""
    if focus is None or place.lat is None or focus.lat is None or place.precision not in ("town", "exact"):
        return False
    return distance_km(place.lat, place.lon, focus.lat, focus.lon) > NEAR_KM


def _overlapping(places: list[Place], s: int, e: int) -> Place | None:
    best, best_len = None, 0
    for p in places:
        for ms, me in p.mentions:
            shared = min(e, me) - max(s, ms)
            if shared > best_len and p.lat is not None:
                best, best_len = p, shared
    return best


def _copy_place(place: Place, n: int, s: int, e: int) -> Place:
    """A given span read as `place` (a fallback reading: its score says so)."""
    return Place(
        id=f"p-given-{n}",
        mentions=[[s, e]],
        name=place.name,
        lat=place.lat,
        lon=place.lon,
        country=place.country,
        admin1=place.admin1,
        feature=place.feature,
        precision=place.precision,
        geonames_id=place.geonames_id,
        candidates=0,
        score=0.0,
    )


__all__ = ["PlaceStage", "load_cues"]


def _drop_place_readings_of_unknown_actors(analysis: Analysis) -> None:
    """Remove NER-only "organisations" and "groups" that are really places ("Albu Kamal" as ORG).

    The entities stage cannot tell a mislabelled town from an unknown organisation; once the
    gazetteer has resolved every one of its mentions as a place, the actor reading goes.
    People and KB actors are never removed.
    """
    place_spans = {(s, e) for p in literal_places(analysis.places) for s, e in p.mentions}
    analysis.entities[:] = [
        ent
        for ent in analysis.entities
        if not (
            ent.how == "ner"
            and ent.type in ("ORGANIZATION", "GROUP")
            and all((s, e) in place_spans for s, e in ent.mentions)
        )
    ]
