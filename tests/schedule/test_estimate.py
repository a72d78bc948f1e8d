"""Durations measured before a build are kept for the next run (OUT/cache/durations.json)."""

from __future__ import annotations

import json

import pytest

from broadcast.project.loader import load_project
from broadcast.render.renderer import Renderer
from broadcast.schedule.estimate import DURATIONS_FILE, Estimator


def _never_mix(*_args, **_kwargs):
    raise AssertionError("the bulletin was assembled again")


def test_a_measured_bulletin_is_not_assembled_again_by_the_next_run(
    small_root, tmp_path, monkeypatch
):
    project = load_project(small_root)
    out = tmp_path / "out"
    out.mkdir()
    fm = project.schedule.stations["fm-thu"]
    script = project.scripts["noi-trinh-bao"]
    first = Estimator(project, out)
    seconds = first(fm, script)
    first.save()
    stored = json.loads((out / DURATIONS_FILE).read_text(encoding="utf-8"))
    assert stored["version"] == 1
    [bulletin_seconds] = stored["seconds"].values()  # the shared bulletin, keyed by content
    assert 10 < bulletin_seconds < seconds  # the station's announcement comes on top

    monkeypatch.setattr(Renderer, "mix_bulletin", _never_mix)
    again = Estimator(load_project(small_root), out)
    assert again(fm, script) == seconds


def test_an_edited_script_is_measured_again(small_root, tmp_path, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    project = load_project(small_root)
    fm = project.schedule.stations["fm-thu"]
    first = Estimator(project, out)
    before = first(fm, project.scripts["noi-trinh-bao"])
    first.save()
    path = small_root / "scripts" / "noi-trinh-bao.md"
    path.write_text(path.read_text("utf-8") + "\nXin bà con nhớ kỹ và nhắc nhở người thân.\n")
    edited = load_project(small_root)
    after = Estimator(edited, out)(fm, edited.scripts["noi-trinh-bao"])
    assert after > before + 1


@pytest.mark.parametrize("damage", ["", "{not json", '{"version": 99, "seconds": {}}', "[1, 2]"])
def test_an_unreadable_durations_file_is_a_miss_not_an_error(small_root, tmp_path, damage):
    out = tmp_path / "out"
    (out / "cache").mkdir(parents=True)
    (out / DURATIONS_FILE).write_text(damage, encoding="utf-8")
    project = load_project(small_root)
    fm = project.schedule.stations["fm-thu"]
    estimator = Estimator(project, out)
    seconds = estimator(fm, project.scripts["noi-trinh-bao"])
    assert seconds > 10
    estimator.save()
    assert json.loads((out / DURATIONS_FILE).read_text(encoding="utf-8"))["version"] == 1
