"""Evaluation harnesses: score gossamer against gold-annotated corpora.

`add_eval_commands(app)` mounts ``gossamer eval ...`` on the main CLI. The heavy modules (the
pipeline, the corpus readers) are imported only when a command runs, so ``gossamer --help``
stays fast.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from rich.console import Console
from rich.table import Table


def run_eval_command(
    task: str,
    corpus: Path | str,
    run: Callable[[], dict[str, Any]],
    as_json: bool,
    render: Callable[[dict[str, Any]], Iterable[Any]],
) -> None:
    """Run one evaluation for the CLI: one JSON object or the rendered tables on stdout.

    A missing corpus or an unreadable one is a usage error (exit 2); a failure while scoring
    exits 1. Each problem is one line on stderr.
    """
    err = Console(stderr=True, highlight=False)
    try:
        result = run()
    except FileNotFoundError:
        err.print(f"gossamer: usage error: no such corpus: {corpus}", markup=False)
        raise typer.Exit(2) from None
    except (ValueError, KeyError) as exc:
        err.print(f"gossamer: usage error: {task}: {exc}", markup=False)
        raise typer.Exit(2) from None
    except RuntimeError as exc:
        err.print(f"gossamer eval {task}: {exc}", markup=False)
        raise typer.Exit(1) from None
    if as_json:
        typer.echo(json.dumps(result))
        return
    out = Console(highlight=False)
    for table in render(result):
        out.print(table)


def add_eval_commands(app: typer.Typer) -> None:
    """Register the ``eval`` sub-command group on `app`."""
    eval_app = typer.Typer(
        name="eval",
        help="Score gossamer against gold-annotated corpora (read-only evaluation data).",
        no_args_is_help=True,
        rich_markup_mode=None,
    )

    @eval_app.command("geo")
    def geo(
        path: Annotated[Path, typer.Argument(help="Corpus file (LGL-style, GeoVirus or GeoWebNews XML) or folder.")],
        gold_spans: Annotated[
            bool, typer.Option("--gold-spans", help="Resolve the gold toponym spans instead of gossamer's own.")
        ] = False,
        as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object instead of a table.")] = False,
        limit: Annotated[Optional[int], typer.Option("--limit", min=1, help="Score only the first N documents.")] = None,
    ) -> None:
        """Geoparsing: place recognition P/R/F1 and resolution accuracy@161km, median error, AUC."""
        from .geo import run_geo_eval

        run_eval_command(
            "geo", path, lambda: run_geo_eval(path, gold_spans=gold_spans, limit=limit), as_json,
            lambda r: [geo_table(r)],
        )  # fmt: skip

    @eval_app.command("events")
    def events(
        path: Annotated[
            Path, typer.Argument(help="Corpus file or folder (PLOVER records, ConfliBERT CAMEO, CASE 2021 Task 2).")
        ],
        fmt: Annotated[
            Optional[str],
            typer.Option("--format", help="plover, conflibert or case2021 (default: found from the content)."),
        ] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object instead of a table.")] = False,
        limit: Annotated[Optional[int], typer.Option("--limit", min=1, help="Score only the first N records.")] = None,
    ) -> None:
        """Event coding: PLOVER category P/R/F1 and actor match, CAMEO quad classes and actor spans, ACLED types."""
        from .events import events_tables, run_events_eval

        run_eval_command("events", path, lambda: run_events_eval(path, format=fmt, limit=limit), as_json, events_tables)

    @eval_app.command("hedging")
    def hedging(
        path: Annotated[Path, typer.Argument(help="Folder with train.csv and test.csv (text,label), or one CSV.")],
        as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object instead of a table.")] = False,
        threshold: Annotated[
            Optional[float], typer.Option("--threshold", help="Uncertain when certainty < this (default: best F1 on train).")
        ] = None,
        limit: Annotated[Optional[int], typer.Option("--limit", min=1, help="Score only the first N rows of each file.")] = None,
    ) -> None:
        """Hedge detection: P/R/F1 of the uncertain class on sentence-level uncertainty corpora (Wikipedia weasel)."""
        from .hedging import binary_table, run_hedging_eval

        run_eval_command(
            "hedging", path, lambda: run_hedging_eval(path, threshold=threshold, limit=limit), as_json,
            lambda r: [binary_table(r)],
        )  # fmt: skip

    @eval_app.command("checkworthy")
    def checkworthy(
        path: Annotated[Path, typer.Argument(help="Folder with train.json and test.json (ClaimBuster), or one JSON file.")],
        as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object instead of a table.")] = False,
        threshold: Annotated[
            Optional[float], typer.Option("--threshold", help="Check-worthy when score >= this (default: best F1 on train).")
        ] = None,
        limit: Annotated[Optional[int], typer.Option("--limit", min=1, help="Score only the first N rows of each file.")] = None,
    ) -> None:
        """Check-worthiness: P/R/F1 of the check-worthy class on ClaimBuster-style sentence sets."""
        from .checkworthy import run_checkworthy_eval
        from .hedging import binary_table

        run_eval_command(
            "checkworthy", path, lambda: run_checkworthy_eval(path, threshold=threshold, limit=limit), as_json,
            lambda r: [binary_table(r)],
        )  # fmt: skip

    @eval_app.command("propaganda")
    def propaganda(
        path: Annotated[Path, typer.Argument(help="PTC corpus folder (article<ID>.txt and SemEval-2020 Task 11 .labels).")],
        as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object instead of a table.")] = False,
        limit: Annotated[Optional[int], typer.Option("--limit", min=1, help="Score only the first N articles.")] = None,
    ) -> None:
        """Persuasion techniques: SemEval-2020 Task 11 span identification F1 and technique classification F1."""
        from .propaganda import propaganda_table, results_dir, run_propaganda_eval

        name = "eval-propaganda.json" if limit is None else f"eval-propaganda-limit{limit}.json"
        run_eval_command(
            "propaganda", path, lambda: run_propaganda_eval(path, limit=limit, write=results_dir() / name), as_json,
            lambda r: [propaganda_table(r)],
        )  # fmt: skip

    @eval_app.command("attribution")
    def attribution(
        path: Annotated[Path, typer.Argument(help="brat attribution corpus (PolNeAR layout: text/ and attributions/).")],
        as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object instead of a table.")] = False,
        limit: Annotated[Optional[int], typer.Option("--limit", min=1, help="Score only the first N articles.")] = None,
    ) -> None:
        """Attribution: source, cue and content span P/R/F1 (exact and overlap) against brat gold."""
        from .attribution import attribution_table, run_attribution_eval

        run_eval_command(
            "attribution", path, lambda: run_attribution_eval(path, limit=limit, progress=not as_json), as_json,
            lambda r: [attribution_table(r)],
        )  # fmt: skip

    app.add_typer(eval_app, name="eval")


def _fmt(value: Any, pct: bool = False) -> str:
    if value is None:
        return "-"
    if pct:
        return f"{100 * value:.1f}%"
    return f"{value:,.1f}" if isinstance(value, float) else f"{value:,}"


def geo_table(result: dict[str, Any]) -> Table:
    """The result of `run_geo_eval` as a readable two-column table."""
    rec, res = result["recognition"], result["resolution"]
    ov = rec["overlap"]
    table = Table(title=f"geo eval: {result['corpus']} ({result['mode']})", show_header=False, title_justify="left")
    table.add_column(style="bold")
    table.add_column(justify="right")
    off = result.get("offsets", {})
    rows = [
        ("documents", _fmt(result["n_docs"])),
        ("gold toponyms (with coordinates)", f"{_fmt(result['n_gold'])} ({_fmt(result['n_gold_with_coords'])})"),
        ("predicted place mentions", _fmt(rec["n_pred"])),
        ("recognition exact P / R / F1", " / ".join(_fmt(rec[k], True) for k in ("p", "r", "f1"))),
        ("recognition overlap P / R / F1", " / ".join(_fmt(ov[k], True) for k in ("p", "r", "f1"))),
        ("resolution scored (resolved)", f"{_fmt(res['n_scored'])} ({_fmt(res['n_resolved'])})"),
        ("accuracy@161km", _fmt(res["acc161"], True)),
        ("hits@161km over all gold with coordinates", _fmt(res["recall161"], True)),
        ("median / mean error km", f"{_fmt(res['median_km'])} / {_fmt(res['mean_km'])}"),
        ("AUC (lower is better)", "-" if res["auc"] is None else f"{res['auc']:.3f}"),
        ("offsets repaired / dropped", f"{_fmt(off.get('repaired', 0))} / {_fmt(off.get('dropped', 0))}"),
        ("seconds", f"{result['seconds']:.1f}"),
    ]
    for label, value in rows:
        table.add_row(label, value)
    for warning in result.get("warnings", []):
        table.add_row("warning", warning)
    return table
