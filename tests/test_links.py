"""Cross-document linking (gossamer.corpus.links): syndication, actors, events, claims, web.

Every analysis here is built by hand (no spaCy): a text, then items pointing into it.
"""

from __future__ import annotations

import copy
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gossamer.corpus.actors import ActorResolver
from gossamer.corpus.claims import stem
from gossamer.corpus.links import CorpusLinks, link_corpus, load_config
from gossamer.corpus.synthetic_corpus import synthetic_analyses
from gossamer.model import Analysis, Claim, Document, Entity, Event, Place, Quantity, Relation, Time

MARKER = "[Illustrative sample written for the gossamer demo; not a real article.]"

WIRE = """{marker}

{headline}

{byline}

RIVERTON (Harbour Wire) - Hundreds of dock workers walked off the job at the port of Riverton on Monday, halting the loading of grain ships for the second time this month, union leaders and port officials said.
The strike began at the morning shift change, when crane operators refused to start work until the port authority agreed to reopen talks on overtime pay and safety rules for night crews.
"We have waited six weeks for an answer and nobody has come to the table," said a union steward who has worked at the grain terminal for eleven years.
A spokesperson for the port authority said the company regretted the stoppage and had offered to meet union representatives later in the week to discuss the schedule.
Three grain vessels waiting in the outer harbour were told to expect delays of at least two days, according to a shipping agent who asked not to be named.
{extra}The last stoppage, in early spring, lasted four days and ended with a promise of a new safety review that workers say never happened.
Local traders warned that a long dispute would push up the price of bread in the coastal towns that depend on the port for flour.
"""

OTHER = """{marker}

Farmers in the northern valley report an early harvest

ELMFIELD - Orchard owners across the northern valley began picking apples two weeks earlier than usual after an unusually warm summer, growers said on Tuesday.
Cooperative managers expect a larger crop than last year but smaller fruit, and several packing houses have hired extra seasonal staff to cope with the rush.
A regional agronomist said the warm nights had sped up ripening and warned that late frosts could still damage the pear trees that flower in autumn.
Prices at the valley market fell slightly as the first crates arrived, with traders pointing to strong supplies from neighbouring provinces.
"""


def wire(headline: str, byline: str, extra: bool = True) -> str:
    extra_line = "Port officials said the queue of trucks outside the gates stretched for more than a kilometre by noon.\n"
    return WIRE.format(marker=MARKER, headline=headline, byline=byline, extra=extra_line if extra else "")


# ------------------------------------------------------------------ building analyses by hand


class Doc:
    """A hand-built analysis: items are created from substrings of the text."""

    def __init__(self, text: str, published: str = "2026-03-12", outlet: str | None = None) -> None:
        self.a = Analysis(document=Document(text=text, published=published, outlet=outlet, language="en"))

    @property
    def id(self) -> str:
        return self.a.document.id

    def span(self, sub: str, nth: int = 0) -> tuple[int, int]:
        text = self.a.document.text
        start = -1
        for _ in range(nth + 1):
            start = text.index(sub, start + 1)
        return start, start + len(sub)

    def entity(
        self, name: str, type: str = "ARMED_GROUP", kb_id: str | None = None, country: str | None = None
    ) -> Entity:
        s, e = self.span(name)
        return self.a.new(Entity, s, e, name=name, type=type, kb_id=kb_id, country=country)

    def place(
        self, name: str, lat: float | None, lon: float | None, country: str = "IQ", admin1: str | None = None
    ) -> Place:
        s, e = self.span(name)
        return self.a.new(
            Place,
            s,
            e,
            name=name,
            lat=lat,
            lon=lon,
            country=country,
            admin1=admin1,
            precision="town" if lat is not None else "admin1",
        )

    def time(self, sub: str, start: str, end: str | None = None) -> Time:
        s, e = self.span(sub)
        return self.a.new(Time, s, e, text=sub, start=start, end=end or start, precision="day")

    def qty(self, sub: str, value: float, unit: str, **kw) -> Quantity:
        s, e = self.span(sub)
        return self.a.new(Quantity, s, e, text=sub, value=value, unit=unit, **kw)

    def event(self, trigger: str, category: str, **kw) -> Event:
        s, e = self.span(trigger)
        return self.a.new(Event, s, e, category=category, trigger=trigger, **kw)

    def claim(self, sub: str, grade: str = "B", **kw) -> Claim:
        s, e = self.span(sub)
        return self.a.new(
            Claim, s, e, text=sub, grade={"reliability": grade, "credibility": 6, "reasons": []}, **kw
        )

    def relation(self, sub: str, type: str, source: Entity, target: Entity, **kw) -> Relation:
        s, e = self.span(sub)
        return self.a.new(Relation, s, e, type=type, source=source.id, target=target.id, **kw)


def bare(text: str, published: str = "2026-03-12") -> Analysis:
    return Analysis(document=Document(text=text, published=published))


# ------------------------------------------------------------------ syndication


