"""A stand-in for ffplay/mpv in daemon tests: logs start, fade request, stop and end.

Each line is ``EVENT NAME @UNIX_TIME``. SIGUSR1 (the daemon's "fade out now") is logged
and the 'play' goes on, as a real fade would, until SIGTERM (logged as ``stop``).
With ``hold:PATH`` instead of seconds it plays until PATH exists (the test's release).
"""

import signal
import sys
import time
from pathlib import Path

file, log, how = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
name = Path(file).name
# "hold:PATH": play until the test creates PATH (release), at most 30 s; else seconds
release = Path(how[5:]) if how.startswith("hold:") else None
seconds = 30.0 if release is not None else float(how)


def say(event: str) -> None:
    with log.open("a", encoding="utf-8") as fh:
        fh.write(f"{event} {name} @{time.time():.3f}\n")


def on_fade(signum, frame):  # type: ignore[no-untyped-def]
    say("fade")


def on_term(signum, frame):  # type: ignore[no-untyped-def]
    say("stop")
    sys.exit(143)


signal.signal(signal.SIGUSR1, on_fade)
signal.signal(signal.SIGTERM, on_term)
say("start")
end = time.monotonic() + seconds
while (left := end - time.monotonic()) > 0:
    if release is not None and release.exists():
        break
    time.sleep(min(left, 0.02))
say("end")
