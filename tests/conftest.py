"""Shared fixtures and helpers: a copy of the shipped project in a temp folder, pinned time
zone, and ``wait_for`` (every wait on a condition has a deadline)."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def wait_for(
    cond: Callable[[], object], timeout: float = 20.0, what: str = "the condition"
) -> None:
    """Poll ``cond`` until it is true; fail the test after ``timeout`` seconds (never hang)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return
        time.sleep(0.02)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


@pytest.fixture(autouse=True, scope="session")
def _pin_timezone():
    os.environ["TZ"] = "Asia/Ho_Chi_Minh"
    if hasattr(time, "tzset"):
        time.tzset()
    yield


@pytest.fixture
def project_root(tmp_path: Path) -> Path:
    """A writable copy of the shipped scripts/ and schedules/ (and jingles/ if any)."""
    root = tmp_path / "project"
    root.mkdir()
    for name in ("scripts", "schedules", "jingles"):
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, root / name)
    return root


@pytest.fixture
def small_root(project_root: Path) -> Path:
    """The shipped project cut down to two scripts and two stations: fast real renders."""
    keep = {"noi-trinh-bao.md", "khong-cung-cap-otp.md"}
    for path in (project_root / "scripts").glob("*.md"):
        if path.name not in keep:
            path.unlink()
    (project_root / "schedules" / "stations.yaml").write_text(
        """commune: Xã Thử
stations:
  - id: fm-thu
    name: Đài truyền thanh xã Thử
    kind: fm
    repeat: 1
  - id: xom-a
    name: Loa xóm A
    kind: loudspeaker
    dialect: south
    repeat: 1
""",
        encoding="utf-8",
    )
    for path in (project_root / "schedules").glob("*.yaml"):
        if path.name not in ("stations.yaml", "lexicon.yaml"):
            path.unlink()
    (project_root / "schedules" / "campaign.yaml").write_text(
        """campaigns:
  - id: thu
    title: Chiến dịch thử
    directive: {number: 3316/UBND-VHTT, date: 22/11/2024, issuer: UBND huyện Phú Bình}
    from: 2026-11-25
    until: 2026-12-15
    slots: [{at: "05:30", times: 2}, {at: "17:00"}]
""",
        encoding="utf-8",
    )
    return project_root
