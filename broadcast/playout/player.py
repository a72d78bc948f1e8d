"""The player process: one file at a time, in its own process group, never left behind.

The daemon does not decode audio itself; it runs a player command (ffplay, mpv, cvlc or
the bundled ffmpeg) per file. Three promises live here:

- **Own process group.** Each player starts a new session (``setsid``), so the daemon can
  stop the player *and* anything it started (a shell, a decoder) with one ``killpg``.
- **Never outlives the daemon.** On Linux the player gets ``PR_SET_PDEATHSIG`` (SIGTERM when
  the daemon dies, even by ``kill -9``). Its process group id is also written to
  ``OUT/daemon/players/STATION.json`` while it plays; a daemon that starts kills any group
  still listed there (left by a daemon killed before it could clean up).
- **Fade, not a hard cut.** :meth:`PlayerProcess.stop` first sends ``SIGUSR1`` ("fade out
  now") and gives the player ``fade_s`` to end by itself, then stops its group with
  ``SIGTERM`` (``SIGKILL`` if it still does not go). A player that does not handle
  ``SIGUSR1`` (ffplay, mpv) ends at once: the default action of that signal.
  The time the player really ended is what the as-run log records.
"""

from __future__ import annotations

import ctypes
import datetime as dt
import json
import logging
import os
import shlex
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..audio.ffmpeg import ffmpeg_exe
from ..files import atomic

log = logging.getLogger(__name__)

#: what plays a file when no --player is given: the first of these found on this machine;
#: the last needs nothing installed (the ffmpeg from imageio-ffmpeg, to PulseAudio/PipeWire)
PLAYERS = (
    ("ffplay", "ffplay -nodisp -autoexit -loglevel error {file}"),
    ("mpv", "mpv --no-video --really-quiet {file}"),
    ("cvlc", "cvlc --play-and-exit --quiet {file}"),
)
#: the bundled player (broadcast/playout/fader.py: the bundled ffmpeg to PulseAudio/PipeWire)
#: is the one that fades out when cut; ffplay, mpv and cvlc stop at once
BUNDLED_PLAYER = "{python} -m broadcast.playout.fader {file} --fade {fade}"
DEFAULT_PLAYER = "auto"
#: seconds a cut player is given to fade out before its group is stopped
DEFAULT_FADE_S = 0.5
#: seconds between SIGTERM and SIGKILL of a player group that does not stop
KILL_AFTER_S = 2.0
FADE_SIGNAL = signal.SIGUSR1


def default_player() -> str:
    for program, command in PLAYERS:
        if shutil.which(program):
            return command
    return BUNDLED_PLAYER


def command(template: str, file: Path, station: str, fade_s: float = DEFAULT_FADE_S) -> list[str]:
    """The argv for one play (``{file}``, ``{station}``, ``{ffmpeg}``, ``{python}``,
    ``{fade}``)."""
    template = default_player() if template == DEFAULT_PLAYER else template
    return [
        part.format(
            file=str(file),
            station=station,
            ffmpeg=ffmpeg_exe(),
            python=sys.executable,
            fade=f"{fade_s:g}",
        )
        for part in shlex.split(template)
    ]


def _pdeathsig() -> Callable[[], None] | None:
    """A pre-exec hook that asks Linux to SIGTERM the player when the daemon dies."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    pr_set_pdeathsig = 1

    def hook() -> None:
        prctl(pr_set_pdeathsig, int(signal.SIGTERM), 0, 0, 0)

    return hook


_PREEXEC = _pdeathsig()


def _start_ticks(pid: int) -> str | None:
    """The process's start time in clock ticks (field 22 of /proc/PID/stat): tells a
    player we started from another process that got the same pid later."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[19]


