from __future__ import annotations

import pytest

from broadcast import atomic


def test_write_replaces_whole_file_and_leaves_no_temp(tmp_path):
    target = tmp_path / "a" / "list.m3u8"
    atomic.write_text(target, "one\n")
    atomic.write_text(target, "two\n")
    assert target.read_text() == "two\n"
    assert [p.name for p in target.parent.iterdir()] == ["list.m3u8"]


def test_failed_writer_keeps_previous_file(tmp_path):
    target = tmp_path / "list.m3u8"
    atomic.write_text(target, "previous\n")

    def broken(tmp):
        tmp.write_text("half a playl")
        raise RuntimeError("crash")

    with pytest.raises(RuntimeError):
        atomic.write_with(target, broken)
    assert target.read_text() == "previous\n"
    assert [p.name for p in tmp_path.iterdir()] == ["list.m3u8"]
