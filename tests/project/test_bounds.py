"""Script and schedule files beyond the bounds (issue 23): each refusal names the file,
the line and the fix; none is a RecursionError, a MemoryError or a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from broadcast.errors import InputError
from broadcast.files.sources import MAX_YAML_DEPTH, parse_yaml
from broadcast.project.loader import load_project
from broadcast.project.scripts import parse_script
from tests.cli_run import run_broadcast

HEAD = """---
id: thu
title: Tiêu đề
topic: thử
directive: {number: 818/STTTT-TTBCVT, date: 11/04/2024, issuer: Sở TT&TT}
"""


def nested_list(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize("depth", [MAX_YAML_DEPTH + 1, 999, 1000, 4000])
def test_a_deeply_nested_header_is_an_error_naming_file_and_line(depth):
    text = HEAD + f"audience: {nested_list(depth)}\n---\nBà con chú ý.\n"
    with pytest.raises(InputError) as err:
        parse_script(text, Path("scripts/thu.md"))
    assert "lồng nhau quá sâu" in err.value.what
    assert err.value.where == "scripts/thu.md, dòng 6"
    assert err.value.fix


@pytest.mark.parametrize(
    "text",
    [
        "a:\n" + "".join("  " * i + "-\n" for i in range(1, 200)),  # block style
        "a: " + "{b: " * 3000 + "1" + "}" * 3000,
        "? [a, b]\n: " + nested_list(900),  # a list as key, walked by yaml.load
        "a: !!python/tuple " + nested_list(3000),
    ],
    ids=["block", "flow-mappings", "list-key", "tagged"],
)
def test_any_deep_yaml_is_an_input_error_never_a_recursion_error(text):
    with pytest.raises(InputError) as err:
        parse_yaml(text, Path("schedules/x.yaml"))
    assert str(err.value.where).startswith("schedules/x.yaml")


def test_the_nesting_the_schema_needs_still_parses():
    text = "stations:\n  - id: a\n    voice:\n      options:\n        piper: {model: m.onnx}\n"
    doc = parse_yaml(text, Path("stations.yaml"))
    assert doc.data["stations"][0]["voice"]["options"]["piper"]["model"] == "m.onnx"


def test_a_deep_script_in_the_project_is_one_named_error_among_the_rest(project_root):
    bad = project_root / "scripts" / "ban-tai-khoan.md"
    text = bad.read_text(encoding="utf-8")
    bad.write_text(
        text.replace("audience:", f"x: {nested_list(3000)}\naudience:", 1), encoding="utf-8"
    )
    with pytest.raises(InputError) as err:
        load_project(project_root)
    assert str(bad) in err.value.message and "lồng nhau quá sâu" in err.value.message
    lenient = load_project(project_root, strict=False)
    assert "ban-tai-khoan" not in lenient.scripts and len(lenient.scripts) >= 8
    assert lenient.withheld.get("ban-tai-khoan") == "broken"


BODY = "Bà con chú ý.\n"


@pytest.mark.parametrize(
    "text,line,column,code",
    [
        (HEAD + "audience: a\x00b\n---\n" + BODY, 6, 12, "U+0000"),  # NUL in the header
        (HEAD + "---\nBà con\n\nchú\x00ý.\n", 9, 4, "U+0000"),  # NUL in the body
        (HEAD.replace("Tiêu đề", "Tiêu\x0bđề") + "---\n" + BODY, 3, 12, "U+000B"),  # the title
        (HEAD + "---\nBà con\x1b[31m chú ý.\n", 7, 7, "U+001B"),
        (HEAD + "---\nBà con\x85chú ý.\n", 7, 7, "U+0085"),
        (HEAD + "---\n\u202egnảc ýhc\n", 7, 1, "U+202E"),  # text shown backwards
    ],
    ids=["nul-header", "nul-body", "vt-title", "esc", "nel", "bidi"],
)
def test_a_control_character_is_refused_with_line_and_column(text, line, column, code):
    with pytest.raises(InputError) as err:
        parse_script(text, Path("scripts/thu.md"))
    assert code in err.value.what
    where = f"scripts/thu.md, dòng {line}, cột {column}"
    field = {6: "audience", 3: "title"}.get(line)  # a header line names its field
    assert err.value.where == (where + f", mục '{field}'" if field else where)
    assert "xóa ký tự" in (err.value.fix or "")


@pytest.mark.parametrize("escape", ["\\v", "\\x00", "\\e", "\\r"])
def test_a_control_character_written_as_an_escape_in_quotes_is_refused_at_its_field(escape):
    text = HEAD.replace("title: Tiêu đề", f'title: "Tiêu{escape}đề"') + "---\n" + BODY
    with pytest.raises(InputError) as err:
        parse_script(text, Path("scripts/thu.md"))
    assert "ký tự điều khiển" in err.value.what
    assert err.value.where == "scripts/thu.md, dòng 3, mục 'title'"


def test_words_soft_breaks_in_a_body_are_read_as_line_breaks_and_said(project_root):
    """Word's Shift+Enter (U+000B) and page break (U+000C), pasted into a body, are line
    breaks; check says where they are, and the script still airs."""
    s = parse_script(HEAD + "---\nBà con\n\nchú\x0bý.\x0cHết.\n", Path("scripts/thu.md"))
    assert s.text == "Bà con\n\nchú\ný.\nHết."
    assert len(s.notes) == 1 and s.notes[0].startswith("scripts/thu.md, dòng 9:")
    path = project_root / "scripts" / "noi-trinh-bao.md"
    path.write_text(path.read_text(encoding="utf-8").rstrip() + "\x0bHết.\n", "utf-8")
    project = load_project(project_root)
    assert "noi-trinh-bao" in project.scripts
    assert any(str(path) in w and "ngắt dòng" in w for w in project.warnings)


def test_tabs_and_line_breaks_stay_allowed():
    s = parse_script(HEAD + "---\nBà con\tchú ý.\n\nHết.\n", Path("scripts/thu.md"))
    assert s.text == "Bà con\tchú ý.\n\nHết."


def test_a_nul_in_a_schedule_names_its_line(project_root):
    stations = project_root / "schedules" / "stations.yaml"
    lines = stations.read_text(encoding="utf-8").split("\n")
    lines[2] = lines[2] + "\x00"
    stations.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_project(project_root)
    assert f"{stations}, dòng 3, cột" in err.value.message
    assert "U+0000" in err.value.message


@pytest.mark.parametrize(
    ("name", "limit_attr", "fix"),
    [
        ("lexicon.yaml", "broadcast.text.lexicon.MAX_LEXICON_BYTES", "từ điển chỉ ghi"),
        ("stations.yaml", "broadcast.files.sources.MAX_YAML_BYTES", "chia thành nhiều tệp"),
        ("chien-dich-lua-dao-truc-tuyen.yaml", "broadcast.files.sources.MAX_YAML_BYTES", "dán"),
    ],
)
def test_a_schedule_file_over_its_bound_is_refused_by_size_before_it_is_read(
    project_root, monkeypatch, capsys, name, limit_attr, fix
):
    """Issue 23: a 6.8 MB lexicon (200,000 entries) took 34 s and 463 MB to check."""
    import importlib

    module, attr = limit_attr.rsplit(".", 1)
    monkeypatch.setattr(importlib.import_module(module), attr, 20_000)
    path = project_root / "schedules" / name
    extra = "".join(f"tu{i}: cách đọc số {i}\n" for i in range(2000))
    if name == "lexicon.yaml":
        path.write_text(path.read_text(encoding="utf-8") + extra, encoding="utf-8")
    else:
        path.write_text(path.read_text(encoding="utf-8") + "#" + extra.replace("\n", "\n#"))
    code, output = run_broadcast(["check", "--root", str(project_root)], capsys)
    assert code == 2, output
    assert f"Tệp {name} nặng" in output and "quá giới hạn" in output, output
    assert fix in output and "Traceback" not in output


def test_a_long_id_of_yesterdays_files_still_loads_and_a_file_name_sized_one_is_refused():
    """Ids are bounded (a 5,000-character id gave 'File name too long'), but well above
    what officers write: a slug of a long title (70-90 characters) is still an id."""
    from broadcast.project.validation import MAX_ID

    long_id = "canh-bao-lua-dao-qua-mang-xa-hoi-gia-danh-cong-an-yeu-cau-chuyen-tien-vao-tai-khoan"
    assert 70 < len(long_id) <= MAX_ID
    text = HEAD.replace("id: thu", f"id: {long_id}") + "---\nBà con chú ý.\n"
    assert parse_script(text, Path(f"scripts/{long_id}.md")).id == long_id
    huge = "a" * 300
    with pytest.raises(InputError) as err:
        parse_script(
            HEAD.replace("id: thu", f"id: {huge}") + "---\nx\n", Path(f"scripts/{huge}.md")
        )
    assert f"dài tối đa {MAX_ID} ký tự" in err.value.message
