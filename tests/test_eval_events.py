"""The events evaluation harness: readers, label mappings, scorers, actor matching, runner, CLI.

Every corpus here is synthetic, written for these tests; the real corpora under
../shared/data are only opened by the label-inventory test and the smoke test, which skip when
they (or the events stage) are absent.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
import typer
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from gossamer.evaluate import add_eval_commands
from gossamer.evaluate import events as ev
from gossamer.evaluate.events import (
    Candidate,
    CaseScore,
    CaseSnippet,
    GoldActor,
    LabelScore,
    NerScore,
    NerSentence,
    PloverRecord,
    PloverScore,
    actor_matches,
    find_sources,
    head_noun,
    load_mappings,
    name_key,
    participants,
    read_case2021,
    read_conflibert_class,
    read_conflibert_ner,
    read_plover,
    run_events_eval,
    sniff_file,
    top_event,
)
from gossamer.model import PLOVER_CATEGORIES, Analysis, Document, Entity, Event, Place
from gossamer.pipeline import Pipeline

SHARED_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"

# --------------------------------------------------------------------------- synthetic corpora
# Our own sentences.

PLOVER_RECORDS = [
    {"id": "HEADER", "event": "DOCUMENT", "publication": "test header"},
    {
        "id": "r1",
        "date": "2001-02-03",
        "text": "France attacked Germany on Monday.",
        "event": "FIGHT",
        "source": [{"actorText": "France", "code": "FRA"}],
        "target": [{"actorText": "Germany", "code": "DEU"}],
        "mode": "heavy-weapons",
    },
    {
        "id": "r2",
        "text": "Students protested against the Spanish government.",
        "event": "PROTEST",
        "source": [{"actorText": "Students", "code": "ESP", "sector": "EDU"}],
        "target": "",
    },
    {
        "id": "r3",
        "text": "Italy demanded an apology.",
        "event": "DEMAND",
        "source": [{"actorText": "Italy", "code": "ITA"}],
        "target": "diplomatic",
    },
    {"id": "r4", "text": "Nothing at all happened here.", "event": "CONSULT", "source": None},
]

CLASS_LINES = [
    ("France attacked Germany on Monday.", "4"),
    ("Students protested in Madrid.", "4"),
    ("The weather was mild.", "0"),
    ("Italy praised the new accord.", "1"),
]

NER_SENTENCES = [
    [("France", "B-S"), ("attacked", "O"), ("southern", "B-T"), ("Germany", "I-T"), (".", "O")],
    [("Students", "B-S"), ("protested", "O"), ("in", "O"), ("Madrid", "O"), (".", "O")],
    [("Italy", "B-R"), ("and", "O"), ("Spain", "B-R"), ("met", "O"), (".", "O")],
]

CASE_ROWS = [
    ("1", "France attacked Germany on Monday.", "ARMED_CLASH"),
    ("2", "Students protested in Madrid.", "PEACE_PROTEST"),
    ("3", "Police arrested ten men in Rome.", "ARREST"),
    ("4", "Heavy rain flooded the valley.", "NATURAL_DISASTER"),
    ("5", "A group changed its name.", "CHANGE_TO_GROUP_ACT"),
]


def _write_plover(path: Path) -> Path:
    path.write_text(json.dumps(PLOVER_RECORDS, indent=1), encoding="utf-8")
    return path


def _write_class(path: Path) -> Path:
    path.write_bytes("".join(f"{s}\t{lab}\r\n" for s, lab in CLASS_LINES).encode("utf-8"))
    return path


def _write_ner(path: Path) -> Path:
    path.write_text(
        "\n\n".join("\n".join(f"{t} {g}" for t, g in sent) for sent in NER_SENTENCES) + "\n", encoding="utf-8"
    )
    return path


def _write_case(path: Path) -> Path:
    rows = ["id\tEventSnippet\tSubType"] + ["\t".join(r) for r in CASE_ROWS]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def corpora(tmp_path: Path) -> dict[str, Path]:
    conf = tmp_path / "conf"
    (conf / "cls").mkdir(parents=True)
    (conf / "ner").mkdir()
    return {
        "plover": _write_plover(tmp_path / "records.json"),
        "class": _write_class(conf / "cls" / "test.tsv"),
        "ner": _write_ner(conf / "ner" / "test.txt"),
        "conf": conf,
        "case": _write_case(tmp_path / "snippets.tsv"),
    }


# --------------------------------------------------------------------------- mappings


def test_plover_remap():
    m = load_mappings()
    assert m.current_label("DEMAND") == "REQUEST"
    assert m.current_label("disapprove") == "ACCUSE" and m.remap_modes["DISAPPROVE"] == "disapprove"
    assert m.current_label("INVESTIGATE") == "ACCUSE"
    assert m.current_label("FIGHT") == "ASSAULT"
    assert m.current_label("CRIME") is None
    assert m.current_label("AGREE") == "AGREE"
    assert m.current_label("DOCUMENT") is None


def test_quad_classes_cover_every_category():
    m = load_mappings()
    assert set(m.quad) == set(PLOVER_CATEGORIES)
    assert set(m.quad.values()) | {m.conflibert_none} == set(m.classes)
    assert len(m.classes) == 5 and m.classes[0] == "neutral"
    assert m.quad["SANCTION"] == "material conflict" and m.quad["CONCEDE"] == "verbal cooperation"
    assert m.quad["ASSAULT"] == "material conflict" and m.quad["AID"] == "material cooperation"


def test_acled_entries_are_well_formed():
    m = load_mappings()
    # current PLOVER modes of the categories the ACLED types map to (PLOVER manual draft 2.0)
    modes = {
        "ASSAULT": {"abduct", "beat", "torture", "sexual", "targeted", "destroy", "primitive", "firearms",
                    "explosives", "suicide-attack", "aerial", "drone", "heavy-weapons", "crowd-control",
                    "unconventional"},
        "PROTEST": {"demo", "riot", "strike", "hunger", "boycott", "obstruct", "vandalize"},
        "COERCE": {"seize", "restrict", "censor", "curfew", "martial-law", "arrest", "deport", "withhold",
                   "misinformation", "cyber"},
        "MOBILIZE": {"troops", "weapons", "police", "militia"},
        "RETREAT": {"withdraw", "release", "disarm", "ceasefire", "access", "resign"},
        "AGREE": set(),
    }  # fmt: skip
    for code, kind in m.acled.items():
        assert kind.name and kind.note, code
        if kind.scoring == "mapped":
            assert kind.category in PLOVER_CATEGORIES, code
            assert set(kind.also) <= set(PLOVER_CATEGORIES) and kind.category not in kind.also, code
            assert kind.mode is None or kind.mode in modes[kind.category], code
        else:
            assert kind.scoring in {"excluded", "expect_none"} and kind.category is None, code
    # decisions the module note promises
    assert (
        m.acled["FORCE_AGAINST_PROTEST"].category == "ASSAULT"
        and "PROTEST" in m.acled["FORCE_AGAINST_PROTEST"].also
    )
    assert m.acled["ABDUCT_DISSAP"].mode == "abduct" and m.acled["ARREST"].category == "COERCE"
    assert m.acled["NATURAL_DISASTER"].scoring == "expect_none" and m.acled["OTHER"].scoring == "excluded"
    for unseen in ("ORG_CRIME", "NATURAL_DISASTER", "MAN_MADE_DISASTER", "DIPLO", "ATTRIB"):
        assert unseen in m.acled


def test_every_case2021_label_is_mapped_or_listed():
    """Reads only the label inventory file."""
    labels_file = SHARED_DATA / "case2021-task2" / "event_types.txt"
    if not labels_file.exists():
        pytest.skip(f"{labels_file} is absent")
    labels = [ln.strip() for ln in labels_file.read_text(encoding="utf-8").splitlines() if ln.strip()]
    assert len(labels) == 25
    missing = [lab for lab in labels if lab not in load_mappings().acled]
    assert not missing


# --------------------------------------------------------------------------- readers


def test_read_plover(corpora):
    recs = read_plover(corpora["plover"])
    assert [r.id for r in recs] == ["r1", "r2", "r3", "r4"]  # header skipped
    r1, r2, r3, r4 = recs
    assert r1.label == "FIGHT" and r1.category == "ASSAULT" and r1.published == "2001-02-03"
    assert r1.sources == [GoldActor("France", "FRA")] and r1.targets == [GoldActor("Germany", "DEU")]
    assert r2.targets == [] and r2.published is None and r2.mode is None
    assert r3.category == "REQUEST" and r3.targets == []  # a stray string is no actor
    assert r4.sources == [] and r4.category == "CONSULT"


def test_read_conflibert_class(corpora):
    sents = read_conflibert_class(corpora["class"])
    assert [s.label for s in sents] == [
        "material conflict",
        "material conflict",
        "neutral",
        "verbal cooperation",
    ]
    assert sents[0].text == CLASS_LINES[0][0]  # no stray \r
    bad = corpora["class"].parent / "bad.tsv"
    bad.write_text("a sentence\t7\n", encoding="utf-8")
    with pytest.raises(ValueError):
        read_conflibert_class(bad)


def test_read_conflibert_ner(corpora):
    sents = read_conflibert_ner(corpora["ner"])
    assert len(sents) == 3
    s0, s1, s2 = sents
    assert s0.text == "France attacked southern Germany ."
    assert [s0.text[a:b] for a, b in s0.sources] == ["France"]
    assert [s0.text[a:b] for a, b in s0.targets] == ["southern Germany"]
    assert s1.targets == [] and [s1.text[a:b] for a, b in s1.sources] == ["Students"]
    assert [s2.text[a:b] for a, b in s2.reciprocal] == ["Italy", "Spain"]


def test_ner_reader_tolerates_iob1(tmp_path):
    p = tmp_path / "iob1.txt"
    p.write_text("Rebels I-S\nhit I-O\n", encoding="utf-8")
    with pytest.raises(ValueError):  # "I-O" is not a tag
        read_conflibert_ner(p)
    p.write_text("Rebels I-S\nfrom I-S\nthe O\nhills I-T\nfled O\n", encoding="utf-8")
    (sent,) = read_conflibert_ner(p)
    assert [sent.text[a:b] for a, b in sent.sources] == ["Rebels from"]
    assert [sent.text[a:b] for a, b in sent.targets] == ["hills"]


TAGS = st.sampled_from(["O", "B-S", "I-S", "B-T", "I-T", "B-R", "I-R"])
WORDS = st.text(alphabet="abcXYZ.,'-", min_size=1, max_size=6)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.tuples(WORDS, TAGS), min_size=1, max_size=12), min_size=1, max_size=4))
def test_ner_reader_offsets(tmp_path_factory, sentences):
    """Every span covers whole tokens of its sentence, spans never overlap, tagged tokens are all covered."""
    p = tmp_path_factory.mktemp("ner") / "gen.txt"
    p.write_text("\n\n".join("\n".join(f"{w} {t}" for w, t in s) for s in sentences) + "\n", encoding="utf-8")
    got = read_conflibert_ner(p)
    assert len(got) == len(sentences)
    for sent, toks in zip(got, sentences):
        assert sent.text == " ".join(w for w, _ in toks)
        spans = sorted(sent.sources + sent.targets + sent.reciprocal)
        for (a, b), nxt in zip(spans, spans[1:] + [(len(sent.text) + 1, 0)]):
            assert 0 <= a < b <= len(sent.text) and b < nxt[0]
            assert (a == 0 or sent.text[a - 1] == " ") and (b == len(sent.text) or sent.text[b] == " ")
        covered = sum(b - a for a, b in spans)
        tagged = [w for w, t in toks if t != "O"]
        assert covered >= sum(len(w) for w in tagged)


def test_read_case2021(corpora):
    snips = read_case2021(corpora["case"])
    assert [s.subtype for s in snips] == [r[2] for r in CASE_ROWS]
    assert snips[2].id == "3" and snips[2].text.startswith("Police")
    bad = corpora["case"].parent / "bad.tsv"
    bad.write_text("id\tText\tLabel\n1\tx\ty\n", encoding="utf-8")
    with pytest.raises(ValueError):
        read_case2021(bad)


def test_formats_detected_from_content(corpora, tmp_path):
    # names that lie about the content: detection reads the bytes only
    renamed = tmp_path / "looks_like.tsv"
    renamed.write_bytes(corpora["plover"].read_bytes())
    assert sniff_file(renamed) == "plover"
    assert sniff_file(corpora["class"]) == "conflibert-class"
    assert sniff_file(corpora["ner"]) == "conflibert-ner"
    assert sniff_file(corpora["case"]) == "case2021"
    conf = find_sources(corpora["conf"])
    assert conf.format == "conflibert" and set(conf.files) == {"conflibert-class", "conflibert-ner"}
    (corpora["conf"] / "cls" / "train.tsv").write_bytes(corpora["class"].read_bytes())
    assert find_sources(corpora["conf"]).files["conflibert-class"] == [
        corpora["class"]
    ]  # test split preferred
    with pytest.raises(ValueError, match="several formats"):
        find_sources(tmp_path)
    assert find_sources(tmp_path, "case2021").files == {"case2021": [corpora["case"]]}
    with pytest.raises(ValueError):
        find_sources(tmp_path, "acled")
    with pytest.raises(FileNotFoundError):
        find_sources(tmp_path / "nope")
    junk = tmp_path / "junk"
    junk.mkdir()
    (junk / "notes.txt").write_text("just some prose\nover two lines\n", encoding="utf-8")
    with pytest.raises(ValueError):
        find_sources(junk)


# --------------------------------------------------------------------------- hand-made analyses


def _analysis(text: str) -> Analysis:
    return Analysis(document=Document(text=text, language="en"))


def _span(text: str, word: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(word, start + 1)
    return start, start + len(word)


def _entity(a: Analysis, word: str, **attrs) -> Entity:
    s, e = _span(a.document.text, word)
    return a.new(Entity, s, e, name=attrs.pop("name", word), **attrs)


def _event(a: Analysis, trigger: str, category: str, **attrs) -> Event:
    s, e = _span(a.document.text, trigger)
    return a.new(Event, s, e, category=category, trigger=trigger, **attrs)


def test_top_event_choice():
    a = _analysis("Spain met Chile, then Spain attacked Peru and Spain warned Chile.")
    assert top_event(a) is None
    _event(a, "met", "CONSULT", confidence=0.6)
    hist = _event(a, "warned", "THREATEN", confidence=0.99, historical=True)
    late = _event(a, "attacked", "ASSAULT", confidence=0.8)
    assert top_event(a) is late  # highest confidence, the historical one aside
    early = _event(a, "Chile", "AID", confidence=0.8)
    assert top_event(a) is early  # a tie goes to the earlier trigger
    _event(a, "then", "SUPPORT")  # no confidence counts as 0
    assert top_event(a) is early and hist.historical


def test_label_score_known_values():
    s = LabelScore(["A", "B", "C"])
    for gold, pred in [("A", "A"), ("A", "A"), ("A", "B"), ("B", "B"), ("B", "none"), ("A", "C")]:
        s.add(gold, pred)
    d = s.as_dict()
    assert d["n"] == 6 and d["accuracy"] == pytest.approx(3 / 6, abs=1e-4)
    a, b, c = (d["per_category"][k] for k in "ABC")
    assert (a["p"], a["r"], a["support"]) == (1.0, 0.5, 4) and a["f1"] == pytest.approx(2 / 3, abs=1e-4)
    assert (b["p"], b["r"], b["f1"]) == (0.5, 0.5, 0.5)
    assert (c["p"], c["r"], c["support"], c["n_pred"]) == (0.0, 0.0, 0, 1)
    assert d["macro_over"] == ["A", "B"]  # C has no gold: not in the macro average
    assert d["macro_f1"] == pytest.approx((2 / 3 + 0.5) / 2, abs=1e-4)
    assert d["confusion"]["B"] == {"B": 1, "none": 1}


def test_name_key_and_head():
    assert name_key("The Iraqi army's") == "iraqi army"
    assert name_key("an  Envoy") == "envoy"
    assert head_noun("rebels in the north") == "rebels"
    assert head_noun("Prime Minister Ana Lopez, the leader") == "lopez"
    assert head_noun("the Government of Chile") == "government"
    assert head_noun("") == ""


def test_actor_matching_rules():
    a = _analysis("The Chilean army and the UN shelled a village; Lopez and the farmers fled.")
    army = _entity(
        a, "Chilean army", name="Armed forces of Chile", kb_id="CHL-MIL", country="CL", type="MILITARY"
    )
    un = _entity(a, "UN", name="United Nations", kb_id="UN", type="IGO")
    lopez = _entity(a, "Lopez", name="Ana Lopez", type="PERSON", country="PE")
    ev_ = _event(
        a,
        "shelled",
        "ASSAULT",
        actors=[army.id, un.id, lopez.id],
        actor_phrases=[list(_span(a.document.text, "the farmers"))],
    )
    army_c, un_c, lopez_c, farmers_c = participants(a, ev_, "actor")
    assert farmers_c.spans == [_span(a.document.text, "the farmers")] and farmers_c.kb_id is None
    # same text, case and articles aside
    assert actor_matches(GoldActor("the chilean ARMY"), army_c)
    assert actor_matches(GoldActor("Farmers"), farmers_c)
    # same head noun
    assert actor_matches(GoldActor("President Ana Lopez"), lopez_c)
    assert actor_matches(GoldActor("farmers from the valley"), farmers_c)
    # same code: KB id prefix, ISO2 -> ISO3 country, organisation type
    assert actor_matches(GoldActor("Chilean soldiers", "CHL"), army_c)
    assert actor_matches(GoldActor("Peruvian official", "PER"), lopez_c)
    assert actor_matches(GoldActor("peacekeepers", "IGO"), un_c)
    assert actor_matches(GoldActor("jihadists", "IMG"), Candidate(["the militants"], [], type="ARMED_GROUP"))
    # and what must not match
    assert not actor_matches(GoldActor("Chilean soldiers", "ARG"), army_c)
    assert not actor_matches(GoldActor("Peruvian official", "CHL"), lopez_c)
    assert not actor_matches(GoldActor("workers", "NGO"), un_c)
    assert not actor_matches(GoldActor("herders"), farmers_c)


def test_a_phrase_matches_on_the_country_of_the_names_inside_it():
    # "Chilean detainees" is coded CHL as CAMEO codes a group by its nationality; "Lima" stands for PER
    a = _analysis("Troops beat Chilean detainees and shelled Lima.")
    _entity(a, "Chilean", name="Chile", kb_id="CHL", country="CL", type="STATE")
    s, e = _span(a.document.text, "Lima")
    a.new(Place, s, e, name="Lima", country="PE")
    ev_ = _event(
        a,
        "beat",
        "ASSAULT",
        recipient_phrases=[list(_span(a.document.text, "Chilean detainees")), [s, e]],
    )
    detainees_c, lima_c = participants(a, ev_, "recipient")
    assert actor_matches(GoldActor("Chilean", "CHL"), detainees_c)
    assert actor_matches(GoldActor("Peru", "PER"), lima_c)
    assert not actor_matches(GoldActor("Peru", "PER"), detainees_c)
    assert not actor_matches(GoldActor("Chilean"), lima_c)  # no code, no text in common


def test_participant_spans_stay_in_the_clause():
    a = _analysis("Chile protested. Later Chile shelled Peru.")
    chile = _entity(a, "Chile")
    chile.add_mention(*_span(a.document.text, "Chile", 1))
    peru = _entity(a, "Peru")
    clause = [a.document.text.index("Later"), len(a.document.text)]
    e = _event(a, "shelled", "ASSAULT", actors=[chile.id], recipients=[peru.id], clause=clause)
    (c,) = participants(a, e, "actor")
    assert c.spans == [_span(a.document.text, "Chile", 1)]
    (r,) = participants(a, e, "recipient")
    assert r.spans == [_span(a.document.text, "Peru")]


def test_plover_score():
    score = PloverScore()
    a1 = _analysis("France attacked Germany on Monday.")
    fr, de = _entity(a1, "France", country="FR"), _entity(a1, "Germany", country="DE")
    _event(a1, "attacked", "ASSAULT", actors=[fr.id], recipients=[de.id], confidence=0.9)
    score.add(
        PloverRecord(
            "r1",
            a1.document.text,
            "FIGHT",
            "ASSAULT",
            [GoldActor("France", "FRA")],
            [GoldActor("Germany", "DEU")],
        ),
        a1,
    )
    a2 = _analysis("Italy demanded an apology from Spain.")
    it = _entity(a2, "Italy", country="IT")
    _event(a2, "demanded", "ACCUSE", actors=[it.id], confidence=0.7)
    _event(a2, "apology", "REQUEST", actors=[it.id], confidence=0.5)
    score.add(PloverRecord("r2", a2.document.text, "DEMAND", "REQUEST", [GoldActor("Italy", "ITA")]), a2)
    a3 = _analysis("Nothing at all happened.")
    score.add(PloverRecord("r3", a3.document.text, "CONSULT", "CONSULT", [GoldActor("Peru", "PER")]), a3)
    score.add(PloverRecord("r4", "x", "CRIME", None), _analysis("x"))
    d = score.as_dict()
    assert d["n"] == 3 and d["accuracy"] == pytest.approx(1 / 3, abs=1e-4)
    assert d["coverage"] == pytest.approx(2 / 3, abs=1e-4) and d["accuracy_any"] == pytest.approx(
        2 / 3, abs=1e-4
    )
    assert d["per_category"]["ASSAULT"]["f1"] == 1.0 and d["per_category"]["ACCUSE"]["p"] == 0.0
    assert d["macro_over"] == ["CONSULT", "REQUEST", "ASSAULT"]
    assert d["macro_f1"] == pytest.approx(1 / 3, abs=1e-4)
    assert d["actor_match"] == {
        "rate": 1.0,
        "n": 1,
        "rate_every": 1.0,
        "rate_all": pytest.approx(2 / 3, abs=1e-4),
        "n_all": 3,
    }
    assert d["recipient_match"]["rate"] == 1.0 and d["recipient_match"]["n_all"] == 1
    assert d["unscorable"] == {"CRIME": 1}


def test_ner_score():
    text = "France attacked southern Germany ."
    sent = NerSentence(text, sources=[_span(text, "France")], targets=[_span(text, "southern Germany")])
    a = _analysis(text)
    fr, de = _entity(a, "France"), _entity(a, "Germany")
    _event(a, "attacked", "ASSAULT", actors=[fr.id], recipients=[de.id])
    score = NerScore()
    score.add(sent, a)
    text2 = "Italy and Spain met ."
    sent2 = NerSentence(text2, reciprocal=[_span(text2, "Italy"), _span(text2, "Spain")])
    a2 = _analysis(text2)
    it = _entity(a2, "Italy")
    _event(a2, "met", "CONSULT", actors=[it.id])
    score.add(sent2, a2)
    d = score.as_dict()
    assert d["n"] == 2 and d["level"] == "span"
    assert d["actor"]["exact"]["f1"] == 1.0  # France; the reciprocal Italy counts in neither role
    assert d["actor"]["exact"]["n_pred"] == 1 and d["actor"]["exact"]["n_gold"] == 1
    assert d["recipient"]["exact"]["tp"] == 0 and d["recipient"]["overlap"]["tp"] == 1
    part = d["participant"]
    assert (part["exact"]["tp"], part["exact"]["n_pred"], part["exact"]["n_gold"]) == (2, 3, 4)
    assert part["overlap"]["tp"] == 3


def test_case_score():
    score = CaseScore()

    def snip(subtype: str, category: str | None, mode: str | None = None) -> None:
        a = _analysis("Someone did something somewhere.")
        if category:
            _event(a, "did", category, mode=mode, confidence=0.5)
        score.add(CaseSnippet("x", a.document.text, subtype), a)

    snip("ARMED_CLASH", "ASSAULT")
    snip("AIR_STRIKE", "ASSAULT", "aerial")
    snip("ARREST", "COERCE", "detain")
    snip("PEACE_PROTEST", None)
    snip("FORCE_AGAINST_PROTEST", "PROTEST")  # lenient only
    snip("NATURAL_DISASTER", None)
    snip("MAN_MADE_DISASTER", "ASSAULT")
    snip("OTHER", "AGREE")
    snip("NO_SUCH_TYPE", "AGREE")
    d = score.as_dict()
    assert d["n_mapped"] == 5 and d["accuracy"] == pytest.approx(3 / 5, abs=1e-4)
    assert d["lenient_accuracy"] == pytest.approx(4 / 5, abs=1e-4)
    assert (
        d["per_category"]["ASSAULT"]["r"] == pytest.approx(2 / 3, abs=1e-4)
        and d["per_category"]["ASSAULT"]["p"] == 1.0
    )
    assert d["macro_over"] == ["PROTEST", "COERCE", "ASSAULT"]
    assert d["mode_match"] == {"rate": 0.5, "n": 2}
    assert d["expect_none"] == {"n": 2, "false_event_rate": 0.5}
    assert d["excluded"] == {"OTHER": 1} and d["per_type"]["OTHER"]["predicted"] == {"AGREE": 1}
    assert d["per_type"]["PEACE_PROTEST"]["accuracy"] == 0.0 and d["unknown_types"] == {"NO_SUCH_TYPE": 1}


# --------------------------------------------------------------------------- runner and CLI

TRIGGERS = {
    "attack": ("ASSAULT", 0.9),
    "protest": ("PROTEST", 0.8),
    "demand": ("REQUEST", 0.7),
    "arrest": ("COERCE", 0.7),
    "praise": ("SUPPORT", 0.6),
    "meet": ("CONSULT", 0.6),
}


class _FakeEvents:
    """Stands in for the events stage: a trigger lemma codes an event, spaCy's entities its sides."""

    name = "events"

    def __call__(self, analysis: Analysis, parsed) -> None:
        doc = parsed.doc
        ents = []
        for ent in doc.ents:
            if ent.label_ in {"GPE", "NORP", "ORG"}:
                ents.append(analysis.new(Entity, ent.start_char, ent.end_char, name=ent.text, type="STATE"))
        for tok in doc:
            hit = TRIGGERS.get(tok.lemma_.lower())
            if not hit:
                continue
            before = [e.id for e in ents if e.mentions[0][1] <= tok.idx]
            after = [e.id for e in ents if e.mentions[0][0] > tok.idx]
            phrases = [
                [t.idx, t.idx + len(t)] for t in doc[: tok.i] if t.pos_ == "NOUN" and t.dep_ == "nsubj"
            ]
            analysis.new(
                Event,
                tok.idx,
                tok.idx + len(tok),
                category=hit[0],
                trigger=tok.text,
                actors=before,
                recipients=after,
                actor_phrases=phrases,
                confidence=hit[1],
            )


