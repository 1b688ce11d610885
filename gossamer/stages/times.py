"""Times: dates, periods and relative expressions, each resolved to a calendar interval.

Readers of conflict reporting need *when*, and news text says it mostly relative to the day it
was published ("on Tuesday", "over the past 72 hours", "earlier this week"). spaCy finds many of
these as DATE/TIME entities but cuts them inconsistently and says nothing about what they mean,
and dateparser reads points, not intervals. So the stage reads a small grammar of its own:

1. At each token that can start a time expression (a month or weekday name, a number, "the",
   "last", "past", "early", ...) it tries the surface rules listed for that word in
   ``gossamer/data/lexicons/times.yaml``: each an anchored regex over the folded text, tried only
   where its first word occurs, plus a resolver that turns its groups into an interval.
   Overlapping readings keep the longest, then the resolved one, then the earlier rule.
2. Adjacent readings join: a clock time with its day ("Tuesday at 3 p.m."), two ends of a range
   ("from March 3 to April 5", "between 2019 and 2021").
3. A preposition before a reading widens the mention and may change the interval: "since
   January 14" runs to publication, "until March" ends with March, "over the past week" is the
   week itself.
4. spaCy DATE entities that name a month but that no rule read go to dateparser (rare).

Intervals are inclusive ISO dates; datetimes only for expressions finer than a day when the
publication has a time. A relative expression in a document without a publication date is
still reported, with start and end null. The same words read the same way ("this week" twice)
are one Time with several mentions. Resolution conventions (how many days "a few" is,
which Tuesday "on Tuesday" means, the thirds of "early/mid/late") are stated in the data file.
"""

from __future__ import annotations

import functools
import math
import re
from calendar import monthrange
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from importlib import resources
from typing import Any

import yaml
from spacy.tokens import Doc

from ..model import Analysis, Time
from ..nlp import Parsed

Point = date  # a date or a datetime (datetime is a date subclass)
ONE_DAY = timedelta(days=1)
TIME_LABELS = ("DATE", "TIME")
_LEAD = re.compile(r"[a-z]+")
_WS = re.compile(r"\s+")
_DIGITS = re.compile(r"\d+")
_CLOCK_GAP = re.compile(r"\s*,?\s*(?:on\s+)?", re.IGNORECASE)


# --- resources -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Unit:
    name: str
    hours: int
    days: int
    months: int
    precision: str


@dataclass(frozen=True)
class Rule:
    name: str
    resolve: str
    regex: re.Pattern[str]
    needs_context: bool
    order: int
    check_names: bool  # refuse matches inside a named entity (spaCy tags "GMT" ORG: clocks skip this)


@dataclass
class Lexicon:
    """The times lexicon with its rules compiled; built once per process."""

    months: dict[str, int]
    month_words: frozenset[str]  # lower-cased, for spotting months in spaCy entities
    weekdays: dict[str, int]
    weekday_blockers: frozenset[str]
    numbers: dict[str, int]
    units: dict[str, Unit]  # every written form -> unit
    plural_units: frozenset[str]  # the plural forms ("days", "hrs")
    vague_spans: dict[str, int]
    part_phrases: dict[str, str]
    parts: dict[str, dict[str, tuple[int, int]]]
    part_precision: dict[str, str]
    quarters: dict[str, int]
    seasons: dict[str, tuple[int, int]]
    deictic: dict[str, tuple[int, int]]
    prepositions: dict[str, tuple[str, str]]  # phrase -> (effect, scope)
    prep_rx: re.Pattern[str]
    opener_rx: re.Pattern[str]
    connector_rx: re.Pattern[str]
    context_words: frozenset[str]
    year_determiners: frozenset[str]
    year_nouns: frozenset[str]
    future_aux: frozenset[str]
    future_lemmas: frozenset[str]
    window: timedelta
    blocking: frozenset[str]
    rules: list[Rule]
    triggers: dict[str, tuple[Rule, ...]]

    def number(self, text: str) -> int | None:
        """Value of a numeral as written: digits, a word, "twenty-one", "a few"."""
        t = _WS.sub(" ", text.strip().lower())
        if t[:1].isdigit():
            return int(t.replace(",", ""))
        if t in self.numbers:
            return self.numbers[t]
        if "-" in t:
            parts = [self.numbers.get(p) for p in t.split("-")]
            if all(v is not None for v in parts):
                return sum(parts)  # type: ignore[arg-type]
        return None


def _alt(words: list[str], cased: bool = False, abbrev: list[str] | None = None) -> str:
    """A regex alternation, longest first; spaces match any whitespace. `cased`: as written or
    in capitals only (month and weekday names); `abbrev`: abbreviations that may take a stop."""
    forms: list[str] = []
    for w, stop in [(w, False) for w in words] + [(a, True) for a in abbrev or ()]:
        for v in ([w, w.upper()] if cased else [w]):
            forms.append(re.escape(v).replace(r"\ ", r"\s+") + (r"\.?" if stop else ""))
    body = "|".join(sorted(set(forms), key=len, reverse=True))
    return f"(?-i:{body})(?![a-z])" if cased else f"(?:{body})"


def _first_words(phrases: list[str]) -> set[str]:
    return {p.split()[0].lower() for p in phrases}


