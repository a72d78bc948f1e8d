"""As-run rows name what aired (issue 18): the script version of the running order's item
and the SHA-1 of the file the daemon played; an operator's confirmation copies the version."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import time_machine

from broadcast.report.asrun import AsRunLog, asrun_path
from tests.conftest import wait_for
from tests.playout.test_daemon import DAY, at, daemon, out  # noqa: F401 - the fixture

VERSION = "ab" * 32


def with_versions(out_dir: Path) -> None:
    path = out_dir / "playlists" / DAY.isoformat() / "a.json"
    doc = json.loads(path.read_text("utf-8"))
    for item in doc["items"]:
        if item["kind"] == "bulletin":
            item["version"] = VERSION
    path.write_text(json.dumps(doc), encoding="utf-8")


def test_a_play_records_the_version_and_the_sha1_of_the_file_played(out):  # noqa: F811
    with_versions(out)
    (out / "bulletins" / "a" / "b2.mp3").write_bytes(b"another file")
    with time_machine.travel(at(5, 29, 58), tick=True):
        d = daemon(out)
        d.start()
        wait_for(lambda: len(AsRunLog(asrun_path(out)).plays(DAY, DAY)) == 3)
        d.shutdown()
    rows = {p.script_id: p for p in AsRunLog(asrun_path(out)).plays(DAY, DAY)}
    assert {p.result for p in rows.values()} == {"played"}
    assert {p.version for p in rows.values()} == {VERSION}
    assert rows["b1"].file_sha1 == hashlib.sha1(b"x").hexdigest()
    assert rows["b2"].file_sha1 == hashlib.sha1(b"another file").hexdigest()


def test_a_confirmed_day_names_the_planned_versions(out):  # noqa: F811
    with_versions(out)
    log = AsRunLog(asrun_path(out))
    log.record_running_order(out / "playlists" / DAY.isoformat() / "a.json")
    assert {p.version for p in log.planned(DAY, DAY)} == {VERSION}
    assert log.confirm_day(DAY, "a") == 4
    assert {p.version for p in log.plays(DAY, DAY)} == {VERSION}
