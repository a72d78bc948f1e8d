"""Files a project may read: inside its folder, never through a link that leads out.

A script in ``scripts/`` that is a symbolic link to ``/etc/passwd`` or to another
commune's folder would otherwise be shown, spoken and aired. The console lists, opens and
writes only files for which :func:`within` holds; :func:`check_within` is the refusal,
in words an officer can act on.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError


def within(root: Path, path: Path) -> bool:
    """``path`` (links followed) is inside ``root``; False for a path that cannot be
    resolved (a loop of links, a NUL byte)."""
    try:
        return Path(path).resolve().is_relative_to(Path(root).resolve())
    except (OSError, ValueError, RuntimeError):
        return False


def link_error(root: Path, path: Path) -> InputError | None:
    """The refusal of ``path`` when it leads out of ``root`` (a link), else None."""
    if within(root, path):
        return None
    return InputError(
        f"Tệp '{Path(path).name}' là liên kết tới một tệp ngoài thư mục dự án: không mở",
        where=f"{Path(path).parent.name}/{Path(path).name}",
        fix="chép nội dung vào một tệp thật trong thư mục dự án thay cho liên kết",
    )


def check_within(root: Path, path: Path) -> Path:
    err = link_error(root, path)
    if err is not None:
        raise err
    return path


def script_paths(root: Path) -> list[Path]:
    """The ``scripts/*.md`` of the project, without links that lead outside it."""
    return [p for p in sorted((Path(root) / "scripts").glob("*.md")) if within(root, p)]


def refused_scripts(root: Path) -> list[str]:
    """Names of the ``scripts/*.md`` left out by :func:`script_paths` (to say so)."""
    return [p.name for p in sorted((Path(root) / "scripts").glob("*.md")) if not within(root, p)]
