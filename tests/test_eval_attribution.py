"""gossamer eval attribution: brat reading, span scoring, the command (synthetic files; real data if present)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gossamer.cli import app
from gossamer.evaluate.attribution import (
    ROLES,
    find_articles,
    parse_ann,
    read_gold,
    run_attribution_eval,
    score_documents,
)

POLNEAR_DEV = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "polnear" / "dev"

TEXT = 'Officials said the army crossed the border.\nThe minister told reporters: "We will stay."\n'


def ann_for(text: str) -> str:
    """A brat file for TEXT: two relations, a span over a line break, a discontinuous content."""

    def at(s: str, nth: int = 0) -> tuple[int, int]:
        i = -1
        for _ in range(nth + 1):
            i = text.index(s, i + 1)
        return i, i + len(s)

    s1, c1, k1 = at("Officials"), at("said"), at("the army crossed the border")
    s2, c2 = at("The minister"), at("told")
    k2a, k2b = at('"We'), at('stay."')
    lines = [
        f"T1\tSource {s1[0]} {s1[1]}\tOfficials",
        f"T2\tCue {c1[0]} {c1[1]}\tsaid",
        f"T3\tContent {k1[0]} {k1[1]}\tthe army crossed the border",
        f"T4\tAttribution {c1[0]} {c1[1]}\tsaid",
        "E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1",
        f"T5\tSource {s2[0]} {s2[1]}\tThe minister",
        f"T6\tCue {c2[0]} {c2[1]}\ttold",
        f'T7\tContent {k2a[0]} {k2a[1]};{k2b[0]} {k2b[1]}\t"We\nstay."',  # text runs over a line
        f"T8\tAttribution {c2[0]} {c2[1]}\ttold",
        "E2\tAttribution:T8 Content:T7 Cue:T6 Source:T5",
        "T9\tDiscuss 0 4\tOffi",  # a note span: no relation uses it
        "E3\tAttribution:T99 Content:T98",  # a broken relation: ignored
        "#1\tAnnotatorNotes T1\tnote",
    ]
    return "\n".join(lines) + "\n"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    (root / "text").mkdir(parents=True)
    (root / "attributions").mkdir()
    (root / "text" / "wire_2016-03-01_story.txt").write_text(TEXT, encoding="utf-8")
    (root / "attributions" / "wire_2016-03-01_story_aa11.ann").write_text(ann_for(TEXT), encoding="utf-8")
    # a second annotator of the same article: not scored (first file in name order wins)
    (root / "attributions" / "wire_2016-03-01_story_zz99.ann").write_text("", encoding="utf-8")
    return root


def test_parse_ann_pairs_roles_and_joins_pieces():
    spans = parse_ann(ann_for(TEXT))
    assert [TEXT[s:e] for s, e in spans["source"]] == ["Officials", "The minister"]
    assert [TEXT[s:e] for s, e in spans["cue"]] == ["said", "told"]
    contents = [TEXT[s:e] for s, e in spans["content"]]
    assert contents == ["the army crossed the border", '"We will stay."']  # first to last character


def test_content2_joins_its_content():
    raw = "T1\tContent 0 5\taaaaa\nT2\tContent2 10 12\tbb\nT3\tCue 6 8\tcc\nE1\tAttribution:T3 Content:T1 Content2:T2 Cue:T3\n"
    assert parse_ann(raw)["content"] == [(0, 12)]
    assert parse_ann(raw)["source"] == []


def test_find_articles_one_file_per_article(corpus: Path, tmp_path: Path):
    pairs = find_articles(corpus)
    assert [(t.name, a.name) for t, a in pairs] == [
        ("wire_2016-03-01_story.txt", "wire_2016-03-01_story_aa11.ann")
    ]
    gold = read_gold(*pairs[0])
    assert gold.published == "2016-03-01" and len(gold.spans["cue"]) == 2
    flat = tmp_path / "flat"
    flat.mkdir()
    (flat / "a.txt").write_text(TEXT, encoding="utf-8")
    (flat / "a.ann").write_text(ann_for(TEXT), encoding="utf-8")
    assert len(find_articles(flat)) == 1
    with pytest.raises(ValueError):
        find_articles(tmp_path / "corpus" / "text")  # texts without annotations
    with pytest.raises(FileNotFoundError):
        find_articles(tmp_path / "nowhere")


def test_scorer_exact_and_overlap():
    gold = {"source": [(0, 9)], "cue": [(10, 14)], "content": [(15, 42)]}
    pred = {"source": [(0, 9)], "cue": [(10, 14), (50, 54)], "content": [(19, 42)]}
    r = score_documents([(gold, pred)])
    assert set(r) == set(ROLES)
    assert r["source"]["exact"]["f1"] == 1.0
    assert r["cue"]["exact"]["p"] == 0.5 and r["cue"]["exact"]["r"] == 1.0
    assert r["content"]["exact"]["f1"] == 0.0 and r["content"]["overlap"]["f1"] == 1.0
    empty = score_documents([({r: [] for r in ROLES}, {r: [] for r in ROLES})])
    assert empty["cue"]["overlap"]["f1"] == 0.0


def test_run_on_synthetic_corpus(corpus: Path, tmp_path: Path):
    out = tmp_path / "results"
    result = run_attribution_eval(corpus, out_dir=out, progress=False)
    assert result["n_docs"] == 1 and result["n_gold"] == {"source": 2, "cue": 2, "content": 2}
    for role in ROLES:
        for m in ("exact", "overlap"):
            assert set(result[role][m]) >= {"p", "r", "f1"}
    assert result["cue"]["overlap"]["f1"] == 1.0
    assert result["source"]["overlap"]["f1"] == 1.0
    assert result["content"]["overlap"]["r"] == 1.0
    saved = json.loads((out / "eval-attribution.json").read_text(encoding="utf-8"))
    assert saved["cue"] == result["cue"]
    assert "army" not in json.dumps(saved)  # counts only, no corpus text


def test_cli_json_and_errors(corpus: Path, tmp_path: Path, monkeypatch):
    import gossamer.evaluate.attribution as mod

    real = mod.run_attribution_eval
    monkeypatch.setattr(
        mod, "run_attribution_eval", lambda path, **kw: real(path, **{**kw, "out_dir": tmp_path / "r"})
    )
    runner = CliRunner()
    res = runner.invoke(app, ["eval", "attribution", str(corpus), "--json"])
    assert res.exit_code == 0, res.output
    obj = json.loads(res.stdout.strip().splitlines()[-1])
    assert {"source", "cue", "content"} <= set(obj)
    assert set(obj["cue"]) >= {"exact", "overlap"} and set(obj["cue"]["overlap"]) >= {"p", "r", "f1"}
    res = runner.invoke(app, ["eval", "attribution", str(tmp_path / "missing")])
    assert res.exit_code == 2


@pytest.mark.skipif(not POLNEAR_DEV.is_dir(), reason="../shared/data/polnear is absent")
def test_real_data_smoke(tmp_path: Path):
    result = run_attribution_eval(POLNEAR_DEV, limit=3, out_dir=tmp_path, progress=False)
    assert result["n_docs"] == 3
    assert result["cue"]["overlap"]["n_gold"] > 10
    assert result["cue"]["overlap"]["f1"] > 0.4 and result["source"]["overlap"]["f1"] > 0.4
