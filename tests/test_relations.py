"""The relations stage: ties from events, from explicit statements, and from the actor KB."""

from __future__ import annotations

from importlib import resources

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gossamer.kb import load_kb
from gossamer.model import PLOVER_CATEGORIES, Analysis, Entity, Event, Relation, Time
from gossamer.pipeline import DEFAULT_STAGES, load_stage
from gossamer.stages.entities import EntityStage
from gossamer.stages.relations import RelationStage, load_lexicon

RELATION_TYPES = {
    "directs", "backs", "allied_with", "hostile_to", "member_of", "attacks", "cooperates_with", "negotiates_with",
}  # fmt: skip


@pytest.fixture(scope="module")
def entities_stage():
    return EntityStage()


@pytest.fixture(scope="module")
def relations_stage():
    return RelationStage()


@pytest.fixture(scope="module")
def read(make, entities_stage):
    """read(text) -> (Analysis, Parsed) with entities found, relations not yet."""

    def _read(text: str, published: str = "2026-01-21"):
        analysis, parsed = make(text, published=published)
        entities_stage(analysis, parsed)
        return analysis, parsed

    return _read


def by_kb(analysis: Analysis) -> dict[str, Entity]:
    return {e.kb_id: e for e in analysis.entities if e.kb_id}


def rels(analysis: Analysis, origin: str | None = None) -> list[tuple[str, str | None, str | None]]:
    """(type, source kb id, target kb id) of the relations, optionally of one origin."""
    ents = {e.id: e for e in analysis.entities}
    return [
        (r.type, ents[r.source].kb_id, ents[r.target].kb_id)
        for r in analysis.relations
        if origin is None or r.origin == origin
    ]


def event(analysis: Analysis, word: str, category: str, actors, recipients=(), **attrs) -> Event:
    """A hand-built event whose trigger is the first occurrence of `word`."""
    start = analysis.document.text.index(word)
    ids = by_kb(analysis)
    return analysis.new(
        Event,
        start,
        start + len(word),
        category=category,
        trigger=word,
        actors=[ids[a].id for a in actors],
        recipients=[ids[r].id for r in recipients],
        **attrs,
    )


# ------------------------------------------------------------------ from events

SENTENCE = "Turkey struck Iraq on Monday."


@pytest.mark.parametrize(
    ("category", "expected"),
    [
        ("ASSAULT", "attacks"),
        ("COERCE", "hostile_to"),
        ("THREATEN", "hostile_to"),
        ("ACCUSE", "hostile_to"),
        ("SANCTION", "hostile_to"),
        ("AID", "backs"),
        ("SUPPORT", "backs"),
        ("COOPERATE", "cooperates_with"),
        ("AGREE", "cooperates_with"),
        ("CONSULT", "negotiates_with"),
    ],
)
def test_event_category_maps_to_relation(read, relations_stage, category, expected):
    analysis, parsed = read(SENTENCE)
    time = analysis.new(Time, 19, 28, text="on Monday", start="2026-01-19", end="2026-01-19", precision="day")
    ev = event(analysis, "struck", category, ["TUR"], ["IRQ"], time=time.id)
    relations_stage(analysis, parsed)
    found = [r for r in analysis.relations if r.origin == "event"]
    assert len(found) == 1
    rel = found[0]
    ids = by_kb(analysis)
    assert (rel.type, rel.source, rel.target) == (expected, ids["TUR"].id, ids["IRQ"].id)
    assert rel.events == [ev.id] and rel.time == time.id
    assert rel.mentions == ev.mentions
    assert category in rel.why


@pytest.mark.parametrize("category", ["CONCEDE", "RETREAT", "REJECT", "PROTEST", "MOBILIZE"])
def test_unmapped_categories_give_no_relation(read, relations_stage, category):
    analysis, parsed = read(SENTENCE)
    event(analysis, "struck", category, ["TUR"], ["IRQ"])
    relations_stage(analysis, parsed)
    assert rels(analysis, "event") == []


def test_symmetric_event_with_actors_only_links_them(read, relations_stage):
    analysis, parsed = read("Turkey and Iraq agreed on water sharing.")
    event(analysis, "agreed", "AGREE", ["TUR", "IRQ"])
    relations_stage(analysis, parsed)
    assert rels(analysis, "event") == [("cooperates_with", "TUR", "IRQ")]


