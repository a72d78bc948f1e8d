"""Kept versions of scripts: every version approved, built or opened in the console.

A *version* is the content hash of a script (:func:`~broadcast.project.approval.content_hash`:
SHA-256 of the file's bytes, and of its recording's bytes when it airs one). An approval
approves one version; when the file on disk is edited afterwards, the approved version
must still be there to keep airing until the new one is approved. So every version a
build, plan, the daemon or the console sees is kept, addressed by its hash:

    <root>/.broadcast/versions/<version>.txt              the script file's bytes
    <root>/.broadcast/versions/<version>.audio/<name>     its recording (recorded scripts)

The recording is a copy under its own file name (``recording: ten-tep.mp3`` keeps
airing as ``ten-tep.mp3``: the running order and the report name it), in a folder of
its version, so two versions with different recordings of the same name never collide.
A kept file is written once, atomically, and never changed: the same hash is the same
bytes. Nothing here deletes a version; the store grows by one small text per edit.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ..errors import BroadcastError
from ..files import atomic
from ..files.controls import unix_newlines
from .scripts import Script, parse_script

#: the project's own folder for the console's book and the kept versions
CONSOLE_DIR = ".broadcast"
VERSIONS_DIR = "versions"
TEXT_SUFFIX = ".txt"
AUDIO_SUFFIX = ".audio"


def versions_dir(root: Path) -> Path:
    """Where the project ``root`` keeps its scripts' versions."""
    return Path(root).resolve() / CONSOLE_DIR / VERSIONS_DIR


def version_of(data: bytes, audio: bytes | None = None) -> str:
    """The version of a script's bytes (and of its recording's): the approval book's hash."""
    digest = hashlib.sha256(data)
    if audio is not None:
        digest.update(b"\0recording\0")
        digest.update(audio)
    return digest.hexdigest()


@dataclass(frozen=True)
class Kept:
    """One kept version: its hash, the script's bytes, the recording's copy (or None)."""

    version: str
    text: Path
    recording: Path | None = None

    def data(self) -> bytes:
        return self.text.read_bytes()

    def decoded(self) -> str:
        """The script's text as ``read_text`` gives it (kept bytes loaded once, so UTF-8)."""
        raw = self.data().decode("utf-8-sig", errors="replace")
        return unicodedata.normalize("NFC", unix_newlines(raw))


def _store_error(root: Path, exc: OSError) -> BroadcastError:
    return BroadcastError(
        f"Không lưu được phiên bản kịch bản: {exc.strerror or exc}",
        where=str(versions_dir(root)),
        fix="cấp quyền ghi và giải phóng chỗ trống cho thư mục .broadcast/ trong thư mục dự án",
    )


def keep(root: Path, data: bytes, recording: Path | None = None) -> Kept:
    """Keep the script bytes ``data`` (and a copy of ``recording``); its :class:`Kept`.

    Written only when not kept yet (a version's bytes never change), atomically."""
    try:
        audio = Path(recording).read_bytes() if recording is not None else None
    except OSError as exc:
        raise _store_error(root, exc) from None
    version = version_of(data, audio)
    folder = versions_dir(root)
    text = folder / f"{version}{TEXT_SUFFIX}"
    copy = folder / f"{version}{AUDIO_SUFFIX}" / Path(recording).name if recording else None
    try:
        if not text.is_file():
            atomic.write_bytes(text, data)
        if copy is not None and audio is not None and not copy.is_file():
            atomic.write_bytes(copy, audio)
    except OSError as exc:
        raise _store_error(root, exc) from None
    return Kept(version, text, copy)


def keep_script(root: Path, script: Script) -> Kept:
    """Keep the version of ``script`` as it is on disk now (its file and its recording)."""
    try:
        data = script.path.read_bytes()
    except OSError as exc:
        raise _store_error(root, exc) from None
    return keep(root, data, script.recording)


def script_version(script: Script) -> str:
    """The version of ``script`` as it is on disk now, kept nowhere ("" if unreadable)."""
    try:
        data = script.path.read_bytes()
        audio = script.recording.read_bytes() if script.recording is not None else None
    except OSError:
        return ""
    return version_of(data, audio)


def keep_file(root: Path, path: Path) -> Kept | None:
    """Keep the script file at ``path`` as it is now; None when it cannot be loaded (a
    file with an error is kept too, by its bytes, so the console can show its diff)."""
    from .scripts import load_script

    try:
        data = Path(path).read_bytes()
    except OSError:
        return None
    try:
        script: Script | None = load_script(Path(path))
    except BroadcastError:
        script = None
    return keep(root, data, script.recording if script is not None else None)


def kept(root: Path, version: str) -> Kept | None:
    """The kept version ``version``, or None when it was never kept (an approval made
    before versions were kept, for a file edited since)."""
    if not version:
        return None
    folder = versions_dir(root)
    text = folder / f"{version}{TEXT_SUFFIX}"
    if not text.is_file():
        return None
    audio_dir = folder / f"{version}{AUDIO_SUFFIX}"
    copies = sorted(audio_dir.iterdir()) if audio_dir.is_dir() else []
    return Kept(version, text, copies[0] if copies else None)


def load_kept(root: Path, script_id: str, version: str) -> Script | None:
    """The script ``script_id`` as it was in ``version``, parsed as if it were still
    ``scripts/<script_id>.md`` (messages name that file), airing the kept recording.

    None when the version was not kept, or does not load any more."""
    item = kept(root, version)
    if item is None:
        return None
    path = Path(root).resolve() / "scripts" / f"{script_id}.md"
    try:
        script = parse_script(item.decoded(), path, recording_at=item.recording)
    except BroadcastError:
        return None
    if script.meta.recording and item.recording is None:
        return None  # a recorded version whose recording was not kept: it cannot air
    return script.model_copy(update={"version": version})


def line_diff(old: str, new: str, context: int = 2) -> list[tuple[str, str]]:
    """The lines that differ between two versions' texts, as (kind, line) pairs (pure):
    kind "del" (only in ``old``), "add" (only in ``new``), "same" (context) or "gap"
    (lines left out between two changes). Empty when the texts are the same."""
    import difflib

    out: list[tuple[str, str]] = []
    lines = list(difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="", n=context))
    for line in lines[2:]:  # after the two file-name lines
        if line.startswith("@@"):
            if out:
                out.append(("gap", "…"))
            continue
        kind = {"-": "del", "+": "add"}.get(line[:1], "same")
        out.append((kind, line[1:]))
    return out
