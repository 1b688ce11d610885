"""The events stage: PLOVER categories, participants, where/when/how many, status, attribution."""

from __future__ import annotations


import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gossamer.events.lexicon import build_lexicon, load_lexicon
from gossamer.model import PLOVER_CATEGORIES, Analysis, Event
from gossamer.pipeline import DEFAULT_STAGES, load_stage
from gossamer.schema import validate
from gossamer.stages.events import EventStage

PUBLISHED = "2026-01-21"


@pytest.fixture(scope="module")
def stages():
    return [load_stage(s) for s in DEFAULT_STAGES if not s.endswith(":EventStage")] + [EventStage()]


@pytest.fixture(scope="module")
def run(make, stages):
    def _run(text: str, published: str | None = PUBLISHED) -> Analysis:
        analysis, parsed = make(text, published=published)
        for stage in stages:
            stage(analysis, parsed)
        return analysis

    return _run


def kb(a: Analysis, ids: list[str]) -> set[str]:
    """KB ids (or names) of entity ids."""
    out = set()
    for i in ids:
        e = a.get(i)
        out.add(e.kb_id or e.name)
    return out


def phrases(a: Analysis, mentions: list[list[int]]) -> list[str]:
    return [a.text_of(m) for m in mentions]


def one(a: Analysis, category: str) -> Event:
    found = [v for v in a.events if v.category == category]
    assert len(found) == 1, [(v.category, v.trigger) for v in a.events]
    return found[0]


# --------------------------------------------------------------------------- lexicon


def test_lexicon_covers_every_category_with_sources():
    lex = load_lexicon()
    assert set(lex.counts) == set(PLOVER_CATEGORIES)
    total = sum(sum(c.values()) for c in lex.counts.values())
    assert total >= 250
    for cat, counts in lex.counts.items():
        assert counts["verb"] + counts["noun"] >= 5, cat
    for table in (lex.verbs, lex.nouns, lex.adjs):
        for entries in table.values():
            for e in entries:
                assert e.source and "PLOVER" in e.source or "usage" in e.source
                assert e.mode is None or e.mode == "@force" or e.mode in lex.modes[e.category]


def _raw() -> dict:
    from importlib import resources

    return yaml.safe_load(
        resources.files("gossamer").joinpath("data/lexicons/plover.yaml").read_text("utf-8")
    )


def test_lexicon_refuses_a_mode_the_category_does_not_have():
    data = _raw()
    data["categories"]["ASSAULT"]["verbs"]["attack"] = {"mode": "troops"}
    with pytest.raises(ValueError, match="not a PLOVER ASSAULT mode"):
        build_lexicon(data)


def test_lexicon_refuses_yaml_booleans_in_word_lists():
    data = _raw()
    data["place_preps"]["preps"].append(True)  # what a bare `on` becomes
    with pytest.raises(ValueError, match="quote it"):
        build_lexicon(data)


def test_readings_are_tried_most_specific_first():
    lex = load_lexicon()
    fire = lex.verbs["fire"]
    assert fire[0].object_in  # "fire missiles at" before "fire at"
    protest = lex.verbs["protest"]
    assert protest[0].category == "ACCUSE" and protest[-1].category == "PROTEST"


# --------------------------------------------------------------------------- every category

CASES = [
    ("Iran and Iraq agreed to reopen the border crossing.", "AGREE", {"IRN", "IRQ"}),
    (
        "Turkish President Recep Tayyip Erdogan met with Vladimir Putin in Sochi on Monday.",
        "CONSULT",
        {"TUR-ERDOGAN"},
    ),
    ("Germany praised Ukraine for its reforms.", "SUPPORT", {"DEU"}),
    ("The government lifted the curfew in Baghdad.", "CONCEDE", set()),
    ("Jordan and Egypt share intelligence on militant groups.", "COOPERATE", {"JOR", "EGY"}),
    ("The United States sent humanitarian aid to Gaza.", "AID", {"USA"}),
    ("Russian forces withdrew from Kherson.", "RETREAT", {"RUS-MIL"}),
    ("The European Union called on Iran to release the detained journalists.", "REQUEST", {"IGO-EU"}),
    ("Iran condemned the Israeli airstrike.", "ACCUSE", {"IRN"}),
    ("Hezbollah rejected the ceasefire proposal.", "REJECT", {"LBN-HEZ"}),
    ("Iran threatened to close the Strait of Hormuz.", "THREATEN", {"IRN"}),
    ("Thousands of protesters rallied in Tehran against the government.", "PROTEST", set()),
    ("Washington imposed sanctions on Venezuela.", "SANCTION", {"USA-GOV"}),
    ("Russia deployed 3,000 troops to Belarus.", "MOBILIZE", {"RUS"}),
    ("Police arrested 40 activists in Cairo.", "COERCE", set()),
    ("Israeli jets struck a convoy near Damascus, killing five people.", "ASSAULT", {"ISR"}),
]


@pytest.mark.parametrize(("text", "category", "actors"), CASES, ids=[c[1] for c in CASES])
def test_each_category(run, text, category, actors):
    a = run(text)
    found = [v for v in a.events if v.category == category]
    assert found, [(v.category, v.trigger) for v in a.events]
    assert actors <= kb(a, found[0].actors)