@pytest.mark.parametrize(
    "attrs",
    [{"historical": True}, {"status": "negated"}, {"status": "denied"}, {"status": "hypothetical"}],
)
def test_events_that_say_nothing_of_a_current_tie_are_skipped(read, relations_stage, attrs):
    analysis, parsed = read(SENTENCE)
    event(analysis, "struck", "ASSAULT", ["TUR"], ["IRQ"], **attrs)
    relations_stage(analysis, parsed)
    assert rels(analysis, "event") == []


def test_claimed_event_is_kept_and_says_so(read, relations_stage):
    analysis, parsed = read(SENTENCE)
    event(
        analysis,
        "struck",
        "ASSAULT",
        ["TUR"],
        ["IRQ"],
        status="claimed",
        attributed_to={"text": "local sources"},
    )
    relations_stage(analysis, parsed)
    rel = next(r for r in analysis.relations if r.origin == "event")
    assert rel.type == "attacks"
    assert "claimed by local sources" in rel.why


@pytest.mark.parametrize("status", ["threatened", "planned"])
def test_unrealised_attack_is_hostility(read, relations_stage, status):
    analysis, parsed = read(SENTENCE)
    event(analysis, "struck", "ASSAULT", ["TUR"], ["IRQ"], status=status)
    relations_stage(analysis, parsed)
    assert rels(analysis, "event") == [("hostile_to", "TUR", "IRQ")]


@pytest.mark.parametrize(
    ("text", "word", "actor", "recipient", "directs"),
    [
        # a government ordering a non-state group: command (types rule)
        (
            "The Iranian government ordered Kata'ib Hezbollah to withdraw.",
            "ordered",
            "IRN-GOV",
            "IRQ-KH",
            True,
        ),
        # a person who leads an armed force ordering an armed group
        (
            "Esmail Qaani instructed Kata'ib Hezbollah to stand down.",
            "instructed",
            "IRN-QAANI",
            "IRQ-KH",
            True,
        ),
        # the KB chain: the recipient is part of the actor, though the actor is no state body
        ("Hezbollah ordered Al-Manar to stop broadcasting.", "ordered", "LBN-HEZ", "LBN-MANAR", True),
        # one state ordering another is a demand, not command
        ("Iraq ordered Turkey to release more water.", "ordered", "IRQ", "TUR", False),
        # a plea is not an order
        ("The Iranian government asked Kata'ib Hezbollah to withdraw.", "asked", "IRN-GOV", "IRQ-KH", False),
    ],
)
def test_request_directs_only_down_a_chain_of_command(
    read, relations_stage, text, word, actor, recipient, directs
):
    analysis, parsed = read(text)
    assert {actor, recipient} <= set(by_kb(analysis)), [e.name for e in analysis.entities]
    event(analysis, word, "REQUEST", [actor], [recipient])
    relations_stage(analysis, parsed)
    assert (("directs", actor, recipient) in rels(analysis, "event")) is directs
    assert all(t == "directs" for t, _, _ in rels(analysis, "event"))


def test_event_relations_are_deduplicated(read, relations_stage):
    analysis, parsed = read("Turkey struck Iraq on Monday and shelled Iraq again on Tuesday.")
    first = event(analysis, "struck", "ASSAULT", ["TUR"], ["IRQ"])
    second = event(analysis, "shelled", "ASSAULT", ["TUR"], ["IRQ"])
    relations_stage(analysis, parsed)
    found = [r for r in analysis.relations if r.origin == "event"]
    assert len(found) == 1
    assert found[0].events == [first.id, second.id]
    assert found[0].mentions == sorted(first.mentions + second.mentions)


def test_symmetric_relations_fold_both_directions(read, relations_stage):
    analysis, parsed = read("Turkey met Iraq on Monday and Iraq met Turkey on Tuesday.")
    event(analysis, "met", "CONSULT", ["TUR"], ["IRQ"])
    start = analysis.document.text.index("met", 20)
    ids = by_kb(analysis)
    analysis.new(
        Event,
        start,
        start + 3,
        category="CONSULT",
        trigger="met",
        actors=[ids["IRQ"].id],
        recipients=[ids["TUR"].id],
    )
    relations_stage(analysis, parsed)
    found = [r for r in analysis.relations if r.origin == "event"]
    assert len(found) == 1 and len(found[0].events) == 2


