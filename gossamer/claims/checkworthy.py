"""Check-worthiness: how much a clause is worth sending to a fact-checker, and why.

A fact-checker's time goes to factual statements whose truth matters: "Militias moved 5,000
fighters across the border on Monday" rather than "What a terrible day" or "Thank you all for
coming". The score is a logistic function of named features read off the shared parse (and,
when given, the items earlier stages found), so every score can be explained by printing its
features: ``["number", "named_actor", "past_action", "-first_person_opinion"]``. Features and
weights live in ``gossamer/data/lexicons/checkworthy.yaml`` with the rationale for each.

Without an `Analysis` the features fall back to spaCy's own entities (PERSON, ORG, GPE, DATE,
CARDINAL, ...), which is what the ClaimBuster evaluation uses; with one, gossamer's entities,
places, times, quantities and events inside the span count as well.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml
from spacy.tokens import Doc, Span, Token

from ..model import Analysis, literal_places
from ..nlp import Parsed
from ..phrases import PhraseIndex
from .hedging import first_keys, scan_phrases

CACHE_KEY = "checkworthy_phrases"  # in Parsed.cache, or Doc.user_data when no Parsed is given
USER_DATA_KEY = "gossamer.checkworthy_phrases"

_NUMBER_ENTS = frozenset({"CARDINAL", "MONEY", "PERCENT", "QUANTITY"})
_STAT_ENTS = frozenset({"MONEY", "PERCENT"})
_ACTOR_ENTS = frozenset({"PERSON", "ORG", "NORP"})
_PLACE_ENTS = frozenset({"GPE", "LOC", "FAC"})
_TIME_ENTS = frozenset({"DATE", "TIME"})
_STAT_WORDS = frozenset(
    {"%", "percent", "percentage", "per", "$", "€", "£", "dollars", "rate", "billion", "trillion", "million"}
)
_FUTURE_AUX = frozenset({"will", "'ll", "shall", "wo", "gonna"})
_PRESCRIPTIVE = frozenset({"should", "must", "ought"})
_NOT_NUMBERS = frozenset({"one", "once"})  # "one of the", "once again": rarely a count
_SUBJECTS = frozenset({"nsubj", "nsubjpass", "expl"})


@dataclass(frozen=True)
class CheckLexicon:
    bias: float
    weights: dict[str, float]  # feature -> weight, in the file's order
    min_words: int
    evaluation_share: float
    topics: dict[str, str]  # lemma or word -> topic feature name
    comparison: frozenset[str]
    attribution_verbs: frozenset[str]
    opinion_verbs: frozenset[str]
    first_person: frozenset[str]
    vague_times: frozenset[str]
    not_actions: frozenset[str]
    phrases: PhraseIndex[str]  # causal / attributed / first_person_opinion / procedural phrases
    phrase_starts: frozenset[str]


def _low(values: Any) -> frozenset[str]:
    return frozenset(str(v).lower() for v in values or ())


@functools.cache
def load_lexicon() -> CheckLexicon:
    """Read checkworthy.yaml once per process."""
    text = resources.files("gossamer.data").joinpath("lexicons/checkworthy.yaml").read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    if not data.get("source") or not data["lexicons"].get("source"):
        raise ValueError("checkworthy.yaml: a source note is missing")
    weights = {}
    for name, spec in data["features"].items():
        if not spec.get("rationale"):
            raise ValueError(f"checkworthy.yaml: feature {name} has no rationale")
        weights[str(name)] = float(spec["weight"])
    lex = data["lexicons"]
    topics: dict[str, str] = {}
    for topic, words in lex["topics"].items():
        feature = f"topic_{topic}"
        if feature not in weights:
            raise ValueError(f"checkworthy.yaml: topic {topic} has no feature {feature}")
        for w in words:
            topics.setdefault(str(w).lower(), feature)
    phrases: PhraseIndex[str] = PhraseIndex(max_tokens=6)
    listed: list[str] = []
    for feature, key in (
        ("causal", "causal"),
        ("attributed", "attribution_phrases"),
        ("first_person_opinion", "opinion_phrases"),
        ("procedural", "procedural_phrases"),
    ):
        for phrase in lex[key]:
            phrases.add(str(phrase), feature)
            listed.append(str(phrase))
    return CheckLexicon(
        bias=float(data["bias"]),
        weights=weights,
        min_words=int(data["min_words"]),
        evaluation_share=float(data["evaluation_share"]),
        topics=topics,
        comparison=_low(lex["comparison"]),
        attribution_verbs=_low(lex["attribution_verbs"]),
        opinion_verbs=_low(lex["opinion_verbs"]),
        first_person=_low(lex["first_person"]),
        vague_times=_low(lex["vague_times"]),
        not_actions=_low(lex["not_actions"]),
        phrases=phrases,
        phrase_starts=first_keys(listed),
    )


# --------------------------------------------------------------------------- public API


def checkworthiness(
    span: Span | Doc, analysis: Analysis | None = None, parsed: Parsed | None = None
) -> tuple[float, list[str]]:
    """(score in 0..1, features) for one clause or sentence.

    Features with a negative weight carry a leading "-". Pass `parsed` when the span comes
    from a pipeline parse so that the phrase scan is shared through ``parsed.cache``.
    """
    lex = load_lexicon()
    present = check_features(span, analysis, parsed)
    z = lex.bias + sum(lex.weights[f] for f in present)
    score = round(1.0 / (1.0 + math.exp(-z)), 4)
    return score, [f if lex.weights[f] >= 0 else f"-{f}" for f in present]


def check_features(
    span: Span | Doc, analysis: Analysis | None = None, parsed: Parsed | None = None
) -> list[str]:
    """Names of the features present in `span`, in the order checkworthy.yaml lists them."""
    lex = load_lexicon()
    doc = span if isinstance(span, Doc) else span.doc
    sp = doc[:] if isinstance(span, Doc) else span
    found: set[str] = set()

    words = [t for t in sp if not (t.is_punct or t.is_space)]
    if len(words) < lex.min_words:
        found.add("short")
    if _is_question(sp):
        found.add("question")

    phrases, ents = _doc_views(doc, parsed)
    for start, end, feature in phrases:
        if sp.start <= start and end <= sp.end:
            found.add(feature)
    for start, end, label, low in ents:
        if start < sp.start or end > sp.end:
            continue
        if label in _NUMBER_ENTS and low not in _NOT_NUMBERS:
            found.add("number")
            if label in _STAT_ENTS:
                found.add("statistic")
        elif label in _ACTOR_ENTS:
            found.add("named_actor")
        elif label in _PLACE_ENTS:
            found.add("place")
        elif label in _TIME_ENTS and low not in lex.vague_times:
            found.add("time")
    if analysis is not None:
        found.update(_item_features(analysis, sp.start_char, sp.end_char, lex))

    for tok in words:
        _token_features(tok, lex, found)

    if "evaluation" not in found and not found & {"number", "named_actor", "place", "time"}:
        content = [t for t in words if t.pos_ in ("NOUN", "VERB", "ADJ", "ADV", "PROPN")]
        evaluative = [t for t in content if t.pos_ in ("ADJ", "ADV")]
        if (
            content
            and len(evaluative) / len(content) >= lex.evaluation_share
            and not found & {"past_action", "comparison"}
        ):
            found.add("evaluation")
    if "future_promise" in found:
        found.discard("prediction")
    return [f for f in lex.weights if f in found]


# --------------------------------------------------------------------------- features


def _is_question(sp: Span) -> bool:
    for tok in reversed(sp):
        if tok.is_space or tok.text in ('"', "'", ")"):
            continue
        return tok.text == "?" or tok.text.endswith("?")
    return False


DocViews = tuple[list[tuple[int, int, str]], list[tuple[int, int, str, str]]]


def _doc_views(doc: Doc, parsed: Parsed | None) -> DocViews:
    """Lexicon phrase matches (token start, end, feature) and entities (start, end, label, lower text).

    Computed once per document and cached: the claims stage asks for every clause, and
    ``doc.ents`` builds new Span objects on each access.
    """
    own = parsed is not None and parsed.doc is doc
    cache: dict[Any, Any] = parsed.cache if own else doc.user_data  # type: ignore[union-attr]
    slot = CACHE_KEY if own else USER_DATA_KEY
    found = cache.get(slot)
    if found is None:
        scan_on = parsed if own else Parsed(doc=doc, folded=doc.text)
        lex = load_lexicon()
        phrases = [
            (m.tok_start, m.tok_end, v)
            for m in scan_phrases(lex.phrases, lex.phrase_starts, scan_on)
            for v in m.values
        ]
        ents = [(e.start, e.end, e.label_, e.text.lower()) for e in doc.ents]
        found = (phrases, ents)
        cache[slot] = found
    return found


def _token_features(tok: Token, lex: CheckLexicon, found: set[str]) -> None:
    low, lemma, tag = tok.lower_, tok.lemma_.lower(), tok.tag_
    if tok.like_num and low not in _NOT_NUMBERS and tok.ent_type_ not in ("DATE", "TIME", "ORDINAL"):
        found.add("number")
    stat = low in _STAT_WORDS or tok.ent_type_ in _STAT_ENTS
    if stat and (low not in ("per", "rate", "million", "billion", "trillion") or _near_number(tok)):
        found.add("statistic")
    topic = lex.topics.get(lemma) or lex.topics.get(low)
    if topic:
        found.add(topic)
    than = tag in ("JJR", "RBR") and tok.i + 1 < len(tok.doc) and tok.doc[tok.i + 1].lower_ == "than"
    if than or tag in ("JJS", "RBS") or lemma in lex.comparison or low in lex.comparison:
        found.add("comparison")
    if tok.pos_ == "VERB":
        _verb_features(tok, lemma, tag, lex, found)
    elif tag == "MD" or low in _FUTURE_AUX:
        _modal_features(tok, low, lex, found)


def _subject(verb: Token) -> Token | None:
    for c in verb.children:
        if c.dep_ in _SUBJECTS:
            return c
    if verb.dep_ in ("xcomp", "conj") and verb.head is not verb:
        return _subject(verb.head)
    return None


def _verb_features(tok: Token, lemma: str, tag: str, lex: CheckLexicon, found: set[str]) -> None:
    subj = _subject(tok)
    first_person = subj is not None and subj.lower_ in lex.first_person
    if lemma in lex.attribution_verbs and not first_person:
        found.add("attributed")
    if lemma in lex.opinion_verbs and first_person and tag in ("VBP", "VB", "VBZ"):
        found.add("first_person_opinion")
    if lemma in lex.not_actions:
        return
    if tag == "VBD" or (
        tag == "VBN"
        and any(c.lower_ in ("has", "have", "had", "'ve") and c.dep_ == "aux" for c in tok.children)
    ):
        found.add("past_action")
    elif tag in ("VB",) and _going_to(tok):
        found.add("future_promise" if first_person else "prediction")


def _going_to(tok: Token) -> bool:
    """ "(we are) going to build": the infinitive after "going to"."""
    doc, i = tok.doc, tok.i
    return i >= 2 and doc[i - 1].lower_ == "to" and doc[i - 2].lower_ in ("going", "gon")


def _modal_features(tok: Token, low: str, lex: CheckLexicon, found: set[str]) -> None:
    head = tok.head if tok.dep_ in ("aux", "auxpass") else tok
    subj = _subject(head)
    first = subj is not None and subj.lower_ in lex.first_person
    if low in _FUTURE_AUX:
        found.add("future_promise" if first else "prediction")
    elif low in _PRESCRIPTIVE:
        found.add("prescriptive")


def _near_number(tok: Token) -> bool:
    doc = tok.doc
    return any(doc[j].like_num for j in range(max(0, tok.i - 2), min(len(doc), tok.i + 3)) if j != tok.i)


def _item_features(analysis: Analysis, start: int, end: int, lex: CheckLexicon) -> set[str]:
    """Features from items the pipeline found inside [start, end)."""

    def inside(item: Any) -> bool:
        return any(start <= m[0] and m[1] <= end for m in item.mentions)

    out: set[str] = set()
    if any(inside(e) for e in analysis.entities):
        out.add("named_actor")
    if any(inside(p) for p in literal_places(analysis.places)):
        out.add("place")
    for t in analysis.times:
        if inside(t) and t.text.lower() not in lex.vague_times:
            out.add("time")
    for q in analysis.quantities:
        if inside(q):
            out.add("number")
            if q.unit in ("percent", "%", "dollar", "usd", "euro", "pound") or "%" in q.text or "$" in q.text:
                out.add("statistic")
    if any(inside(v) and v.status == "asserted" for v in analysis.events):
        out.add("event")
    return out
