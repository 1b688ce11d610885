"""The `gossamer` command: a thin layer that parses flags and calls the library.

Exit codes: 0 every input analysed; 1 some inputs failed (each reported on stderr, the
rest analysed); 2 usage error.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.markup import escape

from . import __version__
from .model import Analysis, Document

app = typer.Typer(
    name="gossamer",
    help=(
        "Trace the actors, places, times, events and claims behind geopolitical reporting, "
        "offline, every item pointing back to the characters it came from.\n\n"
        "Examples:\n\n"
        "  gossamer analyze article.txt --published 2026-01-21\n\n"
        "  gossamer analyze feed.jsonl --format jsonl -o analyses.jsonl\n\n"
        "  gossamer analyze demo/corpus --format html -o out/\n\n"
        "  cat article.html | gossamer analyze - --format json"
    ),
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)

def say(message: str) -> None:
    """One plain line on stderr: never wrapped, so each problem stays greppable."""
    sys.stderr.write(message + "\n")
    sys.stderr.flush()
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class Format(str, Enum):
    terminal = "terminal"
    json = "json"
    jsonl = "jsonl"
    md = "md"
    html = "html"
    csv = "csv"
    gexf = "gexf"
    graphml = "graphml"


def _fail_usage(message: str) -> None:
    say(f"gossamer: usage error: {message}")
    raise typer.Exit(2)


def _documents(paths: list[str], published: str | None, max_bytes: int, failures: list[str]) -> Iterator[Document]:
    from .ingest import IngestError, read_inputs

    for item in read_inputs(paths, max_bytes=max_bytes):
        if isinstance(item, IngestError):
            failures.append(str(item))
            say(f"gossamer: skipped {item}")
            continue
        for warning in item.meta.get("warnings", ()):
            say(f"gossamer: warning: {item.source}: {warning}")
        if published and not item.published:
            item.published = published
        yield item


def _slug(analysis: Analysis, n: int) -> str:
    base = analysis.document.source or analysis.document.id
    stem = Path(base.split(":")[0]).stem if base not in ("<stdin>",) else "stdin"
    if ":" in base and base.rsplit(":", 1)[-1].isdigit():
        stem += "-" + base.rsplit(":", 1)[-1]
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "-", stem).strip("-") or "article"
    return f"{n:03d}-{stem}"


@app.command()
def analyze(
    paths: Annotated[list[str], typer.Argument(help="Files, directories (recursive) or - for stdin.")],
    format: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.terminal,
    published: Annotated[
        Optional[str], typer.Option(help="Publication date YYYY-MM-DD for inputs whose metadata has none.")
    ] = None,
    output: Annotated[
        Optional[Path],
        typer.Option("--output", "-o", help="Write here instead of stdout (a folder for html/md of many inputs)."),
    ] = None,
    max_bytes: Annotated[int, typer.Option(help="Reject input files larger than this.")] = 5_000_000,
) -> None:
    """Analyse articles: entities, places, times, quantities, with character offsets.

    Examples:

      gossamer analyze ../shared/examples/spiders-web-opinion.txt --published 2026-01-21

      gossamer analyze demo/corpus --format html -o out/

      gossamer analyze feed.jsonl --format jsonl > analyses.jsonl
    """
    if published is not None and not _DATE.match(published):
        _fail_usage(f"--published must be YYYY-MM-DD, got {published!r}")
    from .pipeline import Pipeline

    failures: list[str] = []
    pipeline = Pipeline()
    analyses = pipeline.analyze_documents(_documents(paths, published, max_bytes, failures))
    _emit(analyses, format, output)
    if failures:
        say(f"gossamer: {len(failures)} input(s) failed; the rest were analysed")
        raise typer.Exit(1)


def _emit(analyses: Iterator[Analysis], fmt: Format, output: Path | None) -> None:
    # html/md go to a folder, one report per article, when -o names a folder (existing, or no suffix)
    if fmt in (Format.html, Format.md) and output is not None and (output.is_dir() or not output.suffix):
        _emit_folder(analyses, fmt, output)
        return
    stream = open(output, "w", encoding="utf-8") if output is not None else sys.stdout
    try:
        if fmt is Format.json:
            items = [a.to_dict() for a in analyses]
            payload = items[0] if len(items) == 1 else items
            json.dump(payload, stream, ensure_ascii=False, indent=2)
            stream.write("\n")
        elif fmt is Format.jsonl:
            for a in analyses:
                stream.write(json.dumps(a.to_dict(), ensure_ascii=False) + "\n")
        elif fmt is Format.md:
            from .report.markdown import render_markdown

            stream.write("\n\n".join(render_markdown(a) for a in analyses))
        elif fmt is Format.csv:
            from .export import write_events_csv

            write_events_csv(analyses, stream)
        elif fmt in (Format.gexf, Format.graphml):
            from .export import network_graph, write_gexf, write_graphml

            (write_gexf if fmt is Format.gexf else write_graphml)(network_graph(analyses), stream)
        elif fmt is Format.html:
            from .report.html import render_html

            items = list(analyses)
            if len(items) > 1:
                _fail_usage("several articles with --format html need -o FOLDER/")
            for a in items:
                stream.write(render_html(a))
        else:
            from .report.terminal import render_terminal

            console = Console(file=stream) if output is not None else Console()
            for a in analyses:
                render_terminal(a, console)
    finally:
        if output is not None:
            stream.close()


def _emit_folder(analyses: Iterator[Analysis], fmt: Format, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    if fmt is Format.html:
        from .report.html import render_html as render
    else:
        from .report.markdown import render_markdown as render
    n = 0
    for n, a in enumerate(analyses, 1):
        path = folder / f"{_slug(a, n)}.{fmt.value}"
        path.write_text(render(a), encoding="utf-8")
    say(f"gossamer: wrote {n} report(s) to {folder}")


# ---------------------------------------------------------------------------------- corpus store


class QueryKind(str, Enum):
    documents = "documents"
    events = "events"
    claims = "claims"
    actors = "actors"
    places = "places"


class QueryFormat(str, Enum):
    table = "table"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"
    geojson = "geojson"


class ExportFormat(str, Enum):
    jsonl = "jsonl"
    csv = "csv"
    geojson = "geojson"
    gexf = "gexf"
    graphml = "graphml"
    ftm = "ftm"


DbOption = Annotated[Path, typer.Option("--db", help="The corpus store (an SQLite file).")]


def _open_store(db: Path, readonly: bool = False):  # type: ignore[no-untyped-def]
    from .corpus.store import Store, StoreError

    try:
        return Store(db, readonly=readonly)
    except StoreError as err:
        _fail_usage(str(err))


def _link(store, force: bool) -> None:  # type: ignore[no-untyped-def]
    from .corpus.ingest import UP_TO_DATE, link_store

    result = link_store(store, force=force)
    if result.ran:
        counts = ", ".join(f"{n} {table}" for table, n in result.rows.items())
        say(f"gossamer: linked the corpus in {result.seconds:.1f} s: {counts}")
    elif result.note and result.note != UP_TO_DATE:
        say(f"gossamer: note: {result.note}")


@app.command()
def ingest(
    paths: Annotated[list[str], typer.Argument(help="Files, directories (recursive) or - for stdin.")],
    db: DbOption = Path("gossamer.db"),
    published: Annotated[
        Optional[str], typer.Option(help="Publication date YYYY-MM-DD for inputs whose metadata has none.")
    ] = None,
    max_bytes: Annotated[int, typer.Option(help="Reject input files larger than this.")] = 5_000_000,
) -> None:
    """Analyse articles into the corpus store, then link the corpus (same analysis as `analyze`).

    Documents already stored (same text) are skipped; a killed ingest resumes where it stopped.

    Examples:

      gossamer ingest demo/corpus --db corpus.db

      gossamer ingest feed.jsonl --db corpus.db --published 2026-03-12
    """
    if published is not None and not _DATE.match(published):
        _fail_usage(f"--published must be YYYY-MM-DD, got {published!r}")
    from .corpus.ingest import IngestProgress, IngestStats, ingest_documents

    failures: list[str] = []
    with _open_store(db) as store:
        stats = IngestStats(failed=failures)
        with IngestProgress(failures) as progress:
            ingest_documents(store, _documents(paths, published, max_bytes, failures), stats=stats, on_document=progress)
        say(
            f"gossamer: stored {stats.added} new document(s) in {db} ({stats.rate:.1f}/s), "
            f"{stats.skipped} already stored, {len(failures)} failed"
        )
        _link(store, force=False)
    if failures:
        say(f"gossamer: {len(failures)} input(s) failed; the rest were ingested")
        raise typer.Exit(1)


@app.command()
def corroborate(db: DbOption = Path("gossamer.db")) -> None:
    """Rerun only the corpus linking step (origins, actors, event clusters, claim links, actor web)."""
    if not db.exists():
        _fail_usage(f"no store at {db} (run gossamer ingest first)")
    with _open_store(db) as store:
        _link(store, force=True)


def _side(link: dict, side: str) -> str:
    """One side of a claim link for the terminal: outlet (and syndicated copies), then the text."""
    outlet = link[f"outlet_{side}"] or ""
    copies = link.get(f"copies_{side}") or []
    if copies:
        outlet += f" (+ {', '.join(copies)})"
    return f"[bold]{escape(outlet)}[/]\n{escape(_clip(link[f'text_{side}']))}"


def _clip(text: str | None, limit: int = 140) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


@app.command()
def links(
    db: DbOption = Path("gossamer.db"),
    relation: Annotated[
        Optional[str], typer.Option(help="corroborates, contradicts or elaborates (default: all).")
    ] = None,
    limit: Annotated[int, typer.Option(help="At most this many pairs.")] = 100,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
) -> None:
    """Show claims that corroborate or contradict each other across independent origins.

    Examples:

      gossamer links --db corpus.db

      gossamer links --db corpus.db --relation contradicts --json
    """
    from rich.table import Table

    from .corpus.linkview import RELATIONS, claim_links

    if relation is not None and relation not in RELATIONS:
        _fail_usage(f"--relation must be one of {', '.join(RELATIONS)}")
    if not db.exists():
        _fail_usage(f"no store at {db} (run gossamer ingest first)")
    with _open_store(db, readonly=True) as store:
        rows = claim_links(store.conn, relation, limit)
    if as_json:
        for row in rows:
            sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
        return
    table = Table(title=f"Claim links ({len(rows)})", show_lines=True)
    for col in ("relation", "claim", "linked claim", "why"):
        table.add_column(col, overflow="fold")
    for r in rows:
        table.add_row(r["relation"], _side(r, "a"), _side(r, "b"), escape(_clip(r["reason"])))
    Console().print(table)


@app.command()
def query(
    text: Annotated[Optional[str], typer.Argument(help="Full-text search (SQLite FTS5 syntax).")] = None,
    db: DbOption = Path("gossamer.db"),
    actor: Annotated[Optional[str], typer.Option(help="Actor name, KB id or corpus actor key.")] = None,
    place: Annotated[Optional[str], typer.Option(help="Place name.")] = None,
    near: Annotated[Optional[str], typer.Option(help="LAT,LON: within --km of this point.")] = None,
    km: Annotated[float, typer.Option(help="Radius for --near, in km.")] = 50.0,
    since: Annotated[Optional[str], typer.Option(help="From this date (YYYY[-MM[-DD]]).")] = None,
    until: Annotated[Optional[str], typer.Option(help="Up to this date, inclusive.")] = None,
    category: Annotated[Optional[str], typer.Option(help="PLOVER event category, e.g. ASSAULT.")] = None,
    grade: Annotated[Optional[str], typer.Option(help="Claim grade: F6, B, or a range A1-C3.")] = None,
    kind: Annotated[QueryKind, typer.Option(help="What to list.")] = QueryKind.documents,
    format: Annotated[QueryFormat, typer.Option("--format", "-f", help="Output format.")] = QueryFormat.table,
    limit: Annotated[int, typer.Option(help="Items per page.")] = 50,
    offset: Annotated[int, typer.Option(help="Skip this many items.")] = 0,
) -> None:
    """Search the corpus store: full text plus actor, place, distance, date, category and grade filters.

    Examples:

      gossamer query convoy --db corpus.db

      gossamer query --db corpus.db --kind events --actor IRQ --since 2026-03 --format csv

      gossamer query --db corpus.db --kind places --near 34.4,41.0 --km 25 --format geojson
    """
    from .corpus.query import Filters, QueryError, query as run_query, write_result

    if not db.exists():
        _fail_usage(f"no store at {db} (run gossamer ingest first)")
    try:
        filters = Filters.parse(text, actor, place, near, km, since, until, category, grade)
        with _open_store(db, readonly=True) as store:
            result = run_query(store.conn, kind.value, filters, limit=limit, offset=offset)
    except QueryError as err:
        _fail_usage(str(err))
    write_result(result, format.value, sys.stdout)


@app.command()
def export(
    format: Annotated[ExportFormat, typer.Option("--format", "-f", help="Export format.")],
    db: DbOption = Path("gossamer.db"),
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write here instead of stdout.")] = None,
) -> None:
    """Export the whole corpus: jsonl, csv (event table), geojson, gexf/graphml (actor web), ftm.

    Examples:

      gossamer export --db corpus.db --format jsonl -o corpus.jsonl

      gossamer export --db corpus.db --format geojson -o events.geojson
    """
    from .corpus.export import export as run_export

    if not db.exists():
        _fail_usage(f"no store at {db} (run gossamer ingest first)")
    with _open_store(db, readonly=True) as store:
        stream = open(output, "w", encoding="utf-8", newline="") if output is not None else sys.stdout
        try:
            n = run_export(store, format.value, stream)
        finally:
            if output is not None:
                stream.close()
    say(f"gossamer: exported {n} {format.value} record(s)" + (f" to {output}" if output else ""))


@app.command()
def bench(
    synthetic: Annotated[Optional[int], typer.Option(help="Write a synthetic corpus of N articles (JSON Lines).")] = None,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write here instead of stdout.")] = None,
    seed: Annotated[int, typer.Option(help="Random seed: the same seed gives the same corpus.")] = 0,
) -> None:
    """Make synthetic corpora for benchmarks (the benchmarks themselves: make bench).

    Examples:

      gossamer bench --synthetic 1000 -o synthetic.jsonl --seed 7

      gossamer ingest synthetic.jsonl --db bench.db
    """
    if synthetic is None:
        _fail_usage("say what to make: --synthetic N (the benchmarks run with make bench)")
    if synthetic < 1:
        _fail_usage(f"--synthetic wants a positive number of articles, got {synthetic}")
    from .corpus.synthetic import write_jsonl

    stream = open(output, "w", encoding="utf-8") if output is not None else sys.stdout
    try:
        n = write_jsonl(synthetic, stream, seed=seed)
    finally:
        if output is not None:
            stream.close()
    say(f"gossamer: wrote {n} synthetic article(s)" + (f" to {output}" if output else ""))


@app.command()
def serve(
    db: DbOption = Path("gossamer.db"),
    host: Annotated[
        str, typer.Option(help="Address to bind; non-loopback addresses need a token for writes.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8765,
    allow_ingest: Annotated[
        bool, typer.Option("--allow-ingest", help="Accept pasted or uploaded articles.")
    ] = False,
) -> None:
    """Open the local web workbench over a corpus store (read-only unless --allow-ingest).

    Examples:

      gossamer serve --db corpus.db

      gossamer serve --db corpus.db --allow-ingest --port 9000
    """
    from .web.app import serve as run_server

    if not db.exists() and not allow_ingest:
        _fail_usage(f"no store at {db} (run gossamer ingest first, or --allow-ingest to start an empty one)")
    run_server(db, host=host, port=port, allow_ingest=allow_ingest, say=say)


@app.command()
def schema() -> None:
    """Print the JSON Schema of the analysis output (gossamer/analysis@1)."""
    from .schema import load_schema

    sys.stdout.write(json.dumps(load_schema(), indent=2) + "\n")


@app.command()
def version() -> None:
    """Print gossamer's version and the spaCy model it loads."""
    from .nlp import load_model, model_name

    typer.echo(f"gossamer {__version__} (model {model_name(load_model())})")


def _register_subcommands() -> None:
    from .evaluate import add_eval_commands

    add_eval_commands(app)


_register_subcommands()


def main() -> None:  # pragma: no cover
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