# ------------------------------------------------------------------ from explicit statements

STATEMENTS = [
    ("Hezbollah, backed by Iran, fired rockets.", "backs", "IRN", "LBN-HEZ"),
    ("The Houthis are funded by Iran.", "backs", "IRN", "YEM-AA"),
    ("Iran-backed Kata'ib Hezbollah attacked the base.", "backs", "IRN", "IRQ-KH"),
    ("Iran backs the Houthis.", "backs", "IRN", "YEM-AA"),
    ("Kata'ib Hezbollah, which is backed by the Quds Force, fired.", "backs", "IRN-IRGC-QF", "IRQ-KH"),
    ("Iran, Hezbollah's main backer, denied involvement.", "backs", "IRN", "LBN-HEZ"),
    ("IRGC commander Mohammad Pakpour warned Israel.", "directs", "IRN-PAKPOUR", "IRN-IRGC"),
    ("Turkey, a NATO member, struck the PKK.", "member_of", "TUR", "IGO-NATO"),
    ("Hamas is a proxy of Iran.", "directs", "IRN", "PSE-HAMAS"),
    ("Iran's proxies, Hezbollah and the Houthis, have been weakened.", "directs", "IRN", "YEM-AA"),
    ("Iran's proxies, Hezbollah and the Houthis, have been weakened.", "directs", "IRN", "LBN-HEZ"),
    ("The Iranian proxies within the Coordination Framework blocked the vote.", "directs", "IRN", "IRQ-CF"),
    ("The Sadrist Movement, led by Muqtada al-Sadr, won the vote.", "directs", "IRQ-MSADR", "IRQ-SADR"),
    ("Asa'ib Ahl al-Haq, loyal to Iran, rejected the deal.", "member_of", "IRQ-AAH", "IRN"),
    ("The Badr Organization is a member of the Fatah Alliance.", "member_of", "IRQ-BADR", "IRQ-FATAH"),
    (
        "Kata'ib Hezbollah, a faction of the Popular Mobilization Forces, denied it.",
        "member_of",
        "IRQ-KH",
        "IRQ-PMF",
    ),
    ("The Qassam Brigades are the armed wing of Hamas.", "member_of", "PSE-QASSAM", "PSE-HAMAS"),
    ("The Peshmerga is part of the Kurdistan Regional Government.", "member_of", "IRQ-PESH", "IRQ-KRG"),
    ("Hezbollah is affiliated with the Axis of Resistance.", "member_of", "LBN-HEZ", "INT-AOR"),
    ("Turkey is allied with Azerbaijan.", "allied_with", "TUR", "AZE"),
    ("Hezbollah and Hamas are allies of Syria.", "allied_with", "PSE-HAMAS", "SYR"),
    (
        "The Kurdistan Democratic Party and the Patriotic Union of Kurdistan are rivals.",
        "hostile_to",
        "IRQ-KDP",
        "IRQ-PUK",
    ),
    (
        "The Kurdistan Democratic Party and the Patriotic Union of Kurdistan are rivals.",
        "hostile_to",
        "IRQ-PUK",
        "IRQ-KDP",
    ),
    ("Hamas remains hostile toward the United States.", "hostile_to", "PSE-HAMAS", "USA"),
    ("The Sadrists are enemies of Kata'ib Hezbollah.", "hostile_to", "IRQ-SADR", "IRQ-KH"),
    ("Iraq will negotiate with Turkey over water.", "negotiates_with", "IRQ", "TUR"),
    ("Iraq held talks with Turkey on Monday.", "negotiates_with", "IRQ", "TUR"),
    ("Talks between Iraq and Turkey resumed.", "negotiates_with", "IRQ", "TUR"),
    (
        "Kata'ib Hezbollah and Asa'ib Ahl al-Haq, two factions that sit within the Popular "
        "Mobilization Forces, denied it.",
        "member_of",
        "IRQ-AAH",
        "IRQ-PMF",
    ),
]


