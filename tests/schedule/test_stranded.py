"""Nothing stranded (issue 22): a script the schedule names that does not air (deleted,
never written, not approved) is left out with a note on every station and day it was
asked for; everything else is built, and ``build`` exits 0."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from zoneinfo import ZoneInfo

import time_machine
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from broadcast.cli import cli
from broadcast.project.approval import Approvals, console_db, file_hash
from broadcast.schedule.planner import Planner
from tests.schedule.helpers import campaign, fixed, no_jingles, schedule, scripts, station

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
DAY = "2026-11-25"
BEFORE_DAY = time_machine.travel(dt.datetime(2026, 11, 24, 12, 0, tzinfo=TZ), tick=False)
START = dt.date(2026, 11, 25)
EXAMPLES = int(os.environ.get("PLANNER_EXAMPLES", "40"))
REASONS = ("missing", "broken", "unapproved")


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    named=st.lists(st.sampled_from("abcdef"), min_size=1, max_size=4, unique=True),
    present=st.sets(st.sampled_from("abcdef")),
    reasons=st.dictionaries(st.sampled_from("abcdef"), st.sampled_from(REASONS)),
    oneoff=st.sampled_from("abcdef"),
    n_days=st.integers(1, 3),
)
def test_a_named_script_that_does_not_air_has_a_note_on_every_day_it_was_asked(
    named: list[str], present: set[str], reasons: dict[str, str], oneoff: str, n_days: int
) -> None:
    sched = schedule(
        [station("s1"), station("s2", windows=["05:30-06:00", "17:00-18:00"])],
        [campaign("c", scripts=named)],
        [{"id": "o", "script": oneoff, "date": START.isoformat(), "at": "06:30"}],
    )
    scr = scripts(*sorted(present)) if present else {}
    planner = Planner(sched, scr, fixed(60), no_jingles, withheld=reasons)
    for i in range(n_days):
        day = START + dt.timedelta(days=i)
        plan = planner.plan(day)  # never raises
        asked = {("c", s) for s in named if s not in scr}
        if day == START and oneoff not in scr:
            asked.add(("o", oneoff))
        for sid in ("s1", "s2"):
            items = plan.items(sid)
            assert all(it.script_id in scr for it in items)
            notes = [n for n in plan.notes_for(sid) if n.rule == "withheld"]
            assert {(n.source, n.script_id) for n in notes} == asked
            for n in notes:
                assert n.lost and n.kind == "withheld" and n.script_id in n.text
                assert "không phát" in n.text and "{" not in n.text
                if reasons.get(n.script_id, "missing") == "unapproved":
                    assert "chưa được duyệt" in n.text
                elif reasons.get(n.script_id, "missing") == "missing":
                    assert f"scripts/{n.script_id}.md" in n.text
            # what does air is what the scripts that exist ask for
            if any(s in scr for s in named):
                assert any(it.source == "c" for it in items)


CAMPAIGN = """campaigns:
  - id: thu
    title: Chiến dịch thử
    directive: {number: 3316/UBND-VHTT, date: 22/11/2024, issuer: UBND huyện Phú Bình}
    from: 2026-11-25
    until: 2026-12-15
    scripts: [noi-trinh-bao, khong-cung-cap-otp%s]
    slots: [{at: "05:30", times: 2}, {at: "17:00"}]
