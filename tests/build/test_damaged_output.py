"""Damaged output (issue 23): a file a running order names, truncated, overwritten,
emptied or deleted after the build, is made again by the next ``build`` (bulletins,
jingles, announcements), on a day still to come and on a day already begun (whose kept
running order gets the remade file's size and hash, so the daemon plays it)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from click.testing import CliRunner

from broadcast.cli import cli
from broadcast.files import digest

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
DAMAGE = {
    "truncated": lambda p: p.write_bytes(p.read_bytes()[:100]),
    "garbage": lambda p: p.write_bytes(b"\x00rac" * (p.stat().st_size // 4)),
    "emptied": lambda p: p.write_bytes(b""),
    "deleted": lambda p: p.unlink(),
}


def _build(root: Path, out: Path, when: dt.datetime) -> None:
    with time_machine.travel(when, tick=False):
        res = CliRunner().invoke(
            cli, ["build", "--date", "2026-11-25", "--root", str(root), "--out", str(out)]
        )
    assert res.exit_code == 0, res.output
    assert "Traceback" not in res.output


def _named(out: Path) -> list[tuple[Path, dict]]:  # type: ignore[type-arg]
    return [
        (order, item)
        for order in sorted(out.glob("playlists/2026-11-25/*.json"))
        for item in json.loads(order.read_text("utf-8"))["items"]
    ]


@pytest.mark.parametrize("begun", [False, True], ids=["day-to-come", "day-begun"])
def test_next_build_remakes_every_damaged_file_a_running_order_names(small_root, tmp_path, begun):
    out = tmp_path / "out"
    _build(small_root, out, dt.datetime(2026, 11, 24, 12, tzinfo=TZ))
    media = sorted({(o.parent / i["file"]).resolve() for o, i in _named(out)})
    kinds = {p.parent.name for p in media}
    assert {"jingles", "announcements", "shared"} <= kinds
    for n, path in enumerate(media):  # every kind of damage, on every kind of file
        list(DAMAGE.values())[n % len(DAMAGE)](path)
    again = dt.datetime(2026, 11, 25 if begun else 24, 13, tzinfo=TZ)
    _build(small_root, out, again)
    for order, item in _named(out):
        # what the daemon checks before it plays: sound, as the running order records it
        assert digest.damage(order.parent / item["file"], item["size"], item["sha256"]) is None


def test_a_kept_days_damaged_or_deleted_playlist_is_made_again_as_it_was(small_root, tmp_path):
    out = tmp_path / "out"
    _build(small_root, out, dt.datetime(2026, 11, 24, 12, tzinfo=TZ))
    folder = out / "playlists" / "2026-11-25"
    good = {p.name: p.read_bytes() for p in folder.iterdir()}
    (folder / "fm-thu.m3u8").unlink()
    (folder / "xom-a.json").write_bytes(good["xom-a.json"][:300])  # truncated
    with time_machine.travel(dt.datetime(2026, 11, 25, 12, tzinfo=TZ), tick=False):
        res = CliRunner().invoke(
            cli, ["build", "--date", "2026-11-25", "--root", str(small_root), "--out", str(out)]
        )
    assert res.exit_code == 0, res.output
    assert "xom-a hỏng" in res.output and "nhật ký phát sóng" in res.output
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == good


@pytest.mark.parametrize("nth", [1, 5])
def test_disk_full_while_publishing_names_the_file_and_leaves_no_half_file(
    small_root, tmp_path, capsys, nth
):
    import errno

    from broadcast.cli.main import main
    from broadcast.files import faults

    out = tmp_path / "out"
    calls = []

    def full() -> None:
        calls.append(1)
        if len(calls) >= nth:
            raise OSError(errno.ENOSPC, "No space left on device")

    args = ["build", "--date", "2026-11-25", "--root", str(small_root), "--out", str(out)]
    with (
        faults.inject("publish", full),
        time_machine.travel(dt.datetime(2026, 11, 24, 12, tzinfo=TZ), tick=False),
        pytest.raises(SystemExit) as exit_,
    ):
        main(args)
    err = capsys.readouterr().err
    assert exit_.value.code != 0
    assert "Ổ đĩa đầy: không ghi được tệp" in err and str(out) in err and "Cách sửa" in err
    assert "Traceback" not in err
    assert not [p for p in out.rglob("*") if ".tmp" in p.name]  # no half-written file
    _build(small_root, out, dt.datetime(2026, 11, 24, 13, tzinfo=TZ))  # space freed
    for order, item in _named(out):
        assert digest.damage(order.parent / item["file"], item["size"], item["sha256"]) is None
