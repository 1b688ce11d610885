"""Each input kind read into Documents: metadata, text and source as the contract says."""

from __future__ import annotations

import io
import json
import sys
import tracemalloc
from pathlib import Path

import pytest

from gossamer.ingest import IngestError, read_inputs, read_text_input
from gossamer.ingest.fields import normalise_published
from gossamer.ingest.formats import sniff_kind
from gossamer.ingest.text import split_front_matter
from gossamer.model import Document, document_id

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "demo" / "corpus"

BODY = "Officials in Tal Afar said on Monday that 12 families had returned.\n\nA second paragraph follows."
FRONT = """---
title: "Families return to Tal Afar"
url: https://example.org/a/1
outlet: Example Wire
author: A. Writer
published: 2026-03-12
---

"""


def docs(items) -> list[Document]:
    return [x for x in items if isinstance(x, Document)]


def errors(items) -> list[IngestError]:
    return [x for x in items if isinstance(x, IngestError)]


def only(items) -> Document:
    items = list(items)
    assert len(items) == 1 and isinstance(items[0], Document), items
    return items[0]


# --- text and markdown ---------------------------------------------------------------


def test_txt_front_matter_fills_fields_and_text_starts_after_it(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text(FRONT + BODY + "\n\n", encoding="utf-8")
    doc = only(read_inputs([str(path)]))
    assert doc.text == BODY
    assert (doc.title, doc.url, doc.outlet, doc.author) == (
        "Families return to Tal Afar",
        "https://example.org/a/1",
        "Example Wire",
        "A. Writer",
    )
    assert doc.published == "2026-03-12"
    assert doc.source == str(path)
    assert doc.meta["format"] == "text"
    assert doc.id == document_id(BODY)
    assert doc.language is None and doc.status == "ok"
    # text_offset maps Document offsets back onto the file
    raw = path.read_text(encoding="utf-8")
    off = doc.meta["text_offset"]
    assert raw[off : off + len(doc.text)] == doc.text


def test_front_matter_synonyms_extra_keys_and_author_list(tmp_path):
    path = tmp_path / "b.md"
    path.write_text(
        "---\ndate: 2026-03-12 09:30:00\nsource: Example Post\n"
        "authors: [A. One, B. Two]\ngenre: opinion\n---\n"
        "# Heading stays\n\nBody text here.\n",
        encoding="utf-8",
    )
    doc = only(read_inputs([str(path)]))
    assert doc.published == "2026-03-12T09:30:00"
    assert doc.outlet == "Example Post"
    assert doc.author == "A. One, B. Two"
    assert doc.meta["extra"] == {"genre": "opinion"}
    assert doc.meta["format"] == "markdown"
    assert doc.text.startswith("# Heading stays")  # markdown kept verbatim


def test_front_matter_published_wins_over_date_synonym():
    doc = only(read_text_input("---\npublished: 2026-01-02\ndate: 2025-12-31\n---\nText.", kind="text"))
    assert doc.published == "2026-01-02"


@pytest.mark.parametrize(
    "text",
    [
        "---\nno closing line, so this is just text\n",
        "---\n\nA paragraph after a rule.\n\n---\n\nMore text.",  # markdown rules, not a header
    ],
)
def test_dash_lines_that_are_not_front_matter_stay_text(text):
    record, start, warnings = split_front_matter(text)
    assert (record, start, warnings) == (None, 0, [])
    doc = only(read_text_input(text, kind="markdown"))
    assert doc.text == text.strip()


def test_broken_front_matter_is_dropped_with_a_warning():
    doc = only(read_text_input('---\ntitle: "unclosed\nauthor: X\n---\nThe body.\n', kind="text"))
    assert doc.text == "The body."
    assert doc.title is None
    assert "front matter is not valid YAML" in doc.meta["warnings"][0]


def test_front_matter_with_crlf_line_ends():
    doc = only(read_text_input(b"---\r\ntitle: T\r\n---\r\nBody line.\r\n", kind="text"))
    assert (doc.title, doc.text) == ("T", "Body line.")


def test_front_matter_only_is_an_error():
    (err,) = read_text_input("---\ntitle: T\n---\n\n  \n", source="x.md", kind="markdown")
    assert isinstance(err, IngestError) and err.reason == "front matter but no article text"


def test_unreadable_published_is_kept_raw_with_a_warning():
    doc = only(read_text_input("---\npublished: sometime soon\n---\nBody.", kind="text"))
    assert doc.published is None
    assert doc.meta["published_raw"] == "sometime soon"
    assert any("published" in w for w in doc.meta["warnings"])


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-03-12", "2026-03-12"),
        ("2026-03-12T09:00:00Z", "2026-03-12T09:00:00+00:00"),
        ("20260312", "2026-03-12"),
        ("March 12, 2026", "2026-03-12"),
        ("Thu, 12 Mar 2026 09:30:00 +0300", "2026-03-12T09:30:00+03:00"),
        (1773273600, "2026-03-12T00:00:00+00:00"),
        (1773273600000, "2026-03-12T00:00:00+00:00"),
        ("March 2026", None),  # not a day
        ("yesterday", None),  # no anchor at ingest time
        ("2026-13-45", None),
        ("", None),
        (True, None),
    ],
)
def test_published_normalisation(value, expected):
    assert normalise_published(value) == expected


