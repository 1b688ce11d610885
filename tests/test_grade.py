"""Claim grades: the Admiralty letter from the registry only, the digit from the text; reasons."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest
import yaml

from gossamer.claims.grade import (
    ENV_VAR,
    Registry,
    credibility,
    grade_claim,
    load_registry,
    load_rules,
    parse_registry,
    registry_paths,
)
from gossamer.model import Analysis, Document
from gossamer.pipeline import DEFAULT_STAGES, load_stage

SENTENCE = "500 soldiers crossed the border on Monday"
FOUR_WAYS = {
    "named_official": f"Defence Minister John Smith said {SENTENCE}.",
    "anonymous": f"Informed sources said {SENTENCE}.",
    "media": f"Example Wire reported that {SENTENCE}.",
    "author": f"{SENTENCE[0].upper()}{SENTENCE[1:]}.",
}
REGISTRY = """
- name: Example Wire
  aliases: [EW]
  reliability: B
  source: "set by the test desk, 2026-01-05: corrections log reviewed"
- name: Example Daily
  reliability: C
  source: "set by the test desk: house paper"
- name: Informed sources
  reliability: A
  source: "a test entry that must never apply to an unnamed source"
"""


@pytest.fixture(scope="module")
def stages():
    specs = [s for s in DEFAULT_STAGES if not s.endswith((":ClaimStage", ":RhetoricStage"))]
    for extra in ("gossamer.stages.events:EventStage", "gossamer.stages.relations:RelationStage"):
        if extra not in specs:
            specs.append(extra)
    return [load_stage(s) for s in [*specs, "gossamer.stages.claims:ClaimStage"]]


@pytest.fixture
def ledger(make, stages):
    def _run(text: str, **meta) -> Analysis:
        meta.setdefault("published", "2026-01-21")
        analysis, parsed = make(text, **meta)
        for stage in stages:
            stage(analysis, parsed)
        return analysis

    return _run


@pytest.fixture
def user_registry(tmp_path, monkeypatch):
    path = tmp_path / "outlets.yaml"
    path.write_text(REGISTRY, encoding="utf-8")
    monkeypatch.setenv(ENV_VAR, str(path))
    return path


@pytest.fixture
def no_user_registry(tmp_path, monkeypatch):
    monkeypatch.delenv(ENV_VAR, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))  # no ~/.config/gossamer/outlets.yaml either


def crossing(a: Analysis):
    found = [c for c in a.claims if "crossed the border" in c.text]
    assert len(found) == 1, [(c.text, c.source_type) for c in a.claims]
    return found[0]


# --------------------------------------------------------------------------- the four ways


def test_same_sentence_four_ways_four_grades(ledger, user_registry):
    grades = {}
    for way, text in FOUR_WAYS.items():
        meta = {"outlet": "Example Daily"} if way == "author" else {}
        c = crossing(ledger(text, **meta))
        assert c.source_type == way
        assert c.kind == "factual"
        grades[way] = (c.grade["reliability"], c.grade["credibility"])
        reasons = " ".join(c.grade["reasons"])
        if way == "named_official":
            assert "on the record" in reasons and "no registry entry" in reasons
        elif way == "anonymous":
            assert "unnamed source" in reasons and "no registry entry can apply" in reasons
            assert "not disclosed" in reasons
        elif way == "media":
            assert "rated B" in reasons and "corrections log reviewed" in reasons
        else:
            assert (
                "the writer's own assertion" in reasons and "rated C" in reasons and "house paper" in reasons
            )
    assert grades == {
        "named_official": ("F", 3),
        "anonymous": ("F", 6),
        "media": ("B", 3),
        "author": ("C", 3),
    }
    assert len(set(grades.values())) == 4


def test_four_ways_without_a_registry_differ_in_their_reasons(ledger, no_user_registry):
    reasons = {}
    for way, text in FOUR_WAYS.items():
        c = crossing(ledger(text))
        assert c.grade["reliability"] == "F"  # no built-in opinion of anyone
        reasons[way] = tuple(c.grade["reasons"])
    assert len(set(reasons.values())) == 4
    assert any("no entry in the outlet registry" in r for r in reasons["media"])
    assert any("names no outlet or author" in r for r in reasons["author"])


# --------------------------------------------------------------------------- the registry


def test_shipped_registry_is_empty(no_user_registry):
    raw = resources.files("gossamer.data").joinpath("outlets.yaml").read_text(encoding="utf-8")
    assert yaml.safe_load(raw) == []
    assert "# - name: Example Wire" in raw  # the commented example
    assert len(load_registry()) == 0
    assert registry_paths() == []


def test_user_file_in_the_config_dir(tmp_path, monkeypatch):
    monkeypatch.delenv(ENV_VAR, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    conf = tmp_path / ".config" / "gossamer"
    conf.mkdir(parents=True)
    (conf / "outlets.yaml").write_text(REGISTRY, encoding="utf-8")
    reg = load_registry()
    assert reg.lookup("the Example Wire").reliability == "B"
    assert reg.lookup("ew").name == "Example Wire"  # aliases, case ignored


def test_registry_reloads_when_the_file_changes(user_registry):
    assert load_registry().lookup("Example Wire").reliability == "B"
    user_registry.write_text(REGISTRY.replace("reliability: B", "reliability: D") + "\n", encoding="utf-8")
    import os

    st = user_registry.stat()
    os.utime(user_registry, ns=(st.st_atime_ns, st.st_mtime_ns + 10_000_000))
    assert load_registry().lookup("Example Wire").reliability == "D"


def test_missing_user_file_is_an_error(tmp_path, monkeypatch):
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "nope.yaml"))
    with pytest.raises(FileNotFoundError):
        load_registry()


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        ({"name": "X"}, "YAML list"),
        ([{"name": "X", "source": "s"}], "reliability"),
        ([{"name": "X", "reliability": "G", "source": "s"}], "A-F"),
        ([{"name": "X", "reliability": "B"}], "who set"),
        ([{"reliability": "B", "source": "s"}], "no name"),
        ([{"name": "X", "reliability": "B", "source": "s", "aliases": "EW"}], "aliases"),
    ],
)
def test_registry_errors_name_the_problem(entries, message):
    with pytest.raises(ValueError, match=message):
        parse_registry(entries, "test.yaml")


def test_registered_named_source_gets_its_letter(ledger, user_registry):
    c = crossing(ledger(f"Example Wire said {SENTENCE}."))
    assert c.grade["reliability"] == "B"


def test_anonymous_never_takes_a_registry_letter(ledger, user_registry):
    c = crossing(ledger(FOUR_WAYS["anonymous"]))
    assert c.grade["reliability"] == "F"


# --------------------------------------------------------------------------- the digit


def test_kinds_that_cannot_be_confirmed_are_six():
    doc = Document(text="x", outlet="Example Daily")
    for kind, word in (
        ("evaluative", "opinion"),
        ("question", "question"),
        ("hypothetical", "hypothetical"),
        ("prediction", "prediction"),
    ):
        digit, reasons = credibility(kind, "named_official", doc, 1.0, [])
        assert digit == 6 and word in reasons[0]


def test_heavy_hedging_is_doubtful():
    hedges = [{"text": "may", "weight": 0.45}, {"text": "reportedly", "weight": 0.35}]
    digit, reasons = credibility("factual", "named_official", Document(text="x"), 0.36, hedges)
    assert digit == 4 and "may, reportedly" in reasons[0] and "0.36" in reasons[0]
    digit, _ = credibility("factual", "named_official", Document(text="x"), 0.8, hedges[:1])
    assert digit == 3  # lightly hedged: unchanged


def test_contradiction_inside_the_document():
    doc = Document(text="x")
    assert credibility("factual", "author", doc, 1.0, [], ['"Iran"'])[0] == 4
    digit, reasons = credibility("factual", "author", doc, 1.0, [], ['"Iran"', '"the ministry"'])
    assert digit == 5 and "Iran" in reasons[0]


def test_author_with_and_without_a_byline():
    assert credibility("factual", "author", Document(text="x", author="A. Writer"), 1.0, [])[0] == 3
    assert credibility("factual", "author", Document(text="x"), 1.0, [])[0] == 6


def test_chain_reason():
    g = grade_claim(
        "factual",
        "anonymous",
        {"text": "officials"},
        Document(text="x"),
        1.0,
        [],
        chain=[{"text": "Reuters", "source_type": "media"}],
        registry=Registry(),
    )
    assert (g["reliability"], g["credibility"]) == ("F", 6)
    assert any("relayed by outlet" in r and "Reuters" in r for r in g["reasons"])


def test_rules_are_data_with_a_source():
    rules = load_rules()
    assert (
        rules.letters["F"] == "reliability cannot be judged" and rules.digits[6] == "truth cannot be judged"
    )
    raw = yaml.safe_load(resources.files("gossamer.data").joinpath("lexicons/claims.yaml").read_text("utf-8"))
    assert "STANAG 2511" in raw["grading"]["source"] and "FM 2-22.3" in raw["grading"]["source"]
    for name, section in raw.items():
        if isinstance(section, dict):
            assert section.get("source") or all(
                isinstance(v, dict) and v.get("source") for v in section.values() if isinstance(v, dict)
            ), name


def test_grading_is_documented():
    doc = Path(__file__).resolve().parent.parent / "docs" / "grading.md"
    text = doc.read_text(encoding="utf-8")
    assert "STANAG 2511" in text and "FM 2-22.3" in text
    assert "never whose side a source is on" in text
