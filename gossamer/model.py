"""The document model every stage reads and adds to.

One `Document.text` is the only string that offsets point into. Every extracted item
carries `mentions`: half-open character ranges `[start, end]` such that
`document.text[start:end]` is the mention. Stages never keep their own copy of the text.

The model serialises to the versioned schema ``gossamer/analysis@1``
(see ``gossamer/schema/analysis-1.json`` and ``docs/schema.md``).
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field, fields
from typing import Any, ClassVar, Literal

SCHEMA = "gossamer/analysis@1"

Mention = list[int]  # [start, end], end exclusive

DocStatus = Literal["ok", "unsupported_language", "empty"]
EntityType = Literal[
    "STATE",
    "GOVERNMENT",
    "MILITARY",
    "ARMED_GROUP",
    "PARTY",
    "COALITION",
    "IGO",
    "NGO",
    "MEDIA",
    "PERSON",
    "MOVEMENT",
    "ORGANIZATION",  # an organisation spaCy found that the KB does not know
    "GROUP",  # a nationality, religious or political group (spaCy NORP) not in the KB
]
PlacePrecision = Literal["exact", "town", "admin1", "country", "region"]
# How the text refers to a place: "literal" names it ("Iraq", "Basra"); "demonym" is an adjective
# or a people noun that points at it ("Iraqi forces", "the Russians"). Demonym references are kept
# apart: consumers that want where things are (events, claims, maps, the corpus) read only literal
# places (see `literal_places`).
PlaceRole = Literal["literal", "demonym"]
TimePrecision = Literal["hour", "day", "week", "month", "quarter", "year", "decade"]
Bound = Literal["exact", "at_least", "at_most", "about", "range"]


def document_id(text: str) -> str:
    """Content hash of the text: the same words give the same id, whatever the metadata."""
    return "doc_" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]


@dataclass
class Document:
    text: str
    id: str = ""
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    author: str | None = None
    published: str | None = None  # ISO date (YYYY-MM-DD) or datetime
    language: str | None = None
    source: str | None = None  # where it was read from: path, "path:line", "<stdin>"
    status: DocStatus = "ok"
    genre: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.id:
            self.id = document_id(self.text)


@dataclass
class Item:
    """Anything extracted from the text. Subclasses set `prefix` for their ids."""

    prefix: ClassVar[str] = "x"
    id: str
    mentions: list[Mention]

    def add_mention(self, start: int, end: int) -> None:
        m = [start, end]
        if m not in self.mentions:
            self.mentions.append(m)
            self.mentions.sort()


@dataclass
class Entity(Item):
    prefix: ClassVar[str] = "e"
    name: str = ""
    type: str = "ORGANIZATION"
    kb_id: str | None = None
    country: str | None = None  # ISO 3166-1 alpha-2
    sector: str | None = None  # PLOVER/POLECAT-style sector code (GOV, MIL, REB, ...)
    how: str = "kb"  # kb, ner, metonym, descriptor, demonym: how the first mention was found


@dataclass
class Place(Item):
    prefix: ClassVar[str] = "p"
    name: str = ""
    lat: float | None = None
    lon: float | None = None
    country: str | None = None  # ISO2
    admin1: str | None = None  # first-level subdivision name, when known
    feature: str | None = None  # GeoNames-style feature: PPLC, PPL, ADM1, PCLI, crossing, base, ...
    precision: str | None = None  # exact / town / admin1 / country / region
    geonames_id: int | None = None
    candidates: int = 0
    score: float | None = None
    alternatives: list[dict[str, Any]] = field(default_factory=list)  # runner-up readings
    role: str = "literal"  # a PlaceRole: "literal", or "demonym" for "Iraqi", "the Russians"

    @property
    def literal(self) -> bool:
        """The text names the place itself (not a demonym pointing at it)."""
        return self.role == "literal"


def literal_places(places: list[Place]) -> list[Place]:
    """The places the text names, without demonym references: what events, claims, maps and the
    corpus locate things by."""
    return [p for p in places if p.role == "literal"]


@dataclass
class Time(Item):
    prefix: ClassVar[str] = "t"
    text: str = ""
    start: str | None = None  # ISO date or datetime, inclusive
    end: str | None = None  # ISO date or datetime, inclusive
    precision: str | None = None
    relative: bool = False  # resolved against the publication date
    rule: str = ""  # which interval rule produced it


@dataclass
class Quantity(Item):
    prefix: ClassVar[str] = "q"
    text: str = ""
    value: float | None = None
    low: float | None = None
    high: float | None = None
    approximate: bool = False
    bound: str = "exact"
    unit: str | None = None  # the counted noun, lemmatised: member, protester, dead
    vague: bool = False  # "dozens", "thousands": an order of magnitude, not a count


PLOVER_CATEGORIES = (
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
    "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
)  # fmt: skip
EventStatus = Literal["asserted", "claimed", "denied", "planned", "threatened", "hypothetical", "negated"]
RelationType = Literal[
    "directs", "backs", "allied_with", "hostile_to", "member_of", "attacks", "cooperates_with", "negotiates_with"
]


@dataclass
class Event(Item):
    """Who did what to whom, where, when, how many: one PLOVER-coded event.

    `mentions` holds the trigger ("crossed", "summoned"); `clause` the clause it was read from.
    Actors and recipients are entity ids; `actor_phrases` / `recipient_phrases` are mentions of
    participants that are not entities ("protesters", "security forces").
    """

    prefix: ClassVar[str] = "v"
    category: str = ""
    mode: str | None = None
    context: list[str] = field(default_factory=list)
    trigger: str = ""
    actors: list[str] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)
    actor_phrases: list[Mention] = field(default_factory=list)
    recipient_phrases: list[Mention] = field(default_factory=list)
    place: str | None = None  # place id
    places: list[str] = field(default_factory=list)  # every place id of the event, `place` first
    time: str | None = None  # time id
    size: str | None = None  # quantity ids
    dead: str | None = None
    injured: str | None = None
    status: str = "asserted"
    attributed_to: dict[str, Any] | None = None  # {"text", "mention", "entity", "source_type"}
    historical: bool = False
    clause: Mention | None = None
    why: str = ""
    confidence: float | None = None


@dataclass
class Relation(Item):
    """A typed, directed tie between two actors, with its evidence.

    `origin` is "text" (an explicit statement), "event" (read off an event) or "kb" (an
    affiliation in the actor knowledge base; no mentions then, `why` cites the KB source).
    """

    prefix: ClassVar[str] = "r"
    type: str = ""
    source: str = ""  # entity id
    target: str = ""  # entity id
    origin: str = "text"
    time: str | None = None  # time id
    events: list[str] = field(default_factory=list)
    why: str = ""


SOURCE_TYPES = (
    "named_person", "named_official", "named_organization", "anonymous", "document", "media", "author",
)  # fmt: skip
CLAIM_KINDS = ("factual", "evaluative", "prediction", "hypothetical", "question")
TECHNIQUES = (
    "Loaded_Language", "Name_Calling,Labeling", "Exaggeration,Minimisation", "Appeal_to_fear-prejudice",
    "Flag-Waving", "Doubt", "Causal_Oversimplification", "Slogans", "Black-and-White_Fallacy",
    "Thought-terminating_Cliches", "Whataboutism,Straw_Men,Red_Herring", "Bandwagon,Reductio_ad_hitlerum",
    "Repetition", "Appeal_to_Authority",
)  # fmt: skip
GENRES = ("news", "opinion", "analysis", "statement", "unknown")


@dataclass
class Claim(Item):
    """One assertion at clause level, with who says so, how sure, how loaded and its grade.

    `mentions` holds the claim's content span. `source` is who it is attributed to
    (`{"text", "mention", "entity", "role"}`; None for the author's own assertion), `cue` the
    words that attribute it (`{"text", "mention"}`), `chain` the outer sources of a nested
    report ("X told Y that Z said"), outermost first.
    """

    prefix: ClassVar[str] = "c"
    kind: str = "factual"
    text: str = ""
    sentence: Mention | None = None
    source_type: str = "author"
    source: dict[str, Any] | None = None
    cue: dict[str, Any] | None = None
    chain: list[dict[str, Any]] = field(default_factory=list)
    hedges: list[dict[str, Any]] = field(default_factory=list)  # {"text", "mention", "type", "weight"}
    certainty: float = 1.0
    checkworthiness: float = 0.0
    check_features: list[str] = field(default_factory=list)
    entities: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)
    times: list[str] = field(default_factory=list)
    quantities: list[str] = field(default_factory=list)
    events: list[str] = field(default_factory=list)
    rhetoric: list[str] = field(default_factory=list)
    grade: dict[str, Any] | None = None  # {"reliability": "A".."F", "credibility": 1..6, "reasons": [...]}


@dataclass
class Rhetoric(Item):
    """A persuasion technique (SemEval-2020 Task 11 classes) over a span, with why it was flagged."""

    prefix: ClassVar[str] = "h"
    technique: str = ""
    text: str = ""
    why: str = ""
    target: str | None = None  # entity id the language is aimed at, when clear
    confidence: float | None = None


@dataclass
class Stance(Item):
    """The document's stance toward one actor; `mentions` are the evidence spans."""

    prefix: ClassVar[str] = "s"
    entity: str = ""
    stance: str = "neutral"  # negative / neutral / positive
    score: float = 0.0  # -1 .. 1
    why: str = ""


KINDS: dict[str, type[Item]] = {
    "entities": Entity,
    "places": Place,
    "times": Time,
    "quantities": Quantity,
    "events": Event,
    "relations": Relation,
    "claims": Claim,
    "rhetoric": Rhetoric,
    "stances": Stance,
}


@dataclass
class Analysis:
    """Everything gossamer found in one document, in the order stages added it."""

    document: Document
    entities: list[Entity] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    times: list[Time] = field(default_factory=list)
    quantities: list[Quantity] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    rhetoric: list[Rhetoric] = field(default_factory=list)
    stances: list[Stance] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    _counters: dict[str, int] = field(default_factory=dict, repr=False)

    def next_id(self, cls: type[Item]) -> str:
        n = self._counters.get(cls.prefix, 0) + 1
        self._counters[cls.prefix] = n
        return f"{cls.prefix}{n}"

    def new(self, cls: type[Item], start: int, end: int, /, **attrs: Any) -> Any:
        """Create an item of `cls` with one mention and append it to its list."""
        item = cls(id=self.next_id(cls), mentions=[[start, end]], **attrs)
        self._list_for(cls).append(item)
        return item

    def _list_for(self, cls: type[Item]) -> list[Any]:
        for key, kind in KINDS.items():
            if kind is cls:
                return getattr(self, key)
        raise TypeError(f"no list holds {cls.__name__}")

    def text_of(self, mention: Mention) -> str:
        return self.document.text[mention[0] : mention[1]]

    def texts(self, item: Item) -> list[str]:
        """The mention texts of an item, in document order."""
        return [self.document.text[s:e] for s, e in item.mentions]

    def get(self, item_id: str) -> Item | None:
        for key in KINDS:
            for item in getattr(self, key):
                if item.id == item_id:
                    return item
        return None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"schema": SCHEMA, "document": asdict(self.document)}
        for key in KINDS:
            out[key] = [asdict(item) for item in getattr(self, key)]
        out["notes"] = self.notes
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Analysis":
        if data.get("schema") != SCHEMA:
            raise ValueError(f"not a {SCHEMA} object: schema={data.get('schema')!r}")
        analysis = cls(document=Document(**data["document"]))
        for key, kind in KINDS.items():
            names = {f.name for f in fields(kind)}
            items = [kind(**{k: v for k, v in d.items() if k in names}) for d in data.get(key, [])]
            setattr(analysis, key, items)
            analysis._counters[kind.prefix] = len(items)
        analysis.notes = list(data.get("notes", []))
        return analysis
