"""The quantities stage: numerals, vague amounts, hedges, ranges, units and refusals."""

from __future__ import annotations

from importlib import resources

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gossamer.model import Quantity, Time
from gossamer.stages.quantities import QuantityStage, lexicon


@pytest.fixture(scope="module")
def stage() -> QuantityStage:
    return QuantityStage()


@pytest.fixture(scope="module")
def run(make, stage):
    """run(text) -> quantities found, after checking every mention points at its text."""

    def _run(text: str) -> list[Quantity]:
        analysis, parsed = make(text)
        stage(analysis, parsed)
        for q in analysis.quantities:
            assert len(q.mentions) == 1
            s, e = q.mentions[0]
            assert 0 <= s < e <= len(text)
            assert text[s:e] == q.text
        return analysis.quantities

    return _run


def one(quantities: list[Quantity], text: str) -> Quantity:
    hits = [q for q in quantities if q.text == text]
    assert len(hits) == 1, f"{text!r} not found in {[q.text for q in quantities]}"
    return hits[0]


# --------------------------------------------------------------------------- the founding example


def test_founding_example(make, stage, example_text):
    analysis, parsed = make(example_text)
    stage(analysis, parsed)
    members = one(analysis.quantities, "approximately 5,000 members")
    got = (members.value, members.approximate, members.bound, members.unit)
    assert got == (5000, True, "about", "member")
    assert members.vague is False
    gunmen = one(analysis.quantities, "a few thousand gunmen")
    assert gunmen.vague and gunmen.approximate and gunmen.unit == "gunman"
    assert gunmen.low <= gunmen.value <= gunmen.high
    # "the past 72 hours" is a duration: never a quantity, whether or not a Time was found
    assert not any("72" in q.text for q in analysis.quantities)


# --------------------------------------------------------------------------- readings

