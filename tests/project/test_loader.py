"""Loading the whole project: every reference is checked, every error located."""

from __future__ import annotations

import pytest

from broadcast.errors import BroadcastError, ValidationErrors
from broadcast.project.loader import load_project


def _errors(root, strict: bool = True) -> list[str]:
    with pytest.raises(BroadcastError) as info:
        load_project(root, strict=strict)
    exc = info.value
    return [e.message for e in exc.errors] if isinstance(exc, ValidationErrors) else [exc.message]


def test_shipped_project_loads(project_root):
    p = load_project(project_root)
    assert len(p.scripts) >= 8
    assert {"fm", "loudspeaker"} <= {s.kind for s in p.schedule.stations.values()}
    assert p.schedule.campaigns


def test_unknown_script_station_group_and_engine_are_all_reported(small_root):
    camp = small_root / "schedules" / "campaign.yaml"
    camp.write_text(
        camp.read_text(encoding="utf-8")
        + """    scripts: [noi-trinh-bao, khong-co-that]
    stations: [fm-thu, xom-khong-co]
""",
        encoding="utf-8",
    )
    st = small_root / "schedules" / "stations.yaml"
    st.write_text(
        st.read_text(encoding="utf-8").replace(
            "    kind: fm\n", "    kind: fm\n    voice: {engines: [espeak, google]}\n"
        ),
        encoding="utf-8",
    )
    msgs = _errors(small_root)
    joined = "\n".join(msgs)
    assert "khong-co-that" in joined and "campaign.yaml, dòng 8" in joined
    assert "xom-khong-co" in joined and "dòng 9" in joined
    assert "google" in joined and "stations.yaml, dòng 6" in joined and "espeak" in joined
    assert len(msgs) == 3


@pytest.mark.parametrize(
    "old,new,words",
    [
        ("kind: fm", "kind: radio", "'fm' hoặc 'loudspeaker'"),
        ("    repeat: 1\n  - id: xom-a", "    repeat: nhiều\n  - id: xom-a", "số nguyên"),
        ("id: xom-a", "id: fm-thu", "bị trùng"),
        ("dialect: south", "dialect: mien-nam", "north"),
        ("id: xom-a", "id: Xóm Đồng", "'id: xom-dong'"),
    ],
)
def test_wrong_station_fields(small_root, old, new, words):
    st = small_root / "schedules" / "stations.yaml"
    st.write_text(st.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    msgs = _errors(small_root)
    assert any(words in m and "stations.yaml, dòng" in m for m in msgs), msgs


@pytest.mark.parametrize(
    "old,new,words",
    [
        ("from: 2026-11-25", "from: 2026-13-25", "không có thật"),
        ('{at: "05:30", times: 2}', '{at: "25:30", times: 2}', "giờ"),
        ("until: 2026-12-15", "until: 2026-11-01", "trước khi bắt đầu"),
        ("    until: 2026-12-15", "   until: 2026-12-15", "Thụt lề không khớp"),
    ],
)
def test_wrong_campaign_fields(small_root, old, new, words):
    camp = small_root / "schedules" / "campaign.yaml"
    camp.write_text(camp.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    msgs = _errors(small_root)
    assert any(words in m and "campaign.yaml, dòng" in m for m in msgs), msgs


def test_missing_folders_say_what_to_create(tmp_path):
    msgs = _errors(tmp_path)
    joined = "\n".join(msgs)
    assert "scripts" in joined and "stations.yaml" in joined


def test_a_station_with_a_wrong_field_is_one_error_not_also_unknown(small_root):
    st = small_root / "schedules" / "stations.yaml"
    st.write_text(
        st.read_text(encoding="utf-8").replace("kind: fm", "kind: fm\n    windows: [25:00-26:00]")
        + "groups:\n  cac-dai: [fm-thu, xom-a]\n",
        encoding="utf-8",
    )
    camp = small_root / "schedules" / "campaign.yaml"
    camp.write_text(
        camp.read_text(encoding="utf-8") + "    stations: [fm-thu, cac-dai]\n", encoding="utf-8"
    )
    msgs = _errors(small_root)
    assert len(msgs) == 1 and "25:00" in msgs[0] and "stations.yaml, dòng 6" in msgs[0], msgs


def test_lenient_load_leaves_out_a_broken_script_and_says_which(small_root):
    (small_root / "scripts" / "hong.md").write_text(
        "---\nid: hong\ntitle: Hỏng\n---\nNội dung.\n", encoding="utf-8"
    )
    msgs = _errors(small_root)  # strict: check refuses
    assert any("hong.md" in m for m in msgs)
    project = load_project(small_root, strict=False)
    assert "hong" not in project.scripts and len(project.scripts) == 2
    assert [e.message for e in project.skipped] and "hong.md" in project.skipped[0].message


def test_a_campaign_naming_a_broken_script_is_not_reported_twice(small_root):
    (small_root / "scripts" / "hong.md").write_text("---\nid: hong\n---\n", encoding="utf-8")
    camp = small_root / "schedules" / "campaign.yaml"
    camp.write_text(
        camp.read_text(encoding="utf-8") + "    scripts: [noi-trinh-bao, hong]\n", encoding="utf-8"
    )
    msgs = _errors(small_root)
    assert all("campaign.yaml" not in m for m in msgs), msgs
    assert any("hong.md" in m for m in msgs)


def test_lenient_load_still_stops_when_no_script_is_usable(small_root):
    for path in (small_root / "scripts").glob("*.md"):
        path.write_text("không có phần đầu\n", encoding="utf-8")
    msgs = sorted(_errors(small_root, strict=False))
    assert len(msgs) == 2, msgs  # every broken file is named, nothing is built
    assert "khong-cung-cap-otp.md, dòng 1" in msgs[0] and "noi-trinh-bao.md, dòng 1" in msgs[1]
    assert all("'---'" in m for m in msgs)


def test_a_held_output_lock_becomes_a_clear_error(small_root, tmp_path):
    import datetime as dt
    import multiprocessing

    from broadcast.build.day import LOCK_NAME, build
    from broadcast.build.prune import prune_bulletins
    from broadcast.errors import LockBusyError

    out = tmp_path / "out"
    (out / "bulletins").mkdir(parents=True)
    ready, release = multiprocessing.Event(), multiprocessing.Event()
    holder = multiprocessing.Process(target=_hold_lock, args=(out / LOCK_NAME, ready, release))
    holder.start()
    try:
        assert ready.wait(10)
        project = load_project(small_root)
        with pytest.raises(LockBusyError) as info:
            build(project, out, dt.date(2026, 11, 25), lock_timeout=0.2)
        assert str(out) in info.value.message and "Cách sửa" in info.value.message
        with pytest.raises(LockBusyError) as info:
            prune_bulletins(out, 30, dt.date(2026, 11, 25), lock_timeout=0.2)
        assert "chưa dọn bản tin" in info.value.message
    finally:
        release.set()
        holder.join(10)


def _hold_lock(path, ready, release) -> None:  # type: ignore[no-untyped-def]
    from filelock import FileLock

    with FileLock(str(path)):
        ready.set()
        release.wait(20)