def test_syndicated_copy_joins_its_origin_and_unrelated_texts_do_not():
    original = bare(wire("Dock workers strike at Riverton port", "By Lena Marsh, Harbour Wire"))
    copy = bare(
        wire(
            "Port of Riverton halted as dockers walk out",
            "Coastal Courier | Syndicated from Harbour Wire",
            extra=False,
        )
    )
    other = bare(OTHER.format(marker=MARKER), published="2026-03-13")
    links = link_corpus([original, copy, other])
    assert links.origins[copy.document.id] == original.document.id
    assert links.origins[original.document.id] == original.document.id
    assert links.origins[other.document.id] == other.document.id


def test_origin_is_the_first_ingested_copy():
    first = bare(wire("Headline one", "Byline one"))
    second = bare(wire("Headline two", "Byline two"))
    links = link_corpus([second, first])
    assert set(links.origins.values()) == {second.document.id}


def test_shared_boilerplate_lines_do_not_make_short_texts_duplicates():
    # many short, unrelated notes under the same marker and footer lines
    notes = [
        f"{MARKER}\nNote {i}: {' '.join(random.Random(i).sample(WIRE.split(), 12))}\nAll rights reserved by the publisher."
        for i in range(6)
    ]
    links = link_corpus([bare(t) for t in notes])
    assert len(set(links.origins.values())) == 6


def test_syndication_threshold_is_configured_with_a_source():
    cfg = load_config()
    assert 0 < cfg["syndication"]["threshold"] < 1
    assert "MinHash" in cfg["syndication"]["source"]
    assert "STANAG 2511" in cfg["credibility"]["source"]


# ------------------------------------------------------------------ actors


def _resolve(*docs: Doc):
    r = ActorResolver(load_config()["actors"])
    for d in docs:
        for e in d.a.entities:
            r.add(d.id, e)
    return r.resolve()


def test_actor_keys_kb_and_name_forms():
    d1 = Doc("Kata'ib Hezbollah and Iran and Harakat al-Nujaba.")
    d2 = Doc("Kataib Hezbollah, Tehran and HARAKAT AL-NUJABA again.")
    k1 = d1.entity("Kata'ib Hezbollah")
    i1 = d1.entity("Iran", "STATE", kb_id="IRN", country="IR")
    n1 = d1.entity("Harakat al-Nujaba")
    k2 = d2.entity("Kataib Hezbollah")
    i2 = d2.entity("Tehran", "STATE", kb_id="IRN", country="IR")
    n2 = d2.entity("HARAKAT AL-NUJABA")
    actors, mentions = _resolve(d1, d2)
    assert mentions[(d1.id, k1.id)] == mentions[(d2.id, k2.id)] == "name:kataibhezbollah"
    assert mentions[(d1.id, i1.id)] == mentions[(d2.id, i2.id)] == "kb:IRN"
    assert mentions[(d1.id, n1.id)] == mentions[(d2.id, n2.id)]
    assert actors["kb:IRN"]["kb_id"] == "IRN" and actors["kb:IRN"]["country"] == "IR"
    assert set(actors) == set(mentions.values())
    assert list(actors) == sorted(actors)


def test_acronym_and_surname_merge_only_when_unambiguous():
    d1 = Doc("The Popular Mobilization Forces said Salim Jabbar al-Obeidi met Ahmed Khalaf al-Rawi.")
    d2 = Doc("PMF fighters were seen, Obeidi said, and Rawi agreed; Karim al-Saadi spoke.")
    d3 = Doc("Hassan al-Saadi and Karim al-Saadi were both there.")
    pmf_long = d1.entity("Popular Mobilization Forces")
    obeidi = d1.entity("Salim Jabbar al-Obeidi", "PERSON")
    d1.entity("Ahmed Khalaf al-Rawi", "PERSON")
    pmf = d2.entity("PMF")
    obeidi_short = d2.entity("Obeidi", "PERSON")
    saadi_full = d2.entity("Karim al-Saadi", "PERSON")
    d3.entity("Hassan al-Saadi", "PERSON")
    actors, m = _resolve(d1, d2, d3)
    assert m[(d2.id, pmf.id)] == m[(d1.id, pmf_long.id)] == "name:popularmobilizationforces"
    assert m[(d2.id, obeidi_short.id)] == m[(d1.id, obeidi.id)]
    assert actors[m[(d1.id, obeidi.id)]]["name"] == "Salim Jabbar al-Obeidi"
    # two full names end in al-Saadi: a bare "Saadi" would be ambiguous, the full names stay apart
    assert m[(d2.id, saadi_full.id)] == "name:karimalsaadi"
    assert "name:hassanalsaadi" in actors


def test_acronym_does_not_merge_across_person_and_organisation():
    d1 = Doc("Ali Bakr Ramadi spoke.")
    d2 = Doc("ABR issued a statement.")
    d1.entity("Ali Bakr Ramadi", "PERSON")
    abr = d2.entity("ABR", "ORGANIZATION")
    _, m = _resolve(d1, d2)
    assert m[(d2.id, abr.id)] == "name:abr"


