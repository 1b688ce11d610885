"""Rhetoric stage: persuasion techniques, genre and stance on sentences written for these tests."""

from __future__ import annotations

from importlib import resources

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gossamer.model import GENRES, TECHNIQUES, Analysis, Claim
from gossamer.rhetoric.lexicon import load_lexicon
from gossamer.stages.entities import EntityStage
from gossamer.stages.rhetoric import RhetoricStage


@pytest.fixture(scope="module")
def stages():
    return EntityStage(), RhetoricStage()


@pytest.fixture(scope="module")
def run(make, stages):
    """run(text, **meta) -> Analysis after the entity and rhetoric stages."""

    def _run(text: str, **meta) -> Analysis:
        analysis, parsed = make(text, **meta)
        for stage in stages:
            stage(analysis, parsed)
        return analysis

    return _run


def spans(analysis: Analysis, technique: str) -> list[str]:
    return [r.text for r in analysis.rhetoric if r.technique == technique]


def has(analysis: Analysis, technique: str, words: str) -> bool:
    return any(words in text for text in spans(analysis, technique))


# --------------------------------------------------------------------------- techniques


def test_loaded_language_takes_the_noun_it_colours(run):
    a = run("The brutal crackdown left the old town in ruins.")
    assert "brutal crackdown" in spans(a, "Loaded_Language")


def test_loaded_adverb_takes_its_verb(run):
    a = run("Police brutally dispersed the march on Friday.")
    assert has(a, "Loaded_Language", "brutally dispersed")


def test_name_calling_label_and_its_adjectives(run):
    a = run("The ministry hired ideological mercenaries and paid them well.")
    assert "ideological mercenaries" in spans(a, "Name_Calling,Labeling")


def test_name_calling_target_is_the_entity_labelled(run):
    a = run("Iran is a puppet regime, the speaker said.")
    iran = next(e for e in a.entities if e.name == "Iran")
    labels = [r for r in a.rhetoric if r.technique == "Name_Calling,Labeling"]
    assert labels and labels[0].target == iran.id


def test_label_object_of_a_verb_is_not_aimed_at_the_subject(run):
    a = run("Iran sent its proxies across the border.")
    proxies = [r for r in a.rhetoric if r.text == "proxies"]
    assert proxies and proxies[0].target is None


def test_exaggeration(run):
    a = run("This is the worst crisis in human history, and it is totally unprecedented.")
    assert spans(a, "Exaggeration,Minimisation")


def test_minimisation(run):
    a = run("The officials said the shelling was nothing more than a training exercise.")
    assert has(a, "Exaggeration,Minimisation", "nothing more than")


def test_appeal_to_fear(run):
    a = run("If nothing is done, these gangs will destroy our way of life.")
    assert spans(a, "Appeal_to_fear-prejudice")


def test_flag_waving(run):
    a = run("True patriots will stand and defend our great nation.")
    assert spans(a, "Flag-Waving")


def test_doubt_so_called(run):
    a = run("The so-called experts got every forecast wrong.")
    assert has(a, "Doubt", "so-called experts")


def test_doubt_scare_quotes(run):
    a = run('Their "peace plan" changed nothing on the ground.')
    assert has(a, "Doubt", "peace plan")


def test_reported_quotation_is_not_scare_quotes(run):
    a = run('The minister said: "We will reopen the crossing next week."')
    assert not spans(a, "Doubt")


def test_causal_oversimplification(run):
    a = run("The only reason prices rose is the new tax on fuel.")
    assert spans(a, "Causal_Oversimplification")


def test_slogans(run):
    a = run(
        "Thousands marched behind a banner reading Down with the tyrant, and posts tagged #StopTheWar spread."
    )
    slogans = spans(a, "Slogans")
    assert any("Down with the tyrant" in s for s in slogans)
    assert "#StopTheWar" in slogans


def test_black_and_white(run):
    a = run("You are either with us or you stand with the enemy.")
    assert spans(a, "Black-and-White_Fallacy")


def test_thought_terminating_cliche(run):
    a = run("The deal is bad, but it is what it is.")
    assert has(a, "Thought-terminating_Cliches", "it is what it is")


def test_whataboutism(run):
    a = run("Critics attack the army, but what about the crimes of the rebels?")
    assert spans(a, "Whataboutism,Straw_Men,Red_Herring")


def test_bandwagon_and_reductio(run):
    a = run("Everyone knows the vote was rigged. Their new law is something the Gestapo would admire.")
    techniques = spans(a, "Bandwagon,Reductio_ad_hitlerum")
    assert any("Everyone knows" in s for s in techniques)
    assert any("Gestapo" in s for s in techniques)


