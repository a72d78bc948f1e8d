"""A failed USB export leaves the stick exactly as it was (issue 18)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from tests.cli.test_officer_traps import bc


def _tree(dest: Path) -> dict[str, str]:
    return {
        str(p.relative_to(dest)): hashlib.sha1(p.read_bytes()).hexdigest()
        for p in sorted(dest.rglob("*"))
        if p.is_file()
    }


def test_export_of_a_day_not_built_leaves_the_stick_as_it_was(small_root: Path) -> None:
    stick = small_root / "usb"
    assert bc("build", "--root", str(small_root), "--date", "2026-11-25").code == 0
    ok = bc("export-usb", "--root", str(small_root), "--date", "2026-11-25", "-s", "xom-a",
            "--days", "1", str(stick))  # fmt: skip
    assert ok.code == 0, ok.text
    before = _tree(stick)
    assert any(name.startswith("20261125/001_") for name in before)
    failed = bc("export-usb", "--root", str(small_root), "--date", "2026-11-26", "-s", "xom-a",
                "--days", "1", str(stick))  # fmt: skip
    assert failed.code == 2
    assert "Chưa có danh sách phát ngày 26/11/2026" in failed.err
    assert "broadcast build --date 2026-11-26" in failed.err
    assert "Đã xóa" not in failed.out
    assert _tree(stick) == before


def test_export_with_a_missing_bulletin_touches_nothing(small_root: Path) -> None:
    stick = small_root / "usb"
    out = small_root / "audio_out"
    assert bc("build", "--root", str(small_root), "--date", "2026-11-25", "--days", "2").code == 0
    assert bc("export-usb", "--root", str(small_root), "--date", "2026-11-25", "-s", "xom-a",
              "--days", "1", str(stick)).code == 0  # fmt: skip
    before = _tree(stick)
    for mp3 in (out / "bulletins").rglob("*.mp3"):
        mp3.unlink()
    failed = bc("export-usb", "--root", str(small_root), "--date", "2026-11-26", "-s", "xom-a",
                "--days", "1", str(stick))  # fmt: skip
    assert failed.code == 2, failed.text
    assert "Thiếu tệp" in failed.err
    assert _tree(stick) == before