def test_name_only_actor_joins_the_kb_actor_of_that_name():
    d1 = Doc("Badr Organization denied it.")
    d2 = Doc("The Badr Organization said so.")
    b1 = d1.entity("Badr Organization", kb_id="BADR")
    b2 = d2.entity("Badr Organization", "ORGANIZATION")
    actors, m = _resolve(d1, d2)
    assert m[(d2.id, b2.id)] == m[(d1.id, b1.id)] == "kb:BADR"
    assert "name:badrorganization" not in actors


# ------------------------------------------------------------------ events


def _convoy(
    text: str,
    figure: str,
    value: float,
    outlet: str,
    published: str,
    place="al-Qaim",
    lat=34.38,
    lon=41.05,
    actor: str | None = None,
    **qkw,
) -> Doc:
    d = Doc(text, published=published, outlet=outlet)
    p = d.place(place, lat, lon, admin1="Anbar")
    t = d.time("Thursday", "2026-03-12")
    q = d.qty(figure, value, "fighter", **qkw)
    actors = [d.entity(actor).id] if actor else []
    ev = d.event("crossed", "MOBILIZE", place=p.id, places=[p.id], time=t.id, size=q.id, actors=actors)
    d.claim(text.rstrip("."), events=[ev.id], quantities=[q.id], places=[p.id], times=[t.id])
    return d


def three_reports() -> list[Doc]:
    return [
        _convoy(
            "A convoy of 1,200 fighters crossed into Syria at al-Qaim on Thursday.",
            "1,200 fighters",
            1200,
            "Levant Wire",
            "2026-03-12",
        ),
        _convoy(
            "Roughly 1,200 fighters crossed the border at al-Qaim on Thursday, officials said.",
            "Roughly 1,200 fighters",
            1200,
            "Tigris Daily",
            "2026-03-13",
            approximate=True,
            bound="about",
        ),
        _convoy(
            "Residents said 300 fighters crossed near Albu Kamal on Thursday.",
            "300 fighters",
            300,
            "Desert Line",
            "2026-03-13",
            place="Albu Kamal",
            lat=34.45,
            lon=40.92,
        ),
    ]


def test_same_event_in_three_articles_is_one_cluster_whose_figures_disagree():
    docs = three_reports()
    links = link_corpus([d.a for d in docs])
    clusters = {links.event_clusters[(d.id, "v1")] for d in docs}
    assert len(clusters) == 1
    summary = links.event_summaries[clusters.pop()]
    assert summary["n_reports"] == 3 and summary["n_origins"] == 3
    assert summary["category"] == "MOBILIZE"
    size = summary["figures"]["size"]
    assert size["min"] == 300 and size["max"] == 1200 and size["disagree"] is True
    assert summary["figures_disagree"] is True
    assert {v["doc_id"] for v in size["values"]} == {d.id for d in docs}
    assert summary["first_date"] == summary["last_date"] == "2026-03-12"
    assert summary["statuses"] == ["asserted"]


def test_agreeing_figures_do_not_disagree():
    docs = three_reports()[:2]
    links = link_corpus([d.a for d in docs])
    (summary,) = links.event_summaries.values()
    assert summary["figures"]["size"]["disagree"] is False


def test_far_apart_or_other_week_events_stay_apart():
    base = three_reports()[0]
    far = _convoy(
        "A convoy of 1,200 fighters crossed into Syria at Rutba on Thursday.",
        "1,200 fighters",
        1200,
        "Other",
        "2026-03-12",
        place="Rutba",
        lat=33.04,
        lon=40.28,
    )
    later = Doc("A convoy of 1,200 fighters crossed at al-Qaim on 30 March.", published="2026-03-30")
    p = later.place("al-Qaim", 34.38, 41.05)
    t = later.time("30 March", "2026-03-30")
    later.event("crossed", "MOBILIZE", place=p.id, places=[p.id], time=t.id)
    links = link_corpus([base.a, far.a, later.a])
    assert len(set(links.event_clusters.values())) == 3


def test_actor_overlap_is_required_between_named_actors():
    a = _convoy(
        "Kataib Hezbollah fighters crossed at al-Qaim on Thursday with 1,200 fighters.",
        "1,200 fighters",
        1200,
        "X",
        "2026-03-12",
        actor="Kataib Hezbollah",
    )
    b = _convoy(
        "Badr Organization men crossed at al-Qaim on Thursday with 1,200 fighters.",
        "1,200 fighters",
        1200,
        "Y",
        "2026-03-12",
        actor="Badr Organization",
    )
    c = _convoy(
        "Kataib Hezbollah units crossed near al-Qaim on Thursday, 1,100 fighters in all.",
        "1,100 fighters",
        1100,
        "Z",
        "2026-03-13",
        actor="Kataib Hezbollah",
    )
    links = link_corpus([a.a, b.a, c.a])
    assert links.event_clusters[(a.id, "v1")] == links.event_clusters[(c.id, "v1")]
    assert links.event_clusters[(a.id, "v1")] != links.event_clusters[(b.id, "v1")]


