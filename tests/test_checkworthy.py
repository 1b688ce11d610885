"""Check-worthiness scores and features (gossamer.claims.checkworthy) and their evaluation.

Every sentence here is written for these tests; the ClaimBuster sets under ../shared/data are
only opened by the smoke test, which skips when they are absent.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
import typer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from gossamer.claims.checkworthy import check_features, checkworthiness, load_lexicon
from gossamer.evaluate import add_eval_commands
from gossamer.evaluate.checkworthy import read_labelled_json, run_checkworthy_eval
from gossamer.model import Entity

CLAIMBUSTER = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "claimbuster"

MILITIA = "Militias moved 5,000 fighters across the border on Monday."


@pytest.fixture(scope="module")
def score(make):
    def _score(text: str) -> tuple[float, list[str]]:
        _, parsed = make(text)
        return checkworthiness(parsed.doc, parsed=parsed)

    return _score


def test_factual_claim_outranks_talk(score) -> None:
    claim, feats = score(MILITIA)
    for other in ("What a terrible day.", "Thank you all for coming."):
        assert claim > score(other)[0], other
    assert {"number", "time", "past_action", "topic_military"} <= set(feats)
    assert claim > 0.5


@pytest.mark.parametrize(
    "text, feature",
    [
        ("Thank you all for coming.", "-procedural"),
        ("What a terrible day.", "-evaluation"),
        ("Did the army really cross the river?", "-question"),
        ("I think the sanctions are a mistake.", "-first_person_opinion"),
        ("We will rebuild every school in the province.", "-future_promise"),
        ("We should cut the defence budget.", "-prescriptive"),
        ("Unemployment doubled in two years.", "comparison"),
        ("The blockade caused shortages because ports were closed.", "causal"),
        ("According to the ministry, 40 soldiers died in the raid.", "attributed"),
        ("Inflation reached 12 percent in March.", "statistic"),
        ("Senator Jane Okafor voted against the treaty in 2019.", "named_actor"),
        ("Fighting spread to Aleppo and Idlib last week.", "place"),
        ("Opposition parties won 40 seats in the election.", "topic_elections"),
        ("Shelling killed eleven civilians.", "topic_casualties"),
    ],
)
def test_features_are_named(score, text: str, feature: str) -> None:
    assert feature in score(text)[1]


def test_score_is_the_logistic_of_the_printed_features(score) -> None:
    lex = load_lexicon()
    for text in (MILITIA, "I think we will win.", "Thank you."):
        value, feats = score(text)
        z = lex.bias + sum(lex.weights[f.lstrip("-")] for f in feats)
        assert value == pytest.approx(1 / (1 + math.exp(-z)), abs=1e-4)
        for f in feats:  # a "-" exactly on the features that lower the score
            assert f.startswith("-") == (lex.weights[f.lstrip("-")] < 0)


def test_analysis_items_count_inside_the_span(make) -> None:
    text = "Rebels seized the town. Nobody else came."
    analysis, parsed = make(text)
    first, second = list(parsed.doc.sents)
    assert "named_actor" not in check_features(first, parsed=parsed)
    analysis.new(Entity, 0, 6, name="Rebels", type="ARMED_GROUP", how="descriptor")
    assert "named_actor" in check_features(first, analysis, parsed)
    assert "named_actor" not in check_features(second, analysis, parsed)
    with_item, _ = checkworthiness(first, analysis, parsed)
    without, _ = checkworthiness(first, None, parsed)
    assert with_item > without


def test_phrase_scan_is_cached_per_document(make) -> None:
    _, parsed = make("Thank you. Troops crossed the border because of the drought.")
    a, b = list(parsed.doc.sents)
    assert "-procedural" in checkworthiness(a, parsed=parsed)[1]
    assert "causal" in checkworthiness(b, parsed=parsed)[1]
    assert "-procedural" not in checkworthiness(b, parsed=parsed)[1]
    assert "checkworthy_phrases" in parsed.cache


_WORDS = ["the", "army", "moved", "5,000", "troops", "I", "think", "we", "will", "?", "thank", "you",
          "in", "Kabul", "on", "Monday", "because", "largest", "very", "good", "."]  # fmt: skip


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(_WORDS), min_size=1, max_size=14))
def test_any_text_scores_in_range(nlp, words: list[str]) -> None:
    value, feats = checkworthiness(nlp(" ".join(words)))
    names = set(load_lexicon().weights)
    assert 0.0 <= value <= 1.0
    assert all(f.lstrip("-") in names for f in feats)
    assert len(feats) == len(set(feats))


def test_lexicon_rationales_and_cache() -> None:
    from importlib import resources

    import yaml

    data = yaml.safe_load(resources.files("gossamer.data").joinpath("lexicons/checkworthy.yaml").read_text())
    assert data["source"] and data["lexicons"]["source"]
    assert all(spec["rationale"] for spec in data["features"].values())
    assert load_lexicon() is load_lexicon()


# --------------------------------------------------------------------------- evaluation

_TRAIN = [
    {"sentence_id": 1, "label": 1, "text": "Unemployment rose to 9 percent in 2010."},
    {"sentence_id": 2, "label": 0, "text": "Thank you very much."},
    {"sentence_id": 3, "label": 1, "text": "We cut taxes for 95 percent of working families."},
    {"sentence_id": 4, "label": 0, "text": "I think that's a great question."},
    {"sentence_id": 5, "label": 0, "text": "What do you say to that?"},
]
_TEST = [
    {"sentence_id": 6, "label": 1, "text": "The deficit doubled to $1.4 trillion last year."},
    {"sentence_id": 7, "label": 0, "text": "Good evening, everyone."},
    {"sentence_id": 8, "label": 0, "text": "I believe in this country."},
]


@pytest.fixture()
def cb_dir(tmp_path: Path) -> Path:
    (tmp_path / "train.json").write_text(json.dumps(_TRAIN))
    (tmp_path / "test.json").write_text(json.dumps(_TEST))
    return tmp_path


def test_reader(cb_dir: Path) -> None:
    assert read_labelled_json(cb_dir / "test.json")[0] == (
        "The deficit doubled to $1.4 trillion last year.",
        1,
    )
    bad = cb_dir / "bad.json"
    bad.write_text('{"text": "x"}')
    with pytest.raises(ValueError):
        read_labelled_json(bad)


def test_eval_on_synthetic_corpus(cb_dir: Path, nlp, tmp_path: Path) -> None:
    out = tmp_path / "results"
    result = run_checkworthy_eval(cb_dir, out_dir=out, progress=False, nlp=nlp)
    assert result["threshold_from"] == "train" and result["train"]["f1"] == 1.0
    assert (result["n"], result["tp"], result["fp"], result["f1"]) == (3, 1, 0, 1.0)
    assert json.loads((out / "eval-checkworthy.json").read_text())["f1"] == 1.0


def test_cli_json(cb_dir: Path, monkeypatch, tmp_path: Path) -> None:
    from gossamer.evaluate import hedging as shared

    monkeypatch.setattr(shared, "results_dir", lambda: tmp_path / "res")
    app = typer.Typer()
    add_eval_commands(app)
    app.command("noop")(lambda: None)
    runner = CliRunner()
    res = runner.invoke(app, ["eval", "checkworthy", str(cb_dir), "--json", "--threshold", "0.5"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout.strip().splitlines()[-1])
    assert {"f1", "p", "r", "n", "threshold"} <= set(data) and data["threshold"] == 0.5
    assert (tmp_path / "res" / "eval-checkworthy.json").exists()
    table = runner.invoke(app, ["eval", "checkworthy", str(cb_dir)])
    assert table.exit_code == 0 and "P / R / F1" in table.stdout


@pytest.mark.skipif(not (CLAIMBUSTER / "test.json").exists(), reason="../shared/data/claimbuster is absent")
def test_real_corpus_smoke(nlp, tmp_path: Path) -> None:
    result = run_checkworthy_eval(CLAIMBUSTER, limit=120, out_dir=tmp_path, progress=False, nlp=nlp)
    assert result["n"] == 120 and 0.0 <= result["f1"] <= 1.0 and result["threshold_from"] == "train"
    assert result["features_test"]