@pytest.fixture(scope="module")
def fake_pipeline(nlp):
    return Pipeline(stages=[_FakeEvents()], nlp=nlp)


def test_run_plover(corpora, tmp_path, fake_pipeline):
    res = run_events_eval(corpora["plover"], out_dir=tmp_path / "out", progress=False, pipeline=fake_pipeline)
    assert res["format"] == "plover" and res["n"] == 4
    assert res["per_category"]["ASSAULT"]["f1"] == 1.0 and res["per_category"]["REQUEST"]["r"] == 1.0
    assert res["accuracy"] == 0.75 and res["coverage"] == 0.75
    assert res["actor_match"]["rate"] == 1.0 and res["actor_match"]["n"] == 3  # Students via the phrase
    assert res["recipient_match"]["rate"] == 1.0 and res["recipient_match"]["n"] == 1
    saved = json.loads((tmp_path / "out" / "eval-events-plover.json").read_text())
    assert saved["per_category"] == res["per_category"] and {
        "n",
        "macro_f1",
        "actor_match",
        "recipient_match",
    } <= set(saved)
    limited = run_events_eval(
        corpora["plover"], limit=1, out_dir=tmp_path / "out", progress=False, pipeline=fake_pipeline
    )
    assert limited["n"] == 1 and limited["limit"] == 1


