"""The `recog` command line.

No ``from __future__ import annotations`` here: typer reads every command's annotations on each run,
and evaluating them from strings (compiling each) costs every command about 0.01 s.
"""

import json
import os
import signal
import warnings
from collections.abc import Iterable
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from platform_core.errors import InputError, ModelError, PipelineError, PluginError, RecogError
from platform_core.typerapp import Typer

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

    from platform_core import pipeline as pipeline_mod
    from platform_core import plugins

app = Typer(help="recog: multimodal recognition pipelines from plugins.", no_args_is_help=True, add_completion=False)
plugins_app = Typer(help="Installed plugins and their components.", no_args_is_help=True)
models_app = Typer(help="Shipped models and their cards.", no_args_is_help=True)
app.add_typer(plugins_app, name="plugins")
pipelines_app = Typer(help="Pipelines shipped inside plugin packages.", no_args_is_help=True)
registry_app = Typer(help="The plugin index: check entries.", no_args_is_help=True)
app.add_typer(models_app, name="models")
app.add_typer(pipelines_app, name="pipelines")
app.add_typer(registry_app, name="registry")
# one-line messages are coloured as Rich colours tables: never with NO_COLOR, always with FORCE_COLOR, else on a tty
_COLOR = False if os.environ.get("NO_COLOR") else True if os.environ.get("FORCE_COLOR") else None


def _say(color: str, label: str, message: object, stderr: bool = False) -> None:
    """Print ``label: message`` with the label in ``color``; the message (paths, errors) is printed as it is.

    Through typer's echo, not Rich: importing Rich's console would cost commands like `validate` 0.03 s."""
    typer.echo(typer.style(f"{label}:", fg=color) + f" {message}", err=stderr, color=_COLOR)


def _error(message: object) -> None:
    _say("red", "error", message, stderr=True)


@cache
def _console(stderr: bool = False) -> "Console":
    """Rich's console on stdout (or stderr), made on first use: for tables, markup and progress."""
    from rich.console import Console

    return Console(stderr=True, soft_wrap=True) if stderr else Console()


def _table(title: str, columns: tuple[str, ...], rows: Iterable[Iterable[object]], right: tuple[str, ...] = ()
           ) -> "Table":
    """A Rich table of ``rows`` under ``columns`` (those in ``right`` right-justified); cells are plain text,
    never read as markup."""
    from rich.table import Table
    from rich.text import Text

    t = Table(title=title)
    for col in columns:
        t.add_column(col, justify="right" if col in right else "left")
    for row in rows:
        t.add_row(*(Text(str(cell)) for cell in row))
    return t


def _registry() -> "plugins.Registry":
    """The installed plugins; each disabled plugin is shown as one warning line."""
    from platform_core import plugins

    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", plugins.PluginWarning)
            reg = plugins.registry()
    except PluginError as e:
        _error(e)
        raise typer.Exit(2) from e
    for w in caught:
        _say("yellow", "warning", w.message, stderr=True)
    return reg


def _resolve(ref: Path) -> Path:
    """A pipeline file given as a path or as ``PLUGIN:NAME`` (a pipeline a plugin ships)."""
    from platform_core import catalog

    try:
        return catalog.resolve(str(ref))
    except PipelineError as e:
        _error(e)
        raise typer.Exit(2) from e


def _load(file: Path, sets: list[str] | None = None, run: bool = True) -> "tuple[pipeline_mod.Pipeline, dict]":
    """The validated pipeline; for a run, parsed through the batch cache that forked workers inherit
    (``validate`` skips it: importing the runner would cost it its fast start)."""
    from platform_core import pipeline as pipeline_mod

    file = _resolve(file)
    try:
        overrides = pipeline_mod.parse_set(sets or [])
        reg = _registry()
        if not run:
            return pipeline_mod.load(file, reg, overrides), overrides
        from platform_core import batch

        return batch.load(str(file), overrides), overrides
    except PipelineError as e:
        for line in str(e).splitlines():
            _error(line)
        raise typer.Exit(2) from e


