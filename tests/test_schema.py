"""The gossamer/analysis@1 JSON Schema: it accepts what the model writes and rejects drift."""

from __future__ import annotations

import copy
import json
import re
import typing
from dataclasses import fields
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator, ValidationError

from gossamer import model
from gossamer.model import (
    SCHEMA, Analysis, Claim, Document, Entity, Event, Place, Quantity, Relation, Rhetoric, Stance, Time,
)  # fmt: skip
from gossamer.schema import load_schema, offset_problems, validate


def time_item(analysis: Analysis, m_start: int, m_end: int, /, **attrs) -> Time:
    # Analysis.new() cannot pass Time.start/Time.end (they clash with its own arguments).
    item = Time(id=analysis.next_id(Time), mentions=[[m_start, m_end]], **attrs)
    analysis.times.append(item)
    return item


def sample() -> Analysis:
    """Nested ("Iraqi" in "Iraqi security forces"), overlapping and non-ASCII mentions."""
    text = (
        "Iraqi security forces said on 3 March 2026 that at least 12 fighters of Kata\u2019ib Hezbollah "
        "were killed near al-Q\u0101\u02bfim \U0001f4cd, in Anbar, Iraq."
    )
    a = Analysis(
        document=Document(text=text, title="Strike near al-Qa\u02bfim", published="2026-03-04", language="en",
                          url="https://example.org/a", outlet="Wire", source="stdin", meta={"k": [1, 2]})
    )  # fmt: skip

    def at(s: str) -> tuple[int, int]:
        i = text.index(s)
        return i, i + len(s)

    forces = a.new(Entity, *at("Iraqi security forces"), name="Iraqi Security Forces", type="MILITARY",
                   kb_id="ISF", country="IQ", sector="MIL", how="kb")  # fmt: skip
    a.new(Entity, *at("Iraqi"), name="Iraq", type="STATE", kb_id="IRQ", country="IQ", how="demonym")
    kh = a.new(Entity, *at("Kata\u2019ib Hezbollah"), name="Kata'ib Hezbollah", type="ARMED_GROUP", country="IQ")
    a.new(Place, *at("al-Q\u0101\u02bfim"), name="Al-Qa'im", lat=34.37, lon=41.09, country="IQ", admin1="Anbar",
          feature="PPL", precision="town", geonames_id=98860, candidates=3, score=0.8,
          alternatives=[{"name": "Qaim", "geonames_id": 1}])  # fmt: skip
    a.new(Place, *at("Anbar"), name="Anbar", country="IQ", precision="admin1", feature="ADM1")
    iraq = a.new(Place, *at("Iraq."), name="Iraq", country="IQ", precision="country")
    iraq.mentions = [[iraq.mentions[0][0], iraq.mentions[0][1] - 1]]
    time_item(a, *at("on 3 March 2026"), text="on 3 March 2026", start="2026-03-03", end="2026-03-03",
              precision="day", rule="date")  # fmt: skip
    # Overlaps the entity "Kata'ib Hezbollah" without containing it.
    a.new(Quantity, *at("at least 12 fighters of Kata\u2019ib"), text="at least 12 fighters", value=12,
          bound="at_least", unit="fighter")  # fmt: skip
    s, e = at("at least 12 fighters of Kata\u2019ib Hezbollah were killed")
    ev = a.new(Event, s, e, category="ASSAULT", trigger="killed", actors=[forces.id], recipients=[kh.id],
               clause=[s, e], why="hand-built")  # fmt: skip
    a.new(Relation, s, e, type="attacks", source=forces.id, target=kh.id, origin="event", events=[ev.id])
    cs, ce = at("said")
    a.new(Claim, cs, ce, kind="factual", source_type="named_organization", source={"entity": forces.id},
          grade={"reliability": "F", "credibility": 6, "reasons": ["hand-built"]})  # fmt: skip
    a.rhetoric.append(Rhetoric(id="h1", mentions=[], technique="Loaded_Language"))
    a.new(Stance, cs, ce, entity=kh.id, stance="negative", score=-0.5)
    a.notes.append("hand-built for the schema tests")
    return a


def test_schema_is_valid_draft_2020_12():
    schema = load_schema()
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["properties"]["schema"]["const"] == SCHEMA


@pytest.mark.parametrize(
    "cls, ref",
    [
        (Document, "document"), (Entity, "entity"), (Place, "place"), (Time, "time"), (Quantity, "quantity"),
        (Event, "event"), (Relation, "relation"), (Claim, "claim"), (Rhetoric, "rhetoric"), (Stance, "stance"),
    ],  # fmt: skip
)
def test_schema_fields_match_the_model(cls, ref):
    """A field added to or dropped from the model must be added to or dropped from the schema."""
    props = set(load_schema()["$defs"][ref]["properties"])
    assert props == {f.name for f in fields(cls)}


@pytest.mark.parametrize(
    "literal, ref, key",
    [
        (model.EntityType, "entity", "type"),
        (model.PlacePrecision, "place", "precision"),
        (model.TimePrecision, "time", "precision"),
        (model.Bound, "quantity", "bound"),
        (model.DocStatus, "document", "status"),
    ],
)
def test_enums_match_the_model_literals(literal, ref, key):
    enum = load_schema()["$defs"][ref]["properties"][key]["enum"]
    assert {v for v in enum if v is not None} == set(typing.get_args(literal))


