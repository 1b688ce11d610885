"""The document's stance toward each actor, from the language aimed at it.

Evidence for an entity (each piece weighs +1 or -1; half inside a quotation, where the words
are a source's that the document reports):

* a rhetoric span whose target is the entity, with its lexicon group's polarity
  ("*thugs*", "*so-called* government");
* an evaluative adjective on a mention ("the *corrupt* government") or predicated of it
  ("the government is *corrupt*");
* a predicate with the entity as subject ("the regime *crushed*", "X is *collapsing*"), or as
  object / passive subject ("they *condemned* X", "X was *praised*");

a negator on the predicate flips its sign. score = sum / (sum of |weights| + smoothing), so one
piece of evidence gives +-0.5 and agreement pushes toward +-1; the thresholds and smoothing are
in ``data/lexicons/stance.yaml``. The same lists serve every actor, whatever its side, so the
same sentence about two actors gives the same stance (tests/test_rhetoric.py checks the mirror).
"""

from __future__ import annotations

import functools
from bisect import bisect_left
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml

from ..model import Analysis, Rhetoric, Stance
from .detect import ADJ, AUX, VERB, D, root_of
from .lexicon import Lexicon
from .tokens import TokenView, h

_POLAR_TECHNIQUES = {"Name_Calling,Labeling": -1, "Doubt": -1}
_COPULAS = frozenset(
    h(w) for w in ("be", "remain", "become", "seem", "appear", "stay", "look", "prove", "sound")
)


@dataclass(frozen=True)
class StanceLexicon:
    adjectives: dict[int, int]
    subject: dict[int, int]
    object: dict[int, int]
    negators: frozenset[int]
    score: dict[str, float]


@functools.cache
def load_stance_lexicon() -> StanceLexicon:
    data = yaml.safe_load(
        resources.files("gossamer.data").joinpath("lexicons/stance.yaml").read_text("utf-8")
    )

    def polar(section: dict[str, Any]) -> dict[int, int]:
        if not section.get("source"):
            raise ValueError("stance.yaml: a section has no source note")
        out: dict[int, int] = {}
        for w in str(section.get("negative", "")).split():
            out[h(w)] = -1
        for w in str(section.get("positive", "")).split():
            out[h(w)] = 1
        return out

    return StanceLexicon(
        adjectives=polar(data["adjectives"]),
        subject=polar(data["subject_predicates"]),
        object=polar(data["object_predicates"]),
        negators=frozenset(h(w) for w in str(data["negators"]["words"]).split()),
        score={k: float(v) for k, v in data["score"].items()},
    )


@dataclass
class Evidence:
    start: int  # tokens
    end: int
    weight: float
    kind: str
    text: str