@functools.cache
def load_lexicon() -> Lexicon:
    text = resources.files("gossamer").joinpath("data/lexicons/times.yaml").read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.safe_load(text)

    full_months: dict[str, int] = data["months"]["full"]
    abbr_months: dict[str, int] = data["months"]["abbreviations"]
    full_days: dict[str, int] = data["weekdays"]["full"]
    abbr_days: dict[str, int] = data["weekdays"]["abbreviations"]
    numbers = {k.lower(): int(v) for k, v in {**data["numbers"]["words"], **data["numbers"]["vague"]}.items()}

    units: dict[str, Unit] = {}
    singular: list[str] = []
    plural: list[str] = []
    for name, spec in data["units"].items():
        if name == "source":
            continue
        unit = Unit(name, int(spec.get("hours", 0)), int(spec.get("days", 0)), int(spec.get("months", 0)),
                    spec["precision"])
        forms = [f.lower() for f in spec["forms"]]
        for form in forms:
            units[form] = unit
            (plural if form.endswith("s") and form[:-1] in forms else singular).append(form)

    parts = data["parts"]
    part_phrases = {k.lower(): v for k, v in parts["phrases"].items()}
    deictic = {k.lower(): (int(v[0]), int(v[1])) for k, v in data["deictic"]["phrases"].items()}
    quarters = {k.lower(): int(v) for k, v in data["quarters"]["ordinals"].items()}
    seasons = {k.lower(): (int(v[0]), int(v[1])) for k, v in data["seasons"]["months"].items()}
    preps = {k.lower(): (v["effect"], v["scope"]) for k, v in data["prepositions"].items() if k != "source"}

    num_words = _alt(list(numbers))
    fill = {
        "MONTH_FULL": _alt(list(full_months), cased=True),
        "WEEKDAY_FULL": _alt(list(full_days), cased=True),
        "DAY": r"(?:[12]\d|3[01]|0?[1-9])(?!\d)(?:st|nd|rd|th)?(?!\w)",
        "YEAR": r"(?:19|20)\d{2}(?!\d)",
        "NUM": rf"(?:\d{{1,3}}(?:,\d{{3}})+|\d+|{num_words}(?:-{num_words})?)(?!\w)",
        "UNIT": _alt(singular + plural),
        "UNIT_SG": _alt(singular),
        "UNIT_PL": _alt(plural),
        "PART": _alt(list(part_phrases)),
        "QUARTER": _alt(list(quarters)),
        "DEICTIC": _alt(list(deictic)),
        "SEASON": _alt(list(seasons)),
    }
    # Abbreviations may carry a full stop ("Jan.", "Sept.", "Tues.").
    fill["MONTH"] = _alt(list(full_months), cased=True, abbrev=list(abbr_months))
    fill["WEEKDAY"] = _alt(list(full_days), cased=True, abbrev=list(abbr_days))

    classes = {
        "MONTH": {m.lower() for m in (*full_months, *abbr_months)},
        "WEEKDAY": {d.lower() for d in (*full_days, *abbr_days)},
        "NUM": _first_words(list(numbers)),
        "PART": _first_words(list(part_phrases)),
        "QUARTER": set(quarters),
        "DEICTIC": _first_words(list(deictic)),
        "SEASON": set(seasons),
    }

    rules: list[Rule] = []
    triggers: dict[str, list[Rule]] = {}
    for order, spec in enumerate(data["rules"]):
        pattern = re.sub(r"%([A-Z_]+)%", lambda m: fill[m.group(1)], spec["pattern"])
        rule = Rule(spec["name"], spec["resolve"], re.compile(pattern, re.IGNORECASE | re.VERBOSE),
                    bool(spec.get("needs_context", False)), order, bool(spec.get("check_names", True)))
        if rule.resolve not in RESOLVERS:
            raise ValueError(f"times.yaml: rule {rule.name} names unknown resolver {rule.resolve}")
        rules.append(rule)
        for trig in spec["triggers"]:
            for word in classes.get(trig, {str(trig).lower()}):
                triggers.setdefault(word, []).append(rule)

    connectors = data["ranges"]["connectors"]
    fut = data["future"]
    return Lexicon(
        months={k.lower(): v for k, v in {**full_months, **abbr_months}.items()},
        month_words=frozenset(classes["MONTH"]),
        weekdays={k.lower(): v for k, v in {**full_days, **abbr_days}.items()},
        weekday_blockers=frozenset(data["weekdays"]["blockers"]),
        numbers=numbers,
        units=units,
        plural_units=frozenset(plural),
        vague_spans={k: int(v) for k, v in data["vague_spans"].items() if k != "source"},
        part_phrases=part_phrases,
        parts={p: {u: (int(r[0]), int(r[1])) for u, r in parts[p].items()} for p in ("early", "mid", "late")},
        part_precision=dict(parts["precision"]),
        quarters=quarters,
        seasons=seasons,
        deictic=deictic,
        prepositions=preps,
        prep_rx=re.compile(r"(?<![\w'-])(" + _alt(list(preps)) + r")\s+\Z", re.IGNORECASE),
        opener_rx=re.compile(r"(?<![\w'-])(" + _alt(data["ranges"]["openers"]) + r")\s+\Z", re.IGNORECASE),
        connector_rx=re.compile(
            r"\s*(" + "|".join(re.escape(c) for c in connectors) + r")\s*", re.IGNORECASE
        ),
        context_words=frozenset(w.lower() for w in data["context_words"]["words"]),
        year_determiners=frozenset(w.lower() for w in data["year_nouns"]["determiners"]),
        year_nouns=frozenset(w.lower() for w in data["year_nouns"]["nouns"]),
        future_aux=frozenset(fut["auxiliaries"]),
        future_lemmas=frozenset(fut["lemmas"]),
        window=timedelta(days=int(fut["window_days"])),
        blocking=frozenset(data["blocking_entities"]["labels"]),
        rules=rules,
        triggers={k: tuple(v) for k, v in triggers.items()},
    )


# --- calendar arithmetic ---------------------------------------------------------------------


def _month(y: int, m: int) -> tuple[date, date]:
    return date(y, m, 1), date(y, m, monthrange(y, m)[1])


def _year(y: int) -> tuple[date, date]:
    return date(y, 1, 1), date(y, 12, 31)


def _week(d: date) -> tuple[date, date]:
    monday = d - timedelta(days=d.weekday())
    return monday, monday + timedelta(days=6)


def _quarter(y: int, q: int) -> tuple[date, date]:
    return date(y, 3 * q - 2, 1), _month(y, 3 * q)[1]


def _add_months(d: date, n: int) -> date:
    y, m = divmod(d.month - 1 + n, 12)
    y += d.year
    return d.replace(year=y, month=m + 1, day=min(d.day, monthrange(y, m + 1)[1]))


