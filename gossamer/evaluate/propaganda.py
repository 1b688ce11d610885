"""Propaganda-technique evaluation on the PTC corpus (SemEval-2020 Task 11 format).

Corpus layout (PTC v2, Da San Martino et al. 2020): a folder of ``article<ID>.txt`` files
(title, blank line, one sentence per line) and tab-separated label files without header:
TC ``article_id  technique  start  end`` and SI ``article_id  start  end``, character offsets
into the article (start inclusive, end exclusive). Either the combined files
(``*-task2-TC.labels``, ``*-task1-SI.labels``) or the per-article files are read; the combined
file wins when both are there. Gold SI spans are derived from the TC spans (merged where they
overlap) when no SI file is present.

**SI, span identification** -- the SemEval-2020 Task 11 measure (Da San Martino et al. 2020,
section 3.1). With S the predicted spans and T the gold spans of a document, both seen as sets
of character positions, and C(s, t, h) = |s intersect t| / h,

    P(S, T) = 1/|S| * sum over s in S, t in T of C(s, t, |s|)
    R(S, T) = 1/|T| * sum over s in S, t in T of C(s, t, |t|)

summed over documents (numerators and denominators are added up before dividing), F1 their
harmonic mean. A prediction gets partial credit for the share of it that is propaganda, a gold
span for the share of it that is covered. As in the official scorer, overlapping spans are
merged first on both sides (gold SI spans are already merged in PTC), so a character is never
counted twice. Predicted spans are all of gossamer's `Rhetoric` spans, whatever the technique.

**TC, technique classification** -- the gold spans are given; each is classified in its
document's context by `gossamer.rhetoric.classify`. A span annotated with k techniques gets
k guesses (its top k); the number of guesses equals the number of gold labels, so micro
precision = micro recall = micro F1 = the share of gold labels guessed. The baseline guesses
the most frequent class (Loaded_Language) for every span.

Only the entity and rhetoric stages run: targets need entities; nothing else feeds the scores. The
result is also written to ``bench/results/eval-propaganda.json``.
"""

from __future__ import annotations

import json
import re
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .scoring import harmonic_f1

Span = tuple[int, int]
_ARTICLE = re.compile(r"article(\d+)\.txt$")
BASELINE_CLASS = "Loaded_Language"


# --------------------------------------------------------------------------- scoring


def merge_spans(spans: Iterable[Span]) -> list[Span]:
    """Union of spans as disjoint, sorted spans (overlapping ones merged; touching ones kept apart)."""
    out: list[list[int]] = []
    for s, e in sorted(spans):
        if e <= s:
            continue
        if out and s < out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return [(s, e) for s, e in out]


@dataclass
class SICounts:
    """Numerators and denominators of the SI measure, summed over documents."""

    p_num: float = 0.0
    r_num: float = 0.0
    n_pred: int = 0
    n_gold: int = 0

    def add(self, pred: Sequence[Span], gold: Sequence[Span]) -> None:
        pred_m, gold_m = merge_spans(pred), merge_spans(gold)
        self.n_pred += len(pred_m)
        self.n_gold += len(gold_m)
        for s in pred_m:
            for t in gold_m:
                inter = min(s[1], t[1]) - max(s[0], t[0])
                if inter > 0:
                    self.p_num += inter / (s[1] - s[0])
                    self.r_num += inter / (t[1] - t[0])

    @property
    def p(self) -> float:
        return self.p_num / self.n_pred if self.n_pred else 0.0

    @property
    def r(self) -> float:
        return self.r_num / self.n_gold if self.n_gold else 0.0

    @property
    def f1(self) -> float:
        return harmonic_f1(self.p, self.r)

    def as_dict(self) -> dict[str, float | int]:
        return {
            "p": round(self.p, 4),
            "r": round(self.r, 4),
            "f1": round(self.f1, 4),
            "n_pred": self.n_pred,
            "n_gold": self.n_gold,
        }