def read_stances(
    analysis: Analysis,
    view: TokenView,
    ent_of: list[str | None],
    lexicon: Lexicon,
    aimed: list[tuple[Rhetoric, int]] | None = None,
) -> None:
    """Add one `Stance` per entity with enough evidence. `aimed`: rhetoric items and polarity."""
    if view.n == 0 or not analysis.entities:
        return
    lex = load_stance_lexicon()
    quoted_w = lex.score.get("quoted_weight", 0.5)
    evidence: dict[str, list[Evidence]] = {}
    taken: set[tuple[str, int]] = set()  # (entity, token) already counted through a rhetoric span

    def add(eid: str, s: int, e: int, weight: float, kind: str) -> None:
        if (eid, s) in taken:
            return
        taken.add((eid, s))
        if view.quoted[s]:
            weight *= quoted_w
        evidence.setdefault(eid, []).append(Evidence(s, e, weight, kind, view.text(s, e)))

    spans_seen: set[tuple[str, int, int]] = set()
    for item, pol in aimed if aimed is not None else _aimed(analysis):
        if not item.target or not pol:
            continue
        s_char, e_char = item.mentions[0]
        s = bisect_left(view.start, s_char)
        e = s
        while e < view.n and view.start[e] < e_char:
            e += 1
        if s >= e or (item.target, s, e) in spans_seen:
            continue
        spans_seen.add((item.target, s, e))
        taken.update((item.target, t) for t in range(s, e))
        w = float(pol) * (quoted_w if view.quoted[s] else 1.0) * _sign(view, root_of(view, s, e), lex)
        evidence.setdefault(item.target, []).append(
            Evidence(s, e, w, item.technique.split(",")[0], view.text(s, e))
        )

    polar_adj = dict(lexicon.polarity)
    polar_adj.update(lex.adjectives)
    head, dep, pos, lemma, children = view.head, view.dep, view.pos, view.lemma, view.children
    for m in range(view.n):
        eid = ent_of[m]
        if eid is None or (ent_of[head[m]] == eid and head[m] != m):
            continue  # not the head token of its mention
        for c in children[m]:
            if dep[c] == D["amod"] and pos[c] in (ADJ, VERB):
                w = polar_adj.get(lemma[c]) or polar_adj.get(view.lower[c])
                if w:
                    add(eid, c, c + 1, float(w) * _sign(view, c, lex), "adjective")
        role_tok, role = _role(view, m)
        if role_tok < 0:
            continue
        verb = head[role_tok]
        if role == "subject":
            w = lex.subject.get(lemma[verb])
            if w:
                add(eid, verb, verb + 1, float(w) * _sign(view, verb, lex), "predicate")
            elif lemma[verb] in _COPULAS or pos[verb] == AUX:
                sign = _sign(view, verb, lex)
                for c in children[verb]:
                    if dep[c] not in (D["acomp"], D["attr"]):
                        continue
                    # "X is corrupt", "X is a corrupt regime", "X remained an honest and brave partner"
                    words = [c] + [
                        g
                        for g in children[c]
                        if dep[g] == D["amod"] or (dep[g] == D["conj"] and pos[g] == ADJ)
                    ]
                    words += [
                        g2
                        for g in list(words[1:])
                        for g2 in children[g]
                        if dep[g2] == D["conj"] and pos[g2] == ADJ
                    ]
                    for g in words:
                        w = polar_adj.get(lemma[g]) or polar_adj.get(view.lower[g])
                        if w:
                            add(eid, g, g + 1, float(w) * sign, "predicated")
        elif role == "object":
            w = lex.object.get(lemma[verb])
            if w:
                add(eid, verb, verb + 1, float(w) * _sign(view, verb, lex), "treated as object")

    smoothing = lex.score.get("smoothing", 1.0)
    for ent in analysis.entities:
        ev = evidence.get(ent.id)
        if not ev:
            continue
        total = sum(abs(x.weight) for x in ev)
        if total < lex.score.get("min_evidence_weight", 0.5):
            continue
        score = sum(x.weight for x in ev) / (total + smoothing)
        label = (
            "negative" if score <= lex.score.get("negative_below", -0.25)
            else "positive" if score >= lex.score.get("positive_above", 0.25)
            else "neutral"
        )  # fmt: skip
        ev.sort(key=lambda x: x.start)
        neg = [x for x in ev if x.weight < 0]
        pos_ = [x for x in ev if x.weight > 0]
        parts = []
        if neg:
            parts.append(f"{len(neg)} negative (" + ", ".join(f"{x.kind} '{x.text}'" for x in neg[:4]) + ")")
        if pos_:
            parts.append(
                f"{len(pos_)} positive (" + ", ".join(f"{x.kind} '{x.text}'" for x in pos_[:4]) + ")"
            )
        first = ev[0]
        item = analysis.new(
            Stance,
            view.start[first.start],
            view.end[first.end - 1],
            entity=ent.id,
            stance=label,
            score=round(score, 2),
            why=f"{label} toward {ent.name}: " + "; ".join(parts),
        )
        for x in ev[1:]:
            item.add_mention(view.start[x.start], view.end[x.end - 1])


def _aimed(analysis: Analysis) -> list[tuple[Rhetoric, int]]:
    """Polarity of rhetoric items when the stage did not pass it: by technique only."""
    return [(r, _POLAR_TECHNIQUES.get(r.technique, 0)) for r in analysis.rhetoric]


def _sign(view: TokenView, tok: int, lex: StanceLexicon) -> int:
    """-1 when the word or the verb it hangs on is negated ("is not corrupt", "never crushed")."""
    for c in view.children[tok]:
        if view.dep[c] == D["neg"] or view.lower[c] in lex.negators and view.dep[c] == D["advmod"]:
            return -1
    hd = view.head[tok]
    if view.pos[tok] == ADJ and hd != tok:
        for c in view.children[hd]:
            if view.dep[c] == D["neg"]:
                return -1
    return 1


def _role(view: TokenView, m: int) -> tuple[int, str]:
    """(token whose head is the predicate, role) of a mention head: subject or object."""
    dep, head = view.dep, view.head
    t = m
    # "X and Y crushed ...": a conjunct takes the role of the first conjunct
    for _ in range(3):
        if dep[t] == D["conj"] and head[t] != t:
            t = head[t]
        else:
            break
    if dep[t] == D["nsubj"]:
        return t, "subject"
    if dep[t] in (D["nsubjpass"], D["dobj"]):
        return t, "object"
    if dep[t] == D["pobj"] and dep[head[t]] == D["agent"]:
        return head[t], "subject"  # "crushed by the regime"
    return -1, ""
