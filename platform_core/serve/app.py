"""The Starlette app: a page per pipeline, runs on a bounded queue, results shown by file type."""

from __future__ import annotations

import contextlib
import json
import re
from pathlib import Path
from urllib.parse import urlsplit

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from platform_core import batch, plugins
from platform_core import pipeline as pipeline_mod
from platform_core.errors import InputError, PipelineError
from platform_core.serve import catalog, uploads, views
from platform_core.serve.headers import SecurityHeaders
from platform_core.serve.runs import QueueFull, Runs, RunState

HERE = Path(__file__).parent
MB = 1_000_000


def create_app(pipeline_files: list[Path], runs_dir: Path, workers: int = 2, max_upload_mb: float = 50,
               max_files: int = 20, max_waiting: int = 16, allowed_hosts: list[str] | None = None) -> Starlette:
    """The web app for ``pipeline_files``, keeping each run's folder under ``runs_dir``.

    ``allowed_hosts`` limits the Host header (against DNS rebinding when the app listens on localhost).
    """
    entries = catalog.load(pipeline_files)
    runs = Runs(runs_dir, workers, max_waiting)
    templates = Jinja2Templates(directory=HERE / "templates")
    templates.env.filters["shown"] = catalog.shown
    max_bytes = int(max_upload_mb * MB)
    web_views = [v for found in plugins.registry().pm.hook.recog_web_views() for v in found or []]

    def page(request: Request, name: str, status: int = 200, **ctx) -> Response:
        return templates.TemplateResponse(request, name, {"entries": entries, **ctx}, status_code=status)

    def entry_of(request: Request) -> catalog.Entry:
        entry = entries.get(request.path_params["slug"])
        if entry is None:
            raise HTTPException(404, f"no pipeline {request.path_params['slug']!r} on this server")
        return entry

    async def index(request: Request) -> Response:
        return page(request, "index.html", runs=runs.recent())

    async def pipeline_page(request: Request) -> Response:
        entry = entry_of(request)
        return page(request, "pipeline.html", entry=entry, runs=runs.recent(entry.slug),
                    max_mb=max_upload_mb, max_files=max_files)

    async def submit(request: Request) -> Response:
        entry = entry_of(request)
        origin = request.headers.get("origin")
        if origin and urlsplit(origin).netloc != request.headers.get("host"):
            raise HTTPException(403, f"a page from {origin} cannot start runs here")
        if entry.pipeline is None:
            raise HTTPException(400, f"{entry.file.name} is not a valid pipeline: {entry.error}")
        if not entry.uploads:
            raise HTTPException(400, f"{entry.name} reads a live device on the server; run it with `recog run`")
        fields, files = await uploads.read_form(request, max_bytes, max_files)
        try:
            overrides = catalog.overrides(entry, fields)
            p = pipeline_mod.load(entry.file, plugins.registry(), overrides)
        except (ValueError, PipelineError) as e:
            raise HTTPException(400, f"bad parameters: {e}") from e
        if fields.get("example") and entry.example:
            state, folder = runs.new(entry.slug, [Path(entry.example).name], overrides)
            spec = None
        else:
            accepted = await uploads.accept(files, entry.extensions)
            if not accepted:
                raise HTTPException(400, "choose a file to upload")
            state, folder = runs.new(entry.slug, [u.name for u in accepted], overrides)
            spec = str(uploads.save(accepted, folder / "inputs")[0].parent)
        try:
            runs.submit(state, entry.file, batch.plan(p, spec))
        except InputError as e:
            raise HTTPException(400, str(e)) from e
        except QueueFull as e:
            raise HTTPException(503, str(e)) from e
        return RedirectResponse(request.url_for("run", run_id=state.id), status_code=303)

    def state_of(request: Request):
        state = runs.get(request.path_params["run_id"])
        if state is None:
            raise HTTPException(404, "no such run")
        return state

    async def run_page(request: Request) -> Response:
        state = state_of(request)
        entry = entries.get(state.pipeline)
        records = runs.records(state.id)
        shown = await run_in_threadpool(lambda: [_record_view(r, state, request, runs, web_views) for r in records])
        failed = state.state == "failed"
        return page(request, "run.html", status=422 if failed else 200, state=state, entry=entry, records=shown,
                    failed=failed)

    async def run_api(request: Request) -> Response:
        state = state_of(request)
        return JSONResponse({**state.public(), "records": runs.records(state.id)})

    async def download(request: Request) -> Response:
        state = state_of(request)
        path = runs.file(state.id, request.path_params["name"])
        if path is None:
            raise HTTPException(404, "no such file in this run")
        inline = request.query_params.get("inline") == "1"
        return FileResponse(path, filename=None if inline else _download_name(path.name, state),
                            content_disposition_type="inline" if inline else "attachment")

    async def pipelines_api(request: Request) -> Response:
        return JSONResponse([{"slug": e.slug, "name": e.name, "file": str(e.file), "error": e.error,
                              "uploads": e.uploads, "extensions": list(e.extensions),
                              "fields": [{"key": f.key, "type": f.type, "value": f.value, "choices": f.choices}
                                         for f in e.fields]} for e in entries.values()])

    async def error(request: Request, exc: Exception) -> Response:
        status, message = (exc.status_code, exc.detail) if isinstance(exc, HTTPException) else (
            exc.status, str(exc))
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": message}, status_code=status)
        return page(request, "error.html", status=status, status_code=status, message=message)

    routes = [
        Route("/", index),
        Route("/p/{slug}", pipeline_page, name="pipeline"),
        Route("/p/{slug}/runs", submit, methods=["POST"], name="submit"),
        Route("/runs/{run_id}", run_page, name="run"),
        Route("/runs/{run_id}/files/{name:path}", download, name="file"),
        Route("/api/pipelines", pipelines_api),
        Route("/api/runs/{run_id}", run_api, name="run_api"),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]

    @contextlib.asynccontextmanager
    async def lifespan(app):
        yield
        runs.shutdown()

    middleware = [Middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts or ["*"]), Middleware(SecurityHeaders)]
    app = Starlette(routes=routes, exception_handlers={HTTPException: error, uploads.UploadError: error},
                    lifespan=lifespan, middleware=middleware)
    app.state.runs, app.state.entries = runs, entries
    return app


