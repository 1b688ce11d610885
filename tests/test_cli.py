"""End-to-end through the command line: the founding example, formats, bad input, exit codes."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gossamer.cli import app
from gossamer.schema import validate

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "demo" / "corpus"
runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args))


@pytest.fixture(scope="module")
def example_json(example_text):
    path = ROOT.parent / "shared" / "examples" / "spiders-web-opinion.txt"
    result = invoke("analyze", str(path), "--published", "2026-01-21", "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _texts(data, item):
    return [data["document"]["text"][s:e] for s, e in item["mentions"]]


def test_example_validates_and_offsets_hold(example_json):
    validate(example_json)
    text = example_json["document"]["text"]
    for kind in ("entities", "places", "times", "quantities"):
        for item in example_json[kind]:
            for s, e in item["mentions"]:
                assert 0 <= s < e <= len(text)


def test_example_actors(example_json):
    by_kb = {e["kb_id"]: e for e in example_json["entities"] if e["kb_id"]}
    assert {"IRQ", "IRN", "IRN-GOV"} <= set(by_kb)
    gov = _texts(example_json, by_kb["IRN-GOV"])
    assert "Tehran" in gov and "Velayat-e Faqih regime" in gov
    names = {e["name"] for e in example_json["entities"]}
    for needed in ("Coordination Framework", "Kata'ib Hezbollah", "National Council of Resistance of Iran"):
        assert needed in names
    nujaba = [e for e in example_json["entities"] if "Harakat al-Nujaba" in _texts(example_json, e)]
    assert nujaba and nujaba[0]["type"] == "ARMED_GROUP"
    ncri = next(e for e in example_json["entities"] if e["name"].startswith("National Council of Resistance"))
    assert "NCRI" in _texts(example_json, ncri)


def test_example_times(example_json):
    times = {t["text"].lower(): t for t in example_json["times"]}
    since = next(t for k, t in times.items() if "since january 14" in k)
    assert (since["start"], since["end"]) == ("2026-01-14", "2026-01-21")
    past72 = next(t for k, t in times.items() if "past 72 hours" in k)
    assert past72["start"] == "2026-01-18" and past72["end"] == "2026-01-21"
    nov = next(t for k, t in times.items() if k == "november 2025")
    assert (nov["start"], nov["end"], nov["precision"]) == ("2025-11-01", "2025-11-30", "month")


def test_example_quantity(example_json):
    q = next(q for q in example_json["quantities"] if q["value"] == 5000)
    assert q["approximate"] and q["unit"] == "member"
    assert "5,000" in q["text"]


def _km(lat1, lon1, lat2, lon2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371 * math.asin(math.sqrt(a))


@pytest.mark.parametrize(
    "mention, lat, lon, precision",
    [
        ("Baghdad", 33.34, 44.40, "town"),
        ("Tehran", 35.69, 51.42, "town"),
        ("Shalamcheh", 30.50, 48.08, "exact"),
        ("Munziriyah", 34.23, 45.39, "exact"),
        ("Khuzestan", 31.4, 48.9, "admin1"),
        ("Kermanshah", 34.4, 46.9, "admin1"),
    ],
)
def test_example_places(example_json, mention, lat, lon, precision):
    places = [p for p in example_json["places"] if mention in _texts(example_json, p)]
    assert places, f"no place for {mention}"
    p = places[0]
    assert p["precision"] == precision
    assert _km(p["lat"], p["lon"], lat, lon) < 60


def test_jsonl_for_a_folder_one_line_per_article(tmp_path):
    out = tmp_path / "a.jsonl"
    result = invoke("analyze", str(DEMO), "--format", "jsonl", "-o", str(out))
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(lines) >= 10
    ids = {d["document"]["id"] for d in lines}
    assert len(ids) == len(lines)
    for data in lines[:3]:
        validate(data)


def test_html_folder_one_report_each(tmp_path):
    result = invoke("analyze", str(DEMO), "--format", "html", "-o", str(tmp_path) + "/")
    assert result.exit_code == 0, result.output
    reports = list(tmp_path.glob("*.html"))
    assert len(reports) >= 10
    assert all("<html" in p.read_text()[:500].lower() for p in reports)


def test_bad_inputs_reported_rest_analysed(tmp_path):
    (tmp_path / "good.txt").write_text("Iraqi officials said on Monday that the border was closed.\n")
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "blob.txt").write_bytes(b"\x00\x01\x02binary\x00" * 50)
    (tmp_path / "feed.jsonl").write_text('{"text": "Iran said the talks would resume."}\n{broken\n')
    result = invoke("analyze", str(tmp_path), "--format", "jsonl")
    assert result.exit_code == 1
    analysed = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert len(analysed) == 2
    assert "empty.txt" in result.stderr and "blob.txt" in result.stderr and "feed.jsonl:2" in result.stderr


def test_non_english_gets_a_status_not_garbage(tmp_path):
    f = tmp_path / "fr.txt"
    f.write_text("Le gouvernement irakien a annoncé mardi la fermeture de la frontière avec l'Iran.")
    result = invoke("analyze", str(f), "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["document"]["status"] == "unsupported_language"
    assert data["entities"] == [] and "not supported" in data["notes"][0]


def test_usage_error_exit_2():
    assert invoke("analyze", "x.txt", "--published", "21/01/2026").exit_code == 2
    assert invoke("analyze", "x.txt", "--format", "pdf").exit_code == 2


def test_schema_command_prints_the_schema():
    result = invoke("schema")
    assert json.loads(result.stdout)["properties"]["schema"]["const"] == "gossamer/analysis@1"


def test_console_script_from_stdin_and_exit_code():
    proc = subprocess.run(
        [sys.executable, "-m", "gossamer", "analyze", "-", "--format", "json", "--published", "2026-03-13"],
        input="Protesters gathered in Basra on Tuesday, Iraqi police said.".encode(),
        capture_output=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr.decode()
    data = json.loads(proc.stdout)
    assert data["document"]["source"] == "<stdin>"
    basra = [p for p in data["places"] if _texts(data, p) == ["Basra"]]
    assert basra and _km(basra[0]["lat"], basra[0]["lon"], 30.5, 47.8) < 50
    assert any(t["start"] == "2026-03-10" for t in data["times"])
