"""Each station's "<name> xin thông báo." is its own running-order item (kind
"announcement") before each shared bulletin. These tests build the small project for real
and check every reader of the running order: the preview page shows it in Vietnamese,
the as-run log and the report do not count it as a bulletin, the daemon plays it in order
(and names it in Vietnamese), the USB export copies it in order.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import logging
import re
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from click.testing import CliRunner

from broadcast.cli import cli
from broadcast.playout.daemon import Daemon
from broadcast.report.asrun import AsRunLog, asrun_path

# every test here starts from a real build of a day (whole pipeline, real audio)
pytestmark = pytest.mark.slow

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
DAY = dt.date(2026, 11, 26)
PLAYER = str(Path(__file__).parent.parent / "playout" / "fake_player.py")


def invoke(*args: str) -> str:
    r = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert r.exit_code == 0, r.output
    return r.output


@pytest.fixture
def built(small_root: Path, tmp_path: Path) -> Path:
    out = tmp_path / "out"
    invoke("build", "--date", DAY.isoformat(), "--root", str(small_root), "--out", str(out))
    return out


def order(out: Path, sid: str) -> dict:
    path = out / "playlists" / DAY.isoformat() / f"{sid}.json"
    return json.loads(path.read_text("utf-8"))


def kinds(doc: dict) -> list[str]:
    return [i["kind"] for i in doc["items"]]


def test_the_build_puts_an_announcement_before_every_bulletin(built):
    for sid, name in (("fm-thu", "Đài truyền thanh xã Thử"), ("xom-a", "Loa xóm A")):
        items = order(built, sid)["items"]
        bulletins = [n for n, i in enumerate(items) if i["kind"] == "bulletin"]
        assert len(bulletins) == 3  # 05:30 twice, 17:00 once
        for n in bulletins:
            assert items[n - 1]["kind"] == "announcement"
            assert items[n - 1]["title"] == f"{name} xin thông báo."


def test_preview_names_every_kind_in_vietnamese(built, small_root):
    invoke("preview", "--date", DAY.isoformat(), "--root", str(small_root), "--out", str(built))
    page = (built / "preview" / f"{DAY.isoformat()}.html").read_text("utf-8")
    body = page.split("<main>")[1].split("</main>")[0]
    visible = re.sub(r"<[^>]+>", " ", body)
    assert "announcement" not in visible and "jingle" not in visible
    assert visible.count("Lời giới thiệu đài: Loa xóm A xin thông báo.") == 3
    assert visible.count("Lời giới thiệu đài: Đài truyền thanh xã Thử xin thông báo.") == 3
    assert visible.count("Nhạc hiệu: ") >= 2
    assert visible.count("Bản tin · Khung giờ") == 6
    # announcements are not bulletins: 3 a station, 6 in the page
    assert 'data-stations="2" data-items="6"' in page
    assert len(re.findall(r'data-kind="announcement"', page)) == 6


def test_as_run_log_and_report_count_bulletins_not_announcements(built, small_root):
    log = AsRunLog(asrun_path(built))
    planned = log.planned(DAY, DAY)
    assert len(planned) == 6
    assert {p.source for p in planned} == {"thu"}
    # recording the running order again (as build does) keeps only bulletins
    log.record_running_order(built / "playlists" / DAY.isoformat() / "xom-a.json")
    assert len(log.planned(DAY, DAY)) == 6
    invoke("asrun", "confirm", "--date", DAY.isoformat(), "--station", "all",
           "--root", str(small_root), "--out", str(built))  # fmt: skip
    assert len(log.plays(DAY, DAY)) == 6
    text = invoke("report", "--from", DAY.isoformat(), "--to", DAY.isoformat(), "--format",
                  "csv", "--root", str(small_root), "--out", str(built))  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(text)))
    by_station = {r["dai"]: r for r in rows if r["nhom"] == "dai"}
    assert {k: (v["ke_hoach"], v["da_phat"]) for k, v in by_station.items()} == {
        "fm-thu": ("3", "3"),
        "xom-a": ("3", "3"),
    }
    assert {r["chien_dich"] for r in rows if r["nhom"] in ("chi_tiet", "ke_hoach")} == {"thu"}
    assert [r["da_phat"] for r in rows if r["nhom"] == "tong"] == ["6"]


def test_daemon_plays_the_announcement_in_order_and_names_it(built, caplog):
    caplog.set_level(logging.INFO, logger="broadcast.playout.onair")
    plog = built.parent / "player.log"
    player = f"{sys.executable} {PLAYER} {{file}} {plog} 0.02"
    with time_machine.travel(dt.datetime(2026, 11, 26, 5, 30, tzinfo=TZ), tick=True):
        d = Daemon(built, player=player, poll_s=0.3, min_aired=0.0)  # 0.02 s stand-in
        d.run_session("xom-a", DAY.isoformat(), "05:30")
    started = [ln.split()[1] for ln in plog.read_text().splitlines() if ln.startswith("start")]
    expected = [
        Path(i["file"]).name for i in order(built, "xom-a")["items"] if i["slot"] == "05:30"
    ]
    assert started == expected and len(started) == 6  # id, ann, b1, chime, ann, b2
    lines = [r.getMessage() for r in caplog.records if "▶" in r.getMessage()]
    assert sum("Loa xóm A xin thông báo. (lời giới thiệu đài," in ln for ln in lines) == 2
    assert not any("announcement" in ln or "(jingle" in ln for ln in lines), lines
    aired = [p for p in AsRunLog(asrun_path(built)).plays(DAY, DAY) if p.result == "played"]
    assert len(aired) == 2 and all(p.source == "thu" for p in aired)


def test_usb_export_numbers_announcements_in_play_order(built, small_root, tmp_path):
    usb = tmp_path / "usb"
    invoke("export-usb", str(usb), "--date", DAY.isoformat(), "--days", "1", "--station",
           "xom-a", "--root", str(small_root), "--out", str(built))  # fmt: skip
    folder = usb / f"{DAY:%Y%m%d}"
    items = order(built, "xom-a")["items"]
    m3u = (folder / "PLAYLIST.M3U").read_text("utf-8").split()
    assert len(m3u) == len(items)
    assert [int(n[:3]) for n in m3u] == list(range(1, len(items) + 1))
    ann = (built / "playlists" / DAY.isoformat() / items[1]["file"]).resolve().read_bytes()
    for name, item in zip(m3u, items, strict=True):
        if item["kind"] == "announcement":
            assert name.startswith(f"{m3u.index(name) + 1:03d}_loa-xom-a"), name
            assert (folder / name).read_bytes() == ann
    listing = (folder / "DANHSACH.TXT").read_text("utf-8-sig")
    assert listing.count("Loa xóm A xin thông báo.") == 3
