"""Fuzz (issue 23): ``check`` and ``normalize`` never raise anything but our own errors.

Random bytes, random text around a script's '---' lines, structured YAML headers (nested
lists and groups, every scalar type, the schema's own field names) and one-character
mutations of a good script go through the same functions the commands use: a
BroadcastError (a message with file, line and fix) is fine, anything else (RecursionError,
MemoryError, ValueError, a traceback) fails. Small example counts keep it to seconds in CI.
"""

from __future__ import annotations

import shutil
import string
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from broadcast.cli.main import main
from broadcast.cli.normalize import script_body
from broadcast.errors import BroadcastError
from broadcast.files.sources import parse_yaml, read_text
from broadcast.project.scripts import load_script, parse_script
from broadcast.text.spoken import spoken

FAST = settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
GOOD = """---
id: thu
title: Tiêu đề
topic: thử
directive: {number: 818/STTTT-TTBCVT, date: 11/04/2024, issuer: Sở TT&TT}
valid_from: 25/11/2026
priority: khẩn cấp
---
Gọi 156 trước 17h ngày 25/11, 500.000 đồng, khonggianmang.vn, *123#.
"""
FIELDS = [
    "id",
    "title",
    "topic",
    "directive",
    "number",
    "date",
    "issuer",
    "valid_from",
    "valid_until",
    "audience",
    "priority",
    "recording",
]
PATH = Path("scripts/thu.md")

scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=40)
    | st.sampled_from(["thu", "25/11/2026", "2026-02-31", "khẩn cấp", "../x.mp3", "a.mp3", ""])
)
keys = st.sampled_from(FIELDS) | st.text(max_size=10)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=4),
    max_leaves=25,
)
headers = st.dictionaries(keys, values, max_size=10)
#: nesting as deep as a hostile file makes it: flow brackets or one '- ' per line
deep = st.integers(1, 1500).map(lambda n: f"x: {'[' * n}{']' * n}\n") | st.integers(1, 300).map(
    lambda n: "x:\n" + "".join(" " * i + "-\n" for i in range(1, n))
)


def ours_only(fn, *args):  # type: ignore[no-untyped-def]
    """Run ``fn``: it may succeed or raise a BroadcastError with a message, nothing else."""
    try:
        return fn(*args)
    except BroadcastError as exc:
        assert exc.message.strip()
        return None


@FAST
@given(st.binary(max_size=3000))
def test_random_bytes_as_a_script_file(tmp_path_factory, data: bytes) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "thu.md"
    path.write_bytes(data)
    ours_only(load_script, path)


@FAST
@given(st.text(max_size=400), st.text(max_size=400))
def test_random_text_between_and_below_the_header_lines(head: str, body: str) -> None:
    ours_only(parse_script, f"---\n{head}\n---\n{body}", PATH)


@FAST
@given(headers, st.text(max_size=200))
def test_structured_yaml_headers(header: dict, body: str) -> None:
    text = yaml.safe_dump(header, allow_unicode=True, sort_keys=False)
    ours_only(parse_script, f"---\n{text}---\n{body}\n", PATH)


@settings(max_examples=25, deadline=None)
@given(deep, st.sampled_from(["", "title: T\n"]))
def test_deeply_nested_headers(nested: str, before: str) -> None:
    ours_only(parse_script, f"---\n{before}{nested}---\nBà con.\n", PATH)


@FAST
@given(st.integers(0, len(GOOD)), st.text(min_size=1, max_size=3))
def test_a_good_script_with_a_few_characters_changed(at: int, insert: str) -> None:
    ours_only(parse_script, GOOD[:at] + insert + GOOD[at + 1 :], PATH)


@FAST
@given(st.text(max_size=600) | st.text(string.printable, max_size=600))
def test_random_yaml_text(text: str) -> None:
    ours_only(parse_yaml, text, Path("schedules/lich.yaml"))


@FAST
@given(st.text(max_size=500), st.sampled_from(["north", "central", "south"]))
def test_the_spoken_form_of_any_text(text: str, dialect: str) -> None:
    out = ours_only(spoken, text, dialect)
    assert out is None or isinstance(out, str)
    body = script_body(text)
    if body is not None:
        ours_only(spoken, body, dialect)


@pytest.fixture(scope="module")
def tiny_project(tmp_path_factory) -> Path:  # type: ignore[no-untyped-def]
    root = tmp_path_factory.mktemp("tiny")
    (root / "scripts").mkdir()
    (root / "schedules").mkdir()
    (root / "schedules" / "stations.yaml").write_text(
        "commune: Xã Thử\nstations:\n  - id: fm-thu\n    name: Đài xã Thử\n    kind: fm\n"
        "    repeat: 1\n",
        encoding="utf-8",
    )
    return root


