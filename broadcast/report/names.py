"""The commune's and the stations' names for a report's headings, read from the project;
the report still works from the as-run log alone when the project cannot be read."""

from __future__ import annotations

import logging
from pathlib import Path

from ..errors import BroadcastError
from ..project.loader import Project, load_project

log = logging.getLogger(__name__)


def read_project(root: Path) -> Project | None:
    try:
        return load_project(root, strict=False)
    except BroadcastError as exc:
        log.warning(
            "không đọc được dự án ở %s, báo cáo dùng mã đài thay tên và không so với lịch (%s)",
            root,
            exc.what,
        )
        return None


def project_names(root: Path, project: Project | None = None) -> tuple[str, dict[str, str]]:
    """Commune and station names for headings; the report still works without them."""
    project = project or read_project(root)
    if project is None:
        return "", {}
    sched = project.schedule
    return sched.commune, {sid: st.name for sid, st in sched.stations.items()}