def test_top_level_keys_match_to_dict():
    data = Analysis(document=Document(text="x")).to_dict()
    assert set(load_schema()["required"]) == set(data)


def test_hand_built_analysis_validates_and_round_trips():
    data = sample().to_dict()
    validate(data)
    # Through JSON (tuples become lists, floats stay floats) and back through the model.
    again = json.loads(json.dumps(data, ensure_ascii=False))
    validate(again)
    validate(Analysis.from_dict(again).to_dict())
    assert Analysis.from_dict(again).to_dict() == data


def test_unicode_offsets_are_code_points():
    a = sample()
    text = a.document.text
    place = a.places[0]
    assert text[slice(*place.mentions[0])] == "al-Q\u0101\u02bfim"
    assert offset_problems(a.to_dict()) == []


def test_empty_document_validates():
    a = Analysis(document=Document(text="", status="empty"), notes=["document is empty: nothing to analyse"])
    validate(a.to_dict())


def test_pipeline_without_stages_gives_a_valid_empty_analysis(nlp):
    from gossamer.pipeline import Pipeline

    pipe = Pipeline(stages=[], nlp=nlp)
    a = pipe.analyze("Iraqi officials said on Monday that the convoy had crossed the border.", published="2026-01-21")
    data = a.to_dict()
    validate(data)
    assert data["document"]["status"] == "ok" and data["entities"] == []
    empty = pipe.analyze("   \n")
    validate(empty.to_dict())
    assert empty.document.status == "empty" and empty.notes


def _broken(path: list, value, delete: bool = False) -> dict:
    data = copy.deepcopy(sample().to_dict())
    target = data
    for key in path[:-1]:
        target = target[key]
    if delete:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return data


@pytest.mark.parametrize(
    "path, value, delete",
    [
        (["schema"], "gossamer/analysis@2", False),
        (["entities", 0, "type"], "WARLORD", False),  # not in the enum
        (["entities", 0, "colour"], "red", False),  # drift: unknown key
        (["entities", 0, "mentions"], None, True),  # every item has mentions
        (["entities", 0, "id"], None, True),
        (["entities", 0, "mentions"], [[0, 5, 7]], False),  # not a pair
        (["entities", 0, "mentions"], [[-1, 5]], False),
        (["entities", 0, "mentions"], [[0.0, 5.5]], False),
        (["entities", 0, "country"], "Iraq", False),  # ISO2 only
        (["places", 0, "precision"], "street", False),
        (["places", 0, "lat"], 123.0, False),
        (["times", 0, "precision"], "fortnight", False),
        (["times", 0, "start"], "3 March 2026", False),
        (["quantities", 0, "bound"], "roughly", False),
        (["quantities", 0, "value"], "twelve", False),
        (["document", "status"], "failed", False),
        (["document", "text"], None, True),
        (["events", 0, "id"], None, True),
        (["events", 0, "category"], "KILL", False),
        (["relations", 0, "type"], "opposes", False),
        (["claims", 0, "mentions"], [[1]], False),
        (["claims", 0, "grade", "reliability"], "G", False),
        (["rhetoric", 0, "technique"], "Sarcasm", False),
        (["stances", 0, "stance"], "hostile", False),
        (["notes"], [1], False),
        (["relations"], None, True),
    ],
)
def test_bad_data_fails_validation(path, value, delete):
    with pytest.raises(ValidationError):
        validate(_broken(path, value, delete))


def test_mentions_outside_the_text_fail():
    data = sample().to_dict()
    n = len(data["document"]["text"])
    data["places"][1]["mentions"] = [[n - 2, n + 3]]
    assert offset_problems(data)
    with pytest.raises(ValidationError, match="outside the text"):
        validate(data)
    data["places"][1]["mentions"] = [[5, 5]]  # empty range
    with pytest.raises(ValidationError):
        validate(data)


def test_the_example_in_the_docs_is_valid():
    doc = Path(__file__).resolve().parent.parent / "docs" / "schema.md"
    blocks = re.findall(r"```json\n(.*?)\n```", doc.read_text(encoding="utf-8"), flags=re.S)
    assert blocks, "docs/schema.md has no JSON example"
    data = json.loads(blocks[-1])
    validate(data)
    text = data["document"]["text"]
    for key in ("times", "quantities"):
        for item in data[key]:
            assert [text[s:e] for s, e in item["mentions"]] == [item["text"]]
    assert data["document"]["id"] == model.document_id(text)


def test_load_schema_returns_a_copy():
    load_schema()["properties"].clear()
    validate(sample().to_dict())
    assert load_schema()["properties"]


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=60), st.data())
def test_any_in_bounds_mentions_validate(text, data):
    a = Analysis(document=Document(text=text, language="en"))
    n = len(text)
    if n:
        for _ in range(data.draw(st.integers(0, 4))):
            start = data.draw(st.integers(0, n - 1))
            end = data.draw(st.integers(start + 1, n))
            a.new(Entity, start, end, name=text[start:end], type="PERSON")
    validate(a.to_dict())
    for e in a.entities:
        assert a.text_of(e.mentions[0]) == e.name