# sentence, mention text, value, low, high, approximate, bound, unit, vague
CASES = [
    ("They counted approximately 5,000 members of the group.", "approximately 5,000 members",
     5000, None, None, True, "about", "member", False),
    ("At least 12 dead were found.", "At least 12 dead", 12, 12, None, False, "at_least", "dead", False),
    ("Officials said dozens killed in the raid.", "dozens killed", 24, 24, 99, True, "about", "killed", True),
    ("Thousands of protesters gathered.", "Thousands of protesters", 2000, 2000, 9999, True, "about",
     "protester", True),
    ("Between 300 and 500 fighters fled.", "Between 300 and 500 fighters", 400, 300, 500, False, "range",
     "fighter", False),
    ("Nearly 2 million people were displaced.", "Nearly 2 million people", 2_000_000, None, 2_000_000, True,
     "at_most", "person", False),
    ("Some 40 vehicles were destroyed.", "Some 40 vehicles", 40, None, None, True, "about", "vehicle", False),
    ("Baghdad could withdraw a few thousand gunmen.", "a few thousand gunmen", 3000, 3000, 5999, True,
     "about", "gunman", True),
    ("Three trucks arrived.", "Three trucks", 3, None, None, False, "exact", "truck", False),
    ("The deal is worth $4.5 billion.", "$4.5 billion", 4_500_000_000, None, None, False, "exact", "USD",
     False),
    ("Prices rose 20 percent.", "20 percent", 20, None, None, False, "exact", "percent", False),
    ("Tens of thousands of people marched.", "Tens of thousands of people", 20_000, 20_000, 99_999, True,
     "about", "person", True),
    ("Hundreds of thousands of refugees left.", "Hundreds of thousands of refugees", 200_000, 200_000,
     999_999, True, "about", "refugee", True),
    ("Several hundred soldiers deployed.", "Several hundred soldiers", 300, 300, 999, True, "about",
     "soldier", True),
    ("Half a million refugees crossed.", "Half a million refugees", 500_000, None, None, False, "exact",
     "refugee", False),
    ("A dozen soldiers stood guard.", "A dozen soldiers", 12, None, None, False, "exact", "soldier", False),
    ("Twenty-three civilians were hurt.", "Twenty-three civilians", 23, None, None, False, "exact",
     "civilian", False),
    ("They sent one hundred and fifty guards.", "one hundred and fifty guards", 150, None, None, False,
     "exact", "guard", False),
    ("It has two million five hundred thousand residents.", "two million five hundred thousand residents",
     2_500_000, None, None, False, "exact", "resident", False),
    ("More than 1.2 million people fled.", "More than 1.2 million people", 1_200_000, 1_200_000, None, False,
     "at_least", "person", False),
    ("Up to 30 killed in the strike.", "Up to 30 killed", 30, None, 30, True, "at_most", "killed", False),
    ("No fewer than 30 rockets fell.", "No fewer than 30 rockets", 30, 30, None, False, "at_least", "rocket",
     False),
    ("Upwards of 1,000 refugees arrived.", "Upwards of 1,000 refugees", 1000, 1000, None, False, "at_least",
     "refugee", False),
    ("Fewer than 50 soldiers remain.", "Fewer than 50 soldiers", 50, None, 50, False, "at_most", "soldier",
     False),
    ("An estimated 300 people attended.", "An estimated 300 people", 300, None, None, True, "about", "person",
     False),
    ("Roughly 70 percent voted.", "Roughly 70 percent", 70, None, None, True, "about", "percent", False),
    ("Some 12 or more dead were counted.", "Some 12 or more dead", 12, 12, None, True, "at_least", "dead",
     False),
    ("The 5,000-plus fighters advanced.", "5,000-plus fighters", 5000, 5000, None, False, "at_least",
     "fighter", False),
    ("There were 40-odd militants.", "40-odd militants", 40, None, None, True, "about", "militant", False),
    ("There were 40 or so people.", "40 or so people", 40, None, None, True, "about", "person", False),
    ("Police detained 300 to 500 protesters.", "300 to 500 protesters", 400, 300, 500, False, "range",
     "protester", False),
    ("Police detained 300-500 protesters.", "300-500 protesters", 400, 300, 500, False, "range", "protester",
     False),
    ("Between 2 and 3 million people left.", "Between 2 and 3 million people", 2_500_000, 2_000_000,
     3_000_000,
     False, "range", "person", False),
    ("Two or three soldiers were seen.", "Two or three soldiers", 2.5, 2, 3, True, "range", "soldier", False),
    ("Forty armoured vehicles moved.", "Forty armoured vehicles", 40, None, None, False, "exact", "vehicle",
     False),
    ("Some 2,000 Iranian-backed fighters moved.", "Some 2,000 Iranian-backed fighters", 2000, None, None,
     True,
     "about", "fighter", False),
    ("A handful of fighters stayed.", "A handful of fighters", 2, 2, 5, True, "about", "fighter", True),
    ("Scores of people were hurt.", "Scores of people", 40, 40, 99, True, "about", "person", True),
    ("Nearly two dozen soldiers died.", "Nearly two dozen soldiers", 24, None, 24, True, "at_most", "soldier",
     False),
    ("The fund holds US$200m now.", "US$200m", 200_000_000, None, None, False, "exact", "USD", False),
    ("It cost €30 million.", "€30 million", 30_000_000, None, None, False, "exact", "EUR", False),
    ("It cost £5m.", "£5m", 5_000_000, None, None, False, "exact", "GBP", False),
    ("They paid USD 5 million.", "USD 5 million", 5_000_000, None, None, False, "exact", "USD", False),
    ("They paid 3,000 Iraqi dinars.", "3,000 Iraqi dinars", 3000, None, None, False, "exact", "IQD", False),
    ("About $5 million was paid.", "About $5 million", 5_000_000, None, None, True, "about", "USD", False),
    ("Inflation hit 3.8% in May.", "3.8%", 3.8, None, None, False, "exact", "percent", False),
    ("Support fell 40 per cent.", "40 per cent", 40, None, None, False, "exact", "percent", False),
    ("Three militiamen and 7 hostages.", "Three militiamen", 3, None, None, False, "exact", "militiaman",
     False),
    ("Some 300 Houthis marched.", "Some 300 Houthis", 300, None, None, True, "about", "houthi", False),
    ("Iraq has 329 seats.", "329 seats", 329, None, None, False, "exact", "seat", False),
    ("Convoy of about 1,200 fighters crosses into Syria", "about 1,200 fighters", 1200, None, None, True,
     "about", "fighter", False),
    ("They found five fuel tankers.", "five fuel tankers", 5, None, None, False, "exact", "tanker", False),
]