def test_all_sixteen_categories_are_exercised():
    assert {c[1] for c in CASES} == set(PLOVER_CATEGORIES)


# --------------------------------------------------------------------------- participants


def test_passive_voice_agent_is_the_actor(run):
    a = run("The village was attacked by Hamas fighters.")
    v = one(a, "ASSAULT")
    assert kb(a, v.actors) == {"PSE-HAMAS"}
    assert phrases(a, v.recipient_phrases) == ["The village"]


def test_compound_actors_through_a_group_noun(run):
    a = run("Kata'ib Hezbollah and Harakat al-Nujaba fighters attacked a US base in Syria.")
    v = one(a, "ASSAULT")
    assert kb(a, v.actors) == {"IRQ-KH", "IRQ-NUJABA"}
    assert [a.get(p).name for p in v.places] == ["Syria"]


def test_members_of_a_group_resolve_to_it(run):
    a = run("About 200 members of Kata'ib Hezbollah crossed the border into Syria on Sunday.")
    v = one(a, "MOBILIZE")
    assert v.mode == "militia"
    assert kb(a, v.actors) == {"IRQ-KH"}
    assert a.get(v.size).value == 200
    assert a.get(v.time).text.lower() == "on sunday"


@pytest.mark.parametrize(
    ("text", "mode"),
    [
        ("Armed men crossed the border into Lebanon.", "militia"),
        ("Turkish troops crossed the border into Syria.", "troops"),
        ("Riot police were deployed to the capital.", "police"),
    ],
)
def test_mode_follows_the_force(run, text, mode):
    assert one(run(text), "MOBILIZE").mode == mode


def test_summoning_an_envoy_is_a_protest_not_a_mobilization(run):
    a = run("Iran summoned the British ambassador.")
    v = one(a, "ACCUSE")
    assert v.mode == "disapprove" and kb(a, v.actors) == {"IRN"} and kb(a, v.recipients) == {"GBR"}


def test_crossing_the_border_needs_armed_movers(run):
    assert not [
        v
        for v in run("Thousands of tourists crossed the border into Spain.").events
        if v.category == "MOBILIZE"
    ]


def test_motion_verb_misread_as_a_participle_moves_its_noun(run):
    # the small parser reads "crossed" as a participle on "militants" (an acl); the noun moves
    a = run(
        "A convoy carrying about 900 armed militants crossed from Turkey into Syria through the "
        "Bab al-Hawa border crossing before dawn on Monday."
    )
    v = one(a, "MOBILIZE")
    assert v.trigger == "crossed"
    assert phrases(a, v.actor_phrases) == ["about 900 armed militants"]
    assert a.get(v.size).value == 900


def test_unarmed_crowd_crossing_into_a_country_is_no_mobilization(run):
    a = run("A bus carrying about 40 pilgrims crossed from Iraq into Iran at the Mehran crossing.")
    assert not [v for v in a.events if v.category == "MOBILIZE"]


def test_conjoined_demonyms_on_a_delegation_are_both_parties(run):
    a = run("Turkish and Greek delegations held about four hours of talks in Geneva on Monday.")
    v = one(a, "CONSULT")
    assert kb(a, v.actors) == {"TUR", "GRC"}


def test_possessive_pronoun_goes_to_the_subject(run):
    a = run("Russia will not withdraw its troops.")
    v = one(a, "RETREAT")
    assert kb(a, v.actors) == {"RUS"} and v.status == "negated"


def test_proxies_within_a_named_coalition(run):
    a = run("Tehran has issued strict instructions to its proxies within the Coordination Framework.")
    v = one(a, "REQUEST")
    assert v.mode == "change"
    assert kb(a, v.recipients) == {"IRQ-CF"}
    assert v.trigger == "instructions"  # the noun decides; "issued" is its support verb


def test_support_verb_makes_one_event(run):
    a = run("The Saudi-led coalition has carried out airstrikes on Sanaa.")
    assert [(v.category, v.mode, v.trigger) for v in a.events] == [("ASSAULT", "aerial", "airstrikes")]


def test_participation_verb_gives_the_noun_its_actor(run):
    a = run("Houthi rebels took part in the attack on the ship.")
    v = one(a, "ASSAULT")
    assert kb(a, v.actors) == {"YEM-AA"}
    assert phrases(a, v.recipient_phrases) == ["the ship"]


def test_casualty_participle_merges_into_the_attack(run):
    a = run("Israeli jets struck a convoy near Damascus, killing five people.")
    v = one(a, "ASSAULT")
    assert a.get(v.dead).value == 5
    assert [a.get(p).name for p in v.places] == ["Damascus"]


def test_casualty_verb_merges_into_the_event_noun(run):
    a = run("At least 12 people were killed and 30 wounded in an airstrike on Gaza, according to Reuters.")
    v = one(a, "ASSAULT")
    assert v.mode == "aerial"
    assert a.get(v.dead).value == 12 and a.get(v.injured).value == 30
    assert v.attributed_to["source_type"] == "media"


