"""Property (issue 18): whatever happens after a period closed — scripts added, edited (titles
too) or deleted, approved, approval turned on, builds over ranges that include it, as-run
confirmations, a campaign changed, the commune and its stations renamed — the report of that
period (CSV and text, with its approvals appendix) never changes, and no frozen day's files
change.

The period 25–27/11/2026 is built the evening before (one script approved in the console
the day before, approval not required) and confirmed on every station; each example starts
from a copy of that folder and runs a few actions from 28/11 on.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import time_machine
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from broadcast.project.approval import Approvals, console_db, file_hash
from tests.cli.test_officer_traps import bc

from .history import add_script, at, build, confirm, digests, report

START, END = dt.date(2026, 11, 25), dt.date(2026, 11, 27)
STATIONS = ("fm-thu", "xom-a")
BODIES = (
    "Không chuyển tiền cho người lạ gọi điện tự xưng công an.",
    "Cơ quan công an không làm việc qua điện thoại; bà con gọi 113 khi nghi ngờ.",
)
CAMPAIGNS = (
    '[{at: "05:30", times: 2}, {at: "17:00"}]',
    '[{at: "06:00"}, {at: "11:00"}, {at: "17:30", times: 2}]',
    '[{at: "05:30", times: 3}]',
)

days = st.integers(min_value=-1, max_value=5).map(lambda n: START + dt.timedelta(days=n))
actions = st.one_of(
    st.tuples(st.just("add"), st.sampled_from(("moi-a", "moi-b")), st.sampled_from(BODIES)),
    st.tuples(st.just("edit"), st.sampled_from(("noi-trinh-bao", "khong-cung-cap-otp", "moi-a"))),
    st.tuples(st.just("delete"), st.sampled_from(("noi-trinh-bao", "khong-cung-cap-otp", "moi-a"))),
    st.tuples(st.just("build"), days, st.integers(min_value=1, max_value=4)),
    st.tuples(st.just("confirm"), days, st.sampled_from(STATIONS)),
    st.tuples(st.just("campaign"), st.sampled_from(CAMPAIGNS), st.sampled_from(("12-15", "12-01"))),
    st.tuples(
        st.just("approve"), st.sampled_from(("noi-trinh-bao", "khong-cung-cap-otp", "moi-a"))
    ),
    st.tuples(st.just("retitle"), st.sampled_from(("noi-trinh-bao", "khong-cung-cap-otp"))),
    st.tuples(st.just("require")),
    st.tuples(st.just("rename"), st.sampled_from(("Xã Thử Mới", "Phường Thử"))),
)


def _apply(root: Path, action: tuple, when: dt.datetime) -> None:  # type: ignore[type-arg]
    kind = action[0]
    scripts = root / "scripts"
    if kind == "add":
        add_script(root, action[1], action[2])
    elif kind == "edit":
        path = scripts / f"{action[1]}.md"
        if path.is_file():
            path.write_text(
                path.read_text(encoding="utf-8") + "\nHãy gọi đường dây nóng 156.\n", "utf-8"
            )
    elif kind == "delete":
        path = scripts / f"{action[1]}.md"
        if path.is_file() and len(list(scripts.glob("*.md"))) > 1:
            path.unlink()
    elif kind == "approve":  # the console's button, by someone who did not write it
        path = scripts / f"{action[1]}.md"
        if path.is_file():
            with time_machine.travel(when, tick=False):
                Approvals(console_db(root)).approve(action[1], file_hash(path), "chu-tich")
    elif kind == "retitle":
        path = scripts / f"{action[1]}.md"
        if path.is_file():
            text = re.sub(r"(?m)^title: (.*)$", r"title: \1 (sửa)", path.read_text("utf-8"))
            path.write_text(text, encoding="utf-8")
    elif kind == "require":
        path = root / "schedules" / "stations.yaml"
        text = path.read_text(encoding="utf-8")
        if not text.startswith("approval:"):
            path.write_text("approval: required\n" + text, encoding="utf-8")
    elif kind == "rename":  # the commune and its stations renamed today (a merger)
        path = root / "schedules" / "stations.yaml"
        text = re.sub(r"(?m)^commune: .*$", f"commune: {action[1]}", path.read_text("utf-8"))
        text = re.sub(r"(?m)^(    name: )(.*)$", rf"\g<1>\2 ({action[1]})", text)
        path.write_text(text, encoding="utf-8")
    elif kind == "build":
        build(root, when, action[1], action[2])
    elif kind == "confirm":
        with time_machine.travel(when, tick=False):  # a day not built is refused, said so
            run = bc("asrun", "confirm", "--root", str(root), "--date", action[1].isoformat(),
                     "--station", action[2])  # fmt: skip
        assert run.code in (0, 2) and "Traceback" not in run.text, run.text
    elif kind == "campaign":
        path = root / "schedules" / "campaign.yaml"
        text = path.read_text(encoding="utf-8")
        head, _, _ = text.partition("    slots:")
        head = head.replace("until: 2026-12-15", f"until: 2026-{action[2]}")
        head = head.replace("until: 2026-12-01", f"until: 2026-{action[2]}")
        path.write_text(f"{head}    slots: {action[1]}\n", encoding="utf-8")


def test_the_report_of_a_closed_period_and_its_frozen_files_never_change(
    small_root: Path, tmp_path_factory
) -> None:  # type: ignore[no-untyped-def]
    with time_machine.travel(at(START - dt.timedelta(days=1), 9), tick=False):
        noi = small_root / "scripts" / "noi-trinh-bao.md"
        Approvals(console_db(small_root)).approve("noi-trinh-bao", file_hash(noi), "chu-tich")
    build(small_root, at(START - dt.timedelta(days=1), 20), START, 3)
    for day in (START, START + dt.timedelta(days=1), END):
        for sid in STATIONS:
            confirm(small_root, at(END, 21), day, sid)
    closed = at(dt.date(2026, 11, 28), 7)
    base_csv = report(small_root, closed, START, END, "csv")
    base_md = report(small_root, closed, START, END, "md")
    frozen = {k: v for k, v in digests(small_root / "audio_out").items()
              if k.split("/")[0] <= END.isoformat()}  # fmt: skip
    assert len(frozen) == 2 * 3 * 2  # M3U8 and JSON, 2 stations, 3 days
    assert "| Tổng cộng |  | 18 | 18 | 0 | 0 | 0 | 100% |" in base_md
    assert "## Phụ lục. Kịch bản được duyệt" in base_md
    assert "Xã Thử" in base_md and "Loa xóm A" in base_md

    @settings(
        max_examples=10,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(st.lists(actions, min_size=1, max_size=4))
    @example([("rename", "Phường Thử"), ("build", START, 4)])
    def run(steps: list[tuple]) -> None:  # type: ignore[type-arg]
        root = tmp_path_factory.mktemp("history") / "project"
        shutil.copytree(small_root, root)
        when = at(dt.date(2026, 11, 28), 8)
        for step in steps:
            _apply(root, step, when)
            when += dt.timedelta(hours=7)
        now = {k: v for k, v in digests(root / "audio_out").items() if k in frozen}
        assert now == frozen
        assert report(root, when, START, END, "csv") == base_csv
        assert report(root, when, START, END, "md") == base_md

    run()
