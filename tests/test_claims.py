"""The claim ledger: clauses, kinds, attribution (source types, roles, chains, quotations), items."""

from __future__ import annotations

import json
from importlib import resources

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gossamer.claims.sources import find_attributions, quote_regions
from gossamer.model import SOURCE_TYPES, Analysis
from gossamer.pipeline import DEFAULT_STAGES, load_stage

CLAIMS = "gossamer.stages.claims:ClaimStage"
BEFORE = ("gossamer.stages.events:EventStage", "gossamer.stages.relations:RelationStage")


@pytest.fixture(scope="module")
def stages():
    """The default stages up to the claims stage, with events and relations, then claims."""
    specs = []
    for s in DEFAULT_STAGES:
        if s == CLAIMS:
            break
        specs.append(s)
    specs += [s for s in BEFORE if s not in specs]
    return [load_stage(s) for s in [*specs, CLAIMS]]


@pytest.fixture(scope="module")
def ledger(make, stages):
    def _run(text: str, **meta) -> Analysis:
        meta.setdefault("published", "2026-01-21")
        analysis, parsed = make(text, **meta)
        for stage in stages:
            stage(analysis, parsed)
        return analysis

    return _run


def only(a: Analysis, word: str):
    """The one claim whose text holds `word`."""
    found = [c for c in a.claims if word in c.text]
    assert len(found) == 1, [(c.text, c.source_type) for c in a.claims]
    return found[0]


# --------------------------------------------------------------------------- source types


@pytest.mark.parametrize(
    ("text", "stype", "source", "cue"),
    [
        ("Defence Minister John Smith said 300 soldiers crossed the border.", "named_official",
         "Defence Minister John Smith", "said"),
        ("John Smith said 300 soldiers crossed the border.", "named_person", "John Smith", "said"),
        ("Hamas said 300 soldiers crossed the border.", "named_organization", "Hamas", "said"),
        ("The ministry said 300 soldiers crossed the border.", "named_organization", "The ministry", "said"),
        ("Informed sources said 300 soldiers crossed the border.", "anonymous", "Informed sources", "said"),
        ("Officials who spoke on condition of anonymity said 300 soldiers crossed the border.", "anonymous",
         "Officials who spoke on condition of anonymity", "said"),
        ("A UN report said 300 soldiers crossed the border.", "document", "A UN report", "said"),
        ("According to Reuters, 300 soldiers crossed the border.", "media", "Reuters", "According to"),
        ("State media reported that 300 soldiers crossed the border.", "media", "State media", "reported"),
        ("Field data indicates that 300 soldiers crossed the border.", "anonymous", "Field data", "indicates"),
        # a share of a named group is unnamed people, not the group speaking as a body
        ("Six in 10 Iraqis said 300 soldiers crossed the border.", "anonymous", "Six in 10 Iraqis", "said"),
        ("Most Iraqis said 300 soldiers crossed the border.", "anonymous", "Most Iraqis", "said"),
        ("About 58 percent of Syrians said 300 soldiers crossed the border.", "anonymous",
         "About 58 percent of Syrians", "said"),
        ("The Iraqi government said 300 soldiers crossed the border.", "named_organization",
         "The Iraqi government", "said"),
    ],
)  # fmt: skip
def test_source_types(ledger, text, stype, source, cue):
    c = only(ledger(text), "crossed the border")
    assert c.source_type == stype
    assert c.source["text"] == source
    assert c.cue["text"] == cue
    assert c.text.endswith("300 soldiers crossed the border")
    s, e = c.source["mention"]
    assert ledger(text).document.text[s:e] == source


def test_author_claim_has_no_source(ledger):
    c = only(ledger("300 soldiers crossed the border on Monday."), "crossed")
    assert c.source_type == "author" and c.source is None and c.cue is None and c.chain == []


def test_named_official_role(ledger):
    a = ledger("Defence Minister John Smith said 300 soldiers crossed the border.")
    assert only(a, "crossed").source["role"] == "Defence Minister"
    a = ledger("A spokesman for the Interior Ministry said 300 soldiers crossed the border.")
    c = only(a, "crossed")
    assert c.source_type == "named_official"
    assert c.source["role"] == "A spokesman for the Interior Ministry"


def test_a_later_mention_keeps_the_title(ledger):
    a = ledger("Defence Minister John Smith arrived on Monday. Smith said 300 soldiers crossed the border.")
    c = only(a, "crossed")
    assert c.source_type == "named_official" and c.source["role"] == "Defence Minister"


