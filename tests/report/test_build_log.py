"""End to end on a real build: planned rows land in the log, confirm and preview use them."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from broadcast.build.day import build
from broadcast.project.loader import load_project
from broadcast.report.asrun import AsRunLog, asrun_path
from broadcast.report.preview import render_preview
from broadcast.report.report import build_report

DAY = dt.date(2026, 11, 25)


@pytest.mark.slow
def test_build_logs_planned_bulletins(small_root: Path, tmp_path: Path) -> None:
    out = tmp_path / "audio_out"
    project = load_project(small_root)
    build(project, out, DAY)
    build(project, out, DAY)  # a rebuild replaces, never doubles, the planned rows
    log = AsRunLog(asrun_path(out))
    expected = 0
    for order in sorted((out / "playlists" / DAY.isoformat()).glob("*.json")):
        doc = json.loads(order.read_text("utf-8"))
        items = [i for i in doc["items"] if i["kind"] == "bulletin"]
        planned = log.planned(DAY, DAY, doc["station"]["id"])
        assert [(p.script_id, p.start.isoformat()) for p in planned] == [
            (i["script"], i["start"]) for i in items
        ]
        expected += len(items)
    assert expected > 0
    for sid in project.schedule.stations:
        log.confirm_day(DAY, sid)
    rep = build_report(log, DAY, DAY)
    assert (rep.total.planned, rep.total.aired, len(rep.total.missed)) == (expected, expected, 0)
    res = render_preview(out, DAY, small_root / "scripts")
    assert res.items == expected