def test_syndicated_copy_adds_a_report_but_not_an_origin():
    text = (
        wire("Convoy crosses at al-Qaim", "Harbour Wire")
        + "A convoy of 1,200 fighters crossed at al-Qaim on Thursday."
    )
    copy_text = (
        wire("Fighters cross at al-Qaim", "Coastal Courier", extra=False)
        + "A convoy of 1,200 fighters crossed at al-Qaim on Thursday."
    )
    docs = [
        _convoy(text, "1,200 fighters", 1200, "HW", "2026-03-12"),
        _convoy(copy_text, "1,200 fighters", 1200, "CC", "2026-03-12"),
        *three_reports()[1:],
    ]
    links = link_corpus([d.a for d in docs])
    (summary,) = links.event_summaries.values()
    assert summary["n_reports"] == 4 and summary["n_origins"] == 3


# ------------------------------------------------------------------ claims


def _claim_doc(
    text: str,
    outlet: str,
    published: str = "2026-03-12",
    actor: str = "Kataib Hezbollah",
    qty: tuple | None = None,
    cue: str | None = None,
    content: str | None = None,
    grade: str = "B",
    source: str | None = None,
) -> Doc:
    d = Doc(text, published=published, outlet=outlet)
    ent = d.entity(actor, kb_id="KH" if actor == "Kataib Hezbollah" else None)
    pids = [d.place("al-Qaim", 34.38, 41.05).id] if "al-Qaim" in text else []
    qs = [d.qty(qty[0], qty[1], qty[2], **(qty[3] if len(qty) > 3 else {})).id] if qty else []
    kw: dict = {}
    if cue:
        s, e = d.span(cue)
        kw["cue"] = {"text": cue, "mention": [s, e]}
    if source:
        src = d.entity(source, "PERSON")
        kw["source"] = {"text": source, "entity": src.id, "role": "source"}
    d.claim(content or text.rstrip("."), grade=grade, entities=[ent.id], places=pids, quantities=qs, **kw)
    return d


def _grade(links: CorpusLinks, d: Doc, claim: str = "c1") -> dict:
    return links.claim_grades[(d.id, claim)]


def test_corroboration_by_two_independent_origins_confirms():
    docs = [
        _claim_doc(
            "Kataib Hezbollah moved 1,200 fighters across the border at al-Qaim.",
            "A",
            qty=("1,200 fighters", 1200, "fighter"),
        ),
        _claim_doc(
            "Kataib Hezbollah moved about 1,200 fighters across the border near al-Qaim.",
            "B",
            qty=("about 1,200 fighters", 1200, "fighter", {"approximate": True, "bound": "about"}),
        ),
        _claim_doc(
            "Kataib Hezbollah moved roughly 1,150 fighters across the border at al-Qaim.",
            "C",
            qty=("roughly 1,150 fighters", 1150, "fighter", {"approximate": True, "bound": "about"}),
        ),
    ]
    links = link_corpus([d.a for d in docs])
    assert [l["relation"] for l in links.claim_links] == ["corroborates"] * 3
    g = _grade(links, docs[0])
    assert g["credibility"] == 1 and g["reliability"] == "B"
    assert g["reasons"][-1] == "corpus: confirmed by 2 other independent origins: 1"


def test_numbers_that_disagree_contradict_with_both_figures_in_the_reason():
    a = _claim_doc(
        "Kataib Hezbollah sent 5,000 fighters across the border at al-Qaim.",
        "A",
        qty=("5,000 fighters", 5000, "fighter"),
    )
    b = _claim_doc(
        "Kataib Hezbollah sent 500 fighters across the border at al-Qaim.",
        "B",
        qty=("500 fighters", 500, "fighter"),
    )
    links = link_corpus([a.a, b.a])
    (link,) = links.claim_links
    assert link["relation"] == "contradicts"
    assert "5,000 fighters" in link["why"] and "500 fighters" in link["why"]
    g = _grade(links, a)
    assert g["credibility"] == 4
    assert g["reasons"][-1].startswith("corpus: contradicted by 1 other independent origin (")
    assert g["reasons"][-1].endswith(": 4")


def test_approximate_figures_within_tolerance_do_not_contradict():
    a = _claim_doc(
        "Kataib Hezbollah sent about 1,200 fighters across the border at al-Qaim.",
        "A",
        qty=("about 1,200 fighters", 1200, "fighter", {"approximate": True, "bound": "about"}),
    )
    b = _claim_doc(
        "Kataib Hezbollah sent 1,100 fighters across the border at al-Qaim.",
        "B",
        qty=("1,100 fighters", 1100, "fighter"),
    )
    c = _claim_doc(
        "Kataib Hezbollah sent more than 900 fighters across the border at al-Qaim.",
        "C",
        qty=("more than 900 fighters", 900, "fighter", {"bound": "at_least", "low": 900}),
    )
    links = link_corpus([a.a, b.a, c.a])
    assert {l["relation"] for l in links.claim_links} == {"corroborates"}