def _period(d: date, unit: str) -> tuple[date, date]:
    """The calendar week / month / quarter / year containing a day."""
    if unit == "week":
        return _week(d)
    if unit == "month":
        return _month(d.year, d.month)
    if unit == "quarter":
        return _quarter(d.year, (d.month - 1) // 3 + 1)
    return _year(d.year)


def _shift_period(d: date, unit: str, n: int) -> tuple[date, date]:
    """The period `n` periods before (n < 0) or after the one containing `d`."""
    lo, hi = _period(d, unit)
    for _ in range(abs(n)):
        lo, hi = _period(lo - ONE_DAY, unit) if n < 0 else _period(hi + ONE_DAY, unit)
    return lo, hi


def _iso(p: Point | None) -> str | None:
    if p is None:
        return None
    if isinstance(p, datetime):
        return p.isoformat(timespec="minutes")
    return p.isoformat()


def _as_day(p: Point) -> date:
    return p.date() if isinstance(p, datetime) else p


def _before_or_at(a: Point, b: Point) -> bool:
    """a <= b: by the instant when both have one, else by the day."""
    if isinstance(a, datetime) and isinstance(b, datetime):
        return a <= b
    return _as_day(a) <= _as_day(b)


def parse_published(published: str | None) -> tuple[date | None, datetime | None]:
    """The publication day, and its instant when it carries a real time (midnight is taken as
    a placeholder that feeds put on date-only stamps)."""
    if not published:
        return None, None
    s = published.strip()
    try:
        if len(s) <= 10:
            return date.fromisoformat(s), None
        dt = datetime.fromisoformat(s)
    except ValueError:
        try:
            return date.fromisoformat(s[:10]), None
        except ValueError:
            return None, None
    if dt.time() == time(0):
        return dt.date(), None
    return dt.date(), dt


# --- readings --------------------------------------------------------------------------------


@dataclass
class Res:
    """What a resolver makes of a match."""

    lo: Point | None
    hi: Point | None
    precision: str
    relative: bool
    rule: str | None = None  # overrides the rule name when the resolver knows better
    md: tuple[int, int | None] | None = None  # month/day of a year-less date, for ranges
    clock: tuple[int, int] | None = None
    kind: str = ""  # "span": past/next-N spans (scope of "in", "for"); "range": one-rule ranges


@dataclass
class Reading:
    start: int
    end: int
    res: Res
    rule: str
    order: int
    opened: bool = False  # starts with the "from"/"between" of a range: nothing more to widen


@dataclass
class Ctx:
    """Per-match context for resolvers: the anchor and where in the parse the match sits."""

    lex: Lexicon
    doc: Doc
    p: date | None
    p_dt: datetime | None
    i: int = 0  # the trigger token
    _future: bool | None = None

    def at(self, i: int) -> None:
        self.i = i
        self._future = None

    @property
    def future(self) -> bool:
        if self._future is None:
            self._future = _is_future(self.doc, self.i, self.lex)
        return self._future

    def year_for(self, month: int, day: int | None = None) -> int | None:
        """The year of a year-less date: the publication's, or the one before when that would
        land well after publication (the one after, in a future clause)."""
        assert self.p is not None
        y = self.p.year
        try:
            lo = date(y, month, day or 1)
        except ValueError:
            return None
        hi = lo if day else _month(y, month)[1]
        if self.future:
            if hi < self.p - self.lex.window:
                y += 1
        elif lo > self.p + self.lex.window:
            y -= 1
        try:
            date(y, month, day or 1)
        except ValueError:
            return None
        return y


def _is_future(doc: Doc, i: int, lex: Lexicon) -> bool:
    """Whether the clause governing token i looks forward ("will meet on Tuesday")."""
    tok = doc[i]
    for _ in range(5):
        head = tok.head
        if head.i == tok.i:
            break
        tok = head
        if tok.pos_ in ("VERB", "AUX") or tok.lower_ in lex.future_lemmas or tok.lemma_ in lex.future_lemmas:
            break
    else:
        return False
    verbs = [tok]
    if tok.dep_ in ("xcomp", "ccomp") and tok.head.i != tok.i:
        verbs.append(tok.head)
    for verb in verbs:
        if verb.lemma_ in lex.future_lemmas:
            return True
        for child in verb.children:
            if child.dep_ in ("aux", "auxpass") and child.lower_ in lex.future_aux:
                return True
    return False


def _g(m: re.Match[str], name: str) -> str | None:
    try:
        return m.group(name)
    except IndexError:
        return None


def _unresolved(precision: str, **kw: Any) -> Res:
    return Res(None, None, precision, True, **kw)


# A resolver's verdict that the matched words are not a time at all (a name such as "the March 14
# Alliance"): no other rule and no spaCy entity may read a time there either.
VETO = Res(None, None, "", False, rule="veto")


# --- resolvers -------------------------------------------------------------------------------


def _date_as_name(m: re.Match[str], cx: Ctx) -> bool:
    """"the March 14 Alliance", "the January 25 Revolution": a date that names something."""
    doc, i = cx.doc, cx.i
    if i == 0 or doc[i - 1].lower_ != "the":
        return False
    j = i + 1
    while j < len(doc) and doc[j].idx < m.end():
        j += 1
    if j >= len(doc):
        return False
    nxt = doc[j]
    return nxt.pos_ == "PROPN" and nxt.is_title and nxt.lower_ not in cx.lex.month_words


def r_date(m: re.Match[str], cx: Ctx) -> Res | None:
    if _date_as_name(m, cx):
        return VETO
    mon_n = _g(m, "mon_n")
    month = int(mon_n) if mon_n else cx.lex.months[m.group("mon").rstrip(".").lower()]
    day = int(_DIGITS.match(m.group("day")).group())  # type: ignore[union-attr]
    year = _g(m, "year")
    if year:
        try:
            d = date(int(year), month, day)
        except ValueError:
            return None
        return Res(d, d, "day", False)
    if cx.p is None:
        return _unresolved("day", md=(month, day))
    y = cx.year_for(month, day)
    if y is None:
        return None
    d = date(y, month, day)
    return Res(d, d, "day", True, md=(month, day))


def r_numeric_date(m: re.Match[str], cx: Ctx) -> Res | None:
    a, b, y = int(m.group("a")), int(m.group("b")), int(m.group("year"))
    if a > 12 >= b:
        day, month = a, b
    elif b > 12 >= a:
        month, day = a, b
    elif a == b:
        day = month = a
    else:
        return None  # 03/04/2026: day-first or month-first cannot be told apart
    try:
        d = date(y, month, day)
    except ValueError:
        return None
    return Res(d, d, "day", False)


def r_day_range(m: re.Match[str], cx: Ctx) -> Res | None:
    if _date_as_name(m, cx):
        return VETO
    month = cx.lex.months[m.group("mon").rstrip(".").lower()]
    d1 = int(_DIGITS.match(m.group("day")).group())  # type: ignore[union-attr]
    d2 = int(_DIGITS.match(m.group("day2")).group())  # type: ignore[union-attr]
    if d2 <= d1:
        return None
    year = _g(m, "year")
    if year:
        y, relative = int(year), False
    elif cx.p is None:
        return _unresolved("day", md=(month, d1), kind="range")
    else:
        y, relative = cx.year_for(month, d1), True  # type: ignore[assignment]
        if y is None:
            return None
    try:
        return Res(date(y, month, d1), date(y, month, d2), "day", relative, md=None if year else (month, d1),
                   kind="range")
    except ValueError:
        return None


def r_month(m: re.Match[str], cx: Ctx) -> Res | None:
    month = cx.lex.months[m.group("mon").rstrip(".").lower()]
    year = _g(m, "year")
    if year:
        lo, hi = _month(int(year), month)
        return Res(lo, hi, "month", False)
    if cx.p is None:
        return _unresolved("month", md=(month, None))
    rel = (_g(m, "rel") or "").lower()
    p = cx.p
    if rel == "last":
        y = p.year if month < p.month else p.year - 1
    elif rel == "this":
        y = p.year
    elif rel == "next":
        y = p.year if month > p.month else p.year + 1
    else:
        y = cx.year_for(month)  # type: ignore[assignment]
        if y is None:
            return None
    lo, hi = _month(y, month)
    return Res(lo, hi, "month", True, rule=f"month_{rel}" if rel else None, md=None if rel else (month, None))


def _cut(lo: date, hi: date, unit: str, part: str, lex: Lexicon) -> tuple[date, date]:
    """The early / mid / late third of a calendar period, by the data's day/month/year ranges."""
    a, b = lex.parts[part][unit]
    if unit == "month":
        last = hi.day
        return lo.replace(day=min(a, last)), lo.replace(day=min(b, last))
    if unit == "year":
        return date(lo.year, a, 1), _month(lo.year, b)[1]
    if unit == "decade":
        return date(lo.year + a, 1, 1), date(lo.year + b, 12, 31)
    return lo + timedelta(days=a - 1), lo + timedelta(days=b - 1)  # week: ISO weekday numbers


def _part(m: re.Match[str], lex: Lexicon) -> str:
    return lex.part_phrases[_WS.sub(" ", m.group("part").lower())]


def r_part_month(m: re.Match[str], cx: Ctx) -> Res | None:
    month = cx.lex.months[m.group("mon").lower()]
    year = _g(m, "year")
    prec = cx.lex.part_precision["month"]
    if year:
        y, relative = int(year), False
    elif cx.p is None:
        return _unresolved(prec)
    else:
        y, relative = cx.year_for(month), True  # type: ignore[assignment]
        if y is None:
            return None
    lo, hi = _cut(*_month(y, month), "month", _part(m, cx.lex), cx.lex)
    return Res(lo, hi, prec, relative)


def r_part_year(m: re.Match[str], cx: Ctx) -> Res | None:
    lo, hi = _cut(*_year(int(m.group("year"))), "year", _part(m, cx.lex), cx.lex)
    return Res(lo, hi, cx.lex.part_precision["year"], False)


def r_part_relative(m: re.Match[str], cx: Ctx) -> Res | None:
    unit = m.group("unit").lower()
    prec = cx.lex.part_precision[unit]
    if cx.p is None:
        return _unresolved(prec)
    rel = m.group("rel").lower()
    n = {"last": -1, "next": 1}.get(rel, 0)
    lo, hi = _shift_period(cx.p, unit, n)
    lo, hi = _cut(lo, hi, unit, _part(m, cx.lex), cx.lex)
    return Res(lo, hi, prec, True)


def r_earlier_later(m: re.Match[str], cx: Ctx) -> Res | None:
    unit = m.group("unit").lower()
    direction = m.group("dir").lower()
    rule = f"{direction}_this_{unit}"
    if cx.p is None:
        return _unresolved(unit, rule=rule)
    lo, hi = _period(cx.p, unit)
    if direction == "earlier":
        return Res(lo, max(lo, cx.p - ONE_DAY), unit, True, rule=rule)
    return Res(min(hi, cx.p + ONE_DAY), hi, unit, True, rule=rule)


def r_decade(m: re.Match[str], cx: Ctx) -> Res | None:
    dec = _g(m, "dec")
    if dec:
        y0 = int(dec)
    else:
        d = int(m.group("dec2"))
        if cx.p is not None:
            y0 = 2000 + d if 2000 + d <= cx.p.year else 1900 + d
        else:
            y0 = 1900 + d if d >= 30 else 2000 + d
    lo, hi = date(y0, 1, 1), date(y0 + 9, 12, 31)
    if _g(m, "part"):
        lo, hi = _cut(lo, hi, "decade", _part(m, cx.lex), cx.lex)
        return Res(lo, hi, cx.lex.part_precision["decade"], False)
    return Res(lo, hi, "decade", False)


def r_quarter(m: re.Match[str], cx: Ctx) -> Res | None:
    qord = _g(m, "qord")
    q = cx.lex.quarters[qord.lower()] if qord else int(m.group("qn"))
    year = _g(m, "year")
    if year:
        lo, hi = _quarter(int(year), q)
        return Res(lo, hi, "quarter", False)
    if cx.p is None:
        return _unresolved("quarter")
    y = cx.p.year
    if _quarter(y, q)[0] > cx.p + cx.lex.window and not cx.future:
        y -= 1
    lo, hi = _quarter(y, q)
    return Res(lo, hi, "quarter", True)


def _season(start_year: int, months: tuple[int, int]) -> tuple[date, date]:
    first, last = months
    end_year = start_year + (1 if last < first else 0)
    return date(start_year, first, 1), _month(end_year, last)[1]


def r_season(m: re.Match[str], cx: Ctx) -> Res | None:
    months = cx.lex.seasons[m.group("season").lower()]
    year = _g(m, "year")
    if year:
        lo, hi = _season(int(year), months)
        return Res(lo, hi, "quarter", False)
    rel = _rel(_g(m, "rel"))
    if cx.p is None:
        return _unresolved("quarter")
    p = cx.p
    # the seasons around publication, by the year they start in
    around = [_season(y, months) for y in (p.year - 2, p.year - 1, p.year, p.year + 1)]
    if rel == "last":
        lo, hi = [s for s in around if s[1] < p][-1]
    elif rel == "next":
        lo, hi = [s for s in around if s[0] > p][0]
    else:  # "this": the season we are in, else this year's
        current = [s for s in around if s[0] <= p <= s[1]]
        lo, hi = current[0] if current else _season(p.year, months)
    return Res(lo, hi, "quarter", True, rule=f"{rel}_season")


def _count_like(cx: Ctx, end: int) -> bool:
    """A four-digit number that counts something ("2000 troops"), not a year."""
    doc = cx.doc
    j = cx.i + 1
    while j < len(doc) and doc[j].idx < end:
        j += 1
    if j >= len(doc):
        return False
    nxt = doc[j]
    if nxt.pos_ != "NOUN" or nxt.lower_ in cx.lex.year_nouns or nxt.lower_ in cx.lex.units:
        return False
    prev = doc[cx.i - 1].lower_ if cx.i > 0 else ""
    return prev not in cx.lex.year_determiners


def r_year(m: re.Match[str], cx: Ctx) -> Res | None:
    if _count_like(cx, m.end()):
        return None
    lo, hi = _year(int(m.group("year")))
    return Res(lo, hi, "year", False)


def r_year_range(m: re.Match[str], cx: Ctx) -> Res | None:
    y1 = int(m.group("year"))
    y2s = m.group("y2")
    y2 = int(y2s) if len(y2s) == 4 else y1 // 100 * 100 + int(y2s)
    if not y1 < y2 <= y1 + 50 or _count_like(cx, m.end()):
        return None
    return Res(date(y1, 1, 1), date(y2, 12, 31), "year", False, kind="range")


def r_deictic(m: re.Match[str], cx: Ctx) -> Res | None:
    a, b = cx.lex.deictic[_WS.sub(" ", m.group("phrase").lower())]
    if cx.p is None:
        return _unresolved("day")
    return Res(cx.p + timedelta(days=a), cx.p + timedelta(days=b), "day", True)


def _rel(word: str | None) -> str:
    w = _WS.sub(" ", (word or "").lower())
    return {"this past": "last", "past": "last", "this coming": "next"}.get(w, w)


def r_calendar(m: re.Match[str], cx: Ctx) -> Res | None:
    unit = m.group("unit").lower()
    rel = _rel(m.group("rel"))
    prec = "week" if unit == "weekend" else unit
    if cx.p is None:
        return _unresolved(prec)
    p = cx.p
    if unit == "weekend":
        sat = _week(p)[0] + timedelta(days=5)
        sun = sat + ONE_DAY
        week = timedelta(days=7)
        if rel == "last" or (rel == "the" and p < sat and not cx.future):
            lo, hi = sat - week, sun - week
        elif rel == "next":
            lo, hi = sat + week, sun + week
        else:
            lo, hi = sat, (min(sun, p) if p >= sat else sun)
        return Res(lo, hi, prec, True, rule=f"{rel}_weekend")
    if rel == "this":
        lo, hi = _period(p, unit)
        if cx.future:
            return Res(p, hi, prec, True, rule=f"this_{unit}_from_published")
        return Res(lo, min(hi, p), prec, True, rule=f"this_{unit}_to_published")
    lo, hi = _shift_period(p, unit, -1 if rel == "last" else 1)
    return Res(lo, hi, prec, True, rule=f"{rel}_{unit}")


def r_weekday(m: re.Match[str], cx: Ctx) -> Res | None:
    wd = cx.lex.weekdays[m.group("wd").lower()]
    rel = _rel(_g(m, "rel"))
    if not rel and cx.i > 0 and cx.doc[cx.i - 1].text in cx.lex.weekday_blockers:
        return None  # Good Friday, Super Tuesday
    if cx.p is None:
        return _unresolved("day")
    p = cx.p
    if rel == "last":
        d, rule = p - timedelta(days=(p.weekday() - wd) % 7 or 7), "last_weekday"
    elif rel == "next":
        d, rule = p + timedelta(days=(wd - p.weekday()) % 7 or 7), "next_weekday"
    elif rel == "this":
        d, rule = _week(p)[0] + timedelta(days=wd), "weekday_this_week"
    elif cx.future:
        d, rule = p + timedelta(days=(wd - p.weekday()) % 7), "weekday_after_published"
    else:
        d, rule = p - timedelta(days=(p.weekday() - wd) % 7), "weekday_before_published"
    return Res(d, d, "day", True, rule=rule)


def _unit(m: re.Match[str], cx: Ctx) -> Unit:
    return cx.lex.units[m.group("unit").lower()]


def r_span(m: re.Match[str], cx: Ctx) -> Res | None:
    unit = _unit(m, cx)
    direction = m.group("dir").lower()
    num = _g(m, "num")
    if num:
        n = cx.lex.number(num)
        if not n:
            return None
    elif m.group("unit").lower() in cx.lex.plural_units:
        n = cx.lex.vague_spans[unit.name]  # a plural with no number: "in recent days"
    else:
        if not _g(m, "the") and direction in ("last", "next"):
            return None  # "last week" is the calendar week, not the past seven days
        n = 1
    back = direction in ("past", "last", "previous", "preceding", "recent")
    prec = unit.precision
    rule = "span_past" if back else "span_next"
    if cx.p is None:
        return _unresolved("day" if prec == "hour" else prec, kind="span", rule=rule)
    p = cx.p
    if unit.hours:
        hours = n * unit.hours
        if cx.p_dt is not None:
            delta = timedelta(hours=hours)
            lo, hi = (cx.p_dt - delta, cx.p_dt) if back else (cx.p_dt, cx.p_dt + delta)
            return Res(lo, hi, "hour", True, rule=rule, kind="span")
        days = timedelta(days=math.ceil(hours / 24))
        lo, hi = (p - days, p) if back else (p, p + days)
        return Res(lo, hi, "day", True, rule=rule, kind="span")
    try:  # "the past 2025 years" from 2024 leaves the calendar: no interval then
        if unit.months:
            lo, hi = (_add_months(p, -n * unit.months), p) if back else (p, _add_months(p, n * unit.months))
        else:
            days = timedelta(days=n * unit.days)
            lo, hi = (p - days, p) if back else (p, p + days)
    except (ValueError, OverflowError):
        return None
    return Res(lo, hi, prec, True, rule=rule, kind="span")


def r_ago(m: re.Match[str], cx: Ctx) -> Res | None:
    """"two days ago" (anchored on publication); "a week earlier" (anchored on a narrative time
    the text does not give, so publication stands in for it: an approximation)."""
    unit = _unit(m, cx)
    n = cx.lex.number(m.group("num"))
    if not n:
        return None
    direction = m.group("dir").lower()
    sign = 1 if direction == "later" else -1
    rule = "ago" if direction == "ago" else f"{direction}_than_published_approx"
    prec = unit.precision
    if cx.p is None:
        return _unresolved("day" if prec == "hour" else prec, rule=rule)
    p = cx.p
    if unit.hours:
        if cx.p_dt is not None:
            t = cx.p_dt + sign * timedelta(hours=n * unit.hours)
            return Res(t, t, "hour", True, rule=rule)
        d = p + sign * timedelta(days=n * unit.hours // 24)
        return Res(d, d, "day", True, rule=rule)
    if unit.months:
        target = _add_months(p, sign * n * unit.months)
    else:
        target = p + sign * timedelta(days=n * unit.days)
    if unit.name in ("day", "night"):
        return Res(target, target, "day", True, rule=rule)
    if unit.name in ("week", "fortnight"):
        lo, hi = _week(target)
    elif unit.name in ("month", "quarter"):
        lo, hi = _period(target, unit.name)
    else:  # a year or decades ago: the year it lands in
        lo, hi = _year(target.year)
    return Res(lo, hi, prec, True, rule=rule)


def r_anaphoric(m: re.Match[str], cx: Ctx) -> Res | None:
    """"the previous day", "the following week": relative to a narrative time, approximated by
    publication."""
    direction = m.group("dir").lower()
    unit = m.group("unit").lower()
    if unit in ("morning", "evening", "night"):
        unit = "day"
    if direction == "next" and unit != "day":
        return None  # "the next week" is a span forward, read by the span rules
    sign = {"previous": -1, "preceding": -1, "before": -1, "same": 0}.get(direction, 1)
    rule = f"{direction}_{unit}_approx"
    prec = unit
    if cx.p is None:
        return _unresolved(prec, rule=rule)
    if unit == "day":
        d = cx.p + sign * ONE_DAY
        return Res(d, d, "day", True, rule=rule)
    lo, hi = _shift_period(cx.p, unit, sign)
    return Res(lo, hi, prec, True, rule=rule)


def r_clock(m: re.Match[str], cx: Ctx) -> Res | None:
    if _g(m, "noon"):
        h, mi = (12, 0) if m.group("noon").lower() == "noon" else (0, 0)
    elif _g(m, "mil"):
        h, mi = int(m.group("mil")[:2]), int(m.group("mil")[2:])
    elif _g(m, "hh24"):
        if not (_g(m, "at") or _g(m, "tz") or cx.doc[cx.i].ent_type_ == "TIME"):
            return None  # "3:15" alone may be a score or a verse
        h, mi = int(m.group("hh24")), int(m.group("mm24"))
    else:
        h, mi = int(m.group("hh")) % 12, int(_g(m, "mm") or 0)
        if m.group("ampm").lower().startswith("p"):
            h += 12
    # A clock time with no day of its own is placed on the publication day; joined with a day
    # ("at 3 p.m. on Tuesday") it takes that day instead (see TimeStage._join_pair).
    rule = "clock_on_published_day"
    if cx.p is None:
        return _unresolved("hour", clock=(h, mi), rule=rule)
    if cx.p_dt is not None:
        t = datetime.combine(cx.p, time(h, mi), tzinfo=cx.p_dt.tzinfo)
        return Res(t, t, "hour", True, clock=(h, mi), rule=rule)
    return Res(cx.p, cx.p, "day", True, clock=(h, mi), rule=rule)


RESOLVERS: dict[str, Callable[[re.Match[str], Ctx], Res | None]] = {
    "date": r_date,
    "numeric_date": r_numeric_date,
    "day_range": r_day_range,
    "month": r_month,
    "part_month": r_part_month,
    "part_year": r_part_year,
    "part_relative": r_part_relative,
    "earlier_later": r_earlier_later,
    "decade": r_decade,
    "quarter": r_quarter,
    "season": r_season,
    "year": r_year,
    "year_range": r_year_range,
    "deictic": r_deictic,
    "calendar": r_calendar,
    "weekday": r_weekday,
    "span": r_span,
    "ago": r_ago,
    "anaphoric": r_anaphoric,
    "clock": r_clock,
}

_COARSE = ["hour", "day", "week", "month", "quarter", "year", "decade"]


# --- the stage -------------------------------------------------------------------------------


class TimeStage:
    """Finds time expressions and resolves them against the publication date."""

    name = "times"

    def __init__(self, lexicon: Lexicon | None = None) -> None:
        self.lex = lexicon or load_lexicon()

    def __call__(self, analysis: Analysis, parsed: Parsed) -> None:
        published = analysis.document.published
        p, p_dt = parse_published(published)
        if published and p is None:
            analysis.notes.append(
                f"times: publication date {published!r} is not ISO; relative times left unresolved"
            )
        cx = Ctx(self.lex, parsed.doc, p, p_dt)
        cands = self._candidates(parsed, cx)
        vetoes = [(r.start, r.end) for r in cands if r.res is VETO]
        if vetoes:
            cands = [r for r in cands if not any(r.start < e and s < r.end for s, e in vetoes)]
        readings = self._select(cands)
        readings = self._join(readings, parsed.folded, cx)
        readings = [self._widen(r, parsed.folded, cx) for r in readings]
        readings += self._fallback(parsed, readings, vetoes, cx)
        readings.sort(key=lambda r: r.start)
        self._emit(analysis, readings)
        if p is None and any(r.res.relative and r.res.lo is None for r in readings):
            analysis.notes.append("times: no publication date; relative times are reported unresolved")

    # 1. candidates --------------------------------------------------------------------------

    def _candidates(self, parsed: Parsed, cx: Ctx) -> list[Reading]:
        doc, folded, lex = parsed.doc, parsed.folded, self.lex
        trig = lex.triggers
        out: list[Reading] = []
        for tok in doc:
            s = tok.lower_
            rules = trig.get(s)
            if rules is None:
                c = s[:1]
                if c.isdigit():
                    rules = trig.get("#")
                elif c == "'" and folded[tok.idx + 1 : tok.idx + 2].isdigit():
                    rules = trig.get("#")
                elif c.isalpha() and not s.isalpha():
                    lead = _LEAD.match(s)
                    rules = trig.get(lead.group()) if lead else None
                if rules is None:
                    continue
            start = tok.idx
            for rule in rules:
                m = rule.regex.match(folded, start)
                if m is None or m.end() == start:
                    continue
                if rule.needs_context and not self._has_context(doc, tok.i):
                    continue
                if rule.check_names and self._blocked(doc, tok.i, m.end()):
                    continue
                cx.at(tok.i)
                res = RESOLVERS[rule.resolve](m, cx)
                if res is not None:
                    out.append(Reading(m.start(), m.end(), res, res.rule or rule.name, rule.order))
        return out

    def _has_context(self, doc: Doc, i: int) -> bool:
        """A bare month or year is a date inside a spaCy DATE entity or after a time word."""
        if doc[i].ent_type_ in TIME_LABELS:
            return True
        if i == 0:
            return False
        prev = doc[i - 1].lower_
        if prev in self.lex.context_words:
            return True
        # "between 2019 and 2021": the second year of a pair
        if prev not in ("and", "to", "-", "\u2013", "or") or i < 2:
            return False
        return doc[i - 2].like_num and len(doc[i - 2]) == 4

    def _blocked(self, doc: Doc, i: int, end: int) -> bool:
        """Part of a name: "the March 14 Alliance", "Theresa May"."""
        blocking = self.lex.blocking
        while i < len(doc) and doc[i].idx < end:
            if doc[i].ent_type_ in blocking:
                return True
            i += 1
        return False

    @staticmethod
    def _select(cands: list[Reading]) -> list[Reading]:
        """Non-overlapping readings: longest first, then resolved, then the earlier rule."""
        cands.sort(key=lambda r: (r.start - r.end, r.res.lo is None, r.order, r.start))
        kept: list[Reading] = []
        for r in cands:
            if all(r.end <= k.start or r.start >= k.end for k in kept):
                kept.append(r)
        kept.sort(key=lambda r: r.start)
        return kept

    # 2. joining -----------------------------------------------------------------------------

    def _join(self, readings: list[Reading], folded: str, cx: Ctx) -> list[Reading]:
        out: list[Reading] = []
        for r in readings:
            if out:
                joined = self._join_pair(out[-1], r, folded, cx)
                if joined is not None:
                    out[-1] = joined
                    continue
            out.append(r)
        return out

    def _join_pair(self, a: Reading, b: Reading, folded: str, cx: Ctx) -> Reading | None:
        gap = folded[a.end : b.start]
        if len(gap) > 12:
            return None
        # a clock time and its day, either way round
        if (a.res.clock is None) != (b.res.clock is None) and _CLOCK_GAP.fullmatch(gap):
            day, clock = (b, a) if a.res.clock else (a, b)
            if day.res.precision != "day" or day.res.lo != day.res.hi:
                return None
            lo: Point | None = day.res.lo
            prec = "day"
            if lo is not None and cx.p_dt is not None:
                lo = datetime.combine(_as_day(lo), time(*clock.res.clock), tzinfo=cx.p_dt.tzinfo)  # type: ignore[misc]
                prec = "hour"
            res = Res(lo, lo, prec, day.res.relative or lo is None)
            return Reading(a.start, b.end, res, f"{day.rule}_at_clock", min(a.order, b.order))
        m = self.lex.connector_rx.fullmatch(gap)
        if m is None or a.res.clock or b.res.clock:
            return None
        conn = m.group(1).lower()
        opener = self.lex.opener_rx.search(folded, max(0, a.start - 10), a.start)
        word = opener.group(1).lower() if opener else ""
        if (conn == "and") != (word == "between"):
            return None
        ra, rb = a.res, b.res
        lo, hi = ra.lo, rb.hi
        relative = ra.relative or rb.relative
        if ra.md and rb.lo is not None and not rb.relative and lo is not None:
            # "March 3 to April 5, 2025": the first end takes the year of the second
            month, day = ra.md
            y = _as_day(rb.lo).year
            try:
                lo = date(y, month, day or 1)
                if lo > _as_day(rb.lo):
                    lo = date(y - 1, month, day or 1)
            except ValueError:
                return None
            if ra.precision == "month":
                lo = lo.replace(day=1)
            relative = False
        if lo is not None and hi is not None and not _before_or_at(lo, hi):
            return None
        prec = max(ra.precision, rb.precision, key=_COARSE.index)
        res = Res(lo, hi, prec, relative)
        start = opener.start(1) if opener else a.start
        return Reading(start, b.end, res, "range", min(a.order, b.order), opened=opener is not None)

    # 3. prepositions ------------------------------------------------------------------------

    def _widen(self, r: Reading, folded: str, cx: Ctx) -> Reading:
        if r.opened:
            return r
        m = self.lex.prep_rx.search(folded, max(0, r.start - 14), r.start)
        if m is None:
            return r
        word = _WS.sub(" ", m.group(1).lower())
        effect, scope = self.lex.prepositions[word]
        res = r.res
        if scope in ("span", "range") and res.kind != scope:
            return r
        if scope == "day" and not (res.precision in ("day", "hour") and res.lo == res.hi):
            return r
        p = cx.p
        # an expression with a clock time is bounded by the publication instant, else its day
        fine = isinstance(res.lo, datetime) and cx.p_dt is not None
        anchor: Point | None = cx.p_dt if fine else p
        # "after 2 a.m." known only to the day stays on that day: the clock time is inside it
        step = timedelta(0) if fine or res.clock is not None else ONE_DAY
        rule = r.rule
        if effect == "since":
            hi = anchor if anchor is not None and (res.lo is None or _before_or_at(res.lo, anchor)) else None
            res = replace(res, hi=hi, relative=True)
            rule = f"since_{rule}"
        elif effect in ("until", "before"):
            end = res.hi if effect == "until" else (res.lo - step if res.lo is not None else None)
            # a bound still ahead of publication runs from publication ("holds until March 15");
            # one already reached says nothing of where the interval began ("served until 2019")
            ahead = anchor is not None and end is not None and not _before_or_at(end, anchor)
            lo = anchor if ahead else None
            res = replace(res, lo=lo, hi=end, relative=res.relative or lo is not None)
            rule = f"{effect}_{rule}"
        elif effect == "after":
            start = res.hi + step if res.hi is not None else None
            hi = anchor if anchor is not None and start is not None and _before_or_at(start, anchor) else None
            res = replace(res, lo=start, hi=hi, relative=True)
            rule = f"after_{rule}"
        return Reading(m.start(1), r.end, res, rule, r.order)

    # 4. spaCy entities no rule read ---------------------------------------------------------

    def _fallback(
        self, parsed: Parsed, readings: list[Reading], vetoes: list[tuple[int, int]], cx: Ctx
    ) -> list[Reading]:
        """DATE entities naming a month in a form the rules do not know ("14-Jan-26")."""
        out: list[Reading] = []
        taken = [(r.start, r.end) for r in readings] + vetoes
        for ent in parsed.doc.ents:
            if ent.label_ != "DATE":
                continue
            if any(s < ent.end_char and ent.start_char < e for s, e in taken):
                continue
            if not any(t.text[:1].isupper() and t.lower_.rstrip(".") in self.lex.month_words for t in ent):
                continue
            got = _dateparser_interval(ent.text, cx.p)
            if got is not None:
                lo, hi, prec, relative = got
                res = Res(lo, hi, prec, relative)
                out.append(Reading(ent.start_char, ent.end_char, res, "dateparser", len(self.lex.rules)))
        return out

    # 5. items -------------------------------------------------------------------------------

    @staticmethod
    def _emit(analysis: Analysis, readings: list[Reading]) -> None:
        """One Time per distinct reading; the same words read the same way are one item."""
        text = analysis.document.text
        seen: dict[tuple[Any, ...], Time] = {}
        for r in readings:
            mention = text[r.start : r.end]
            res = r.res
            ident = (mention, _iso(res.lo), _iso(res.hi), res.precision, r.rule)
            item = seen.get(ident)
            if item is not None:
                item.add_mention(r.start, r.end)
                continue
            seen[ident] = analysis.new(
                Time,
                r.start,
                r.end,
                text=mention,
                start=_iso(res.lo),
                end=_iso(res.hi),
                precision=res.precision,
                relative=res.relative,
                rule=r.rule,
            )


def _dateparser_interval(text: str, p: date | None) -> tuple[date, date, str, bool] | None:
    """An absolute date string the rules did not read; dateparser is imported only if needed."""
    import dateparser  # slow to import, rarely needed

    settings: dict[str, Any] = {"PREFER_DATES_FROM": "past", "RETURN_AS_TIMEZONE_AWARE": False}
    if p is not None:
        settings["RELATIVE_BASE"] = datetime.combine(p, time())
    clean = re.sub(r"^(?:the|early|late|mid)[\s-]+", "", text.strip(), flags=re.I)
    try:
        dt = dateparser.parse(clean, languages=["en"], settings=settings)
    except Exception:  # dateparser raises assorted errors on odd strings
        return None
    if dt is None:
        return None
    d = dt.date()
    has_year = re.search(r"(?<!\d)(?:19|20)\d{2}(?!\d)|'\d{2}\b|-\d{2}$", clean) is not None
    if re.search(r"(?<![\d])\d{1,2}(?!\d)", re.sub(r"(?:19|20)\d{2}", "", clean)):
        return d, d, "day", not has_year
    lo, hi = _month(d.year, d.month)
    return lo, hi, "month", not has_year