def si_score(pred: dict[str, list[Span]], gold: dict[str, list[Span]]) -> SICounts:
    """SI measure over documents: every document of `gold`, plus predictions for unknown ones."""
    counts = SICounts()
    for doc_id in sorted(set(gold) | set(pred)):
        counts.add(pred.get(doc_id, []), gold.get(doc_id, []))
    return counts


def tc_score(gold: dict[Span, list[str]], guesses: dict[Span, list[str]]) -> tuple[int, int]:
    """(correct, total) over one document's gold labels: each span's guesses matched as multisets."""
    correct = total = 0
    for span, labels in gold.items():
        total += len(labels)
        want = Counter(labels)
        got = Counter(guesses.get(span, [])[: len(labels)])
        correct += sum((want & got).values())
    return correct, total


# --------------------------------------------------------------------------- corpus


@dataclass
class Article:
    id: str
    text: str
    si: list[Span] = field(default_factory=list)
    tc: dict[Span, list[str]] = field(default_factory=dict)


def read_corpus(path: Path, limit: int | None = None) -> list[Article]:
    """Articles with their gold labels; articles in id order."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(path)
    files = sorted(path.rglob("article*.txt")) if path.is_dir() else [path]
    files = [f for f in files if _ARTICLE.search(f.name)]
    if not files:
        raise ValueError(f"no article<ID>.txt files under {path}")
    articles: dict[str, Article] = {}
    for f in sorted(files, key=lambda f: int(_ARTICLE.search(f.name).group(1))):  # type: ignore[union-attr]
        doc_id = _ARTICLE.search(f.name).group(1)  # type: ignore[union-attr]
        articles[doc_id] = Article(doc_id, f.read_text(encoding="utf-8"))
        if limit and len(articles) >= limit:
            break
    root = path if path.is_dir() else path.parent
    tc_rows = _label_rows(root, "TC", 4)
    si_rows = _label_rows(root, "SI", 3)
    for row in tc_rows:
        art = articles.get(row[0])
        if art is not None:
            art.tc.setdefault((int(row[2]), int(row[3])), []).append(row[1])
    for row in si_rows:
        art = articles.get(row[0])
        if art is not None:
            art.si.append((int(row[1]), int(row[2])))
    for art in articles.values():
        if not si_rows:
            art.si = merge_spans(art.tc)
        n = len(art.text)
        art.si = [(max(0, s), min(n, e)) for s, e in art.si if s < n]
    return list(articles.values())


def _label_rows(root: Path, kind: str, columns: int) -> list[list[str]]:
    """Rows of the combined label file if there is one, else of the per-article files."""
    combined = [f for f in root.rglob(f"*{kind}.labels") if not f.name.startswith("article")]
    files = combined[:1] if combined else sorted(root.rglob(f"article*{kind}.labels"))
    rows = []
    for f in files:
        for line in f.read_text(encoding="utf-8").splitlines():
            parts = line.rstrip("\n").split("\t")
            if len(parts) == columns:
                rows.append(parts)
    return rows


# --------------------------------------------------------------------------- running


def results_dir() -> Path:
    """bench/results of the checkout this package runs from, else of the working directory."""
    root = Path(__file__).resolve().parents[2]
    return (root if (root / "bench").is_dir() else Path.cwd()) / "bench" / "results"


def run_propaganda_eval(path: Path, limit: int | None = None, write: Path | None = None) -> dict[str, Any]:
    """Run gossamer over the corpus and score SI and TC; `write`: where the JSON result goes."""
    from ..model import Analysis, Document
    from ..nlp import parse_many
    from ..pipeline import Pipeline, load_stage
    from ..rhetoric.classify import SpanClassifier
    from ..rhetoric.tokens import token_view
    from ..stages.rhetoric import RhetoricStage

    articles = read_corpus(path, limit)
    t0 = time.perf_counter()
    rhetoric = RhetoricStage()
    entities = load_stage("gossamer.stages.entities:EntityStage")
    pipeline = Pipeline(stages=[entities, rhetoric])
    classifier = SpanClassifier(rhetoric.lexicon)
    si = SICounts()
    tc_correct = tc_total = base_correct = 0
    per_class: dict[str, Counter[str]] = defaultdict(Counter)
    stage_seconds = 0.0
    for art, parsed in zip(articles, parse_many(pipeline.nlp, (a.text for a in articles))):
        analysis = Analysis(document=Document(text=art.text, language="en", source=f"article{art.id}.txt"))
        entities(analysis, parsed)
        ts = time.perf_counter()
        rhetoric(analysis, parsed)
        stage_seconds += time.perf_counter() - ts
        si.add([(r.mentions[0][0], r.mentions[0][1]) for r in analysis.rhetoric], art.si)
        view = token_view(parsed)
        guesses = {
            span: classifier.classify(view, parsed, span, k=len(labels)) for span, labels in art.tc.items()
        }
        c, t = tc_score(art.tc, guesses)
        tc_correct += c
        tc_total += t
        base_correct += tc_score(art.tc, {span: [BASELINE_CLASS] * len(ls) for span, ls in art.tc.items()})[0]
        for span, labels in art.tc.items():
            got = guesses.get(span, [])
            for label in labels:
                per_class[label]["gold"] += 1
                per_class[label]["hit"] += label in got
            for g in got:
                per_class[g]["guessed"] += 1
    result: dict[str, Any] = {
        "corpus": str(path),
        "n_articles": len(articles),
        "si": si.as_dict(),
        "tc": {
            "micro_f1": round(tc_correct / tc_total, 4) if tc_total else 0.0,
            "n_labels": tc_total,
            "correct": tc_correct,
            "per_class": {
                k: {
                    "gold": v["gold"],
                    "guessed": v["guessed"],
                    "recall": round(v["hit"] / v["gold"], 3) if v["gold"] else 0.0,
                    "precision": round(v["hit"] / v["guessed"], 3) if v["guessed"] else 0.0,
                }
                for k, v in sorted(per_class.items(), key=lambda kv: -kv[1]["gold"])
            },
        },
        "baseline": {
            "tc_micro_f1": round(base_correct / tc_total, 4) if tc_total else 0.0,
            "tc_class": BASELINE_CLASS,
        },
        "seconds": round(time.perf_counter() - t0, 1),
        "rhetoric_ms_per_article": round(1000 * stage_seconds / max(len(articles), 1), 2),
        "measure": "SemEval-2020 Task 11: SI partial-overlap P/R/F1 over merged spans; TC micro F1 on gold spans",
    }
    if write is not None:
        write.parent.mkdir(parents=True, exist_ok=True)
        write.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return result


def propaganda_table(result: dict[str, Any]) -> Any:
    """The result of `run_propaganda_eval` as a readable table."""
    from rich.table import Table

    si, tc = result["si"], result["tc"]
    table = Table(title=f"propaganda eval: {result['corpus']}", show_header=False, title_justify="left")
    table.add_column(style="bold")
    table.add_column(justify="right")
    rows = [
        ("articles", f"{result['n_articles']:,}"),
        ("SI spans predicted / gold (merged)", f"{si['n_pred']:,} / {si['n_gold']:,}"),
        ("SI P / R / F1", f"{si['p']:.3f} / {si['r']:.3f} / {si['f1']:.3f}"),
        ("TC micro F1 (gold labels)", f"{tc['micro_f1']:.3f} ({tc['n_labels']:,})"),
        ("TC baseline (all Loaded_Language)", f"{result['baseline']['tc_micro_f1']:.3f}"),
        ("rhetoric stage ms / article", f"{result['rhetoric_ms_per_article']:.2f}"),
        ("seconds", f"{result['seconds']:.1f}"),
    ]
    for label, value in rows:
        table.add_row(label, value)
    for k, v in tc["per_class"].items():
        table.add_row(f"  TC {k}", f"R {v['recall']:.2f}  P {v['precision']:.2f}  (n={v['gold']})")
    return table