def test_speech_act_about_an_event_targets_its_actor(run):
    a = run("Iran condemned the Israeli airstrike.")
    assert kb(a, one(a, "ACCUSE").recipients) == {"ISR"}
    assert kb(a, one(a, "ASSAULT").actors) == {"ISR"}


def test_object_of_accuse_does_the_reported_act(run):
    a = run("Iranian officials accused Israel of attacking the consulate.")
    v = one(a, "ASSAULT")
    assert kb(a, v.actors) == {"ISR"}
    assert v.status == "claimed"


def test_dates_are_not_participants(run):
    a = run("Hamas released 12 hostages on Sunday.")
    v = one(a, "RETREAT")
    assert v.mode == "release"
    assert phrases(a, v.recipient_phrases) == ["12 hostages"]


def test_threat_targets_the_threatened_party(run):
    a = run("Iran warned that it would strike Israel.")
    assert kb(a, one(a, "THREATEN").recipients) == {"ISR"}
    assert one(a, "ASSAULT").status == "threatened"


def test_subject_of_a_demanded_clause_is_the_recipient(run):
    a = run("Egypt demanded that the Israeli government reopen the crossing.")
    assert kb(a, one(a, "REQUEST").recipients) == {"ISR-GOV"}


def test_subject_of_a_demand_nouns_clause_is_the_recipient(run):
    a = run("The opposition insisted on its demand that the government hold new elections.")
    assert phrases(a, one(a, "REQUEST").recipient_phrases) == ["the government"]


@pytest.mark.parametrize(
    ("text", "category", "recipients"),
    [
        ("Hamas rejected an offer from Egypt for a new truce.", "REJECT", {"EGY"}),
        ("Syria rejected the Jordanian peace plan.", "REJECT", {"JOR"}),
        ("The ministry sought assistance from the United Nations.", "REQUEST", {"IGO-UN"}),
    ],
)
def test_author_of_what_is_rejected_or_asked_for_is_the_recipient(run, text, category, recipients):
    a = run(text)
    assert kb(a, one(a, category).recipients) == recipients


@pytest.mark.parametrize(
    ("text", "category", "recipients"),
    [
        ("Jordan agreed to supply electricity to Lebanon.", "AGREE", {"LBN"}),
        ("Turkey threatened to impose sanctions against Greece.", "THREATEN", {"GRC"}),
        ("Israel refused to lift the siege on the Hezbollah stronghold.", "REJECT", {"LBN-HEZ"}),
    ],
)
def test_target_of_the_promised_refused_or_threatened_act(run, text, category, recipients):
    a = run(text)
    assert kb(a, one(a, category).recipients) == recipients


@pytest.mark.parametrize(
    ("text", "category", "place"),
    [
        ("The rebels threatened to halt fuel deliveries to Kirkuk.", "THREATEN", "Kirkuk"),
        ("Turkey agreed to supply water to Aleppo.", "AGREE", "Aleppo"),
    ],
)
def test_a_city_the_intended_act_is_aimed_at_stands_for_its_people(run, text, category, place):
    a = run(text)
    assert phrases(a, one(a, category).recipient_phrases) == [place]


def test_threat_against_unnamed_targets_keeps_the_phrase(run):
    a = run("Russia threatened to strike Ukrainian cities.")
    assert phrases(a, one(a, "THREATEN").recipient_phrases) == ["Ukrainian cities"]


def test_conditional_threat_targets_who_must_meet_the_condition(run):
    a = run("Russia threatened to halt the talks if Japan went ahead with the missile deployment.")
    assert kb(a, one(a, "THREATEN").recipients) == {"JPN"}


@pytest.mark.parametrize(
    ("text", "category", "place"),
    [
        ("Turkish authorities imposed a curfew in the town of Silopi.", "COERCE", "Silopi"),
        ("The president will visit Amman next week.", "CONSULT", "Amman"),
    ],
)
def test_place_stands_for_the_recipient_when_no_party_is_named(run, text, category, place):
    v = one(run(text), category)
    assert not v.recipients
    assert phrases(run(text), v.recipient_phrases) == [place]


def test_venue_of_talks_is_no_recipient(run):
    a = run("The two ministers met in Geneva on Monday.")
    v = one(a, "CONSULT")
    assert not v.recipients and not v.recipient_phrases


@pytest.mark.parametrize(
    ("text", "actors", "recipients"),
    [
        ("Egypt insisted that Ethiopia must release more water from the dam.", {"EGY"}, {"ETH"}),
        ("Authorities have been pressuring the union to cancel the strike.", set(), set()),
    ],
)
def test_saying_another_party_must_act_is_a_demand(run, text, actors, recipients):
    a = run(text)
    v = one(a, "REQUEST")
    assert kb(a, v.actors) == actors and kb(a, v.recipients) == recipients
    assert v.recipients or phrases(a, v.recipient_phrases) == ["the union"]


def test_demonym_on_a_protest_noun_names_its_people(run):
    a = run("Kurdish riots against the new law continued on Friday.")
    v = one(a, "PROTEST")
    assert not v.actors and phrases(a, v.actor_phrases) == ["Kurdish"]


