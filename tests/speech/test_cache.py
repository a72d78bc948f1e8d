"""The speech cache: keys, round trip, prune by age and size, concurrent writers."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest
from pydub.generators import Sine

from broadcast.cli.cache import to_age_seconds, to_bytes
from broadcast.speech.cache import SpeechCache, speech_key

BASE = dict(
    text="Xin chào.",
    engine="gtts",
    version="gtts 2.5.4",
    voice="vi",
    rate=135,
    settings={"tld": "com"},
)


def tone(ms: int = 500):  # type: ignore[no-untyped-def]
    return Sine(440).to_audio_segment(duration=ms, volume=-10).set_frame_rate(22050)


@pytest.mark.parametrize(
    "field, value",
    [
        ("text", "Xin chào!"),
        ("engine", "espeak"),
        ("version", "gtts 2.5.5"),
        ("voice", "vi-VN-x-south"),
        ("rate", 150),
        ("settings", {"tld": "com.vn"}),
    ],
)
def test_key_changes_with_everything_that_changes_the_sound(field, value):
    assert speech_key(**{**BASE, field: value}) != speech_key(**BASE)


def test_key_is_stable_across_runs_and_setting_order():
    """Tomorrow's cron run must find today's speech: the key may not depend on the
    process (hash seed) nor on the order the settings were written in."""
    import subprocess
    import sys

    code = (
        "from broadcast.speech.cache import speech_key; "
        "print(speech_key('Xin chào.', 'gtts', 'gtts 2.5.4', 'vi', 135, {'tld': 'com'}))"
    )
    runs = {
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout.strip()
        for seed in ("1", "2")
    }
    assert runs == {speech_key(**BASE)}
    a = speech_key(**{**BASE, "settings": {"tld": "com", "slow": False}})
    b = speech_key(**{**BASE, "settings": {"slow": False, "tld": "com"}})
    assert a == b != speech_key(**BASE)


def test_round_trip_is_lossless(tmp_path: Path):
    cache = SpeechCache(tmp_path)
    audio = tone().set_channels(1).set_sample_width(2)
    key = speech_key(**BASE)
    assert cache.get("gtts", key) is None
    path = cache.put("gtts", key, audio)
    assert path == tmp_path / "gtts" / key[:2] / f"{key}.flac"
    back = cache.get("gtts", key)
    assert back is not None and back.raw_data == audio.raw_data
    assert back.frame_rate == 22050


def test_damaged_entry_is_a_miss(tmp_path: Path):
    cache = SpeechCache(tmp_path)
    key = speech_key(**BASE)
    cache.path("gtts", key).parent.mkdir(parents=True)
    cache.path("gtts", key).write_bytes(b"RIFF....garbage")
    assert cache.get("gtts", key) is None


def _damage(data: bytes, how: str) -> bytes:
    if how == "garbage":
        return data[:4] + bytes(range(256)) * 8
    cut = len(data) // 2
    cut -= cut % 2  # an even length...
    return data[: cut + (how == "odd")]  # ...or an odd one


@pytest.mark.parametrize("how", ["even", "odd", "garbage"])
@pytest.mark.parametrize("suffix", [".flac", ".wav"])
def test_damaged_entry_is_made_again_whole(fake_engines, tmp_path: Path, how: str, suffix: str):
    """A cut or garbled entry (FLAC, or a WAV from the cache before FLAC) is a miss: the
    speaker speaks the text again, at its full length, and the cache holds it whole."""
    from broadcast.speech.cache import to_wav
    from broadcast.speech.speaker import Speaker
    from broadcast.vocabulary import Dialect, VoiceSettings

    from .conftest import SineEngine

    cache = SpeechCache(tmp_path)
    speaker = Speaker(VoiceSettings(engines=["sine"]), Dialect.north, cache=cache)
    text = "Một câu đủ dài để cắt đôi."
    whole = speaker.speak(text)
    assert not whole.cached
    (entry,) = [p for p, _ in cache.entries()]
    key = entry.stem
    if suffix == ".wav":  # yesterday's cache layout
        entry.unlink()
        entry = entry.with_suffix(".wav")
        entry.write_bytes(to_wav(whole.audio))
        assert speaker.speak(text).cached
    data = entry.read_bytes()
    entry.write_bytes(_damage(data, how))
    assert cache.stats().damaged == [entry]
    SineEngine.calls.clear()
    again = speaker.speak(text)
    assert SineEngine.calls == [text]  # made again, not read
    assert len(again.audio.raw_data) == len(whole.audio.raw_data)
    assert again.audio.frame_rate == whole.audio.frame_rate
    hit = speaker.speak(text)
    assert hit.cached and len(hit.audio.raw_data) == len(whole.audio.raw_data)
    assert cache.stats().damaged == [] and cache.existing("sine", key) is not None


def test_cache_stats_cli_reports_damaged_entries(tmp_path: Path):
    from click.testing import CliRunner

    from broadcast.cli import cli

    cache = SpeechCache(tmp_path / "out" / "cache" / "speech")
    good = cache.put("espeak", speech_key(**BASE), tone())
    bad = cache.put("espeak", speech_key(**{**BASE, "text": "khác"}), tone())
    bad.write_bytes(_damage(bad.read_bytes(), "odd"))
    res = CliRunner().invoke(cli, ["cache", "stats", "--out", str(tmp_path / "out")])
    assert res.exit_code == 0, res.output
    assert "1 đoạn hỏng" in res.output and bad.name in res.output
    assert good.name not in res.output


def test_flac_entries_are_smaller_than_wav(tmp_path: Path):
    from broadcast.speech.cache import to_wav

    cache = SpeechCache(tmp_path)
    audio = tone(3000)
    path = cache.put("espeak", speech_key(**BASE), audio)
    assert path.stat().st_size < len(to_wav(audio)) / 2


def _fill(cache: SpeechCache, n: int, age_days: list[float]) -> list[Path]:
    now = time.time()
    paths = []
    for i in range(n):
        p = cache.put("espeak", speech_key(**{**BASE, "text": f"câu {i}"}), tone(200))
        t = now - age_days[i] * 86400
        os.utime(p, (t, t))
        paths.append(p)
    return paths


def test_prune_by_age_keeps_recently_used(tmp_path: Path):
    cache = SpeechCache(tmp_path)
    paths = _fill(cache, 3, [40, 1, 31])
    result = cache.prune(older_than_s=30 * 86400)
    assert result.removed == 2 and result.kept == 1
    assert [p.exists() for p in paths] == [False, True, False]


def test_a_hit_counts_as_use(tmp_path: Path):
    cache = SpeechCache(tmp_path)
    (path,) = _fill(cache, 1, [40])
    key = path.stem
    assert cache.get("espeak", key) is not None
    assert cache.prune(older_than_s=30 * 86400).removed == 0


def test_prune_by_size_removes_least_recently_used_first(tmp_path: Path):
    cache = SpeechCache(tmp_path)
    paths = _fill(cache, 4, [4, 1, 3, 2])
    one = paths[0].stat().st_size
    result = cache.prune(max_bytes=2 * one)
    assert result.removed == 2
    assert [p.exists() for p in paths] == [False, True, False, True]
    assert cache.stats().bytes <= 2 * one


def test_dry_run_removes_nothing(tmp_path: Path):
    cache = SpeechCache(tmp_path)
    paths = _fill(cache, 2, [40, 40])
    assert cache.prune(older_than_s=86400, dry_run=True).removed == 2
    assert all(p.exists() for p in paths)


def test_stats_by_engine(tmp_path: Path):
    cache = SpeechCache(tmp_path)
    _fill(cache, 2, [1, 2])
    cache.put("gtts", speech_key(**BASE), tone())
    st = cache.stats()
    assert st.files == 3 and set(st.by_engine) == {"espeak", "gtts"}
    assert st.by_engine["espeak"][0] == 2


def test_concurrent_writers_leave_one_complete_file(tmp_path: Path):
    cache = SpeechCache(tmp_path)
    key = speech_key(**BASE)
    audio = tone(1000)
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(20):
                with cache.lock(key):
                    cache.put("gtts", key, audio)
                assert cache.get("gtts", key) is not None
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert [p.name for p in (tmp_path / "gtts" / key[:2]).iterdir()] == [f"{key}.flac"]
    assert cache.get("gtts", key).raw_data == audio.raw_data  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("500MB", 500 * 1024**2),
        ("1.5G", int(1.5 * 1024**3)),
        ("800k", 800 * 1024),
        ("1024", 1024),
        ("2 GB", 2 * 1024**3),
        ("10MiB", 10 * 1024**2),
    ],
)
def test_to_bytes(text, expected):
    assert to_bytes(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("30d", 30 * 86400),
        ("12h", 12 * 3600),
        ("2w", 14 * 86400),
        ("30 ngày", 30 * 86400),
        ("7", 7 * 86400),
        ("90m", 5400),
    ],
)
def test_to_age(text, expected):
    assert to_age_seconds(text) == expected


@pytest.mark.parametrize("bad", ["lots", "MB", "-5MB"])
def test_to_bytes_rejects(bad):
    with pytest.raises(ValueError, match="không đúng dạng"):
        to_bytes(bad)


def _flip(data: bytes, byte: int, bit: int) -> bytes:
    out = bytearray(data)
    out[byte] ^= 1 << bit
    return bytes(out)


# STREAMINFO follows "fLaC" and a 4-byte block header: the 36-bit frame count ends at
# byte 25, the sample rate is in bytes 18-20 (FLAC format, METADATA_BLOCK_STREAMINFO).
FLIPS = {
    "frames-2^35": (21, 3),  # announces 34 billion frames: was a 64 GiB MemoryError
    "frames-2^31": (22, 7),
    "frames-low-bit": (25, 0),  # one frame more or less: a short one looks whole
    "frames-bit-7": (24, 7),  # 128 frames more or less
    "rate": (19, 2),  # 22050 Hz -> 22114 Hz: a different pitch and length
}


@pytest.mark.parametrize("how", list(FLIPS))
def test_one_bit_flipped_in_a_flac_header_is_a_damaged_entry_made_again(
    fake_engines, tmp_path: Path, how: str
):
    """Issue 23: one bit flipped in a cached FLAC's frame count made build and cache
    stats fail with MemoryError. Any flip in the header is a miss, made again whole."""
    from broadcast.speech.speaker import Speaker
    from broadcast.vocabulary import Dialect, VoiceSettings

    from .conftest import SineEngine

    cache = SpeechCache(tmp_path)
    speaker = Speaker(VoiceSettings(engines=["sine"]), Dialect.north, cache=cache)
    text = "Một câu đủ dài để thử bit lật."
    whole = speaker.speak(text)
    (entry,) = [p for p, _ in cache.entries()]
    data = entry.read_bytes()
    byte, bit = FLIPS[how]
    entry.write_bytes(_flip(data, byte, bit))
    assert entry.read_bytes() != data
    assert cache.stats().damaged == [entry]
    SineEngine.calls.clear()
    again = speaker.speak(text)
    assert SineEngine.calls == [text]
    assert len(again.audio.raw_data) == len(whole.audio.raw_data)
    assert again.audio.frame_rate == whole.audio.frame_rate
    assert cache.stats().damaged == []


def test_every_single_bit_flip_of_the_header_is_caught_or_harmless(tmp_path: Path):
    """Each of the header's 272 bits flipped: the entry decodes to the very samples and
    rate it was made with, or it is damaged; never an exception of another kind."""
    from broadcast.speech.cache import DamagedEntry, from_flac, to_flac

    seg = tone(1500)
    data = to_flac(seg)
    for byte in range(8, 42):
        for bit in range(8):
            try:
                back = from_flac(_flip(data, byte, bit))
            except DamagedEntry:
                continue
            assert back.raw_data == seg.raw_data and back.frame_rate == seg.frame_rate, (
                byte,
                bit,
            )


def test_cache_stats_cli_reports_a_flipped_frame_count_as_damaged(tmp_path: Path):
    from click.testing import CliRunner

    from broadcast.cli import cli

    cache = SpeechCache(tmp_path / "out" / "cache" / "speech")
    bad = cache.put("espeak", speech_key(**BASE), tone())
    bad.write_bytes(_flip(bad.read_bytes(), *FLIPS["frames-2^35"]))
    res = CliRunner().invoke(cli, ["cache", "stats", "--out", str(tmp_path / "out")])
    assert res.exit_code == 0, res.output
    assert "1 đoạn hỏng" in res.output and bad.name in res.output