def _second_interrupt(signum, frame) -> None:
    """The second Ctrl-C: kill the workers and exit at once (records already written stay)."""
    from platform_core import pool

    typer.echo("second Ctrl-C: stopped at once", err=True)
    pool.kill_all()
    os._exit(130)


def _first_interrupt(signum, frame) -> None:
    signal.signal(signal.SIGINT, _second_interrupt)
    raise KeyboardInterrupt


class Executor(StrEnum):
    local = "local"
    ray = "ray"


@app.command()
def run(
    pipeline: Annotated[Path, typer.Argument(help="pipeline YAML file, or PLUGIN:NAME (see `recog pipelines list`)")],
    input: Annotated[str | None, typer.Option("--input", "-i", help="file, folder or glob")] = None,
    out_dir: Annotated[Path | None, typer.Option("--out", "-o", help="folder for results.jsonl and files")] = None,
    set_: Annotated[list[str] | None, typer.Option("--set", help="STEP.PARAM=VALUE (repeatable)")] = None,
    stats: Annotated[bool, typer.Option("--stats", help="print per-stage metrics at the end")] = False,
    workers: Annotated[int | None, typer.Option(help="processes for batch runs (default: one per core)")] = None,
    resume: Annotated[bool, typer.Option("--resume", help="skip inputs already recorded ok in OUT/results.jsonl")]
    = False,
    trust_pickle: Annotated[bool, typer.Option("--trust-pickle", help="allow pickled PyTorch model files given by "
                                               "path (they run any code they hold)")] = False,
    executor: Annotated[Executor, typer.Option(help="where batch inputs run: a local process pool or a Ray cluster")]
    = Executor.local,
    address: Annotated[str | None, typer.Option(help="Ray cluster: host:port, ray://host:10001 or auto "
                                                     "(default: $RAY_ADDRESS, else start Ray here)")] = None,
    actors: Annotated[int | None, typer.Option(help="Ray actors (default: the cluster's CPUs / --cpus-per-actor)")]
    = None,
    cpus_per_actor: Annotated[float | None, typer.Option(help="CPUs Ray reserves per actor (default 1)")] = None,
    gpus_per_actor: Annotated[float | None, typer.Option(help="GPUs Ray reserves per actor (default 0)")] = None,
) -> None:
    """Run a pipeline (until Ctrl-C for live sources).

    Exit 0: all inputs ok; 1: some failed; 2: invalid pipeline or options; 130: stopped by Ctrl-C.
    """
    from rich.text import Text

    from platform_core import batch, metrics, models, outputs

    if trust_pickle:  # before the executor starts: Ray actors take the RECOG_* variables set by then
        os.environ[models.TRUST_PICKLE] = "1"
    run_all = _executor(executor, workers, address, actors, cpus_per_actor, gpus_per_actor, stats)
    pipeline = _resolve(pipeline)
    p, overrides = _load(pipeline, set_)
    if out_dir is not None and out_dir.exists() and not out_dir.is_dir():
        _error(f"--out {out_dir}: exists and is not a folder")
        raise typer.Exit(2)
    try:
        outputs.check_paths(p.outputs, out_dir)
    except outputs.OutputPathError as e:
        _error(f"{pipeline}: {e}")
        raise typer.Exit(2) from e
    try:
        inputs = batch.plan(p, input)
    except InputError as e:
        _error(e)
        raise typer.Exit(1) from e
    jobs = batch.make_jobs(str(pipeline), overrides, inputs, out_dir)
    if p.live and executor is Executor.ray:
        _error("live pipelines run in this process; --executor ray is for batch inputs")
        raise typer.Exit(2)
    skipped = 0
    if resume:
        done = batch.done_inputs(out_dir)
        skipped = sum(j.input in done for j in jobs)
        jobs = [j for j in jobs if j.input not in done]
    if out_dir is not None and executor is Executor.local:  # Ray actors may run on other machines
        outputs.sweep(out_dir)
    n_workers = 1 if p.live else (workers if workers is not None else batch.default_workers(len(jobs)))
    if executor is Executor.ray:
        n_workers = actors
    writer = batch.ResultsWriter(out_dir)
    progress = _Progress(len(jobs), p.live)
    records: list[batch.Record] = []

    def on_record(rec: batch.Record) -> None:
        records.append(rec)
        writer.write(rec)
        progress.advance()
        if rec.interrupted:
            progress.console.print("stopped by Ctrl-C" + ("; outputs closed" if rec.ok else f": {rec.input}"),
                                   style="yellow", markup=False, highlight=False)
        elif not rec.ok:
            progress.console.print(Text.assemble(("failed:", "red"), " ", str(rec.error)), highlight=False)

    stopped = False
    previous = signal.signal(signal.SIGINT, _first_interrupt)
    try:
        with progress:
            run_all(jobs, n_workers, on_record, progress.packets)
    except KeyboardInterrupt:
        stopped = True
    except RecogError as e:  # the executor itself failed (Ray unreachable, no worker could start)
        _error(e)
        raise typer.Exit(2) from e
    finally:
        signal.signal(signal.SIGINT, previous)
        writer.close()
    failed = [r for r in records if not r.ok]
    stopped = stopped or any(r.interrupted and not r.ok for r in records)
    not_run = len(jobs) - len(records)
    if len(jobs) > 1 or failed or stopped or skipped:
        parts = [f"{len(records) - len(failed)} of {len(jobs) + skipped} inputs ok"]
        if skipped:
            parts.append(f"{skipped} already ok before (--resume)")
        n_interrupted = sum(r.interrupted and not r.ok for r in records)
        if len(failed) - n_interrupted:
            parts.append(f"{len(failed) - n_interrupted} failed")
        if n_interrupted:
            parts.append(f"{n_interrupted} interrupted")
        if not_run:
            parts.append(f"{not_run} not run (finish with --resume)")
        typer.echo("; ".join(parts) + (f"; results in {writer.path}" if writer.path else ""), err=True)
    if stats:
        _print_stats(metrics.merge([r.metrics for r in records if r.ok]))
    raise typer.Exit(130 if stopped else 1 if failed else 0)


def _executor(name: Executor, workers: int | None, address: str | None, actors: int | None, cpus: float | None,
              gpus: float | None, stats: bool):
    """``batch.run_all``, or a RayExecutor whose actors start now; Ray's options without Ray are an error."""
    from platform_core import batch

    ray_opts = {"--address": address, "--actors": actors, "--cpus-per-actor": cpus, "--gpus-per-actor": gpus}
    if name is Executor.local:
        if given := [k for k, v in ray_opts.items() if v is not None]:
            _error(f"{', '.join(given)} need --executor ray")
            raise typer.Exit(2)
        return batch.run_all
    if workers is not None:
        _error("--workers sizes the local pool; with --executor ray use --actors")
        raise typer.Exit(2)
    from platform_core import ray_executor

    try:  # the actors start loading now, while the pipeline is parsed and the inputs listed
        return ray_executor.RayExecutor(address, actors, 1.0 if cpus is None else cpus, gpus or 0.0,
                                        _print_actors if stats else None)
    except RecogError as e:
        _error(e)
        raise typer.Exit(2) from e


def _print_actors(rows: list[dict]) -> None:
    numbers = ("pid", "inputs", "ONNX sessions loaded")
    _console(stderr=True).print(_table("ray actors", ("node", *numbers), right=numbers,
                                       rows=([r["node"][:12], r["pid"], r["inputs"], r["models"]] for r in rows)))


