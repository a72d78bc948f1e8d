"""Approval: with ``approval: required`` only approved versions of scripts air."""

from __future__ import annotations

import datetime as dt
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


def approve_existing(root: Path, *extra: str, input: str | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(
        cli, ["approve-existing", "--root", str(root), "--by", "lanh-dao", *extra], input=input
    )


def test_turning_approval_on_approves_nothing_until_asked(small_root):
    """Issue 18: no silent baseline. The scripts on disk are drafts (check and build say
    how to approve) until someone runs approve-existing and says yes."""
    require_approval(small_root)
    project = load_project(small_root, strict=False)
    assert project.scripts == {}
    assert any("broadcast approve-existing" in w for w in project.warnings)
    assert Approvals(console_db(small_root)).all() == []
    res = CliRunner().invoke(cli, ["check", "--root", str(small_root)])
    assert res.exit_code == 0, res.output
    assert "'noi-trinh-bao' chưa được duyệt: không phát" in res.output
    assert res.output.count("broadcast approve-existing") == 1  # said once, not per script

    said_no = approve_existing(small_root, input="n\n")
    assert said_no.exit_code != 0 and "noi-trinh-bao" in said_no.output
    assert Approvals(console_db(small_root)).all() == []  # asked, refused: nothing recorded

    res = approve_existing(small_root, input="y\n")
    assert res.exit_code == 0, res.output
    assert "Đã ghi 2 kịch bản là đã duyệt, người duyệt: lanh-dao." in res.output
    rows = Approvals(console_db(small_root)).history("noi-trinh-bao")
    assert [(r.by, r.kind) for r in rows] == [("lanh-dao", "approved")]
    assert rows[0].version == file_hash(small_root / "scripts" / "noi-trinh-bao.md")
    assert set(load_project(small_root, strict=False).scripts) == {
        "noi-trinh-bao",
        "khong-cung-cap-otp",
    }
    again = approve_existing(small_root, "--yes")
    assert again.exit_code == 0 and "Không có kịch bản nào chưa được duyệt" in again.output


def test_yesterdays_baseline_still_counts_as_approved(small_root):
    """A book written before issue 18 holds the silent baseline: it still approves."""
    require_approval(small_root)
    scripts = small_root / "scripts"
    Approvals(console_db(small_root)).record_baseline(
        {p.stem: file_hash(p) for p in scripts.glob("*.md")}
    )
    project = load_project(small_root, strict=False)
    assert set(project.scripts) == {"noi-trinh-bao", "khong-cung-cap-otp"}
    assert project.warnings == []
    rows = Approvals(console_db(small_root)).history("noi-trinh-bao")
    assert [r.by for r in rows] == [BASELINE_BY]


def test_an_edited_script_keeps_airing_its_approved_version_and_a_new_one_waits(small_root):
    require_approval(small_root)
    assert approve_existing(small_root, "--yes").exit_code == 0
    load_project(small_root, strict=False)  # a build sees the approved versions: kept
    path = small_root / "scripts" / "noi-trinh-bao.md"
    approved_text = load_project(small_root).scripts["noi-trinh-bao"].text
    approved = file_hash(path)
    path.write_text(path.read_text(encoding="utf-8") + "\nBà con lưu ý.\n", encoding="utf-8")
    new = small_root / "scripts" / "moi-viet.md"
    new.write_text(
        (small_root / "scripts" / "khong-cung-cap-otp.md")
        .read_text(encoding="utf-8")
        .replace("id: khong-cung-cap-otp", "id: moi-viet"),
        encoding="utf-8",
    )
    project = load_project(small_root, strict=False)
    assert set(project.scripts) == {"khong-cung-cap-otp", "noi-trinh-bao"}
    airing = project.scripts["noi-trinh-bao"]
    assert airing.text == approved_text and "Bà con lưu ý." not in airing.text
    assert airing.version == approved != file_hash(path)
    assert any(
        "noi-trinh-bao" in w and "vẫn phát bản đã duyệt" in w and approved[:10] in w
        for w in project.warnings
    )
    out = plan_text(small_root)
    assert planned(out) == {"khong-cung-cap-otp", "noi-trinh-bao"}
    assert "Cảnh báo: Kịch bản 'moi-viet' chưa được duyệt" in out  # the plan says why

    book = Approvals(console_db(small_root))
    book.record("noi-trinh-bao", file_hash(path), "lanh-dao")
    book.record("moi-viet", file_hash(new), "lanh-dao")
    assert planned(plan_text(small_root)) == {"khong-cung-cap-otp", "noi-trinh-bao", "moi-viet"}
    now = load_project(small_root, strict=False).scripts["noi-trinh-bao"]
    assert "Bà con lưu ý." in now.text and now.version == file_hash(path)
    # check stays strict and sees every file, approved or not
    assert len(load_project(small_root).scripts) == 3


def test_a_broken_edit_of_an_approved_script_keeps_the_approved_version_on_air(small_root):
    require_approval(small_root)
    assert approve_existing(small_root, "--yes").exit_code == 0
    path = small_root / "scripts" / "noi-trinh-bao.md"
    path.write_text("không có phần đầu\n", encoding="utf-8")
    project = load_project(small_root, strict=False)
    assert "noi-trinh-bao" in project.scripts and "noi-trinh-bao" not in project.withheld
    assert project.skipped  # the file's error is still named
    assert any("đang có lỗi" in w for w in project.warnings)


def test_a_wrong_setting_names_the_choices(small_root):
    st = small_root / "schedules" / "stations.yaml"
    st.write_text("approval: yes-please\n" + st.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(BroadcastError) as info:
        load_project(small_root)
    assert "approval" in info.value.message and "required" in info.value.message


def test_build_airs_the_approved_version_and_names_it_in_the_running_order(small_root, tmp_path):
    import json

    from broadcast.report.asrun import AsRunLog, asrun_path

    require_approval(small_root)
    assert approve_existing(small_root, "--yes").exit_code == 0
    path = small_root / "scripts" / "noi-trinh-bao.md"
    approved = file_hash(path)
    path.write_text(path.read_text(encoding="utf-8") + "\nBà con lưu ý.\n", encoding="utf-8")
    out = tmp_path / "out"
    res = CliRunner().invoke(
        cli, ["build", "--date", "2026-11-25", "--root", str(small_root), "--out", str(out)]
    )
    assert res.exit_code == 0, res.output
    assert "Kịch bản 'noi-trinh-bao' có bản sửa chưa được duyệt" in res.output
    for station in ("fm-thu", "xom-a"):
        order = json.loads((out / "playlists" / "2026-11-25" / f"{station}.json").read_text())
        versions = {
            i["script"]: i.get("version") for i in order["items"] if i["kind"] == "bulletin"
        }
        assert versions["noi-trinh-bao"] == approved
        assert versions["khong-cung-cap-otp"] == file_hash(
            small_root / "scripts" / "khong-cung-cap-otp.md"
        )
    rows = AsRunLog(asrun_path(out)).planned(dt.date(2026, 11, 25), dt.date(2026, 11, 25))
    assert {r.version for r in rows if r.script_id == "noi-trinh-bao"} == {approved}


def test_an_approval_made_before_versions_were_kept_says_why_the_edit_does_not_air(small_root):
    """Yesterday's book approved a version nobody kept; the file was edited since: it
    cannot air, and the warning says so instead of calling it never approved."""
    require_approval(small_root)
    path = small_root / "scripts" / "noi-trinh-bao.md"
    old = file_hash(path)
    Approvals(console_db(small_root)).record("noi-trinh-bao", old, "lanh-dao")
    path.write_text(path.read_text(encoding="utf-8") + "\nBà con lưu ý.\n", encoding="utf-8")
    project = load_project(small_root, strict=False)
    assert "noi-trinh-bao" not in project.scripts
    (warning,) = [w for w in project.warnings if "noi-trinh-bao" in w]
    assert f"bản đã duyệt {old[:10]} không được lưu lại" in warning
