"""gossamer eval propaganda: the SemEval-2020 Task 11 scorers on hand-made gold, and a smoke run."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from gossamer.evaluate import propaganda
from gossamer.evaluate.propaganda import (
    SICounts,
    merge_spans,
    read_corpus,
    run_propaganda_eval,
    si_score,
    tc_score,
)

PTC = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "ptc-semeval2020"


# --------------------------------------------------------------------------- SI measure


def test_si_partial_overlap():
    # predicted [5, 15) against gold [0, 10): half of each is shared
    c = si_score({"1": [(5, 15)]}, {"1": [(0, 10)]})
    assert (c.p, c.r, c.f1) == (0.5, 0.5, 0.5)


def test_si_one_prediction_over_two_gold_spans():
    # [0, 20) covers gold [0, 5) and [10, 20): P = 5/20 + 10/20 = 0.75, R = (1 + 1) / 2 = 1
    c = si_score({"1": [(0, 20)]}, {"1": [(0, 5), (10, 20)]})
    assert c.p == pytest.approx(0.75) and c.r == pytest.approx(1.0)
    assert c.f1 == pytest.approx(2 * 0.75 / 1.75)


def test_si_sums_over_documents_before_dividing():
    # doc 1: exact hit; doc 2: a miss and no gold; doc 3: gold not found
    c = si_score({"1": [(0, 4)], "2": [(0, 4)]}, {"1": [(0, 4)], "3": [(2, 6)]})
    assert c.n_pred == 2 and c.n_gold == 2
    assert c.p == pytest.approx(0.5) and c.r == pytest.approx(0.5)


def test_si_merges_overlapping_predictions_first():
    # two overlapping predictions count as one span [0, 10), as the official scorer's merge
    c = si_score({"1": [(0, 6), (4, 10)]}, {"1": [(0, 10)]})
    assert c.n_pred == 1 and c.p == 1.0 and c.r == 1.0


def test_si_empty():
    assert SICounts().f1 == 0.0
    assert si_score({}, {"1": [(0, 3)]}).r == 0.0


@given(st.lists(st.tuples(st.integers(0, 50), st.integers(1, 20)), max_size=8))
def test_merge_spans_is_a_disjoint_cover(raw):
    spans = [(s, s + n) for s, n in raw]
    merged = merge_spans(spans)
    covered = {i for s, e in spans for i in range(s, e)}
    assert {i for s, e in merged for i in range(s, e)} == covered
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(merged))


@given(
    st.lists(st.tuples(st.integers(0, 60), st.integers(1, 15)), max_size=6),
    st.lists(st.tuples(st.integers(0, 60), st.integers(1, 15)), max_size=6),
)
def test_si_scores_are_bounded(pred, gold):
    c = si_score({"d": [(s, s + n) for s, n in pred]}, {"d": [(s, s + n) for s, n in gold]})
    assert 0.0 <= c.p <= 1.0 + 1e-9 and 0.0 <= c.r <= 1.0 + 1e-9


# --------------------------------------------------------------------------- TC measure


def test_tc_counts_each_gold_label_once():
    gold = {(0, 5): ["Loaded_Language"], (6, 9): ["Doubt", "Slogans"], (10, 20): ["Repetition"]}
    guesses = {(0, 5): ["Loaded_Language"], (6, 9): ["Doubt", "Repetition"], (10, 20): ["Loaded_Language"]}
    assert tc_score(gold, guesses) == (2, 4)


def test_tc_extra_guesses_do_not_count():
    assert tc_score({(0, 5): ["Doubt"]}, {(0, 5): ["Loaded_Language", "Doubt"]}) == (0, 1)


# --------------------------------------------------------------------------- corpus and command

ARTICLE = (
    "The savage regime crushed the protest\n\n"
    "The so-called experts agree with the brutal thugs.\n"
    "Officials met on Tuesday to discuss the budget.\n"
)


def _corpus(root: Path) -> Path:
    arts = root / "train-articles"
    arts.mkdir(parents=True)
    (arts / "article7.txt").write_text(ARTICLE, encoding="utf-8")
    (arts / "article9.txt").write_text("Nothing happened today.\n", encoding="utf-8")
    tc = root / "train-labels-task2-technique-classification"
    tc.mkdir()

    def at(words: str) -> str:
        s = ARTICLE.index(words)
        return f"{s}\t{s + len(words)}"

    (tc / "article7.task2-TC.labels").write_text(
        f"7\tLoaded_Language\t{at('savage')}\n"
        f"7\tName_Calling,Labeling\t{at('brutal thugs')}\n"
        f"7\tDoubt\t{at('so-called experts')}\n",
        encoding="utf-8",
    )
    (tc / "article9.task2-TC.labels").write_text("", encoding="utf-8")
    return root


def test_read_corpus_derives_si_from_tc(tmp_path):
    arts = read_corpus(_corpus(tmp_path))
    assert [a.id for a in arts] == ["7", "9"]
    a7 = arts[0]
    assert len(a7.tc) == 3 and len(a7.si) == 3
    for s, e in a7.tc:
        assert a7.text[s:e] in ("savage", "brutal thugs", "so-called experts")


def test_run_on_a_tiny_corpus(tmp_path):
    out = tmp_path / "res.json"
    result = run_propaganda_eval(_corpus(tmp_path / "c"), write=out)
    assert result["n_articles"] == 2
    assert set(result["si"]) >= {"p", "r", "f1"} and "micro_f1" in result["tc"]
    assert result["si"]["r"] > 0.5  # the three gold spans are all flagged
    assert result["tc"]["micro_f1"] >= result["baseline"]["tc_micro_f1"]
    assert json.loads(out.read_text())["n_articles"] == 2


def test_cli_json(tmp_path, monkeypatch):
    from gossamer.cli import app

    monkeypatch.setattr(propaganda, "results_dir", lambda: tmp_path / "results")
    res = CliRunner().invoke(app, ["eval", "propaganda", str(_corpus(tmp_path / "c")), "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout.strip().splitlines()[-1])
    assert {"si", "tc", "n_articles", "baseline"} <= set(data)
    assert (tmp_path / "results" / "eval-propaganda.json").exists()


def test_cli_missing_corpus(tmp_path):
    from gossamer.cli import app

    res = CliRunner().invoke(app, ["eval", "propaganda", str(tmp_path / "nope")])
    assert res.exit_code == 2


# --------------------------------------------------------------------------- real data (read only)


@pytest.mark.skipif(not PTC.exists(), reason="../shared/data/ptc-semeval2020 is absent")
def test_smoke_on_ptc():
    result = run_propaganda_eval(PTC, limit=4)
    assert result["n_articles"] == 4
    assert result["si"]["n_gold"] > 0 and 0.0 < result["si"]["f1"] <= 1.0
    assert 0.0 < result["tc"]["micro_f1"] <= 1.0