def test_pronoun_resolves_to_the_person(ledger):
    a = ledger("John Smith arrived in Baghdad on Monday. He said 300 soldiers crossed the border.")
    c = only(a, "crossed")
    assert c.source_type == "named_person"
    assert c.source["entity"] == next(e.id for e in a.entities if e.name == "John Smith")


def test_every_source_type_is_known(ledger):
    a = ledger(
        "Informed sources said 300 soldiers crossed the border. The army will attack. We think it failed."
    )
    assert a.claims and all(c.source_type in SOURCE_TYPES for c in a.claims)


# --------------------------------------------------------------------------- clauses and chains


def test_reporting_clause_is_no_claim(ledger):
    a = ledger("Officials said the army withdrew from the town.")
    assert [c.text for c in a.claims] == ["the army withdrew from the town"]


def test_coordinated_clauses_with_their_own_subjects_are_two_claims(ledger):
    a = ledger("The army withdrew from the town, and the police arrested 12 men.")
    assert sorted(c.text for c in a.claims) == [
        "The army withdrew from the town",
        "the police arrested 12 men",
    ]


def test_semicolon_separates_claims(ledger):
    a = ledger("However, the soldiers were not sent for training; they were ordered to guard the border.")
    assert sorted(c.text for c in a.claims) == [
        "However, the soldiers were not sent for training",
        "they were ordered to guard the border",
    ]


def test_subordinate_clauses_stay_inside(ledger):
    a = ledger("The army withdrew from the town because the talks failed.")
    assert [c.text for c in a.claims] == ["The army withdrew from the town because the talks failed"]


def test_chain_outer_source_first(ledger):
    a = ledger("Reuters reported that officials said the army had withdrawn.")
    c = only(a, "withdrawn")
    assert c.source_type == "anonymous" and c.source["text"] == "officials"
    assert [link["text"] for link in c.chain] == ["Reuters"]
    assert c.chain[0]["source_type"] == "media" and c.chain[0]["cue"]["text"] == "reported"
    assert len(a.claims) == 1  # "officials said ..." is the outer report's content, not a claim


def test_three_link_chain(ledger):
    a = ledger("Smith told reporters that Jones said the minister had confirmed that the army withdrew.")
    c = only(a, "army withdrew")
    assert [link["text"] for link in c.chain] == ["Smith", "Jones"]
    assert c.source["text"] == "the minister"


def test_quotation_running_on_keeps_its_speaker(ledger):
    a = ledger('John Smith said: "The army crossed the border. It will stay there." Then the talks began.')
    first, second = only(a, "crossed"), only(a, "stay there")
    assert first.source["text"] == second.source["text"] == "John Smith"
    assert second.cue["text"] == "said"
    assert only(a, "talks began").source_type == "author"


def test_next_quoted_sentence_of_the_paragraph_continues(ledger):
    a = ledger('"We are ready," John Smith said. "The talks failed."\nThe army left.')
    assert only(a, "ready").source["text"] == "John Smith"
    assert only(a, "talks failed").source["text"] == "John Smith"
    assert only(a, "army left").source_type == "author"


def test_earlier_sentences_of_the_quotation_share_the_speaker(ledger):
    a = ledger('John Smith left early. "The depot is empty. The guards went home," the mayor said.\nRain fell.')
    assert only(a, "depot is empty").source["text"] == "the mayor"
    assert only(a, "guards went home").source["text"] == "the mayor"
    assert only(a, "left early").source_type == "author"


def test_fronted_report_with_two_subjects(ledger):
    # a long fronted report that a small parser hangs on "said" as a second subject
    a = ledger(
        "A column carrying about 800 armed fighters crossed from Jordan into Syria through the "
        "Nasib border crossing before dawn on Monday, 3 May, two local officials and a customs officer said."
    )
    c = only(a, "crossed from Jordan")
    assert c.source["text"] == "two local officials and a customs officer"
    assert c.source_type == "anonymous"
    assert c.text.startswith("A column carrying about 800") and "said" not in c.text


def test_according_to_after_conjoined_verbs_covers_both(ledger):
    a = ledger(
        "The convoy of more than 40 trucks, including at least three tankers, left the depot shortly "
        "after 2 a.m. and entered the town of Tal Afar about two hours later, according to Colonel "
        "Ana Ruiz, a police commander."
    )
    claims = [c for c in a.claims if "left the depot" in c.text or "entered the town" in c.text]
    assert claims and all(c.source_type == "named_official" for c in claims)
    assert all("according" not in c.text for c in claims)


