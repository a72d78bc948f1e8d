"""The bundled player: plays a file through ffmpeg and fades out on ``SIGUSR1``.

ffplay, mpv and cvlc cannot be asked to fade from outside, so cutting them for an
emergency is a hard cut. This player can: it decodes the file with the bundled ffmpeg
(paced at real time, ``-re``) into raw PCM, multiplies each block by a gain, and pipes it
to a sink (by default the bundled ffmpeg writing to PulseAudio/PipeWire). On ``SIGUSR1``
the gain ramps linearly to zero over ``--fade`` seconds, then it stops. ``SIGTERM`` stops
at once. Exit 0 at the end of the file or after a fade.

    python -m broadcast.playout.fader FILE [--fade 0.5] [--sink "CMD ... -i - ..."]

The sink command reads signed 16-bit little-endian PCM, 44.1 kHz, 2 channels on stdin
(``{ffmpeg}`` is replaced by the bundled ffmpeg); tests write it to a WAV file.
"""

from __future__ import annotations

import argparse
import shlex
import signal
import subprocess
import sys
import threading

import numpy as np

from ..audio.ffmpeg import ffmpeg_exe

RATE = 44100
CHANNELS = 2
#: 20 ms blocks: the fade starts within one block of the request
BLOCK_FRAMES = RATE // 50
SINK = (
    "{ffmpeg} -nostdin -loglevel error -f s16le -ar 44100 -ac 2 -i - "
    "-f pulse -buffer_duration 100 default"
)


def gains(start: float, step: float, n: int) -> np.ndarray:
    """Per-frame gain of one block of a linear fade (clipped at 0): pure, for tests."""
    return np.clip(start - step * np.arange(1, n + 1), 0.0, 1.0)


def play(file: str, fade_s: float, sink: str) -> int:
    fading = threading.Event()
    signal.signal(signal.SIGUSR1, lambda *_: fading.set())
    decoder = subprocess.Popen(
        [ffmpeg_exe(), "-nostdin", "-loglevel", "error", "-re", "-i", file,
         "-f", "s16le", "-ar", str(RATE), "-ac", str(CHANNELS), "-"],
        stdout=subprocess.PIPE,
    )  # fmt: skip
    out = subprocess.Popen(
        [p.format(ffmpeg=ffmpeg_exe()) for p in shlex.split(sink)], stdin=subprocess.PIPE
    )
    assert decoder.stdout is not None and out.stdin is not None
    gain = 1.0
    step = 1.0 / max(1.0, fade_s * RATE)
    block = BLOCK_FRAMES * CHANNELS * 2
    try:
        while True:
            data = decoder.stdout.read(block)
            if not data:
                break
            samples = np.frombuffer(data[: len(data) // 4 * 4], dtype="<i2").reshape(-1, 2)
            if fading.is_set():
                g = gains(gain, step, len(samples))
                gain = float(g[-1])
                samples = (samples * g[:, None]).astype("<i2")
                out.stdin.write(samples.tobytes())
                if gain <= 0.0:
                    break
            else:
                out.stdin.write(samples.tobytes())
    except BrokenPipeError:
        return 1
    finally:
        decoder.kill()
        decoder.wait()
        try:
            out.stdin.close()
        except BrokenPipeError:
            pass
        out.wait()
    return 0


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m broadcast.playout.fader")
    parser.add_argument("file")
    parser.add_argument("--fade", type=float, default=0.5)
    parser.add_argument("--sink", default=SINK)
    args = parser.parse_args(argv)
    sys.exit(play(args.file, args.fade, args.sink))


if __name__ == "__main__":
    main()
