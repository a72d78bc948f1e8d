"""A long bulletin is mastered piece by piece (issue 23): same MP3 as the whole, real audio."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import imageio_ffmpeg
import mutagen
import numpy as np
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


def _speech_with_pauses() -> tuple[list[AudioSegment], int]:
    engine = EspeakEngine()
    body = engine.synthesize("Bà con chú ý, không đưa mã OTP cho ai. " * 2, "vi", 135)
    gap = AudioSegment.silent(duration=1500, frame_rate=body.frame_rate)
    return [body, gap, body, gap, body], body.frame_rate


def test_a_long_bulletin_is_encoded_in_parts_cut_in_a_pause(tmp_path, monkeypatch):
    pieces, rate = _speech_with_pauses()
    settings = AudioSettings()
    whole = mastering.master_pieces(pieces, tmp_path / "whole.mp3", settings, {"title": "thử"})
    monkeypatch.setattr(mastering, "PARTS_MIN_S", 2.0)
    monkeypatch.setattr(mastering, "_cores", lambda: 3)
    # each cut falls in one of the 1.5 s pauses, not inside a word
    pcm = [np.frombuffer(p.set_sample_width(2).raw_data, dtype="<i2") for p in pieces]
    n = sum(len(p) for p in pcm)
    cuts = mastering._cuts(pcm, n, rate, 110, 3)
    assert len(cuts) == 4
    whole_pcm = np.concatenate(pcm).astype(np.float64)
    assert cuts == sorted(set(cuts))
    for cut in cuts[1:-1]:
        near = whole_pcm[cut - rate // 40 : cut + rate // 40]  # 25 ms either side
        assert np.sqrt(np.mean(near**2)) < 32768 * 10 ** (-50 / 20)
    parted = mastering.master_pieces(pieces, tmp_path / "parts.mp3", settings, {"title": "thử"})
    assert parted == whole  # the same samples were mastered
    a, b = measure(tmp_path / "whole.mp3"), measure(tmp_path / "parts.mp3")
    assert b.lufs == pytest.approx(a.lufs, abs=0.2)
    assert b.true_peak_db <= -1.0
    assert b.duration_s == pytest.approx(a.duration_s, abs=0.2)  # ~50 ms per join
    assert b.silent_fraction == pytest.approx(a.silent_fraction, abs=0.03)
    assert mutagen.File(tmp_path / "parts.mp3")["TIT2"].text == ["thử"]
    errors = subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-i", str(tmp_path / "parts.mp3")]
        + ["-f", "null", "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stderr
    assert errors == ""  # every frame decodes
    assert sorted(p.name for p in tmp_path.iterdir()) == ["parts.mp3", "whole.mp3"]


def test_a_part_that_fails_leaves_no_file_and_no_scratch(tmp_path, monkeypatch):
    from broadcast.audio import export
    from broadcast.errors import AudioError

    pieces, _ = _speech_with_pauses()
    monkeypatch.setattr(mastering, "PARTS_MIN_S", 2.0)
    monkeypatch.setattr(mastering, "_cores", lambda: 2)
    real = export.feed_ffmpeg

    def second_part_fails(args, chunks):
        if ".part1." in args[-1]:
            raise AudioError("ffmpeg báo lỗi: thử lỗi")
        real(args, chunks)

    monkeypatch.setattr(export, "feed_ffmpeg", second_part_fails)
    with pytest.raises(AudioError):
        mastering.master_pieces(pieces, tmp_path / "b.mp3", AudioSettings(), {"title": "x"})
    assert list(tmp_path.iterdir()) == []