def test_a_warning_about_the_past_is_a_report_not_a_threat(run):
    a = run("The UN warned that Russia attacked Ukraine.")
    assert [v.category for v in a.events] == ["ASSAULT"]
    assert a.events[0].status == "claimed"


def test_measure_noun_passes_to_what_is_measured(run):
    a = run("The Sadrist Movement sent 900 tonnes of food aid to the border crossing on Monday.")
    v = one(a, "AID")
    assert v.trigger == "aid" and v.actors


def test_movement_into_a_state_makes_it_the_place(run):
    a = run("Fighters from Kata'ib Hezbollah entered Syria on Friday.")
    v = one(a, "MOBILIZE")
    assert kb(a, v.actors) == {"IRQ-KH"} and v.recipients == []
    assert [a.get(p).name for p in v.places] == ["Syria"]


def test_officials_and_forces_named_by_nationality_stand_for_the_state(run):
    a = run("Israeli warplanes struck targets in southern Lebanon on Tuesday.")
    assert kb(a, one(a, "ASSAULT").actors) == {"ISR"}
    a = run("Syrian rebels attacked the airport.")
    v = one(a, "ASSAULT")
    assert v.actors == [] and phrases(a, v.actor_phrases) == ["Syrian rebels"]


def test_empty_and_eventless_documents(run):
    assert run(" ").events == []
    assert run("The weather was fine and the markets rose.").events == []


# --------------------------------------------------------------------------- status


@pytest.mark.parametrize(
    ("text", "category", "status"),
    [
        ("The army did not attack the town.", "ASSAULT", "negated"),
        ("Iran denied that its forces had attacked the tanker.", "ASSAULT", "denied"),
        ("Russia will deploy troops to Belarus.", "MOBILIZE", "planned"),
        ("Pakistan plans to hold talks with the Taliban next week.", "CONSULT", "planned"),
        ("If Turkey attacks the town, the Kurds could retaliate.", "ASSAULT", "hypothetical"),
        ("Iran threatened to close the Strait of Hormuz.", "COERCE", "threatened"),
        ("Officials said the army attacked the town.", "ASSAULT", "claimed"),
        ("The army attacked the town.", "ASSAULT", "asserted"),
    ],
)
def test_status(run, text, category, status):
    assert one(run(text), category).status == status


@pytest.mark.parametrize(
    ("text", "act", "intent", "mode"),
    [
        ("Pakistan plans to hold talks with the Taliban next week.", "CONSULT", "AGREE", None),
        ("Turkish police will extend the curfew in Silopi.", "COERCE", "THREATEN", "restrict"),
        ("The rebels said they would not meet the UN envoy.", "CONSULT", "REJECT", "meet"),
    ],
)
def test_a_stated_intent_is_coded_next_to_the_act(run, text, act, intent, mode):
    a = run(text)
    v, i = one(a, act), one(a, intent)
    assert v.status in ("planned", "negated")
    assert i.status in ("asserted", "claimed") and i.mode == mode
    assert i.trigger == v.trigger and i.recipients == v.recipients
    assert i.confidence > v.confidence  # the statement is what the sentence reports


def test_readiness_to_act_is_a_stated_intent(run):
    a = run("Jordan is ready to send aid to Lebanon.")
    assert kb(a, one(a, "AGREE").recipients) == {"LBN"}


@pytest.mark.parametrize(
    "text",
    [
        "The rebels tried to storm the base.",  # an attempt, not a statement of intent
        "Russia is expected to attack the town.",  # a prediction
        "Russia will deploy troops to Belarus.",  # announced posture is the mobilization itself
        "Germany demanded that Russia withdraw its troops.",  # asked for, not promised
        "Iran and Iraq agreed to reopen the border crossing.",  # the verb already codes the promise
    ],
)
def test_no_intent_without_a_statement_of_one(run, text):
    a = run(text)
    assert [v.category for v in a.events].count("AGREE") <= 1
    assert not [v for v in a.events if v.category == "THREATEN"]
    assert not [v for v in a.events if v.why.startswith("a planned") or v.why.startswith("a negated")]


def test_denial_is_attributed_to_the_denier(run):
    a = run("Iran denied that its forces had attacked the tanker.")
    v = one(a, "ASSAULT")
    assert kb(a, v.actors) == {"IRN"}
    att = v.attributed_to
    assert att["cue"] == "denied" and kb(a, [att["entity"]]) == {"IRN"}
    assert att["source_type"] == "named_organization"


def test_threat_is_an_event_and_its_content_is_threatened(run):
    a = run("Iran threatened to close the Strait of Hormuz.")
    t = one(a, "THREATEN")
    assert t.mode == "restrict" and t.status == "asserted"


# --------------------------------------------------------------------------- attribution


def test_named_official(run):
    a = run("Defence Minister Lloyd Austin said the Pentagon would deploy 3,000 troops to Poland.")
    v = one(a, "MOBILIZE")
    att = v.attributed_to
    assert att["source_type"] == "named_official"
    assert att["text"] == "Defence Minister Lloyd Austin"
    assert a.text_of(att["mention"]) == att["text"]
    assert v.status == "planned"  # "would" in reported speech
    assert kb(a, v.actors) >= {"USA-DOD"} and [a.get(p).name for p in v.places] == ["Poland"]