def test_repetition_is_computed(run):
    a = run(
        "They lied about the war in the north. They lied about the cost of it. "
        "They lied about the dead and the missing."
    )
    assert spans(a, "Repetition")


def test_charged_word_repeated(run):
    a = run("The regime jails students. The regime bans newspapers. Nobody trusts the regime.")
    assert len(spans(a, "Repetition")) >= 2


def test_appeal_to_authority(run):
    a = run("Experts agree that the new dam will fail within a decade.")
    assert spans(a, "Appeal_to_Authority")


def test_neutral_wire_copy_has_little_rhetoric(run):
    a = run(
        "BAGHDAD (Reuters) - Iraq's parliament met on Tuesday to discuss the budget, two lawmakers said. "
        "The session lasted three hours and was adjourned until next week, according to a statement."
    )
    assert not [r for r in a.rhetoric if r.technique in ("Loaded_Language", "Name_Calling,Labeling", "Doubt")]


def test_words_inside_names_are_names(run):
    a = run("The Heroic Defenders Battalion said it held the bridge.")
    assert not spans(a, "Loaded_Language")
    b = run("The heroic defenders held the bridge.")
    assert spans(b, "Loaded_Language")


def test_claims_list_rhetoric_inside_them(make, stages):
    text = "The brutal crackdown continued on Monday."
    analysis, parsed = make(text)
    analysis.new(Claim, 0, len(text) - 1, text=text[:-1])
    for stage in stages:
        stage(analysis, parsed)
    loaded = [r.id for r in analysis.rhetoric if r.technique == "Loaded_Language"]
    assert loaded and set(loaded) <= set(analysis.claims[0].rhetoric)


# --------------------------------------------------------------------------- invariants

_WORDS = [
    "brutal", "regime", "thugs", "so-called", "experts", "agree", "never", "our", "nation", "either", "or",
    "what", "about", "the", "army", "Iran", "crushed", "protesters", "!", "?", '"', "peace", "plan", ",", ".",
    "everyone", "knows", "\n", "totally", "false", "because", "of", "them",
]  # fmt: skip


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(_WORDS), min_size=1, max_size=40))
def test_spans_point_into_the_text(run, words):
    text = " ".join(words)
    a = run(text)
    n = len(text)
    ids = {e.id for e in a.entities}
    for r in a.rhetoric:
        ((s, e),) = r.mentions
        assert 0 <= s < e <= n
        assert text[s:e] == r.text
        assert r.technique in TECHNIQUES
        assert 0.0 <= (r.confidence or 0.0) <= 1.0
        assert r.target is None or r.target in ids
        assert text[s:e] == text[s:e].strip()
    for stance in a.stances:
        assert -1.0 <= stance.score <= 1.0 and stance.entity in ids
        assert all(0 <= s < e <= n for s, e in stance.mentions)
    assert a.document.genre in GENRES


# --------------------------------------------------------------------------- stance


_FRAME = (
    "Yesterday {A} was called a corrupt, bloodthirsty regime whose thugs crushed peaceful protesters. "
    "Meanwhile {B} remained an honest and brave partner, and {B} rebuilt the town."
)


@pytest.mark.parametrize("one, other", [("Russia", "Ukraine"), ("Hamas", "the Israeli army")])
def test_stance_mirrors_when_the_actors_swap(run, one, other):
    def read(a_name: str, b_name: str) -> dict[str, tuple[str, float]]:
        a = run(_FRAME.format(A=a_name, B=b_name))
        names = {e.id: e for e in a.entities}
        return {names[s.entity].name: (s.stance, s.score) for s in a.stances}

    first = read(one, other)
    second = read(other, one)
    assert len(first) == 2 and len(second) == 2
    (neg1, _), (pos1, _) = sorted(first.values(), key=lambda v: v[1])
    assert (neg1, pos1) == ("negative", "positive")
    # swapping the actors swaps the stances, with the same scores
    swapped = {name: second[name] for name in first}
    for name in first:
        other_name = next(n for n in first if n != name)
        assert swapped[name] == first[other_name]


def test_negation_flips_a_predicate(run):
    a = run("Ukraine is not corrupt.")
    b = run("Ukraine is corrupt.")
    assert a.stances and b.stances
    assert a.stances[0].score == -b.stances[0].score


def test_stance_evidence_are_the_spans(run):
    a = run("Russia is a corrupt regime.")
    stance = a.stances[0]
    texts = a.texts(stance)
    assert any("corrupt" in t for t in texts) and stance.stance == "negative"
    assert "corrupt" in stance.why


# --------------------------------------------------------------------------- genre


