"""Benchmark the offline render path and the build cache; prints figures, asserts nothing.

    python bench/bench_render.py

1. eSpeak NG speed: seconds of audio per second of wall time on a long bulletin.
2. The whole render of that bulletin (spoken form, speech, assembly, loudness, MP3)
   against the floor measured in the same run: one raw library synthesis of the same
   text plus one MP3 encode of that audio. Target: at most 1.3x.
3. ``broadcast build`` of the shipped campaign's first day: cold (empty output) and
   warm (everything cached: no synthesis, no encode).
"""

from __future__ import annotations

import datetime as dt
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from broadcast.audio.export import encode_mp3  # noqa: E402
from broadcast.project import load_project  # noqa: E402
from broadcast.render import Renderer  # noqa: E402
from broadcast.scripts import parse_script  # noqa: E402
from broadcast.speech.espeak import EspeakEngine  # noqa: E402
from broadcast.text.spoken import spoken  # noqa: E402

RUNS = 5


def best(fn, runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="bench-render-"))
    try:
        root = work / "project"
        shutil.copytree(REPO / "scripts", root / "scripts")
        shutil.copytree(REPO / "schedules", root / "schedules")
        project = load_project(root)
        station = next(iter(project.schedule.stations.values())).model_copy(update={"repeat": 1})
        body = "\n\n".join(s.text for s in project.scripts.values())
        first = next(iter(project.scripts.values()))
        long_script = parse_script(
            first.path.read_text(encoding="utf-8").split("---\n", 2)[0]
            + "---\n"
            + first.path.read_text(encoding="utf-8").split("---\n", 2)[1]
            + "---\n"
            + body
            + "\n",
            first.path,
        )
        engine = EspeakEngine()
        text = spoken(body, station.dialect.value)
        voice = engine.voice_for(station.dialect)

        # 1. engine speed
        seg = engine.synthesize(text, voice, station.voice.rate)
        audio_s = len(seg) / 1000
        t_synth = best(lambda: engine.synthesize(text, voice, station.voice.rate))
        print(f"long bulletin: {len(body)} characters, {audio_s:.1f} s of speech")
        print(
            f"espeak-ng synthesis: {t_synth * 1000:.0f} ms -> "
            f"{audio_s / t_synth:.0f} s of audio per second of wall time"
        )

        # 2. floor vs whole render
        samples = np.frombuffer(seg.raw_data, dtype="<i2").astype(np.float64) / 32768
        out_mp3 = work / "floor.mp3"

        def floor() -> None:
            s = engine.synthesize(text, voice, station.voice.rate)
            x = np.frombuffer(s.raw_data, dtype="<i2").astype(np.float64) / 32768
            encode_mp3(
                x,
                s.frame_rate,
                out_mp3,
                sample_rate=station.audio.sample_rate,
                bitrate=station.audio.bitrate,
                tags={},
            )

        def whole() -> None:
            r = Renderer(project, work / "out")
            shutil.rmtree(work / "out", ignore_errors=True)
            r.render(long_script, station)

        t_floor = best(floor)
        t_whole = best(whole)
        t_encode = best(
            lambda: encode_mp3(
                samples,
                seg.frame_rate,
                out_mp3,
                sample_rate=station.audio.sample_rate,
                bitrate=station.audio.bitrate,
                tags={},
            )
        )
        print(
            f"floor (raw synthesis + one MP3 encode): {t_floor * 1000:.0f} ms "
            f"(encode alone {t_encode * 1000:.0f} ms)"
        )
        print(
            f"whole render (spoken form, speech, assembly, loudness, MP3): {t_whole * 1000:.0f} ms"
        )
        print(f"ratio whole/floor: {t_whole / t_floor:.2f}x (target <= 1.30x)")

        # 3. cold vs warm build
        first_day = min(c.start for c in project.schedule.campaigns)
        cmd = [
            sys.executable,
            "-m",
            "broadcast",
            "build",
            "--date",
            first_day.isoformat(),
            "--root",
            str(root),
            "--out",
            str(work / "build"),
        ]
        colds, warms = [], []
        for _ in range(2):
            shutil.rmtree(work / "build", ignore_errors=True)
            t = time.perf_counter()
            subprocess.run(cmd, check=True, capture_output=True)
            colds.append(time.perf_counter() - t)
            t = time.perf_counter()
            subprocess.run(cmd, check=True, capture_output=True)
            warms.append(time.perf_counter() - t)
        n = len(list((work / "build").rglob("*.mp3")))
        print(
            f"build {first_day} ({n} bulletins, {len(project.schedule.stations)} stations): "
            f"cold {min(colds):.2f} s, warm {min(warms):.2f} s "
            f"(median {statistics.median(colds):.2f} / {statistics.median(warms):.2f})"
        )
        print(f"date: {dt.date.today()}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
