"""``build`` under cron: concurrent runs, kill -9, idempotence; plan, check, emergency, USB.

Real renders on the ``small_root`` project (2 scripts, 2 stations, repeat 1).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from click.testing import CliRunner

from broadcast.cli import cli

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
DAY = "2026-11-25"
#: DAY has begun (it is a record): the rewrite tests below rewrite it on purpose
#: Before DAY has begun: a rebuild of DAY is a rebuild of a day still to come.
BEFORE_DAY = time_machine.travel(dt.datetime(2026, 11, 24, 12, 0, tzinfo=TZ), tick=False)
REWRITE = ("--rebuild-past", "--reason", "thử ghi đè khi đang chạy")


def _cmd(root: Path, out: Path, *extra: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "broadcast",
        "build",
        "--date",
        DAY,
        "--root",
        str(root),
        "--out",
        str(out),
        *extra,
    ]


def _env() -> dict[str, str]:
    return dict(os.environ, PYTHONIOENCODING="utf-8")


def _snapshot(out: Path) -> dict[str, bytes]:
    """Playlists by content, bulletins and jingles by name (MP3 tags carry a date)."""
    snap = {}
    for p in sorted(out.rglob("*")):
        rel = p.relative_to(out).as_posix()
        if p.is_file() and p.suffix in (".m3u8", ".json") and rel.startswith("playlists/"):
            snap[rel] = p.read_bytes()
        elif p.is_file() and p.suffix == ".mp3":
            snap[rel] = b""
    return snap


@pytest.mark.slow
def test_two_builds_at_once_both_succeed_and_match_a_single_run(small_root, tmp_path):
    single = tmp_path / "single"
    r = subprocess.run(_cmd(small_root, single), capture_output=True, env=_env(), timeout=300)
    assert r.returncode == 0, r.stderr
    shared = tmp_path / "shared"
    procs = [
        subprocess.Popen(
            _cmd(small_root, shared), stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_env()
        )
        for _ in range(2)
    ]
    results = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [e.decode() for _, e in results]
    # one did the work, the other waited for the lock and found it all done
    fresh = "0 bản tin mới".encode()
    assert sorted(fresh in out for out, _ in results) == [False, True]
    assert _snapshot(shared) == _snapshot(single)
    assert not list(shared.rglob(".*.tmp*"))


def _valid_or_absent(path: Path, versions: set[bytes]) -> None:
    if path.exists():
        assert path.read_bytes() in versions, f"half-written or unknown {path.name}"


@pytest.mark.slow
def test_kill_9_during_build_leaves_the_previous_playlist_or_the_new_one(small_root, tmp_path):
    out = tmp_path / "out"
    assert (
        subprocess.run(
            _cmd(small_root, out), env=_env(), capture_output=True, timeout=300
        ).returncode
        == 0
    )
    folder = out / "playlists" / DAY
    old = {p.name: p.read_bytes() for p in folder.iterdir() if not p.name.startswith(".")}
    # change the schedule so the playlists change, and force fresh renders
    camp = small_root / "schedules" / "campaign.yaml"
    camp.write_text(camp.read_text("utf-8").replace('{at: "17:00"}', '{at: "17:05"}'), "utf-8")
    expected_dir = tmp_path / "expected"
    assert (
        subprocess.run(
            _cmd(small_root, expected_dir), env=_env(), capture_output=True, timeout=300
        ).returncode
        == 0
    )
    new = {
        p.name: p.read_bytes()
        for p in (expected_dir / "playlists" / DAY).iterdir()
        if not p.name.startswith(".")
    }
    assert new != old
    # Crash (SIGKILL) at the N-th file published, from the first bulletin to the last
    # playlist: a named point (broadcast.files.faults), not a delay that passes by luck.
    crashed = []
    for nth in (1, 2, 3, 5, 8, 13, 21, 34, 55, 89):
        for mp3 in (out / "bulletins").rglob("*"):
            if mp3.is_file():
                mp3.unlink()
        done = subprocess.run(
            _cmd(small_root, out, "--jobs", "1", *REWRITE),
            capture_output=True,
            env={**_env(), "BROADCAST_FAULT": f"publish:{nth}"},
            timeout=300,
        )
        if done.returncode == 0:
            break  # fewer than nth files to publish: the build finished
        assert done.returncode == -signal.SIGKILL, done.stderr
        crashed.append(nth)
        for name in set(old) | set(new):
            _valid_or_absent(folder / name, {old.get(name, b""), new.get(name, b"")})
        for p in folder.iterdir():
            assert p.name.startswith(".") or p.name in old, p.name
    assert len(crashed) >= 4, crashed  # crashes among bulletins and among playlists
    r = subprocess.run(
        _cmd(small_root, out, *REWRITE), env=_env(), capture_output=True, timeout=300
    )
    assert r.returncode == 0, r.stderr
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == new  # temp files cleaned


@pytest.mark.slow
def test_next_build_removes_half_written_media_a_killed_run_left(small_root, tmp_path):
    out = tmp_path / "out"
    runner = CliRunner()
    base = ["build", "--date", DAY, "--root", str(small_root), "--out", str(out)]
    assert runner.invoke(cli, base).exit_code == 0
    speech = next(p for p in (out / "cache" / "speech").glob("*/*") if p.is_dir())
    folders = [out / "bulletins" / "shared", out / "announcements", out / "jingles", speech]
    old, young = [], []
    for folder in folders:
        stale = folder / ".x-0123456789.mp3.abcd1234.tmp.mp3"
        stale.write_bytes(b"half")
        os.utime(stale, (time.time() - 7200, time.time() - 7200))
        old.append(stale)
        fresh = folder / ".y-0123456789.mp3.efgh5678.tmp.mp3"  # a render writing right now
        fresh.write_bytes(b"half")
        young.append(fresh)
    r = runner.invoke(cli, base)
    assert r.exit_code == 0, r.output
    assert not any(p.exists() for p in old)
    assert all(p.exists() for p in young)


@pytest.mark.slow
def test_folder_where_a_playlist_goes_publishes_nothing_and_says_so(small_root, tmp_path):
    out = tmp_path / "out"
    assert subprocess.run(_cmd(small_root, out), env=_env(), timeout=300).returncode == 0
    folder = out / "playlists" / DAY
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    (folder / "xom-a.m3u8").unlink()
    (folder / "xom-a.m3u8").mkdir()
    camp = small_root / "schedules" / "campaign.yaml"  # every playlist of the day changes
    camp.write_text(camp.read_text("utf-8").replace('{at: "17:00"}', '{at: "17:05"}'), "utf-8")
    r = subprocess.run(_cmd(small_root, out, *REWRITE), env=_env(), capture_output=True, text=True)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert str(folder / "xom-a.m3u8") in r.stderr and "thư mục trùng tên" in r.stderr
    for name in ("fm-thu.m3u8", "fm-thu.json", "xom-a.json"):  # all old, none half new
        assert (folder / name).read_bytes() == before[name]
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]


@pytest.mark.slow
def test_file_where_a_folder_goes_says_which_and_what_to_do(small_root, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "jingles").write_text("không phải thư mục")
    r = subprocess.run(_cmd(small_root, out, *REWRITE), env=_env(), capture_output=True, text=True)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert str(out / "jingles") in r.stderr and "đang có một tệp" in r.stderr


@pytest.mark.slow
def test_rebuild_is_byte_identical_and_touches_nothing(small_root, tmp_path):
    out = tmp_path / "out"
    runner = CliRunner()
    args = ["build", "--date", DAY, "--root", str(small_root), "--out", str(out)]
    assert runner.invoke(cli, args).exit_code == 0
    files = sorted((out / "playlists" / DAY).iterdir())
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in files}
    assert runner.invoke(cli, args).exit_code == 0
    assert {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in files} == before
    order = json.loads((out / "playlists" / DAY / "fm-thu.json").read_text("utf-8"))
    kinds = [i["kind"] for i in order["items"]]
    # station ID at each session start, a chime between two bulletins, the station's
    # announcement just before each bulletin
    A, B = "announcement", "bulletin"
    assert kinds == ["jingle", A, B, "jingle", A, B, "jingle", A, B]
    assert [i["title"] for i in order["items"] if i["kind"] == "jingle"] == [
        "Nhạc hiệu đài",
        "Chuông chuyển bản tin",
        "Nhạc hiệu đài",
    ]
    assert set(order) >= {"date", "station", "items", "sessions", "notes", "schema"}
    for i in order["items"]:
        assert set(i) >= {
            "start",
            "slot",
            "end",
            "duration_s",
            "file",
            "title",
            "script",
            "source",
            "priority",
            "directive",
            "engine",
            "kind",
        }
        assert (out / "playlists" / DAY / i["file"]).is_file()
    ends = [dt.datetime.fromisoformat(i["end"]) for i in order["items"]]
    starts = [dt.datetime.fromisoformat(i["start"]) for i in order["items"]]
    assert starts[1:] == ends[:-1][: len(starts) - 1] or all(
        starts[n + 1] == ends[n] for n in (0, 1, 3, 4, 6, 7)
    )  # back to back within a session


def test_plan_shows_table_totals_and_overruns_without_rendering(small_root, tmp_path):
    stations = small_root / "schedules" / "stations.yaml"
    stations.write_text(
        stations.read_text("utf-8").replace(
            "    dialect: south\n",
            '    dialect: south\n    windows: ["05:30-05:31", "17:00-18:00"]\n',
        ),
        "utf-8",
    )
    r = CliRunner().invoke(
        cli, ["plan", "--date", DAY, "--root", str(small_root), "--out", str(tmp_path / "none")]
    )
    assert r.exit_code == 0, r.output
    assert "Loa xóm A (xom-a) — 25/11/2026" in r.output
    assert "Σ 05:30" in r.output and "ước tính" in r.output
    assert "dời sang buổi 17:00" in r.output
    assert not (tmp_path / "none").exists()


def test_check_flags_slot_outside_windows_and_limits(small_root):
    stations = small_root / "schedules" / "stations.yaml"
    stations.write_text(
        stations.read_text("utf-8").replace(
            "    dialect: south\n",
            '    dialect: south\n    windows: ["05:30-06:00", "16:00-16:30"]\n'
            "    limits: {max_session: 1m}\n",
        ),
        "utf-8",
    )
    r = CliRunner().invoke(cli, ["check", "--root", str(small_root)])
    assert r.exit_code == 0
    text = r.output  # click 8.2: stdout and stderr together
    assert "lúc 17:00 nằm ngoài mọi khung giờ của xom-a" in text
    assert "campaign.yaml, dòng 7" in text  # the slot's own line
    assert "không đủ chỗ" in text and "tối đa 1 phút một buổi" in text


@pytest.mark.slow
def test_emergency_renders_queues_and_heads_the_next_playlist(small_root, tmp_path):
    out = tmp_path / "out"
    runner = CliRunner()
    base = ["--root", str(small_root), "--out", str(out)]
    assert runner.invoke(cli, ["build", "--date", DAY, *base]).exit_code == 0
    bao = tmp_path / "bao-so-9.md"
    bao.write_text(
        "---\nid: bao-so-9\ntitle: Khẩn cấp về bão số 9\ntopic: thiên tai\n"
        "directive: {number: 12/BCH-PCTT, issuer: Ban chỉ huy PCTT xã}\n"
        "priority: emergency\n---\nBão số 9 đang vào. Bà con chằng chống nhà cửa.\n",
        "utf-8",
    )
    with time_machine.travel(dt.datetime(2026, 11, 25, 10, 0, tzinfo=TZ), tick=False):
        r = runner.invoke(cli, ["emergency", str(bao), "--station", "xom-a", *base])
    assert r.exit_code == 0, r.output
    queue = json.loads((out / "emergency" / "queue.json").read_text("utf-8"))["queue"]
    assert [q["stations"] for q in queue] == [["xom-a"]]
    assert (out / queue[0]["files"]["xom-a"]).is_file()
    order = json.loads((out / "playlists" / DAY / "xom-a.json").read_text("utf-8"))
    evening = [i for i in order["items"] if i["slot"] == "17:00" and i["kind"] == "bulletin"]
    assert evening[0]["script"] == "bao-so-9" and evening[0]["priority"] == "emergency"
    morning = [i for i in order["items"] if i["slot"] == "05:30"]
    assert all(i["script"] != "bao-so-9" for i in morning)
    fm = json.loads((out / "playlists" / DAY / "fm-thu.json").read_text("utf-8"))
    assert all(i["script"] != "bao-so-9" for i in fm["items"])


@pytest.mark.slow
def test_emergency_then_building_tomorrow_does_not_crash(small_root, tmp_path):
    """Cron builds today and tomorrow; an emergency queued today makes the planner look
    back at today while building tomorrow, whose bulletins that run never rendered."""
    camp = small_root / "schedules" / "campaign.yaml"  # one bulletin a day: A, then B
    camp.write_text(
        camp.read_text("utf-8").replace(
            '[{at: "05:30", times: 2}, {at: "17:00"}]', '[{at: "05:30"}]'
        ),
        "utf-8",
    )
    out = tmp_path / "out"
    runner = CliRunner()
    base = ["--root", str(small_root), "--out", str(out)]
    assert runner.invoke(cli, ["build", "--date", DAY, "--days", "2", *base]).exit_code == 0
    bao = tmp_path / "bao-so-9.md"
    bao.write_text(
        "---\nid: bao-so-9\ntitle: Khẩn cấp về bão số 9\ntopic: thiên tai\n"
        "directive: {number: 12/BCH-PCTT, issuer: Ban chỉ huy PCTT xã}\n"
        "priority: emergency\n---\nBão số 9 đang vào.\n",
        "utf-8",
    )
    with time_machine.travel(dt.datetime(2026, 11, 25, 18, 0, tzinfo=TZ), tick=False):
        r = runner.invoke(cli, ["emergency", str(bao), "--station", "xom-a", *base])
        assert r.exit_code == 0, r.output
        r = runner.invoke(cli, ["build", "--date", "2026-11-26", *base])
        assert r.exit_code == 0, r.output
    # after today's last session: it heads tomorrow's first one
    order = json.loads((out / "playlists" / "2026-11-26" / "xom-a.json").read_text("utf-8"))
    bulletins = [i for i in order["items"] if i["kind"] == "bulletin"]
    assert bulletins[0]["script"] == "bao-so-9" and bulletins[0]["slot"] == "05:30"


@pytest.mark.slow
def test_export_usb_numbered_ascii_one_level(small_root, tmp_path):
    out, usb = tmp_path / "out", tmp_path / "usb"
    runner = CliRunner()
    base = ["--root", str(small_root), "--out", str(out)]
    assert runner.invoke(cli, ["build", "--date", DAY, "--days", "2", *base]).exit_code == 0
    r = runner.invoke(
        cli, ["export-usb", "--date", DAY, "--days", "2", "--station", "xom-a", str(usb), *base]
    )
    assert r.exit_code == 0, r.output
    assert sorted(p.name for p in usb.iterdir()) == ["20261125", "20261126"]
    order = json.loads((out / "playlists" / DAY / "xom-a.json").read_text("utf-8"))
    files = sorted(p for p in (usb / "20261125").iterdir() if p.suffix == ".mp3")
    assert len(files) == len(order["items"])
    for n, (p, item) in enumerate(zip(files, order["items"], strict=True), 1):
        # the stick plays the day's items in order: file n is item n, byte for byte
        assert p.read_bytes() == (out / "playlists" / DAY / item["file"]).read_bytes()
        assert p.name.startswith(f"{n:03d}_") and p.name.isascii() and len(p.name) <= 28
        assert all(c.isalnum() or c in "_-." for c in p.name)
        assert p.is_file() and not any(q.is_dir() for q in p.parent.iterdir())
    assert (usb / "20261125" / "PLAYLIST.M3U").read_text().split() == [p.name for p in files]
    # a second export changes nothing
    stamps = {p: p.stat().st_mtime_ns for p in files}
    assert (
        runner.invoke(
            cli, ["export-usb", "--date", DAY, "--station", "xom-a", str(usb), *base]
        ).exit_code
        == 0
    )
    assert {p: p.stat().st_mtime_ns for p in files} == stamps


@pytest.mark.slow
def test_export_usb_removes_earlier_days_and_interrupted_copies(small_root, tmp_path):
    out, usb = tmp_path / "out", tmp_path / "usb thử"
    runner = CliRunner()
    base = ["--root", str(small_root), "--out", str(out)]
    assert runner.invoke(cli, ["build", "--date", DAY, "--days", "2", *base]).exit_code == 0
    export = ["export-usb", "--station", "xom-a", str(usb), *base]
    assert runner.invoke(cli, [*export, "--date", DAY]).exit_code == 0
    (usb / "20261125" / ".001_x.mp3.ab12cd.tmp.mp3").write_bytes(b"half")  # FAT: not hidden
    mine = usb / "20261120"
    mine.mkdir()
    (mine / "ghi-chu.txt").write_text("của người vận hành", "utf-8")
    (usb / "nhac.mp3").write_bytes(b"ID3")
    tomorrow = usb / "20261126"
    tomorrow.mkdir()
    (tomorrow / ".002_y.mp3.ef34gh.tmp.mp3").write_bytes(b"half")
    r = runner.invoke(cli, [*export, "--date", "2026-11-26"])
    assert r.exit_code == 0, r.output
    assert sorted(p.name for p in usb.iterdir()) == ["20261120", "20261126", "nhac.mp3"]
    assert "20261120" in r.output and "không xóa" in r.output  # someone else's file: kept
    assert (mine / "ghi-chu.txt").is_file()
    assert not [p for p in tomorrow.iterdir() if p.name.startswith(".")]


@pytest.mark.parametrize(
    "args,words",
    [
        (["export-usb", "--date", "2027-03-01", "--station", "xom-a", "usb"], "broadcast build"),
        (["plan", "--station", "khong-co"], "khong-co"),
        (["emergency", "x.md", "--station", "khong-co"], "khong-co"),
    ],
)
def test_bad_input_says_what_to_do(small_root, tmp_path, args, words):
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "broadcast",
            *args,
            "--root",
            str(small_root),
            "--out",
            str(tmp_path / "o"),
        ],
        capture_output=True,
        text=True,
        env=_env(),
        cwd=tmp_path,
        timeout=120,
    )
    assert r.returncode == 2 and words in r.stderr and "Traceback" not in r.stderr


@pytest.mark.slow
def test_export_usb_after_a_changed_order_recopies_the_day_in_play_order(small_root, tmp_path):
    out, usb = tmp_path / "out", tmp_path / "usb"
    runner = CliRunner()
    base = ["--root", str(small_root), "--out", str(out)]
    assert runner.invoke(cli, ["build", "--date", DAY, *base]).exit_code == 0
    export = ["export-usb", "--date", DAY, "--station", "xom-a", str(usb), *base]
    assert runner.invoke(cli, export).exit_code == 0
    day = usb / "20261125"
    (day / "ghi-chu.txt").write_text("của người vận hành", "utf-8")
    # The running order changes (as after an emergency): the last item comes first.
    order_path = out / "playlists" / DAY / "xom-a.json"
    order = json.loads(order_path.read_text("utf-8"))
    order["items"] = order["items"][-1:] + order["items"][:-1]
    order_path.write_text(json.dumps(order, ensure_ascii=False), "utf-8")
    assert runner.invoke(cli, export).exit_code == 0
    files = sorted(p for p in day.iterdir() if p.suffix == ".mp3")
    assert len(files) == len(order["items"])
    for p, item in zip(files, order["items"], strict=True):
        assert p.read_bytes() == (order_path.parent / item["file"]).read_bytes()
    # Copied one after the other in play order (FAT players use creation order).
    stamps = [p.stat().st_mtime_ns for p in files]
    assert stamps == sorted(stamps)
    assert (day / "ghi-chu.txt").read_text("utf-8") == "của người vận hành"
    assert sorted(p.name for p in usb.iterdir()) == ["20261125"]  # no .new/.old left


def test_batch_flushes_only_its_own_files_and_nothing_when_nothing_changed(tmp_path, monkeypatch):
    """No machine-wide os.sync(): each written file and its folder are fsynced, and a
    batch with nothing to write (a warm rebuild) touches the disk not at all."""
    import os as _os

    from broadcast.playlists import m3u8 as playlists

    def no_sync() -> None:
        raise AssertionError("os.sync() flushes the whole machine")

    synced: list[str] = []
    real = playlists._fsync
    monkeypatch.setattr(playlists.os, "sync", no_sync)
    monkeypatch.setattr(playlists, "_fsync", lambda p: (synced.append(str(p)), real(p)))
    playlists.Batch().commit()
    assert synced == []
    batch = playlists.Batch()
    batch.add(tmp_path / "a" / "x.m3u8", "x")
    batch.add(tmp_path / "a" / "y.m3u8", "y")
    batch.commit()
    assert (tmp_path / "a" / "x.m3u8").read_text() == "x"
    assert len(synced) == 3 and synced[-1] == str(tmp_path / "a")
    assert not [p for p in _os.listdir(tmp_path / "a") if p.startswith(".")]


def _add_station(root: Path, block: str) -> None:
    stations = root / "schedules" / "stations.yaml"
    stations.write_text(stations.read_text("utf-8") + block, "utf-8")


def _items(out: Path, sid: str) -> list[dict]:
    doc = json.loads((out / "playlists" / DAY / f"{sid}.json").read_text("utf-8"))
    return doc["items"]


@pytest.mark.slow
def test_two_stations_with_the_same_voice_share_one_bulletin_file(small_root, tmp_path):
    """Render once, air everywhere: fm-thu and xom-b speak alike (north, same voice and
    audio), so they play the same bulletin files; each announces itself by name."""
    _add_station(
        small_root,
        "  - id: xom-b\n    name: Loa xóm Bình\n    kind: loudspeaker\n    repeat: 1\n",
    )
    out = tmp_path / "out"
    r = CliRunner().invoke(
        cli, ["build", "--date", DAY, "--root", str(small_root), "--out", str(out)]
    )
    assert r.exit_code == 0, r.output
    folder = out / "playlists" / DAY

    def files(sid: str, kind: str) -> list[Path]:
        return [(folder / i["file"]).resolve() for i in _items(out, sid) if i["kind"] == kind]

    assert files("fm-thu", "bulletin") == files("xom-b", "bulletin")
    assert len(files("fm-thu", "bulletin")) == 3
    assert set(files("xom-a", "bulletin")).isdisjoint(files("fm-thu", "bulletin"))  # south
    # 2 scripts x 2 voices, however many stations
    assert len(list((out / "bulletins" / "shared").glob("*.mp3"))) == 4
    for sid, name in (("fm-thu", "Đài truyền thanh xã Thử"), ("xom-b", "Loa xóm Bình")):
        items = _items(out, sid)
        for n, item in enumerate(items):
            if item["kind"] == "bulletin":
                said = items[n - 1]
                assert said["kind"] == "announcement" and said["title"] == f"{name} xin thông báo."
        (ann,) = set(files(sid, "announcement"))
        meta = json.loads(ann.with_suffix(".json").read_text("utf-8"))
        assert meta["spoken_text"].startswith(name.split()[0]) and meta["station_id"] == sid
        assert meta["speech"] == []  # eSpeak's announcement speech is not kept once made
    cached = len(list((out / "cache" / "speech").rglob("*.flac")))
    # 2 bodies, 2 titles, "Xin nhắc lại": the south station speaks with the same northern
    # eSpeak voice since issue 20 and these texts read alike in both wordings, so the
    # speech cache holds them once (the bulletins still differ: see xom-a above)
    assert cached == 2 + 2 + 1
    # the shared body names no station: its spoken header is the title alone
    body = json.loads(files("xom-b", "bulletin")[0].with_suffix(".json").read_text("utf-8"))
    assert body["station_id"] == "" and "xin thông báo" not in body["spoken_text"]


@pytest.mark.slow
@BEFORE_DAY
def test_a_changed_station_name_remakes_only_that_stations_announcement(small_root, tmp_path):
    out = tmp_path / "out"
    args = ["build", "--date", DAY, "--root", str(small_root), "--out", str(out)]
    assert CliRunner().invoke(cli, args).exit_code == 0
    before = {p: (p.stat().st_mtime_ns, p.stat().st_ino) for p in out.rglob("*.mp3")}
    stations = small_root / "schedules" / "stations.yaml"
    stations.write_text(stations.read_text("utf-8").replace("Loa xóm A", "Loa xóm An"), "utf-8")
    r = CliRunner().invoke(cli, args)
    assert r.exit_code == 0, r.output
    assert "1 bản tin mới" in r.output
    after = {p: (p.stat().st_mtime_ns, p.stat().st_ino) for p in out.rglob("*.mp3")}
    new = set(after) - set(before)
    assert len(new) == 1 and next(iter(new)).parent.name == "announcements"
    assert next(iter(new)).name.startswith("xom-a-")
    assert {p: after[p] for p in before} == before  # nothing else was rewritten
    titles = [i["title"] for i in _items(out, "xom-a") if i["kind"] == "announcement"]
    assert titles and set(titles) == {"Loa xóm An xin thông báo."}
    assert all(
        i["file"].startswith("../../announcements/xom-a-")
        for i in _items(out, "xom-a")
        if i["kind"] == "announcement"
    )


@pytest.mark.slow
@BEFORE_DAY
def test_an_output_folder_of_the_previous_layout_still_rebuilds(small_root, tmp_path):
    """Yesterday's folder: per-station bulletins with the station in the header,
    a WAV speech cache, playlists without announcements. It rebuilds to the new layout,
    reusing the cached speech, and leaves the old files for ``prune`` to remove."""
    from broadcast.project.loader import load_project
    from broadcast.render.renderer import Renderer
    from broadcast.speech.cache import from_flac, to_wav

    out = tmp_path / "out"
    project = load_project(small_root)
    renderer = Renderer(project, out)
    old = [
        renderer.render(s, st)
        for st in project.schedule.stations.values()
        for s in project.scripts.values()
    ]
    assert all(b.path.parent.name == b.station_id for b in old)  # bulletins/<station>/
    for flac in list((out / "cache" / "speech").rglob("*.flac")):
        flac.with_suffix(".wav").write_bytes(to_wav(from_flac(flac.read_bytes())))
        flac.unlink()
    folder = out / "playlists" / DAY
    folder.mkdir(parents=True)
    b = old[0]
    rel = f"../../bulletins/{b.station_id}/{b.path.name}"
    (folder / f"{b.station_id}.m3u8").write_text(
        f"#EXTM3U\n#EXTINF:{round(b.duration_s)},x\n{rel}\n"
    )
    (folder / f"{b.station_id}.json").write_text(
        json.dumps(
            {
                "date": DAY,
                "station": {"id": b.station_id, "name": "x", "kind": "fm"},
                "timezone": "Asia/Ho_Chi_Minh",
                "schema": 2,
                "sessions": [],
                "notes": [],
                "items": [
                    {
                        "start": f"{DAY}T05:30:00+07:00",
                        "slot": "05:30",
                        "end": f"{DAY}T05:31:00+07:00",
                        "duration_s": b.duration_s,
                        "file": rel,
                        "title": b.title,
                        "script": b.script_id,
                        "source": "thu",
                        "priority": "normal",
                        "directive": "",
                        "engine": "espeak",
                        "kind": "bulletin",
                    }
                ],
            }
        )
    )
    r = CliRunner().invoke(
        cli, ["build", "--date", DAY, "--root", str(small_root), "--out", str(out)]
    )
    assert r.exit_code == 0, r.output
    wavs = {p.stem for p in (out / "cache" / "speech").rglob("*.wav")}
    flacs = {p.stem for p in (out / "cache" / "speech").rglob("*.flac")}
    assert wavs and flacs and not wavs & flacs  # old speech read as it was, never re-made
    for sid in project.schedule.stations:
        items = _items(out, sid)
        kinds = {i["kind"] for i in items}
        assert {"announcement", "bulletin", "jingle"} <= kinds
        for i in items:
            assert (folder / i["file"]).is_file()
            if i["kind"] == "bulletin":
                assert i["file"].startswith("../../bulletins/shared/")
    assert all(b.path.is_file() for b in old)  # history stays until prune removes it


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_text(errors="replace")
    except OSError:
        return ""


def _running(pid: int) -> bool:
    try:
        return "Z" not in Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1][:3]
    except OSError:
        return False


def _descendants(pid: int) -> set[int]:
    out: set[int] = set()
    frontier = [pid]
    while frontier:
        p = frontier.pop()
        try:
            for task in Path(f"/proc/{p}/task").iterdir():
                kids = [int(k) for k in (task / "children").read_text().split()]
                out.update(kids)
                frontier += kids
        except OSError:
            continue
    return out


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux /proc")
def test_render_workers_end_with_a_build_killed_with_kill_9(small_root, tmp_path):
    """A killed build leaves no worker process behind (cron would pile them up)."""
    proc = subprocess.Popen(
        _cmd(small_root, tmp_path / "out", "--jobs", "2"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=_env(),
    )
    workers: set[int] = set()
    deadline = time.time() + 120
    while time.time() < deadline and proc.poll() is None:
        workers = {p for p in _descendants(proc.pid) if "broadcast" in _cmdline(p)}
        if len(workers) >= 2:
            break
        time.sleep(0.05)
    assert len(workers) >= 2, "the build finished before its workers were seen"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    deadline = time.time() + 10
    alive = set(workers)
    while alive and time.time() < deadline:
        alive = {p for p in alive if _running(p)}
        time.sleep(0.1)
    assert not alive, f"workers {alive} outlived their build"


@pytest.mark.slow
def test_a_warm_rebuild_rewrites_the_as_run_log_only_where_it_differs(small_root, tmp_path):
    """Unchanged playlists already in the as-run log are not written again (a transaction
    with a disk flush per station); a log that lost them (moved aside, a crash between
    publishing and recording) gets them back on the next build."""
    from broadcast.report.asrun import AsRunLog, asrun_path

    out = tmp_path / "out"
    args = ["build", "--date", DAY, "--root", str(small_root), "--out", str(out)]
    assert CliRunner().invoke(cli, args).exit_code == 0
    day = dt.date.fromisoformat(DAY)
    log = AsRunLog(asrun_path(out))
    first = log.planned(day, day)
    assert {p.station_id for p in first} == {"fm-thu", "xom-a"}
    import sqlite3

    def stamps() -> list[int]:  # a rewrite deletes and inserts: new row ids
        with sqlite3.connect(asrun_path(out)) as con:
            return [r[0] for r in con.execute("SELECT rowid FROM planned ORDER BY rowid")]

    before = stamps()
    assert CliRunner().invoke(cli, args).exit_code == 0
    assert log.planned(day, day) == first
    assert stamps() == before  # not rewritten
    for p in asrun_path(out).parent.glob(asrun_path(out).name + "*"):
        p.unlink()
    assert CliRunner().invoke(cli, args).exit_code == 0
    again = AsRunLog(asrun_path(out)).planned(day, day)
    assert [(p.station_id, p.start, p.file) for p in again] == [
        (p.station_id, p.start, p.file) for p in first
    ]


@pytest.mark.slow
def test_spawned_workers_build_the_same_day_as_forked_ones(small_root, tmp_path, monkeypatch):
    """A province's build spawns fresh workers (forks would copy its memory); they get
    only the project's paths and make the same files and playlists."""
    from broadcast.build import pool as build_mod

    args = ["build", "--date", DAY, "--root", str(small_root), "--jobs", "2"]
    assert CliRunner().invoke(cli, [*args, "--out", str(tmp_path / "fork")]).exit_code == 0
    monkeypatch.setattr(build_mod, "SPAWN_ABOVE_STATIONS", 0)
    r = CliRunner().invoke(cli, [*args, "--out", str(tmp_path / "spawn")])
    assert r.exit_code == 0, r.output
    fork, spawn = _snapshot(tmp_path / "fork"), _snapshot(tmp_path / "spawn")
    assert sorted(fork) == sorted(spawn)  # the same files, by content-addressed name
    for name in [n for n in fork if n.endswith(".json")]:
        a, b = (json.loads(x[name])["items"] for x in (fork, spawn))
        assert [(i["kind"], i["file"]) for i in a] == [(i["kind"], i["file"]) for i in b]
        # eSpeak's output depends on its earlier calls in this (test) process: lengths
        # may differ by a few milliseconds between the two builds, not more
        for x, y in zip(a, b, strict=True):
            assert abs(x["duration_s"] - y["duration_s"]) < 0.2
