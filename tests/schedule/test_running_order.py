"""The typed running-order reader: yesterday's files (schema 1 and 2) load, tomorrow's
(unknown kinds and keys) too, and a broken file is an error that names file and field."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from broadcast.playlists.m3u8 import Entry, render_running_order
from broadcast.playlists.running_order import RunningOrderError, read_day, read_running_order

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
DAY = dt.date(2026, 11, 25)

# Exactly as the schema-1 writer (before 2026-11-28) wrote it: indent=1, no "schema",
# no at/moved_from/window, no sessions/notes.
SCHEMA_1 = """{
 "date": "2026-11-25",
 "station": {
  "id": "xom-cau",
  "name": "Loa xóm Cầu",
  "kind": "loudspeaker"
 },
 "timezone": "Asia/Ho_Chi_Minh",
 "items": [
  {
   "start": "2026-11-25T05:30:00+07:00",
   "slot": "05:30",
   "end": "2026-11-25T05:30:03.500000+07:00",
   "duration_s": 3.5,
   "file": "../../jingles/station_id.mp3",
   "title": "Nhạc hiệu",
   "script": "",
   "source": "",
   "priority": "",
   "directive": "",
   "engine": "",
   "kind": "jingle"
  },
  {
   "start": "2026-11-25T05:30:03.500000+07:00",
   "slot": "05:30",
   "end": "2026-11-25T05:31:35.500000+07:00",
   "duration_s": 92.0,
   "file": "../../bulletins/xom-cau/canh-bao-156.mp3",
   "title": "Cảnh báo cuộc gọi giả danh công an",
   "script": "canh-bao-156",
   "source": "chien-dich-thang-11",
   "priority": "normal",
   "directive": "Công văn số 3316/UBND-VHTT",
   "engine": "espeak"
  }
 ]
}
"""


def schema_2_text(tmp_path: Path) -> str:
    """A schema-2 file as today's writer writes it."""
    folder = tmp_path / "out" / "playlists" / DAY.isoformat()
    start = dt.datetime(2026, 11, 25, 17, 0, tzinfo=TZ)
    entry = Entry(
        start=start,
        slot=dt.time(17, 0),
        path=tmp_path / "out" / "bulletins" / "a" / "b1.mp3",
        duration_s=60.0,
        title="Bản tin 1",
        script_id="b1",
        source="c",
        priority="priority",
        directive="CV 1",
        engine="espeak",
        at=dt.time(17, 0),
        moved_from=dt.time(5, 30),
        window="17:00-17:30",
    )
    sessions = [{"start": start.isoformat(), "end": start.isoformat(), "window": "17:00-17:30",
                 "capacity_s": 1800, "used_s": 60, "overrun_s": 0}]  # fmt: skip
    station = {"id": "a", "name": "Đài A", "kind": "fm"}
    return render_running_order([entry], folder / "a.m3u8", station, DAY, sessions, [])


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / "out" / "playlists" / DAY.isoformat() / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_schema_1_file_from_yesterday_loads(tmp_path):
    order = read_running_order(write(tmp_path, "xom-cau.json", SCHEMA_1))
    assert order.schema == 1 and order.date == DAY
    assert order.station.name == "Loa xóm Cầu"
    jingle, bulletin = order.items
    assert jingle.kind == "jingle" and not jingle.is_bulletin
    assert bulletin.kind == "bulletin" and bulletin.is_bulletin  # no "kind": a bulletin
    assert bulletin.window is None and bulletin.at is None
    assert bulletin.duration_s == 92.0
    assert (
        order.media(bulletin)
        == (tmp_path / "out" / "bulletins" / "xom-cau" / "canh-bao-156.mp3").resolve()
    )
    assert list(order.by_slot()) == ["05:30"]


def test_schema_2_file_as_written_today_round_trips(tmp_path):
    text = schema_2_text(tmp_path)
    order = read_running_order(write(tmp_path, "a.json", text))
    assert order.schema == 2
    (item,) = order.items
    assert (item.at, item.moved_from, item.window) == ("17:00", "05:30", "17:00-17:30")
    assert item.priority == "priority" and order.sessions[0]["capacity_s"] == 1800
    assert order.as_dict() == json.loads(text)  # nothing lost, nothing renamed


def test_unknown_kinds_keys_and_newer_schema_are_kept_not_refused(tmp_path):
    doc = json.loads(SCHEMA_1)
    doc["schema"] = 3
    doc["producer"] = "tomorrow's build"
    doc["items"].append(
        {"start": "2026-11-25T05:31:35.500000+07:00", "slot": "05:30",
         "end": "2026-11-25T05:31:45.500000+07:00", "duration_s": 10, "file": "x.mp3",
         "title": "Thông báo của đài", "kind": "announcement", "loudness": -16}
    )  # fmt: skip
    order = read_running_order(write(tmp_path, "x.json", json.dumps(doc)))
    last = order.items[-1]
    assert order.schema == 3
    assert last.kind == "announcement" and not last.is_bulletin
    assert last.script == "" and last.extra == {"loudness": -16}
    assert last.as_dict()["loudness"] == -16


