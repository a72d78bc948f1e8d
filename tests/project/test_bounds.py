"""Script and schedule files beyond the bounds (issue 23): each refusal names the file,
the line and the fix; none is a RecursionError, a MemoryError or a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from broadcast.errors import InputError
from broadcast.files.sources import MAX_YAML_DEPTH, parse_yaml
from broadcast.project.loader import load_project
from broadcast.project.scripts import parse_script

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
