"""Piper, loading and synthesizing a tiny ONNX voice the tests build themselves."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from broadcast.render.renderer import Renderer
from broadcast.speech.base import EngineUnavailable
from broadcast.speech.piper import PiperEngine

from ..audio_checks import measure
from .conftest import TINY_RATE, build_tiny_voice

pytest.importorskip("piper", reason="piper-tts (extra [piper]) is not installed")


def test_real_audio_at_the_models_sample_rate(tiny_voice: Path):
    eng = PiperEngine({"model": str(tiny_voice)})
    audio = eng.synthesize("Bà con cảnh giác. Không cung cấp mã xác thực.", "default", 135)
    assert audio.frame_rate == TINY_RATE
    assert len(audio) > 500 and audio.dBFS > -20


def test_rate_reaches_the_model_as_length_scale(tiny_voice: Path, monkeypatch):
    eng = PiperEngine({"model": str(tiny_voice)})
    text = "Bà con cảnh giác với cuộc gọi lạ."
    # The tiny graph ignores length_scale, so the length cannot show it: record what
    # the real ONNX session is given instead (its run still makes the audio).
    session = eng._voice.session
    scales: list[float] = []

    class Spy:
        def run(self, names, feeds):  # type: ignore[no-untyped-def]
            scales.append(float(feeds["scales"][1]))
            return session.run(names, feeds)

    monkeypatch.setattr(eng._voice, "session", Spy())
    base = eng._voice.config.length_scale
    for rate, factor in ((135, 1.0), (270, 0.5), (108, 1.25)):
        scales.clear()
        audio = eng.synthesize(text, "default", rate)
        assert len(audio) > 500 and audio.dBFS > -20
        assert scales and all(s == pytest.approx(base * factor) for s in scales), (rate, scales)


def test_relative_model_path_starts_at_project_root(tiny_voice: Path, tmp_path: Path):
    (tmp_path / "voices").mkdir()
    for src in (tiny_voice, Path(f"{tiny_voice}.json")):
        shutil.copy(src, tmp_path / "voices" / src.name)
    eng = PiperEngine({"model": f"voices/{tiny_voice.name}"}, base_dir=tmp_path)
    assert eng.model == tmp_path / "voices" / tiny_voice.name


def test_missing_model_says_where_to_get_one(tmp_path: Path):
    with pytest.raises(EngineUnavailable) as info:
        PiperEngine({"model": str(tmp_path / "nope.onnx")})
    assert "Không thấy tệp giọng Piper" in info.value.what
    assert "rhasspy/piper-voices" in info.value.fix
    assert "vi_VN-vais1000-medium" in info.value.fix


def test_no_model_configured():
    avail = PiperEngine.availability({}, probe=False)
    assert not avail.usable and "voice.options.piper.model" in avail.fix


def test_broken_model_file(tmp_path: Path, tiny_voice: Path):
    bad = tmp_path / "broken.onnx"
    bad.write_bytes(b"this is not onnx")
    shutil.copy(f"{tiny_voice}.json", f"{bad}.json")
    with pytest.raises(EngineUnavailable) as info:
        PiperEngine({"model": str(bad)})
    assert "hỏng" in info.value.what and "piper-voices" in info.value.fix


def test_new_model_changes_the_version(tmp_path: Path, tiny_voice: Path):
    other = build_tiny_voice(tmp_path, sample_rate=22050)
    a = PiperEngine({"model": str(tiny_voice)}).version
    b = PiperEngine({"model": str(other)}).version
    assert a != b


@pytest.mark.slow
def test_bulletin_spoken_by_piper(small_root: Path, tiny_voice: Path, tmp_path: Path):
    from broadcast.project.loader import load_project

    project = load_project(small_root)
    st = project.schedule.stations["fm-thu"]
    voice = st.voice.model_copy(
        update={"engines": ["piper", "espeak"], "options": {"piper": {"model": str(tiny_voice)}}}
    )
    st = st.model_copy(update={"voice": voice})
    b = Renderer(project, tmp_path / "out").render(project.scripts["khong-cung-cap-otp"], st)
    assert b.engine == "piper" and not b.fallbacks
    m = measure(b.path)
    assert m.duration_s > 3 and m.silent_fraction < 0.9 and abs(m.lufs - st.audio.lufs) < 1.5