class _Progress:
    """A Rich progress display on stderr for runs over several inputs or many packets."""

    def __init__(self, total: int, live: bool):
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn

        console = _console(stderr=True)
        self.enabled = console.is_terminal
        cols = [SpinnerColumn(), TextColumn("{task.description}")]
        if total > 1:
            cols += [BarColumn(), MofNCompleteColumn()]
        self.bar = Progress(*cols, console=console, transient=True, disable=not self.enabled)
        self.task = self.bar.add_task("live: Ctrl-C to stop" if live else "inputs", total=total)
        self.console = self.bar.console

    def __enter__(self):
        self.bar.__enter__()
        return self

    def __exit__(self, *exc):
        return self.bar.__exit__(*exc)

    def advance(self) -> None:
        self.bar.advance(self.task)

    def packets(self, n: int) -> None:
        self.bar.update(self.task, description=f"{n} packets")


def _print_stats(rows: list[dict]) -> None:
    def ms(value: float | None) -> str:
        return "-" if value is None else f"{value:.3f}"

    numbers = ("in", "out", "dropped", "p50 ms", "p95 ms")
    _console(stderr=True).print(_table("stage metrics", ("stage", "component", *numbers), right=numbers, rows=(
        [r["stage"], r["component"], r["in"], r["out"], r["dropped"], ms(r["p50_ms"]), ms(r["p95_ms"])]
        for r in rows)))


@app.command()
def validate(pipeline: Annotated[Path, typer.Argument(help="pipeline YAML file, or PLUGIN:NAME")]) -> None:
    """Check a pipeline without running it (exit 2 when invalid)."""
    p, _ = _load(pipeline, run=False)
    _say("green", "ok", f"{pipeline}: {len(p.sources)} source(s), {len(p.steps)} step(s), {len(p.outputs)} output(s)")


@app.command()
def schema() -> None:
    """Print the JSON Schema of pipeline files, with the parameters of installed components."""
    from platform_core.schema import pipeline_schema

    print(json.dumps(pipeline_schema(_registry()), indent=2))


@plugins_app.command("list")
def plugins_list(as_json: Annotated[bool, typer.Option("--json", help="machine-readable output")] = False) -> None:
    """Every installed plugin: its components and the kinds it declares."""
    reg = _registry()
    rows = [{"id": cid, "role": c.spec.role, "version": c.spec.version, "consumes": list(c.spec.consumes),
             "produces": list(c.spec.produces), "summary": c.spec.summary, "plugin": c.plugin,
             "distribution": c.distribution} for cid, c in sorted(reg.components.items())]
    kinds = [{"name": k.name, "summary": k.summary, "plugin": reg.kind_plugins.get(k.name)}
             for k in sorted(reg.kinds.values(), key=lambda k: k.name)]
    if as_json:
        print(json.dumps({"plugins": reg.distributions, "broken": reg.broken, "components": rows, "kinds": kinds},
                         indent=2))
        return
    _console().print(_table("recog components", ("id", "role", "version", "consumes", "produces", "summary",
                                                 "distribution"),
                            [[r["id"], r["role"], r["version"], ", ".join(r["consumes"]) or "-",
                              ", ".join(r["produces"]) or "-", r["summary"], r["distribution"]] for r in rows]))
    _console().print(_table("kinds", ("kind", "data", "declared by"),
                            [[k["name"], k["summary"], k["plugin"] or "recog"] for k in kinds]))


def _type(prop: dict) -> str:
    """A JSON Schema property's type as a reader would write it: ``'a' | 'b'`` for enums, ``int | null``..."""
    if "enum" in prop or "const" in prop:
        return " | ".join(repr(v) for v in prop.get("enum", [prop.get("const")]))
    if "anyOf" in prop:
        return " | ".join(_type(x) for x in prop["anyOf"])
    if prop.get("type") == "array":
        return f"list[{_type(prop.get('items', {}))}]"
    return prop.get("type") or ("object" if "$ref" in prop else "any")


