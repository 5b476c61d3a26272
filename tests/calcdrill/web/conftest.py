"""An app with one real grading worker, shared by the web tests (a worker takes seconds
to start), and helpers to run the real server for the browser tests."""

from __future__ import annotations

import socket
import threading
import time
from typing import Iterator

import pytest
from fastapi.testclient import TestClient

from calcdrill.web import WebConfig, create_app
from generator.banks.load import shipped_banks
from generator.instance import Instance, make_instance

TOKEN = "t0ken-for-tests"


@pytest.fixture(scope="session")
def database(tmp_path_factory) -> str:
    """A fresh SQLite file for the session's attempts."""
    return f"sqlite:///{tmp_path_factory.mktemp('web') / 'attempts.sqlite3'}"


@pytest.fixture(scope="session")
def token() -> str:
    """The instructor token of the test app."""
    return TOKEN


@pytest.fixture(scope="session")
def config(database: str) -> WebConfig:
    return WebConfig(database=database, workers=1, rate_limit=0, solutions_after=2,
                     instructor_token=TOKEN)


@pytest.fixture(scope="session")
def client(config: WebConfig) -> Iterator[TestClient]:
    """A test client of the app; its lifespan starts the worker and opens the database."""
    with TestClient(create_app(config), raise_server_exceptions=False) as test_client:
        yield test_client


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RunningServer:
    """uvicorn serving the app in a thread, on a free port of 127.0.0.1."""

    def __init__(self, config: WebConfig) -> None:
        import uvicorn

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(create_app(config), host="127.0.0.1",
                                                    port=self.port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> "RunningServer":
        self.thread.start()
        deadline = time.monotonic() + 120
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the server did not start")
            time.sleep(0.1)
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)


@pytest.fixture(scope="session")
def instances() -> dict[str, Instance]:
    """One shipped problem of each kind that has one, by kind (seed 5: not the example)."""
    found: dict[str, Instance] = {}
    for bank in shipped_banks():
        for family in bank.families:
            if family.answer_kind not in found:
                instance = make_instance(bank, family, 5)
                if family.answer_kind != "expression" or instance.mistakes:
                    found[family.answer_kind] = instance
    return found


@pytest.fixture(scope="session")
def running_server():
    """A factory: ``with running_server(config) as server:`` serves on ``server.url``."""
    return RunningServer