def _command(capsys, *args: str) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    with pytest.raises(SystemExit) as stop:
        main(list(args))
    out = capsys.readouterr()
    return int(stop.value.code or 0), out.out + out.err


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.binary(max_size=800)
    | deep.map(lambda n: GOOD.replace("valid_from", n + "valid_from").encode())
    | headers.map(
        lambda h: ("---\n" + yaml.safe_dump(h, allow_unicode=True) + "---\nBà con.\n").encode()
    )
    | st.text(max_size=300).map(lambda t: GOOD.replace("Gọi 156", t).encode("utf-8"))
)
def test_the_check_and_normalize_commands_answer_every_file_with_a_message(
    tiny_project: Path, capsys, data: bytes
) -> None:
    scripts = tiny_project / "scripts"
    shutil.rmtree(scripts)
    scripts.mkdir()
    (scripts / "thu.md").write_bytes(data)
    code, out = _command(capsys, "check", "--root", str(tiny_project))
    assert code in (0, 2), out
    assert "Lỗi không mong đợi" not in out and "Traceback" not in out
    code, out = _command(capsys, "normalize", str(scripts / "thu.md"), "--root", str(tiny_project))
    assert code in (0, 2), out
    assert "Lỗi không mong đợi" not in out and "Traceback" not in out


def test_read_text_of_any_bytes_is_text_or_our_error(tmp_path: Path) -> None:
    for data in (b"\xff\xfe\x00", b"\x00" * 10, b"\xc3", b"\xef\xbb\xbf---\n", bytes(range(256))):
        path = tmp_path / "x.md"
        path.write_bytes(data)
        ours_only(read_text, path)


STATION_KEYS = [
    "commune",
    "stations",
    "defaults",
    "groups",
    "approval",
    "max_script_chars",
    "id",
    "name",
    "kind",
    "windows",
    "limits",
    "voice",
    "engines",
    "repeat",
    "dialect",
    "jingles",
    "campaigns",
    "oneoffs",
    "scripts",
    "from",
    "until",
    "slots",
    "at",
    "times",
    "date",
    "script",
]
schedule_values = st.recursive(
    scalars | st.sampled_from(["fm", "loudspeaker", "05:30-06:30", "all", "thu", "2026-11-25"]),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from(STATION_KEYS), inner, max_size=5)
    ),
    max_leaves=30,
)
schedule_files = st.dictionaries(st.sampled_from(STATION_KEYS), schedule_values, max_size=6)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(schedule_files, schedule_files)
def test_random_schedules_load_or_are_refused_with_our_errors(
    tiny_project: Path, stations: dict, campaigns: dict
) -> None:
    from broadcast.project.loader import load_project

    (tiny_project / "scripts").mkdir(exist_ok=True)
    for p in (tiny_project / "scripts").iterdir():
        p.unlink()
    (tiny_project / "scripts" / "thu.md").write_text(GOOD, encoding="utf-8")
    sched = tiny_project / "schedules"
    good = sched / "stations.yaml"
    saved = good.read_text(encoding="utf-8")
    try:
        good.write_text(yaml.safe_dump(stations, allow_unicode=True), encoding="utf-8")
        (sched / "lich.yaml").write_text(
            yaml.safe_dump(campaigns, allow_unicode=True), encoding="utf-8"
        )
        ours_only(load_project, tiny_project)
        good.write_text(saved, encoding="utf-8")
        ours_only(load_project, tiny_project)  # the campaign file alone
    finally:
        good.write_text(saved, encoding="utf-8")
        (sched / "lich.yaml").unlink(missing_ok=True)


REPO = Path(__file__).resolve().parents[2]


def _paths(data, here=()):  # type: ignore[no-untyped-def]
    yield here
    if isinstance(data, dict):
        for k, v in data.items():
            yield from _paths(v, here + (k,))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from _paths(v, here + (i,))


def _replaced(data, path, value):  # type: ignore[no-untyped-def]
    if not path:
        return value
    import copy

    out = copy.deepcopy(data)
    node = out
    for p in path[:-1]:
        node = node[p]
    node[path[-1]] = value
    return out


SHIPPED = {
    name: yaml.safe_load((REPO / "schedules" / name).read_text(encoding="utf-8"))
    for name in ("stations.yaml", "chien-dich-lua-dao-truc-tuyen.yaml")
}


@st.composite
def mutated_schedule(draw):  # type: ignore[no-untyped-def]
    name = draw(st.sampled_from(sorted(SHIPPED)))
    data = SHIPPED[name]
    path = draw(st.sampled_from(list(_paths(data))))
    return name, _replaced(data, path, draw(schedule_values))


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(mutated_schedule())
def test_the_shipped_schedules_with_one_value_changed_load_or_are_refused(
    project_copy: Path, change
) -> None:
    from broadcast.project.loader import load_project

    name, data = change
    target = project_copy / "schedules" / name
    saved = target.read_text(encoding="utf-8")
    try:
        target.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        ours_only(load_project, project_copy)
        ours_only(load_project, project_copy, False)  # the lenient load build uses
    finally:
        target.write_text(saved, encoding="utf-8")


@pytest.fixture(scope="module")
def project_copy(tmp_path_factory) -> Path:  # type: ignore[no-untyped-def]
    root = tmp_path_factory.mktemp("shipped")
    for name in ("scripts", "schedules"):
        shutil.copytree(REPO / name, root / name)
    return root