def test_anonymous_officials(run):
    a = run("Officials who spoke on condition of anonymity said Russia had deployed troops to Belarus.")
    v = one(a, "MOBILIZE")
    assert v.status == "claimed"
    assert v.attributed_to["source_type"] == "anonymous"
    assert v.attributed_to["cue"] == "said"


def test_according_to_a_news_agency(run):
    a = run("According to Reuters, Israeli jets struck a convoy near Damascus.")
    v = one(a, "ASSAULT")
    att = v.attributed_to
    assert v.status == "claimed"
    assert att["source_type"] == "media" and kb(a, [att["entity"]]) == {"GBR-REUTERS"}
    assert att["cue"] == "According to"


def test_report_document(run):
    a = run("A UN report said Sudanese paramilitary forces killed 200 civilians in El Fasher.")
    v = one(a, "ASSAULT")
    assert v.attributed_to["source_type"] == "document"
    assert a.get(v.dead).value == 200


def test_chain_keeps_the_nearest_source(run):
    a = run("Sources told Reuters that the minister said troops crossed the border.")
    v = one(a, "MOBILIZE")
    assert v.attributed_to["text"] == "the minister"
    assert v.attributed_to["chain"] == 2
    assert v.attributed_to["source_type"] == "named_official"


@pytest.mark.parametrize(
    "text",
    [
        "The minister said the economy grew last year.",
        "Officials reported heavy rain in the north.",
        "The report was published on Monday.",
    ],
)
def test_reporting_verbs_are_not_events(run, text):
    assert run(text).events == []


# --------------------------------------------------------------------------- background


@pytest.mark.parametrize(
    ("text", "historical"),
    [
        ("In 2014, IS seized Mosul.", True),
        ("Two years ago, Hamas attacked Israel.", True),
        ("US troops have been stationed in Iraq since 2003.", True),
        ("In the 1980s Iraq attacked Iran.", True),
        ("On Monday, Hamas attacked Israel.", False),
        ("Hamas attacked Israel.", False),
    ],
)
def test_historical(run, text, historical):
    a = run(text)
    assert a.events
    assert all(v.historical is historical for v in a.events), [
        (v.trigger, v.historical, v.why) for v in a.events
    ]


def test_historical_event_keeps_its_actor(run):
    a = run("In 2014, IS seized Mosul.")
    v = one(a, "COERCE")
    assert v.mode == "seize" and kb(a, v.actors) == {"INT-IS"} and "historical" in v.why


# --------------------------------------------------------------------------- coverage: lemmas, triggers, people


@pytest.mark.parametrize(
    ("word", "base"),
    [
        ("staged", "stage"),
        ("waging", "wage"),
        ("installed", "install"),
        ("stopped", "stop"),
        ("carries", "carry"),
        ("raped", "rape"),
    ],
)
def test_base_forms_of_regular_verbs(word, base):
    from gossamer.events.tokens import base_forms

    assert base in base_forms(word)


@pytest.mark.parametrize(
    ("text", "category", "mode"),
    [
        # the small model lemmatizes "staged" as "stag" and "waged" as "wag": the support verb is lost
        ("A jailed opposition leader staged a hunger strike in his cell on Monday.", "PROTEST", "hunger"),
        ("Students staged a rally outside the ministry in Nairobi.", "PROTEST", "demo"),
        ("The rebels have waged a campaign of attacks on army posts.", "ASSAULT", None),
    ],
)
def test_a_misread_lemma_still_finds_the_support_verb(run, text, category, mode):
    a = run(text)
    v = one(a, category)
    assert v.mode == mode and v.actor_phrases


@pytest.mark.parametrize(
    ("text", "category"),
    [
        # CAMEO 1.1b3 143 (conduct strike)
        ("Nurses at three hospitals in Lagos stopped work to press for unpaid wages.", "PROTEST"),
        # CAMEO 1.1b3 07 (provide aid)
        ("Japan gave Nepal a grant of 3 million dollars after the floods.", "AID"),
        # CAMEO 1.1b3 083 (accede to demands)
        ("The junta accepted demands from the student union for a new constitution.", "CONCEDE"),
        # CAMEO 1.1b3 0811 (ease restrictions on political freedoms)
        ("The new cabinet cancelled restrictions on foreign broadcasters.", "CONCEDE"),
        # CAMEO 1.1b3 064 (share intelligence or information)
        ("Interpol has shared evidence with Ghana about the cocaine route.", "COOPERATE"),
        # CAMEO 1.1b3 162 (reduce or stop aid)
        ("Donor governments reduced aid to the breakaway province.", "SANCTION"),
        ("Ottawa banned all arms exports to the junta in Yangon.", "SANCTION"),
        # CAMEO 1.1b3 166 (withdraw inspectors, observers)
        ("The monitoring mission withdrew its observers from Donetsk.", "SANCTION"),
        # CAMEO 1.1b3 114 (complain officially)
        ("Cyprus complained bitterly about the naval drills off its coast.", "ACCUSE"),
        # CAMEO 1.1b3 154 (increase armed forces)
        ("Armenia has strengthened its troops near the disputed corridor.", "MOBILIZE"),
        # CAMEO 1.1b3 056 (forgive)
        ("Opposition leaders have forgiven President Ruto for the crackdown.", "SUPPORT"),
        # REQUEST: press or push for
        ("Brazilian diplomats pushed for a vote on the climate fund.", "REQUEST"),
        # a rejection of what is proposed (CAMEO 1.1b3 12)
        ("The ruling coalition opposed the proposal to postpone the referendum.", "REJECT"),
    ],
)
def test_general_triggers_of_the_codebook(run, text, category):
    a = run(text)
    assert category in [v.category for v in a.events], [(v.category, v.trigger) for v in a.events]


