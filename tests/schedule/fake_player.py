"""A stand-in for ffplay/mpv in daemon tests: logs start and end of each 'play'."""

import sys
import time
from pathlib import Path

file, log, seconds = sys.argv[1], Path(sys.argv[2]), float(sys.argv[3])
name = Path(file).name
with log.open("a", encoding="utf-8") as fh:
    fh.write(f"start {name}\n")
time.sleep(seconds)
with log.open("a", encoding="utf-8") as fh:
    fh.write(f"end {name}\n")