@dataclass
class PlayerProcess:
    """One running player; :meth:`wait` returns when it ends, however it ends."""

    proc: subprocess.Popen[bytes]
    station: str
    file: Path
    record: Path | None
    clock: Callable[[], dt.datetime]
    fade_s: float = DEFAULT_FADE_S
    #: what plays: "bulletin", "jingle", "emergency" (an emergency is never cut for another)
    kind: str = "bulletin"
    #: set by :meth:`stop`: why it was cut, and the time the player really ended
    cut_reason: str | None = None
    ended_at: dt.datetime | None = None
    fade_requested_at: dt.datetime | None = None
    #: what really aired is measured on the monotonic clock: a wall clock that jumps
    #: (NTP, an operator, a dead RTC battery) while it plays changes nothing
    mono_start: float = field(default_factory=time.monotonic)
    mono_end: float | None = None
    #: set when :meth:`wait` gave up on a player that did not end (it was stopped)
    hung: bool = False

    @property
    def aired_s(self) -> float | None:
        """Seconds the player ran (None while it runs)."""
        return None if self.mono_end is None else max(0.0, self.mono_end - self.mono_start)

    def __post_init__(self) -> None:
        self._ended = threading.Event()
        self._lock = threading.Lock()

    @property
    def pgid(self) -> int:
        return self.proc.pid  # setsid: the player leads its own group

    def wait(self, limit: float | None = None) -> int:
        """The player's exit code once it ends; one still running after ``limit``
        seconds is hung: its group is stopped (``hung`` set)."""
        try:
            rc = self.proc.wait(limit)
        except subprocess.TimeoutExpired:
            self.hung = True
            self._signal(signal.SIGTERM)
            if not self._exited(KILL_AFTER_S):
                self._signal(signal.SIGKILL)
            rc = self.proc.wait()
        with self._lock:
            if self.mono_end is None:
                self.mono_end = time.monotonic()
            if self.ended_at is None:
                self.ended_at = self.clock()
        self._ended.set()
        self._forget()
        return rc

    def running(self) -> bool:
        return self.proc.poll() is None

    def stop(self, reason: str, fade_s: float | None = None) -> dt.datetime:
        """Fade out (``SIGUSR1``), then stop the group; returns when the player is gone,
        with the time it ended."""
        fade = self.fade_s if fade_s is None else fade_s
        self.cut_reason = reason
        if self.running():
            self.fade_requested_at = self.clock()
            if fade > 0:
                self._signal(FADE_SIGNAL)
                if self._exited(fade):
                    return self._end_time()
            self._signal(signal.SIGTERM)
            if not self._exited(KILL_AFTER_S):
                self._signal(signal.SIGKILL)
                self._exited(KILL_AFTER_S)
        return self._end_time()

    def kill(self) -> None:
        """Stop the whole group now (daemon shutting down)."""
        if self.running():
            self._signal(signal.SIGTERM)
            if not self._exited(KILL_AFTER_S):
                self._signal(signal.SIGKILL)
        self._forget()

    def _exited(self, timeout: float) -> bool:
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            return False
        with self._lock:
            if self.mono_end is None:
                self.mono_end = time.monotonic()
            if self.ended_at is None:
                self.ended_at = self.clock()
        return True

    def _end_time(self) -> dt.datetime:
        with self._lock:
            if self.mono_end is None and not self.running():
                self.mono_end = time.monotonic()
            if self.ended_at is None:
                self.ended_at = self.clock()
            return self.ended_at

    def _signal(self, sig: int) -> None:
        try:
            os.killpg(self.pgid, sig)
        except (ProcessLookupError, PermissionError):
            pass

    def _forget(self) -> None:
        if self.record is not None:
            try:
                data = json.loads(self.record.read_text("utf-8"))
                if data.get("pgid") == self.pgid:
                    self.record.unlink()
            except (OSError, ValueError):
                pass


def spawn(
    template: str,
    file: Path,
    station: str,
    state_dir: Path | None,
    clock: Callable[[], dt.datetime],
    fade_s: float = DEFAULT_FADE_S,
    kind: str = "bulletin",
) -> PlayerProcess:
    """Start the player for ``file`` in a new process group (OSError if it cannot run)."""
    argv = command(template, file, station, fade_s)
    proc = subprocess.Popen(
        argv,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        start_new_session=True,
        preexec_fn=_PREEXEC,  # noqa: PLW1509 - one prctl call, no Python-level locks
    )
    record = None
    if state_dir is not None:
        record = players_dir(state_dir) / f"{station}.json"
        info = {
            "pgid": proc.pid,
            "ticks": _start_ticks(proc.pid),
            "daemon_pid": os.getpid(),
            "file": str(file),
            "since": clock().isoformat(),
        }
        try:
            atomic.write_text(record, json.dumps(info, ensure_ascii=False) + "\n")
        except OSError as exc:
            log.warning("Không ghi được %s: %s", record, exc)
            record = None
    return PlayerProcess(proc, station, file, record, clock, fade_s, kind)


def players_dir(state_dir: Path) -> Path:
    path = Path(state_dir) / "players"
    path.mkdir(parents=True, exist_ok=True)
    return path


def kill_leftovers(state_dir: Path) -> list[str]:
    """Stop player groups a dead daemon left playing; returns what was stopped (for the
    log). A recorded group whose leader is gone, or is another process now, is ignored."""
    stopped: list[str] = []
    for record in sorted(players_dir(state_dir).glob("*.json")):
        try:
            info = json.loads(record.read_text("utf-8"))
            pgid = int(info["pgid"])
        except (OSError, ValueError, KeyError, TypeError):
            record.unlink(missing_ok=True)
            continue
        alive = _start_ticks(pgid)
        if alive is not None and alive == info.get("ticks") and os.getpgid(pgid) == pgid:
            try:
                os.killpg(pgid, signal.SIGTERM)
                deadline = time.monotonic() + KILL_AFTER_S
                while _start_ticks(pgid) == alive and time.monotonic() < deadline:
                    time.sleep(0.02)
                    _reap(pgid)
                if _start_ticks(pgid) == alive:
                    os.killpg(pgid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            stopped.append(f"{record.stem}: {info.get('file', '?')} (nhóm tiến trình {pgid})")
        record.unlink(missing_ok=True)
    return stopped


def _reap(pid: int) -> None:
    """Collect the exit status if the leftover happens to be our own child (tests)."""
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass
