"""Terminal, HTML and Markdown reports: they show what was found and stay safe on hostile text."""

from __future__ import annotations

import base64
import hashlib
import re
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console

from gossamer.model import Analysis, Claim, Document, Entity, Event, Place, Quantity, Rhetoric, Time
from gossamer.report import tables
from gossamer.report.html import render_html, safe_href
from gossamer.report.markdown import render_markdown
from gossamer.report.terminal import render_terminal

HOSTILE = (
    'Officials in Baghdad said <script>alert(1)</script> and <img src=x onerror="alert(2)"> '
    "were posted by the \u201cIslamic Resistance\u201d | see javascript:alert(3) \u2014 "
    "<a href=\"javascript:alert(4)\">here</a> &amp; [bold]not markup[/bold].\r\nSecond line\u00a0\U0001f525."
)
VOID = frozenset({"meta", "input", "br", "img", "link", "hr", "wbr", "source", "area", "col", "base", "embed"})


def span(text: str, needle: str, nth: int = 0) -> tuple[int, int]:
    i = -1
    for _ in range(nth + 1):
        i = text.index(needle, i + 1)
    return i, i + len(needle)


def hostile_analysis() -> Analysis:
    text = HOSTILE
    a = Analysis(
        document=Document(
            text=text,
            title="<script>alert('t')</script> Baghdad | report",
            url="javascript:alert(5)",
            outlet='Wire" onmouseover="alert(6)',
            author="<img src=x onerror=alert(7)>",
            published="2026-01-21",
            language="en",
            meta={"<b>key</b>": "<script>x</script>"},
        )
    )
    a.new(Entity, *span(text, "Baghdad"), name="Baghdad <Gov>", type="GOVERNMENT", kb_id="IRQ_GOV", country="IQ")
    a.new(Entity, *span(text, "Islamic Resistance"), name="Islamic Resistance in Iraq", type="ARMED_GROUP")
    # Nested inside the entity above and overlapping the quote mark after it.
    a.new(Place, *span(text, "Resistance\u201d"), name="Resistance | Place", lat=33.3, lon=44.4, country="IQ",
          precision="town", geonames_id=98182)  # fmt: skip
    # Overlaps the end of the script tag text and the start of the next word.
    a.new(Quantity, *span(text, "script> and"), text="script> and", value=1, bound="about")
    t = Time(id=a.next_id(Time), mentions=[list(span(text, "Second line"))], text="Second line",
             start="2026-01-21", end="2026-01-21", precision="day")  # fmt: skip
    a.times.append(t)
    a.new(Claim, *span(text, "said"), text="<script>q</script>", source_type="anonymous")
    a.new(Rhetoric, *span(text, "\u201cIslamic Resistance\u201d"), technique="Loaded_Language", why="scare quotes")
    a.new(Event, 0, len(text), category="PROTEST", trigger="<script>t</script>", why="<b>rule</b>")
    a.notes.append("<script>alert('note')</script>")
    a.notes.append("[bold]kept literally[/bold]")
    return a


