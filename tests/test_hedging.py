"""Hedges, boosters and certainty (gossamer.claims.hedging) and the hedging evaluation.

Every sentence here is written for these tests; the Wikipedia weasel corpus under
../shared/data is only opened by the smoke test, which skips when it is absent.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from gossamer.claims.hedging import HEDGE_TYPES, Hedge, certainty, doc_hedges, find_hedges, load_lexicon
from gossamer.evaluate import add_eval_commands
from gossamer.evaluate.hedging import (
    BinaryCounts,
    choose_threshold,
    read_labelled_csv,
    run_hedging_eval,
    unescape_ptb,
)

WEASEL = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "wiki-weasel"


@pytest.fixture(scope="module")
def hedges_of(make):
    def _hedges(text: str) -> list[Hedge]:
        _, parsed = make(text)
        return find_hedges(parsed.doc, parsed)

    return _hedges


def _types(hedges: list[Hedge]) -> list[str]:
    return [h.type for h in hedges]


# --------------------------------------------------------------------------- each type


@pytest.mark.parametrize(
    "text, kind, cue",
    [
        ("The militia may have fired the shell at the market.", "epistemic", "may have"),
        ("The strike was probably aimed at the depot.", "epistemic", "probably"),
        ("The convoy appears to have turned back at the checkpoint.", "epistemic", "appears"),
        ("The commander reportedly fled to the coast.", "doxastic", "reportedly"),
        ("The general is believed to have left the capital.", "doxastic", "is believed"),
        ("It is said that the bridge was mined before the retreat.", "doxastic", "is said"),
        ("If the truce holds, aid convoys will reach the city.", "conditional", "If"),
        (
            "The death toll could not be independently verified.",
            "investigation",
            "could not be independently verified",
        ),
        ("The cause of the blast remains unclear.", "investigation", "remains unclear"),
        ("About 300 people crossed the border.", "approximator", "About"),
        ("The army moved an estimated 5,000 troops north.", "approximator", "an estimated"),
        ("Critics argue the deal rewards the junta.", "weasel", "Critics argue"),
        ("Some analysts say the offensive has stalled.", "weasel", "Some analysts say"),
        ("Officials confirmed the strike on the depot.", "booster", "confirmed"),
        ("The rebels clearly controlled the airport.", "booster", "clearly"),
    ],
)
def test_each_hedge_type(hedges_of, text: str, kind: str, cue: str) -> None:
    found = hedges_of(text)
    assert [(h.type, h.text) for h in found if h.type == kind] == [(kind, cue)]


def test_flat_assertion_has_no_hedge(hedges_of) -> None:
    assert hedges_of("The rebels attacked the airport on Monday.") == []


@pytest.mark.parametrize(
    "text",
    [
        "May 5 was the first day of the ceasefire.",  # the month, not the modal
        "The minister appeared in court on Tuesday.",  # no complement: not "appears to"
        "The group claimed responsibility for the bombing.",  # claiming an act, not a proposition
        "The talks were about the prisoners held in the north.",  # "about" before no number
        "The outcome was reported by the state news agency.",  # a named source: not an unnamed report
    ],
)
def test_look_alikes_are_not_hedges(hedges_of, text: str) -> None:
    assert [h for h in hedges_of(text) if h.weight > 0] == []


# --------------------------------------------------------------------------- negation


def test_negated_hedge_keeps_the_negator(hedges_of) -> None:
    (h,) = hedges_of("A new offensive is not likely before the spring.")
    assert h.text == "not likely" and h.type == "epistemic" and h.negated and h.weight > 0


def test_negated_modal_of_ability_is_no_hedge(hedges_of) -> None:
    assert hedges_of("The delegates could not reach the border crossing.") == []


def test_negated_booster_becomes_a_hedge(hedges_of) -> None:
    (h,) = hedges_of("The ministry did not confirm the casualty figures.")
    assert h.text == "not confirm" and h.type == "investigation" and h.weight > 0 and h.negated


def test_contracted_negation(hedges_of) -> None:
    (h,) = hedges_of("The claims couldn't be verified.")
    assert h.type == "investigation" and h.text == "couldn't be verified"


def test_negated_doubt_is_a_booster(hedges_of) -> None:
    (h,) = hedges_of("There is no doubt that the shelling came from the hills.")
    assert h.type == "booster" and h.weight < 0


# --------------------------------------------------------------------------- certainty


def test_certainty_ordering(hedges_of) -> None:
    flat = certainty(hedges_of("X attacked Y."))
    reported = certainty(hedges_of("X reportedly attacked Y."))
    speculative = certainty(hedges_of("X may have attacked Y, unconfirmed reports suggest."))
    assert flat == 1.0
    assert flat > reported > speculative > 0.0


def test_boosters_raise_but_never_above_one() -> None:
    hedge = Hedge("may", [0, 3], "epistemic", 0.4)
    boost = Hedge("clearly", [4, 11], "booster", -0.25)
    assert certainty([hedge]) == pytest.approx(0.6)
    assert certainty([hedge]) < certainty([hedge, boost]) < 1.0
    assert certainty([boost]) == 1.0
    assert certainty([]) == 1.0


def test_certainty_accepts_claim_dicts() -> None:
    h = Hedge("reportedly", [2, 12], "doxastic", 0.35)
    assert h.as_dict() == {"text": "reportedly", "mention": [2, 12], "type": "doxastic", "weight": 0.35}
    assert certainty([h.as_dict()]) == certainty([h]) == pytest.approx(0.65)


# --------------------------------------------------------------------------- spans, offsets, cache


def test_find_hedges_filters_to_the_span_and_shares_the_scan(make) -> None:
    text = "Rebels reportedly took the airport. The army retreated. Officials said talks may resume."
    _, parsed = make(text)
    sents = list(parsed.doc.sents)
    assert [h.text for h in find_hedges(sents[0], parsed)] == ["reportedly"]
    assert find_hedges(sents[1], parsed) == []
    assert [h.text for h in find_hedges(sents[2], parsed)] == ["may"]
    assert parsed.cache["hedges"] is doc_hedges(parsed.doc, parsed)  # scanned once, reused
    for h in find_hedges(parsed.doc, parsed):
        assert text[h.mention[0] : h.mention[1]] == h.text


def test_works_without_parsed(nlp) -> None:
    doc = nlp("The shell was probably fired from the ridge.")
    assert [h.text for h in find_hedges(doc)] == ["probably"]
    assert [h.text for h in find_hedges(doc[0:3])] == []


_PARTS = [
    "The militia may have fired the shell.",
    "Rebels reportedly seized the port.",
    "If talks fail, fighting will resume.",
    "About 300 people fled.",
    "Critics argue the deal is weak.",
    "The report could not be verified.",
    "Officials confirmed the raid.",
    "It is not likely to last.",
    "The army withdrew from the town.",
    "Some say the general was believed to be ill.",
]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(_PARTS), min_size=1, max_size=6), st.sampled_from([" ", "\n", "  "]))
def test_mentions_point_at_their_text(nlp, parts: list[str], sep: str) -> None:
    text = sep.join(parts)
    doc = nlp(text)
    hedges = find_hedges(doc)
    for h in hedges:
        assert 0 <= h.mention[0] < h.mention[1] <= len(text)
        assert text[h.mention[0] : h.mention[1]] == h.text
        assert h.type in HEDGE_TYPES
        assert -1.0 <= h.weight <= 1.0 and h.weight != 0
    assert 0.0 <= certainty(hedges) <= 1.0
    assert [h.mention for h in hedges] == sorted(h.mention for h in hedges)


def test_lexicon_has_sources_and_loads_once() -> None:
    from importlib import resources

    import yaml

    data = yaml.safe_load(resources.files("gossamer.data").joinpath("lexicons/hedges.yaml").read_text())
    for section in HEDGE_TYPES:
        assert data[section]["source"], section
        for phrase, attrs in data[section]["cues"].items():
            w = (attrs or {}).get("weight", data[section]["weight"])
            assert (w < 0) == (section == "booster") or w == 0, phrase
    assert load_lexicon() is load_lexicon()


# --------------------------------------------------------------------------- evaluation


def test_binary_counts_and_threshold() -> None:
    c = BinaryCounts.of([1, 1, 0, 0], [True, False, True, False])
    assert (c.tp, c.fp, c.fn, c.tn) == (1, 1, 1, 1) and c.f1 == pytest.approx(0.5)
    # certainty: positives (uncertain) sit low; the best cut separates them
    t, counts = choose_threshold([0.3, 0.5, 0.9, 1.0, 1.0], [1, 1, 0, 0, 0], positive_below=True)
    assert t == 0.9 and counts.f1 == 1.0
    t, counts = choose_threshold([0.9, 0.7, 0.2, 0.1], [1, 1, 0, 0], positive_below=False)
    assert t == 0.7 and counts.f1 == 1.0


def test_ptb_unescape() -> None:
    assert (
        unescape_ptb("the group -LRB- founded 1990 -RRB- says ``yes''")
        == 'the group ( founded 1990 ) says "yes"'
    )


def _write_csv(path: Path, rows: list[tuple[str, int]]) -> None:
    import csv

    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, quoting=csv.QUOTE_ALL)
        w.writerow(["text", "label"])
        for text, label in rows:
            w.writerow([text + "\n", label])


_TRAIN = [
    ("The bridge was destroyed on Friday.", 0),
    ("Rebels allegedly looted the depot.", 1),
    ("Some historians believe the treaty was forged.", 1),
    ("The parliament passed the budget.", 0),
    ("The port probably reopened in June.", 1),
    ("The railway reached the coast in 1901.", 0),
]
_TEST = [
    ("Many critics say the reform failed.", 1),
    ("The garrison surrendered at dawn.", 0),
    ("The fort is thought to date from the 12th century.", 1),
    ("The river floods every spring.", 0),
]


@pytest.fixture()
def weasel_dir(tmp_path: Path) -> Path:
    _write_csv(tmp_path / "train.csv", _TRAIN)
    _write_csv(tmp_path / "test.csv", _TEST)
    return tmp_path


def test_reader_strips_and_unescapes(weasel_dir: Path) -> None:
    rows = read_labelled_csv(weasel_dir / "train.csv")
    assert rows[0] == ("The bridge was destroyed on Friday.", 0) and len(rows) == len(_TRAIN)


def test_eval_on_synthetic_corpus(weasel_dir: Path, nlp, tmp_path: Path) -> None:
    out = tmp_path / "results"
    result = run_hedging_eval(weasel_dir, out_dir=out, progress=False, nlp=nlp)
    assert result["threshold_from"] == "train" and result["train"]["f1"] == 1.0
    assert (result["n"], result["f1"], result["p"], result["r"]) == (4, 1.0, 1.0, 1.0)
    assert json.loads((out / "eval-hedging.json").read_text())["f1"] == 1.0
    fixed = run_hedging_eval(weasel_dir, threshold=0.0, out_dir=out, progress=False, nlp=nlp)
    assert fixed["threshold_from"] == "fixed" and fixed["tp"] == 0 and fixed["f1"] == 0.0


def test_cli_json_and_usage_error(weasel_dir: Path, monkeypatch, tmp_path: Path) -> None:
    from gossamer.evaluate import hedging as mod

    monkeypatch.setattr(mod, "results_dir", lambda: tmp_path / "res")
    app = typer.Typer()
    add_eval_commands(app)
    app.command("noop")(lambda: None)  # a second command keeps "eval" a sub-command
    runner = CliRunner()
    res = runner.invoke(app, ["eval", "hedging", str(weasel_dir), "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout.strip().splitlines()[-1])
    assert {"f1", "p", "r", "n", "threshold"} <= set(data) and data["n"] == 4
    assert (tmp_path / "res" / "eval-hedging.json").exists()
    assert runner.invoke(app, ["eval", "hedging", str(tmp_path / "missing")]).exit_code == 2


@pytest.mark.skipif(not (WEASEL / "test.csv").exists(), reason="../shared/data/wiki-weasel is absent")
def test_real_corpus_smoke(nlp, tmp_path: Path) -> None:
    result = run_hedging_eval(WEASEL, limit=150, out_dir=tmp_path, progress=False, nlp=nlp)
    assert result["n"] == 150 and 0.0 <= result["f1"] <= 1.0 and result["threshold_from"] == "train"
    assert sum(result["hedge_types_test"].values()) > 0
