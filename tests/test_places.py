"""The places stage: recognition (what is a place), resolution (which place), and offsets."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gossamer.gazetteer import distance_km
from gossamer.model import Entity, Place, literal_places
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
        return analysis, literal_places(analysis.places)  # demonym references: tested on their own

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
    _check_example(analysis, literal_places(analysis.places))
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

    before = [p.id for p in analysis.places]
    out = stage.resolve_spans(analysis, parsed, [at("Basra"), at("Kermanshah"), at("Najaf"), at("Clashes")])
    own = by_name(analysis.places, analysis, "Basra")
    assert (out[0].name, out[0].lat, out[0].lon) == (own.name, own.lat, own.lon)  # the stage's reading
    assert (out[1].precision, out[1].country) == ("admin1", "IR")
    assert out[2].country == "IQ" and out[2].mentions == [list(at("Najaf"))]
    # a span no gazetteer knows is still a toponym: it gets the document's main place, scored 0
    assert out[3].mentions == [list(at("Clashes"))] and out[3].score == 0.0 and out[3].candidates == 0
    assert out[3].country == "IQ"
    assert [p.id for p in analysis.places] == before  # nothing added


# ------------------------------------------------------------------ recognition: local news forms


def test_county_is_one_place(places):
    analysis, items = places("Deputies in Laurel County, Ky., arrested two men.")
    laurel = by_name(items, analysis, "Laurel County")
    assert laurel is not None and laurel.feature == "ADM2" and laurel.admin1 == "Kentucky"
    assert by_name(items, analysis, "Laurel") is None


def test_state_abbreviation_after_a_comma(places):
    analysis, items = places("The plant in Topeka, Kan., closed on Friday.")
    topeka, kansas = by_name(items, analysis, "Topeka"), by_name(items, analysis, "Kan.")
    assert kansas is not None and (kansas.precision, kansas.name) == ("admin1", "Kansas")
    assert topeka is not None and topeka.admin1 == "Kansas"


def test_dateline(places):
    analysis, items = places("Fire destroys barn.\nBYESVILLE -- Firefighters worked through the night.")
    byesville = by_name(items, analysis, "BYESVILLE")
    assert byesville is not None and byesville.country == "US"


@pytest.mark.parametrize(
    "text",
    [
        "I can see why they left.",  # "I can" spells Ican
        "A man was arrested on Monday.",  # "A man" spells Amman
        "Police went to his Memphis Street home.",  # a street, not Memphis
        "The Supreme Court ruled on Monday.",  # an institution, not the town of Supreme
    ],
)
def test_word_runs_and_streets_are_not_towns(places, text):
    _, items = places(text)
    assert [p for p in items if p.lat is not None] == []


def test_institution_named_for_its_place(places):
    analysis, items = places("Dublin is growing. The Dublin City Council approved the plan.")
    dublin = by_name(items, analysis, "Dublin")
    assert dublin is not None and len(dublin.mentions) == 2


def test_landmark_for_its_government(places):
    analysis, items = places("The White House said the talks would resume.")
    wh = by_name(items, analysis, "White House")
    assert wh is not None and (wh.feature, wh.country) == ("landmark", "US")


# ------------------------------------------------------------------ resolution: the document's context


def test_us_local_document_reads_georgia_as_the_state(places):
    analysis, items = places("Storms hit Atlanta, Savannah and Macon as Georgia braced for floods.")
    georgia = by_name(items, analysis, "Georgia")
    assert (georgia.country, georgia.precision) == ("US", "admin1")


def test_caucasus_document_reads_georgia_as_the_country(places):
    analysis, items = places("Russian troops left Gori and Tbilisi as Georgia counted the damage.")
    georgia = by_name(items, analysis, "Georgia")
    assert (georgia.country, georgia.precision) == ("GE", "country")


def test_country_name_is_not_a_small_town_by_drift(places):
    # many US towns are called Mexico or Lebanon: a US document still means the countries
    analysis, items = places("Officials in Dallas and Houston said exports to Mexico and Lebanon fell.")
    assert by_name(items, analysis, "Mexico").precision == "country"
    assert by_name(items, analysis, "Lebanon").precision == "country"


def test_qualified_country_named_town(places):
    analysis, items = places("The mill in Lebanon, Tenn., hired 40 workers.")
    lebanon = by_name(items, analysis, "Lebanon")
    assert (lebanon.country, lebanon.admin1, lebanon.precision) == ("US", "Tennessee", "town")


def test_continent_and_region(places):
    analysis, items = places("Flights from Europe to the Middle East resumed.")
    assert by_name(items, analysis, "Europe").feature == "continent"
    assert by_name(items, analysis, "Middle East").precision == "region"


def test_county_has_its_own_point(places):
    analysis, items = places("Floods closed roads in Paducah and Mayfield, Ky. Laurel County was spared.")
    laurel = by_name(items, analysis, "Laurel County")
    assert laurel.admin1 == "Kentucky"
    assert distance_km(laurel.lat, laurel.lon, 37.13, -84.08) < 50  # London, its seat


# ------------------------------------------------------------------ given spans: always a reading


def test_given_spans_loose_forms(make, stage):
    text = "Iraqi officials met in southern Iraq's capital; the Kurdish region and W.Va. were mentioned."
    analysis, parsed = make(text)
    stage(analysis, parsed)

    def at(name: str) -> tuple[int, int]:
        s = text.index(name)
        return s, s + len(name)

    iraqi, iraq, wva = stage.resolve_spans(
        analysis, parsed, [at("Iraqi"), at("southern Iraq's"), at("W.Va.")]
    )
    assert (iraqi.country, iraqi.precision) == ("IQ", "country")  # a demonym names its country
    assert (iraq.country, iraq.precision) == ("IQ", "country")  # direction and possessive dropped
    assert wva.name == "West Virginia"


def test_given_span_inside_an_institution_name(make, stage):
    text = "Students at Colorado State University protested."
    analysis, parsed = make(text)
    stage(analysis, parsed)
    s = text.index("Colorado State University")
    (csu,) = stage.resolve_spans(analysis, parsed, [(s, s + len("Colorado State University"))])
    assert (csu.name, csu.precision) == ("Colorado", "admin1")


def test_ner_place_outside_the_gazetteer_has_no_point(places):
    analysis, items = places("The fire started near Lake Lanier on Sunday.")
    lake = by_name(items, analysis, "Lake Lanier")
    if lake is None:
        pytest.skip("this spaCy model does not label Lake Lanier as a place")
    assert (lake.lat, lake.lon, lake.precision, lake.candidates) == (None, None, None, 0)


# ------------------------------------------------------------------ demonym references


def _demonyms(analysis) -> dict[str, Place]:
    return {p.name: p for p in analysis.places if p.role == "demonym"}


def test_demonyms_are_place_references_kept_apart(places):
    analysis, literal = places(
        "Iraqi soldiers shelled positions held by Russian troops near Basra, and the Russians denied it."
    )
    assert [p.name for p in literal] == ["Basrah"]  # what the text names as a place
    refs = _demonyms(analysis)
    assert set(refs) == {"Iraq", "Russia"}
    iraq, russia = refs["Iraq"], refs["Russia"]
    assert mention_texts(analysis, iraq) == ["Iraqi"]
    assert mention_texts(analysis, russia) == ["Russian", "Russians"]
    assert (iraq.country, iraq.precision, iraq.geonames_id) == ("IQ", "country", 99237)
    assert iraq.lat is not None and not iraq.literal and literal[0].literal
    # the literal places come first: adding demonym references does not renumber them
    assert analysis.places[0].name == "Basrah" and analysis.places[0].id == "p1"


def test_demonym_of_several_words_and_of_a_region(places):
    analysis, _ = places("A South Korean envoy met Latin American ministers in Geneva.")
    refs = _demonyms(analysis)
    assert mention_texts(analysis, refs["South Korea"]) == ["South Korean"]
    assert mention_texts(analysis, refs["Latin America"]) == ["Latin American"]


def test_demonym_inside_a_place_name_or_a_persons_name_is_not_one(make, stage, places):
    analysis, literal = places("Ships crossed the Indian Ocean towards Mombasa.")
    assert "India" not in _demonyms(analysis)
    assert any(p.name == "Indian Ocean" for p in literal)
    text = "Kenyan officials met Bill English in Nairobi on Monday."
    analysis, parsed = make(text)
    start = text.index("Bill English")
    analysis.new(Entity, start, start + 12, name="Bill English", type="PERSON", how="ner")
    parsed_people = [e for e in parsed.doc.ents if e.label_ == "PERSON"]
    stage(analysis, parsed)
    refs = _demonyms(analysis)
    assert "Kenya" in refs
    if any(e.text == "Bill English" for e in parsed_people):
        assert "United Kingdom" not in refs


def test_consumers_of_places_see_only_literal_places(make):
    """Events, claims and the corpus tables locate things by literal places only."""
    from gossamer.corpus.store import item_rows
    from gossamer.pipeline import default_pipeline

    analysis = default_pipeline().analyze(
        "Iraqi forces shelled Mosul on Monday, killing 12 people, Turkish officials said."
    )
    demonym_ids = {p.id for p in analysis.places if p.role == "demonym"}
    assert demonym_ids  # "Iraqi", "Turkish"
    for ev in analysis.events:
        assert ev.place not in demonym_ids and not set(ev.places) & demonym_ids
    for claim in analysis.claims:
        assert not set(claim.places) & demonym_ids
    rows = item_rows(analysis)
    assert not {r[1] for r in rows["places"]} & demonym_ids
    assert not {r[1] for r in rows["name_keys"]} & demonym_ids


def test_union_of_states_named_as_an_actor_is_also_a_place(places):
    """A KB actor named like a curated region (the EU) is a place as a state is; other actors'
    names stay out ("Hezbollah" is no territory)."""
    analysis, literal = places(
        "EU ministers met in Brussels as Hezbollah fighters crossed the border.",
        entities=[("EU", "IGO", "kb", None), ("Hezbollah", "ARMED_GROUP", "kb", "LB")],
    )
    eu = by_name(literal, analysis, "EU")
    assert eu is not None and eu.name == "European Union" and eu.precision == "region"
    assert by_name(analysis.places, analysis, "Hezbollah") is None


@pytest.mark.parametrize(
    "text, surname, place",
    [
        ("Mayor Tom Cambridge visited the school. Cambridge told reporters the plan was sound.", "Cambridge", None),
        ("Actress Paris Hilton arrived late. Hilton later flew to Paris.", "Hilton", "Paris"),
    ],
)
def test_surname_of_a_person_named_in_full_is_not_a_town(places, text, surname, place):
    analysis, literal = places(text)
    at = text.rindex(surname)
    assert not any(s == at for p in literal for s, _ in p.mentions)
    if place is not None:  # "flew to Paris": a place label and a preposition keep it a place
        assert by_name(literal, analysis, place) is not None


# ------------------------------------------------------------------ the outlet's country


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("https://www.example.iq/news/1", "IQ"),
        ("https://news.example.co.uk/world", "GB"),  # IANA: .uk, ISO GB
        ("example.pk/story", "PK"),  # no scheme
        ("https://example.com/a", None),
        ("https://example.tv/a", None),  # a ccTLD sold as a generic name
        ("https://example.io/a", None),
        ("https://example.eu/a", None),  # not one country
        ("https://[::1/oops", None),  # malformed: no hint, no error
        ("", None),
        (None, None),
    ],
)
def test_domain_country(url, code):
    from gossamer.gazetteer.outlets import domain_country

    assert domain_country(url) == code


def test_outlet_country_from_metadata_wins_over_the_domain():
    from gossamer.gazetteer.outlets import outlet_country
    from gossamer.model import Document

    assert outlet_country(Document(text="x", url="https://example.iq/", meta={"extra": {"outlet_country": "PAK"}})) == "PK"
    assert outlet_country(Document(text="x", meta={"extra": {"country": "Pakistan"}})) == "PK"
    assert outlet_country(Document(text="x", url="https://example.iq/", meta={"extra": {"country": "Atlantis"}})) == "IQ"
    assert outlet_country(Document(text="x")) is None


def test_the_outlets_country_settles_a_name_the_text_leaves_open(make, stage):
    text = "Police in Hyderabad said two men were arrested after a clash near the old market."

    def where(**meta) -> str | None:
        analysis, parsed = make(text, **meta)
        stage(analysis, parsed)
        (place,) = literal_places(analysis.places)
        return place.country

    assert where(url="https://www.example.pk/local/1") == "PK"
    assert where(url="https://www.example.in/local/1") == "IN"
    assert where(meta={"extra": {"outlet_country": "PK"}}) == "PK"