@pytest.mark.parametrize("sentence,text,value,low,high,approximate,bound,unit,vague", CASES)
def test_reading(run, sentence, text, value, low, high, approximate, bound, unit, vague):
    q = one(run(sentence), text)
    assert q.value == pytest.approx(value)
    assert q.low == (pytest.approx(low) if low is not None else None)
    assert q.high == (pytest.approx(high) if high is not None else None)
    assert (q.approximate, q.bound, q.unit, q.vague) == (approximate, bound, unit, vague)


def test_whole_numbers_are_ints(run):
    q = one(run("Nearly 2 million people fled."), "Nearly 2 million people")
    assert isinstance(q.value, int) and q.value == 2_000_000


def test_casualty_verbs_give_the_unit_without_extending_the_text(run):
    qs = run("At least 12 were killed and 30 others were wounded. The blast killed 7. Two of them died.")
    assert one(qs, "At least 12").unit == "killed"
    assert one(qs, "30").unit == "wounded"
    assert one(qs, "7").unit == "killed"
    assert one(qs, "Two").unit == "dead"


def test_casualty_words_after_a_number(run):
    qs = run("Five wounded, 7 missing, 40 arrested and 3 detained.")
    assert [(q.text, q.unit) for q in qs] == [
        ("Five wounded", "wounded"),
        ("7 missing", "missing"),
        ("40 arrested", "arrested"),
        ("3 detained", "detained"),
    ]


def test_the_killers_are_not_the_killed(run):
    q = one(run("Twelve gunmen killed three guards."), "Twelve gunmen")
    assert q.unit == "gunman"


def test_bare_vague_amount_keeps_no_unit(run):
    q = one(run("Thousands fled the city."), "Thousands")
    assert q.unit is None and q.vague and q.value == q.low == 2000


def test_hedge_words_only_count_when_attached(run):
    qs = run("They fought over 3 villages.")
    q = one(qs, "3 villages")
    assert q.bound == "exact" and not q.approximate


def test_from_to_is_a_change_not_a_range(run):
    qs = run("The toll rose from 5 to 9 on Monday.")
    assert all(q.bound != "range" for q in qs)


def test_percentage_points(run):
    q = one(run("Turnout fell 4 percentage points."), "4 percentage points")
    assert q.unit == "percentage point"


# --------------------------------------------------------------------------- refusals


@pytest.mark.parametrize(
    "sentence",
    [
        "Resolution 2231 was adopted.",
        "The council adopted Resolution 2231 last year.",
        "They invoked Article 140 of the constitution.",
        "Soldiers of Unit 45 arrived.",
        "The G7 met.",
        "He flew F-16 jets and a MiG-29.",
        "It happened in 2015.",
        "They met on 3 May.",
        "The meeting began at 10:30.",
        "The convoy left at 5 a.m. yesterday.",
        "He was the first to speak, the 2nd time.",
        "Call 555-1234 or 555-123-4567 now.",
        "Dial +964 770 123 4567 today.",
        "One of the men spoke.",
        "No one knows.",
        "One should never count.",
        "The one who left was there.",
        "It lasted 72 hours.",
        "A 25-year-old man and a 30-day ceasefire.",
        "Brigade No. 5 moved.",
        "Gate #3 opened and number 7 closed.",
        "The score was 2-1.",
        "He tried three times.",
        "Test scores rose.",
        "Several were seen.",
        "A few more arrived.",
    ],
)
def test_not_quantities(run, sentence):
    assert run(sentence) == []


def test_time_mention_blocks_a_quantity(make, stage):
    text = "Over the past 72 hours approximately 5,000 members crossed."
    analysis, parsed = make(text)
    start = text.index("approximately")
    end = text.index(" crossed")
    analysis.new(Time, start, end, text=text[start:end])  # whatever the times stage said, it wins
    stage(analysis, parsed)
    assert analysis.quantities == []


def test_time_mention_over_72_hours(make, stage):
    text = "Fighters crossed over the past 72 hours, 40 trucks too."
    analysis, parsed = make(text)
    start = text.index("the past")
    analysis.new(Time, start, start + len("the past 72 hours"), text="the past 72 hours")
    stage(analysis, parsed)
    assert [q.text for q in analysis.quantities] == ["40 trucks"]


def test_empty_and_numberless_documents(run):
    assert run("No numbers here at all.") == []
    assert run("a") == []


def test_ids_and_order(make, stage):
    analysis, parsed = make("Three trucks and 40 soldiers left; dozens stayed.")
    stage(analysis, parsed)
    assert [q.id for q in analysis.quantities] == ["q1", "q2", "q3"]
    starts = [q.mentions[0][0] for q in analysis.quantities]
    assert starts == sorted(starts)