def genre(run, text: str, **meta) -> tuple[str, str]:
    a = run(text, **meta)
    note = next(n for n in a.notes if n.startswith("genre:"))
    return a.document.genre, note


NEWS = (
    "MOSUL, Iraq (AP) - Two roadside bombs killed three soldiers on Sunday, police said. "
    '"The blasts hit a patrol near the river," Colonel Ahmed Saleh told reporters. '
    "A health official said four others were wounded. The army said it had opened an inquiry. "
    "Local officials said the road was reopened by the evening."
)
OPINION = (
    "Let us stop pretending. This shameful deal is a disgrace, and I am tired of the excuses. "
    "How long must we watch these corrupt cronies loot the treasury? Who will pay for their greed? "
    "We must demand better, and we must demand it now."
)
ANALYSIS = (
    "The talks are likely to stall in the short term. Several scenarios appear plausible: the parties may "
    "agree on a limited truce, or the fighting could resume. Our assessment is that the balance of power "
    "suggests a slow escalation, although the trajectory remains uncertain. The key question is whether "
    "outside mediators can offer leverage."
)
STATEMENT = (
    "The Ministry of Foreign Affairs affirms its full commitment to the sovereignty of the country. "
    "The Ministry strongly condemns the attack on the embassy and calls on all parties to exercise restraint. "
    "We reiterate our support for dialogue and express our condolences to the families of the victims."
)


@pytest.mark.parametrize(
    "text, expected", [(NEWS, "news"), (OPINION, "opinion"), (ANALYSIS, "analysis"), (STATEMENT, "statement")]
)
def test_genre_of_each_kind(run, text, expected):
    g, note = genre(run, text)
    assert g == expected, note
    assert note.startswith(f"genre: {expected} (")


def test_genre_title_hint(run):
    g, note = genre(
        run, "The river rose again this week, and the town waited.", title="Opinion: The river will not wait"
    )
    assert g == "opinion" and "title" in note


def test_quoted_outrage_does_not_make_an_opinion(run):
    text = (
        "KYIV (Reuters) - Officials said on Monday that shelling hit a school. "
        '"This is a barbaric, shameful, disgusting crime by savage butchers," the mayor told reporters. '
        "Police said two people were hurt, according to a statement."
    )
    assert genre(run, text)[0] == "news"


def test_short_neutral_text_is_unknown(run):
    assert genre(run, "Rain fell.")[0] == "unknown"


# --------------------------------------------------------------------------- founding example


@pytest.fixture(scope="module")
def example(example_text, run):
    return run(example_text)


def test_example_flags_the_charged_phrases(example):
    charged = [
        r.text for r in example.rhetoric if r.technique in ("Loaded_Language", "Name_Calling,Labeling")
    ]
    assert any("brutal crackdown" in t for t in charged)
    assert any("ideological mercenaries" in t for t in charged)


def test_example_is_opinion_with_a_reason(example):
    assert example.document.genre == "opinion"
    assert any(n.startswith("genre: opinion (") for n in example.notes)


def test_example_stance_toward_the_labelled_government(example):
    negative = [s for s in example.stances if s.stance == "negative"]
    assert negative and all(s.mentions for s in negative)


# --------------------------------------------------------------------------- data files


def _yaml(name: str):
    return yaml.safe_load(resources.files("gossamer.data").joinpath(f"lexicons/{name}").read_text("utf-8"))


def test_every_lexicon_group_has_a_source_and_a_known_technique():
    data = _yaml("rhetoric.yaml")
    for group in data["groups"]:
        assert group["technique"] in TECHNIQUES
        assert group.get("source")
    assert data["computed"]["source"]
    detected = {g["technique"] for g in data["groups"] if g.get("detect", True)}
    assert detected | {"Repetition"} == set(TECHNIQUES)


def test_genre_and_stance_files_have_sources():
    genre_data = _yaml("genre.yaml")
    assert genre_data["source"] and all(v.get("source") for v in genre_data["lexicon"].values())
    assert set(genre_data["weights"]) == set(GENRES) - {"unknown"}
    stance = _yaml("stance.yaml")
    for key in ("adjectives", "subject_predicates", "object_predicates", "negators"):
        assert stance[key]["source"]


def test_lexicon_is_general_not_the_example_wording():
    lexicon = load_lexicon()
    entries = {
        c.text.lower()
        for b in lexicon.first.values()
        for cues in (b.single, b.wild, *b.after.values())
        for c in cues
    }
    for phrase in ("brutal crackdown", "ideological mercenaries", "spider's web", "velayat-e faqih"):
        assert phrase not in entries
    assert {"brutal", "mercenaries"} <= entries
