"""broadcast: Vietnamese warning scripts to commune FM and loudspeaker bulletins.

The pipeline, one sub-package a stage: ``text`` (spoken form) -> ``speech`` (engines,
cache) -> ``audio`` (jingles, assembly, loudness, export) -> ``schedule`` (model,
planner, playlists, daemon) -> ``report`` (as-run log, reports, preview).
"""

__version__ = "0.1.0"

import warnings as _warnings

# pydub warns at import when no program named "ffmpeg" is on PATH; we hand it the
# binary from imageio-ffmpeg instead (broadcast.audio.ffmpeg), so the warning is noise.
_warnings.filterwarnings("ignore", message="Couldn't find ff", category=RuntimeWarning)
