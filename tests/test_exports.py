"""The event table (CSV) and the actor network (GEXF, GraphML), read back by their usual readers."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import networkx as nx
import pytest
from typer.testing import CliRunner

from gossamer.cli import app
from gossamer.export import COLUMNS, events_csv, network_graph, write_events_csv, write_gexf, write_graphml
from gossamer.export.network import EVIDENCE_CHARS
from gossamer.model import Analysis, Document, Entity, Event, Place, Quantity, Relation, Time

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "demo" / "corpus"

TEXT = (
    "Turkish drones struck a fuel depot near Qamishli on Tuesday, killing at least four people, "
    "the Syrian Democratic Forces said. Turkey and Iraq held talks in Baghdad."
)


def span(text: str, words: str, after: int = 0) -> tuple[int, int]:
    start = text.index(words, after)
    return start, start + len(words)


def build(text: str = TEXT, outlet: str | None = "Example Wire", source: str | None = None) -> Analysis:
    """A finished analysis, filled by hand in the form the stages write."""
    a = Analysis(
        document=Document(text=text, published="2026-02-11", outlet=outlet, source=source, language="en")
    )
    tur = a.new(
        Entity, *span(text, "Turkish"), name="Turkey", type="STATE", kb_id="TUR", country="TR", how="demonym"
    )
    tur.add_mention(*span(text, "Turkey"))
    sdf = a.new(
        Entity,
        *span(text, "Syrian Democratic Forces"),
        name="Syrian Democratic Forces",
        type="ARMED_GROUP",
        kb_id="SYR-SDF",
        country="SY",
    )
    irq = a.new(Entity, *span(text, "Iraq"), name="Iraq", type="STATE", kb_id="IRQ", country="IQ")
    unknown = a.new(Entity, *span(text, "fuel depot"), name="Fuel Depot Co", type="ORGANIZATION", how="ner")
    place = a.new(
        Place,
        *span(text, "Qamishli"),
        name="Al Qāmishlī",
        lat=37.05215,
        lon=41.23142,
        country="SY",
        admin1="Al-Hasakah",
        precision="town",
    )
    time = a.new(
        Time,
        *span(text, "on Tuesday"),
        text="on Tuesday",
        start="2026-02-10",
        end="2026-02-10",
        precision="day",
    )
    dead = a.new(
        Quantity,
        *span(text, "at least four people"),
        text="at least four people",
        value=4,
        low=4,
        bound="at_least",
        unit="person",
    )
    strike = a.new(
        Event,
        *span(text, "struck"),
        category="ASSAULT",
        mode="aerial",
        trigger="struck",
        actors=[tur.id],
        recipients=[sdf.id, unknown.id],
        place=place.id,
        places=[place.id],
        time=time.id,
        dead=dead.id,
        status="claimed",
        attributed_to={"text": "the Syrian Democratic Forces", "entity": sdf.id},
        clause=list(span(text, "Turkish drones struck a fuel depot near Qamishli on Tuesday")),
        why="verb 'struck' with a weapon subject",
    )
    talks = a.new(
        Event,
        *span(text, "held talks"),
        category="CONSULT",
        trigger="held talks",
        actors=[tur.id, irq.id],
        actor_phrases=[],
        clause=list(span(text, "Turkey and Iraq held talks in Baghdad")),
        historical=True,
    )
    a.new(
        Relation,
        *span(text, "struck"),
        type="attacks",
        source=tur.id,
        target=sdf.id,
        origin="event",
        time=time.id,
        events=[strike.id],
        why="ASSAULT event",
    )
    a.new(
        Relation,
        *span(text, "held talks"),
        type="negotiates_with",
        source=tur.id,
        target=irq.id,
        origin="event",
        events=[talks.id],
        why="CONSULT event",
    )
    a.relations.append(
        Relation(
            id=a.next_id(Relation),
            mentions=[],
            type="hostile_to",
            source=tur.id,
            target=sdf.id,
            origin="kb",
            why="actor KB: (source: example)",
        )
    )
    return a


def read_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


# ------------------------------------------------------------------ event table


def test_csv_columns_and_one_row_per_event():
    out = io.StringIO()
    n = write_events_csv([build(), build(outlet=None, source="b.txt")], out)
    rows = read_csv(out.getvalue())
    assert n == len(rows) == 4
    assert tuple(csv.reader(io.StringIO(out.getvalue())).__next__()) == COLUMNS
    assert len({r["event_id_cnty"] for r in rows}) == 2  # the same text twice: the same document id
    assert rows[2]["source"] == "b.txt"


def test_csv_values_of_a_located_dated_event():
    a = build()
    row = read_csv(_csv([a]))[0]
    assert row["event_id_cnty"] == f"{a.document.id}-v1"
    assert row["event_date"] == "2026-02-10" and row["time_precision"] == "1"
    assert (row["event_type"], row["sub_event_type"]) == ("ASSAULT", "aerial")
    assert (row["actor1"], row["assoc_actor_1"]) == ("Turkey", "")
    assert (row["actor2"], row["assoc_actor_2"]) == ("Syrian Democratic Forces", "Fuel Depot Co")
    assert row["country"] == "Syria" and row["admin1"] == "Al-Hasakah" and row["location"] == "Al Qāmishlī"
    assert float(row["latitude"]) == pytest.approx(37.05215) and float(row["longitude"]) == pytest.approx(
        41.23142
    )
    assert row["geo_precision"] == "1"
    assert row["source"] == "Example Wire"
    assert row["notes"] == "Turkish drones struck a fuel depot near Qamishli on Tuesday"
    assert row["fatalities"] == "4"
    assert row["status"] == "claimed" and row["attributed_to"] == "Syrian Democratic Forces"
    assert row["historical"] == "false" and row["why"] == "verb 'struck' with a weapon subject"
    assert row["document_id"] == a.document.id


def test_csv_undated_unlocated_event_falls_back():
    row = read_csv(_csv([build()]))[1]
    # no time: the publication date; historical, so coarse (3)
    assert row["event_date"] == "2026-02-11" and row["time_precision"] == "3"
    assert (row["actor1"], row["assoc_actor_1"], row["actor2"]) == ("Turkey", "Iraq", "")
    assert row["location"] == row["country"] == row["latitude"] == row["geo_precision"] == ""
    assert row["fatalities"] == "0" and row["historical"] == "true"


@pytest.mark.parametrize(
    ("precision", "start", "end", "expected"),
    [
        ("day", "2026-02-10", "2026-02-10", 1),
        ("day", "2026-02-08", "2026-02-10", 2),  # "over the past 72 hours": a span of days
        ("week", "2026-02-02", "2026-02-08", 2),
        ("month", "2026-02-01", "2026-02-28", 2),
        ("year", "2025-01-01", "2025-12-31", 3),
    ],
)
def test_csv_time_precision_scale(precision, start, end, expected):
    a = build()
    a.times[0].precision, a.times[0].start, a.times[0].end = precision, start, end
    row = next(events_csv([a]))
    assert row["time_precision"] == expected and row["event_date"] == start


def test_csv_actor_phrases_when_no_entity():
    a = build()
    a.events[0].actors = []
    a.events[0].actor_phrases = [list(span(TEXT, "Turkish drones"))]
    assert next(events_csv([a]))["actor1"] == "Turkish drones"


def test_csv_empty_input_writes_header_only():
    rows = list(csv.reader(io.StringIO(_csv([]))))
    assert rows == [list(COLUMNS)]


def _csv(analyses) -> str:
    out = io.StringIO()
    write_events_csv(analyses, out)
    return out.getvalue()


# ------------------------------------------------------------------ network


def test_network_nodes_edges_and_merging():
    a, b = build(), build(TEXT + " More.")  # two documents naming the same KB actors
    g = network_graph([a, b])
    # KB actors are one node across documents; the unknown organisation is one node per document
    assert {"TUR", "SYR-SDF", "IRQ"} <= set(g.nodes)
    assert sum(1 for n in g.nodes if n.endswith(":fueldepotco")) == 2
    assert g.number_of_nodes() == 5
    tur = g.nodes["TUR"]
    assert (tur["name"], tur["type"], tur["country"], tur["kb_id"]) == ("Turkey", "STATE", "TR", "TUR")
    assert tur["mentions"] == 4 and tur["documents"] == 2
    # attacks (event), hostile_to (kb), negotiates_with (event): merged across the two documents
    assert g.number_of_edges() == 3
    attacks = g.edges["TUR", "SYR-SDF", "attacks:event"]
    assert attacks["relation"] == "attacks" and attacks["origin"] == "event"
    assert attacks["weight"] == 2 and attacks["documents"] == 2
    assert attacks["first_time"] == "2026-02-10" == attacks["last_time"]
    assert attacks["evidence"] == "struck | struck"
    assert g.edges["TUR", "SYR-SDF", "hostile_to:kb"]["evidence"].startswith("actor KB")


def test_network_folds_symmetric_relations():
    a, b = build(), build(TEXT + " More.")
    rel = b.relations[1]
    rel.source, rel.target = rel.target, rel.source  # Iraq -> Turkey this time
    g = network_graph([a, b])
    talks = [(u, v) for u, v, k in g.edges(keys=True) if k.startswith("negotiates_with")]
    assert talks == [("TUR", "IRQ")]
    assert g.edges["TUR", "IRQ", "negotiates_with:event"]["symmetric"] is True


def test_network_evidence_is_cut():
    docs = [build(TEXT + " x" * i) for i in range(1, 12)]
    for d in docs:
        d.relations[0].mentions = [[0, len(d.document.text)]]
    g = network_graph(docs)
    evidence = g.edges["TUR", "SYR-SDF", "attacks:event"]["evidence"]
    assert len(evidence) <= EVIDENCE_CHARS and evidence.endswith("…")


@pytest.mark.parametrize("fmt", ["gexf", "graphml"])
def test_network_reads_back(fmt):
    g = network_graph([build()])
    out = io.StringIO()
    (write_gexf if fmt == "gexf" else write_graphml)(g, out)
    data = io.BytesIO(out.getvalue().encode("utf-8"))
    back = nx.read_gexf(data) if fmt == "gexf" else nx.read_graphml(data)
    assert back.is_directed() and back.is_multigraph()  # two edges between Turkey and the SDF
    assert set(back.nodes) == set(g.nodes)
    assert back.number_of_edges() == g.number_of_edges() == 3
    assert back.nodes["SYR-SDF"]["name"] == "Syrian Democratic Forces"
    assert back.nodes["SYR-SDF"]["type"] == "ARMED_GROUP" and back.nodes["SYR-SDF"]["mentions"] == 1
    edges = {d["relation"]: d for _, _, d in back.edges(data=True)}
    assert set(edges) == {"attacks", "hostile_to", "negotiates_with"}
    assert edges["attacks"]["origin"] == "event" and float(edges["attacks"]["weight"]) == 1
    assert edges["attacks"]["first_time"] == "2026-02-10"
    assert edges["hostile_to"]["origin"] == "kb"


# ------------------------------------------------------------------ command line


@pytest.fixture
def with_relations(monkeypatch):
    """Run the CLI with the relations stage (and the events stage, where it exists)."""
    from gossamer import pipeline

    stages = list(pipeline.DEFAULT_STAGES)
    for spec in ("gossamer.stages.events:EventStage", "gossamer.stages.relations:RelationStage"):
        if spec in stages:
            continue
        try:
            pipeline.load_stage(spec)
        except (ImportError, AttributeError):
            continue
        stages.append(spec)
    monkeypatch.setattr(pipeline, "DEFAULT_STAGES", tuple(stages))


runner = CliRunner()


@pytest.mark.slow
def test_cli_csv(with_relations):
    result = runner.invoke(app, ["analyze", str(DEMO), "--format", "csv"])
    assert result.exit_code == 0, result.output
    reader = csv.DictReader(io.StringIO(result.stdout))
    assert tuple(reader.fieldnames) == COLUMNS
    rows = list(reader)
    assert all(r["document_id"].startswith("doc_") for r in rows)


@pytest.mark.slow
def test_cli_gexf_to_stdout(with_relations):
    result = runner.invoke(app, ["analyze", str(DEMO), "--format", "gexf"])
    assert result.exit_code == 0, result.output
    g = nx.read_gexf(io.BytesIO(result.stdout.encode("utf-8")))
    assert g.number_of_nodes() > 10
    assert "IRQ-KH" in g.nodes and g.nodes["IRQ-KH"]["documents"] > 1
    assert g.number_of_edges() > 0  # at least the KB ties among the militias the corpus names
    assert all("relation" in d and "origin" in d for _, _, d in g.edges(data=True))


@pytest.mark.slow
def test_cli_graphml_to_file(with_relations, tmp_path):
    out = tmp_path / "net.graphml"
    result = runner.invoke(app, ["analyze", str(DEMO), "--format", "graphml", "-o", str(out)])
    assert result.exit_code == 0, result.output
    g = nx.read_graphml(out)
    assert g.number_of_nodes() > 10 and g.number_of_edges() > 0
    assert ("IRQ-KH", "IRQ-PMF") in {(u, v) for u, v, *_ in g.edges}