class Page(HTMLParser):
    """Records every start tag, the text inside #text, and which marks cover each character."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.stack: list[tuple[str, dict[str, str | None]]] = []
        self.text_depth: int | None = None
        self.text: list[str] = []
        self.cover: list[frozenset[tuple[str, str]]] = []
        self.errors: list[str] = []
        self.in_style = False
        self.style = ""

    def handle_starttag(self, tag, attrs):
        d = dict(attrs)
        self.tags.append((tag, d))
        if tag in VOID:
            return
        self.stack.append((tag, d))
        if tag == "div" and d.get("id") == "text":
            self.text_depth = len(self.stack)
        if tag == "style":
            self.in_style = True

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1][0] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1][0] if self.stack else 'nothing'}")
            return
        if self.text_depth == len(self.stack):
            self.text_depth = None
        self.stack.pop()
        if tag == "style":
            self.in_style = False

    def handle_data(self, data):
        if self.in_style:
            self.style += data
        if self.text_depth is None:
            return
        marks = frozenset(
            (d["class"].removeprefix("k-"), d["data-ref"]) for tag, d in self.stack[self.text_depth :] if tag == "mark"
        )
        self.text.append(data)
        self.cover.extend([marks] * len(data))


def parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    page.close()
    assert not page.errors, page.errors
    assert not page.stack, "unclosed elements"
    return page


def expected_cover(a: Analysis) -> list[set[tuple[str, str]]]:
    n = len(a.document.text)
    cover: list[set[tuple[str, str]]] = [set() for _ in range(n)]
    for kind in ("entities", "places", "times", "quantities", "events", "claims", "rhetoric", "relations"):
        for item in getattr(a, kind):
            d = item if isinstance(item, dict) else vars(item)
            for m in d.get("mentions", []):
                if isinstance(m, list) and len(m) == 2 and all(isinstance(x, int) for x in m) and 0 <= m[0] < m[1] <= n:
                    for i in range(m[0], m[1]):
                        cover[i].add((kind, f"{kind}-{d['id']}"))
    return cover


# --- HTML ------------------------------------------------------------------------------------


def test_html_text_round_trips_exactly_and_marks_cover_the_mentions():
    a = hostile_analysis()
    page = parse(render_html(a))
    assert "".join(page.text) == a.document.text
    assert [set(c) for c in page.cover] == expected_cover(a)


def test_html_is_inert():
    html = render_html(hostile_analysis())
    page = parse(html)
    names = [tag for tag, _ in page.tags]
    assert "script" not in names and "img" not in names and "iframe" not in names and "link" not in names
    for tag, attrs in page.tags:
        assert not [k for k in attrs if k.startswith("on")], (tag, attrs)
        assert "src" not in attrs
        href = attrs.get("href")
        if href is not None:
            assert href.startswith("#"), href  # the javascript: url is not a link
    assert "<script" not in html.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_html_has_a_strict_csp_that_allows_only_its_own_style():
    html = render_html(hostile_analysis())
    page = parse(html)
    csp = next(d["content"] for t, d in page.tags if t == "meta" and d.get("http-equiv") == "Content-Security-Policy")
    assert "default-src 'none'" in csp and "script-src 'none'" in csp
    digest = base64.b64encode(hashlib.sha256(page.style.encode()).digest()).decode()
    assert f"'sha256-{digest}'" in csp
    # No external load anywhere: no url() in the CSS, no http(s) link but the article's own.
    assert "url(" not in page.style and "@import" not in page.style
    assert not re.search(r"(src|href)=\"(https?:)?//", html)


def test_html_links_only_web_urls():
    a = hostile_analysis()
    a.document.url = "https://example.org/news?a=1&b=2"
    html = render_html(a)
    page = parse(html)
    links = [d for t, d in page.tags if t == "a" and not d["href"].startswith("#")]
    assert [d["href"] for d in links] == ["https://example.org/news?a=1&b=2"]
    assert "noreferrer" in links[0]["rel"] and 'href="https://example.org/news?a=1&amp;b=2"' in html
    assert safe_href("https://example.org/x") == "https://example.org/x"
    for bad in ("javascript:alert(1)", " javascript:alert(1)", "data:text/html,x", "//evil.example/x",
                "JAVASCRIPT:x", "http:/nohost", "vbscript:x", "https://a.example/\"onmouseover=x"):  # fmt: skip
        assert safe_href(bad) is None, bad


def test_html_legend_and_tables():
    a = hostile_analysis()
    page = parse(render_html(a))
    boxes = {d["id"] for t, d in page.tags if t == "input" and d.get("type") == "checkbox"}
    assert boxes == {f"show-{k}" for k in ("entities", "places", "times", "quantities", "events", "claims", "rhetoric")}
    sections = {d.get("id") for t, d in page.tags if t == "section"}
    assert {"kind-entities", "kind-places", "kind-times", "kind-quantities", "kind-events"} <= sections
    rows = {d["id"] for t, d in page.tags if t == "tr" and "id" in d}
    assert {"entities-e1", "places-p1", "times-t1", "quantities-q1", "claims-c1"} <= rows
    # Every in-page link lands on an element that exists.
    ids = {d["id"] for _, d in page.tags if "id" in d}
    for _, d in page.tags:
        if d.get("href", "").startswith("#"):
            assert d["href"][1:] in ids


def test_html_tooltips_describe_the_reading():
    page = parse(render_html(hostile_analysis()))
    titles = [d.get("title", "") for t, d in page.tags if t == "mark"]
    assert any("33.3000, 44.4000" in t and "GeoNames 98182" in t for t in titles)
    assert any("IRQ_GOV" in t and "GOVERNMENT" in t for t in titles)


def test_html_of_an_empty_document():
    a = Analysis(document=Document(text="", status="empty"), notes=["document is empty: nothing to analyse"])
    page = parse(render_html(a))
    assert "".join(page.text) == ""
    assert not [t for t, _ in page.tags if t in ("table", "input")]


alphabet = st.sampled_from(list("ab <>&\"'\r\n\t|\u00e9\u2019\U0001f600"))
kinds = st.sampled_from(["entities", "places", "times", "quantities", "claims"])


@settings(max_examples=120, deadline=None)
@given(st.text(alphabet, max_size=40), st.data())
def test_html_round_trip_property(text, data):
    a = Analysis(document=Document(text=text))
    n = len(text)
    for i in range(data.draw(st.integers(0, 6)) if n else 0):
        start = data.draw(st.integers(0, n - 1))
        end = data.draw(st.integers(start + 1, n))
        kind = data.draw(kinds)
        if kind == "entities":
            a.new(Entity, start, end, name=text[start:end])
        elif kind == "places":
            a.new(Place, start, end, name=text[start:end])
        elif kind == "quantities":
            a.new(Quantity, start, end, text=text[start:end])
        elif kind == "times":
            a.times.append(Time(id=f"t{i}", mentions=[[start, end]], text=text[start:end]))
        else:
            a.claims.append(Claim(id=f"c{i}", mentions=[[start, end]]))
    page = parse(render_html(a))
    assert "".join(page.text) == text
    assert [set(c) for c in page.cover] == expected_cover(a)


# --- Terminal --------------------------------------------------------------------------------


def test_terminal_shows_names_and_keeps_markup_literal():
    a = hostile_analysis()
    console = Console(record=True, width=120, color_system=None)
    render_terminal(a, console)
    out = console.export_text()
    for needle in ("Baghdad <Gov>", "Islamic Resistance in Iraq", "GOVERNMENT", "IRQ_GOV", "33.3000, 44.4000",
                   "98182", "2026-01-21", "Actors (2)", "Claims (1)", "<script>alert('note')</script>"):  # fmt: skip
        assert needle in out, needle
    assert "[bold]kept literally[/bold]" in out  # Rich markup in the data is shown, not applied
    assert max(len(line) for line in out.splitlines()) <= 120


def test_terminal_narrow_and_empty():
    narrow = Console(record=True, width=70, color_system=None)
    render_terminal(hostile_analysis(), narrow)
    assert "Baghdad" in narrow.export_text()
    empty = Console(record=True, width=120, color_system=None)
    render_terminal(Analysis(document=Document(text="", status="empty"), notes=["nothing"]), empty)
    out = empty.export_text()
    assert "empty" in out and "nothing" in out and "Actors (" not in out


# --- Markdown --------------------------------------------------------------------------------

_UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")


def test_markdown_has_a_table_per_non_empty_kind():
    a = hostile_analysis()
    md = render_markdown(a)
    headings = re.findall(r"^## (\w+) \((\d+)\)$", md, flags=re.M)
    assert headings == [("Actors", "2"), ("Places", "1"), ("Times", "1"), ("Quantities", "1"),
                        ("Events", "1"), ("Claims", "1"), ("Rhetoric", "1")]  # fmt: skip
    for table in tables(a):
        header = "| " + " | ".join(table.columns) + " |"
        assert header in md
        width = len(table.columns)
        lines = md.split(header, 1)[1].strip().splitlines()[1 : 1 + len(table.rows)]
        for line in lines:  # escaped pipes never split a cell
            assert len(_UNESCAPED_PIPE.findall(line)) == width + 1, line
    assert "Resistance \\| Place" in md
    assert "<script>" not in md and "\\<script\\>" in md


def test_markdown_leaves_out_empty_kinds():
    a = Analysis(document=Document(text="Quiet day.", language="en"))
    a.new(Entity, 0, 5, name="Quiet", type="PERSON")
    md = render_markdown(a)
    assert "## Actors (1)" in md
    assert "## Places" not in md and "## Events" not in md and "| Id | Name" in md


# --- The empty-analysis path through the real pipeline ---------------------------------------


@pytest.fixture(scope="module")
def bare_pipeline(nlp):
    from gossamer.pipeline import Pipeline

    return Pipeline(stages=[], nlp=nlp)


def test_reports_of_a_stageless_pipeline(bare_pipeline):
    a = bare_pipeline.analyze("Iraqi officials said on Monday that the convoy had crossed the border.", title="T")
    page = parse(render_html(a))
    assert "".join(page.text) == a.document.text
    md = render_markdown(a)
    assert md.startswith("# T\n") and "| Id" not in md
    console = Console(record=True, width=120, color_system=None)
    render_terminal(a, console)
    assert "actors 0" in console.export_text()


def test_demonym_references_come_after_the_places_the_text_names():
    text = "Iraqi officials met in Basra. Iraqi and Iraqi again; Basra once more."
    a = Analysis(document=Document(text=text))
    a.new(Place, 0, 5, name="Iraq", role="demonym", lat=33.0, lon=44.0)
    dem = a.places[0]
    for s in (text.index("Iraqi and"), text.index("Iraqi again")):
        dem.add_mention(s, s + 5)
    a.new(Place, text.index("Basra"), text.index("Basra") + 5, name="Basra", lat=30.5, lon=47.8)
    (places,) = [t for t in tables(a) if t.kind == "places"]
    names = [row[1] for row in places.rows]
    assert names == ["Basra", "Iraq (demonym)"]  # the demonym has more mentions yet comes second
