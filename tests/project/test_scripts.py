"""Warning scripts: the shipped ones parse; every mistake names file, line and fix."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from broadcast.errors import InputError, ValidationErrors
from broadcast.project.scripts import Priority, load_script, parse_script

REPO = Path(__file__).resolve().parents[2]
GOOD = """---
id: thu
title: Tiêu đề
topic: thử
directive: {number: 818/STTTT-TTBCVT, date: 11/04/2024, issuer: Sở TT&TT}
valid_from: 2026-11-25
valid_until: 15/12/2026
---
Bà con chú ý.
"""


def test_every_shipped_script_parses_and_covers_the_seeds():
    scripts = [load_script(p) for p in sorted((REPO / "scripts").glob("*.md"))]
    assert len(scripts) >= 8
    text = " ".join(s.text for s in scripts).lower()
    for must in (
        "156",
        "khonggianmang.vn",
        "thongbaorac.ais.gov.vn",
        "otp",
        "giấy mời",
        "cắt ghép",
        "cấp cứu",
        "tài khoản ngân hàng",
        "mật khẩu",
        "công an",
    ):
        assert must in text, must


def test_good_script_parses_both_date_forms():
    s = parse_script(GOOD, Path("scripts/thu.md"))
    assert s.meta.valid_from == dt.date(2026, 11, 25)
    assert s.meta.valid_until == dt.date(2026, 12, 15)
    assert s.meta.priority is Priority.normal
    assert s.text == "Bà con chú ý."
    assert s.valid_on(dt.date(2026, 12, 15)) and not s.valid_on(dt.date(2026, 12, 16))


@pytest.mark.parametrize(
    "text,line,words",
    [
        ("Bà con chú ý.\n", 1, "'---'"),
        (GOOD.replace("valid_from: 2026-11-25", "valid_from: 31/02/2026"), 6, "không có thật"),
        (GOOD.replace("valid_from: 2026-11-25", "valid_from: mai"), 6, "25/11/2026"),
        (GOOD.replace("title: Tiêu đề\n", ""), 2, "title"),
        (GOOD.replace("topic: thử", "topic: thử\ncolor: red"), 5, "color"),
        (GOOD.replace("id: thu", "id: Thu Nghiem"), 2, "id"),
        (GOOD.replace("id: thu", "id: Cảnh Giác"), 2, "'id: canh-giac' và đổi tên tệp thành"),
        (GOOD.replace("title: Tiêu đề", "title:"), 3, "'title' đang để trống"),
        (GOOD.replace("---\nBà con chú ý.\n", "---\n\n"), 9, "nội dung"),
        (GOOD.replace("topic: thử", "topic: [thử"), 4, "YAML"),
        (GOOD.replace("valid_until: 15/12/2026", "valid_until: 01/01/2026"), 7, "valid_until"),
    ],
)
def test_bad_script_names_file_line_and_fix(text, line, words):
    with pytest.raises(InputError) as info:
        parse_script(text, Path("scripts/thu.md"))
    msg = info.value.message
    assert "scripts/thu.md" in msg
    assert f"dòng {line}" in msg
    assert words in msg


@pytest.mark.parametrize(
    "old,new,line,words",
    [
        # Notepad habits: a colon in the title, a Tab, a leading symbol, a pasted
        # non-breaking space, the same field written twice.
        ("title: Tiêu đề", "title: Chú ý: giả danh", 3, 'title: "Chú ý: giả danh"'),
        ("title: Tiêu đề", "title: [Khẩn] lừa đảo", 3, 'title: "[Khẩn] lừa đảo"'),
        ("title: Tiêu đề", "title: @Zalo giả", 3, 'title: "@Zalo giả"'),
        ("title: Tiêu đề", "title: - giả", 3, 'title: "- giả"'),
        ("topic: thử", "topic: thử\n\tx: y", 5, "Tab"),
        ("topic: thử", "topic: thử\ntitle: Khác", 5, "hai lần"),
    ],
)
def test_yaml_mistakes_are_explained_in_vietnamese(old, new, line, words):
    with pytest.raises(InputError) as info:
        parse_script(GOOD.replace(old, new), Path("scripts/thu.md"))
    msg = info.value.message
    assert f"scripts/thu.md, dòng {line}" in msg
    assert words in msg


def test_non_breaking_space_in_the_header_is_a_space():
    s = parse_script(GOOD.replace("title: ", "title:\u00a0"), Path("scripts/thu.md"))
    assert s.meta.title == "Tiêu đề"


def test_id_must_match_file_name():
    with pytest.raises(InputError) as info:
        parse_script(GOOD, Path("scripts/khac.md"))
    assert "khac.md" in info.value.message and "Cách sửa" in info.value.message


def test_legacy_encoding_is_reported_with_the_fix(tmp_path):
    p = tmp_path / "thu.md"
    p.write_bytes(GOOD.encode("utf-16"))
    with pytest.raises(InputError) as info:
        load_script(p)
    assert "UTF-8" in info.value.message
    p.write_bytes(GOOD.encode("utf-8") + b"Ch\xfa \xfd b\xe0 con\n")
    with pytest.raises(InputError) as info:
        load_script(p)
    assert "dòng 10" in info.value.message and "UTF-8" in info.value.message


def test_bom_and_windows_newlines_and_decomposed_unicode_are_accepted(tmp_path):
    import unicodedata

    p = tmp_path / "thu.md"
    p.write_bytes(
        b"\xef\xbb\xbf" + unicodedata.normalize("NFD", GOOD).replace("\n", "\r\n").encode("utf-8")
    )
    s = load_script(p)
    assert s.meta.title == "Tiêu đề" and s.text == "Bà con chú ý."


def test_several_errors_are_reported_together():
    bad = GOOD.replace("title: Tiêu đề\n", "").replace("topic: thử\n", "")
    with pytest.raises(ValidationErrors) as info:
        parse_script(bad, Path("scripts/thu.md"))
    assert len(info.value.errors) == 2


@pytest.mark.parametrize("copied_id", ["ban-tai-khoan", "Ban-tai-khoan"])
def test_a_case_duplicate_gets_a_fix_that_overwrites_nothing(project_root, copied_id):
    """``Ban-tai-khoan.md`` beside ``ban-tai-khoan.md``: following the fix to the letter
    keeps both files (issue 23: it said to rename the first onto the second)."""
    import re

    from broadcast.project.loader import load_project

    scripts = project_root / "scripts"
    original = (scripts / "ban-tai-khoan.md").read_text(encoding="utf-8")
    copy = scripts / "Ban-tai-khoan.md"
    copy.write_text(original.replace("id: ban-tai-khoan", f"id: {copied_id}"), "utf-8")
    with pytest.raises(InputError) as err:
        load_project(project_root)
    fix = err.value.fix or ""
    assert "Ban-tai-khoan.md" in (err.value.where or "")
    assert "'ban-tai-khoan.md'" not in fix and "thành ban-tai-khoan.md" not in fix
    assert "ghi đè" in fix  # says why the obvious rename is not offered
    new = re.search(r"thành '?([a-z0-9-]+)\.md", fix).group(1)  # type: ignore[union-attr]
    new_id = re.search(r"id: ([a-z0-9-]+)", fix).group(1)  # type: ignore[union-attr]
    assert new == new_id and not (scripts / f"{new}.md").exists()
    # the officer does exactly what the fix says
    text = copy.read_text(encoding="utf-8").replace(f"id: {copied_id}", f"id: {new_id}")
    copy.unlink()
    (scripts / f"{new}.md").write_text(text, "utf-8")
    project = load_project(project_root)
    assert {"ban-tai-khoan", new} <= set(project.scripts)
    assert (scripts / "ban-tai-khoan.md").read_text(encoding="utf-8") == original


def test_a_name_mismatch_with_a_free_target_still_offers_both_fixes(tmp_path):
    path = tmp_path / "thu-2.md"
    with pytest.raises(InputError) as err:
        parse_script(GOOD, path)
    assert err.value.fix == "đặt 'id: thu-2' hoặc đổi tên tệp thành 'thu.md'"
