"""The running order's recording keys (issue 20): read when there, absent before."""

from __future__ import annotations

from pathlib import Path

from broadcast.playlists.running_order import parse_running_order

ITEM = {
    "start": "2026-12-10T17:30:00+07:00",
    "slot": "17:30",
    "end": "2026-12-10T17:30:15+07:00",
    "duration_s": 15.0,
    "file": "../../bulletins/shared/ban-ghi-1234567890.mp3",
    "title": "Bản tin thu âm",
    "script": "ban-ghi",
    "source": "ban-ghi-xa",
    "priority": "priority",
    "directive": "Công văn số 818",
    "engine": "recording",
    "kind": "bulletin",
}


def _doc(item: dict) -> dict:
    return {
        "date": "2026-12-10",
        "station": {"id": "fm", "name": "Đài", "kind": "fm"},
        "items": [item],
        "schema": 2,
    }


def test_a_recorded_item_reads_and_writes_back_its_keys() -> None:
    item = {**ITEM, "voice": "recording", "source_audio": "ban-ghi.mp3"}
    order = parse_running_order(_doc(item), Path("out/playlists/2026-12-10/fm.json"))
    read = order.items[0]
    assert read.is_recording and read.source_audio == "ban-ghi.mp3"
    assert read.as_dict()["voice"] == "recording"
    assert read.as_dict()["source_audio"] == "ban-ghi.mp3"
    assert not read.extra


def test_yesterdays_item_without_them_reads_as_before() -> None:
    old = {**ITEM, "engine": "espeak"}
    read = parse_running_order(_doc(old), Path("out/playlists/2026-12-10/fm.json")).items[0]
    assert not read.is_recording and read.source_audio == "" and read.voice == ""
    assert "voice" not in read.as_dict() and "source_audio" not in read.as_dict()
