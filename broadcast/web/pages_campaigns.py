"""Campaigns in the browser (issue 19): list, create, edit.

A new directive means a new campaign: an officer (or an operator) fills the form and the
console writes the ``schedules/*.yaml`` an officer would write by hand: a new file per
new campaign, and an edit changes only the keys whose meaning changed, comments and key
order kept (:mod:`project.campaignedit`). The schedule loader (``check``'s own rules)
checks the folder as it would be before anything is written; its messages are shown
beside the box they concern. A file changed meanwhile is refused with both versions
shown. Every change is in the audit trail.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from ..errors import BroadcastError
from ..files import atomic
from ..project import campaignedit as ce
from ..project import yamledit
from ..project.schedule import ID
from ..project.validation import ID_RULE, MAX_ID, slug
from . import checknotes
from .guard import page, render
from .words import PRIORITY_NAMES, WEEKDAY_NAMES

#: who writes campaigns: the culture officer who receives the directive, and the
#: operator who runs the stations (an approver reads them)
CAMPAIGN_EDITORS = ("officer", "operator")
GROUP_WORDS = {"all": "Mọi đài", "fm": "Các đài FM", "loudspeaker": "Các cụm loa xóm"}
SESSION_NAMES = {"morning": "buổi sáng", "evening": "buổi chiều"}


def _project(request: Request) -> tuple[yamledit.Loaded | None, BroadcastError | None]:
    """The schedule and scripts as far as they load; None with the first problem when
    the stations file itself does not load (nothing to aim a campaign at)."""
    loaded = yamledit.load_for_editing(request.app.state.root)
    if loaded.schedule is None:
        return None, loaded.errors[0] if loaded.errors else None
    return loaded, loaded.errors[0] if loaded.errors else None


def targets(project: yamledit.Loaded) -> list[tuple[str, str, str]]:
    """(value, label, small text) for every group and station a campaign may name."""
    sched = project.schedule
    assert sched is not None
    out: list[tuple[str, str, str]] = []
    for name, members in sched.groups.items():
        names = ", ".join(sched.stations[m].name for m in members if m in sched.stations)
        label = GROUP_WORDS.get(name, f"Nhóm {name}")
        out.append((name, label, names))
    for sid, st in sched.stations.items():
        out.append((sid, st.name, sid))
    return out


def target_names(project: yamledit.Loaded, names: list[str]) -> str:
    sched = project.schedule
    assert sched is not None
    words = []
    for n in names:
        if n in sched.stations:
            words.append(sched.stations[n].name)
        else:
            words.append(GROUP_WORDS.get(n, f"nhóm {n}"))
    return ", ".join(words)


def slot_words(c: Any) -> str:
    parts = []
    for slot, times in c.slot_times():
        when = SESSION_NAMES[slot.session] if slot.session else f"{slot.at:%H:%M}"
        parts.append(f"{when}: {times} bản tin")
    return "; ".join(parts)


def weekday_words(days: list[int]) -> str:
    if sorted(days) == list(range(7)):
        return "mọi ngày"
    return ", ".join(WEEKDAY_NAMES[d] for d in sorted(days))


@page()
async def list_campaigns(request: Request) -> Response:
    project, error = await run_in_threadpool(_project, request)
    rows = []
    if project is not None and project.schedule is not None:
        for c in project.schedule.campaigns:
            rows.append(
                {
                    "c": c,
                    "days": weekday_words(c.weekdays),
                    "slots": slot_words(c),
                    "targets": target_names(project, c.stations),
                    "file": project.schedule.sources[c.id].name,
                }
            )
    return render(
        request,
        "campaigns.html",
        400 if project is None else 200,
        rows=rows,
        error=error,
        notes=checknotes.take(request),
        may_edit=request.state.user.role in CAMPAIGN_EDITORS,
    )


def _form_page(
    request: Request,
    project: yamledit.Loaded,
    form: dict[str, Any],
    based_on: str,
    new: bool,
    status: int = 200,
    errors: dict[str, list[str]] | None = None,
    conflict: dict[str, str] | None = None,
) -> Response:
    slots = list(form["slots"])
    while len(slots) < ce.SLOT_ROWS:
        slots.append({"kind": "", "at": "", "times": "1"})
    return render(
        request,
        "campaign.html",
        status,
        form={**form, "slots": slots[: ce.SLOT_ROWS]},
        new=new,
        based_on=based_on,
        errors=errors or {},
        conflict=conflict,
        labels=ce.LABELS,
        targets=targets(project),
        scripts=sorted(project.scripts.values(), key=lambda s: s.meta.title),
        weekdays=list(enumerate(WEEKDAY_NAMES)),
        # 'khẩn cấp' is sent with the emergency page; offered only to keep a campaign
        # written that way as it is (never downgraded by a save)
        priorities=[
            (k, v)
            for k, v in PRIORITY_NAMES.items()
            if k != "emergency" or form["priority"] == "emergency"
        ],
        modes=ce.MODES,
        shares=ce.SHARES if ce.supports_share() else None,
        may_edit=request.state.user.role in CAMPAIGN_EDITORS,
    )


def _broken(request: Request, error: BroadcastError | None) -> Response:
    return render(
        request,
        "campaigns.html",
        400,
        rows=[],
        error=error,
        notes=[],
        may_edit=False,
    )


@page()
async def new_form(request: Request) -> Response:
    project, error = await run_in_threadpool(_project, request)
    if project is None:
        return _broken(request, error)
    return _form_page(request, project, ce.form_of(None), yamledit.text_hash(""), True)


@page()
async def edit_form(request: Request) -> Response:
    project, error = await run_in_threadpool(_project, request)
    if project is None:
        return _broken(request, error)
    cid = request.path_params["cid"]
    assert project.schedule is not None
    found = next((c for c in project.schedule.campaigns if c.id == cid), None)
    if found is None:
        return render(
            request,
            "error.html",
            404,
            title="Không có chiến dịch",
            what=f"Không có chiến dịch '{cid}'",
            where="",
            fix="mở danh sách chiến dịch và chọn lại",
        )
    path = project.schedule.sources[cid]
    based_on = yamledit.text_hash(yamledit.current_text(path))
    return _form_page(request, project, ce.form_of(found), based_on, False)


def _save_sync(request: Request, form: dict[str, Any], raw: Any, new: bool) -> Response:
    project, error = _project(request)
    if project is None:
        return _broken(request, error)
    folder: Path = request.app.state.root / "schedules"
    based_on = str(raw.get("based_on", ""))

    def refuse(status: int, errors: dict[str, list[str]]) -> Response:
        """The form again, as the officer filled it, with what to fix beside each box."""
        return _form_page(request, project, form, based_on, new, status, errors)

    if new:
        if not form["id"] and not form["title"]:
            return refuse(
                400,
                {"title": ["ô «Tên chiến dịch» đang để trống — cách sửa: ghi tên chiến dịch"]},
            )
        form["id"] = ce.suggested_id(form)
        if not re.match(ID, form["id"]):
            return refuse(
                400,
                {
                    "id": [
                        f"Mã '{form['id'][:MAX_ID]}': {ID_RULE} — cách sửa: ghi "
                        f"{slug(form['id']) or 'chien-dich-moi'}"
                    ]
                },
            )
        name = ce.file_name(form["id"])
    else:
        form["id"] = request.path_params["cid"]
        assert project.schedule is not None
        source = project.schedule.sources.get(form["id"])
        if source is None:
            return refuse(
                404,
                {ce.GENERAL: ["Chiến dịch này không còn trong lịch (có người vừa xóa)."]},
            )
        name = source.name
    path = folder / name
    if form["scripts"] == []:
        return refuse(
            400,
            {
                "scripts": [
                    "Chưa chọn kịch bản nào — cách sửa: đánh dấu các kịch bản cần phát, "
                    "hoặc chọn «Mọi kịch bản»"
                ]
            },
        )
    values = ce.wanted(form)
    with request.app.state.write_lock:
        now = yamledit.current_text(path)
        try:
            if new:
                yours, changed = ce.new_file(values, form["title"]), ["tạo mới"]
            else:
                yours, changed = ce.apply(now, form["id"], values)
            yamledit.refuse_if_changed(path, based_on, yours)
        except yamledit.Conflict as exc:
            words = (
                f"Đã có tệp lịch {name}: chọn mã chiến dịch khác."
                if new
                else "Người khác đã sửa tệp lịch này sau khi anh/chị mở nó. Chưa ghi gì: xem "
                "hai bản dưới đây, sửa lại trong biểu mẫu rồi bấm Lưu."
            )
            return _form_page(
                request,
                project,
                form,
                yamledit.text_hash(exc.theirs) if not new else based_on,
                new,
                409,
                {ce.GENERAL: [words]},
                conflict={"theirs": exc.theirs, "yours": exc.yours, "name": name},
            )
        except BroadcastError as exc:
            return refuse(400, {ce.GENERAL: [exc.what]})
        if not changed:
            return RedirectResponse("/campaigns", status_code=303)
        found = yamledit.problems(folder, name, yours)
        if found:
            return _form_page(
                request, project, form, based_on, new, 400, ce.errors_by_field(found, name)
            )
        atomic.write_text(path, yours)
    request.app.state.store.record(
        request.state.user.name,
        "tạo chiến dịch" if new else "sửa chiến dịch",
        form["id"],
        f"{name}: " + ", ".join(ce.LABELS.get(k.split(".")[-1], k) for k in changed),
    )
    checknotes.keep(request, [form["id"]])
    return RedirectResponse("/campaigns", status_code=303)


async def _save(request: Request, new: bool) -> Response:
    raw = request.state.form
    form = ce.form_from_post(raw)
    return await run_in_threadpool(_save_sync, request, form, raw, new)


@page(*CAMPAIGN_EDITORS)
async def create(request: Request) -> Response:
    return await _save(request, new=True)


@page(*CAMPAIGN_EDITORS)
async def update(request: Request) -> Response:
    return await _save(request, new=False)


routes = [
    Route("/campaigns", list_campaigns, methods=["GET"]),
    Route("/campaigns/new", new_form, methods=["GET"]),
    Route("/campaigns/new", create, methods=["POST"]),
    Route("/campaigns/{cid}", edit_form, methods=["GET"]),
    Route("/campaigns/{cid}", update, methods=["POST"]),
]
