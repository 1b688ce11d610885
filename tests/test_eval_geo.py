"""The geoparsing evaluation harness: corpus readers, offset repair, scores, runner and CLI.

Every corpus here is synthetic, written for these tests; the real corpora under
../shared/data are only opened by the count test, which skips when they are absent.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
import typer
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from gossamer.evaluate import add_eval_commands
from gossamer.evaluate import geo
from gossamer.evaluate.geo import (
    MAX_ERROR_KM,
    GeoScore,
    GoldDoc,
    GoldToponym,
    auc_log_error,
    detect_format,
    haversine_km,
    read_corpus,
    repair_span,
    run_geo_eval,
)
from gossamer.evaluate.scoring import best_overlap, exact_counts, overlap_counts, overlap_matching
from gossamer.model import Analysis, Place

SHARED_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"

# Our own sentences and rough coordinates.
TEXT_A = "Floods hit Springfield and Lyon on Monday."
TEXT_B = "Talks in Geneva ended; Oslo said little."
COORDS = {
    "Springfield": (39.80, -89.64),
    "Lyon": (45.76, 4.84),
    "Geneva": (46.20, 6.15),
    "Oslo": (59.91, 10.75),
}


def _at(text: str, name: str) -> tuple[int, int]:
    s = text.index(name)
    return s, s + len(name)


def _lgl_xml() -> str:
    arts = []
    for n, (text, names) in enumerate([(TEXT_A, ["Springfield", "Lyon"]), (TEXT_B, ["Geneva", "Oslo"])]):
        tops = []
        for name in names:
            s, e = _at(text, name)
            gaz = ""
            if name != "Oslo":  # one toponym without a gazetteer tag: no coordinates
                lat, lon = COORDS[name]
                gaz = f'<gaztag geonameid="{100 + s}"><name>{name}</name><lat>{lat}</lat><lon>{lon}</lon></gaztag>'
            tops.append(f"<toponym><start>{s}</start><end>{e}</end><phrase>{name}</phrase>{gaz}</toponym>")
        arts.append(
            f'<article docid="d{n}"><title>t</title><text>{escape(text)}</text>'
            f'<toponyms count="{len(tops)}">{"".join(tops)}</toponyms></article>'
        )
    return f"<articles>{''.join(arts)}</articles>"


def _geovirus_xml() -> str:
    """Offsets one character late, as in the real GeoVirus release."""
    locs = []
    for name in ("Springfield", "Lyon"):
        s, e = _at(TEXT_A, name)
        lat, lon = COORDS[name]
        locs.append(
            f"<location><name>{name}</name><start>{s + 1}</start><end>{e + 1}</end>"
            f"<lat>{lat}</lat><lon>{lon}</lon><page>x</page></location>"
        )
    return (
        f"<articles><article><source>https://example.org/a</source><text>{TEXT_A}</text>"
        f"<locations>{''.join(locs)}</locations></article></articles>"
    )


def _gwn_xml() -> str:
    rows = [
        ("Springfield", "Literal", True),
        ("Lyon", "Metonymic", True),
        ("Monday", "Literal_Expression", False),  # not a toponym type: skipped
        ("Floods", "Non_Toponym", False),
    ]
    tops = []
    for name, kind, coords in rows:
        s, e = _at(TEXT_A, name)
        extra = ""
        if coords:
            lat, lon = COORDS[name]
            extra = f"<geonamesID>{7 + s}</geonamesID><latitude>{lat}</latitude><longitude>{lon}</longitude>"
        tops.append(
            f"<toponym><extractedName>{name}</extractedName><normalisedName>{name}</normalisedName>"
            f"<type>{kind}</type><modifierType></modifierType><nonLocational>No</nonLocational>"
            f"<start>{s}</start><end>{e}</end>{extra}</toponym>"
        )
    return (
        f'<articles><article file="0"><title>t</title><link>l</link><text>{TEXT_A}</text>'
        f"<toponyms>{''.join(tops)}</toponyms></article></articles>"
    )


@pytest.fixture()
def corpora(tmp_path: Path) -> dict[str, Path]:
    # file names say nothing of the format: detection reads the content
    paths = {}
    for key, xml in (("lgl", _lgl_xml()), ("geovirus", _geovirus_xml()), ("gwn", _gwn_xml())):
        p = tmp_path / f"corpus-{len(paths)}.data"
        p.write_text(xml, encoding="utf-8")
        paths[key] = p
    brat = tmp_path / "bratdir"
    brat.mkdir()
    (brat / "0.txt").write_text(TEXT_A, encoding="utf-8")
    s1, e1 = _at(TEXT_A, "Springfield")
    s2, e2 = _at(TEXT_A, "Lyon")
    s3, e3 = _at(TEXT_A, "Monday")
    (brat / "0.ann").write_text(
        f"T1\tLiteral {s1} {e1}\tSpringfield\n#1\tAnnotatorNotes T1\t4250542\n"
        f"T2\tMixed {s2} {e2}\tLyon\n#2\tAnnotatorNotes T2\t45.76, 4.84\n"
        f"T3\tLiteral_Expression {s3} {e3}\tMonday\n",
        encoding="utf-8",
    )
    paths["brat"] = brat
    return paths


# --------------------------------------------------------------------------- readers


def test_formats_detected_from_content(corpora):
    import xml.etree.ElementTree as ET

    for key in ("lgl", "geovirus", "gwn"):
        assert detect_format(ET.parse(corpora[key]).getroot()) == key
        assert read_corpus(corpora[key]).format == key
    assert read_corpus(corpora["brat"]).format == "brat"


def test_unknown_format_and_missing_path(tmp_path):
    bad = tmp_path / "x.xml"
    bad.write_text("<rss><channel/></rss>", encoding="utf-8")
    with pytest.raises(ValueError):
        read_corpus(bad)
    notxml = tmp_path / "y.xml"
    notxml.write_text("plain words", encoding="utf-8")
    with pytest.raises(ValueError):
        read_corpus(notxml)
    with pytest.raises(FileNotFoundError):
        read_corpus(tmp_path / "absent")


def test_lgl_reader(corpora):
    docs = read_corpus(corpora["lgl"])
    assert [d.id for d in docs] == ["d0", "d1"]
    tops = [t for d in docs for t in d.toponyms]
    assert [t.name for t in tops] == ["Springfield", "Lyon", "Geneva", "Oslo"]
    assert [t.has_coords for t in tops] == [True, True, True, False]
    assert tops[0].geonames_id == 100 + TEXT_A.index("Springfield")
    assert docs.offsets.exact == 4 and docs.offsets.repaired == 0


def test_geovirus_offsets_repaired(corpora):
    docs = read_corpus(corpora["geovirus"])
    assert docs.offsets.repaired == 2 and docs.offsets.dropped == 0
    for doc in docs:
        for t in doc.toponyms:
            assert doc.text[t.start : t.end] == t.name
            assert t.has_coords


def test_gwn_keeps_toponym_types_only(corpora):
    (doc,) = read_corpus(corpora["gwn"])
    assert [(t.name, t.type) for t in doc.toponyms] == [("Springfield", "Literal"), ("Lyon", "Metonymic")]
    assert doc.toponyms[1].lat == COORDS["Lyon"][0]
    literal_only = read_corpus(corpora["gwn"], gwn_types=geo.GWN_LITERAL_TYPES)
    assert [t.name for t in literal_only[0].toponyms] == ["Springfield"]


def test_brat_reader(corpora):
    (doc,) = read_corpus(corpora["brat"])
    spring, lyon = doc.toponyms
    assert spring.geonames_id == 4250542 and not spring.has_coords
    assert (lyon.lat, lyon.lon) == (45.76, 4.84)


def test_folder_prefers_xml(tmp_path, corpora):
    folder = tmp_path / "both"
    folder.mkdir()
    (folder / "gold.xml").write_text(_gwn_xml(), encoding="utf-8")
    (folder / "README.md").write_text("# notes\n", encoding="utf-8")
    sub = folder / "brat"
    sub.mkdir()
    for f in corpora["brat"].iterdir():
        (sub / f.name).write_text(f.read_text(encoding="utf-8"), encoding="utf-8")
    corpus = read_corpus(folder)
    assert corpus.format == "gwn" and len(corpus) == 1 and corpus.name == "both"
    assert read_corpus(sub).name == "brat-brat"


def test_repair_span_cases():
    text = "Aid reached  Port Sudan today."
    s, e = _at(text, "Port Sudan")
    assert repair_span(text, s, e, "Port Sudan") == (s, e)
    assert repair_span(text, s - 3, e - 3, "Port Sudan") == (s, e)
    assert repair_span(text, s + 5, e + 5, "Port Sudan") == (s, e)
    assert repair_span(text, s + 6, e + 6, "Port Sudan") is None  # beyond the window
    assert repair_span(text, s - 1, e, " Port Sudan") == (s - 1, e)  # the phrase itself is found
    assert repair_span(text, s - 1, e, "Port  Sudan") == (s, e)  # whitespace differs: trimmed
    assert repair_span(text, -20, -10, "Khartoum") is None


@given(
    st.text(alphabet="abc XYZ", min_size=1, max_size=60),
    st.data(),
    st.integers(min_value=-5, max_value=5),
)
@settings(max_examples=200, deadline=None)
def test_repair_span_property(text, data, shift):
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    phrase = text[start:end]
    span = repair_span(text, start + shift, end + shift, phrase)
    assert span is not None
    assert text[span[0] : span[1]] == phrase
    assert abs(span[0] - (start + shift)) <= 5  # the nearest copy of the phrase to the given offsets


# --------------------------------------------------------------------------- metrics


def test_haversine_known_distances():
    assert haversine_km(51.5074, -0.1278, 48.8566, 2.3522) == pytest.approx(344, abs=2)  # London-Paris
    assert haversine_km(0, 0, 0, 180) == pytest.approx(math.pi * geo.EARTH_RADIUS_KM)
    assert haversine_km(10, 20, 10, 20) == 0
    assert haversine_km(90, 0, -90, 0) == pytest.approx(math.pi * geo.EARTH_RADIUS_KM)


def test_auc_known_lists():
    assert auc_log_error([]) is None
    assert auc_log_error([0, 0, 0]) == 0
    assert auc_log_error([MAX_ERROR_KM] * 4) == pytest.approx(1, abs=1e-4)
    assert auc_log_error([0, MAX_ERROR_KM]) == pytest.approx(0.5, abs=1e-4)
    # three errors: trapezoids over the sorted ln(1 + e), whatever order they came in
    errs = [100.0, 0.0, 1000.0]
    ys = [0.0, math.log1p(100), math.log1p(1000)]
    expected = ((ys[0] + ys[1]) / 2 + (ys[1] + ys[2]) / 2) / (2 * math.log(MAX_ERROR_KM))
    assert auc_log_error(errs) == pytest.approx(expected)
    assert auc_log_error([50.0]) == pytest.approx(math.log1p(50) / math.log(MAX_ERROR_KM))
    assert auc_log_error([10.0, 100.0]) < auc_log_error([10.0, 1000.0])


def test_exact_vs_overlap_counts():
    gold = [(0, 11), (16, 20), (30, 40)]
    pred = [(0, 11), (15, 21), (50, 55)]
    ex, ov = exact_counts(gold, pred), overlap_counts(gold, pred)
    assert (ex.tp, ex.n_pred, ex.n_gold) == (1, 3, 3)
    assert (ov.tp, ov.n_pred, ov.n_gold) == (2, 3, 3)
    assert ex.p == pytest.approx(1 / 3) and ov.f1 == pytest.approx(2 / 3)
    # one long prediction over two gold spans counts once
    wide = overlap_counts([(0, 5), (7, 12)], [(0, 12)])
    assert (wide.tp, wide.p, wide.r) == (1, 1.0, 0.5)
    # the matching is maximal: (2,9) must go to (8,12), the only gold (0,3) cannot reach
    assert len(overlap_matching([(0, 4), (8, 12)], [(2, 9), (0, 3)])) == 2
    # duplicates count with multiplicity
    assert exact_counts([(1, 2), (1, 2)], [(1, 2)]).tp == 1
    assert exact_counts([], []).f1 == 0.0


def test_best_overlap_prefers_exact_then_longest():
    assert best_overlap((5, 10), [(0, 6), (5, 10), (4, 12)]) == 1
    assert best_overlap((5, 10), [(0, 6), (4, 9)]) == 1
    assert best_overlap((5, 10), [(0, 5), (10, 12)]) is None


spans = st.lists(
    st.tuples(st.integers(0, 40), st.integers(1, 8)).map(lambda t: (t[0], t[0] + t[1])), max_size=8
)


@given(spans, spans)
@settings(max_examples=200, deadline=None)
def test_overlap_matching_properties(gold, pred):
    m = overlap_matching(gold, pred)
    assert len(set(m.values())) == len(m)  # one-to-one
    assert all(gold[i][0] < pred[j][1] and pred[j][0] < gold[i][1] for i, j in m.items())
    assert exact_counts(gold, pred).tp <= len(m) <= min(len(gold), len(pred))


def _place(analysis: Analysis, text: str, name: str, coords: tuple[float, float] | None) -> Place:
    s, e = _at(text, name)
    lat, lon = coords if coords else (None, None)
    return analysis.new(Place, s, e, name=name, lat=lat, lon=lon)


def test_demonym_references_are_scored_with_a_literal_only_breakdown():
    """One rule for every corpus: demonym references count as predicted toponyms; the literal-only
    figures are reported beside them."""
    from gossamer.model import Document

    text = "French officials flew to Lyon."
    gold = GoldDoc("d", text, [GoldToponym(*_at(text, "French"), "French", type="Demonym"),
                               GoldToponym(*_at(text, "Lyon"), "Lyon", *COORDS["Lyon"])])
    analysis = Analysis(document=Document(text=text))
    _place(analysis, text, "Lyon", COORDS["Lyon"])
    s, e = _at(text, "French")
    analysis.new(Place, s, e, name="France", lat=46.0, lon=2.0, role="demonym")
    score = GeoScore()
    score.score_doc(gold, analysis.places)
    rec = score.as_dict()["recognition"]
    assert rec["p"] == 1.0 and rec["r"] == 1.0
    assert rec["literal"]["p"] == 1.0 and rec["literal"]["r"] == 0.5
    assert score.as_dict()["resolution"]["n_scored"] == 1  # the demonym has no gold point here


def test_geo_score_end_to_end_and_gold_spans():
    gold = GoldDoc(
        "a",
        TEXT_A,
        [
            GoldToponym(*_at(TEXT_A, "Springfield"), "Springfield", *COORDS["Springfield"]),
            GoldToponym(*_at(TEXT_A, "Lyon"), "Lyon", *COORDS["Lyon"]),
        ],
    )
    from gossamer.model import Document

    analysis = Analysis(document=Document(text=TEXT_A))
    # Springfield resolved to the wrong one (Massachusetts, ~1,500 km off); Lyon missed;
    # "Monday" is a false place that overlaps no gold toponym.
    spring = _place(analysis, TEXT_A, "Springfield", (42.10, -72.59))
    _place(analysis, TEXT_A, "Monday", (0.0, 0.0))
    end_to_end = GeoScore()
    end_to_end.score_doc(gold, analysis.places)
    r = end_to_end.as_dict()
    assert r["recognition"]["p"] == 0.5 and r["recognition"]["r"] == 0.5
    res = r["resolution"]
    assert res["n_scored"] == 1 and res["n_resolved"] == 1 and res["acc161"] == 0.0
    assert res["median_km"] == pytest.approx(haversine_km(*COORDS["Springfield"], 42.10, -72.59), abs=0.1)
    assert res["recall161"] == 0.0

    gold_mode = GeoScore()
    near_lyon = Place(id="p9", mentions=[], lat=45.70, lon=4.80)
    gold_mode.score_doc(gold, analysis.places, resolved=[spring, near_lyon])
    res = gold_mode.as_dict()["resolution"]
    assert res["n_scored"] == 2 and res["acc161"] == 0.5 and res["recall161"] == 0.5
    unresolved = GeoScore()
    unresolved.score_doc(gold, [], resolved=[None, near_lyon])
    res = unresolved.as_dict()["resolution"]
    assert res["n_resolved"] == 1 and max(unresolved.errors_km) == MAX_ERROR_KM


# --------------------------------------------------------------------------- runner


class _FakePlaces:
    """Marks the COORDS names as places: stands in for the real places stage."""

    name = "places"

    def __call__(self, analysis, parsed) -> None:
        text = analysis.document.text
        for name, coords in COORDS.items():
            if name in text and name != "Lyon":  # misses Lyon on purpose
                _place(analysis, text, name, coords)


class PlaceStage(_FakePlaces):
    def resolve_spans(self, analysis, parsed, spans):
        assert parsed.doc.text == analysis.document.text
        text = analysis.document.text
        return [Place(id="r", mentions=[list(s)], lat=COORDS.get(text[s[0] : s[1]], (None, None))[0],
                      lon=COORDS.get(text[s[0] : s[1]], (None, None))[1]) for s in spans]


class _FakePipeline:
    def __init__(self, nlp, stage) -> None:
        self.nlp = nlp
        self.stages = [stage]

    def run_stages(self, document, parsed):
        analysis = Analysis(document=document)
        for stage in self.stages:
            stage(analysis, parsed)
        return analysis


def test_run_geo_eval_end_to_end(nlp, corpora, tmp_path):
    out = tmp_path / "results"
    result = run_geo_eval(corpora["lgl"], out_dir=out, progress=False, pipeline=_FakePipeline(nlp, _FakePlaces()))
    assert result["n_docs"] == 2 and result["n_gold"] == 4 and result["n_gold_with_coords"] == 3
    assert result["mode"] == "end_to_end"
    assert result["recognition"]["p"] == 1.0 and result["recognition"]["r"] == 0.75
    assert result["resolution"]["acc161"] == 1.0 and result["resolution"]["n_scored"] == 2
    saved = json.loads((out / f"eval-geo-{result['corpus']}-end_to_end.json").read_text())
    assert saved["recognition"] == result["recognition"]
    limited = run_geo_eval(corpora["lgl"], limit=1, out_dir=out, progress=False,
                           pipeline=_FakePipeline(nlp, _FakePlaces()))
    assert limited["n_docs"] == 1 and limited["n_gold"] == 2


def test_run_geo_eval_gold_spans(nlp, corpora, tmp_path):
    warned: list[str] = []
    with_resolver = run_geo_eval(corpora["geovirus"], gold_spans=True, out_dir=tmp_path, progress=False,
                                 pipeline=_FakePipeline(nlp, PlaceStage()), warn=warned.append)
    assert not warned
    assert with_resolver["resolution"]["acc161"] == 1.0 and with_resolver["resolution"]["n_scored"] == 2
    fallback = run_geo_eval(corpora["geovirus"], gold_spans=True, out_dir=tmp_path, progress=False,
                            pipeline=_FakePipeline(nlp, _FakePlaces()), warn=warned.append)
    assert len(warned) == 1 and "resolve_spans" in warned[0]
    res = fallback["resolution"]
    assert res["n_scored"] == 2 and res["n_resolved"] == 1 and res["acc161"] == 0.5


def test_cli_json(nlp, corpora, tmp_path, monkeypatch):
    monkeypatch.setattr(geo, "_place_pipeline", lambda: _FakePipeline(nlp, _FakePlaces()))
    monkeypatch.setattr(geo, "_results_dir", lambda: tmp_path / "r")
    app = typer.Typer()

    @app.command()
    def analyze() -> None:  # a second command, as on the real CLI
        pass

    add_eval_commands(app)
    runner = CliRunner()
    res = runner.invoke(app, ["eval", "geo", str(corpora["gwn"]), "--json", "--limit", "1"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["n_docs"] == 1
    assert {"p", "r", "f1"} <= set(data["recognition"]) and {"acc161", "median_km", "auc"} <= set(data["resolution"])
    table = runner.invoke(app, ["eval", "geo", str(corpora["gwn"])])
    assert table.exit_code == 0 and "accuracy@161km" in table.stdout
    missing = runner.invoke(app, ["eval", "geo", str(tmp_path / "nope.xml")])
    assert missing.exit_code == 2


# --------------------------------------------------------------------------- the real corpora


@pytest.mark.parametrize(
    "path, n_docs, n_toponyms",
    [("lgl/lgl.xml", 588, 5088), ("geovirus/GeoVirus.xml", 229, 2170), ("geowebnews", 200, None)],
)
def test_real_corpus_counts(path, n_docs, n_toponyms):
    """Document counts as SOURCE.txt states them; every kept span's text is its name."""
    full = SHARED_DATA / path
    if not full.exists():
        pytest.skip(f"{full} is absent")
    corpus = read_corpus(full)
    assert len(corpus) == n_docs
    kept = sum(len(d.toponyms) for d in corpus)
    if n_toponyms is not None:
        assert kept == n_toponyms
    assert corpus.offsets.checked == kept + corpus.offsets.dropped + corpus.offsets.duplicates
    assert corpus.offsets.dropped <= 0.01 * corpus.offsets.checked
    assert all(d.text[t.start : t.end] == t.name for d in corpus for t in d.toponyms)
