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