@plugins_app.command("info")
def plugins_info(component_id: Annotated[str, typer.Argument(metavar="ID")]) -> None:
    """A component's parameters with types, defaults and help, and the kinds it consumes and produces."""
    from platform_core.pipeline import did_you_mean

    reg = _registry()
    comp = reg.get(component_id)
    if comp is None:
        _error(f"unknown component {component_id!r}{did_you_mean(component_id, reg.components)}")
        raise typer.Exit(2)
    s = comp.spec
    out = _console()
    out.print(f"[bold]{s.id}[/] {s.version} ({s.role}) from {comp.distribution}\n{s.summary}")
    out.print(f"consumes: {', '.join(s.consumes) or '-'}   produces: {', '.join(s.produces) or '-'}"
              + (f"   models: {', '.join(s.models)}" if s.models else ""), highlight=False)
    for name in dict.fromkeys(k for kind in (*s.consumes, *s.produces) for k in kind.split("|")):
        if name in reg.kinds:
            out.print(f"  {name}: {reg.kinds[name].summary}", highlight=False)
    from platform_core.schema import params_schema

    props, _ = params_schema(s)
    t = _table("parameters", ("name", "type", "default", "help"),
               [[name, _type(props.get(name, {})), "required" if field.is_required() else repr(field.default),
                 field.description or ""] for name, field in s.params.model_fields.items()])
    out.print(t)


@plugins_app.command("doctor")
def plugins_doctor() -> None:
    """What is wrong with each installed plugin (exit 1 when something is)."""
    from platform_core import doctor

    reg = _registry()
    findings = doctor.examine(reg)
    out = _console()
    for name, problems in findings.items():
        dist = reg.plugins[name].distribution if name in reg.plugins else ""
        if problems:
            out.print(f"[red]problem[/] {name} ({dist})", highlight=False)
            for p in problems:
                out.print(f"  - {p}", highlight=False)
        else:
            out.print(f"[green]ok[/] {name} ({dist})", highlight=False)
    raise typer.Exit(1 if any(findings.values()) else 0)


@plugins_app.command("new")
def plugins_new(
    name: Annotated[str, typer.Argument(help="plugin name: lower case letters, digits and '_'")],
    folder: Annotated[Path, typer.Option("--dir", help="where to create recog-NAME/")] = Path("."),
) -> None:
    """Write a working plugin distribution: entry point, one component, a pipeline, tests, README, registry entry."""
    from platform_core import scaffold

    try:
        root = scaffold.create(name, folder)
    except ValueError as e:
        _error(e)
        raise typer.Exit(2) from e
    _console().print(f"[green]created[/] {root}\nnext: pip install -e {root} && pytest {root / 'tests'} && "
                     f"recog run {name}:{name}", highlight=False)


@pipelines_app.command("list")
def pipelines_list(as_json: Annotated[bool, typer.Option("--json", help="machine-readable output")] = False) -> None:
    """The pipelines installed plugins ship (run one with `recog run PLUGIN:NAME`)."""
    from platform_core import catalog

    rows = [{"pipeline": ref, "file": str(f), "summary": _summary(f)} for ref, f in catalog.pipelines().items()]
    if as_json:
        print(json.dumps(rows, indent=2))
        return
    _console().print(_table("shipped pipelines", ("pipeline", "summary", "file"),
                            [[r["pipeline"], r["summary"], r["file"]] for r in rows]))


def _summary(file: Path) -> str:
    """A pipeline file's ``description``, else its first comment line."""
    import yaml

    text = file.read_text()
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError:
        doc = None
    if isinstance(doc, dict) and doc.get("description"):
        return str(doc["description"])
    return next((line.lstrip("# ").strip() for line in text.splitlines() if line.startswith("#")), "")


@registry_app.command("check")
def registry_check(files: Annotated[list[Path], typer.Argument(help="plugin index entries (YAML)")]) -> None:
    """Validate plugin index entries against the registry's schema (exit 1 when one is invalid)."""
    from platform_core import index

    bad = 0
    for f in files:
        problems = index.check(f)
        if problems:
            bad += 1
            for p in problems:
                _say("red", "invalid", f"{f}: {p}", stderr=True)
        else:
            _say("green", "ok", f)
    raise typer.Exit(1 if bad else 0)