def test_accepting_an_agreement_formula_is_agree_and_a_demand_is_concede(run):
    a = run("Both fishing nations accepted a compromise drafted by Iceland.")
    assert [v.category for v in a.events] == ["AGREE"]
    b = run("The port authority accepted the demands of the striking dockers.")
    assert [v.category for v in b.events] == ["CONCEDE"]


def test_yielding_to_a_demand_is_aimed_at_who_made_it(run):
    a = run("The junta accepted demands from the student union for a new constitution.")
    assert phrases(a, one(a, "CONCEDE").recipient_phrases) == ["the student union"]


def test_troops_given_are_no_recipient(run):
    a = run("Ghana is ready to contribute 800 soldiers to a peacekeeping force in Somalia.")
    v = one(a, "AGREE")
    assert phrases(a, v.recipient_phrases) == ["a peacekeeping force"]


def test_declining_to_resign_is_a_refusal(run):
    a = run("The embattled interior minister declined to step down after the vote.")
    assert one(a, "REJECT").mode == "yield"


def test_refusing_refugees_is_a_refusal_of_aid(run):
    a = run("Hungary said it would not admit migrants arriving from Serbia.")
    assert one(a, "REJECT").mode == "assist"


def test_swearing_to_fight_is_a_threat(run):
    a = run("The separatists have sworn to fight on until the port falls.")
    assert one(a, "THREATEN").mode == "violence"


def test_readiness_of_the_subject_of_a_copula(run):
    # "is prepared to impose": the adjective's subject is the copula's
    a = run("The junta is prepared to impose a curfew on the northern towns.")
    v = one(a, "THREATEN")
    assert phrases(a, v.actor_phrases) == ["The junta"]


def test_people_named_by_a_plural_demonym_protest(run):
    # "Chileans" are the country's people: they protest (PROTEST), the state would complain (ACCUSE)
    a = run("Hundreds of Chileans marched in Santiago to protest the pension reform.")
    assert {v.category for v in a.events} == {"PROTEST"}
    b = run("Chile protested the expulsion of its consul.")
    assert "ACCUSE" in {v.category for v in b.events}


def test_elders_are_participants(run):
    a = run("Village elders demanded that the mine be closed.")
    assert phrases(a, one(a, "REQUEST").actor_phrases) == ["Village elders"]


def test_demanding_the_release_of_a_detainee_is_no_concession(run):
    # "accept" only yields with a demand as object; an offer is an AGREE
    a = run("The rebels accepted an offer of talks from the government.")
    assert "CONCEDE" not in {v.category for v in a.events}


# --------------------------------------------------------------------------- aims and nested targets


def _recipients(a: Analysis, v: Event) -> set[str]:
    return kb(a, v.recipients) | set(phrases(a, v.recipient_phrases))


@pytest.mark.parametrize(
    ("text", "category", "trigger", "recipients"),
    [
        # an infinitive of purpose: the act's target is its purpose's target
        (
            "Riot police fired tear gas to disperse students at the university gates.",
            "ASSAULT",
            "fired",
            {"students"},
        ),
        (
            "Taxi drivers went on strike in Accra to demand the dismissal of the transport minister.",
            "PROTEST",
            "went on strike",
            {"the transport minister"},
        ),
        # a participle of purpose, ahead of the place the strike is in
        (
            "Truck drivers went on strike across Kenya demanding that the transport ministry withdraw the new levy.",
            "PROTEST",
            "went on strike",
            {"the transport ministry"},
        ),
        # "for" + the event the force is readied for
        (
            "Armenia mobilized its reserves for an offensive against Azerbaijan.",
            "MOBILIZE",
            "mobilized",
            {"AZE"},
        ),
    ],
)
def test_an_act_is_aimed_where_its_purpose_is(run, text, category, trigger, recipients):
    a = run(text)
    v = next(v for v in a.events if v.category == category and v.trigger == trigger)
    assert _recipients(a, v) == recipients


