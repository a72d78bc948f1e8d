"""The console's plan of a built day that has begun is its record, as built and aired, not
a new plan from today's scripts (issue 18)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import time_machine
from starlette.testclient import TestClient

from broadcast.project.accounts import Store
from broadcast.project.approval import console_db
from broadcast.report.asrun import AsRunLog
from broadcast.web.app import create_app
from tests.report.history import add_script, at, build, confirm

from .conftest import FAST, PASSWORD, login

D = dt.date(2026, 11, 25)


def _card(page: str, day: dt.date) -> str:
    m = re.search(rf'<div class="card" id="day-{day.isoformat()}">(.*?)</div>\n', page, re.S)
    assert m, f"no card for {day}"
    return m.group(1)


def _rename_station(root: Path) -> None:
    """Today's stations.yaml renames fm-thu (after its days were built)."""
    stations = root / "schedules" / "stations.yaml"
    text = stations.read_text(encoding="utf-8")
    stations.write_text(
        text.replace("Đài truyền thanh xã Thử", "Đài phường Mới đổi tên"), encoding="utf-8"
    )


def _page(root: Path, role: str, when: dt.datetime, url: str) -> str:
    """``url`` as a user of ``role`` sees it at ``when``."""
    Store(console_db(root), hasher=FAST).add_user("nguoi-dung", role, PASSWORD)
    app = create_app(root, root / "audio_out", secret="x" * 32)
    with (
        time_machine.travel(when, tick=False),
        TestClient(app, base_url="http://127.0.0.1") as c,
    ):
        assert login(c, "nguoi-dung").status_code == 303
        return c.get(url).text


def test_plan_of_a_past_built_day_is_what_was_built(small_root: Path) -> None:
    build(small_root, at(dt.date(2026, 11, 24), 20), D, 1)
    add_script(small_root, "moi-0")  # joins the rotation from now on
    Store(console_db(small_root), hasher=FAST).add_user("lan", "officer", PASSWORD)
    app = create_app(small_root, small_root / "audio_out", secret="x" * 32)
    with (
        time_machine.travel(at(D, 9), tick=False),
        TestClient(app, base_url="http://127.0.0.1") as c,
    ):
        assert login(c, "lan").status_code == 303
        page = c.get(f"/plan?date={D.isoformat()}&station=fm-thu").text
    built = _card(page, D)
    assert "Đã làm danh sách phát: đây là hồ sơ" in built
    assert "/scripts/moi-0" not in built  # not in what was built
    assert built.count("<tr><td>") == 3  # 05:30 x2 and 17:00, as built
    nxt = _card(page, D + dt.timedelta(days=1))  # not built: planned from today's files
    assert "đây là hồ sơ" not in nxt and "/scripts/moi-0" in nxt


def test_console_report_has_sections_5_and_6_from_the_record(small_root: Path) -> None:
    build(small_root, at(dt.date(2026, 11, 24), 20), D, 1)
    confirm(small_root, at(D, 21), D, "fm-thu")
    confirm(small_root, at(D, 21), D, "xom-a")
    add_script(small_root, "moi-0")
    Store(console_db(small_root), hasher=FAST).add_user("lan", "officer", PASSWORD)
    app = create_app(small_root, small_root / "audio_out", secret="x" * 32)
    nxt = D + dt.timedelta(days=1)
    with (
        time_machine.travel(at(nxt, 9), tick=False),
        TestClient(app, base_url="http://127.0.0.1") as c,
    ):
        assert login(c, "lan").status_code == 303
        page = c.get(f"/report?from={D.isoformat()}&to={nxt.isoformat()}").text
    five = page.split('id="compliance"')[1].split('id="unbuilt"')[0]
    six = page.split('id="unbuilt"')[1].split("</div>")[0]
    assert "<td>Tổng cộng</td><td></td><td>6</td><td>6</td>" in five
    assert "đài không phát" not in five
    assert "không làm danh sách phát 26/11 (3 bản tin)" in six  # today, never built


def test_asrun_page_of_a_built_day_without_planned_rows_reads_the_frozen_file(
    small_root: Path,
) -> None:
    """The log was moved aside after the build (a fresh one has no planned rows): the
    as-run page still lists what was built, from the running order, and says so; it
    offers no confirmation that the log could not take."""
    build(small_root, at(dt.date(2026, 11, 24), 20), D, 1)
    out = small_root / "audio_out"
    (out / "asrun.sqlite").rename(out / "asrun-cu.sqlite")
    AsRunLog(out / "asrun.sqlite")  # a fresh, empty log
    Store(console_db(small_root), hasher=FAST).add_user("ha", "operator", PASSWORD)
    app = create_app(small_root, out, secret="x" * 32)
    with (
        time_machine.travel(at(D, 21), tick=False),
        TestClient(app, base_url="http://127.0.0.1") as c,
    ):
        assert login(c, "ha").status_code == 303
        page = c.get(f"/asrun?date={D.isoformat()}").text
    card = page.split('id="st-fm-thu"')[1].split('<div class="card"')[0]
    assert "theo lịch 3 bản tin" in card
    assert f"playlists/{D.isoformat()}/fm-thu.json" in card
    assert card.count("<tr><td>") == 3 and "/asrun/confirm" not in card
    assert "Báo không phát" not in card
    assert 'id="st-xom-a"' in page


def test_asrun_page_of_a_past_day_names_stations_as_built(small_root: Path) -> None:
    """A station renamed today keeps, on a past day's as-run page, the name it aired under."""
    build(small_root, at(dt.date(2026, 11, 24), 20), D, 1)
    _rename_station(small_root)
    page = _page(small_root, "operator", at(D + dt.timedelta(days=1), 9), f"/asrun?date={D}")
    assert "Đài truyền thanh xã Thử" in page
    assert "Đài phường Mới đổi tên" not in page


def test_plan_of_a_past_day_names_the_station_as_built(small_root: Path) -> None:
    """The plan's card of a built day says the name the station aired under when it was
    renamed since; days not built yet carry today's name only."""
    build(small_root, at(dt.date(2026, 11, 24), 20), D, 1)
    _rename_station(small_root)
    page = _page(small_root, "officer", at(D, 9), f"/plan?date={D}&station=fm-thu")
    built = _card(page, D)
    assert "tên đài: <strong>Đài truyền thanh xã Thử</strong>" in built
    assert "Đài phường Mới đổi tên" in built  # today's name beside it
    assert "Đài truyền thanh xã Thử" not in _card(page, D + dt.timedelta(days=1))
