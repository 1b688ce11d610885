"""The entities stage: KB names, descriptors, demonyms, capital metonyms, NER leftovers."""

from __future__ import annotations

import pytest

from gossamer.kb import load_kb
from gossamer.stages.entities import EntityStage


@pytest.fixture(scope="module")
def stage():
    return EntityStage()


def run(make, stage, text):
    analysis, parsed = make(text)
    stage(analysis, parsed)
    return analysis


def by_kb(analysis):
    return {e.kb_id: e for e in analysis.entities if e.kb_id}


def test_every_mention_points_at_its_text(make, stage):
    text = "Iraqi officials said Tehran ordered the militias to stand down, the Iranian government denied it."
    analysis = run(make, stage, text)
    assert analysis.entities
    for e in analysis.entities:
        for s, end in e.mentions:
            assert 0 <= s < end <= len(text)
            assert text[s:end].strip() == text[s:end]


def test_state_name_and_demonym_are_one_entity(make, stage):
    analysis = run(make, stage, "Iraq said on Monday that Iraqi forces had left. Iraqis voted.")
    iraq = by_kb(analysis)["IRQ"]
    assert iraq.type == "STATE" and iraq.country == "IQ"
    assert analysis.texts(iraq) == ["Iraq", "Iraqis"]
    assert by_kb(analysis)["IRQ-MIL"].type == "MILITARY"  # "Iraqi forces" is the military


def test_capital_as_speaker_is_the_government(make, stage):
    analysis = run(make, stage, "Tehran denied the report on Tuesday.")
    gov = by_kb(analysis)["IRN-GOV"]
    assert gov.type == "GOVERNMENT" and gov.how == "metonym"
    assert analysis.texts(gov) == ["Tehran"]


def test_capital_possessive_of_policy_noun_is_the_government(make, stage):
    analysis = run(make, stage, "Baghdad's decision surprised its neighbours.")
    assert "IRQ-GOV" in by_kb(analysis)


def test_capital_as_place_is_not_an_actor(make, stage):
    analysis = run(make, stage, "Thousands gathered in the streets of Tehran on Friday.")
    assert "IRN-GOV" not in by_kb(analysis)


def test_hyphenated_backing_compound(make, stage):
    analysis = run(make, stage, "Tehran-backed groups fired rockets.")
    assert analysis.texts(by_kb(analysis)["IRN-GOV"]) == ["Tehran"]


def test_person_named_like_a_state_is_not_the_state(make, stage):
    analysis = run(make, stage, "Jordan Peterson spoke at the event in London.")
    assert "JOR" not in by_kb(analysis)


def test_demonym_government_phrase_beats_demonym(make, stage):
    analysis = run(make, stage, "The Syrian government rejected the plan.")
    kb = by_kb(analysis)
    assert "SYR-GOV" in kb and "SYR" not in kb


def test_unknown_organisation_clusters_with_its_acronym(make, stage):
    text = "The Levant Water Authority (LWA) cut supplies. Later the LWA restored them."
    analysis = run(make, stage, text)
    orgs = [e for e in analysis.entities if e.kb_id is None and e.type == "ORGANIZATION"]
    assert len(orgs) == 1
    assert analysis.texts(orgs[0]) == ["Levant Water Authority", "LWA", "LWA"]


def test_person_surname_joins_full_name(make, stage):
    text = "Spokesman Karim Haddad told reporters the road was closed. Haddad added that talks continue."
    analysis = run(make, stage, text)
    people = [e for e in analysis.entities if e.type == "PERSON" and e.kb_id is None]
    assert len(people) == 1 and len(people[0].mentions) == 2


def test_name_before_a_place_noun_is_not_an_actor(make, stage):
    analysis = run(make, stage, "Trucks queued at the Qasr Shirin border crossing.")
    assert not [e for e in analysis.entities if "Qasr" in e.name]


def test_acronym_aliases_are_case_sensitive(make, stage):
    kb = load_kb()
    assert kb.index.lookup("us") == [] or all(how != "kb" or aid != "USA" for how, aid in kb.index.lookup("us"))


def test_kb_facts_have_sources():
    kb = load_kb()
    assert len([a for a in kb.actors.values() if a.type == "STATE"]) >= 249
    assert all(a.source for a in kb.actors.values())
    iran = kb.get("IRN")
    assert iran is not None and iran.capital == "Tehran"
    assert kb.get("IRN-GOV") is not None and kb.get("IRN-MIL") is not None


def test_a_name_never_runs_into_the_next_word(make, stage):
    # "Israel is" has the same letters as the demonym "Israelis": tokens must line up with words
    analysis = run(make, stage, "Israel is a small country, Israelis said.")
    israel = by_kb(analysis)["ISR"]
    assert analysis.texts(israel) == ["Israel", "Israelis"]
