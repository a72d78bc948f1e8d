"""stations.yaml edited from the console (issue 19): whatever windows, limits, groups and
new stations the forms ask for, the file reads back as asked and every comment line of
the shipped, hand-written file is still there, in its order."""

from __future__ import annotations

from pathlib import Path

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from broadcast.project import yamledit

SHIPPED = (Path(__file__).parents[2] / "schedules" / "stations.yaml").read_text(encoding="utf-8")
IDS = ["fm-kha-son", "xom-dong", "xom-cau", "xom-moi"]
DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def _comments(text: str) -> list[str]:
    return [line[line.index("#") :] for line in text.splitlines() if "#" in line]


def _in_order(kept: list[str], wanted: list[str]) -> bool:
    it = iter(kept)
    return all(any(k.endswith(c) for k in it) for c in wanted)


def _windows(starts: list[int]) -> list[str]:
    """Windows that do not overlap: each start (minutes) lasts 15 minutes."""
    out = []
    for m in sorted(set(s - s % 20 for s in starts)):
        out.append(f"{m // 60:02d}:{m % 60:02d}-{(m + 15) // 60:02d}:{(m + 15) % 60:02d}")
    return out


edit = st.one_of(
    st.tuples(
        st.just("windows"),
        st.sampled_from(IDS),
        st.lists(st.integers(0, 23 * 60), max_size=3).map(_windows),
    ),
    st.tuples(
        st.just("limits"),
        st.sampled_from([None, *IDS]),
        st.fixed_dictionaries(
            {
                "max_sessions_per_day": st.one_of(st.none(), st.integers(1, 24)),
                "max_session": st.one_of(st.none(), st.integers(1, 90).map(lambda m: f"{m}m")),
                "weekdays": st.one_of(
                    st.none(),
                    st.lists(st.sampled_from(DAYS), min_size=1, unique=True).map(
                        lambda d: sorted(d, key=DAYS.index)
                    ),
                ),
            }
        ),
    ),
    st.tuples(
        st.just("group"),
        st.sampled_from(["cac-xom", "phia-bac"]),
        st.lists(st.sampled_from(IDS), min_size=1, unique=True),
    ),
    st.tuples(st.just("station"), st.integers(0, 99), st.sampled_from(["fm", "loudspeaker"])),
    st.tuples(st.just("ungroup"), st.sampled_from(["cac-xom", "phia-bac"]), st.none()),
)


@settings(max_examples=30, deadline=None)
@given(st.lists(edit, min_size=1, max_size=3))
def test_edits_read_back_and_keep_every_comment(edits):
    text = SHIPPED
    expect: dict = {}
    for kind, target, value in edits:
        if kind == "windows":
            text = yamledit.set_windows(text, target, value)
            expect[("windows", target)] = value
        elif kind == "limits":
            text = yamledit.set_limits(text, target, value)
            expect[("limits", target)] = {k: v for k, v in value.items() if v is not None}
        elif kind == "group":
            text = yamledit.set_group(text, target, value)
            expect[("group", target)] = value
        elif kind == "ungroup":
            if target in (yaml.safe_load(text).get("groups") or {}):
                text = yamledit.remove_group(text, target)
                expect[("group", target)] = None
        else:
            sid = f"xom-{target}"
            if sid in text:
                continue
            text = yamledit.add_station(
                text, {"id": sid, "name": f"Loa {sid}", "kind": value, "windows": ["05:30-05:45"]}
            )
            expect[("station", sid)] = value
    doc = yaml.safe_load(text)
    stations = {s["id"]: s for s in doc["stations"]}
    for (kind, target), value in expect.items():
        if kind == "windows":
            assert stations[target].get("windows", []) == value
        elif kind == "limits":
            owner = doc["defaults"] if target is None else stations[target]
            got = owner.get("limits", {})
            assert {k: got[k] for k in value} == value
            if target is not None:
                assert set(got) == set(value)
        elif kind == "group":
            assert (doc.get("groups") or {}).get(target) == value
        else:
            assert stations[target]["kind"] == value
    assert _in_order(text.splitlines(), _comments(SHIPPED))
    assert text.startswith(SHIPPED.split("defaults:")[0])  # the head as written


def test_a_new_station_is_spaced_as_the_others():
    new = yamledit.add_station(
        SHIPPED, {"id": "xom-bac", "name": "Loa xóm Bắc", "kind": "loudspeaker"}
    )
    block = "  - id: xom-bac\n    name: Loa xóm Bắc\n    kind: loudspeaker\n\n"
    assert new == SHIPPED.replace("\ngroups:", "\n" + block + "groups:").replace(
        "15m}\n\n\n  - id: xom-bac", "15m}\n\n  - id: xom-bac"
    )
