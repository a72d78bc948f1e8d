"""Benchmark the offline render path and the build cache; prints figures, asserts nothing.

    python bench/bench_render.py            # 7 rounds
    python bench/bench_render.py --rounds 11

Honest by construction: the station is the shipped one (``repeat: 2`` and the shipped
audio settings, not a lighter copy), compared commands run interleaved (A B A B ...,
so a neighbour's load hits both alike), and every figure is the min and the median.

1. eSpeak NG speed: seconds of audio per second of wall time on a long text.
2. The whole render of one bulletin of that text (spoken form, speech, assembly,
   loudness, MP3) against a floor measured in the same rounds: one raw synthesis of
   the text plus one MP3 encode of audio as long as the whole bulletin.
3. Encoding at the engine's own rate (``audio: {sample_rate: 22050, bitrate: 64}``)
   against the shipped 44.1 kHz / 128 kb/s: time and bytes.
4. ``broadcast build`` of the shipped campaign's first day: cold (empty output) and
   warm (everything there: no synthesis, no encode).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from broadcast.audio.export import encode_mp3  # noqa: E402
from broadcast.project.loader import load_project  # noqa: E402
from broadcast.project.scripts import parse_script  # noqa: E402
from broadcast.render.renderer import Renderer  # noqa: E402
from broadcast.speech.espeak import EspeakEngine  # noqa: E402
from broadcast.text.spoken import spoken  # noqa: E402


def interleaved(fns: dict[str, Callable[[], object]], rounds: int) -> dict[str, list[float]]:
    """Run each function once per round, in turn; wall times per function."""
    times: dict[str, list[float]] = {name: [] for name in fns}
    for r in range(rounds):
        names = list(fns) if r % 2 == 0 else list(reversed(fns))  # no fixed first place
        for name in names:
            t = time.perf_counter()
            fns[name]()
            times[name].append(time.perf_counter() - t)
    return times


def fmt(xs: list[float], unit: float = 1000, suffix: str = "ms") -> str:
    d = 0 if unit == 1000 else 2
    return (
        f"min {min(xs) * unit:.{d}f} {suffix}, median {statistics.median(xs) * unit:.{d}f} {suffix}"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--build-rounds", type=int, default=3)
    args = ap.parse_args()
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start")
    work = Path(tempfile.mkdtemp(prefix="bench-render-"))
    try:
        root = work / "project"
        shutil.copytree(REPO / "scripts", root / "scripts")
        shutil.copytree(REPO / "schedules", root / "schedules")
        project = load_project(root)
        station = next(iter(project.schedule.stations.values()))  # shipped settings as-is
        audio = station.audio
        print(
            f"station {station.id}: repeat {station.repeat}, {audio.sample_rate} Hz, "
            f"{audio.bitrate} kb/s, {audio.lufs} LUFS"
        )
        body = "\n\n".join(s.text for s in project.scripts.values())
        first = next(iter(project.scripts.values()))
        head = first.path.read_text(encoding="utf-8").split("---\n", 2)
        long_script = parse_script("---\n".join([head[0], head[1], body + "\n"]), first.path)
        engine = EspeakEngine()
        text = spoken(body, station.dialect.value)
        voice = engine.voice_for(station.dialect)

        # 1. engine speed
        seg = engine.synthesize(text, voice, station.voice.rate)
        audio_s = len(seg) / 1000
        synth = interleaved({"s": lambda: engine.synthesize(text, voice, station.voice.rate)}, 5)
        t_synth = min(synth["s"])
        print(f"long text: {len(body)} characters, {audio_s:.1f} s of speech")
        print(
            f"1. espeak-ng synthesis: {fmt(synth['s'])} -> "
            f"{audio_s / t_synth:.0f} s of audio per second of wall time"
        )

        # 2. floor vs whole render, interleaved
        probe = Renderer(project, work / "probe").render(long_script, station)
        rate = seg.frame_rate
        n = int(probe.duration_s * rate)
        raw = np.frombuffer(seg.raw_data, dtype="<i2").astype(np.float64) / 32768
        whole_len = np.resize(raw, n) * 0.5  # as long as the whole bulletin
        out_mp3 = work / "floor.mp3"

        def floor() -> None:
            engine.synthesize(text, voice, station.voice.rate)
            encode_mp3(
                whole_len,
                rate,
                out_mp3,
                sample_rate=audio.sample_rate,
                bitrate=audio.bitrate,
                tags={},
            )

        def whole() -> None:
            shutil.rmtree(work / "out", ignore_errors=True)  # cold: no speech cache either
            Renderer(project, work / "out").render(long_script, station)

        t = interleaved({"floor": floor, "whole": whole}, args.rounds)
        ratios = [w / f for w, f in zip(t["whole"], t["floor"], strict=True)]
        print(f"2. bulletin of {probe.duration_s:.1f} s (repeat {station.repeat}):")
        print(f"   floor (raw synthesis + one MP3 encode of the whole length): {fmt(t['floor'])}")
        print(f"   whole render (spoken form, speech, assembly, loudness, MP3): {fmt(t['whole'])}")
        print(
            f"   ratio whole/floor: {min(t['whole']) / min(t['floor']):.2f}x on the mins, "
            f"paired per round: min {min(ratios):.2f}x, median {statistics.median(ratios):.2f}x "
            f"(target <= 1.30x)"
        )

        # 3. encode at the engine's own rate
        shipped, native = work / "shipped.mp3", work / "native.mp3"

        def enc(path: Path, sr: int, br: int) -> Callable[[], None]:
            return lambda: encode_mp3(whole_len, rate, path, sample_rate=sr, bitrate=br, tags={})

        t = interleaved(
            {
                "shipped": enc(shipped, audio.sample_rate, audio.bitrate),
                "native": enc(native, rate, 64),
            },
            args.rounds,
        )
        print(f"3. encode {probe.duration_s:.0f} s of audio:")
        print(
            f"   {audio.sample_rate} Hz / {audio.bitrate} kb/s: {fmt(t['shipped'])}, "
            f"{shipped.stat().st_size / 1e6:.2f} MB"
        )
        print(
            f"   {rate} Hz / 64 kb/s (engine's own rate): {fmt(t['native'])}, "
            f"{native.stat().st_size / 1e6:.2f} MB"
        )
        print(
            f"   saves x{statistics.median(t['shipped']) / statistics.median(t['native']):.2f} "
            f"encode time (medians), x{shipped.stat().st_size / native.stat().st_size:.2f} disk"
        )

        # 4. cold vs warm build
        first_day = min(c.start for c in project.schedule.campaigns)
        cmd = [sys.executable, "-m", "broadcast", "build", "--date", first_day.isoformat()]
        cmd += ["--root", str(root), "--out", str(work / "build")]
        env = dict(os.environ, PYTHONPATH=str(REPO))
        colds, warms = [], []
        for _ in range(args.build_rounds):
            shutil.rmtree(work / "build", ignore_errors=True)
            t0 = time.perf_counter()
            subprocess.run(cmd, check=True, capture_output=True, env=env)
            colds.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            subprocess.run(cmd, check=True, capture_output=True, env=env)
            warms.append(time.perf_counter() - t0)
        mp3s = len(list((work / "build").rglob("*.mp3")))
        print(
            f"4. build {first_day} ({len(project.schedule.stations)} stations, {mp3s} MP3s): "
            f"cold {fmt(colds, 1, 's')}; warm {fmt(warms, 1, 's')}"
        )
        print(f"load average {os.getloadavg()[0]:.1f} at end (other work shares the CPU)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
