"""Reporting frames: cues, sources, source types, chains (gossamer/attribution.py)."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gossamer.attribution import SOURCE_TYPES, Frames, build_cues, find_frames, load_cues
from gossamer.model import Analysis
from gossamer.nlp import Parsed
from gossamer.pipeline import DEFAULT_STAGES, load_stage


@pytest.fixture(scope="module")
def stages():
    return [load_stage(s) for s in DEFAULT_STAGES if not s.endswith(":EventStage")]


@pytest.fixture(scope="module")
def frames_of(make, stages):
    def _frames(text: str) -> tuple[Analysis, Parsed, Frames]:
        analysis, parsed = make(text, published="2026-01-21")
        for stage in stages:
            if stage.name in ("entities", "places", "times", "quantities"):
                stage(analysis, parsed)
        return analysis, parsed, find_frames(analysis, parsed)

    return _frames


def frame_for(frames_of, text: str, word: str):
    """The frame (as the `attributed_to` dict) reporting the first token `word`."""
    a, parsed, frames = frames_of(text)
    from gossamer.events.tokens import token_table

    table = token_table(parsed)
    tok = table.node(table.text.index(word))
    frame, chain = frames.lookup(tok)
    return None if frame is None else frame.as_dict(a.document.text, chain)


def test_cues_load_and_every_section_has_a_source():
    from importlib import resources

    raw = yaml.safe_load(
        resources.files("gossamer").joinpath("data/lexicons/attribution.yaml").read_text("utf-8")
    )
    for key, section in raw.items():
        if isinstance(section, dict):
            assert section.get("source"), key
    cues = load_cues()
    assert "say" in cues.reporting and "deny" in cues.deny and ("according", "to") in cues.according


def test_cues_refuse_yaml_booleans():
    from importlib import resources

    raw = yaml.safe_load(
        resources.files("gossamer").joinpath("data/lexicons/attribution.yaml").read_text("utf-8")
    )
    raw["titles"]["nouns"].append(False)
    with pytest.raises(ValueError):
        build_cues(raw)


@pytest.mark.parametrize(
    ("text", "word", "source", "stype", "cue"),
    [
        (
            "Defence Minister Lloyd Austin said troops attacked the town.",
            "attacked",
            "Defence Minister Lloyd Austin",
            "named_official",
            "said",
        ),
        ("Lloyd Austin said troops attacked the town.", "attacked", "Lloyd Austin", "named_person", "said"),
        (
            "The defence minister said troops attacked the town.",
            "attacked",
            "The defence minister",
            "named_official",
            "said",
        ),
        ("Hamas said its fighters attacked the town.", "attacked", "Hamas", "named_organization", "said"),
        (
            "Informed sources said troops attacked the town.",
            "attacked",
            "Informed sources",
            "anonymous",
            "said",
        ),
        (
            "Officials who spoke on condition of anonymity said troops attacked the town.",
            "attacked",
            "Officials who spoke on condition of anonymity",
            "anonymous",
            "said",
        ),
        (
            "Sources familiar with the matter said troops attacked the town.",
            "attacked",
            "Sources familiar with the matter",
            "anonymous",
            "said",
        ),
        (
            "Field data indicates that troops attacked the town.",
            "attacked",
            "Field data",
            "anonymous",
            "indicates",
        ),
        ("According to Reuters, troops attacked the town.", "attacked", "Reuters", "media", "According to"),
        (
            "State media reported that troops attacked the town.",
            "attacked",
            "State media",
            "media",
            "reported",
        ),
        ("A UN report said troops attacked the town.", "attacked", "A UN report", "document", "said"),
        ("Witnesses said troops attacked the town.", "attacked", "Witnesses", "anonymous", "said"),
        (
            "Informed sources have tracked the crossing of fighters into Syria.",
            "crossing",
            "Informed sources",
            "anonymous",
            "have tracked",
        ),
        (
            "Intelligence and field reports revealing a flow of fighters into Syria alarmed Baghdad.",
            "flow",
            "Intelligence and field reports",
            "anonymous",
            "revealing",
        ),
        (
            "Iran denied that its forces attacked the tanker.",
            "attacked",
            "Iran",
            "named_organization",
            "denied",
        ),
    ],
)
def test_source_and_type(frames_of, text, word, source, stype, cue):
    att = frame_for(frames_of, text, word)
    assert att is not None
    assert att["text"] == source
    assert att["source_type"] == stype
    assert att["cue"] == cue
    assert att["chain"] == 1


def test_passive_report_without_a_source_is_anonymous(frames_of):
    att = frame_for(frames_of, "It was reported that troops attacked the town.", "attacked")
    assert att["source_type"] == "anonymous" and att["text"] is None


def test_reportedly_is_an_anonymous_frame(frames_of):
    att = frame_for(frames_of, "Troops reportedly attacked the town.", "attacked")
    assert att["source_type"] == "anonymous" and att["cue"] == "reportedly"


def test_first_person_is_the_author(frames_of):
    att = frame_for(frames_of, "We said that troops attacked the town.", "attacked")
    assert att["source_type"] == "author"


def test_inference_of_the_writer_is_no_frame(frames_of):
    assert (
        frame_for(frames_of, "The events of this week confirm that troops attacked the town.", "attacked")
        is None
    )
    assert frame_for(frames_of, "Troops attacked the town.", "attacked") is None


def test_chain_keeps_the_nearest_source(frames_of):
    att = frame_for(
        frames_of, "Sources told Reuters that the minister said troops crossed the border.", "crossed"
    )
    assert att["text"] == "the minister" and att["chain"] == 2


def test_source_phrase_stops_at_far_words(frames_of):
    # the small parser may hang words far to the right on the source noun; only the unbroken run counts
    att = frame_for(
        frames_of,
        "Informed sources have tracked the crossing of approximately 5,000 members of "
        "armed factions—notably Kata'ib Hezbollah and Harakat al-Nujaba—into Iran.",
        "crossing",
    )
    assert att["text"] == "Informed sources" and att["entity"] is None


def test_named_entity_source_carries_its_id(frames_of):
    a, _parsed, frames = frames_of("According to Reuters, troops attacked the town.")
    att = frames.frames[0].as_dict(a.document.text)
    ent = a.get(att["entity"])
    assert ent is not None and ent.kb_id == "GBR-REUTERS"


WORDS = [
    "said",
    "that",
    "according",
    "to",
    "Reuters",
    "sources",
    "reportedly",
    "Iran",
    "denied",
    "the",
    "minister",
    "troops",
    "attacked",
    "town",
    ",",
    ".",
    "officials",
    "told",
    "It",
    "was",
    "reported",
    "we",
]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=25))
def test_property_frames_point_into_the_text(frames_of, words):
    text = " ".join(words)
    a, parsed, frames = frames_of(text)
    n = len(text)
    ids = {e.id for e in a.entities}
    for f in frames.frames:
        d = f.as_dict(a.document.text)
        assert d["source_type"] in SOURCE_TYPES
        assert 0 <= d["cue_mention"][0] < d["cue_mention"][1] <= n
        assert text[d["cue_mention"][0] : d["cue_mention"][1]] == d["cue"]
        if d["mention"] is not None:
            assert text[d["mention"][0] : d["mention"][1]] == d["text"]
        assert d["entity"] is None or d["entity"] in ids
        assert 0 <= f.content < len(parsed.doc)
