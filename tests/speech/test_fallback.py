"""The fallback chain, its interplay with both caches, and the real CLI offline."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import mutagen.id3
import pytest
from click.testing import CliRunner

from broadcast.cli import cli
from broadcast.errors import EngineError, InputError
from broadcast.project.loader import load_project
from broadcast.project.schedule import Dialect, VoiceSettings
from broadcast.render.renderer import Renderer
from broadcast.speech.cache import SpeechCache
from broadcast.speech.speaker import Speaker

from ..audio_checks import measure
from .conftest import FlakyEngine


def _speaker(engines: list[str], tmp_path: Path | None = None) -> Speaker:
    cache = SpeechCache(tmp_path / "cache") if tmp_path else None
    return Speaker(VoiceSettings(engines=engines), Dialect.north, cache=cache)


def test_first_engine_that_speaks_wins(fake_engines, caplog):
    caplog.set_level(logging.WARNING, "broadcast")
    spoken = _speaker(["flaky", "sine"]).speak("Xin chào.")
    assert spoken.engine == "sine" and spoken.voice == "a4"
    assert spoken.fallbacks == ("flaky: không có mạng (giả lập)",)
    assert "Bộ đọc flaky không dùng được" in caplog.text


def test_an_unavailable_engine_is_asked_once_per_run(fake_engines, caplog):
    caplog.set_level(logging.WARNING, "broadcast")
    speaker = _speaker(["flaky", "sine"])
    for text in ("Một.", "Hai.", "Ba."):
        assert speaker.speak(text).engine == "sine"
    assert FlakyEngine.calls == ["FAIL Một."]
    assert caplog.text.count("Bộ đọc flaky") == 1


def test_all_engines_failing_is_one_clear_error(fake_engines):
    with pytest.raises(EngineError) as info:
        _speaker(["flaky"]).speak("Xin chào.")
    assert "Không bộ đọc nào đọc được" in info.value.what and "espeak" in info.value.fix


def test_online_speech_cached_earlier_is_used_offline(fake_engines, tmp_path: Path):
    FlakyEngine.online = True
    assert _speaker(["flaky", "sine"], tmp_path).speak("Một.").engine == "flaky"
    FlakyEngine.online = False
    speaker = _speaker(["flaky", "sine"], tmp_path)
    assert speaker.speak("Hai.").engine == "sine"  # not cached: falls back, flaky down
    again = speaker.speak("Một.")  # cached: flaky's speech, offline
    assert (again.engine, again.cached) == ("flaky", True)


def _station(project, engines):  # type: ignore[no-untyped-def]
    st = project.schedule.stations["fm-thu"]
    return st.model_copy(update={"voice": st.voice.model_copy(update={"engines": engines})})


@pytest.mark.slow
def test_fallback_bulletin_is_retried_when_the_preferred_engine_is_back(
    fake_engines, small_root: Path, tmp_path: Path
):
    project = load_project(small_root)
    station = _station(project, ["flaky", "sine"])
    script = project.scripts["khong-cung-cap-otp"]
    out = tmp_path / "out"

    first = Renderer(project, out).render(script, station)
    assert first.engine == "sine" and first.fallbacks and not first.cached
    mtime = first.path.stat().st_mtime_ns

    # still offline in a new run: the preferred engine is tried, fails, file kept as is
    again = Renderer(project, out).render(script, station)
    assert again.cached and again.engine == "sine"
    assert first.path.stat().st_mtime_ns == mtime

    # network back: same key, same path, now spoken by the preferred engine
    FlakyEngine.online = True
    back = Renderer(project, out).render(script, station)
    assert back.path == first.path and back.key == first.key
    assert back.engine == "flaky" and not back.fallbacks and not back.cached
    meta = json.loads(back.meta_path.read_text("utf-8"))
    assert meta["engine"] == "flaky" and meta["fallbacks"] == []

    # and from now on it is an ordinary cached bulletin
    assert Renderer(project, out).render(script, station).cached


def test_fallback_bulletins_reused_in_a_run_once_the_engine_is_down(
    fake_engines, small_root: Path, tmp_path: Path
):
    project = load_project(small_root)
    station = _station(project, ["flaky", "sine"])
    out = tmp_path / "out"
    scripts = list(project.scripts.values())
    for s in scripts:
        Renderer(project, out).render(s, station)
    FlakyEngine.calls = []
    renderer = Renderer(project, out)
    assert all(renderer.render(s, station).cached for s in scripts)
    assert len(FlakyEngine.calls) == 1  # one retry per run, not one per bulletin


def test_metadata_and_tags_say_who_spoke(fake_engines, small_root: Path, tmp_path: Path):
    project = load_project(small_root)
    b = Renderer(project, tmp_path).render(
        project.scripts["noi-trinh-bao"], _station(project, ["flaky", "sine"])
    )
    meta = json.loads(b.meta_path.read_text("utf-8"))
    assert meta["engine"] == "sine" and meta["voice"] == "a4"
    assert meta["fallbacks"] == ["flaky: không có mạng (giả lập)"]
    tags = mutagen.id3.ID3(b.path)
    assert str(tags["TXXX:engine"]) == "sine" and str(tags["TXXX:voice"]) == "a4"
    assert "fallback=(flaky" in str(tags["TXXX:comment"])


# -- the real CLI, network unreachable -------------------------------------------------
def _run(args: list[str]):  # type: ignore[no-untyped-def]
    return CliRunner(mix_stderr=False).invoke(cli, args, catch_exceptions=False)


@pytest.mark.slow
def test_build_offline_with_gtts_first_still_makes_the_day(no_network, small_root: Path):
    out = small_root / "audio_out"
    res = _run(
        ["build", "--root", str(small_root), "--date", "2026-11-25", "--engine", "gtts,espeak"]
    )
    assert res.exit_code == 0, res.output + res.stderr
    assert "Cảnh báo" in res.stderr and "gtts" in res.stderr
    metas = list((out / "bulletins").glob("*/*.json"))
    assert metas
    for path in metas:
        meta = json.loads(path.read_text("utf-8"))
        assert meta["engine"] == "espeak"
        assert meta["fallbacks"] and meta["fallbacks"][0].startswith("gtts: Không kết nối")
        m = measure(path.with_suffix(".mp3"))
        assert m.duration_s > 5 and m.silent_fraction < 0.8
    assert len(no_network.calls) <= 3  # gTTS given up after its retries, not per bulletin
    assert (out / "cache" / "speech" / "espeak").is_dir()


@pytest.mark.slow
def test_render_offline_station_voice_from_yaml(no_network, small_root: Path, tmp_path: Path):
    stations = small_root / "schedules" / "stations.yaml"
    stations.write_text(
        stations.read_text("utf-8").replace(
            "    kind: fm\n",
            "    kind: fm\n    voice:\n      engines: [gtts, espeak]\n"
            "      options: {gtts: {tld: com.vn, backoff: 0}}\n",
            1,
        ),
        "utf-8",
    )
    target = tmp_path / "one.mp3"
    res = _run(
        [
            "render",
            str(small_root / "scripts" / "noi-trinh-bao.md"),
            "--root",
            str(small_root),
            "--station",
            "fm-thu",
            "-o",
            str(target),
        ]
    )
    assert res.exit_code == 0, res.output + res.stderr
    assert "đọc bằng espeak" in res.output
    assert "bộ đọc dự phòng espeak" in res.stderr
    assert no_network.calls  # gTTS was really tried first
    assert all("translate.google.com.vn" in c.request.url for c in no_network.calls)
    m = measure(target)
    assert m.duration_s > 5 and m.silent_fraction < 0.5 and m.rms_db > -40  # speech


def test_gtts_speech_made_online_is_used_later_offline(
    fake_google, small_root: Path, tmp_path: Path
):
    project = load_project(small_root)
    station = _station(project, ["gtts", "espeak"])
    out = tmp_path / "out"
    script = project.scripts["noi-trinh-bao"]
    online = Renderer(project, out).render(script, station)
    assert online.engine == "gtts"
    n = len(fake_google.calls)
    online.path.unlink()  # force a re-render from the speech cache
    offline = Renderer(project, out).render(script, station)
    assert offline.engine == "gtts" and len(fake_google.calls) == n


def test_engine_option_rejects_unknown_names(small_root: Path):
    res = CliRunner(mix_stderr=False).invoke(
        cli, ["build", "--root", str(small_root), "--engine", "gtts,nope"]
    )
    err = res.exception
    assert isinstance(err, InputError) and err.exit_code == 2  # main() exits 2 with it
    assert "Không có bộ đọc 'nope'" in err.what and err.where == "--engine"
    assert all(name in err.fix for name in ("gtts", "edge", "piper", "espeak"))
    assert not (small_root / "audio_out").exists()  # nothing built


def test_fake_engines_are_only_registered_inside_tests():
    from broadcast.speech import registry, speaker

    assert set(registry.ENGINES) == {"gtts", "edge", "piper", "espeak"}
    assert speaker.ENGINES is registry.ENGINES
