"""After a schedule page saves: what ``broadcast check`` warns about, in the page's words.

The loader's errors refuse a save; ``check``'s warnings (a slot outside every window of
a station, a campaign the airtime limits cannot hold, a station no campaign reaches) do
not, but the officer should read them at once, not on the next ``check``. They are kept
in the session and shown once on the page the save leads to.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from starlette.requests import Request

from ..errors import BroadcastError
from ..project.campaignedit import in_form_words
from ..project.loader import load_project

KEY = "check_notes"


def _worded(text: str, root: Path, stations: dict[str, Any]) -> str:
    text = text.replace(str(root) + "/", "")
    # "(schedules/x.yaml, dòng 23, mục 'campaigns.0.slots.1'; cách sửa: ...)" -> "— cách sửa: ..."
    text = re.sub(
        r"\s*\((?:schedules/)?[^()]*?\.yaml[^;()]*;\s*cách sửa:\s*([^()]*)\)",
        r" — cách sửa: \1",
        text,
    )
    text = re.sub(r"\s*\((?:schedules/)?[^()]*?\.yaml[^()]*\)", "", text)
    text = text.replace("'session: sáng'/'chiều'", "buổi sáng hoặc buổi chiều")
    for sid, st in sorted(stations.items(), key=lambda kv: -len(kv[0])):
        text = re.sub(rf"(?<![\w-]){re.escape(sid)}(?![\w-])", st.name, text)
    return in_form_words(text)


def notes_for(root: Path, about: list[str]) -> list[str]:
    """``check``'s schedule warnings that name one of ``about`` (campaign or station ids)."""
    from ..schedule.limits import schedule_warnings

    try:
        project = load_project(root, strict=False)
        warnings = schedule_warnings(project)
    except BroadcastError:
        return []
    stations = project.schedule.stations
    wanted = [
        w
        for w in warnings
        if any(re.search(rf"(?<![\w-]){re.escape(a)}(?![\w-])", w) for a in about)
    ]
    return [_worded(w, root, stations) for w in wanted]


def keep(request: Request, about: list[str]) -> None:
    notes = notes_for(request.app.state.root, about)
    if notes:
        request.session[KEY] = notes


def take(request: Request) -> list[str]:
    notes = request.session.pop(KEY, None)
    return [str(n) for n in notes] if isinstance(notes, list) else []