%s"""


def _write(root: Path, extra_script: str = "", oneoffs: str = "") -> None:
    (root / "schedules" / "campaign.yaml").write_text(
        CAMPAIGN % (extra_script, oneoffs), encoding="utf-8"
    )


def _build(root: Path, out: Path) -> tuple[int, str]:
    with BEFORE_DAY:
        r = CliRunner().invoke(
            cli, ["build", "--date", DAY, "--days", "2", "--root", str(root), "--out", str(out)]
        )
    return r.exit_code, r.output


def _order(out: Path, day: str, sid: str) -> dict:
    return json.loads((out / "playlists" / day / f"{sid}.json").read_text("utf-8"))


def test_a_deleted_script_a_campaign_names_builds_every_station_day_with_a_note(
    small_root, tmp_path
):
    """Issue 22: build exited 2 leaving 3 of 6 station-days unwritten, and yesterday's
    playlists on air with the withdrawn script."""
    out = tmp_path / "out"
    _write(small_root)
    code, output = _build(small_root, out)
    assert code == 0, output
    before = _order(out, DAY, "xom-a")
    assert "khong-cung-cap-otp" in {i.get("script") for i in before["items"]}
    # the district withdraws the script: the file is deleted, the campaign still names it
    (small_root / "scripts" / "khong-cung-cap-otp.md").unlink()
    code, output = _build(small_root, out)
    assert code == 0, output
    for day in (DAY, "2026-11-26"):
        for sid in ("fm-thu", "xom-a"):
            order = _order(out, day, sid)
            aired = {i.get("script") for i in order["items"] if i["kind"] == "bulletin"}
            assert aired == {"noi-trinh-bao"}, (day, sid, aired)
            m3u8 = (out / "playlists" / day / f"{sid}.m3u8").read_text("utf-8")
            assert "khong-cung-cap-otp" not in m3u8
            notes = [n for n in order["notes"] if n["kind"] == "withheld"]
            assert len(notes) == 1 and notes[0]["script"] == "khong-cung-cap-otp"
            assert notes[0]["source"] == "thu" and notes[0]["lost"]
            assert "không có tệp scripts/khong-cung-cap-otp.md" in notes[0]["text"]
    with BEFORE_DAY:
        r = CliRunner().invoke(
            cli, ["plan", "--date", DAY, "--root", str(small_root), "--out", str(out)]
        )
    assert r.exit_code == 0, r.output
    rows = [line for line in r.output.splitlines() if "khong-cung-cap-otp" in line]
    assert any("không phát" in line and "thu" in line for line in rows), r.output


def test_a_oneoff_whose_script_is_not_approved_has_a_note_and_a_plan_row(small_root, tmp_path):
    """Issue 22: only a general warning mentioned it."""
    st_file = small_root / "schedules" / "stations.yaml"
    st_file.write_text("approval: required\n" + st_file.read_text("utf-8"), encoding="utf-8")
    oneoff = (
        "oneoffs:\n  - id: hop-to\n    script: noi-trinh-bao\n    date: 2026-11-25\n"
        '    at: "19:00"\n    stations: [xom-a]\n'
    )
    _write(small_root, oneoffs=oneoff)
    out = tmp_path / "out"
    # issue 18: turning approval on approves nothing; one script is approved, the one the
    # one-off names never was (an edit of an approved one would air its approved version)
    otp = small_root / "scripts" / "khong-cung-cap-otp.md"
    Approvals(console_db(small_root)).record("khong-cung-cap-otp", file_hash(otp), "chu-tich")
    with BEFORE_DAY:
        r = CliRunner().invoke(
            cli, ["build", "--date", DAY, "--root", str(small_root), "--out", str(out)]
        )
    assert r.exit_code == 0, r.output
    order = _order(out, DAY, "xom-a")
    notes = {(n["source"], n["script"]): n for n in order["notes"] if n["kind"] == "withheld"}
    assert set(notes) == {("hop-to", "noi-trinh-bao"), ("thu", "noi-trinh-bao")}
    assert "chưa được duyệt" in notes[("hop-to", "noi-trinh-bao")]["text"]
    assert notes[("hop-to", "noi-trinh-bao")]["slot"] == "19:00"
    fm_notes = [n for n in _order(out, DAY, "fm-thu")["notes"] if n["source"] == "hop-to"]
    assert fm_notes == []  # the one-off was for xom-a only
    with BEFORE_DAY:
        r = CliRunner().invoke(
            cli, ["plan", "--date", DAY, "--root", str(small_root), "--out", str(out)]
        )
    rows = [line for line in r.output.splitlines() if "hop-to" in line]
    assert any("19:00" in line and "chưa được duyệt" in line for line in rows), r.output
