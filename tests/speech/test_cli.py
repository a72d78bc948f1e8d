"""``broadcast voices`` and ``broadcast cache`` through click's CliRunner."""

from __future__ import annotations

import os
import time
from pathlib import Path

import yaml
from click.testing import CliRunner
from pydub.generators import Sine

from broadcast.cli import cli
from broadcast.speech import base
from broadcast.speech import measured as measured_module
from broadcast.speech.cache import SpeechCache, speech_key


def _run(args: list[str]):  # type: ignore[no-untyped-def]
    return CliRunner(mix_stderr=False).invoke(cli, args, catch_exceptions=False)


def test_voices_offline_lists_every_engine_without_probing(small_root: Path, monkeypatch):
    monkeypatch.setattr(base, "reachable", lambda *a, **k: (_ for _ in ()).throw(AssertionError))
    res = _run(["voices", "--offline", "--root", str(small_root)])
    assert res.exit_code == 0
    for name in ("gtts", "edge", "piper", "espeak"):
        assert name in res.output
    assert "vi-VN-HoaiMyNeural" in res.output and "vi-VN-NamMinhNeural" in res.output
    assert "chưa thử mạng" in res.output
    assert "KHÔNG dùng được: Chưa chọn tệp giọng cho Piper" in res.output
    assert "piper-voices" in res.output


def test_voices_probe_reports_no_network(small_root: Path, monkeypatch):
    monkeypatch.setattr(base, "reachable", lambda host, timeout: False)
    res = _run(["voices", "--root", str(small_root)])
    assert res.exit_code == 0
    assert "không kết nối được translate.google.com" in res.output
    assert "espeak  ngoại tuyến dùng được" in res.output


def test_cache_stats_and_prune(tmp_path: Path):
    store = SpeechCache(tmp_path / "out" / "cache" / "speech")
    seg = Sine(440).to_audio_segment(duration=300).set_frame_rate(16000)
    old = store.put("gtts", speech_key("a", "gtts", "1", "vi", 135), seg)
    store.put("espeak", speech_key("b", "espeak", "1", "vi", 135), seg)
    t = time.time() - 40 * 86400
    os.utime(old, (t, t))
    res = _run(["cache", "stats", "--root", str(tmp_path), "--out", str(tmp_path / "out")])
    assert res.exit_code == 0 and "2 đoạn tiếng" in res.output and "gtts: 1 đoạn" in res.output
    res = _run(
        [
            "cache",
            "prune",
            "--older-than",
            "30d",
            "--max-size",
            "500MB",
            "--root",
            str(tmp_path),
            "--out",
            str(tmp_path / "out"),
        ]
    )
    assert res.exit_code == 0 and "Đã xóa 1 đoạn" in res.output
    assert not old.exists()


def test_cache_prune_needs_a_limit(tmp_path: Path):
    res = CliRunner(mix_stderr=False).invoke(cli, ["cache", "prune", "--root", str(tmp_path)])
    assert res.exit_code == 2 and "--max-size" in res.stderr


def test_cache_prune_rejects_bad_size(tmp_path: Path):
    res = CliRunner(mix_stderr=False).invoke(
        cli, ["cache", "prune", "--max-size", "lots", "--root", str(tmp_path)]
    )
    assert res.exit_code == 2 and "không đúng dạng" in res.stderr


def test_voices_prints_each_measured_figure(small_root: Path, monkeypatch):
    monkeypatch.setattr(base, "reachable", lambda *a, **k: (_ for _ in ()).throw(AssertionError))
    res = _run(["voices", "--offline", "--root", str(small_root)])
    assert res.exit_code == 0
    lines = res.output.splitlines()
    # the figures are the bench's shipped table (broadcast/speech/measured.yaml)
    table = yaml.safe_load(
        (Path(measured_module.__file__).parent / "measured.yaml").read_text("utf-8")
    )
    assert "espeak/vi" in table["voices"]
    for key, per_dialect in table["voices"].items():
        voice = key.split("/", 1)[1]
        hit = [ln for ln in lines if ln.strip().startswith(f"{voice}: tỉ lệ nghe sai")]
        assert len(hit) == 1 and str(table["date"]) in hit[0], res.output
        for dialect, row in per_dialect.items():
            word = measured_module.DIALECT_WORDS[dialect]
            assert f"lời miền {word} {row['word_error_rate']:.2f}" in hit[0], hit[0]
    assert any("mặc định / default: miền Bắc vi, miền Trung vi, miền Nam vi" in ln for ln in lines)
