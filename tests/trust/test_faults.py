"""Kill the server (SIGKILL) inside a large import and inside a stage change: nothing is lost.

Each test runs a real `chainvest runserver` process against a database of its own, copied from
a demo database migrated once for the module (a SQLite file, or on PostgreSQL a database made
from a template): the pytest-django test database lives inside a transaction no other process
can see. The kill lands inside the open transaction every time: CHAINVEST_FAULT_HOOK makes the
server pause there (chainvest.faults) and leave a marker file, and the test kills on the marker.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
DEMO_PASSWORD = "Fault-test-2026"  # meets the password rules (3 kinds of character)
IMPORT_ROWS = 12_000  # more than one insert chunk (INSERT_CHUNK = 10,000): the kill is mid-write
STEP_TIMEOUT = 45.0
pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")


# --- databases ---------------------------------------------------------------------------------


def _pg_server_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


class SqliteDb:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.url = f"sqlite:///{path}"

    def copy(self, name: str) -> SqliteDb:
        target = self.path.with_name(f"{name}.sqlite3")
        shutil.copyfile(self.path, target)
        return SqliteDb(target)

    def drop(self) -> None:
        self.path.unlink(missing_ok=True)

    def query(self, sql: str) -> list[tuple]:
        with sqlite3.connect(self.path) as conn:
            return conn.execute(sql).fetchall()

    def dump(self) -> dict:
        with sqlite3.connect(self.path) as conn:
            schema = conn.execute(
                "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' "
                "ORDER BY type, name"
            ).fetchall()
            tables = [n for t, n, _ in schema if t == "table"]
            data = {t: _sorted(conn.execute(f'SELECT * FROM "{t}"').fetchall()) for t in tables}
        return {"schema": schema, "data": data}


class PostgresDb:
    def __init__(self, server_url: str, name: str) -> None:
        self.server_url, self.name = server_url, name
        self.url = re.sub(r"/[^/]*$", f"/{name}", server_url)

    @staticmethod
    def _admin(server_url: str):
        import psycopg

        return psycopg.connect(re.sub(r"/[^/]*$", "/postgres", server_url), autocommit=True)

    @classmethod
    def create(cls, server_url: str, name: str, template: str | None = None) -> PostgresDb:
        with cls._admin(server_url) as conn:
            extra = f" TEMPLATE {template}" if template else ""
            conn.execute(f"CREATE DATABASE {name}{extra}")
        return cls(server_url, name)

    def copy(self, name: str) -> PostgresDb:
        return PostgresDb.create(self.server_url, name, template=self.name)

    def drop(self) -> None:
        with self._admin(self.server_url) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)")

    def query(self, sql: str) -> list[tuple]:
        import psycopg

        with psycopg.connect(self.url) as conn:
            return conn.execute(sql).fetchall()

    def dump(self) -> dict:
        import psycopg

        with psycopg.connect(self.url) as conn:
            schema = conn.execute(
                "SELECT tablename, indexname, indexdef FROM pg_indexes "
                "WHERE schemaname = 'public' ORDER BY 1, 2"
            ).fetchall()
            tables = [
                r[0]
                for r in conn.execute(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
                )
            ]
            data = {t: _sorted(conn.execute(f'SELECT * FROM "{t}"').fetchall()) for t in tables}
        return {"schema": schema, "data": data}


def _sorted(rows: list[tuple]) -> list[tuple]:
    return sorted(rows, key=repr)


def _environment(db_url: str, var_dir: Path, hook: str = "") -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHAINVEST_")}
    env.update(
        DATABASE_URL=db_url,
        CHAINVEST_VAR_DIR=str(var_dir),
        CHAINVEST_DEMO_PASSWORD=DEMO_PASSWORD,
        CHAINVEST_IMPORT_IN_BACKGROUND="1",
        PYTHONPATH=os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")]),
    )
    if hook:
        env["CHAINVEST_FAULT_HOOK"] = hook
    return env


def _chainvest(env: dict[str, str], *args: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "chainvest", *args], env=env, capture_output=True, timeout=240
    )
    assert done.returncode == 0, f"chainvest {' '.join(args)}: {done.stderr.decode()[-2000:]}"


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    """The demo, migrated and loaded once by the application itself; each test copies it."""
    var = tmp_path_factory.mktemp("faults-template")
    server = _pg_server_url()
    if server:
        db = PostgresDb.create(server, f"cvfault_tpl_{uuid.uuid4().hex[:10]}")
    else:
        db = SqliteDb(var / "template.sqlite3")
    try:
        env = _environment(db.url, var)
        _chainvest(env, "migrate", "--noinput", "-v", "0")
        _chainvest(env, "demo")
        yield db
    finally:
        db.drop()


@pytest.fixture
def fresh_db(demo_db):
    db = demo_db.copy(f"cvfault_{uuid.uuid4().hex[:10]}")
    try:
        yield db
    finally:
        db.drop()


# --- the server --------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """One `chainvest runserver --noreload` process; always killed by the fixture."""

    def __init__(self, db_url: str, var_dir: Path) -> None:
        self.db_url, self.var_dir = db_url, var_dir
        self.process: subprocess.Popen | None = None
        self.base = ""

    def start(self, hook: str = "") -> Server:
        port = _free_port()
        self.base = f"http://127.0.0.1:{port}"
        log = (self.var_dir / f"server-{port}.log").open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "chainvest", "runserver", "--noreload", f"127.0.0.1:{port}"],
            env=_environment(self.db_url, self.var_dir, hook),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        _wait(lambda: self._answers(), "the server to answer")
        return self

    def _answers(self) -> bool:
        assert self.process.poll() is None, "the server exited: see its log in " + str(self.var_dir)
        try:
            return requests.get(self.base + "/login/", timeout=2).status_code == 200
        except requests.ConnectionError:
            return False

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)


def _wait(condition, what: str, timeout: float = STEP_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


@pytest.fixture
def servers(fresh_db, tmp_path):
    started: list[Server] = []

    def start(hook: str = "") -> Server:
        server = Server(fresh_db.url, tmp_path)
        started.append(server)
        return server.start(hook)

    try:
        yield start
    finally:
        for server in started:
            server.kill()


def _signed_in(base: str, username: str) -> requests.Session:
    session = requests.Session()
    session.get(base + "/login/", timeout=10)
    response = session.post(
        base + "/login/",
        data={
            "username": username,
            "password": DEMO_PASSWORD,
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        },
        headers={"Referer": base + "/login/"},
        timeout=10,
    )
    assert response.status_code == 200 and "sessionid" in session.cookies
    return session


def _reached(var_dir: Path, hook: str) -> bool:
    return (var_dir / f"fault-{hook}.reached").exists()


def _without(dump: dict, table: str) -> dict:
    return {**dump, "data": {t: rows for t, rows in dump["data"].items() if t != table}}


# --- the tests ---------------------------------------------------------------------------------


def test_kill_during_a_large_import_leaves_the_pool_exactly_as_before(servers, fresh_db, tmp_path):
    vendor_file = tmp_path / "企业名录.csv"
    _chainvest(
        _environment(fresh_db.url, tmp_path),
        *("synth", "--enterprises", str(IMPORT_ROWS), "--seed", "11", "--out", str(vendor_file)),
    )
    server = servers("import-write")
    web = _signed_in(server.base, "admin")
    before = fresh_db.dump()
    with vendor_file.open("rb") as fh:
        response = web.post(
            server.base + "/enterprises/import/",
            files={"file": (vendor_file.name, fh, "text/csv")},
            data={"csrfmiddlewaretoken": web.cookies["csrftoken"]},
            headers={"Referer": server.base + "/enterprises/import/"},
            allow_redirects=False,
            timeout=60,
        )
    assert response.status_code == 302, response.text[:500]
    result_url = server.base + response.headers["Location"]
    _wait(lambda: _reached(tmp_path, "import-write"), "the import to write its first chunk")
    server.kill()

    after = fresh_db.dump()
    assert after["schema"] == before["schema"]  # the dropped indexes are back
    assert _without(after, "enterprises_importbatch") == _without(before, "enterprises_importbatch")
    batches = after["data"]["enterprises_importbatch"]
    assert len(batches) == len(before["data"]["enterprises_importbatch"]) + 1

    restarted = servers()
    page = web.get(restarted.base + result_url.removeprefix(server.base), timeout=30)
    assert page.status_code == 200 and "导入中断" in page.text
    assert web.get(restarted.base + "/", timeout=30).status_code == 200
    statuses = fresh_db.query("SELECT status FROM enterprises_importbatch ORDER BY id DESC")
    assert statuses[0] == ("failed",) and ("running",) not in statuses
    final = fresh_db.dump()["data"]["enterprises_enterprise"]
    assert final == before["data"]["enterprises_enterprise"]


def _project_to_terminate(api: requests.Session, base: str) -> int:
    page = api.get(base + "/api/projects", params={"limit": 50}, timeout=30).json()
    return next(p["id"] for p in page["items"] if p["stage"]["code"] != "terminated")


def test_kill_during_a_stage_change_leaves_the_project_exactly_as_before(
    servers, fresh_db, tmp_path
):
    server = servers("stage-change")
    api = requests.Session()
    token = api.post(
        server.base + "/api/auth/token",
        json={"username": "admin", "password": DEMO_PASSWORD},
        timeout=30,
    )
    assert token.status_code == 200, token.text
    api.headers["Authorization"] = f"Bearer {token.json()['token']}"
    project_id = _project_to_terminate(api, server.base)  # also stamps the token's last use
    before = fresh_db.dump()

    def transition() -> None:
        try:
            api.post(
                f"{server.base}/api/projects/{project_id}/transition",
                json={"to_stage": "terminated", "reason": "企业撤资"},
                timeout=STEP_TIMEOUT,
            )
        except requests.RequestException:
            pass  # the server dies under it: that is the point

    caller = threading.Thread(target=transition, daemon=True)
    caller.start()
    _wait(lambda: _reached(tmp_path, "stage-change"), "the stage change to write the project")
    server.kill()
    caller.join(timeout=STEP_TIMEOUT)

    assert fresh_db.dump() == before
    restarted = servers()
    detail = api.get(f"{restarted.base}/api/projects/{project_id}", timeout=30)
    assert detail.status_code == 200 and detail.json()["stage"]["code"] != "terminated"
    assert _signed_in(restarted.base, "admin").get(restarted.base + "/", timeout=30).ok