@pytest.mark.parametrize(("text", "rtype", "source", "target"), STATEMENTS)
def test_explicit_statements(read, relations_stage, text, rtype, source, target):
    analysis, parsed = read(text)
    relations_stage(analysis, parsed)
    assert (rtype, source, target) in rels(analysis, "text"), [r.why for r in analysis.relations]
    for rel in analysis.relations:
        if rel.origin == "text":
            assert len(rel.mentions) == 1
            s, e = rel.mentions[0]
            assert 0 <= s < e <= len(text)


@pytest.mark.parametrize(
    "text",
    [
        "Iran and Hezbollah are not allies of Turkey.",  # negated
        "If Iran backs the Houthis, the war will widen.",  # conditional
        "Iran's proxies in Iraq attacked the base.",  # a state after "in" is a place, not a proxy
        "Militias loyal to the government blocked the road.",  # no actor on one side
        "Iraq and Turkey discussed water.",  # no trigger word at all
        "Iraq has rejected talks with Turkey.",  # rejecting talks is no part in them
        "Iranian commander Esmail Qaani visited Kuwait.",  # a commander from Iran, not of Iran
        "Hezbollah, one of the factions within Lebanon, denied it.",  # a state after "within" is where
    ],
)
def test_no_statement_relation(read, relations_stage, text):
    analysis, parsed = read(text)
    relations_stage(analysis, parsed)
    assert rels(analysis, "text") == []


def test_possessive_pronoun_is_the_clause_subject(read, relations_stage):
    text = "The Iranian government, facing protests, has issued instructions to its proxies within the Coordination Framework."
    analysis, parsed = read(text)
    relations_stage(analysis, parsed)
    rel = next(r for r in analysis.relations if r.origin == "text" and r.type == "directs")
    ids = by_kb(analysis)
    assert (rel.source, rel.target) == (ids["IRN-GOV"].id, ids["IRQ-CF"].id)
    assert analysis.text_of(rel.mentions[0]) == "its proxies within the Coordination Framework"


def test_possessive_pronoun_falls_back_to_the_actor_named_before(read, relations_stage):
    text = "Kata'ib Hezbollah crossed the border. Its backers, the Quds Force, said nothing."
    analysis, parsed = read(text)
    relations_stage(analysis, parsed)
    assert ("backs", "IRN-IRGC-QF", "IRQ-KH") in rels(analysis, "text")


def test_evidence_keeps_quotation_marks_balanced(read, relations_stage):
    text = 'The Iranian government has given orders to its proxies within the "Coordination Framework."'
    analysis, parsed = read(text)
    relations_stage(analysis, parsed)
    rel = next(r for r in analysis.relations if r.origin == "text")
    assert analysis.text_of(rel.mentions[0]).count('"') == 2


def test_text_relations_are_deduplicated(read, relations_stage):
    text = "Iran-backed Kata'ib Hezbollah fired. Kata'ib Hezbollah, backed by Iran, denied it."
    analysis, parsed = read(text)
    relations_stage(analysis, parsed)
    found = [r for r in analysis.relations if r.origin == "text" and r.type == "backs"]
    assert len(found) == 1 and len(found[0].mentions) == 2


# ------------------------------------------------------------------ from the knowledge base


def test_kb_relations_between_present_actors(read, relations_stage):
    analysis, parsed = read(
        "Kata'ib Hezbollah and the Popular Mobilization Forces met officers of the Quds Force."
    )
    relations_stage(analysis, parsed)
    kb_rels = [r for r in analysis.relations if r.origin == "kb"]
    found = rels(analysis, "kb")
    assert ("member_of", "IRQ-KH", "IRQ-PMF") in found  # KB: part_of
    assert ("backs", "IRN-IRGC-QF", "IRQ-KH") in found  # KB: KH backed_by QF, reversed
    ids = {e.id for e in analysis.entities}
    for rel in kb_rels:
        assert rel.mentions == [] and rel.source in ids and rel.target in ids
        assert "source:" in rel.why
    # the KB also ties KH to actors this text does not name: none of them appear
    assert len(kb_rels) == len(found) == 2