def test_denial_and_negation_contradict():
    a = _claim_doc("Kataib Hezbollah fighters crossed the border at al-Qaim.", "A")
    denial_text = "The government denied that Kataib Hezbollah fighters crossed the border at al-Qaim."
    b = _claim_doc(
        denial_text, "B", cue="denied", content="Kataib Hezbollah fighters crossed the border at al-Qaim"
    )
    c = _claim_doc("Kataib Hezbollah fighters did not cross the border at al-Qaim.", "C")
    links = link_corpus([a.a, b.a, c.a])
    rel = {(l["doc_a"], l["doc_b"]): l for l in links.claim_links}
    pair = lambda x, y: rel[tuple(sorted((x.id, y.id)))]
    assert pair(a, b)["relation"] == "contradicts" and "denied" in pair(a, b)["why"]
    assert pair(a, c)["relation"] == "contradicts" and "not" in pair(a, c)["why"]
    assert pair(b, c)["relation"] == "corroborates"  # a denial and a negation say the same
    g = _grade(links, a)
    assert g["credibility"] == 5 and "contradicted by 2 other independent origins" in g["reasons"][-1]


def test_copies_are_not_counted():
    body = (
        wire("Convoy at al-Qaim", "Harbour Wire") + "Kataib Hezbollah fighters crossed the border at al-Qaim."
    )
    copy = (
        wire("Fighters at al-Qaim", "Coastal Courier", extra=False)
        + "Kataib Hezbollah fighters crossed the border at al-Qaim."
    )
    content = "Kataib Hezbollah fighters crossed the border at al-Qaim"
    a = _claim_doc(body, "HW", content=content)
    b = _claim_doc(copy, "CC", content=content)
    links = link_corpus([a.a, b.a])
    assert links.origins[b.id] == a.id
    assert links.claim_links == []
    g = _grade(links, a)
    assert g["credibility"] == 3 and "copies of its own origin" in g["reasons"][-1]
    # an independent report then corroborates once, however many copies there are
    c = _claim_doc("Kataib Hezbollah fighters crossed the border at al-Qaim overnight.", "TD")
    links = link_corpus([a.a, b.a, c.a])
    g = _grade(links, c)
    assert (
        g["credibility"] == 2 and g["reasons"][-1] == "corpus: corroborated by 1 other independent origin: 2"
    )


def test_two_outlets_quoting_one_source_are_one_origin():
    a = _claim_doc(
        "Kataib Hezbollah fighters crossed the border at al-Qaim, Salim Obeidi said.",
        "A",
        content="Kataib Hezbollah fighters crossed the border at al-Qaim",
        source="Salim Obeidi",
    )
    b = _claim_doc(
        "Salim Obeidi said Kataib Hezbollah fighters crossed the border at al-Qaim.",
        "B",
        content="Kataib Hezbollah fighters crossed the border at al-Qaim",
        source="Salim Obeidi",
    )
    links = link_corpus([a.a, b.a])
    assert links.claim_links == []
    assert _grade(links, a)["credibility"] == 3


def test_elaboration_and_unlinked_and_evaluative_grades():
    a = _claim_doc("Kataib Hezbollah fighters crossed the border.", "A")
    b = _claim_doc(
        "Kataib Hezbollah fighters crossed the border at al-Qaim before dawn in forty trucks loaded with "
        "covered crates and escorted by armoured cars.",
        "B",
    )
    lone = _claim_doc(
        "Kataib Hezbollah opened a clinic for displaced families at al-Qaim.", "C", published="2026-03-12"
    )
    ev = Doc("Kataib Hezbollah is a dangerous force.")
    e = ev.entity("Kataib Hezbollah", kb_id="KH")
    ev.claim("Kataib Hezbollah is a dangerous force", kind="evaluative", entities=[e.id])
    links = link_corpus([a.a, b.a, lone.a, ev.a])
    (link,) = links.claim_links
    assert link["relation"] == "elaborates" and link["doc_a"] == b.id and link["doc_b"] == a.id
    assert _grade(links, a)["credibility"] == 2  # wholly contained in an independent report
    assert _grade(links, b)["credibility"] == 3  # only part of it is confirmed
    assert _grade(links, lone)["credibility"] == 6
    assert "not corroborated or contradicted" in _grade(links, lone)["reasons"][-1]
    assert _grade(links, ev)["credibility"] == 6 and "evaluative" in _grade(links, ev)["reasons"][-1]


def test_claims_about_different_times_or_actors_do_not_link():
    a = _claim_doc("Kataib Hezbollah fighters crossed the border at al-Qaim.", "A", published="2026-03-12")
    b = _claim_doc(
        "Kataib Hezbollah fighters crossed the border at al-Qaim, in May.", "B", published="2026-05-20"
    )
    c = _claim_doc(
        "Badr Organization fighters crossed the border at al-Qaim.", "C", actor="Badr Organization"
    )
    links = link_corpus([a.a, b.a, c.a])
    assert links.claim_links == []