@pytest.mark.parametrize(
    ("text", "actors", "recipients"),
    [
        (
            "Nurses marched through Lagos in protest of the health ministry's decision.",
            ["Nurses"],
            {"the health ministry"},
        ),
        (
            "Lawyers went on strike in protest against detentions by the Egyptian army.",
            ["Lawyers"],
            {"EGY-MIL"},
        ),
    ],
)
def test_in_protest_of_names_whom_the_protest_is_against(run, text, actors, recipients):
    a = run(text)
    v = next(v for v in a.events if v.trigger == "protest")
    assert v.category == "PROTEST" and phrases(a, v.actor_phrases) == actors
    assert _recipients(a, v) == recipients


def test_the_grievance_a_protest_names_is_not_the_news(run):
    from gossamer.evaluate.events import top_event

    a = run("Teachers in Nairobi walked out in protest of the Kenyan government's refusal to raise salaries.")
    top = top_event(a)
    assert top.category == "PROTEST" and kb(a, top.recipients) == {"KEN-GOV"}
    assert "what a protest is against" in one(a, "REJECT").why


@pytest.mark.parametrize(
    ("text", "category", "recipients"),
    [
        # the party a targeted thing belongs to
        ("Weeks of riots against Turkish security measures have shaken Diyarbakir.", "PROTEST", {"TUR"}),
        ("Ukraine imposed tariffs on Belarusian fertiliser.", "SANCTION", {"BLR"}),
        ("Beijing threatened to impose duties on Australian wine.", "THREATEN", {"AUS"}),
        # who is to go, in what a demand asks for
        ("Students demanded the dismissal of the education minister.", "REQUEST", {"the education minister"}),
        # whom the refused act would let act
        ("The junta refused to let Red Cross inspectors visit the prison.", "REJECT", {"Red Cross"}),
        # the place a threatened act is to be done in, when no party is named
        (
            "Islamic State threatened to stage bombings in Baghdad during the elections.",
            "THREATEN",
            {"Baghdad"},
        ),
        # asylum is asked of the place it is sought in
        ("The defecting pilot is seeking political asylum in Cyprus.", "REQUEST", {"CYP"}),
    ],
)
def test_the_party_inside_what_is_targeted_or_asked_for(run, text, category, recipients):
    a = run(text)
    assert _recipients(a, one(a, category)) == recipients


@pytest.mark.parametrize(
    ("text", "recipients"),
    [
        ("Government aircraft struck a depot of the rebel army in the north.", {"a depot of the rebel army"}),
        ("Militants shelled a camp for displaced families.", {"a camp for displaced families"}),
    ],
)
def test_a_target_stands_for_the_party_it_belongs_to(run, text, recipients):
    a = run(text)
    assert _recipients(a, one(a, "ASSAULT")) == recipients


@pytest.mark.parametrize(
    ("text", "category", "actors", "recipients"),
    [
        (
            "An opposition leader was placed under investigation by prosecutors in Ankara.",
            "ACCUSE",
            ["prosecutors"],
            {"An opposition leader"},
        ),
        (
            "Security forces placed the opposition leader under house arrest.",
            "COERCE",
            ["Security forces"],
            {"the opposition leader"},
        ),
    ],
)
def test_put_under_an_act_is_its_patient(run, text, category, actors, recipients):
    a = run(text)
    v = one(a, category)
    assert phrases(a, v.actor_phrases) == actors and _recipients(a, v) == recipients


# --------------------------------------------------------------------------- the founding example


@pytest.fixture(scope="module")
def example(run, example_text):
    return run(example_text, published=PUBLISHED)


def test_example_mobilization_across_the_border(example):
    a = example
    found = [
        v
        for v in a.events
        if v.category == "MOBILIZE" and kb(a, v.actors) == {"IRQ-KH", "IRQ-NUJABA"} and v.size
    ]
    assert len(found) == 1
    v = found[0]
    assert v.mode == "militia"
    assert a.get(v.size).value == 5000
    assert [a.get(p).name.split()[0] for p in v.places] == ["Shalamcheh", "Munziriyah"]
    assert "72 hours" in a.get(v.time).text
    assert v.status == "claimed"
    att = v.attributed_to
    assert att["source_type"] == "anonymous"
    assert att["text"] == "Informed sources" and att["cue"] == "have tracked"


def test_example_instructions_to_the_coordination_framework(example):
    a = example
    v = next(v for v in a.events if v.category == "REQUEST" and v.trigger == "instructions")
    assert kb(a, v.actors) == {"IRN-GOV"} and kb(a, v.recipients) == {"IRQ-CF"}
    assert v.status == "claimed" and v.attributed_to["source_type"] == "anonymous"


def test_example_protests_and_crackdown(example):
    a = example
    # the first protest with a place ("the ongoing Iranian uprising" before it is one too, placeless)
    protest = [v for v in a.events if v.category == "PROTEST" and v.places]
    assert protest and {a.get(p).name for p in protest[0].places} == {"Khuzestan", "Kermanshah"}
    crackdown = [v for v in a.events if v.trigger == "crackdown"]
    assert crackdown and crackdown[0].category == "COERCE"
    assert {a.get(p).name for p in crackdown[0].places} == {"Khuzestan", "Kermanshah"}