# --- html ----------------------------------------------------------------------------

PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8">
<title>Talks resume in Geneva | Example Daily</title>
<meta name="author" content="Sam Writer">
<meta property="og:site_name" content="Example Daily">
<meta property="og:title" content="Talks resume in Geneva">
<meta property="article:published_time" content="2026-02-03T08:15:00Z">
<link rel="canonical" href="https://example.com/news/talks-resume">
</head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li></ul></nav>
<article><h1>Talks resume in Geneva</h1>
<p>Delegations from the two governments met in Geneva on Tuesday for a third round of talks on
prisoner exchanges, according to a statement issued by the hosting ministry after the meeting.</p>
<p>The statement said both sides agreed to meet again within two weeks and to exchange lists of
detainees through the International Committee of the Red Cross before the next session.</p>
<p>Neither delegation spoke to reporters as they left the building late in the afternoon, and
officials declined to say whether a date for the next round had been fixed.</p>
</article>
<footer>Copyright Example Daily. All rights reserved.</footer>
</body></html>"""


def test_html_main_text_and_metadata(tmp_path):
    path = tmp_path / "page.html"
    path.write_text(PAGE, encoding="utf-8")
    doc = only(read_inputs([str(path)]))
    assert doc.title == "Talks resume in Geneva"
    assert doc.author == "Sam Writer"
    assert doc.outlet == "Example Daily"
    assert doc.url == "https://example.com/news/talks-resume"
    assert doc.published == "2026-02-03T08:15:00+00:00"
    assert doc.meta == {"format": "html", "extractor": "trafilatura"}
    assert "third round of talks" in doc.text and "Red Cross" in doc.text
    assert "Home" not in doc.text and "Copyright" not in doc.text  # boilerplate dropped
    assert "\n\n" in doc.text  # paragraphs separated as in the text corpus


@pytest.mark.parametrize(
    "html",
    [
        "<html><body><p>Short statement: the crossing at Rafah reopened today.",  # unclosed
        "<div><p>Unclosed <b>bold <i>and italic text about the crossing at Rafah reopening</div>",
        "<title>Only a title<p>Body text about the crossing at Rafah reopening.",
        "<html><body><table><tr><td>The crossing at Rafah reopened</td></tr></table></body>",
    ],
)
def test_malformed_or_tiny_html_still_gives_its_text(html):
    doc = only(read_text_input(html, source="x.html", kind="html"))
    assert "Rafah" in doc.text
    assert "<" not in doc.text


def test_html_without_main_text_is_an_error():
    page = "<html><head><title>Empty</title></head><body><script>var a = 1;</script></body></html>"
    (err,) = read_text_input(page, source="s.html", kind="html")
    assert isinstance(err, IngestError)
    assert str(err) == "s.html: no article text found in HTML"


def test_html_declared_legacy_charset_is_honoured():
    page = '<html><head><meta charset="iso-8859-1"></head><body><p>Protest in Bogotá</p></body></html>'
    doc = only(read_text_input(page.encode("latin-1"), source="p.html"))
    assert "Bogotá" in doc.text
    assert doc.meta["encoding"] == "cp1252 (declared)"


# --- json and json lines ---------------------------------------------------------------


def test_jsonl_one_document_per_line_with_line_sources(tmp_path):
    path = tmp_path / "feed.jsonl"
    rows = [
        {"text": "First story.", "title": "One", "date": "2026-03-01", "source": "Wire A", "id": "x1"},
        {"text": "Second story.", "published": "2026-03-02T10:00:00+01:00", "outlet": "Wire B"},
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows[:1]) + "\n\n" + json.dumps(rows[1]) + "\n")
    first, second = read_inputs([str(path)])
    assert (first.source, first.title, first.published, first.outlet) == (
        f"{path}:1",
        "One",
        "2026-03-01",
        "Wire A",
    )
    assert first.meta == {"format": "jsonl", "extra": {"id": "x1"}}
    assert (second.source, second.published, second.outlet) == (
        f"{path}:3",
        "2026-03-02T10:00:00+01:00",
        "Wire B",
    )


def test_ndjson_with_bom_and_utf16_jsonl(tmp_path):
    a = tmp_path / "a.ndjson"
    a.write_bytes(b"\xef\xbb\xbf" + json.dumps({"text": "Story from Mosul."}).encode() + b"\n")
    b = tmp_path / "b.jsonl"
    b.write_bytes(json.dumps({"text": "Story from Şırnak."}, ensure_ascii=False).encode("utf-16"))
    da, db = read_inputs([str(a), str(b)])
    assert da.text == "Story from Mosul." and "encoding" not in da.meta
    assert db.text == "Story from Şırnak." and db.meta["encoding"] == "utf-16-le"


def test_json_single_object_array_and_concatenated(tmp_path):
    one = tmp_path / "one.json"
    one.write_text(json.dumps({"text": "Lone article.", "title": "Lone"}))
    arr = tmp_path / "arr.json"
    arr.write_text(json.dumps([{"text": "A."}, {"text": "B."}], indent=2))
    cat = tmp_path / "cat.json"
    cat.write_text('{"text": "C."}\n{"text": "D."}\n')
    out = list(read_inputs([str(one), str(arr), str(cat)]))
    assert [d.text for d in docs(out)] == ["Lone article.", "A.", "B.", "C.", "D."]
    assert out[0].source == str(one) and out[0].title == "Lone"
    assert [d.source for d in out[1:3]] == [f"{arr}:2", f"{arr}:5"]
    assert [d.source for d in out[3:]] == [f"{cat}:1", f"{cat}:2"]
    assert all(d.meta["format"] == "json" for d in out)


def test_json_array_broken_midway_keeps_earlier_elements(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('[\n {"text": "Kept."},\n {"title": "no text"},\n {"text": "cut off\n]')
    out = list(read_inputs([str(path)]))
    assert [d.text for d in docs(out)] == ["Kept."]
    errs = errors(out)
    assert [(e.line, e.reason.split(":")[0]) for e in errs] == [(3, "no 'text' field"), (4, "invalid JSON")]
    assert errs[1].reason.endswith("the rest of the file was not read")


def test_jsonl_streams_without_loading_the_feed(tmp_path):
    path = tmp_path / "big.jsonl"
    line = json.dumps({"text": "Word " * 400}) + "\n"  # ~2 KB a line
    with path.open("w") as f:
        for _ in range(2500):  # ~5 MB in all
            f.write(line)
    tracemalloc.start()
    try:
        count = sum(1 for item in read_inputs([str(path)], max_bytes=100_000) if isinstance(item, Document))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 2500  # the file is over max_bytes: the limit is per line for JSON Lines
    assert peak < 1_000_000


# --- stdin, in-memory content and sniffing --------------------------------------------------


def _stdin(monkeypatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))


def test_stdin_jsonl(monkeypatch):
    _stdin(monkeypatch, b'{"text": "One."}\n{"text": "Two."}\n')
    out = list(read_inputs(["-"]))
    assert [(d.source, d.text) for d in out] == [("<stdin>:1", "One."), ("<stdin>:2", "Two.")]


def test_stdin_html_and_text(monkeypatch):
    _stdin(monkeypatch, PAGE.encode())
    doc = only(read_inputs(["-"]))
    assert doc.source == "<stdin>" and doc.meta["format"] == "html" and doc.outlet == "Example Daily"
    _stdin(monkeypatch, (FRONT + BODY).encode())
    doc = only(read_inputs(["-"]))
    assert doc.meta["format"] == "text" and doc.title == "Families return to Tal Afar" and doc.text == BODY


def test_stdin_feed_is_read_lazily(monkeypatch):
    line = json.dumps({"text": "Story " * 50}).encode() + b"\n"
    total = len(line) * 20_000
    served = 0

    class Feed(io.RawIOBase):
        def readable(self):
            return True

        def readinto(self, buf):
            nonlocal served
            n = min(len(buf), total - served)
            chunk = (line * (n // len(line) + 2))[served % len(line) :][:n]
            buf[:n] = chunk
            served += n
            return n

    class Stdin:
        buffer = io.BufferedReader(Feed())

    monkeypatch.setattr(sys, "stdin", Stdin())
    first = next(read_inputs(["-"]))
    assert isinstance(first, Document) and first.source == "<stdin>:1"
    assert served < total // 10


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        ('{"text": "a"}\n{"text": "b"}', "jsonl"),
        ('{\n  "text": "a"\n}', "json"),
        ('[{"text": "a"}]', "json"),
        ("[Illustrative note] then text", "text"),
        ("<!doctype html><html><body>x</body></html>", "html"),
        ("<p>Fragment</p>", "html"),
        ("Plain words about <b>bold</b> claims.", "text"),
        ("---\ntitle: x\n---\nBody", "text"),
    ],
)
def test_sniff_kind(head, kind):
    assert sniff_kind(head) == kind


def test_read_text_input_accepts_str_and_bytes_and_names_source():
    doc = only(read_text_input("Plain words.", source="pasted"))
    assert (doc.text, doc.source, doc.meta["format"]) == ("Plain words.", "pasted", "text")
    doc = only(read_text_input("Plain words.".encode("utf-16")))
    assert doc.source == "<stdin>" and doc.meta["encoding"] == "utf-16-le"
    (err,) = read_text_input("x", kind="pdf")
    assert isinstance(err, IngestError) and "unknown input kind" in err.reason


# --- paths and directories ------------------------------------------------------------------


def test_directory_walk_is_recursive_sorted_and_filters_extensions(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "inner.md").write_text("Inner.")
    (tmp_path / "a.txt").write_text("A.")
    (tmp_path / "c.HTML").write_text("<html><body><p>Page C.</p></body></html>")
    (tmp_path / "notes.csv").write_text("x,y")  # unknown extension in a directory: skipped
    (tmp_path / ".hidden.txt").write_text("Hidden.")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "HEAD.txt").write_text("ref")
    out = list(read_inputs([str(tmp_path)]))
    assert [Path(d.source).relative_to(tmp_path).as_posix() for d in out] == ["a.txt", "b/inner.md", "c.HTML"]


def test_explicit_file_with_unknown_extension_is_read_by_content(tmp_path):
    log = tmp_path / "notes.log"
    log.write_text("Field notes from the border crossing.")
    feed = tmp_path / "dump.data"
    feed.write_text('{"text": "From a feed."}\n')
    a, b = read_inputs([str(log), str(feed)])
    assert a.text == "Field notes from the border crossing." and a.meta["format"] == "text"
    assert b.source == f"{feed}:1" and b.meta["format"] == "jsonl"


def test_a_lone_path_string_is_not_iterated_by_character(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("Text.")
    assert only(read_inputs(str(path))).text == "Text."


def test_ingest_error_str_is_one_line():
    assert str(IngestError("f.jsonl", 3, "invalid JSON:\n bad")) == "f.jsonl:3: invalid JSON: bad"
    assert str(IngestError("f.txt", None, "empty file")) == "f.txt: empty file"


@pytest.mark.skipif(not DEMO.is_dir(), reason="demo corpus absent")
def test_demo_corpus_reads_cleanly():
    out = list(read_inputs([str(DEMO)]))
    assert not errors(out), [str(e) for e in errors(out)]
    for doc in out:
        assert doc.title and doc.outlet and doc.published, doc.source
        assert doc.text.strip() == doc.text and len(doc.text) > 200
        assert not doc.text.startswith("---")