def test_stemmer_folds_inflections():
    assert stem("crossed") == stem("crosses") == stem("crossing") == stem("cross") == "cross"
    assert stem("fighters") == "fighter" and stem("denied") == "deny" and stem("stopped") == "stop"


# ------------------------------------------------------------------ the web over time


def test_web_aggregates_relations_across_documents_by_origin():
    texts = [
        ("Kataib Hezbollah attacked Badr Organization on Monday.", "2026-03-09", "A"),
        ("Kataib Hezbollah attacked Badr Organization again, witnesses said.", "2026-03-11", "B"),
        ("Badr Organization and Kataib Hezbollah are allied, a source said.", "2026-03-12", "C"),
        ("Kataib Hezbollah and Badr Organization are allied, another source said.", "2026-03-14", "D"),
    ]
    docs = []
    for text, pub, outlet in texts:
        d = Doc(text, published=pub, outlet=outlet)
        kh = d.entity("Kataib Hezbollah", kb_id="KH")
        badr = d.entity("Badr Organization", kb_id="BADR")
        if "attacked" in text:
            d.relation("attacked", "attacks", kh, badr, origin="event")
        elif text.startswith("Badr"):
            d.relation("allied", "allied_with", badr, kh)
        else:
            d.relation("allied", "allied_with", kh, badr)
        d.relation("allied" if "allied" in text else "attacked", "member_of", kh, badr, origin="kb")
        docs.append(d)
    t = docs[0].time("Monday", "2026-03-09")
    docs[0].a.relations[0].time = t.id
    links = link_corpus([d.a for d in docs])
    edges = {(e["source_key"], e["target_key"], e["type"]): e for e in links.web_edges}
    assert set(edges) == {
        ("kb:KH", "kb:BADR", "attacks"),
        ("kb:BADR", "kb:KH", "allied_with"),
    }  # no kb-origin edge
    attacks = edges[("kb:KH", "kb:BADR", "attacks")]
    assert attacks["weight"] == 2 and attacks["count"] == 2
    assert attacks["first_seen"] == "2026-03-09" and attacks["last_seen"] == "2026-03-11"
    assert [ev["doc_id"] for ev in attacks["evidence"]] == [docs[0].id, docs[1].id]
    assert all(len(ev["snippet"]) <= 200 for e in edges.values() for ev in e["evidence"])
    assert edges[("kb:BADR", "kb:KH", "allied_with")]["weight"] == 2  # both directions folded


# ------------------------------------------------------------------ determinism and integrity


def _corpus() -> list[Analysis]:
    docs = three_reports()
    extra = [
        _claim_doc(
            "Kataib Hezbollah sent 5,000 fighters across the border at al-Qaim.",
            "A",
            qty=("5,000 fighters", 5000, "fighter"),
        ),
        _claim_doc(
            "Kataib Hezbollah sent 500 fighters across the border at al-Qaim.",
            "B",
            qty=("500 fighters", 500, "fighter"),
        ),
    ]
    return [d.a for d in docs + extra] + list(synthetic_analyses(300, seed=3))


def _partition(mapping: dict) -> set[frozenset]:
    groups: dict = {}
    for k, v in mapping.items():
        groups.setdefault(v, set()).add(k)
    return {frozenset(g) for g in groups.values()}


def test_two_runs_give_identical_results():
    assert link_corpus(_corpus()) == link_corpus(_corpus())


def test_input_order_changes_only_which_copy_names_the_origin():
    docs = _corpus()
    first = link_corpus(docs)
    shuffled = docs[:]
    random.Random(5).shuffle(shuffled)
    second = link_corpus(shuffled)
    assert _partition(first.origins) == _partition(second.origins)
    for name in (
        "actors",
        "actor_mentions",
        "event_clusters",
        "event_summaries",
        "claim_links",
        "claim_grades",
        "web_edges",
    ):
        assert getattr(first, name) == getattr(second, name), name


def _check_integrity(analyses: list[Analysis], links: CorpusLinks) -> None:
    claims = {(a.document.id, c.id) for a in analyses for c in a.claims}
    events = {(a.document.id, e.id) for a in analyses for e in a.events}
    order = {a.document.id: i for i, a in enumerate(analyses)}
    for link in links.claim_links:
        assert (link["doc_a"], link["claim_a"]) in claims and (link["doc_b"], link["claim_b"]) in claims
        assert link["doc_a"] != link["doc_b"]
        assert link["relation"] in ("corroborates", "contradicts", "elaborates")
        assert 0 <= link["score"] <= 1 and link["why"]
    assert set(links.claim_grades) == claims
    for g in links.claim_grades.values():
        assert g["credibility"] in range(1, 7) and g["reasons"][-1].endswith(f": {g['credibility']}")
    assert set(links.event_clusters) == events
    for cid, summary in links.event_summaries.items():
        assert cid.startswith("ev_") and summary["n_origins"] <= summary["n_reports"]
    assert set(links.event_clusters.values()) == set(links.event_summaries)
    for doc_id, origin in links.origins.items():
        assert order[origin] <= order[doc_id] and links.origins[origin] == origin
    assert set(links.actor_mentions.values()) <= set(links.actors)
    for e in links.web_edges:
        assert (
            e["source_key"] in links.actors and e["target_key"] in links.actors and e["weight"] <= e["count"]
        )


