"""Counts, sums of money and percentages: "approximately 5,000 members", "dozens killed".

The stage walks the tokens of the one parse and reads a small grammar at each place a number
can start: a numeral (digits, spelled-out words, "a dozen", "half a million"), a vague amount
("hundreds", "a few thousand", "tens of thousands"), or a currency sign. Around that core it
reads the hedge before it ("at least", "nearly"), a range ("between 300 and 500", "2-3
million"), a bound after it ("12 or more"), and what is counted: the noun the number modifies
in the dependency parse, the noun after "of" ("thousands of protesters"), a casualty word
("12 dead"), a currency or "percent".

It does not trust spaCy's CARDINAL spans for the extent of a mention (the small model often
cuts "a few thousand" or swallows "and"), but it uses the entity labels to *refuse* numbers:
dates, clock times, ordinals and names with digits ("Article 140", "MiG-29"). Numbers inside a
Time that the times stage already found are never quantities ("the past 72 hours").

Every word list lives in ``gossamer/data/lexicons/quantities.yaml``; its header states the
conventions (value of a vague amount = its low end; how bounds fill low/high).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from importlib import resources
from typing import Any, Generic, TypeVar

import yaml
from spacy.tokens import Doc, Token

from ..model import Analysis, Quantity
from ..nlp import Parsed
from ..phrases import key, token_keys

V = TypeVar("V")

# "5,000", "12", "4.5", "1,200.5"; European "5.000" reads as 5.0 (separators not guessed).
_NUMERAL = re.compile(r"^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
# "4.5bn", "200m": a numeral glued to an abbreviated scale (money only).
_GLUED_SCALE = re.compile(r"^(\d+(?:\.\d+)?)([a-z]+)$")
_HYPHENS = frozenset({"-", "–", "—"})
_CODE_JOINERS = _HYPHENS | {"/", "."}  # "555-1234", "12/05", "1.2.3"
_CODE_PREFIXES = _HYPHENS | {"/", "+"}
_NUMERIC_LABELS = frozenset({"CARDINAL", "MONEY", "PERCENT", "QUANTITY"})
_NOUN_DEPS = frozenset({"nummod", "quantmod", "compound", "amod", "nmod", "npadvmod", "conj", "appos"})
_LABEL_DEPS = frozenset({"nummod", "appos", "compound", "npadvmod"})
_MAX_GAP = 4  # tokens allowed between a number and its counted noun ("40 armoured vehicles")


# --------------------------------------------------------------------------- lexicon


@dataclass(frozen=True)
class Table(Generic[V]):
    """A phrase table matched on token keys; single tokens with symbols ("US$", "%") by text."""

    keyed: dict[str, V]
    raw: dict[str, V]
    max_tokens: int

    @classmethod
    def build(cls, mapping: Mapping[str, V]) -> "Table[V]":
        keyed: dict[str, V] = {}
        raw: dict[str, V] = {}
        longest = 1
        for phrase, value in mapping.items():
            phrase = str(phrase)
            words = phrase.split()
            if all(w.isalnum() for w in words):
                keyed[key(phrase)] = value
                longest = max(longest, len(words))
            else:  # "US$", "%", "a.m.": compared as one token's lowercased text
                raw[phrase.lower()] = value
        return cls(keyed, raw, longest)

    def forward(self, doc: Doc, keys: list[str], i: int) -> tuple[V, int] | None:
        """Longest phrase starting at token i, with the token index after it."""
        n = len(doc)
        if i >= n:
            return None
        if self.raw:
            hit = self.raw.get(doc[i].lower_)
            if hit is not None:
                return hit, i + 1
        best: tuple[V, int] | None = None
        acc = ""
        for j in range(i, min(n, i + self.max_tokens)):
            if not keys[j]:
                break
            acc += keys[j]
            hit = self.keyed.get(acc)
            if hit is not None:
                best = (hit, j + 1)
        return best

    def backward(self, doc: Doc, keys: list[str], end: int) -> tuple[V, int] | None:
        """Longest phrase ending just before token `end`, with its first token index."""
        if end <= 0:
            return None
        best: tuple[V, int] | None = None
        acc = ""
        for j in range(end - 1, max(-1, end - 1 - self.max_tokens), -1):
            if not keys[j]:
                break
            acc = keys[j] + acc
            hit = self.keyed.get(acc)
            if hit is not None:
                best = (hit, j)
        if best is None and self.raw:
            hit = self.raw.get(doc[end - 1].lower_)
            if hit is not None:
                best = (hit, end - 1)
        return best


@dataclass(frozen=True)
class Hedge:
    bound: str
    approximate: bool
    linked: bool = False


@dataclass(frozen=True)
class Span:
    low: Decimal
    high: Decimal
    base: Decimal = Decimal(1)
    needs_of: bool = False


@dataclass(frozen=True)
class Lexicon:
    approximators: Table[Hedge]
    suffixes: Table[Hedge]
    between: str
    joiners: frozenset[str]
    change_markers: frozenset[str]
    approximate_joiners: frozenset[str]
    small: dict[str, int]
    tens: dict[str, int]
    scales: dict[str, Decimal]
    multipliers: dict[str, Decimal]
    one_words: frozenset[str]
    half: str
    joiner: str
    money_scales: dict[str, Decimal]
    plurals: dict[str, Span]
    quantifiers: Table[Span]
    casualty_words: Table[str]
    casualty_verbs: dict[str, str]
    currency_symbols: dict[str, str]
    currency_codes: frozenset[str]
    currency_words: Table[str]
    percent: Table[str]
    time_units: Table[bool]
    not_counts: frozenset[str]
    not_units: frozenset[str]
    unit_lemmas: dict[str, str]
    label_prefixes: frozenset[str]
    one_pronoun_before: frozenset[str]
    never_labels: frozenset[str]
    unless_counted_labels: frozenset[str]
    starters: frozenset[str] = field(default_factory=frozenset)


def _keys(words: list[Any]) -> frozenset[str]:
    """Phrase keys, or the lowercased text for symbols that have no key ("#")."""
    return frozenset(key(str(w)) or str(w).lower() for w in words)


def _hedge(entry: dict[str, Any]) -> Hedge:
    return Hedge(str(entry["bound"]), bool(entry["approximate"]), bool(entry.get("linked", False)))


@functools.cache
def lexicon() -> Lexicon:
    """The quantities word lists, parsed once per process."""
    text = resources.files("gossamer").joinpath("data/lexicons/quantities.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    if data["conventions"]["vague_value"] != "low":
        raise ValueError("quantities.yaml: only vague_value: low is implemented")
    nw = data["number_words"]
    vague = data["vague"]
    plurals = {
        key(w): Span(Decimal(d["low"]), Decimal(d["high"]), Decimal(d["base"]), bool(d.get("needs_of")))
        for w, d in vague["plurals"].items()
    }
    quantifiers = {w: Span(Decimal(d["low"]), Decimal(d["high"])) for w, d in vague["quantifiers"].items()}
    small = {key(w): int(v) for w, v in nw["small"].items()}
    tens = {key(w): int(v) for w, v in nw["tens"].items()}
    scales = {key(w): Decimal(v) for w, v in nw["scales"].items()}
    one_words = _keys(nw["one_words"])
    lex = Lexicon(
        approximators=Table.build({p: _hedge(d) for p, d in data["approximators"]["phrases"].items()}),
        suffixes=Table.build({p: _hedge(d) for p, d in data["suffixes"]["phrases"].items()}),
        between=key(data["ranges"]["open"]),
        joiners=frozenset(str(j).lower() for j in data["ranges"]["joiners"]),
        change_markers=_keys(data["ranges"]["change_markers"]),
        approximate_joiners=frozenset(str(j).lower() for j in data["ranges"]["approximate_joiners"]),
        small=small,
        tens=tens,
        scales=scales,
        multipliers={key(w): Decimal(v) for w, v in nw["multipliers"].items()},
        one_words=one_words,
        half=key(nw["half"]),
        joiner=key(nw["joiner"]),
        money_scales={key(w): Decimal(v) for w, v in data["money_scales"]["words"].items()},
        plurals=plurals,
        quantifiers=Table.build(quantifiers),
        casualty_words=Table.build(data["casualties"]["words"]),
        casualty_verbs={str(k): str(v) for k, v in data["casualties"]["verbs"].items()},
        currency_symbols={str(k): str(v) for k, v in data["currency"]["symbols"].items()},
        currency_codes=frozenset(str(c) for c in data["currency"]["codes"]),
        currency_words=Table.build(data["currency"]["words"]),
        percent=Table.build(data["percent"]["words"]),
        time_units=Table.build({w: True for w in data["time_units"]["words"]}),
        not_counts=_keys(data["not_counts"]["words"]),
        not_units=_keys(data["not_units"]["words"]),
        unit_lemmas={str(k).lower(): str(v) for k, v in data["unit_lemmas"]["words"].items()},
        label_prefixes=_keys(data["label_prefixes"]["words"]),
        one_pronoun_before=_keys(data["one_pronoun_before"]["words"]),
        never_labels=frozenset(data["entity_labels"]["never"]),
        unless_counted_labels=frozenset(data["entity_labels"]["unless_counted"]),
    )
    starters = set(small) | set(tens) | set(plurals) | set(one_words) | {lex.half}
    starters |= {key(p.split()[0]) for p in quantifiers}
    return replace(lex, starters=frozenset(starters))


# --------------------------------------------------------------------------- grammar


@dataclass
class Core:
    """A number read from the tokens, before hedges and units."""

    start: int  # first token (a currency sign included)
    end: int  # token after the last one
    value: Decimal
    low: Decimal | None = None
    high: Decimal | None = None
    vague: bool = False
    spelled_one: bool = False  # the bare word "one": needs a counted noun
    needs_unit: bool = False  # a bare quantifier ("several") needs a counted noun
    trailing_scale: Decimal | None = None  # "3 million": shared with the low end of a range
    plain: str | None = None  # the single numeral token's text, for year and phone checks
    currency: str | None = None
    trim: int = 0  # characters of the last token that are not the mention ("£5m." at a full stop)


def _is_numeral(text: str) -> bool:
    return bool(_NUMERAL.match(text))


def _dec(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def _plural_name(tok: Token) -> bool:
    """ "Syrians", "Houthis", "Katyushas": capitalised plurals the tagger calls proper nouns."""
    if tok.pos_ != "PROPN":
        return False
    return tok.tag_ == "NNPS" or (tok.is_title and tok.text.endswith("s") and not tok.text.endswith("ss"))


def _plural_noun(tok: Token) -> bool:
    return (tok.tag_ == "NNS" and tok.pos_ == "NOUN") or _plural_name(tok)


def _casualty_role(tok: Token, lex: Lexicon) -> bool:
    """The number is who suffered: "12 were killed", "two died", "the blast killed 12"."""
    head = tok.head
    if head.lemma_ not in lex.casualty_verbs or head is tok:
        return False
    if tok.dep_ in ("nsubjpass", "dobj"):
        return True
    # active subject only of an intransitive use: "two died", not "12 gunmen killed three"
    return tok.dep_ == "nsubj" and not any(c.dep_ == "dobj" for c in head.children)


def _named(doc: Doc, i: int) -> bool:
    """Token i sits in an entity with a content word in it ("Article 140"), not a number the
    NER mislabelled (the small model sometimes calls "104" an ORG, "Between 104 and" a PRODUCT)."""
    lo = i
    while lo > 0 and doc[lo].ent_iob_ == "I":
        lo -= 1
    hi = i + 1
    while hi < len(doc) and doc[hi].ent_iob_ == "I":
        hi += 1
    return any(doc[t].is_alpha and not (doc[t].is_stop or doc[t].like_num) for t in range(lo, hi))


def _glued(doc: Doc, i: int) -> bool:
    """No space between token i and token i + 1."""
    return i + 1 < len(doc) and not doc[i].whitespace_


class Reader:
    """Reads quantities over one parsed document."""

    def __init__(self, lex: Lexicon, doc: Doc, keys: list[str]) -> None:
        self.lex = lex
        self.doc = doc
        self.keys = keys
        self.n = len(doc)

    # -- keys with bounds checks
    def k(self, i: int) -> str:
        return self.keys[i] if 0 <= i < self.n else ""

    # -- numerals
    def number(self, i: int, money: bool = False) -> Core | None:
        """A cardinal numeral at token i: digits, words, or both ("1.2 million")."""
        lex, doc = self.lex, self.doc
        if i >= self.n:
            return None
        k = self.keys[i]
        text = doc[i].text
        if money:
            m = _GLUED_SCALE.match(text.lower())
            if m and m.group(2) in lex.money_scales:
                return Core(i, i + 1, Decimal(m.group(1)) * lex.money_scales[m.group(2)],
                            trailing_scale=lex.money_scales[m.group(2)])
        if k == lex.half and self.k(i + 1) in lex.one_words and self.k(i + 2) in lex.scales:
            scale = lex.scales[self.keys[i + 2]]
            return Core(i, i + 3, Decimal("0.5") * scale, trailing_scale=scale)
        total = Decimal(0)
        cur: Decimal | None = None
        last: str | None = None
        last_big: Decimal | None = None
        trailing: Decimal | None = None
        plain: str | None = None
        j = i
        if k in lex.one_words:
            if self.k(i + 1) not in lex.scales and self.k(i + 1) not in lex.multipliers:
                return None
            cur, last, j = Decimal(1), "a", i + 1
        while j < self.n:
            k = self.keys[j]
            if last is None and _is_numeral(doc[j].text):
                cur, last, plain = _dec(doc[j].text), "digit", doc[j].text
                j += 1
                if money:
                    abbr = self.k(j)
                    if abbr in lex.money_scales and not doc[j - 1].whitespace_:
                        scale = lex.money_scales[abbr]
                        trim = len(doc[j].text) - len(doc[j].text.rstrip("."))
                        return Core(i, j + 1, cur * scale, trailing_scale=scale, trim=trim)
                continue
            if k in lex.small or k in lex.tens:
                if last not in (None, "hundred", "big", "and"):
                    break
                add = Decimal(lex.small.get(k, 0) or lex.tens.get(k, 0))
                step = 1
                # "twenty-three"
                if (k in lex.tens and _glued(doc, j) and doc[j + 1].text in _HYPHENS and _glued(doc, j + 1)
                        and 0 < lex.small.get(self.k(j + 2), 0) < 10):
                    add += lex.small[self.keys[j + 2]]
                    step = 3
                cur = (cur or Decimal(0)) + add
                last = "num"
                j += step
                continue
            if k in lex.scales:
                scale = lex.scales[k]
                if last not in ("num", "digit", "a", "hundred") or cur is None or cur == 0:
                    break
                if scale < 1000:
                    if last == "hundred" or cur >= 100:
                        break
                    cur *= scale
                    last = "hundred"
                else:
                    if last_big is not None and scale >= last_big:
                        break
                    total += cur * scale
                    cur, last, last_big = None, "big", scale
                trailing = scale
                j += 1
                continue
            if k in lex.multipliers and last in ("num", "digit", "a") and cur is not None:
                cur *= lex.multipliers[k]
                last, trailing = "dozen", lex.multipliers[k]
                j += 1
                continue
            if (k == lex.joiner and last in ("hundred", "big")
                    and (self.k(j + 1) in lex.small or self.k(j + 1) in lex.tens)):
                last = "and"
                j += 1
                continue
            break
        if last in (None, "a"):
            return None
        value = total + (cur or Decimal(0))
        spelled_one = j == i + 1 and self.keys[i] == "one"
        return Core(i, j, value, trailing_scale=trailing, plain=plain if j == i + 1 else None,
                    spelled_one=spelled_one)

    def vague(self, i: int) -> Core | None:
        """A vague amount at token i: "dozens", "tens of thousands", "several hundred"."""
        lex, doc = self.lex, self.doc
        if i >= self.n:
            return None
        hit = lex.quantifiers.forward(doc, self.keys, i)
        if hit is not None:
            span, j = hit
            factor = Decimal(1)
            while self.k(j) in lex.scales or self.k(j) in lex.multipliers:
                factor *= lex.scales.get(self.keys[j]) or lex.multipliers[self.keys[j]]
                j += 1
            if factor == 1:
                return Core(i, j, span.low, span.low, span.high, vague=True, needs_unit=True)
            low, high = span.low * factor, (span.high + 1) * factor - 1
            return Core(i, j, low, low, high, vague=True, trailing_scale=factor)
        span = lex.plurals.get(self.keys[i])
        if span is None or doc[i].pos_ not in ("NOUN", "NUM", "PROPN"):
            return None
        if span.needs_of and self.k(i + 1) != "of" and not _casualty_role(doc[i], lex):
            return None  # "test scores" is no amount; "scores were killed" is
        low, high, j = span.low, span.high, i + 1
        while self.k(j) == "of" and self.k(j + 1) in lex.plurals:
            base = lex.plurals[self.keys[j + 1]].base
            low, high = low * base, (high + 1) * base - 1
            j += 2
        return Core(i, j, low, low, high, vague=True)

    def core(self, i: int) -> Core | None:
        """A currency sign or code and/or a numeral or vague amount starting at token i."""
        lex, doc = self.lex, self.doc
        text = doc[i].text
        currency = lex.currency_symbols.get(text)
        if currency is None and text in lex.currency_codes and doc[i].is_upper:
            currency = text
        if currency is not None:
            core = self.number(i + 1, money=True) or self.vague(i + 1)
            if core is None:
                return None
            core.start, core.currency = i, currency
            return core
        k = self.keys[i]
        if not (k in lex.starters or (text[:1].isdigit())):
            return None
        return self.vague(i) or self.number(i)


# --------------------------------------------------------------------------- the stage


@dataclass
class Reading:
    """One mention being read: grows from a core to hedges, a range and a unit."""

    core: Core
    start: int  # first token of the mention
    end: int  # token after the number part (range and suffix included)
    value: Decimal
    low: Decimal | None
    high: Decimal | None
    approximate: bool
    bound: str
    tokens: list[int]  # the numeral tokens (both ends of a range), not hedges or units
    unit: str | None = None
    counted: bool = False  # something says what is counted: a noun, casualty word, currency, %
    stop: int = 0  # token after the whole mention (the counted noun included)
    range_joiner: str | None = None

    @property
    def hedged(self) -> bool:
        return self.start < self.core.start or self.bound != "exact"


class QuantityStage:
    """Adds `Quantity` items: counts, money and percentages with their hedges and units."""

    name = "quantities"

    def __init__(self) -> None:
        self.lex = lexicon()

    def __call__(self, analysis: Analysis, parsed: Parsed) -> None:
        doc = parsed.doc
        keys, _ = token_keys(parsed)
        reader = Reader(self.lex, doc, keys)
        text = analysis.document.text
        times = [(s, e) for t in analysis.times for s, e in t.mentions]
        i, n = 0, len(doc)
        while i < n:
            core = reader.core(i)
            if core is None:
                i += 1
                continue
            reading, resume = self._read(reader, core, times)
            if reading is not None:
                start = doc[reading.start].idx
                last = doc[reading.stop - 1]
                trim = core.trim if reading.stop == core.end else 0
                end = last.idx + len(last.text) - trim
                analysis.new(
                    Quantity, start, end,
                    text=text[start:end],
                    value=_out(reading.value),
                    low=_out(reading.low),
                    high=_out(reading.high),
                    approximate=reading.approximate,
                    bound=reading.bound,
                    unit=reading.unit,
                    vague=core.vague,
                )
            i = max(resume, i + 1)

    def _read(self, r: Reader, core: Core, times: list[tuple[int, int]]) -> tuple[Reading | None, int]:
        """The decisions around one core: the reading (or None) and the token to resume at."""
        num_start = core.start + (1 if core.currency is not None else 0)
        reading = Reading(
            core, core.start, core.end, core.value, core.low, core.high,
            approximate=core.vague, bound="about" if core.vague else "exact",
            tokens=list(range(num_start, core.end)),
        )
        refused_until = self._range(r, reading)
        if refused_until is not None:
            return None, refused_until
        lone_numeral = reading.range_joiner is None and core.plain is not None
        if lone_numeral and self._glued_to_digits(r.doc, num_start, core.end):
            return None, core.end
        self._hedge(r, reading)
        if not self._unit(r, reading):
            return None, reading.end
        if self._refused(r, reading, times):
            return None, reading.end
        if reading.range_joiner == "-" and not reading.counted:
            return None, reading.end  # "300-500" alone may be pages, a score or a code
        if reading.bound == "at_least":  # a floor: low is the number, no ceiling
            reading.low = reading.low if reading.low is not None else reading.value
            reading.high = None
        elif reading.bound == "at_most":  # a ceiling: high is the number, no floor
            reading.high = reading.high if reading.high is not None else reading.value
            reading.low = None
        reading.stop = max(reading.stop, reading.end)
        return reading, reading.stop

    def _range(self, r: Reader, reading: Reading) -> int | None:
        """Extend to "between X and Y", "X to Y", "X-Y", "X or Y". Returns a resume token when
        the pair is a code ("555-1234", "2-1") and nothing should be read."""
        lex, doc, core = self.lex, r.doc, reading.core
        j = core.end
        if core.vague or j >= r.n:
            return None
        between = r.k(core.start - 1) == lex.between
        joiner = doc[j].lower_
        if between and r.keys[j] == "and":
            pass
        elif joiner not in lex.joiners or r.k(core.start - 1) in lex.change_markers:
            return None
        elif joiner == "-" and (doc[j - 1].whitespace_ or doc[j].whitespace_):
            return None  # a spaced hyphen is a dash between clauses
        elif joiner not in _HYPHENS and lex.suffixes.forward(doc, r.keys, j) is not None:
            return None  # "12 or more" is a bound, not a range
        y_at = j + 1
        if core.currency is not None and y_at < r.n and doc[y_at].text in lex.currency_symbols:
            y_at += 1  # "$5 to $10 million"
        other = r.number(y_at, money=core.currency is not None)
        if other is None:
            return None
        x = core.value
        if core.trailing_scale is None and other.trailing_scale and x * other.trailing_scale <= other.value:
            x *= other.trailing_scale  # "2-3 million": the scale is shared
        if x >= other.value:
            return other.end if joiner == "-" else None  # "555-1234", "2-1"; "voted 12 to 3"
        reading.low, reading.high, reading.value = x, other.value, (x + other.value) / 2
        reading.bound = "range"
        reading.approximate = joiner in lex.approximate_joiners
        reading.range_joiner = joiner
        reading.tokens += range(other.start, other.end)
        reading.end = other.end
        if between:
            reading.start = core.start - 1
        return None

    def _hedge(self, r: Reader, reading: Reading) -> None:
        """A hedge before ("approximately", "at least") and a bound after ("12 or more")."""
        lex, doc = self.lex, r.doc
        first = reading.start
        hit = lex.approximators.backward(doc, r.keys, first)
        if hit is not None:
            hedge, h_start = hit
            if not hedge.linked or self._linked(doc, h_start, first, reading.end):
                reading.start = h_start
                reading.approximate = reading.approximate or hedge.approximate
                if reading.bound != "range":
                    reading.bound = hedge.bound
        if reading.bound == "range":
            return
        j = reading.end
        at = j + 1 if j < r.n and doc[j].text == "-" and not doc[j - 1].whitespace_ else j
        hit = lex.suffixes.forward(doc, r.keys, at)
        if hit is not None:
            hedge, reading.end = hit
            reading.bound = hedge.bound
            reading.approximate = reading.approximate or hedge.approximate

    def _unit(self, r: Reader, reading: Reading) -> bool:
        """Find what is counted. False when the number is a duration, age, clock time,
        frequency or the pronoun phrase "one of the"."""
        lex, doc, keys, core = self.lex, r.doc, r.keys, reading.core
        j = reading.end
        reading.stop = j
        currency = core.currency
        if currency is None and j < r.n and doc[j].text in lex.currency_codes and doc[j].is_upper:
            currency, reading.stop = doc[j].text, j + 1  # "5 million USD"
        if currency is None:
            hit = lex.percent.forward(doc, keys, j) or lex.currency_words.forward(doc, keys, j)
            if hit is not None:
                reading.unit, reading.stop, reading.counted = hit[0], hit[1], True
                return True
        else:
            reading.unit, reading.counted = currency, True
            word = lex.currency_words.forward(doc, keys, reading.stop)  # "$5 million US dollars"
            if word is not None:
                reading.stop = word[1]
            return True
        if self._time_unit_follows(r, j) or r.k(j) in lex.not_counts:
            return False
        subjects = [doc[t] for t in reading.tokens]
        casualty = lex.casualty_words.forward(doc, keys, j)
        if casualty is not None:
            reading.unit, reading.stop, reading.counted = casualty[0], casualty[1], True
            return True
        noun = self._counted_noun(r, reading.tokens, j)
        if noun is not None:
            if lex.time_units.forward(doc, keys, noun.i) is not None:
                return False  # "three long years"
            if keys[noun.i] in lex.not_units:
                subjects.append(noun)  # "30 others were wounded": look at the verb instead
            else:
                reading.unit, reading.stop, reading.counted = self._lemma(noun), noun.i + 1, True
                return True
        else:
            of_noun = self._of_noun(r, core, j)
            if of_noun is not None:
                if core.spelled_one:
                    return False  # "one of the men"
                reading.unit, reading.stop, reading.counted = self._lemma(of_noun), of_noun.i + 1, True
                return True
        for tok in subjects:
            if _casualty_role(tok, lex):
                reading.unit, reading.counted = lex.casualty_verbs[tok.head.lemma_], True
                break
        return True

    def _linked(self, doc: Doc, h_start: int, first: int, end: int) -> bool:
        """An ambiguous hedge ("about", "over", "some") must modify the number itself."""
        for t in range(h_start, first):
            if first <= doc[t].head.i < end:
                return True
        tok = doc[first]
        return tok.ent_iob_ == "I" and tok.ent_type_ in _NUMERIC_LABELS

    def _glued_to_digits(self, doc: Doc, start: int, end: int) -> bool:
        """Part of "555-1234", "12/05", "MiG-29" or "770 123 4567": a code, not a count."""
        n = len(doc)
        if end < n - 1 and not doc[end - 1].whitespace_ and doc[end].text in _CODE_JOINERS \
                and not doc[end].whitespace_ and doc[end + 1].text[:1].isdigit():
            return True
        if start >= 1 and not doc[start - 1].whitespace_ and doc[start - 1].text in _CODE_PREFIXES:
            return True
        if end < n and _is_numeral(doc[end].text):  # two numerals in a row
            return True
        return start >= 1 and _is_numeral(doc[start - 1].text)

    def _time_unit_follows(self, r: Reader, j: int) -> bool:
        """ "72 hours", "25-year-old", "10 pm": durations, ages and clock times."""
        doc = r.doc
        if j < r.n and doc[j].text in _HYPHENS and not doc[j - 1].whitespace_:
            j += 1
        return self.lex.time_units.forward(doc, r.keys, j) is not None

    def _counted_noun(self, r: Reader, core_tokens: list[int], j: int) -> Token | None:
        """The noun the number modifies, if it follows within a few modifier tokens."""
        doc = r.doc
        inside = set(core_tokens)
        for t in core_tokens:
            head = doc[t].head
            # "Forty armoured vehicles" parsed as Forty -> armoured -> vehicles
            while head.pos_ in ("ADJ", "VERB") and head.dep_ in ("amod", "compound") and head.head.i > head.i:
                head = head.head
            if head.i in inside or head.i < j or head.i - j > _MAX_GAP:
                continue
            if head.pos_ != "NOUN" and not _plural_name(head):
                continue
            if doc[t].dep_ not in _NOUN_DEPS:
                continue
            if all(self._modifier(doc, head, m) for m in range(j, head.i)):
                for m in range(j, head.i):  # "1,200 fighters crosses": the parser took a verb
                    if _plural_noun(doc[m]):
                        return doc[m]
                return head
        # The parser missed the link ("14 covered cargo trucks" read as a clause): take the
        # first plural noun after modifier-like words.
        for m in range(j, min(r.n, j + _MAX_GAP + 1)):
            tok = doc[m]
            if _plural_noun(tok):
                return tok
            glued_hyphen = tok.text in _HYPHENS and not tok.whitespace_ and not doc[m - 1].whitespace_
            if not (tok.pos_ in ("ADJ", "NOUN", "PROPN") or tok.tag_ in ("VBN", "VBG") or glued_hyphen):
                return None
            if tok.like_num or "\n" in tok.whitespace_:
                return None
        return None

    @staticmethod
    def _modifier(doc: Doc, noun: Token, m: int) -> bool:
        tok = doc[m]
        if tok.like_num or tok.is_space or "\n" in tok.whitespace_:
            return False
        if tok.is_punct and tok.text not in _HYPHENS:
            return False
        return noun.is_ancestor(tok)

    def _of_noun(self, r: Reader, core: Core, j: int) -> Token | None:
        """ "thousands of protesters", "a handful of fighters": the object of "of"."""
        doc = r.doc
        if r.k(j) == "of":
            of = doc[j]
        elif core.end - 1 >= core.start and r.k(core.end - 1) == "of":
            of = doc[core.end - 1]
        else:
            return None
        for child in of.children:
            if child.dep_ == "pobj" and child.pos_ == "NOUN" and 0 < child.i - of.i <= _MAX_GAP + 1:
                if any(doc[m].like_num or doc[m].is_punct for m in range(of.i + 1, child.i)):
                    return None
                if self.lex.time_units.forward(doc, r.keys, child.i) is not None:
                    return None
                return child
        return None

    def _lemma(self, tok: Token) -> str:
        lower = tok.lower_
        fixed = self.lex.unit_lemmas.get(lower)
        if fixed is not None:
            return fixed
        if tok.pos_ == "PROPN":  # the lemmatiser keeps "Houthis": drop the English plural -s
            return lower[:-1] if lower.endswith("s") and not lower.endswith("ss") else lower
        return (tok.lemma_ or lower).lower()

    def _refused(self, r: Reader, reading: Reading, times: list[tuple[int, int]]) -> bool:
        """Dates, times, ordinals, names with numbers, labels, years, pronoun "one"."""
        lex, doc, core, tokens = self.lex, r.doc, reading.core, reading.tokens
        counted, hedged = reading.counted, reading.hedged
        lo_char = doc[tokens[0]].idx
        hi_char = doc[tokens[-1]].idx + len(doc[tokens[-1]].text)
        if any(s < hi_char and lo_char < e for s, e in times):
            return True  # the times stage has it: "the past 72 hours"
        dated = False
        for t in tokens:
            label = doc[t].ent_type_
            if label in lex.never_labels and (label == "ORDINAL" or _named(doc, t)):
                return True
            dated = dated or label in lex.unless_counted_labels
        if dated and not counted:
            return True  # "3 May", "in the 1990s"
        if core.needs_unit and not counted:
            return True  # "several" alone
        first = tokens[0]
        if core.spelled_one:
            if not counted and not hedged:
                return True  # bare "one" is nearly always the pronoun
            if doc[first].pos_ == "PRON" or r.k(first - 1) in lex.one_pronoun_before:
                return True  # "no one", "the one who"
        if core.plain is not None and core.currency is None and reading.range_joiner is None:
            digits = core.plain.replace(",", "").split(".")[0]
            if (len(digits) > 1 and digits.startswith("0")) or (len(digits) >= 7 and "," not in core.plain):
                return True  # "0770", "07701234567": identifiers and phone numbers
            if digits == core.plain and len(digits) == 4 and 1800 <= int(digits) <= 2100 and not hedged:
                if dated or not counted:
                    return True  # a year: "in 2015", "2015 elections"
            if not hedged and not counted and self._list_marker(doc, first):
                return True
        if hedged or counted or core.currency is not None:
            return False
        before = doc[reading.start - 1] if reading.start > 0 else None
        if before is not None and (r.keys[before.i] or before.lower_) in lex.label_prefixes:
            return True  # "No. 5", "#3"
        head = doc[first].head
        if head.i < first and head.pos_ in ("NOUN", "PROPN") and doc[first].dep_ in _LABEL_DEPS:
            return True  # "Resolution 2231", "page 5"
        if (before is not None and before.is_title and before.pos_ in ("NOUN", "PROPN")
                and not before.is_sent_start):
            return True  # "Unit 45"
        return False

    @staticmethod
    def _list_marker(doc: Doc, i: int) -> bool:
        """ "1." or "2)" opening a line, "[3]" as a footnote."""
        nxt = doc[i + 1].text if i + 1 < len(doc) else ""
        prev = doc[i - 1] if i > 0 else None
        line_start = prev is None or "\n" in prev.text or "\n" in prev.whitespace_
        if line_start and nxt in (".", ")"):
            return True
        return prev is not None and prev.text in ("[", "(") and nxt in ("]", ")")


def _out(number: Decimal | None) -> float | int | None:
    """Whole numbers as int (5000, not 5000.0) so the JSON reads as written."""
    if number is None:
        return None
    if number == number.to_integral_value():
        return int(number)
    return float(number)
