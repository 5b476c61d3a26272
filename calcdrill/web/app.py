"""The web application: routes, limits, error handlers, and how it starts and stops.

FastAPI (on Starlette) gives declarative routes, request validation and the OpenAPI page
(``/docs``) for free; uvicorn serves it.  The app is a thin layer: every answer goes to
the same functions as ``calcdrill check``, in a pool of worker processes.
"""

from __future__ import annotations

import asyncio
import logging
from contextlib import asynccontextmanager
from pathlib import Path
from typing import AsyncIterator

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from calcdrill.web import api, pages
from calcdrill.web.config import WebConfig
from calcdrill.web.limits import BodyLimit, RateLimit
from calcdrill.web.pool import GraderBusy, GradingPool
from calcdrill.web.service import Service
from calcdrill.web.store import AttemptStore
from generator.banks.load import find_bank

__all__ = ["create_app", "open_service", "serve"]

log = logging.getLogger(__name__)
STATIC_DIR = Path(__file__).resolve().parent / "static"


def open_service(config: WebConfig) -> Service:
    """Start the workers (they read the banks) and open the database.

    Raises:
        BankError, LookupError: for a ``--bank`` file that cannot be used.
        StoreError: for a database that cannot be opened.
    """
    # Read the instructor's banks here first: a bad file is reported once, as a message,
    # not as a traceback from every worker that tries to read it.
    for path in config.bank_paths:
        find_bank(path)
    store = AttemptStore(config.database)
    pool = GradingPool(config.workers, config.bank_paths)
    try:
        pool.start()
    except BaseException:
        pool.close()
        store.close()
        raise
    return Service(config, pool, store)


def _is_costly(method: str, path: str) -> bool:
    """Requests that make a worker work count towards the rate limit."""
    return path.startswith(("/api/", "/fragment/")) or (path == "/" and method == "POST")


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for error in exc.errors()[:5]:
        where = ".".join(str(p) for p in error.get("loc", ()) if p != "body")
        if error.get("type") == "json_invalid":
            return "the request body is not valid JSON"
        parts.append(f"{where}: {error.get('msg', 'invalid')}" if where else
                     str(error.get("msg", "invalid")))
    return "; ".join(parts) or "the request is malformed"


def _error(request: Request, status: int, message: str, headers=None) -> Response:
    if request.url.path.startswith("/api") or request.url.path == "/healthz":
        return JSONResponse({"detail": message}, status, headers=headers)
    if request.headers.get("hx-request"):
        return pages.render("_message.html.j2", status, message=message)
    return pages.render("error.html.j2", status, status=status, message=message)


def create_app(config: WebConfig, service: Service | None = None) -> FastAPI:
    """The ASGI app.  Without ``service``, one is opened at startup and closed at shutdown."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        own = service is None
        app.state.service = await asyncio.to_thread(open_service, config) if own else service
        try:
            yield
        finally:
            # Commit every queued attempt before the process ends: nothing is lost.
            running = app.state.service
            running.store.close()
            running.pool.close()

    app = FastAPI(title="calcdrill self-check", version="1",
                  description="Check answers to printed calcdrill problems by their code. "
                              "The student page is `/`; the instructor's is `/instructor`.",
                  lifespan=lifespan)
    app.include_router(api.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.get("/healthz", tags=["api"])
    async def healthz() -> dict[str, str]:
        """``{"status": "ok"}`` while the server runs."""
        return {"status": "ok"}

    @app.exception_handler(RequestValidationError)
    async def on_validation(request: Request, exc: RequestValidationError) -> Response:
        message = _validation_message(exc)
        status = 400 if message == "the request body is not valid JSON" else 422
        return _error(request, status, message)

    @app.exception_handler(StarletteHTTPException)
    async def on_http(request: Request, exc: StarletteHTTPException) -> Response:
        message = exc.detail if isinstance(exc.detail, str) else "the request cannot be served"
        if exc.status_code == 404 and message == "Not Found":
            message = f"nothing at {request.url.path}; the self-check page is /"
        if exc.status_code == 405:
            message = f"{request.method} is not accepted at {request.url.path}"
        return _error(request, exc.status_code, message, getattr(exc, "headers", None))

    @app.exception_handler(GraderBusy)
    async def on_busy(request: Request, exc: GraderBusy) -> Response:
        return _error(request, 503, str(exc), {"Retry-After": "2"})

    @app.exception_handler(Exception)
    async def on_bug(request: Request, exc: Exception) -> Response:
        # A bug: the log gets the traceback, the page never does.
        log.error("error serving %s %s", request.method, request.url.path, exc_info=exc)
        return _error(request, 500, "something went wrong on the server; the error is logged")

    # Outermost first: the body limit acts before anything reads a body.
    app.add_middleware(RateLimit, per_minute=config.rate_limit, costly=_is_costly)
    app.add_middleware(BodyLimit, max_bytes=config.max_body)
    return app


def serve(config: WebConfig, *, host: str = "127.0.0.1", port: int = 8000,
          ready=None) -> None:
    """Open the service, then run the app with uvicorn until interrupted.

    ``ready`` (a callable) is called with the address once the workers and database are
    up, before uvicorn starts listening.
    """
    import uvicorn

    service = open_service(config)
    if ready is not None:
        ready(f"http://{host}:{port}/")
    uvicorn.run(create_app(config, service), host=host, port=port, log_level="warning",
                access_log=False, timeout_graceful_shutdown=5)