@settings(max_examples=12, deadline=None)
@given(st.integers(min_value=20, max_value=400), st.integers(min_value=0, max_value=10_000))
def test_every_link_refers_to_existing_claims(n_claims: int, seed: int):
    analyses = list(synthetic_analyses(n_claims, seed))
    assert sum(len(a.claims) for a in analyses) == n_claims
    _check_integrity(analyses, link_corpus(analyses))


def test_hand_built_corpus_integrity():
    analyses = _corpus()
    _check_integrity(analyses, link_corpus(analyses))


@pytest.mark.parametrize("seed", [0, 1])
def test_synthetic_offsets_point_at_their_items(seed: int):
    for a in synthetic_analyses(200, seed):
        text = a.document.text
        for item in (*a.entities, *a.places):
            assert all(text[s:e] == item.name for s, e in item.mentions)
        for c in a.claims:
            ((s, e),) = c.mentions
            assert text[s:e] == c.text
        for q in a.quantities:
            assert text[q.mentions[0][0] : q.mentions[0][1]] == q.text


def _with(section: str, **values) -> dict:
    cfg = copy.deepcopy(load_config())
    cfg[section].update(values)
    return cfg


def test_sorted_neighbourhood_in_large_event_blocks_keeps_the_clusters():
    analyses = list(synthetic_analyses(400, seed=11))
    default = link_corpus(analyses)
    windowed = link_corpus(analyses, _with("events", max_block=1, window=10_000))
    assert _partition(windowed.event_clusters) == _partition(default.event_clusters)


def test_splitting_large_claim_blocks_only_removes_candidates():
    analyses = list(synthetic_analyses(400, seed=11))
    default = link_corpus(analyses)
    split = link_corpus(analyses, _with("claims", max_block=4))
    key = lambda l: (l["doc_a"], l["claim_a"], l["doc_b"], l["claim_b"], l["relation"])
    assert {key(l) for l in split.claim_links} <= {key(l) for l in default.claim_links}
    assert len(split.claim_links) < len(default.claim_links)


def test_relinking_replaces_corpus_reasons_instead_of_piling_them_up():
    a = _claim_doc(
        "Kataib Hezbollah sent 5,000 fighters across the border at al-Qaim.",
        "A",
        qty=("5,000 fighters", 5000, "fighter"),
    )
    b = _claim_doc(
        "Kataib Hezbollah sent 500 fighters across the border at al-Qaim.",
        "B",
        qty=("500 fighters", 500, "fighter"),
    )
    a.a.claims[0].grade["reasons"] = ["anonymous source: C"]
    first = link_corpus([a.a, b.a])
    for d in (a, b):
        d.a.claims[0].grade = first.claim_grades[(d.id, "c1")]
    second = link_corpus([a.a, b.a])
    assert second.claim_grades == first.claim_grades
    assert second.claim_grades[(a.id, "c1")]["reasons"] == [
        "anonymous source: C",
        "corpus: contradicted by 1 other independent origin (5,000 fighters vs 500 fighters): 4",
    ]


def test_denied_and_asserted_reports_of_one_event_share_a_cluster_and_contradict():
    a = _convoy(
        "A convoy of 1,200 fighters crossed into Syria at al-Qaim on Thursday.",
        "1,200 fighters",
        1200,
        "Levant Wire",
        "2026-03-12",
    )
    d = Doc("The government denied that any convoy crossed at al-Qaim on Thursday.", published="2026-03-13")
    p = d.place("al-Qaim", 34.38, 41.05)
    t = d.time("Thursday", "2026-03-12")
    ev = d.event("crossed", "MOBILIZE", place=p.id, places=[p.id], time=t.id, status="denied")
    s, e = d.span("denied")
    d.claim(
        "any convoy crossed at al-Qaim on Thursday",
        events=[ev.id],
        places=[p.id],
        times=[t.id],
        cue={"text": "denied", "mention": [s, e]},
    )
    links = link_corpus([a.a, d.a])
    (summary,) = links.event_summaries.values()
    assert summary["statuses"] == ["asserted", "denied"] and summary["n_origins"] == 2
    (link,) = links.claim_links
    assert link["relation"] == "contradicts" and "same event" in link["why"]


# ------------------------------------------------------------------ same act, figures, denials


def _crossing(text: str, outlet: str, places: list[tuple], qty: tuple | None = None, claim: str | None = None) -> Doc:
    """A crossing report: its places, a dated MOBILIZE event, and one claim holding it."""
    d = Doc(text, published="2026-03-13", outlet=outlet)
    pids = [d.place(name, lat, lon, country=cc).id for name, lat, lon, cc in places]
    t = d.time("Thursday", "2026-03-12")
    v = d.event("crossed", "MOBILIZE", place=pids[0], places=pids, time=t.id)
    qs = [d.qty(qty[0], qty[1], qty[2], approximate=True, bound="about").id] if qty else []
    d.claim(claim or text.rstrip("."), places=pids, times=[t.id], quantities=qs, events=[v.id])
    return d


