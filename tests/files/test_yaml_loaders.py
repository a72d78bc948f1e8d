"""libyaml's C parser and the pure-Python one give the same schedule, lines and errors.

parse_yaml reads with libyaml when PyYAML has it (a 10,000-station stations.yaml in a
second or two instead of tens of seconds) and falls back to the pure-Python parser; the
officer must not be able to tell which one read the file.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from broadcast.errors import InputError
from broadcast.files import sources
from broadcast.files.sources import parse_yaml

REPO = Path(__file__).resolve().parents[2]
LOADERS = [
    pytest.param(sources._PY_LOADER, id="pure-python"),
    pytest.param(
        sources._C_LOADER,
        id="libyaml",
        marks=pytest.mark.skipif(sources._C_LOADER is None, reason="PyYAML without libyaml"),
    ),
]

SCHEDULE = """\
commune: Xã Kha Sơn
defaults:
  voice: {engines: [espeak], rate: 135}
  limits:
    max_sessions_per_day: 2
    max_session: 45m
stations:
  - id: fm-kha-son
    name: "Đài truyền thanh: xã Kha Sơn"
    kind: fm
    windows: ["05:30-06:30", 17:00-18:00]
    start: 05:30
    since: 2026-11-25
    big: 1_000
    hex: 0x1F
    ratio: 1.5
    sci: 1e3
    loud: yes
    nothing: ~
    forced: !!str 12
    block: |
      dòng một
      dòng hai
  - id: xom-dong
    limits: {<<: {max_session: 15m}, max_sessions_per_day: 1}
    1: số
"""


def reference(text: str) -> tuple[object, dict[tuple[object, ...], int]]:
    """What parse_yaml gave before it parsed once: yaml.load, plus compose for lines."""
    lines: dict[tuple[object, ...], int] = {}
    sources._walk(yaml.compose(text, Loader=sources._Loader), (), lines)
    return yaml.load(text, Loader=sources._Loader), lines


@pytest.mark.parametrize("loader", LOADERS)
def test_schedule_same_data_and_lines_with_either_parser(loader: type) -> None:
    data, lines = reference(SCHEDULE)
    doc = parse_yaml(SCHEDULE, Path("stations.yaml"), loader=loader)
    assert doc.data == data
    assert doc.lines == lines
    st = doc.data["stations"][0]
    assert st["start"] == "05:30" and st["since"] == "2026-11-25"  # times and dates stay text
    assert st["big"] == 1000 and st["hex"] == "0x1F" and st["loud"] is True
    assert doc.data["stations"][1]["limits"] == {"max_session": "15m", "max_sessions_per_day": 1}
    assert doc.where(("stations", 1, "limits")) == "stations.yaml, dòng 25, mục 'stations.1.limits'"


@pytest.mark.parametrize("loader", LOADERS)
@pytest.mark.parametrize(
    "name", ["stations.yaml", "chien-dich-lua-dao-truc-tuyen.yaml", "lexicon.yaml"]
)
def test_shipped_files_same_with_either_parser(loader: type, name: str) -> None:
    path = REPO / "schedules" / name
    if not path.is_file():
        pytest.skip(f"no schedules/{name}")
    text = sources.read_text(path)
    data, lines = reference(text)
    doc = parse_yaml(text, path, loader=loader)
    assert (doc.data, doc.lines) == (data, lines)


@pytest.mark.parametrize("loader", LOADERS)
def test_duplicate_key_named_with_either_parser(loader: type) -> None:
    with pytest.raises(InputError) as exc:
        parse_yaml("stations:\n  - id: a\n    id: b\n", Path("s.yaml"), loader=loader)
    assert "dòng 2 và dòng 3" in str(exc.value)


@pytest.mark.parametrize(
    "text",
    [
        "a:\tb\n",  # libyaml takes the tab, PyYAML (and so the officer's message) does not
        "weekdays: [mo?n, tue]\n",  # PyYAML ends a plain value at '?' inside [ ]
        "a: &x 1\nb: *x\n",
        "a: b: c\n",
        "a: [1, 2\n",
        "? [1, 2]\n: q\n",
    ],
)
def test_default_path_says_what_pure_python_says(text: str) -> None:
    def outcome(**kw: object) -> object:
        try:
            doc = parse_yaml(text, Path("s.yaml"), **kw)  # type: ignore[arg-type]
        except InputError as exc:
            return str(exc)
        return doc.data, doc.lines

    assert outcome() == outcome(loader=sources._PY_LOADER)


def test_big_file_uses_libyaml(monkeypatch: pytest.MonkeyPatch) -> None:
    if sources._C_LOADER is None:
        pytest.skip("PyYAML without libyaml")

    class NoPython(sources._Loader):
        def __init__(self, *a: object) -> None:
            raise AssertionError("the pure-Python parser read a file libyaml can read")

    monkeypatch.setattr(sources, "_PY_LOADER", NoPython)
    text = "stations:\n" + "".join(
        f'  - id: xom-{i}\n    windows: ["05:30-05:45"]  # khung sáng\n' for i in range(50)
    )
    doc = parse_yaml(text, Path("stations.yaml"))
    assert doc.data["stations"][49] == {"id": "xom-49", "windows": ["05:30-05:45"]}
    assert doc.line_of(("stations", 49, "windows")) == 101


scalars = st.one_of(
    st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyỳ0123456789 :-_./'\"#,", max_size=12),
    st.sampled_from(["05:30", "2026-11-25", "1_000", "yes", "no", "~", "0x1F", "1e3", "-0"]),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.none(),
)
trees = st.recursive(
    scalars,
    lambda kids: (
        st.lists(kids, max_size=4)
        | st.dictionaries(st.text(alphabet="abcdxyz_", min_size=1, max_size=6), kids, max_size=4)
    ),
    max_leaves=20,
)


@pytest.mark.skipif(sources._C_LOADER is None, reason="PyYAML without libyaml")
@settings(max_examples=60, deadline=None)
@given(tree=trees, flow=st.booleans())
def test_any_dumped_tree_same_with_either_parser(tree: object, flow: bool) -> None:
    text = yaml.safe_dump({"root": tree}, allow_unicode=True, default_flow_style=flow)
    py = parse_yaml(text, Path("x.yaml"), loader=sources._PY_LOADER)
    c = parse_yaml(text, Path("x.yaml"), loader=sources._C_LOADER)
    assert (c.data, c.lines) == (py.data, py.lines)
    assert (py.data, py.lines) == reference(text)