@models_app.command("list")
def models_list(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Every model card the installed plugins ship."""
    from platform_core import models

    rows = [models.describe(c) for c in models.cards().values()]
    if as_json:
        print(json.dumps(rows, indent=2))
        return
    _console().print(_table("recog models", ("id", "task", "version", "file", "size", "license"),
                            [[r["id"], r["task"], r["version"], r["file"], f"{r['size']:,}", r["license"]]
                             for r in rows]))


@models_app.command("verify")
def models_verify(model_id: Annotated[str | None, typer.Argument(metavar="[ID]")] = None) -> None:
    """Check the sha256 of one or every shipped model file against its card."""
    from platform_core import models

    cards = models.cards()
    ids = [model_id] if model_id else list(cards)
    bad = 0
    for mid in ids:
        try:
            c = cards.get(mid) or models.card(mid)
            models.verify_file(c.path, c.sha256)
            _say("green", "ok", f"{mid}  {c.path}")
        except ModelError as e:
            bad += 1
            _say("red", "failed", f"{mid}: {e}", stderr=True)
    raise typer.Exit(1 if bad else 0)


def _task(name: str):
    reg = _registry()
    if name not in reg.tasks:
        from platform_core.pipeline import did_you_mean

        _error(f"unknown task {name!r}{did_you_mean(name, reg.tasks)}; "
               f"installed: {', '.join(sorted(reg.tasks)) or 'none'}")
        raise typer.Exit(2)
    return reg.tasks[name]


_EXTRA = {"allow_extra_args": True, "ignore_unknown_options": True, "help_option_names": []}


@app.command(context_settings=_EXTRA)
def train(ctx: typer.Context, task: Annotated[str, typer.Argument(help="task name, e.g. digits")]) -> None:
    """Train a task's model (extra arguments go to the task's trainer)."""
    raise typer.Exit(_task(task).train(list(ctx.args)))


@app.command("eval", context_settings=_EXTRA)
def evaluate(ctx: typer.Context, task: Annotated[str, typer.Argument(help="task name, e.g. digits")]) -> None:
    """Evaluate a task's shipped model and print its metrics."""
    raise typer.Exit(_task(task).evaluate(list(ctx.args)))


@app.command()
def serve(
    pipelines: Annotated[list[Path] | None, typer.Argument(help="pipeline files or folders (default: pipelines/)")
                         ] = None,
    host: Annotated[str, typer.Option(help="address to listen on (0.0.0.0 exposes it to the network)")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to listen on")] = 8000,
    runs: Annotated[Path, typer.Option("--runs", help="folder that keeps one folder per run")] = Path("runs"),
    jobs: Annotated[int, typer.Option(min=1, help="runs executed at once; more wait in the queue")] = 2,
    max_upload_mb: Annotated[float, typer.Option(help="largest upload accepted (all files together)")] = 50.0,
) -> None:
    """A web page for every pipeline: upload, draw or record inputs, see the renderers' views of the results."""
    try:
        import uvicorn

        from platform_core.serve import catalog
        from platform_core.serve.app import create_app
    except ImportError as e:
        _error(f"recog serve needs the serve extra: pip install 'recog[serve]' ({e})")
        raise typer.Exit(2) from e
    try:
        files = catalog.discover(pipelines or [Path("pipelines")])
    except FileNotFoundError as e:
        _error(e)
        raise typer.Exit(2) from e
    if not files:
        _error("no pipeline files given (and none in ./pipelines)")
        raise typer.Exit(2)
    _registry()  # plugin import warnings, once, on the console
    local = host in ("127.0.0.1", "localhost", "::1")
    web = create_app(files, runs, workers=jobs, max_upload_mb=max_upload_mb,
                     allowed_hosts=["127.0.0.1", "localhost", "::1"] if local else None)
    for e in web.state.entries.values():
        if e.error:
            _say("yellow", "warning", f"{e.file}: not served: {e.error}", stderr=True)
    shown = f"[{host}]" if ":" in host else host
    typer.echo(f"recog serve: http://{shown}:{port}/  ({len(files)} pipelines, runs in {runs.resolve()})", err=True)
    uvicorn.run(web, host=host, port=port, log_level="warning")