def test_same_act_of_one_event_corroborates_across_wordings_and_country_pairs_merge():
    a = _crossing(
        "A convoy carrying about 1,200 armed fighters crossed from Iraq into Syria through the al-Qaim "
        "border crossing before dawn on Thursday.",
        "Wire",
        [("Iraq", None, None, "IQ"), ("Syria", None, None, "SY"), ("al-Qaim", 34.38, 41.05, "IQ")],
        qty=("about 1,200 armed fighters", 1200, "fighter"),
    )
    b = _crossing(
        "The armed convoy that crossed from Iraq into Syria early on Thursday was organised over weeks.",
        "Daily",
        [("Iraq", None, None, "IQ"), ("Syria", None, None, "SY")],
    )
    links = link_corpus([a.a, b.a])
    assert links.event_clusters[(a.id, "v1")] == links.event_clusters[(b.id, "v1")]
    (link,) = links.claim_links
    assert link["relation"] == "corroborates"
    assert link["why"].startswith("same event, same act (cross")


def test_one_country_is_not_enough_to_merge_undated_places():
    a = _crossing("Fighters crossed into Syria on Thursday.", "Wire", [("Syria", None, None, "SY")])
    b = _crossing("Fighters crossed into Syria on Thursday at dawn.", "Daily", [("Syria", None, None, "SY")])
    links = link_corpus([a.a, b.a])
    assert links.event_clusters[(a.id, "v1")] != links.event_clusters[(b.id, "v1")]


def test_figures_for_the_same_counted_noun_contradict_at_lower_overlap():
    text = "A convoy carrying about 1,200 armed fighters crossed into Syria through the border post before dawn."
    a = Doc(text, outlet="Wire")
    s = a.entity("Syria", type="STATE", kb_id="SYR")
    q = a.qty("about 1,200 armed fighters", 1200, "fighter", approximate=True, bound="about")
    a.claim(text.rstrip("."), entities=[s.id], quantities=[q.id])
    b = Doc(
        "Residents said the armed convoy seen heading towards Syria was far smaller, with about 300 "
        "fighters travelling in some pickup trucks.",
        outlet="Local",
    )
    s2 = b.entity("Syria", type="STATE", kb_id="SYR")
    q2 = b.qty("about 300 fighters", 300, "fighter", approximate=True, bound="about")
    b.claim(
        "the armed convoy seen heading towards Syria was far smaller, with about 300 fighters travelling "
        "in some pickup trucks",
        entities=[s2.id],
        quantities=[q2.id],
    )
    links = link_corpus([a.a, b.a])
    (link,) = links.claim_links
    assert link["relation"] == "contradicts"
    assert "about 1,200 armed fighters" in link["why"] and "about 300 fighters" in link["why"]


def test_denial_words_do_not_cancel_each_other():
    a = _claim_doc("Kataib Hezbollah fighters crossed the border at al-Qaim.", "A")
    text = "The government denied reports that Kataib Hezbollah fighters crossed the border at al-Qaim, calling them fabricated."
    b = _claim_doc(
        text,
        "B",
        cue="denied",
        content="reports that Kataib Hezbollah fighters crossed the border at al-Qaim, calling them fabricated",
    )
    (link,) = link_corpus([a.a, b.a]).claim_links
    assert link["relation"] == "contradicts"


def test_several_sources_in_one_outlet_are_one_contradicting_origin():
    a = _claim_doc("Kataib Hezbollah fighters crossed the border at al-Qaim.", "A")
    b = Doc(
        "The ministry denied that Kataib Hezbollah fighters crossed the border at al-Qaim. "
        "A spokesman denied that Kataib Hezbollah fighters crossed the border near al-Qaim.",
        outlet="B",
    )
    ent = b.entity("Kataib Hezbollah", kb_id="KH")
    pid = b.place("al-Qaim", 34.38, 41.05).id
    for n, (sub, src) in enumerate(
        [
            ("Kataib Hezbollah fighters crossed the border at al-Qaim", "The ministry"),
            ("Kataib Hezbollah fighters crossed the border near al-Qaim", "A spokesman"),
        ]
    ):
        s, e = b.span("denied", nth=n)
        source = b.entity(src, "ORGANIZATION" if n == 0 else "PERSON")
        b.claim(
            sub,
            entities=[ent.id],
            places=[pid],
            cue={"text": "denied", "mention": [s, e]},
            source={"text": src, "entity": source.id, "role": "source"},
        )
    links = link_corpus([a.a, b.a])
    assert [l["relation"] for l in links.claim_links if l["doc_a"] != l["doc_b"]].count("contradicts") == 2
    assert "contradicted by 1 other independent origin" in _grade(links, a)["reasons"][-1]