def test_kb_relation_cites_the_kb_source(read, relations_stage):
    analysis, parsed = read("The Popular Mobilization Forces and Kata'ib Hezbollah held a parade.")
    relations_stage(analysis, parsed)
    kh = load_kb().get("IRQ-KH")
    source = next(a.source for a in kh.affiliations if a.target == "IRQ-PMF")
    rel = next(r for r in analysis.relations if r.origin == "kb")
    assert source in rel.why


def test_fewer_than_two_entities_gives_nothing(read, relations_stage):
    analysis, parsed = read("Iran is large.")
    relations_stage(analysis, parsed)
    assert analysis.relations == []


# ------------------------------------------------------------------ the founding example


@pytest.fixture(scope="module")
def example_analysis(example_text, make):
    analysis, parsed = make(example_text, published="2026-01-21")
    for spec in DEFAULT_STAGES:  # relations run last among these, after events
        load_stage(spec)(analysis, parsed)
    return analysis


def test_example_directs_from_iran_to_the_coordination_framework(example_analysis):
    a = example_analysis
    ids = by_kb(a)
    found = [
        r
        for r in a.relations
        if (r.type, r.source, r.target, r.origin) == ("directs", ids["IRN-GOV"].id, ids["IRQ-CF"].id, "text")
    ]
    assert len(found) == 1
    # the article closes the quotation after the full stop: 'the "Coordination Framework."'
    evidence = [a.text_of(m) for m in found[0].mentions]
    assert any(
        t.startswith('its proxies within the "Coordination Framework') and t.count('"') == 2 for t in evidence
    )


def test_example_kb_relations_only_among_present_actors(example_analysis):
    a = example_analysis
    present = {e.kb_id for e in a.entities if e.kb_id}
    found = rels(a, "kb")
    assert ("hostile_to", "IRN-NCRI", "IRN-GOV") in found
    assert all(s in present and t in present for _, s, t in found)
    if "IRQ-PMF" not in present:
        assert ("member_of", "IRQ-KH", "IRQ-PMF") not in found


def test_example_relations_are_well_formed(example_analysis):
    a = example_analysis
    ids = {e.id for e in a.entities}
    keys = set()
    for rel in a.relations:
        assert rel.type in RELATION_TYPES and rel.origin in ("text", "event", "kb")
        assert rel.source in ids and rel.target in ids and rel.source != rel.target
        key = (rel.type, rel.source, rel.target, rel.origin)
        assert key not in keys
        keys.add(key)


# ------------------------------------------------------------------ invariants and data


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from([s for s, _, _, _ in STATEMENTS]), min_size=1, max_size=4))
def test_relations_invariants(read, relations_stage, sentences):
    text = " ".join(sentences)
    analysis, parsed = read(text)
    relations_stage(analysis, parsed)
    ids = {e.id for e in analysis.entities}
    seen = set()
    for rel in analysis.relations:
        assert isinstance(rel, Relation)
        assert rel.source in ids and rel.target in ids and rel.source != rel.target
        for s, e in rel.mentions:
            assert 0 <= s < e <= len(text)
        a, b = rel.source, rel.target
        if rel.type in load_lexicon().symmetric:
            a, b = sorted((a, b))
        assert (rel.type, a, b, rel.origin) not in seen
        seen.add((rel.type, a, b, rel.origin))
    assert [r.id for r in analysis.relations] == [f"r{i}" for i in range(1, len(analysis.relations) + 1)]


def test_lexicon_is_sourced_and_consistent():
    data = yaml.safe_load(
        resources.files("gossamer").joinpath("data/lexicons/relations.yaml").read_text(encoding="utf-8")
    )
    for section in ("symmetric", "events", "command", "kb", "text"):
        assert data[section].get("source"), section
    lex = load_lexicon()
    assert set(lex.event_types) <= set(PLOVER_CATEGORIES)
    assert {t for t, _ in lex.event_types.values()} <= RELATION_TYPES
    assert {t for t, _ in lex.kb_map.values()} <= RELATION_TYPES
    assert lex.symmetric <= RELATION_TYPES
    assert all(t.type in RELATION_TYPES for ts in lex.triggers.values() for t in ts)
    from gossamer.kb import RELATIONS

    assert set(lex.kb_map) == set(RELATIONS)