def test_hyphenated_name_is_a_whole_source(ledger):
    a = ledger('"The gate was open," al-Jubouri told reporters.')
    assert only(a, "gate was open").source["text"] == "al-Jubouri"


def test_bracketed_notes_and_credit_lines_are_no_claims(ledger):
    text = (
        "[Editor's note: this report was updated to correct a date.]\n\n"
        "The army closed the road on Monday.\n\n(Reporting by Jane Doe; editing by John Roe)"
    )
    a = ledger(text)
    assert [c.text for c in a.claims] == ["The army closed the road on Monday"]


def test_cut_clause_leaves_no_dangling_conjunction(ledger):
    a = ledger("A spokesman said the road had been closed since March 3 and that he had no information about troops.")
    texts = sorted(c.text for c in a.claims)
    assert "the road had been closed since March 3" in texts


def test_unquoted_sentence_after_a_report_is_the_writers(ledger):
    a = ledger("John Smith said the army crossed the border. The talks failed.")
    assert only(a, "talks failed").source_type == "author"


def test_intent_verbs_make_no_attributed_claim(ledger):
    a = ledger("John Smith wants to build a wall.")
    c = only(a, "wall")
    assert c.source_type == "author" and c.text == "John Smith wants to build a wall"


def test_inference_is_the_writers(ledger):
    a = ledger("The events of this week confirm that the regime has reached a stage of bankruptcy.")
    assert only(a, "bankruptcy").source_type == "author"


def test_quote_regions_pair_marks_and_run_over_paragraphs():
    text = 'He said "a b." Then \u201cc\u201d.\nShe wrote: "d\n\n"e." x \'\'f\'\''
    got = [text[a:b] for a, b in quote_regions(text)]
    assert got == ['"a b."', "\u201cc\u201d", '"d\n\n"e."', "''f''"]


# --------------------------------------------------------------------------- kinds


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("The decision was a disgrace.", "evaluative"),
        ("The government should resign.", "evaluative"),
        ("The plan is absurd.", "evaluative"),
        ("The army will attack the town next week.", "prediction"),
        ("The army is expected to attack the town.", "prediction"),
        ("If the talks fail, the army will attack the town.", "hypothetical"),
        ("The army might attack the town.", "hypothetical"),
        ("Did the army cross the border?", "question"),
        ("The army crossed the border on Monday.", "factual"),
    ],
)
def test_kinds(ledger, text, kind):
    a = ledger(text)
    assert len(a.claims) == 1
    assert a.claims[0].kind == kind


def test_first_person_opinion_is_evaluative(ledger):
    c = only(ledger("I think the plan failed."), "plan failed")
    assert c.kind == "evaluative" and c.source_type == "author"


def test_reported_would_is_a_prediction(ledger):
    c = only(ledger("John Smith said he would resign."), "resign")
    assert c.kind == "prediction"


# --------------------------------------------------------------------------- items, hedges, grade


def test_items_inside_the_content(ledger):
    a = ledger("Informed sources said 300 soldiers crossed into Syria from Iraq on Monday.")
    c = only(a, "crossed")
    q = next(q for q in a.quantities if q.value == 300)
    t = next(t for t in a.times if "Monday" in t.text)
    assert q.id in c.quantities and t.id in c.times
    assert {p.name for p in a.places if p.id in c.places} >= {"Syria", "Iraq"}


def test_events_by_trigger_inside_the_content(ledger):
    a = ledger("Informed sources said militants attacked a convoy in Baghdad on Monday.")
    c = only(a, "attacked")
    assert c.events
    for v in c.events:
        s, e = a.get(v).mentions[0]
        assert c.mentions[0][0] <= s and e <= c.mentions[-1][1]


def test_hedges_and_checkworthiness_are_filled(ledger):
    c = only(ledger("The army reportedly withdrew 300 soldiers from the town on Monday."), "withdrew")
    assert c.source_type == "anonymous" and c.cue["text"] == "reportedly"
    assert "reportedly" in [h["text"] for h in c.hedges]
    assert c.certainty < 1.0
    assert 0.0 < c.checkworthiness <= 1.0 and "number" in c.check_features
    assert c.grade["reliability"] == "F" and c.grade["reasons"]


