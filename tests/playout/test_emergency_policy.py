"""The per-station emergency policy: stations.yaml, ``check``, ``broadcast emergency``
options, the queue; and yesterday's queue and job store still load."""

from __future__ import annotations

import datetime as dt
import json
import logging
from pathlib import Path

from click.testing import CliRunner

from broadcast.cli import cli
from broadcast.emergency.queue import load_queue
from broadcast.playout.daemon import Daemon

BAO = (
    "---\nid: bao-so-9\ntitle: Khẩn cấp về bão số 9\ntopic: thiên tai\n"
    "directive: {number: 12/BCH-PCTT, issuer: Ban chỉ huy PCTT xã}\n"
    "priority: emergency\n---\nBão số 9 đang vào.\n"
)


def with_policy(root: Path) -> None:
    """xom-a is next to a school: wait for the item, then drop the rest of the session."""
    path = root / "schedules" / "stations.yaml"
    text = path.read_text("utf-8").replace(
        "    kind: loudspeaker\n",
        "    kind: loudspeaker\n    emergency: {interrupt: after_item, after: drop}\n",
        1,
    )
    path.write_text(text, "utf-8")


def test_check_accepts_the_policy_and_names_a_wrong_value(small_root):
    with_policy(small_root)
    runner = CliRunner()
    r = runner.invoke(cli, ["check", "--root", str(small_root)])
    assert r.exit_code == 0, r.output
    path = small_root / "schedules" / "stations.yaml"
    path.write_text(path.read_text("utf-8").replace("after_item", "later"), "utf-8")
    r = runner.invoke(cli, ["check", "--root", str(small_root)])
    assert r.exit_code != 0
    text = r.output + str(r.exception or "")
    assert "stations.yaml" in text and "interrupt" in text, text


def test_emergency_queues_each_stations_policy_and_options_override_it(small_root, tmp_path):
    with_policy(small_root)
    bao = tmp_path / "bao-so-9.md"
    bao.write_text(BAO, "utf-8")
    out = tmp_path / "out"
    base = ["--root", str(small_root), "--out", str(out)]
    r = CliRunner().invoke(cli, ["emergency", str(bao), *base])
    assert r.exit_code == 0, r.output
    (q,) = load_queue(out)
    assert q.policy == {
        "fm-thu": {"interrupt": "now", "after": "resume"},  # the default: at once
        "xom-a": {"interrupt": "after_item", "after": "drop"},
    }
    assert "xom-a: phát ngay sau bản tin đang phát; sau đó bỏ phần còn lại" in r.output
    assert "fm-thu: ngắt ngay bản tin đang phát" in r.output
    raw = json.loads((out / "emergency" / "queue.json").read_text("utf-8"))["queue"][0]
    assert raw["now"] is False and raw["policy"]["xom-a"]["after"] == "drop"  # fields added

    r = CliRunner().invoke(
        cli, ["emergency", str(bao), "-s", "xom-a", "--now", "--then", "resume", *base]
    )
    assert r.exit_code == 0, r.output
    last = load_queue(out)[-1]
    assert last.policy == {"xom-a": {"interrupt": "now", "after": "resume"}}
    r = CliRunner().invoke(cli, ["emergency", str(bao), "--now", "--after-item", *base])
    assert r.exit_code != 0 and "--now và --after-item" in str(r.exception)


def test_yesterdays_queue_without_policy_keeps_its_meaning(tmp_path):
    out = tmp_path / "out"
    (out / "emergency").mkdir(parents=True)
    created = dt.datetime.now().astimezone().replace(microsecond=0).isoformat()
    entry = {"id": "khan-1", "created": created, "stations": ["a", "b"], "script": "bao",
             "title": "Bão", "directive": "CV", "files": {"a": "x.mp3"},
             "durations": {"a": 30.0}, "now": True}  # fmt: skip
    (out / "emergency" / "queue.json").write_text(json.dumps({"queue": [entry]}), "utf-8")
    (q,) = load_queue(out)
    assert Daemon.policy_of(q, "a") == {"interrupt": "now", "after": "resume"}
    entry["now"] = False
    (out / "emergency" / "queue.json").write_text(json.dumps({"queue": [entry]}), "utf-8")
    (q,) = load_queue(out)
    assert Daemon.policy_of(q, "a")["interrupt"] == "after_item"


def test_job_stores_written_before_the_move_still_find_their_functions():
    from apscheduler.util import ref_to_obj

    from broadcast.playout import daemon

    for name in ("_job_session", "_job_build", "_job_poll"):
        assert ref_to_obj(f"broadcast.schedule.daemon:{name}") is getattr(daemon, name)


def test_daemon_reports_an_unreadable_running_order_and_counts_it(tmp_path, caplog):
    out = tmp_path / "out"
    day = dt.date(2026, 11, 25)
    folder = out / "playlists" / day.isoformat()
    folder.mkdir(parents=True)
    (folder / "a.json").write_text('{"date": "2026-11-25", "items": [', "utf-8")
    caplog.set_level(logging.ERROR, logger="broadcast")
    d = Daemon(out)
    assert d.schedule_days([day]) == 0
    d.schedule_days([day])  # said once, not at every look
    said = [r.getMessage() for r in caplog.records if "a.json" in r.getMessage()]
    assert len(said) == 1 and "JSON hỏng" in said[0] and "broadcast build --date" in said[0]
    assert "sẽ không phát" in said[0]
    assert list(d.unreadable) == [folder / "a.json"]
