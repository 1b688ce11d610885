"""Frames the attribution corpora annotate beyond plain "X said that ...": the shapes added for
recall on PolNeAR (poll subjects, support verbs, "see X as Y", a quotation's frame holding a cue
outside it). Sentences are invented, in the style of geopolitical news."""

from __future__ import annotations

import pytest

from gossamer.claims.sources import find_attributions
from gossamer.evaluate.attribution import predicted_spans
from gossamer.pipeline import DEFAULT_STAGES, load_stage


@pytest.fixture(scope="module")
def stages():
    return [load_stage(s) for s in DEFAULT_STAGES]


@pytest.fixture(scope="module")
def scored(make, stages):
    """scored(text) -> (text, frames, the spans the attribution evaluation scores)."""

    def _run(text: str):
        analysis, parsed = make(text)
        for stage in stages:
            stage(analysis, parsed)
        return text, find_attributions(analysis, parsed), predicted_spans(analysis, parsed)

    return _run


def texts(text: str, spans: list[tuple[int, int]]) -> list[str]:
    return [text[s:e] for s, e in spans]


@pytest.mark.parametrize(
    ("text", "cue", "source"),
    [
        ("Six in 10 say the ceasefire will not hold.", "say", "Six in 10"),
        ("Of the 500 refugees interviewed, 43 said they would return home.", "said", "43"),
        ("Many say the blockade has already failed.", "say", "Many"),
        ("Those who fled the city say the shelling never stopped.", "say", "Those"),
    ],
)
def test_a_share_or_a_number_speaks(scored, text, cue, source):
    text, _, spans = scored(text)
    assert cue in texts(text, spans["cue"])
    assert any(source in s for s in texts(text, spans["source"]))


@pytest.mark.parametrize(
    ("text", "cue_word", "source", "content_word"),
    [
        (
            "The foreign minister made the case that sanctions had weakened the junta.",
            "case",
            "The foreign minister",
            "sanctions",
        ),
        (
            "The rebel commander made repeated reference to the siege of the city.",
            "reference",
            "The rebel commander",
            "siege",
        ),
        ("The envoy made no mention of the border clashes.", "mention", "The envoy", "clashes"),
        (
            "The defence ministry raised questions about the drone strike.",
            "questions",
            "The defence ministry",
            "strike",
        ),
    ],
)
def test_a_support_verb_hands_its_subject_to_the_noun(scored, text, cue_word, source, content_word):
    text, _, spans = scored(text)
    cues = [c for c in texts(text, spans["cue"]) if cue_word in c]
    assert cues, texts(text, spans["cue"])
    assert source in texts(text, spans["source"])
    assert any(content_word in c for c in texts(text, spans["content"]))


def test_a_support_verb_needs_a_speech_noun(scored):
    _, _, spans = scored("The rebels made a detour around the checkpoint.")
    assert spans["cue"] == []


@pytest.mark.parametrize(
    ("text", "cue", "source", "content_word"),
    [
        ("Most Kurds see the referendum as a turning point.", "see", "Most Kurds", "referendum"),
        ("The president views the withdrawal as a betrayal.", "views", "The president", "withdrawal"),
        (
            "Western diplomats regard the election result as illegitimate.",
            "regard",
            "Western diplomats",
            "result",
        ),
    ],
)
def test_seeing_x_as_y_is_the_subjects_view(scored, text, cue, source, content_word):
    text, _, spans = scored(text)
    assert cue in texts(text, spans["cue"])
    assert source in texts(text, spans["source"])
    assert any(content_word in c for c in texts(text, spans["content"]))


def test_seeing_without_an_object_complement_is_no_frame(scored):
    text, _, spans = scored("Villagers saw the convoy near the river.")
    assert "saw" not in texts(text, spans["cue"])


def test_a_quoted_frame_does_not_hold_the_speaker_outside_the_quotation(scored):
    text, _, spans = scored(
        '"I know the siege will end soon, and I hope the corridor stays open," the mayor said.'
    )
    assert "said" in texts(text, spans["cue"])
    assert "the mayor" in texts(text, spans["source"])


def test_continuing_to_act_is_no_report(scored):
    text, _, spans = scored("The rebels continued to shell the northern districts of the city.")
    assert "continued" not in texts(text, spans["cue"])


def test_continuing_a_quotation_is_a_report(scored):
    text, _, spans = scored('"We will not retreat from the valley," the commander continued.')
    assert "continued" in texts(text, spans["cue"])
    assert "the commander" in texts(text, spans["source"])