def test_example_mobilizations_in_baghdad(example):
    a = example
    v = next(v for v in a.events if v.trigger == "mobilizations")
    assert v.category == "MOBILIZE" and [a.get(p).name for p in v.places] == ["Baghdad"]
    assert phrases(a, v.actor_phrases) == ["certain factions"]


def test_example_hostile_rhetoric_is_accuse(example):
    a = example
    v = next(v for v in a.events if v.category == "ACCUSE")
    assert v.mode == "disapprove"
    assert "militia leaders" in phrases(a, v.actor_phrases)[0]


def test_example_summoned_forces_are_the_factions(example):
    a = example
    v = next(v for v in a.events if v.trigger == "summoned")
    assert v.category == "MOBILIZE" and kb(a, v.actors) == {"IRQ-KH", "IRQ-NUJABA"}
    assert "pronoun" in v.why or "force moved" in v.why
    negated = next(v for v in a.events if v.trigger == "deployed")
    assert negated.status == "negated"


def test_example_validates_against_the_schema(example):
    validate(example.to_dict())


def test_example_events_are_repeatable(make, stages, example_text):
    analysis, parsed = make(example_text, published=PUBLISHED)
    for stage in stages[:-1]:
        stage(analysis, parsed)
    events = stages[-1]
    events(analysis, parsed)  # warm: lexicon and cue lists loaded
    first = [(v.category, v.mentions) for v in analysis.events]
    analysis.events.clear()
    analysis._counters.pop("v", None)
    events(analysis, parsed)  # a second run on the same parse gives the same events (no hidden state)
    assert len(first) >= 10
    assert [(v.category, v.mentions) for v in analysis.events] == first


# --------------------------------------------------------------------------- properties

ACTORS = ["Iran", "Hamas", "Russian forces", "The army", "Police", "Protesters", "Kata'ib Hezbollah", "It"]
VERBS = [
    "attacked",
    "deployed troops to",
    "condemned",
    "met with",
    "arrested",
    "threatened",
    "shelled",
    "did not attack",
    "will mobilize near",
    "withdrew from",
    "imposed sanctions on",
    "crossed",
]
TARGETS = ["Israel", "the village", "Baghdad", "protesters", "the border", "Ukraine", "Gaza"]
FRAMES = [
    "{}",
    "Officials said {}",
    "According to Reuters, {}",
    "Iran denied that {}",
    "If {}, talks will fail",
    "In 2014, {}",
    "Sources told AP that the minister said {}",
]


COMMON = {"The army", "Police", "Protesters", "It"}  # lower-cased inside a frame


@st.composite
def sentences(draw):
    parts = []
    for _ in range(draw(st.integers(1, 3))):
        actor = draw(st.sampled_from(ACTORS))
        frame = draw(st.sampled_from(FRAMES))
        if frame != "{}" and actor in COMMON:
            actor = actor.lower()
        core = f"{actor} {draw(st.sampled_from(VERBS))} {draw(st.sampled_from(TARGETS))}"
        parts.append(frame.format(core) + ".")
    return " ".join(parts)


def check_items(a: Analysis) -> None:
    text = a.document.text
    n = len(text)
    ids = {i.id for key in ("entities", "places", "times", "quantities") for i in getattr(a, key)}
    lex = load_lexicon()
    for v in a.events:
        assert v.category in PLOVER_CATEGORIES
        assert v.mode is None or v.mode in lex.modes.get(v.category, ())
        assert v.status in (
            "asserted",
            "claimed",
            "denied",
            "planned",
            "threatened",
            "hypothetical",
            "negated",
        )
        ((s, e),) = v.mentions
        assert 0 <= s < e <= n and text[s:e] == v.trigger
        cs, ce = v.clause
        assert 0 <= cs <= s and e <= ce <= n
        for m in v.actor_phrases + v.recipient_phrases:
            assert 0 <= m[0] < m[1] <= n
        for ref in v.actors + v.recipients + v.places + [v.place, v.time, v.size, v.dead, v.injured]:
            assert ref is None or ref in ids
        assert v.place == (v.places[0] if v.places else None)
        assert v.confidence is not None and 0 <= v.confidence <= 1
        if v.attributed_to is not None:
            att = v.attributed_to
            assert att["source_type"] in (
                "named_person",
                "named_official",
                "named_organization",
                "anonymous",
                "document",
                "media",
                "author",
            )
            for key in ("mention", "cue_mention"):
                if att[key] is not None:
                    assert 0 <= att[key][0] < att[key][1] <= n
            if att["mention"] is not None:
                assert text[att["mention"][0] : att["mention"][1]] == att["text"]
            assert att["entity"] is None or att["entity"] in ids
    validate(a.to_dict())


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sentences())
def test_property_events_point_into_the_text(run, text):
    check_items(run(text))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.sampled_from(
            ACTORS
            + VERBS
            + TARGETS
            + ["and", ",", "said", "that", "not", "the", "—", "of", "members", "5,000", "in", "\n\n", "'s"]
        ),
        min_size=1,
        max_size=30,
    )
)
def test_property_word_salad_never_breaks(run, words):
    check_items(run(" ".join(words)))


def test_example_items_point_into_the_text(example):
    check_items(example)
