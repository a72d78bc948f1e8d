"""With no --player, the daemon picks a player that exists on this machine."""

from __future__ import annotations

import os
import shlex

from broadcast.audio.ffmpeg import ffmpeg_exe
from broadcast.playout import player as daemon


def test_first_installed_player_wins(monkeypatch):
    monkeypatch.setattr(daemon.shutil, "which", lambda p: "/usr/bin/mpv" if p == "mpv" else None)
    assert daemon.default_player().startswith("mpv ")


def test_without_any_player_the_bundled_ffmpeg_plays(monkeypatch):
    monkeypatch.setattr(daemon.shutil, "which", lambda p: None)
    template = daemon.default_player()
    cmd = [
        p.format(file="/x/a.mp3", station="s", ffmpeg=ffmpeg_exe()) for p in shlex.split(template)
    ]
    assert os.access(cmd[0], os.X_OK)  # the ffmpeg from imageio-ffmpeg: nothing to install
    assert "/x/a.mp3" in cmd and "pulse" in cmd
