"""Genre from register features: news, opinion, analysis, official statement, else unknown.

Every feature is counted outside direct quotations (a quoted source's outrage does not make a
wire report an opinion piece), turned into a rate, saturated, and weighted per genre; the
weights, scales and word lists are in ``data/lexicons/genre.yaml``. The winning genre's note
lists the features that carried it, with their raw rates, so the decision can be checked.
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_right
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml

from ..model import Analysis
from ..nlp import load_model
from .detect import D
from .tokens import TokenView, h

# "AL-QAIM, Iraq (LWS) - ", "BAGHDAD, March 3 (Reuters) —", "LONDON — "
_DATELINE = re.compile(
    r"^[ \t]*[A-Z][A-Z.'\- ]{2,40}(?:,[ \t]*[A-Z][\w.' ]{1,30}){0,2}[ \t]*(?:\([^()\n]{1,40}\))?[ \t]*[-\u2013\u2014:]+[ \t]",
    re.MULTILINE,
)
_EVALUATIVE = frozenset({"Loaded_Language", "Name_Calling,Labeling", "Exaggeration,Minimisation", "Doubt"})
_QMARK = h("?")
_VB = h("VB")
_PERSONISH = frozenset(h(x) for x in ("PERSON", "ORG", "NORP", "GPE"))
_PROPN = h("PROPN")
_ACCORDING = h("according")
_HINT_KEYS = ("section", "category", "kind", "type", "genre", "tags")


@dataclass(frozen=True)
class GenreModel:
    features: dict[str, dict[str, Any]]
    weights: dict[str, dict[str, float]]
    min_score: float
    min_margin: float
    words: dict[int, tuple[str, ...]]  # word -> the features it counts for
    phrases: dict[tuple[int, int], list[tuple[str, tuple[int, ...]]]]  # first two words -> (feature, phrase)
    hint_words: dict[str, frozenset[str]]  # title/meta hint lists, as plain lower-case strings


@functools.cache
def load_genre_model() -> GenreModel:
    data = yaml.safe_load(resources.files("gossamer.data").joinpath("lexicons/genre.yaml").read_text("utf-8"))
    tokenizer = load_model().tokenizer
    words: dict[int, tuple[str, ...]] = {}
    phrases: dict[tuple[int, int], list[tuple[str, tuple[int, ...]]]] = {}
    hints: dict[str, frozenset[str]] = {}
    for name, entry in data["lexicon"].items():
        if not entry.get("source"):
            raise ValueError(f"genre.yaml lexicon {name}: no source note")
        if name.startswith("title_"):
            hints[name] = frozenset(str(entry.get("words", "")).split())
            continue
        for w in str(entry.get("words", "")).split():
            words[h(w)] = words.get(h(w), ()) + (name,)
        for p in entry.get("phrases") or []:
            toks = tuple(h(t.lower_) for t in tokenizer(str(p)) if not t.is_space)
            if len(toks) == 1:
                words[toks[0]] = words.get(toks[0], ()) + (name,)
            else:
                phrases.setdefault((toks[0], toks[1]), []).append((name, toks))
    return GenreModel(
        features=data["features"],
        weights=data["weights"],
        min_score=float(data["min_score"]),
        min_margin=float(data["min_margin"]),
        words=words,
        phrases=phrases,
        hint_words=hints,
    )


def genre_features(analysis: Analysis, view: TokenView, model: GenreModel | None = None) -> dict[str, float]:
    """Raw counts of every feature (before rates), outside quotations."""
    model = model or load_genre_model()
    n = view.n
    quoted, lower, lemma = view.quoted, view.lower, view.lemma
    counts = {name: 0.0 for name in model.features}
    tokens = 0
    for i in range(n):
        if quoted[i] or view.space[i] or view.punct[i]:
            continue
        tokens += 1
        names = model.words.get(lower[i]) or model.words.get(lemma[i])
        if names:
            for name in names:
                counts[name] += 1
                if name == "reporting" and _named_subject(view, i):
                    counts["named_sources"] += 1
        cands = None
        if i + 1 < n:
            cands = model.phrases.get((lower[i], lower[i + 1])) or model.phrases.get((lemma[i], lemma[i + 1]))
        if cands:
            done = set()
            for name, p in cands:
                if name not in done and _at(view, i, p):
                    counts[name] += 1
                    done.add(name)
    # the author's own questions and imperatives
    for s, e in view.sents:
        last = e - 1
        while last > s and (view.space[last] or lower[last] == h('"')):
            last -= 1
        if lower[last] == _QMARK and not quoted[last]:
            counts["rhetorical_questions"] += 1
        first = s
        while first < e and (view.space[first] or view.punct[first]):
            first += 1
        if first < e and not quoted[first] and view.tag[first] == _VB and view.dep[first] == D["ROOT"]:
            counts["directives"] += 1
    counts["quotes"] = float(sum(1 for qs, qe in view.quotes if qe - qs >= 5))
    counts["evaluative"] = float(
        sum(
            1
            for r in analysis.rhetoric
            if r.technique in _EVALUATIVE and not _quoted_char(view, r.mentions[0][0])
        )
    )
    counts["dateline"] = 1.0 if _DATELINE.search(analysis.document.text[:600]) else 0.0
    for name, value in _hints(analysis, model).items():
        counts[name] = value
    counts["_tokens"] = float(tokens)
    counts["_sentences"] = float(len(view.sents))
    return counts


def classify_genre(analysis: Analysis, view: TokenView) -> tuple[str, str]:
    """(genre, note) for the document."""
    model = load_genre_model()
    counts = genre_features(analysis, view, model)
    values = _values(counts, model)
    scores = {g: sum(w * values.get(f, 0.0) for f, w in ws.items()) for g, ws in model.weights.items()}
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    best, best_score = ranked[0]
    runner_score = ranked[1][1] if len(ranked) > 1 else 0.0
    if best_score < model.min_score or best_score - runner_score < model.min_margin:
        genre = "unknown"
    else:
        genre = best
    shown = best if genre == "unknown" else genre
    drivers = sorted(
        ((f, w * values.get(f, 0.0)) for f, w in model.weights[shown].items() if values.get(f, 0.0) > 0),
        key=lambda kv: -abs(kv[1]),
    )
    parts = [_describe(f, counts) for f, _ in drivers[:4]]
    if shown != "news" and counts.get("named_sources", 0) == 0:
        parts.append("no named sources")
    scores_txt = ", ".join(f"{g} {s:.2f}" for g, s in ranked)
    lead = f"genre: {genre}" if genre != "unknown" else f"genre: unknown (closest {best})"
    return genre, f"{lead} ({'; '.join(parts) or 'no distinctive features'}; scores {scores_txt})"


def _values(counts: dict[str, float], model: GenreModel) -> dict[str, float]:
    tokens = max(counts.get("_tokens", 0.0), 1.0)
    sentences = max(counts.get("_sentences", 0.0), 1.0)
    out = {}
    for name, spec in model.features.items():
        per = spec.get("per", "doc")
        rate = counts.get(name, 0.0) / (
            tokens if per == "tokens" else sentences if per == "sentences" else 1.0
        )
        out[name] = min(1.0, rate / float(spec.get("scale", 1.0)))
    return out


def _describe(feature: str, counts: dict[str, float]) -> str:
    tokens = max(counts.get("_tokens", 0.0), 1.0)
    sentences = max(counts.get("_sentences", 0.0), 1.0)
    c = counts.get(feature, 0.0)
    if feature == "evaluative":
        return f"evaluative density {c / tokens:.3f}"
    if feature.startswith("title_"):
        return f"title/URL hint ({feature[6:]})"
    if feature == "dateline":
        return "dateline"
    if feature in ("first_person_singular", "first_person_plural"):
        return f"{feature.replace('_', ' ')} {int(c)}"
    if feature in ("rhetorical_questions", "directives", "statement_formulas", "quotes", "named_sources"):
        return f"{int(c)} {feature.replace('_', ' ')}"
    return f"{feature.replace('_', ' ')} {c / sentences:.2f}/sentence"


def _at(view: TokenView, i: int, phrase: tuple[int, ...]) -> bool:
    if i + len(phrase) > view.n:
        return False
    return all(view.lower[i + k] == w or view.lemma[i + k] == w for k, w in enumerate(phrase))


def _named_subject(view: TokenView, verb: int) -> bool:
    """A reporting verb whose subject (or the noun after "according to") is a name."""
    for c in view.children[verb]:
        if view.dep[c] == D["nsubj"] and (view.ent[c] in _PERSONISH or view.pos[c] == _PROPN):
            return True
    if view.lower[verb] == _ACCORDING:
        for j in range(verb + 1, min(view.n, verb + 5)):
            if view.ent[j] in _PERSONISH:
                return True
    return False


def _quoted_char(view: TokenView, char: int) -> bool:
    i = bisect_right(view.start, char) - 1
    return 0 <= i < view.n and view.quoted[i]


def _hints(analysis: Analysis, model: GenreModel) -> dict[str, float]:
    """Title prefixes ("Opinion: ..."), URL path words and section metadata."""
    doc = analysis.document
    prefix_words: set[str] = set()
    title = doc.title or ""
    for sep in (":", "|", " - ", " \u2013 ", " \u2014 "):
        if sep in title:
            prefix_words |= set(re.findall(r"[\w\-]+", title.split(sep, 1)[0].lower()))
            break
    if doc.url:
        # section folders ("/opinion/", "/news-analysis/"), not the slug (whose words are the headline's)
        path = re.sub(r"^[a-z]+://[^/]+", "", doc.url.lower()).split("?")[0]
        for segment in [x for x in path.split("/") if x][:-1]:
            prefix_words.add(segment)
            prefix_words |= set(segment.split("-"))
    for key_ in _HINT_KEYS:
        value = doc.meta.get(key_) if isinstance(doc.meta, dict) else None
        if isinstance(value, str):
            prefix_words |= set(re.findall(r"[\w\-]+", value.lower()))
        elif isinstance(value, list):
            for v in value:
                if isinstance(v, str):
                    prefix_words |= set(re.findall(r"[\w\-]+", v.lower()))
    title_words = set(re.findall(r"[\w\-]+", title.lower()))
    out = {}
    for name, ws in model.hint_words.items():
        pool = title_words if name == "title_news" else prefix_words
        out[name] = 1.0 if pool & ws else 0.0
    return out