def test_run_conflibert(corpora, tmp_path, fake_pipeline):
    res = run_events_eval(corpora["conf"], out_dir=tmp_path, progress=False, pipeline=fake_pipeline)
    assert res["format"] == "conflibert"
    cls = res["class"]
    assert cls["n"] == 4 and cls["per_class"]["material conflict"]["r"] == 1.0
    assert cls["per_class"]["neutral"]["r"] == 1.0 and cls["per_class"]["verbal cooperation"]["p"] == 1.0
    assert res["macro_f1"] == cls["macro_f1"] == 1.0
    ner = res["ner"]
    assert ner["n"] == 3 and ner["actor"]["exact"]["r"] == 1.0
    assert ner["recipient"]["exact"]["tp"] == 0 and ner["recipient"]["overlap"]["tp"] == 1
    assert (tmp_path / "eval-events-conflibert.json").exists()


def test_run_case2021(corpora, tmp_path, fake_pipeline):
    res = run_events_eval(corpora["case"], out_dir=tmp_path, progress=False, pipeline=fake_pipeline)
    assert res["format"] == "case2021" and res["n"] == 5 and res["n_mapped"] == 3
    assert res["accuracy"] == 1.0 and res["expect_none"] == {"n": 1, "false_event_rate": 0.0}
    assert res["excluded"] == {"CHANGE_TO_GROUP_ACT": 1}


