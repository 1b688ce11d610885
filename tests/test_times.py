"""The times stage: finding time expressions and resolving them to calendar intervals."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gossamer.model import Analysis, Time
from gossamer.stages.times import TimeStage, load_lexicon, parse_published

STAGE = TimeStage()


@pytest.fixture(scope="module")
def times(make):
    """times(text, published) -> the Analysis after the times stage."""

    def _run(text: str, published: str | None = None) -> Analysis:
        analysis, parsed = make(text, published=published)
        STAGE(analysis, parsed)
        return analysis

    return _run


def one(analysis: Analysis, needle: str) -> Time:
    """The single Time whose text contains `needle` (case-insensitive)."""
    found = [t for t in analysis.times if needle.lower() in t.text.lower()]
    assert len(found) == 1, [t.text for t in analysis.times]
    return found[0]


def interval(t: Time) -> tuple[str | None, str | None]:
    return t.start, t.end


def check_offsets(analysis: Analysis) -> None:
    text = analysis.document.text
    for t in analysis.times:
        for s, e in t.mentions:
            assert text[s:e] == t.text


# --- the founding example --------------------------------------------------------------------


@pytest.fixture(scope="module")
def example(times, example_text):
    return times(example_text, "2026-01-21")


def test_example_since(example):
    t = one(example, "since January 14")
    assert interval(t) == ("2026-01-14", "2026-01-21")
    assert t.text == "since January 14" and t.precision == "day" and t.relative


def test_example_past_72_hours(example):
    t = one(example, "the past 72 hours")
    assert t.text in ("the past 72 hours", "over the past 72 hours")
    assert interval(t) == ("2026-01-18", "2026-01-21")
    assert t.precision == "day"


def test_example_november_2025(example):
    t = one(example, "November 2025")
    assert t.text == "November 2025"
    assert interval(t) == ("2025-11-01", "2025-11-30")
    assert t.precision == "month" and not t.relative


def test_example_last_seven_days(example):
    t = one(example, "the last seven days")
    assert interval(t) == ("2026-01-14", "2026-01-21")


def test_example_earlier_this_week(example):
    t = one(example, "earlier this week")  # 2026-01-21 is a Wednesday
    assert interval(t) == ("2026-01-19", "2026-01-20")


def test_example_this_week(example):
    weeks = [t for t in example.times if t.text == "this week"]
    assert len(weeks) == 1 and len(weeks[0].mentions) == 2  # the same words, one item
    assert interval(weeks[0]) == ("2026-01-19", "2026-01-21")


def test_example_offsets_and_no_durations(example, example_text):
    check_offsets(example)
    texts = [t.text.lower() for t in example.times]
    assert not any("decades" in t for t in texts)  # "in decades": a duration, no anchor
    assert not any("5,000" in t or "thousand" in t for t in texts)
    for t in example.times:
        s, e = t.mentions[0]
        assert example_text[s:e] == t.text


# --- weekdays and the calendar around publication ---------------------------------------------


def test_weekday_past_reporting(times):
    a = times("Protesters gathered on Tuesday.", "2026-03-13")  # a Friday
    t = one(a, "Tuesday")
    assert interval(t) == ("2026-03-10", "2026-03-10")
    assert t.rule == "weekday_before_published" and t.relative


def test_weekday_on_publication_day(times):
    a = times("Protesters gathered on Friday.", "2026-03-13")
    assert interval(one(a, "Friday")) == ("2026-03-13", "2026-03-13")


def test_weekday_future_clause(times):
    a = times("The talks will resume on Tuesday.", "2026-03-13")
    assert interval(one(a, "Tuesday")) == ("2026-03-17", "2026-03-17")


def test_last_and_next_weekday(times):
    a = times("They met last Friday and will meet again next Friday.", "2026-03-13")
    assert interval(one(a, "last Friday")) == ("2026-03-06", "2026-03-06")
    assert interval(one(a, "next Friday")) == ("2026-03-20", "2026-03-20")


def test_weekday_names_are_not_dates(times):
    a = times("The Good Friday Agreement held. Ash Wednesday came.", "2026-03-13")
    assert a.times == []


def test_last_month(times):
    a = times("Prices rose last month.", "2026-03-13")
    t = one(a, "last month")
    assert interval(t) == ("2026-02-01", "2026-02-28") and t.precision == "month"


def test_last_month_leap_year(times):
    a = times("Prices rose last month.", "2024-03-13")
    assert interval(one(a, "last month")) == ("2024-02-01", "2024-02-29")


def test_last_week_across_new_year(times):
    a = times("Fighting resumed last week.", "2026-01-02")
    t = one(a, "last week")
    assert interval(t) == ("2025-12-22", "2025-12-28") and t.precision == "week"


def test_last_year_and_this_year(times):
    a = times("Exports fell last year but rose this year.", "2026-01-02")
    assert interval(one(a, "last year")) == ("2025-01-01", "2025-12-31")
    assert interval(one(a, "this year")) == ("2026-01-01", "2026-01-02")


def test_this_month_clipped_to_publication(times):
    a = times("Attacks doubled this month.", "2026-03-13")
    assert interval(one(a, "this month")) == ("2026-03-01", "2026-03-13")


def test_earlier_this_week_on_a_monday(times):
    a = times("Talks collapsed earlier this week.", "2026-03-09")
    t = one(a, "earlier this week")
    assert t.start == t.end == "2026-03-09"


def test_deictic_across_year_boundary(times):
    a = times("Yesterday the army moved; today it halted; tomorrow it may return.", "2026-01-01")
    assert interval(one(a, "Yesterday")) == ("2025-12-31", "2025-12-31")
    assert interval(one(a, "today")) == ("2026-01-01", "2026-01-01")
    assert interval(one(a, "tomorrow")) == ("2026-01-02", "2026-01-02")


def test_overnight_and_this_morning(times):
    a = times("Shelling continued overnight and resumed this morning.", "2026-03-13")
    assert interval(one(a, "overnight")) == ("2026-03-12", "2026-03-13")
    assert interval(one(a, "this morning")) == ("2026-03-13", "2026-03-13")


# --- spans back from publication ----------------------------------------------------------------


def test_past_hours_day_precision_without_time(times):
    a = times("Dozens were detained in the past 48 hours.", "2026-03-13")
    t = one(a, "past 48 hours")
    assert t.text == "in the past 48 hours"
    assert interval(t) == ("2026-03-11", "2026-03-13") and t.precision == "day"


def test_past_hours_with_publication_time(times):
    a = times("Dozens were detained in the past 48 hours.", "2026-03-13T09:30:00+03:00")
    t = one(a, "past 48 hours")
    assert interval(t) == ("2026-03-11T09:30+03:00", "2026-03-13T09:30+03:00")
    assert t.precision == "hour"


def test_midnight_publication_is_a_date(times):
    assert parse_published("2026-03-13T00:00:00Z") == (date(2026, 3, 13), None)
    p, p_dt = parse_published("2026-03-13T08:15:00")
    assert p == date(2026, 3, 13) and p_dt == datetime(2026, 3, 13, 8, 15)


def test_past_week_and_few_days(times):
    a = times("Over the past week, and during the past few days, raids grew.", "2026-03-13")
    week = one(a, "past week")
    assert week.text == "Over the past week" and interval(week) == ("2026-03-06", "2026-03-13")
    few = one(a, "few days")  # "few" = 3 by the lexicon's convention
    assert few.text == "during the past few days" and interval(few) == ("2026-03-10", "2026-03-13")


def test_past_months_calendar_arithmetic(times):
    a = times("Prices doubled over the past three months.", "2026-05-31")
    assert interval(one(a, "three months")) == ("2026-02-28", "2026-05-31")


def test_recent_days_and_weeks(times):
    a = times("In recent days and in recent weeks the militia grew.", "2026-03-13")
    assert interval(one(a, "recent days")) == ("2026-03-06", "2026-03-13")
    assert interval(one(a, "recent weeks")) == ("2026-02-13", "2026-03-13")


def test_coming_weeks(times):
    a = times("Talks are expected in the coming weeks.", "2026-03-13")
    t = one(a, "coming weeks")
    assert t.start == "2026-03-13" and t.end == "2026-04-10"


def test_ago(times):
    a = times("Two days ago the talks failed; three weeks ago they began.", "2026-03-13")
    assert interval(one(a, "Two days ago")) == ("2026-03-11", "2026-03-11")
    t = one(a, "three weeks ago")  # the ISO week containing 2026-02-20
    assert interval(t) == ("2026-02-16", "2026-02-22") and t.precision == "week"


def test_anaphoric_offsets_are_marked_approximate(times):
    a = times("A week earlier, troops had massed. The previous day, talks collapsed.", "2026-03-13")
    earlier = one(a, "A week earlier")
    assert "approx" in earlier.rule and earlier.relative
    prev = one(a, "previous day")
    assert interval(prev) == ("2026-03-12", "2026-03-12") and "approx" in prev.rule


def test_durations_without_anchor_are_not_times(times):
    a = times("The regime has ruled for decades. The siege lasted three days.", "2026-03-13")
    assert a.times == []


def test_last_days_of_something_is_not_a_span(times):
    a = times("In the last days of the regime, officials fled.", "2026-03-13")
    assert a.times == []


# --- explicit dates ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("on 12 March 2026", "2026-03-12"),
        ("on March 12, 2026", "2026-03-12"),
        ("on 2026-03-12", "2026-03-12"),
        ("on 13/03/2026", "2026-03-13"),
        ("on 03/13/2026", "2026-03-13"),
        ("on the 12th of March 2026", "2026-03-12"),
        ("on Thursday, March 12, 2026", "2026-03-12"),
    ],
)
def test_explicit_dates(times, text, expected):
    a = times(f"The strike happened {text}.", "2026-03-20")
    t = one(a, expected[-2:].lstrip("0"))
    assert interval(t) == (expected, expected) and not t.relative and t.precision == "day"
    check_offsets(a)


def test_ambiguous_numeric_date_is_skipped(times):
    assert times("The strike happened on 12/03/2026.", "2026-03-20").times == []


def test_year_less_date_takes_publication_year(times):
    a = times("The ceasefire began on March 12.", "2026-01-21")
    t = one(a, "March 12")
    assert interval(t) == ("2026-03-12", "2026-03-12") and t.relative


def test_year_less_date_far_ahead_means_last_year(times):
    a = times("The ceasefire began on June 3.", "2026-01-21")
    assert interval(one(a, "June 3")) == ("2025-06-03", "2025-06-03")


def test_year_less_date_in_future_clause(times):
    a = times("Elections will be held on March 12.", "2025-12-10")
    assert interval(one(a, "March 12")) == ("2026-03-12", "2026-03-12")


def test_leap_day(times):
    a = times("The vote on February 29 was annulled.", "2024-03-10")
    assert interval(one(a, "February 29")) == ("2024-02-29", "2024-02-29")


def test_month_year_in_noun_phrase(times):
    a = times("The November 2025 elections were disputed.", "2026-01-21")
    t = one(a, "November")
    assert t.text == "November 2025" and t.precision == "month"


def test_bare_month_needs_context(times):
    a = times("May I ask? Theresa May spoke. Troops arrived in May.", "2026-01-21")
    t = one(a, "May")
    assert interval(t) == ("2025-05-01", "2025-05-31")
    s, e = t.mentions[0]
    assert a.document.text[s - 3 : e] == "in May"


def test_years_and_counts(times):
    text = "Over 2000 troops arrived. The 2025 elections were held in 2025. In 1999 there were 1999 raids."
    a = times(text, "2026-01-21")
    years = {t.text: t for t in a.times}
    assert set(years) == {"2025", "1999"}
    assert len(years["2025"].mentions) == 2 and len(years["1999"].mentions) == 1
    assert interval(years["1999"]) == ("1999-01-01", "1999-12-31") and years["1999"].precision == "year"


def test_numbers_are_not_years(times):
    assert times("Some 5,000 members and 1,200 fighters crossed.", "2026-01-21").times == []


def test_decades(times):
    a = times("Since the 1980s, and in the early 1990s, as in the '70s, the party ruled.", "2026-01-21")
    assert interval(one(a, "1980s")) == ("1980-01-01", "2026-01-21")
    early = one(a, "early 1990s")
    assert interval(early) == ("1990-01-01", "1993-12-31") and early.precision == "year"
    seventies = one(a, "'70s")
    assert interval(seventies) == ("1970-01-01", "1979-12-31") and seventies.precision == "decade"


def test_parts_of_periods(times):
    a = times("In mid-March, then in early 2026 and late last year.", "2026-03-20")
    assert interval(one(a, "mid-March")) == ("2026-03-11", "2026-03-20")
    assert interval(one(a, "early 2026")) == ("2026-01-01", "2026-04-30")
    assert interval(one(a, "late last year")) == ("2025-09-01", "2025-12-31")


def test_quarters(times):
    a = times("Output fell in the first quarter of 2025 and in Q3 2024.", "2026-03-20")
    assert interval(one(a, "first quarter")) == ("2025-01-01", "2025-03-31")
    assert interval(one(a, "Q3")) == ("2024-07-01", "2024-09-30")


def test_seasons(times):
    a = times("The offensive began last summer; the winter of 2024 was harsh; this winter is mild.",
              "2026-01-21")
    assert interval(one(a, "last summer")) == ("2025-06-01", "2025-08-31")
    assert interval(one(a, "winter of 2024")) == ("2024-12-01", "2025-02-28")
    assert interval(one(a, "this winter")) == ("2025-12-01", "2026-02-28")


def test_military_clock_time(times):
    a = times("The convoy crossed at 0400 GMT.", "2026-01-21T12:00:00Z")
    t = one(a, "0400")
    assert t.start == "2026-01-21T04:00+00:00" and t.rule == "clock_on_published_day"


def test_dates_that_are_names(times):
    assert times("The March 14 Alliance met the January 25 Revolution.", "2026-01-21").times == []


# --- intervals --------------------------------------------------------------------------------


def test_until(times):
    a = times("The ceasefire holds until March 15. He served until 2019.", "2026-01-21")
    t = one(a, "March 15")
    assert t.text == "until March 15" and interval(t) == ("2026-01-21", "2026-03-15")
    past = one(a, "2019")
    assert interval(past) == (None, "2019-12-31")


def test_between_days_of_a_month(times):
    a = times("Troops moved between March 3 and 5, 2025.", "2026-01-21")
    t = one(a, "March 3")
    assert t.text == "between March 3 and 5, 2025" and interval(t) == ("2025-03-03", "2025-03-05")


def test_from_to_years(times):
    a = times("From 2019 to 2021 the war raged; between 2014 and 2017 it slept.", "2026-01-21")
    assert interval(one(a, "2019")) == ("2019-01-01", "2021-12-31")
    t = one(a, "2014")
    assert t.text == "between 2014 and 2017" and interval(t) == ("2014-01-01", "2017-12-31")


def test_range_borrows_year_from_its_end(times):
    a = times("Fighting lasted from March 3 to April 5, 2025.", "2026-01-21")
    t = one(a, "March 3")
    assert t.text == "from March 3 to April 5, 2025"
    assert interval(t) == ("2025-03-03", "2025-04-05") and not t.relative


def test_before_and_after(times):
    a = times("Prices rose after January 3 and fell before December 2025.", "2026-01-21")
    assert interval(one(a, "after January 3")) == ("2026-01-04", "2026-01-21")
    assert interval(one(a, "before December")) == (None, "2025-11-30")


def test_since_relative_expression(times):
    a = times("Since last week, the border has been closed.", "2026-01-21")
    assert interval(one(a, "last week")) == ("2026-01-12", "2026-01-21")


def test_clock_time_with_publication_time(times):
    a = times("The strike came at 10:30 local time on Tuesday.", "2026-03-13T18:00:00Z")
    t = one(a, "10:30")
    assert t.start == t.end == "2026-03-10T10:30+00:00" and t.precision == "hour"


def test_clock_time_without_publication_time_stays_a_day(times):
    a = times("The strike came at 3 p.m. on Tuesday.", "2026-03-13")
    t = one(a, "3 p.m.")
    assert t.start == t.end == "2026-03-10" and t.precision == "day"


@pytest.mark.parametrize("word", ["after", "before"])
def test_a_bound_on_a_clock_time_known_to_the_day_stays_on_that_day(times, word):
    a = times(f"The column left the border post shortly {word} 2 a.m., officials said.", "2026-03-12")
    t = one(a, "2 a.m.")
    assert "2026-03-12" in (t.start, t.end)
    assert all(x is None or x == "2026-03-12" for x in (t.start, t.end))


# --- no publication date ----------------------------------------------------------------------


def test_without_publication_date(times):
    a = times("Since January 14, and over the past 72 hours, troops moved; the 2025 elections too.")
    since = one(a, "January 14")
    assert since.start is None and since.end is None and since.relative
    span = one(a, "72 hours")
    assert span.start is None and span.end is None and span.relative
    year = one(a, "2025")
    assert interval(year) == ("2025-01-01", "2025-12-31") and not year.relative
    assert any("no publication date" in n for n in a.notes)


def test_unreadable_publication_date(times):
    a = times("Talks resumed yesterday.", "last Tuesday")
    assert one(a, "yesterday").start is None
    assert any("not ISO" in n for n in a.notes)


# --- data -------------------------------------------------------------------------------------


def test_lexicon_sections_name_their_source():
    from importlib import resources

    data = yaml.safe_load(resources.files("gossamer").joinpath("data/lexicons/times.yaml").read_text())
    for section, body in data.items():
        if section in ("source", "rules"):
            continue
        assert "source" in body, section
    lex = load_lexicon()
    assert lex.number("a few") == 3 and lex.number("twenty-one") == 21 and lex.number("1,000") == 1000
    assert all(rule.regex.pattern for rule in lex.rules)


# --- properties -------------------------------------------------------------------------------

VOCAB = [
    "the", "past", "last", "next", "this", "since", "until", "between", "and", "from", "to", "over",
    "in", "on", "at", "ago", "earlier", "later", "recent", "coming", "early", "mid-", "late", "end", "of",
    "a", "few", "several", "two", "seven", "twenty-one", "72", "14", "3", "31", "2025", "1999", "2000",
    "1980s", "'90s", "Q3", "3 p.m.", "10:30", "12/03/2026", "13/03/2026", "2026-02-29", "2024-02-29",
    "January", "February", "March", "May", "Sept.", "Tuesday", "Friday", "Good", "today", "yesterday",
    "tomorrow", "overnight", "hours", "days", "day", "week", "weeks", "weekend", "month", "months",
    "year", "years", "decade", "decades", "quarter", "troops", "protests", "will", "held", ",", ".", "-",
]
PUBLISHED = st.sampled_from(
    [None, "2026-01-21", "2024-02-29", "2026-01-01", "2025-12-31T23:30:00+03:00", "2026-03-09T08:00:00"]
)


def test_a_span_beyond_the_calendar_has_no_interval(times):
    a = times("in the past 2025 years", "2024-02-29")  # would start in year -1
    assert all(t.start is None or t.start >= "0001" for t in a.times)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(words=st.lists(st.sampled_from(VOCAB), min_size=1, max_size=14), published=PUBLISHED)
def test_property_mentions_and_intervals(times, words, published):
    text = " ".join(words)
    a = times(text, published)
    for t in a.times:
        for s, e in t.mentions:
            assert 0 <= s < e <= len(text)
            assert text[s:e] == t.text
        if t.start is not None and t.end is not None:
            assert t.start[:10] <= t.end[:10]
            if "T" in t.start and "T" in t.end:
                assert datetime.fromisoformat(t.start) <= datetime.fromisoformat(t.end)
        for bound in (t.start, t.end):
            if bound is not None:
                datetime.fromisoformat(bound) if "T" in bound else date.fromisoformat(bound)
        assert t.precision in ("hour", "day", "week", "month", "quarter", "year", "decade")
    spans = sorted(m for t in a.times for m in t.mentions)
    for (_, e1), (s2, _) in zip(spans, spans[1:], strict=False):
        assert e1 <= s2  # no two mentions overlap