def _record_view(rec: dict, state: RunState, request: Request, runs: Runs, web_views) -> dict:
    """A record with a view per output file that lies in the run's folder, and the uploaded file's name."""
    shown, run_id = [], state.id
    folder = runs.root / run_id
    for out in rec.get("outputs") or []:
        path = Path(out).resolve()
        if not path.is_relative_to(folder) or not path.is_file():
            continue
        name = path.relative_to(folder).as_posix()
        url = str(request.url_for("file", run_id=run_id, name=name))
        v = views.view(path, name, url, web_views)
        v.label = _download_name(path.name, state)
        shown.append(v)
    name = _input_name(rec.get("input"), state)
    error = rec["error"].replace(rec["input"], name) if rec.get("error") and rec.get("input") else rec.get("error")
    return {**rec, "error": error, "views": shown, "summary": views.summary(rec.get("result")),
            "tables": views.result_tables(rec.get("result")),
            "record_json": json.dumps(rec, indent=1), "input_name": name}


def _download_name(name: str, state: RunState) -> str:
    """``input<N><suffix>`` renamed after the uploaded file: ``<its stem><suffix>``."""
    m = re.match(r"input(\d+)(\..*)?$", name)
    if m and int(m[1]) <= len(state.names):
        return Path(state.names[int(m[1]) - 1]).stem + (m[2] or "")
    return name


def _input_name(path: str | None, state: RunState) -> str:
    """The name the user gave an input: uploads are saved as ``inputs/input<N>.<ext>``."""
    if path is None:
        return "live"
    m = re.fullmatch(r"input(\d+)", Path(path).stem)
    if m and Path(path).parent.name == "inputs" and int(m[1]) <= len(state.names):
        return state.names[int(m[1]) - 1]
    return Path(path).name
