"""Approval: with ``approval: required`` only approved versions of scripts air."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from broadcast.cli import cli
from broadcast.errors import BroadcastError
from broadcast.project.approval import BASELINE_BY, Approvals, console_db, file_hash
from broadcast.project.loader import load_project


def require_approval(root: Path) -> None:
    st = root / "schedules" / "stations.yaml"
    st.write_text("approval: required\n" + st.read_text(encoding="utf-8"), encoding="utf-8")


def plan_text(root: Path) -> str:
    res = CliRunner().invoke(
        cli, ["plan", "--date", "2026-11-25", "--root", str(root), "--out", str(root / "out")]
    )
    assert res.exit_code == 0, res.output
    return res.output


def planned(out: str) -> set[str]:
    """Script ids in the rows of the plan tables."""
    return set(re.findall(r"│ \d\d:\d\d:\d\d │ ([a-z0-9-]+)", out))


def test_without_the_setting_every_script_airs_and_no_book_is_written(small_root):
    project = load_project(small_root, strict=False)
    assert set(project.scripts) == {"noi-trinh-bao", "khong-cung-cap-otp"}
    assert not console_db(small_root).exists()


def test_scripts_on_disk_when_approval_is_turned_on_keep_airing(small_root):
    require_approval(small_root)
    project = load_project(small_root, strict=False)
    assert set(project.scripts) == {"noi-trinh-bao", "khong-cung-cap-otp"}
    rows = Approvals(console_db(small_root)).history("noi-trinh-bao")
    assert [(r.by, r.kind) for r in rows] == [(BASELINE_BY, "baseline")]
    assert rows[0].version == file_hash(small_root / "scripts" / "noi-trinh-bao.md")


def test_an_edited_or_new_script_is_a_draft_until_approved(small_root):
    require_approval(small_root)
    load_project(small_root, strict=False)  # baseline
    path = small_root / "scripts" / "noi-trinh-bao.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nBà con lưu ý.\n", encoding="utf-8")
    new = small_root / "scripts" / "moi-viet.md"
    new.write_text(
        (small_root / "scripts" / "khong-cung-cap-otp.md")
        .read_text(encoding="utf-8")
        .replace("id: khong-cung-cap-otp", "id: moi-viet"),
        encoding="utf-8",
    )
    project = load_project(small_root, strict=False)
    assert set(project.scripts) == {"khong-cung-cap-otp"}
    assert any("noi-trinh-bao" in w and "chưa được duyệt" in w for w in project.warnings)
    out = plan_text(small_root)
    assert planned(out) == {"khong-cung-cap-otp"}
    assert "Cảnh báo: Kịch bản 'moi-viet' chưa được duyệt" in out  # the plan says why

    book = Approvals(console_db(small_root))
    book.record("noi-trinh-bao", file_hash(path), "lanh-dao")
    book.record("moi-viet", file_hash(new), "lanh-dao")
    assert planned(plan_text(small_root)) == {"khong-cung-cap-otp", "noi-trinh-bao", "moi-viet"}
    # check stays strict and sees every file, approved or not
    assert len(load_project(small_root).scripts) == 3


def test_a_wrong_setting_names_the_choices(small_root):
    st = small_root / "schedules" / "stations.yaml"
    st.write_text("approval: yes-please\n" + st.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(BroadcastError) as info:
        load_project(small_root)
    assert "approval" in info.value.message and "required" in info.value.message


def test_build_leaves_a_draft_out_of_the_playlists(small_root, tmp_path):
    require_approval(small_root)
    load_project(small_root, strict=False)  # baseline
    path = small_root / "scripts" / "noi-trinh-bao.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nBà con lưu ý.\n", encoding="utf-8")
    out = tmp_path / "out"
    res = CliRunner().invoke(
        cli, ["build", "--date", "2026-11-25", "--root", str(small_root), "--out", str(out)]
    )
    assert res.exit_code == 0, res.output
    assert "Kịch bản 'noi-trinh-bao' chưa được duyệt" in res.output
    for station in ("fm-thu", "xom-a"):
        playlist = (out / "playlists" / "2026-11-25" / f"{station}.m3u8").read_text("utf-8")
        assert "khong-cung-cap-otp" in playlist and "noi-trinh-bao" not in playlist