# --------------------------------------------------------------------------- data file


def test_every_section_has_a_source():
    raw = yaml.safe_load(resources.files("gossamer").joinpath("data/lexicons/quantities.yaml").read_text())
    for name, section in raw.items():
        assert isinstance(section, dict) and section.get("source"), name


def test_vague_spans_are_ordered():
    lex = lexicon()
    for word, span in lex.plurals.items():
        assert span.low <= span.high, word
        assert span.low >= 2 * span.base, word
    for phrase, span in lex.quantifiers.keyed.items():
        assert 1 <= span.low <= span.high, phrase


# --------------------------------------------------------------------------- property


HEDGES = ["", "approximately", "about", "some", "at least", "more than", "nearly", "almost", "up to",
          "roughly", "an estimated", "no fewer than", "fewer than", "upwards of"]
NOUNS = ["soldiers", "protesters", "fighters", "vehicles", "civilians", "rockets", "refugees", "trucks"]
WORD_NUMBERS = ["three", "twelve", "twenty-three", "two million", "a dozen", "half a million", "five hundred"]
VAGUE = ["dozens of", "hundreds of", "thousands of", "tens of thousands of", "several", "a few"]
CARRIERS = ["Officials said {} were seen near the border.", "{} crossed into the province.",
            "The report counted {} on the road.", "Witnesses said that {} arrived."]


@st.composite
def amounts(draw) -> str:
    kind = draw(st.sampled_from(["digits", "words", "vague", "range"]))
    noun = draw(st.sampled_from(NOUNS))
    if kind == "vague":
        return f"{draw(st.sampled_from(VAGUE))} {noun}"
    hedge = draw(st.sampled_from(HEDGES))
    if kind == "digits":
        n = draw(st.integers(min_value=2, max_value=999_999).filter(lambda v: not 1800 <= v <= 2100))
        num = draw(st.sampled_from([f"{n:,}", str(n) if n < 1000 else f"{n:,}", f"{n / 10:.1f} million"]))
    elif kind == "words":
        num = draw(st.sampled_from(WORD_NUMBERS))
    else:
        a = draw(st.integers(min_value=2, max_value=500))
        b = draw(st.integers(min_value=a + 1, max_value=900))
        num = draw(st.sampled_from([f"between {a} and {b}", f"{a} to {b}", f"{a}-{b}"]))
        hedge = ""
    return " ".join(p for p in (hedge, num, noun) if p)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(amount=amounts(), carrier=st.sampled_from(CARRIERS))
def test_property_offsets_and_bounds(run, amount, carrier):
    text = carrier.format(amount)
    if text[0].islower():
        text = text[0].upper() + text[1:]
    qs = run(text)  # checks text[start:end] == q.text for each
    assert qs, f"nothing found in {text!r}"
    lo_char = text.lower().index(amount.lower())
    covered = [q for q in qs if q.mentions[0][0] <= lo_char + len(amount) and q.mentions[0][1] >= lo_char]
    assert covered, f"{amount!r} not covered in {text!r}: {[q.text for q in qs]}"
    for q in qs:
        assert q.bound in ("exact", "at_least", "at_most", "about", "range")
        assert q.value is not None
        if q.low is not None:
            assert q.value >= q.low
        if q.high is not None:
            assert q.value <= q.high
        if q.vague:
            assert q.approximate and q.value == q.low


SOUP = ["5,000", "12", "4.5", "one", "a", "few", "thousand", "million", "-", "–", "$", "US$", "€", "%",
        "percent", "of", "the", "between", "and", "to", "or", "more", "at", "least", "nearly", "dozens",
        "tens", "killed", "dead", "people", "soldiers", "\n", ".", "2015", "hours", "m", "bn", "half",
        "twenty", "three", "No.", "Unit", ",", "(", ")", "May", "USD", "plus", "odd", "so"]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(SOUP), st.sampled_from([" ", "", " "])), min_size=1, max_size=30))
def test_property_token_soup_never_breaks(run, pieces):
    text = "".join(word + sep for word, sep in pieces).strip() or "x"
    for q in run(text):  # offsets are checked inside run
        if q.low is not None:
            assert q.low <= q.value
        if q.high is not None:
            assert q.value <= q.high
        if q.bound == "range":
            assert q.low < q.high