def test_contradiction_inside_the_document(ledger):
    a = ledger(
        "The ministry said 300 soldiers crossed the border on Monday. "
        "Iran denied that 300 soldiers crossed the border on Monday."
    )
    assert len(a.claims) == 2
    for c in a.claims:
        assert c.grade["credibility"] == 4
        assert any("contradicted" in r for r in c.grade["reasons"])


# --------------------------------------------------------------------------- the founding example


@pytest.fixture(scope="module")
def example(ledger, example_text):
    return ledger(example_text, published="2026-01-21")


def test_example_crossing_claim_rests_on_anonymous_sources(example):
    c = only(example, "5,000 members")
    assert c.source_type == "anonymous"
    assert c.source["text"] == "Informed sources" and c.cue["text"] == "have tracked"
    assert c.grade["reliability"] == "F" and c.grade["credibility"] == 6
    assert any("unnamed source" in r for r in c.grade["reasons"])
    assert any("not disclosed" in r for r in c.grade["reasons"])
    times = [example.get(t) for t in c.times]
    assert any("72 hours" in t.text for t in times)
    assert any(example.get(q).value == 5000 for q in c.quantities)


def test_example_reports_revealing_is_anonymous(example):
    c = only(example, "flow of Iraqi militia elements")
    assert c.source_type == "anonymous" and c.cue["text"] == "revealing"
    assert "reports" in c.source["text"]
    assert (c.grade["reliability"], c.grade["credibility"]) == ("F", 6)


def test_example_field_data_claim(example):
    c = only(example, "strict instructions")
    assert c.source_type == "anonymous"  # data with no named owner: see docs/grading.md
    assert c.cue["text"] == "indicates" and c.source["text"].startswith("Field data")


def test_example_authors_own_assertions(example):
    assert only(example, "deliberate paralysis").source_type == "author"
    assert only(example, "reached a stage").source_type == "author"
    authored = [c for c in example.claims if c.source_type == "author"]
    assert len(authored) >= len(example.claims) - 5
    assert all(c.grade["reliability"] == "F" for c in example.claims)


# --------------------------------------------------------------------------- invariants


POOL = [
    "Defence Minister John Smith said 300 soldiers crossed the border on Monday.",
    "Informed sources said the army may have withdrawn.",
    '"We will not retreat," the spokesman said. "The talks failed."',
    "Reuters reported that officials said the talks had failed.",
    "The government should resign, and the army will leave.",
    "According to the ministry, 12 people died in the attack.",
    "Did the army cross the border?",
    "If the talks fail, the militia will attack the town.",
    "The decision was a disgrace.",
    "Protesters gathered in Baghdad; police arrested 40 of them.",
]


@pytest.fixture(scope="module")
def schema():
    return json.loads(resources.files("gossamer.schema").joinpath("analysis-1.json").read_text("utf-8"))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(POOL), min_size=1, max_size=4), st.sampled_from([" ", "\n", "\n\n"]))
def test_claims_point_into_the_text(ledger, schema, sentences, sep):
    a = ledger(sep.join(sentences))
    text = a.document.text
    jsonschema.validate(a.to_dict(), schema)
    for c in a.claims:
        assert c.mentions and all(0 <= s < e <= len(text) for s, e in c.mentions)
        assert c.text == " ".join(text[s:e] for s, e in c.mentions)
        s0, s1 = c.sentence
        assert s0 <= c.mentions[0][0] and c.mentions[-1][1] <= s1
        for part in (c.source, c.cue):
            if part and part.get("mention"):
                s, e = part["mention"]
                assert text[s:e] == part["text"]
        assert 0.0 <= c.certainty <= 1.0
        assert c.grade["reliability"] in "ABCDEF" and 1 <= c.grade["credibility"] <= 6 and c.grade["reasons"]


def test_attributions_are_cached_per_analysis(make, stages):
    a, parsed = make("Informed sources said the army withdrew.")
    stages[0](a, parsed)
    assert find_attributions(a, parsed) is find_attributions(a, parsed)


def test_a_heading_without_a_full_stop_is_its_own_sentence(ledger):
    a = ledger("# Army denies convoy crossed into Jordan\n\nThe interior ministry denied reports that a convoy crossed the border.")
    c = only(a, "crossed the border")
    assert c.source["text"] == "The interior ministry"
    head = only(a, "crossed into Jordan")
    assert head.source["text"] == "Army"
