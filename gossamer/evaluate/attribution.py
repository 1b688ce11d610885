"""Attribution evaluation: gossamer's reporting frames against brat-annotated attribution corpora.

The corpus layout is PolNeAR's (Newell, Margolin & Ruths, LREC 2018): ``<split>/text/<article>.txt``
and ``<split>/attributions/<article>_<annotator>.ann`` (a flat folder of ``.txt`` and ``.ann``
side by side works too). In the ``.ann`` files, ``T`` lines are spans (Source, Cue, Content,
Content2, ...) with character offsets into the text, ``E`` lines tie one Source, Cue and Content
into an attribution relation. A span's text may run over several lines, and a discontinuous span
lists its pieces separated by ";".

Scoring, per role (source, cue, content), micro-averaged over documents with
`gossamer.evaluate.scoring`: exact (same start and end) and overlap (a one-to-one matching of
spans that share a character). Conventions:

- gold spans are those the relations use; a discontinuous span, and a content with a second
  part (Content2), is scored as one span from its first to its last character;
- an article annotated by several annotators is scored once, against the first annotation file
  in name order;
- predictions are the frames `gossamer.claims.sources.find_attributions` finds (including
  verbs of belief, intention and stance, which the corpus annotates), with a quotation that runs
  on over several sentences counted as one content, as the corpus does. A frame nested in
  another frame's content, or standing inside a quotation, is left out: the corpus gives every
  token one role in at most one attribution, so "X said Y told him ..." and '"I think ...," X
  said' are annotated once, as X's.

Nothing of the corpus is kept: the result holds counts and scores only.
"""

from __future__ import annotations

import re
import time
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .scoring import SpanCounts, exact_counts, overlap_counts

ROLES = ("source", "cue", "content")
_RECORD = re.compile(r"^([TE]\d+)\t([^\t\n]*)", re.MULTILINE)
_DATE = re.compile(r"_(\d{4}-\d{2}-\d{2})(?:_|$)")
_ROLE_OF = {"Source": "source", "Cue": "cue", "Content": "content", "Content2": "content"}


@dataclass
class GoldDoc:
    """One article and its gold spans by role (character offsets into `text`)."""

    name: str
    text: str
    published: str | None
    spans: dict[str, list[tuple[int, int]]] = field(default_factory=lambda: {r: [] for r in ROLES})


def parse_ann(raw: str) -> dict[str, list[tuple[int, int]]]:
    """Gold spans by role from one brat ``.ann`` file (only spans that relations use)."""
    spans: dict[str, tuple[str, int, int]] = {}
    relations: list[dict[str, str]] = []
    for m in _RECORD.finditer(raw):
        rid, body = m.groups()
        if rid[0] == "T":
            kind, _, offsets = body.partition(" ")
            pieces = [p.split() for p in offsets.split(";") if p.strip()]
            try:
                bounds = [(int(a), int(b)) for a, b in pieces]
            except ValueError:
                continue
            spans[rid] = (kind, bounds[0][0], bounds[-1][1])
        else:
            roles = {}
            for part in body.split():
                role, _, ref = part.partition(":")
                roles[role] = ref
            relations.append(roles)
    out: dict[str, list[tuple[int, int]]] = {r: [] for r in ROLES}
    for rel in relations:
        content: list[tuple[int, int]] = []
        for role, ref in rel.items():
            if ref not in spans:
                continue
            kind, s, e = spans[ref]
            target = _ROLE_OF.get(role)
            if target == "content":
                content.append((s, e))
            elif target is not None:
                out[target].append((s, e))
        if content:
            out["content"].append((min(s for s, _ in content), max(e for _, e in content)))
    return out


def find_articles(path: str | Path) -> list[tuple[Path, Path]]:
    """(text file, annotation file) pairs: one per article, the first annotation file in name order."""
    root = Path(path)
    if not root.exists():
        raise FileNotFoundError(str(root))
    text_dir = root / "text" if (root / "text").is_dir() else root
    ann_dir = root / "attributions" if (root / "attributions").is_dir() else root
    texts = {p.stem: p for p in text_dir.glob("*.txt")}
    pairs: dict[str, tuple[Path, Path]] = {}
    for ann in sorted(ann_dir.glob("*.ann")):
        stem = ann.stem
        article = stem if stem in texts else stem.rsplit("_", 1)[0]
        if article in texts and article not in pairs:
            pairs[article] = (texts[article], ann)
    if not pairs:
        raise ValueError(f"{root}: no brat .txt/.ann pairs found (expected text/ and attributions/ folders)")
    return [pairs[k] for k in sorted(pairs)]


def read_gold(text_path: Path, ann_path: Path) -> GoldDoc:
    text = text_path.read_text(encoding="utf-8")
    spans = parse_ann(ann_path.read_text(encoding="utf-8"))
    n = len(text)
    for role in ROLES:  # offsets past the text are a broken file, not a miss of ours
        spans[role] = [(s, e) for s, e in spans[role] if 0 <= s < e <= n]
    date = _DATE.search(text_path.stem)
    return GoldDoc(text_path.stem, text, date.group(1) if date else None, spans)


