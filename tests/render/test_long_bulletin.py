"""A long bulletin is mastered piece by piece (issue 23): same MP3 as the whole, real audio."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from pydub import AudioSegment

from broadcast.audio import master as mastering
from broadcast.cli.main import main
from broadcast.speech.espeak import EspeakEngine
from broadcast.vocabulary import AudioSettings
from tests.audio_checks import measure

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("chunk", [300, 7, 1])
def test_pieces_master_to_the_same_mp3_as_the_whole(tmp_path, monkeypatch, chunk):
    engine = EspeakEngine()
    body = engine.synthesize("Bà con chú ý, không đưa mã OTP cho ai. " * 3, "vi", 135)
    again = engine.synthesize("Xin nhắc lại", "vi", 135)
    gap = AudioSegment.silent(duration=1500, frame_rate=body.frame_rate)
    parts = [again, gap, body, gap, again, body, gap, again]
    whole = parts[0]
    for p in parts[1:]:
        whole += p
    settings = AudioSettings()
    a = mastering.master(whole, tmp_path / "a.mp3", settings, {"title": "thử"})
    monkeypatch.setattr(mastering, "CHUNK_SUB_BLOCKS", chunk)
    b = mastering.master_pieces(parts, tmp_path / "b.mp3", settings, {"title": "thử"})
    assert a == b
    assert (tmp_path / "a.mp3").read_bytes() == (tmp_path / "b.mp3").read_bytes()


@pytest.mark.slow
def test_a_long_body_renders_to_real_audio_at_the_target_loudness(tmp_path):
    sys.path.insert(0, str(REPO / "bench"))
    import shutil

    from bench_long_render import long_body

    root = tmp_path / "project"
    shutil.copytree(REPO / "scripts", root / "scripts")
    shutil.copytree(REPO / "schedules", root / "schedules")
    head = (REPO / "scripts" / "khong-cung-cap-otp.md").read_text(encoding="utf-8")
    head = head.split("---\n", 2)[1].replace("id: khong-cung-cap-otp", "id: dai")
    body = long_body(5000)
    script = root / "scripts" / "dai.md"
    script.write_text(f"---\n{head}---\n{body}\n", encoding="utf-8")
    out = tmp_path / "dai.mp3"
    with pytest.raises(SystemExit) as done:
        main(
            ["render", str(script), "--root", str(root), "--out", str(tmp_path / "o")]
            + ["-o", str(out)]
        )
    assert done.value.code in (0, None)
    m = measure(out)
    # read twice at ~13 characters a second of speech, plus chimes and pauses
    assert 2 * len(body) / 20 < m.duration_s < 2 * len(body) / 8
    assert m.silent_fraction < 0.5
    assert m.lufs == pytest.approx(-16.0, abs=1.0)
    assert m.true_peak_db <= -1.0
