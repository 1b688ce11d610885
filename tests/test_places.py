"""The places stage: recognition (what is a place), resolution (which place), and offsets."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gossamer.gazetteer import distance_km
from gossamer.model import Entity, Place
from gossamer.phrases import key
from gossamer.stages.places import PlaceStage


def mention_texts(analysis, item) -> list[str]:
    return [analysis.document.text[s:e] for s, e in item.mentions]


@pytest.fixture(scope="module")
def stage() -> PlaceStage:
    return PlaceStage()


@pytest.fixture(scope="module")
def places(make, stage):
    """places(text, entities=()) -> (Analysis, [Place]); entities: (text, type, how, country)."""

    def run(text: str, entities=()):
        analysis, parsed = make(text)
        for surface, etype, how, country in entities:
            start = text.index(surface)
            analysis.new(
                Entity, start, start + len(surface), name=surface, type=etype, how=how, country=country
            )
        stage(analysis, parsed)
        return analysis, analysis.places

    return run


def by_name(items: list[Place], analysis, surface: str) -> Place | None:
    """The place one of whose mentions reads `surface`."""
    for p in items:
        if surface in mention_texts(analysis, p):
            return p
    return None


# ------------------------------------------------------------------ the founding example


def _check_example(analysis, items):
    def get(surface):
        p = by_name(items, analysis, surface)
        assert p is not None, f"{surface} not found among {[p.name for p in items]}"
        return p

    baghdad, tehran = get("Baghdad"), get("Tehran")
    assert (baghdad.country, baghdad.feature, baghdad.precision) == ("IQ", "PPLC", "town")
    assert (tehran.country, tehran.feature, tehran.precision) == ("IR", "PPLC", "town")
    assert len(baghdad.mentions) >= 5 and len(tehran.mentions) >= 5
    shalamcheh, munziriyah = get("Shalamcheh"), get("Munziriyah")
    assert distance_km(shalamcheh.lat, shalamcheh.lon, 30.50, 48.08) < 40
    assert distance_km(munziriyah.lat, munziriyah.lon, 34.23, 45.39) < 40
    assert shalamcheh.feature == munziriyah.feature == "crossing"
    for name in ("Khuzestan", "Kermanshah"):
        p = get(name)
        assert (p.precision, p.country) == ("admin1", "IR"), p
    assert (get("Iraq").precision, get("Iraq").country) == ("country", "IQ")
    assert (get("Iran").precision, get("Iran").country) == ("country", "IR")
    # one item per resolved place
    assert len({(p.lat, p.lon, p.name) for p in items}) == len(items)
    # demonyms and organisations are not places
    texts = {t for p in items for t in mention_texts(analysis, p)}
    assert not texts & {"Iraqi", "Iranian", "Iraqis", "Hezbollah", "NCRI"}


def test_example_without_entities(places, example_text):
    analysis, items = places(example_text)
    _check_example(analysis, items)


def test_example_after_entity_stage(make, stage, example_text):
    entities = pytest.importorskip("gossamer.stages.entities")
    analysis, parsed = make(example_text)
    entities.EntityStage()(analysis, parsed)
    stage(analysis, parsed)
    _check_example(analysis, analysis.places)
    # "Tehran's strategy": a capital standing for its government is still a place mention
    tehran = by_name(analysis.places, analysis, "Tehran")
    assert any(
        example_text[e : e + 2] == "'s" or example_text[e : e + 2] == "\u2019s" for _, e in tehran.mentions
    )
    # "National Council of Resistance of Iran": Iran inside an organisation's name is not a place
    iran = by_name(analysis.places, analysis, "Iran")
    ncri = example_text.index("National Council of Resistance of Iran")
    assert all(not ncri <= s < ncri + 40 for s, _ in iran.mentions)


# ------------------------------------------------------------------ recognition


@pytest.mark.parametrize(
    "text",
    [
        "Jordan Peterson spoke at length.",
        "Georgia Power said it would raise rates.",
        "The Iraqi delegation arrived.",
    ],
)
def test_not_places(places, text):
    _, items = places(text)
    assert items == []


def test_org_containing_country_is_not_a_place(places):
    text = "The National Council of Resistance of Iran held a rally."
    _, items = places(text, [("National Council of Resistance of Iran", "COALITION", "kb", None)])
    assert items == []


def test_kb_armed_group_blocks_its_tokens(places):
    text = "Fighters of Harakat al-Nujaba moved."
    _, items = places(text, [("Harakat al-Nujaba", "ARMED_GROUP", "kb", "IQ")])
    assert items == []


def test_ner_person_place_with_cue(places):
    analysis, items = places("Convoys passed the al-Qaim crossing into Syria.")
    qaim = items[0]
    assert qaim.feature == "crossing" and qaim.country == "IQ"
    assert mention_texts(analysis, qaim)[0].lower().startswith("al-qaim")
    assert distance_km(qaim.lat, qaim.lon, 34.39, 40.99) < 40
    assert items[1].name == "Syria" and items[1].precision == "country"


def test_direction_word_is_not_part_of_the_mention(places):
    analysis, items = places("Turkish drones struck northern Syria.")
    assert [(p.name, mention_texts(analysis, p)) for p in items] == [("Syria", ["Syria"])]


def test_possessive_is_not_part_of_the_name(places):
    analysis, items = places("Georgia's president met Jordan's king in Amman.")
    assert [(p.name, p.precision) for p in items] == [
        ("Georgia", "country"),
        ("Jordan", "country"),
        ("Amman", "town"),
    ]
    assert mention_texts(analysis, items[1]) == ["Jordan"]


def test_the_gulf_needs_its_article(places):
    _, items = places("Tankers waited in the Gulf.")
    assert [(p.name, p.precision) for p in items] == [("Persian Gulf", "region")]


# ------------------------------------------------------------------ resolution


def test_qualified_town(places):
    analysis, items = places("There were clashes in Paris, Texas on Monday.")
    paris = by_name(items, analysis, "Paris")
    assert paris.country == "US" and paris.admin1 == "Texas" and paris.precision == "town"
    assert paris.candidates > 5
    texas = by_name(items, analysis, "Texas")
    assert texas.precision == "admin1" and texas.country == "US"


def test_unqualified_paris_is_the_capital(places):
    _, items = places("Talks resumed in Paris on Monday.")
    assert (items[0].country, items[0].feature) == ("FR", "PPLC")


def test_town_sharing_its_province_name(places):
    _, items = places("Fighters gathered in Basra.")
    assert (items[0].country, items[0].precision) == ("IQ", "town")
    assert items[0].alternatives and items[0].alternatives[0]["precision"] == "admin1"


def test_province_cue(places):
    _, items = places("Protests spread to Basra province.")
    assert (items[0].country, items[0].precision) == ("IQ", "admin1")


def test_coordinated_provinces(places):
    _, items = places("Protests broke out in the provinces of Khuzestan and Kermanshah.")
    assert [(p.name, p.precision, p.country) for p in items] == [
        ("Khuzestan", "admin1", "IR"),
        ("Kermanshah", "admin1", "IR"),
    ]


def test_city_without_cue(places):
    _, items = places("Protesters marched in Kermanshah on Friday.")
    assert (items[0].precision, items[0].feature) == ("town", "PPLA")


def test_coordinated_crossings(places):
    _, items = places("They came through the Mehran and Khosravi border crossings.")
    assert [p.feature for p in items] == ["crossing", "crossing"]


def test_mehran_alone_is_the_town(places):
    _, items = places("Pilgrims rested in Mehran.")
    assert items[0].precision == "town" and items[0].country == "IR"


def test_admin1_spelling_variants(places):
    _, items = places("Militias deployed in Anbar, Nineveh and Salahuddin provinces.")
    assert [(p.precision, p.country) for p in items] == [("admin1", "IQ")] * 3


def test_repeated_mentions_share_one_item(places):
    text = "Baghdad rejected the claim. Later, officials in Baghdad met envoys from Tehran."
    analysis, items = places(text)
    assert [p.name for p in items] == ["Baghdad", "Tehran"]
    assert mention_texts(analysis, items[0]) == ["Baghdad", "Baghdad"]


def test_document_country_context(places):
    # Several towns are called Rabia; the Iraqi one wins in a document about Iraq.
    _, items = places(
        "Iraqi forces reinforced Rabia as Iraq closed the crossing.", [("Iraqi", "STATE", "demonym", "IQ")]
    )
    rabia = items[0]
    assert rabia.country == "IQ"


def test_alternatives_carry_runner_up_fields(places):
    _, items = places("Fighters gathered in Basra.")
    alt = items[0].alternatives[0]
    assert {"name", "lat", "lon", "country", "feature", "geonames_id", "score"} <= set(alt)
    assert 0 < alt["score"] < items[0].score <= 1


# ------------------------------------------------------------------ offsets (property)

FRAGMENTS = [
    "Clashes erupted in Basra.",
    "Drones struck northern Syria.",
    "The Iraqi delegation left Baghdad for Tehran.",
    "Convoys used the Shalamcheh and Mehran border crossings.",
    "Jordan Peterson spoke in Toronto.",
    "Georgia Power raised rates.",
    "Protests hit the provinces of Khuzestan and Kermanshah.",
    "Rockets struck Ain al-Asad air base and the Green Zone.",
    "They met in Paris, Texas.",
    "Tankers crossed the Strait of Hormuz.",
    "Police said nothing.",
    "Tehran’s strategy in Iraq",
]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=5), st.sampled_from([" ", "\n", "  "]))
def test_mentions_are_names_in_bounds(places, stage, parts, sep):
    text = sep.join(parts)
    _, items = places(text)
    spans = []
    for p in items:
        assert p.mentions == sorted(p.mentions)
        for s, e in p.mentions:
            assert 0 <= s < e <= len(text)
            surface = text[s:e]
            assert surface == surface.strip() and surface
            assert stage.gaz.lookup(surface), surface  # every mention is a gazetteer name
            spans.append((s, e))
        assert p.lat is not None and -90 <= p.lat <= 90 and -180 <= p.lon <= 180
        assert p.precision in {"exact", "town", "admin1", "country", "region"}
        assert 0 < p.score <= 1 and p.candidates >= 1
    spans.sort()
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))  # no mention overlaps another
    # same name, same item
    first = {}
    for p in items:
        for s, e in p.mentions:
            first.setdefault(key(text[s:e]), p.id)
            assert first[key(text[s:e])] == p.id


def test_resolve_given_spans(make, stage):
    text = "Clashes in Basra and the Kermanshah province; Najaf was quiet."
    analysis, parsed = make(text)
    stage(analysis, parsed)

    def at(name: str) -> tuple[int, int]:
        s = text.index(name)
        return s, s + len(name)

    out = stage.resolve_spans(analysis, parsed, [at("Basra"), at("Kermanshah"), at("Najaf"), at("Clashes")])
    assert out[0] is by_name(analysis.places, analysis, "Basra")  # the stage's own reading
    assert (out[1].precision, out[1].country) == ("admin1", "IR")
    assert out[2].country == "IQ" and out[2].mentions == [list(at("Najaf"))]
    assert out[3] is None
    assert len(analysis.places) == len({p.id for p in analysis.places})  # nothing added