def predicted_spans(analysis: Any, parsed: Any) -> dict[str, list[tuple[int, int]]]:
    """Source, cue and content spans of every frame gossamer finds in one analysed document."""
    from ..claims.sources import find_attributions, quote_regions
    from ..events.tokens import token_table

    table = token_table(parsed)
    frames = find_attributions(analysis, parsed)
    regions = quote_regions(analysis.document.text)
    starts = [r[0] for r in regions]

    def quoted_char(c: int) -> bool:
        r = bisect_right(starts, c) - 1
        return r >= 0 and regions[r][0] <= c < regions[r][1]

    def chars(span: tuple[int, int]) -> tuple[int, int]:
        return table.idx[span[0]], table.end[span[1] - 1]

    out: dict[str, list[tuple[int, int]]] = {r: [] for r in ROLES}
    content_end: dict[int, int] = {}
    for k, f in enumerate(frames):  # a quotation running on extends the content it continues
        if f.kind == "quote" and f.continues is not None:
            content_end[f.continues] = max(content_end.get(f.continues, 0), f.content[-1][1])
    for k, f in enumerate(frames):
        if f.kind == "quote" or f.parent is not None or quoted_char(table.idx[f.cue[0]]):
            continue  # a frame inside another's content: the corpus gives each token one role
        out["cue"].append(chars(f.cue))
        if f.source is not None:
            out["source"].append(chars(f.source))
        if f.content:
            lo, hi = f.content_range()
            out["content"].append(chars((lo, max(hi, content_end.get(k, hi)))))
    return out


def _pipeline() -> Any:
    from ..pipeline import DEFAULT_STAGES, Pipeline, load_stage

    return Pipeline(stages=[load_stage(s) for s in DEFAULT_STAGES])


def _analysed(pipeline: Any, docs: Sequence[GoldDoc]) -> Iterator[tuple[GoldDoc, Any, Any]]:
    from ..model import Document
    from ..nlp import parse_many

    parsed_iter = parse_many(pipeline.nlp, (d.text for d in docs), batch_size=16)
    for gold, parsed in zip(docs, parsed_iter):
        doc = Document(text=gold.text, language="en", published=gold.published, source=gold.name)
        yield gold, pipeline.run_stages(doc, parsed), parsed


def score_documents(
    pairs: Sequence[tuple[dict[str, list[tuple[int, int]]], dict[str, list[tuple[int, int]]]]],
) -> dict[str, Any]:
    """Per-role exact and overlap P/R/F1 from (gold, predicted) span dicts, one pair per document."""
    totals = {r: {"exact": SpanCounts(), "overlap": SpanCounts()} for r in ROLES}
    for gold, pred in pairs:
        for role in ROLES:
            g, p = gold.get(role, []), pred.get(role, [])
            totals[role]["exact"] += exact_counts(g, p)
            totals[role]["overlap"] += overlap_counts(g, p)
    return {r: {m: c.as_dict() for m, c in v.items()} for r, v in totals.items()}


def run_attribution_eval(
    path: str | Path,
    limit: int | None = None,
    out_dir: str | Path | None = None,
    progress: bool = True,
    pipeline: Any | None = None,
) -> dict[str, Any]:
    """Analyse every article of a brat attribution corpus; score source, cue and content spans.

    Writes ``<out_dir>/eval-attribution.json`` (out_dir defaults to bench/results) and returns it.
    """
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from .hedging import write_result

    articles = find_articles(path)
    if limit:
        articles = articles[:limit]
    golds = [read_gold(t, a) for t, a in articles]
    pipeline = pipeline or _pipeline()
    t0 = time.perf_counter()
    pairs = []
    bar = Progress(
        TextColumn("[bold]eval attribution[/]"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        disable=not progress,
        transient=True,
    )
    with bar:
        task = bar.add_task("articles", total=len(golds))
        for gold, analysis, parsed in _analysed(pipeline, golds):
            pairs.append((gold.spans, predicted_spans(analysis, parsed)))
            bar.advance(task)
    result: dict[str, Any] = score_documents(pairs)
    result.update(
        task="attribution",
        corpus=str(path),
        n_docs=len(golds),
        n_gold={r: sum(len(g[r]) for g, _ in pairs) for r in ROLES},
        limit=limit,
        seconds=round(time.perf_counter() - t0, 2),
    )
    write_result(result, "eval-attribution.json", out_dir)
    return result


def attribution_table(result: dict[str, Any]) -> Any:
    """The result as a Rich table: one row per role, exact and overlap P / R / F1 in percent."""
    from rich.table import Table

    table = Table(
        title=f"attribution eval: {result.get('corpus', '')} ({result.get('n_docs', 0)} articles)",
        title_justify="left",
    )
    table.add_column("role", style="bold")
    table.add_column("exact P / R / F1", justify="right")
    table.add_column("overlap P / R / F1", justify="right")
    table.add_column("gold", justify="right")
    table.add_column("found", justify="right")
    for role in ROLES:
        r = result[role]
        cells = [" / ".join(f"{100 * r[m][k]:.1f}" for k in ("p", "r", "f1")) for m in ("exact", "overlap")]
        table.add_row(role, *cells, f"{r['exact']['n_gold']:,}", f"{r['exact']['n_pred']:,}")
    return table