@pytest.mark.parametrize(
    "damage,where,what",
    [
        (lambda t: t[: len(t) // 2], "xom-cau.json", "JSON hỏng"),
        (lambda t: t.replace('"duration_s": 92.0', '"duration_s": "92"'), "mục 2", "duration_s"),
        (
            lambda t: t.replace('"file": "../../bulletins', '"fil": "../../bulletins'),
            "mục 2",
            "thiếu trường 'file'",
        ),
        (lambda t: t.replace('"script": "canh-bao-156",', ""), "mục 2", "thiếu trường 'script'"),
        (
            lambda t: t.replace('T05:30:03.500000+07:00",\n   "slot', 'sáng",\n   "slot'),
            "mục 2",
            "ISO 8601",
        ),
        (lambda t: t.replace('"date": "2026-11-25"', '"date": "25/11/2026"'), "date", "YYYY-MM-DD"),
        (lambda t: "[]", "xom-cau.json", "không phải một đối tượng"),
    ],
)
def test_broken_file_is_an_error_naming_file_field_and_fix(tmp_path, damage, where, what):
    path = write(tmp_path, "xom-cau.json", damage(SCHEMA_1))
    with pytest.raises(RunningOrderError) as err:
        read_running_order(path)
    msg = err.value.message
    assert str(path) in msg and where in msg and what in msg, msg
    assert "broadcast build --date" in msg


def test_read_day_returns_good_orders_and_reports_bad_ones(tmp_path):
    write(tmp_path, "a.json", schema_2_text(tmp_path))
    write(tmp_path, "b.json", "{")
    write(tmp_path, "c.json", SCHEMA_1)
    orders, errors = read_day(tmp_path / "out", DAY)
    assert [o.station.id for o in orders] == ["a", "xom-cau"]
    assert len(errors) == 1 and "b.json" in errors[0].message


def test_asrun_log_records_planned_rows_from_a_schema_1_file(tmp_path):
    from broadcast.report.asrun import AsRunLog

    log = AsRunLog(tmp_path / "asrun.sqlite")
    log.record_running_order(write(tmp_path, "xom-cau.json", SCHEMA_1))
    (row,) = log.planned(DAY, DAY)
    assert (row.script_id, row.station_id, row.duration_s) == ("canh-bao-156", "xom-cau", 92.0)


def test_prune_reports_an_unreadable_running_order_and_keeps_what_its_m3u8_names(tmp_path, caplog):
    from broadcast.build.prune import referenced

    out = tmp_path / "out"
    write(tmp_path, "xom-cau.json", "{ half")
    (out / "playlists" / DAY.isoformat() / "xom-cau.m3u8").write_text(
        "#EXTM3U\n../../bulletins/xom-cau/a.mp3\n", encoding="utf-8"
    )
    bad: list[Path] = []
    caplog.set_level("WARNING", logger="broadcast")
    names = referenced(out, DAY, bad)
    assert (out / "bulletins" / "xom-cau" / "a.mp3").resolve() in names
    assert [p.name for p in bad] == ["xom-cau.json"]
    assert any("xom-cau.json" in r.getMessage() and "JSON hỏng" in r.getMessage()
               for r in caplog.records)  # fmt: skip


def test_notes_from_before_lost_and_rule_load_with_defaults(tmp_path):
    doc = json.loads(schema_2_text(tmp_path))
    # a note exactly as build wrote it before 'lost' and 'rule' were added
    doc["notes"] = [{"kind": "dropped", "slot": "05:30", "source": "c", "script": "b2",
                     "text": "'b2' (c) không phát"}]  # fmt: skip
    order = read_running_order(write(tmp_path, "a.json", json.dumps(doc)))
    (note,) = order.notes
    assert note["lost"] is False and note["rule"] == ""
    assert note["kind"] == "dropped" and note["text"] == "'b2' (c) không phát"
    assert order.as_dict()["notes"][0] == {**doc["notes"][0], "lost": False, "rule": ""}


def test_notes_keep_lost_and_rule_and_refuse_a_lost_that_is_not_true_or_false(tmp_path):
    doc = json.loads(schema_2_text(tmp_path))
    note = {"kind": "dropped", "slot": "05:30", "source": "c", "script": "b2", "text": "t",
            "lost": True, "rule": "dropped"}  # fmt: skip
    doc["notes"] = [note]
    order = read_running_order(write(tmp_path, "a.json", json.dumps(doc)))
    assert order.notes == (note,)
    doc["notes"] = [{**note, "lost": "có"}]
    path = write(tmp_path, "b.json", json.dumps(doc))
    with pytest.raises(RunningOrderError) as err:
        read_running_order(path)
    assert "notes[0]" in err.value.message and "'lost'" in err.value.message
