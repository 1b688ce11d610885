"""Span precision / recall / F1, exact and overlapping, for any extraction task.

Spans are half-open character ranges ``(start, end)`` inside one document. Counts are
accumulated per document and summed (micro-averaging), so every scorer here takes one
document's gold and predicted spans at a time and returns a `SpanCounts` to add up.

Exact: a predicted span is right when a gold span has the same start and end; duplicates
count with multiplicity (two identical gold spans need two identical predictions).

Overlap: a one-to-one matching between gold and predicted spans that share at least one
character, made as large as possible. A predicted span therefore counts once however many gold
spans it touches, and a gold span is recalled once however many predictions touch it; a long
prediction covering "Springfield, Illinois" matches one of two gold toponyms, not both.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

Span = tuple[int, int]


def harmonic_f1(p: float, r: float) -> float:
    """F1 from precision and recall; 0 when both are 0."""
    return 2 * p * r / (p + r) if p + r else 0.0


def overlaps(a: Sequence[int], b: Sequence[int]) -> bool:
    """True when two half-open spans share at least one character."""
    return a[0] < b[1] and b[0] < a[1]


def overlap_length(a: Sequence[int], b: Sequence[int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


@dataclass
class SpanCounts:
    """True positives and both totals; P/R/F1 follow from them and sum across documents."""

    tp: int = 0
    n_pred: int = 0
    n_gold: int = 0

    def __add__(self, other: SpanCounts) -> SpanCounts:
        return SpanCounts(self.tp + other.tp, self.n_pred + other.n_pred, self.n_gold + other.n_gold)

    @property
    def p(self) -> float:
        return self.tp / self.n_pred if self.n_pred else 0.0

    @property
    def r(self) -> float:
        return self.tp / self.n_gold if self.n_gold else 0.0

    @property
    def f1(self) -> float:
        return harmonic_f1(self.p, self.r)

    def as_dict(self) -> dict[str, float | int]:
        return {
            "p": round(self.p, 4),
            "r": round(self.r, 4),
            "f1": round(self.f1, 4),
            "tp": self.tp,
            "n_pred": self.n_pred,
            "n_gold": self.n_gold,
        }


def _as_spans(spans: Iterable[Sequence[int]]) -> list[Span]:
    return [(int(s[0]), int(s[1])) for s in spans]


def exact_counts(gold: Iterable[Sequence[int]], pred: Iterable[Sequence[int]]) -> SpanCounts:
    """Counts for exact span match in one document."""
    g, p = Counter(_as_spans(gold)), Counter(_as_spans(pred))
    tp = sum(min(n, p[span]) for span, n in g.items())
    return SpanCounts(tp, sum(p.values()), sum(g.values()))


def overlap_matching(gold: Sequence[Sequence[int]], pred: Sequence[Sequence[int]]) -> dict[int, int]:
    """A maximum one-to-one matching of overlapping spans: {gold index: pred index}.

    Exact matches are paired first so that they are never traded for a looser pairing; the
    rest is Kuhn's augmenting-path search, cheap at the few dozen spans a news article holds.
    """
    g, p = _as_spans(gold), _as_spans(pred)
    match_of_pred: dict[int, int] = {}
    match_of_gold: dict[int, int] = {}
    free_pred: dict[Span, list[int]] = {}
    for j, span in enumerate(p):
        free_pred.setdefault(span, []).append(j)
    for i, span in enumerate(g):
        same = free_pred.get(span)
        if same:
            j = same.pop(0)
            match_of_gold[i], match_of_pred[j] = j, i

    order = sorted(range(len(p)), key=lambda j: p[j])
    neighbours = {
        i: [j for j in order if j not in match_of_pred and overlaps(g[i], p[j])]
        for i in range(len(g))
        if i not in match_of_gold
    }

    def augment(i: int, seen: set[int]) -> bool:
        for j in neighbours[i]:
            if j in seen:
                continue
            seen.add(j)
            holder = match_of_pred.get(j)
            if holder is None or augment(holder, seen):
                match_of_pred[j] = i
                match_of_gold[i] = j
                return True
        return False

    for i in sorted(neighbours, key=lambda i: g[i]):
        augment(i, set())
    return match_of_gold


def overlap_counts(gold: Sequence[Sequence[int]], pred: Sequence[Sequence[int]]) -> SpanCounts:
    """Counts for overlapping span match in one document (see the module note)."""
    return SpanCounts(len(overlap_matching(gold, pred)), len(pred), len(gold))


def best_overlap(span: Sequence[int], candidates: Sequence[Sequence[int]]) -> int | None:
    """Index of the candidate sharing most characters with `span` (exact wins), or None.

    Many-to-one on purpose: used to ask "which prediction covers this gold span", not to count.
    """
    best, best_key = None, (0, 0)
    for j, cand in enumerate(candidates):
        shared = overlap_length(span, cand)
        if not shared:
            continue
        key = (int(cand[0] == span[0] and cand[1] == span[1]), shared)
        if key > best_key:
            best, best_key = j, key
    return best
