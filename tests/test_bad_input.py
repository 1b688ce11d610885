"""Bad inputs: each becomes one IngestError naming the file (and line), and the batch goes on."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import gossamer.ingest.paths as paths_module
from gossamer.ingest import IngestError, read_inputs, read_text_input
from gossamer.model import Document

GOOD = "Officials said on Monday that the road to the border crossing had reopened."


def split(items):
    items = list(items)
    return [x for x in items if isinstance(x, Document)], [x for x in items if isinstance(x, IngestError)]


def one_error(path, **kw) -> IngestError:
    docs, errs = split(read_inputs([str(path)], **kw))
    assert not docs and len(errs) == 1, (docs, errs)
    assert errs[0].source == str(path)
    return errs[0]


@pytest.mark.parametrize("content", [b"", b"   \n\t\r\n  ", b"\xef\xbb\xbf\n", "  \n".encode("utf-16")])
@pytest.mark.parametrize("name", ["e.txt", "e.md", "e.html", "e.json", "e.jsonl"])
def test_empty_file(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    err = one_error(path)
    assert err.reason == "empty file"
    assert str(err) == f"{path}: empty file"


@pytest.mark.parametrize("name", ["b.txt", "b.html", "b.json", "b.jsonl", "b.bin"])
def test_binary_file(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    assert one_error(path).reason == "binary file (not text)"


def test_control_characters_without_nul_are_binary(tmp_path):
    path = tmp_path / "c.txt"
    path.write_bytes(bytes(range(1, 32)) * 20 + b"some words")
    assert one_error(path).reason == "binary file (not text)"


def test_huge_file_is_rejected_by_size_without_reading(tmp_path):
    path = tmp_path / "huge.txt"
    with path.open("wb") as f:
        f.truncate(50_000_000)  # sparse: nothing is written, nothing should be read
    err = one_error(path)  # the size is checked with stat() before any byte is read
    assert err.reason == "too large: 50000000 bytes (limit 5000000; raise --max-bytes or split the file)"


def test_max_bytes_is_adjustable(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text(GOOD)
    assert one_error(path, max_bytes=10).reason.startswith(f"too large: {len(GOOD)} bytes (limit 10;")
    assert split(read_inputs([str(path)], max_bytes=len(GOOD)))[0][0].text == GOOD


def test_jsonl_line_over_the_limit_is_one_error_and_the_feed_goes_on(tmp_path):
    path = tmp_path / "feed.jsonl"
    lines = [{"text": "Short one."}, {"text": "x" * 5000}, {"text": "Short two."}]
    path.write_text("".join(json.dumps(r) + "\n" for r in lines))
    docs, errs = split(read_inputs([str(path)], max_bytes=1000))
    assert [d.text for d in docs] == ["Short one.", "Short two."]
    assert [(e.source, e.line) for e in errs] == [(str(path), 2)]
    size = len(json.dumps(lines[1])) + 1  # with its newline
    assert errs[0].reason.startswith(f"line too large: {size} bytes (limit 1000;")


@pytest.mark.parametrize(
    ("text", "encoding", "label"),
    [
        ("Protesters gathered in Bogotá and Medellín on Friday.", "latin-1", "cp1252 (guessed)"),
        ("Clashes were reported near Şırnak and Diyarbakır.", "cp1254", "cp1254 (guessed)"),
        ("Strikes spread from Wrocław to Łódź.", "cp1250", "cp1250 (guessed)"),
        ("The minister’s “final offer” – rejected.", "cp1252", "cp1252 (guessed)"),
    ],
)
def test_legacy_encodings_come_out_as_the_right_characters(tmp_path, text, encoding, label):
    path = tmp_path / "legacy.txt"
    path.write_bytes(text.encode(encoding))
    docs, errs = split(read_inputs([str(path)]))
    assert not errs
    assert docs[0].text == text
    assert docs[0].meta["encoding"] == label


def test_legacy_encoded_jsonl_line(tmp_path):
    path = tmp_path / "feed.jsonl"
    path.write_bytes(b'{"text": "Caf\xe9 owners in Bogot\xe1 closed early."}\n{"text": "Plain."}\n')
    docs, errs = split(read_inputs([str(path)]))
    assert not errs
    assert docs[0].text == "Café owners in Bogotá closed early."
    assert docs[0].meta["encoding"] == "cp1252 (guessed)"
    assert "encoding" not in docs[1].meta


def test_broken_json_lines_among_good_ones(tmp_path):
    path = tmp_path / "feed.jsonl"
    path.write_text(
        "\n".join(
            [
                json.dumps({"text": "Good one.", "title": "1"}),
                '{"text": "truncated',
                json.dumps({"title": "no text here"}),
                json.dumps({"text": 42}),
                json.dumps({"text": "   "}),
                json.dumps(["an", "array"]),
                json.dumps({"content": "wrong key"}),
                json.dumps({"text": "Good two."}),
                "",
                json.dumps({"text": "Good three."}),
            ]
        )
    )
    docs, errs = split(read_inputs([str(path)]))
    assert [(d.text, d.source) for d in docs] == [
        ("Good one.", f"{path}:1"),
        ("Good two.", f"{path}:8"),
        ("Good three.", f"{path}:10"),
    ]
    got = {e.line: e.reason for e in errs}
    assert sorted(got) == [2, 3, 4, 5, 6, 7]
    assert got[2].startswith("invalid JSON: Unterminated string")
    assert got[3] == "no 'text' field"
    assert got[4] == "'text' is not a string (got number)"
    assert got[5] == "'text' is empty"
    assert got[6] == "not a JSON object (got array)"
    assert got[7] == "no 'text' field (found 'content'; rename it to 'text')"
    assert all(e.source == str(path) and str(e).startswith(f"{path}:{e.line}: ") for e in errs)


def test_missing_path(tmp_path):
    err = one_error(tmp_path / "nope.txt")
    assert err.reason == "cannot read: No such file or directory"


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads anything")
def test_permission_denied(tmp_path):
    path = tmp_path / "locked.txt"
    path.write_text(GOOD)
    path.chmod(0)
    try:
        assert one_error(path).reason == "cannot read: Permission denied"
    finally:
        path.chmod(0o644)


def test_directory_loop_and_dangling_link_are_reported_and_the_rest_read(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.txt").write_text(GOOD)
    (tmp_path / "sub" / "loop").symlink_to(tmp_path)
    (tmp_path / "gone.txt").symlink_to(tmp_path / "missing.txt")
    (tmp_path / "gone-dir").symlink_to(tmp_path / "missing-dir")  # no article extension: silent
    docs, errs = split(read_inputs([str(tmp_path)]))
    assert [d.source for d in docs] == [str(tmp_path / "sub" / "a.txt")]
    assert sorted((Path(e.source).name, e.reason) for e in errs) == [
        ("gone.txt", "cannot read: No such file or directory"),
        ("loop", "directory loop: a link back to a directory being read"),
    ]


def test_directory_without_articles_says_so(tmp_path):
    (tmp_path / "data.csv").write_text("a,b")
    err = one_error(tmp_path)
    assert err.reason.startswith("no articles in directory (looked for .txt, .md,")


def test_self_referencing_link_named_explicitly(tmp_path):
    link = tmp_path / "self.txt"
    link.symlink_to(link)
    assert one_error(link).reason == "cannot read: Too many levels of symbolic links"


def test_directory_mixing_good_and_bad_files(tmp_path):
    good = {
        "good.txt": "---\ntitle: Good\n---\n" + GOOD,
        "good.md": "# Heading\n\n" + GOOD,
        "page.html": f"<html><body><p>{GOOD}</p></body></html>",
    }
    for name, text in good.items():
        (tmp_path / name).write_text(text)
    (tmp_path / "feed.jsonl").write_text(
        json.dumps({"text": "Feed one."}) + "\n{broken\n" + json.dumps({"text": "Feed two."}) + "\n"
    )
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "image.txt").write_bytes(b"\x00\x01\x02" * 100)
    with (tmp_path / "huge.md").open("wb") as f:
        f.truncate(6_000_000)
    (tmp_path / "script.html").write_text("<html><body><script>x()</script></body></html>")
    (tmp_path / "data.csv").write_text("skipped,silently")
    (tmp_path / "latin.txt").write_bytes("Rally in Bogotá.".encode("latin-1"))

    docs, errs = split(read_inputs([str(tmp_path)]))
    assert sorted(Path(d.source).name for d in docs) == [
        "feed.jsonl:1",
        "feed.jsonl:3",
        "good.md",
        "good.txt",
        "latin.txt",
        "page.html",
    ]
    assert {d.text for d in docs} >= {GOOD, "Feed one.", "Feed two.", "Rally in Bogotá."}
    reasons = {(Path(e.source).name, e.line): e.reason for e in errs}
    assert set(reasons) == {
        ("empty.txt", None),
        ("feed.jsonl", 2),
        ("huge.md", None),
        ("image.txt", None),
        ("script.html", None),
    }
    assert reasons[("empty.txt", None)] == "empty file"
    assert reasons[("image.txt", None)] == "binary file (not text)"
    assert reasons[("huge.md", None)].startswith("too large: 6000000 bytes")
    assert reasons[("script.html", None)] == "no article text found in HTML"
    assert reasons[("feed.jsonl", 2)].startswith("invalid JSON")


def test_one_bad_input_does_not_stop_the_batch(tmp_path, monkeypatch):
    a, b, c = (tmp_path / n for n in ("a.txt", "b.txt", "c.txt"))
    for p in (a, b, c):
        p.write_text(f"Text of {p.name}.")
    real = paths_module.read_text

    def flaky(text, source, meta):
        if source.endswith("b.txt"):
            raise RuntimeError("reader bug")
        return real(text, source, meta)

    monkeypatch.setattr(paths_module, "read_text", flaky)
    out = list(read_inputs([str(a), str(tmp_path / "missing.txt"), str(b), str(c)]))
    assert [type(x).__name__ for x in out] == ["Document", "IngestError", "IngestError", "Document"]
    assert out[2].reason == "could not read (RuntimeError: reader bug)"


def test_hostile_json_costs_one_line_each(tmp_path):
    path = tmp_path / "feed.jsonl"
    lone_surrogate = '{"text": "cut emoji \\ud83d here", "title": "t\\udc00"}'
    path.write_text("\n".join([lone_surrogate, "[" * 50_000, json.dumps({"text": "Still read."})]))
    docs, errs = split(read_inputs([str(path)]))
    assert [d.text for d in docs] == ["cut emoji \ufffd here", "Still read."]
    assert docs[0].title == "t\ufffd"
    assert [(e.line, e.reason) for e in errs] == [(2, "invalid JSON: nested too deeply")]


def test_yaml_alias_bomb_in_front_matter_is_bounded():
    levels = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for prev, name in zip("abcdefg", "bcdefgh"):
        levels.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 10) + "]")
    text = "---\n" + "\n".join(levels) + "\ntitle: Real title\n---\nBody."
    (doc,) = read_text_input(text)
    assert (doc.title, doc.text) == ("Real title", "Body.")
    assert len(json.dumps(doc.meta)) < 1_000_000


# --- property tests: no input makes a reader raise ------------------------------------------

PREFIXES = [b"", b"---\n", b"---\ntitle: [\n---\n", b"<html><body>", b"{", b"[", b'{"text": ',
            b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"<!-- ", b'[{"text": "a"}, ']  # fmt: skip
KINDS = [None, "text", "markdown", "html", "json", "jsonl"]
contents = st.one_of(
    st.binary(max_size=400),
    st.text(max_size=300).map(lambda s: s.encode("utf-8", "surrogatepass")),
    st.tuples(st.sampled_from(PREFIXES), st.binary(max_size=200)).map(lambda t: t[0] + t[1]),
    st.tuples(st.sampled_from(PREFIXES), st.text(max_size=200)).map(
        lambda t: t[0] + t[1].encode("utf-8", "surrogatepass")
    ),
)


def check(results) -> None:
    for item in results:
        assert isinstance(item, (Document, IngestError))
        if isinstance(item, Document):
            assert item.text and item.text == item.text.strip()
            assert item.source
            json.dumps(item.meta)  # meta always serialises
        else:
            assert item.reason and "\n" not in str(item)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=contents, kind=st.sampled_from(KINDS))
def test_arbitrary_bytes_never_raise(data, kind):
    check(read_text_input(data, source="fuzz", kind=kind))


@settings(max_examples=60, deadline=None)
@given(data=contents, ext=st.sampled_from([".txt", ".md", ".html", ".json", ".jsonl", ".dat"]))
def test_arbitrary_files_never_raise(data, ext):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"f{ext}"
        path.write_bytes(data)
        check(read_inputs([str(path), tmp]))