def test_events_pipeline_reports_a_missing_stage(monkeypatch):
    monkeypatch.setattr("gossamer.pipeline.DEFAULT_STAGES", ("gossamer.stages.times:TimeStage",))
    monkeypatch.setattr(ev, "EVENT_STAGE", "gossamer.stages.no_such_stage:EventStage")
    with pytest.raises(RuntimeError, match="events stage"):
        ev.events_pipeline()


def test_cli(corpora, tmp_path, monkeypatch, fake_pipeline):
    monkeypatch.setattr(ev, "events_pipeline", lambda: fake_pipeline)
    monkeypatch.setattr(ev, "_results_dir", lambda: tmp_path / "r")
    app = typer.Typer()

    @app.command()
    def analyze() -> None:  # a second command, as on the real CLI
        pass

    add_eval_commands(app)
    runner = CliRunner()
    res = runner.invoke(app, ["eval", "events", str(corpora["case"]), "--json", "--limit", "2"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["n"] == 2 and data["format"] == "case2021" and "macro_f1" in data
    assert (tmp_path / "r" / "eval-events-case2021.json").exists()
    table = runner.invoke(app, ["eval", "events", str(corpora["plover"]), "--format", "plover"])
    assert table.exit_code == 0 and "actor match" in table.stdout and "ASSAULT" in table.stdout
    conf = runner.invoke(app, ["eval", "events", str(corpora["conf"])])
    assert conf.exit_code == 0 and "participant spans overlap" in conf.stdout
    wrong = runner.invoke(app, ["eval", "events", str(corpora["plover"]), "--format", "case2021"])
    assert wrong.exit_code == 2
    missing = runner.invoke(app, ["eval", "events", str(tmp_path / "nope.json")])
    assert missing.exit_code == 2


# --------------------------------------------------------------------------- the real corpora


@pytest.mark.parametrize(
    "path, fmt",
    [("plover-gsr", "plover"), ("conflibert-cameo", "conflibert"), ("case2021-task2", "case2021")],
)
def test_real_data_smoke(path, fmt, tmp_path):
    full = SHARED_DATA / path
    if not full.exists():
        pytest.skip(f"{full} is absent")
    if importlib.util.find_spec("gossamer.stages.events") is None:
        pytest.skip("the events stage is not written yet")
    res = run_events_eval(full, limit=20, out_dir=tmp_path, progress=False)
    assert res["format"] == fmt and res["n"] == 20
    assert 0.0 <= res.get("macro_f1", 0.0) <= 1.0
    assert (tmp_path / f"eval-events-{fmt}.json").exists()
