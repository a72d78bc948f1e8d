"""Console fixtures: the small project with approval required, three users, clients."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from starlette.testclient import TestClient

from broadcast.project.accounts import Store
from broadcast.project.approval import Approvals, console_db, file_hash
from broadcast.web.app import create_app

PASSWORD = "mat-khau-du-dai"
#: Argon2 at its cheapest: the tests check the flow, not the cost of a guess.
FAST = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
USERS = {"lan": "officer", "chu-tich": "approver", "ky-thuat": "operator"}


def require_approval(root: Path) -> None:
    st = root / "schedules" / "stations.yaml"
    st.write_text("approval: required\n" + st.read_text(encoding="utf-8"), encoding="utf-8")


@pytest.fixture
def console_root(small_root: Path) -> Path:
    """Approval required, with a book started before issue 18: the scripts on disk were
    approved by the silent baseline of that time (yesterday's books load as they were)."""
    require_approval(small_root)
    Approvals(console_db(small_root)).record_baseline(
        {p.stem: file_hash(p) for p in sorted((small_root / "scripts").glob("*.md"))}
    )
    store = Store(console_db(small_root), hasher=FAST)
    for name, role in USERS.items():
        store.add_user(name, role, PASSWORD)
    return small_root


@pytest.fixture
def app(console_root: Path):
    return create_app(console_root, console_root / "audio_out", secret="x" * 32)


def csrf_of(html: str) -> str:
    m = re.search(r'name="csrf" value="([^"]+)"', html)
    assert m, "page has no CSRF field"
    return m.group(1)


def login(client: TestClient, name: str, password: str = PASSWORD):
    token = csrf_of(client.get("/login").text)
    return client.post(
        "/login",
        data={"csrf": token, "name": name, "password": password, "next": "/scripts"},
        follow_redirects=False,
    )


@pytest.fixture
def client_as(app):
    """client_as('officer') -> a TestClient logged in as that role's user."""
    clients = []

    def make(role: str | None = None) -> TestClient:
        client = TestClient(app, base_url="http://127.0.0.1")
        clients.append(client)
        if role is not None:
            name = next(n for n, r in USERS.items() if r == role)
            assert login(client, name).status_code == 303
        return client

    yield make
    for c in clients:
        c.close()
