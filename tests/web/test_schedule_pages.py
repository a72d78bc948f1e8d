"""Add a station, its windows and limits, and the groups, in the browser (issue 19):
stations.yaml keeps the officer's comments, the loader's rules refuse in the form's
words, a file changed meanwhile is refused with both versions, every change is audited;
operator only, CSRF on every save."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
import yaml

from broadcast.project.loader import load_project

from .conftest import csrf_of
from .test_stations import HAND_WRITTEN


def _stations(root: Path) -> Path:
    path = root / "schedules" / "stations.yaml"
    path.write_text(HAND_WRITTEN, encoding="utf-8")
    return path


def _based_on(page: str, action: str) -> dict[str, str]:
    start = page.index(f'action="{action}"')
    value = page[start:].split('name="based_on" value="')[1].split('"')[0]
    return {"csrf": csrf_of(page), "based_on": value}


def _audit(app) -> list[tuple[str, str, str]]:
    return [(a.user, a.action, a.target) for a in app.state.store.audit()]


def _text(res) -> str:
    return html.unescape(res.text)


NEW_STATION = {
    "name": "Loa truyền thanh xóm Mới",
    "id": "",
    "kind": "loudspeaker",
    "dialect": "north",
    "windows": "05:30-05:45, 17:00 - 17:15",
}


def test_an_operator_adds_a_station_and_the_file_keeps_its_comments(console_root, client_as, app):
    path = _stations(console_root)
    op = client_as("operator")
    page = op.get("/stations").text
    res = op.post(
        "/stations/new",
        data={**_based_on(page, "/stations/new"), **NEW_STATION},
        follow_redirects=False,
    )
    assert res.status_code == 303, res.text
    text = path.read_text(encoding="utf-8")
    assert text.startswith(HAND_WRITTEN)  # every line the officer wrote, comments too
    st = load_project(console_root).schedule.stations["loa-truyen-thanh-xom-moi"]
    assert st.name == "Loa truyền thanh xóm Mới" and st.kind == "loudspeaker"
    assert [f"{a:%H:%M}-{b:%H:%M}" for a, b in st.windows] == ["05:30-05:45", "17:00-17:15"]
    assert 'windows: ["05:30-05:45", "17:00-17:15"]' in text
    assert ("ky-thuat", "thêm đài", "loa-truyen-thanh-xom-moi") in _audit(app)
    assert "Loa truyền thanh xóm Mới" in op.get("/stations").text


def test_a_station_the_loader_refuses_is_not_added(console_root, client_as, app):
    path = _stations(console_root)
    op = client_as("operator")
    page = op.get("/stations").text
    res = op.post(
        "/stations/new",
        data={**_based_on(page, "/stations/new"), **NEW_STATION, "id": "xom-a"},
    )
    assert res.status_code == 400 and "'xom-a' bị trùng" in _text(res)
    res = op.post(
        "/stations/new",
        data={
            **_based_on(page, "/stations/new"),
            **NEW_STATION,
            "windows": "05:30-06:00, 05:45-06:15",
        },
    )
    assert res.status_code == 400 and "chồng lên nhau" in _text(res)
    assert "'windows'" not in _text(res) and "stations.2" not in res.text
    res = op.post(
        "/stations/new", data={**_based_on(page, "/stations/new"), **NEW_STATION, "windows": "5g30"}
    )
    assert res.status_code == 400 and "«Khung giờ phát»" in _text(res)
    assert path.read_text(encoding="utf-8") == HAND_WRITTEN
    assert not [a for a in _audit(app) if a[1] == "thêm đài"]


def test_windows_and_limits_are_saved_where_officers_write_them(console_root, client_as, app):
    path = _stations(console_root)
    op = client_as("operator")
    page = op.get("/stations/xom-a/air").text
    assert "Loa xóm A" in page and "xom-a" in page
    data = {
        **_based_on(page, "/stations/xom-a/air"),
        "start_0": "05:30",
        "end_0": "05:45",
        "start_1": "17h",
        "end_1": "17:15",
        "max_sessions_per_day": "2",
        "max_session": "15",
        "weekday": ["0", "1", "2", "3", "4"],
    }
    res = op.post("/stations/xom-a/air", data=data, follow_redirects=False)
    assert res.status_code == 303, res.text
    text = path.read_text(encoding="utf-8")
    assert "    dialect: south   # bà con nói giọng Nam\n" in text
    assert '    windows: ["05:30-05:45", "17:00-17:15"]\n' in text  # '17h' written as 17:00
    assert text.startswith("# Danh sách đài của xã — anh Hùng sửa tay, xin giữ ghi chú\n")
    entry = yaml.safe_load(text)["stations"][1]
    assert list(entry)[:5] == ["id", "name", "kind", "dialect", "repeat"]
    st = load_project(console_root).schedule.stations["xom-a"]
    assert [f"{a:%H:%M}-{b:%H:%M}" for a, b in st.windows] == ["05:30-05:45", "17:00-17:15"]
    assert st.limits.max_sessions_per_day == 2 and st.limits.max_session == 900
    assert st.limits.weekdays == [0, 1, 2, 3, 4]
    assert ("ky-thuat", "sửa khung giờ và giới hạn", "xom-a") in _audit(app)
    again = op.get("/stations/xom-a/air").text
    assert 'value="17:00"' in again and 'name="max_session" value="15"' in again
    # saving the same again changes nothing in the file
    res = op.post(
        "/stations/xom-a/air",
        data={**data, **_based_on(again, "/stations/xom-a/air")},
        follow_redirects=False,
    )
    assert res.status_code == 303 and path.read_text(encoding="utf-8") == text


def test_overlapping_windows_are_refused_in_the_forms_words(console_root, client_as):
    path = _stations(console_root)
    op = client_as("operator")
    page = op.get("/stations/xom-a/air").text
    data = {
        **_based_on(page, "/stations/xom-a/air"),
        "start_0": "05:30",
        "end_0": "06:30",
        "start_1": "06:00",
        "end_1": "07:00",
    }
    res = op.post("/stations/xom-a/air", data=data)
    assert res.status_code == 400
    assert "«Khung giờ phát»: khung giờ 05:30-06:30 và 06:00-07:00 chồng lên nhau" in _text(res)
    assert path.read_text(encoding="utf-8") == HAND_WRITTEN


def test_a_changed_file_is_refused_with_both_versions(console_root, client_as, app):
    path = _stations(console_root)
    op = client_as("operator")
    air = op.get("/stations/xom-a/air").text
    stations = op.get("/stations").text
    groups = op.get("/groups").text
    by_hand = HAND_WRITTEN + "# anh Hùng vừa thêm dòng này\n"
    path.write_text(by_hand, encoding="utf-8")
    attempts = [
        (
            "/stations/xom-a/air",
            {**_based_on(air, "/stations/xom-a/air"), "start_0": "05:30", "end_0": "06:00"},
        ),
        ("/stations/new", {**_based_on(stations, "/stations/new"), **NEW_STATION}),
        ("/groups", {**_based_on(groups, "/groups"), "name": "cac-xom", "member": ["xom-a"]}),
    ]
    for url, data in attempts:
        res = op.post(url, data=data)
        assert res.status_code == 409, url
        theirs = html.unescape(re.search(r'id="theirs">(.*?)</pre>', res.text, re.S).group(1))
        yours = html.unescape(re.search(r'id="yours">(.*?)</pre>', res.text, re.S).group(1))
        assert theirs == by_hand and yours != by_hand and "anh Hùng vừa thêm" in yours
    res = op.post(
        "/stations/xom-a",
        data={**_based_on(stations, "/stations/xom-a"), "name": "Loa B", "dialect": "north"},
    )
    assert res.status_code == 400 and "người khác sửa" in res.text  # the rename, as before
    theirs = html.unescape(re.search(r'id="theirs">(.*?)</pre>', res.text, re.S).group(1))
    assert theirs == by_hand and 'id="yours"' in res.text
    assert path.read_text(encoding="utf-8") == by_hand
    assert not [
        a for a in _audit(app) if a[1] in ("thêm đài", "sửa nhóm đài", "sửa khung giờ và giới hạn")
    ]


def test_groups_are_made_changed_and_removed(console_root, client_as, app):
    path = _stations(console_root)
    op = client_as("operator")
    page = op.get("/groups").text
    assert "Mọi đài" in page and "Loa xóm A" in page
    res = op.post(
        "/groups",
        data={**_based_on(page, "/groups"), "name": "cac-xom", "member": ["xom-a"]},
        follow_redirects=False,
    )
    assert res.status_code == 303
    text = path.read_text(encoding="utf-8")
    assert text.startswith(HAND_WRITTEN) and "groups:\n  cac-xom: [xom-a]\n" in text
    assert load_project(console_root).schedule.groups["cac-xom"] == ["xom-a"]
    page = op.get("/groups").text
    res = op.post(
        "/groups",
        data={**_based_on(page, "/groups"), "name": "cac-xom", "member": ["fm-thu", "xom-a"]},
        follow_redirects=False,
    )
    assert res.status_code == 303
    assert load_project(console_root).schedule.groups["cac-xom"] == ["fm-thu", "xom-a"]
    page = op.get("/groups").text
    res = op.post(
        "/groups/cac-xom/delete",
        data=_based_on(page, "/groups/cac-xom/delete"),
        follow_redirects=False,
    )
    assert res.status_code == 303
    assert "cac-xom" not in load_project(console_root).schedule.groups
    audit = _audit(app)
    assert ("ky-thuat", "sửa nhóm đài", "cac-xom") in audit
    assert ("ky-thuat", "xóa nhóm đài", "cac-xom") in audit


def test_a_group_a_campaign_uses_cannot_be_removed(console_root, client_as):
    path = _stations(console_root)
    path.write_text(HAND_WRITTEN + "groups:\n  cac-xom: [xom-a]\n", encoding="utf-8")
    camp = console_root / "schedules" / "campaign.yaml"
    camp.write_text(
        camp.read_text(encoding="utf-8") + "    stations: [cac-xom]\n", encoding="utf-8"
    )
    before = path.read_text(encoding="utf-8")
    op = client_as("operator")
    page = op.get("/groups").text
    res = op.post("/groups/cac-xom/delete", data=_based_on(page, "/groups/cac-xom/delete"))
    assert res.status_code == 400
    assert "cac-xom" in _text(res) and "trong tệp lịch campaign.yaml" in _text(res)
    assert path.read_text(encoding="utf-8") == before


@pytest.mark.parametrize(
    ("url", "page_url"),
    [
        ("/stations/new", "/stations"),
        ("/stations/xom-a/air", "/stations/xom-a/air"),
        ("/groups", "/groups"),
        ("/groups/cac-xom/delete", "/groups"),
        ("/limits", "/limits"),
    ],
)
def test_only_an_operator_with_the_csrf_token_changes_stations(
    console_root, client_as, url, page_url
):
    path = _stations(console_root)
    path.write_text(HAND_WRITTEN + "groups:\n  cac-xom: [xom-a]\n", encoding="utf-8")
    before = path.read_text(encoding="utf-8")
    data = {
        **NEW_STATION,
        "name": "cac-xom",
        "member": ["fm-thu"],
        "start_0": "05:30",
        "end_0": "06:00",
    }
    for role in ("officer", "approver"):
        client = client_as(role)
        page = client.get(page_url).text
        assert 'id="add-station-save"' not in page and 'id="group-save"' not in page
        res = client.post(url, data={**data, "csrf": csrf_of(page)})
        assert res.status_code == 403 and "kỹ thuật viên" in res.text
    op = client_as("operator")
    op.get(page_url)
    assert op.post(url, data=data).status_code == 403
    assert op.post(url, data={**data, "csrf": "sai"}).status_code == 403
    assert path.read_text(encoding="utf-8") == before


def test_from_an_empty_project_the_commune_fm_two_hamlets_and_a_campaign(
    console_root, client_as, app
):
    """A new commune: no stations file, no script yet; everything from the browser."""
    folder = console_root / "schedules"
    for path in folder.glob("*.yaml"):
        path.unlink()
    for path in (console_root / "scripts").glob("*.md"):
        path.unlink()
    op = client_as("operator")
    page = op.get("/stations").text
    assert "Chưa có đài nào" in page and 'name="commune"' in page
    assert "docs/operator.md" not in page and str(console_root) not in page
    first = {
        **_based_on(page, "/stations/new"),
        **NEW_STATION,
        "commune": "Xã Kha Sơn",
        "name": "Đài truyền thanh xã Kha Sơn",
        "id": "fm-kha-son",
        "kind": "fm",
        "windows": "05:30-06:30, 17:00-18:00",
    }
    assert op.post("/stations/new", data=first, follow_redirects=False).status_code == 303
    for name, sid in (("Loa xóm Đồng", "xom-dong"), ("Loa xóm Cầu", "xom-cau")):
        page = op.get("/stations").text
        assert 'name="commune"' not in page
        data = {**_based_on(page, "/stations/new"), **NEW_STATION, "name": name, "id": sid}
        assert op.post("/stations/new", data=data, follow_redirects=False).status_code == 303
    sched = yaml.safe_load((folder / "stations.yaml").read_text(encoding="utf-8"))
    assert sched["commune"] == "Xã Kha Sơn"
    assert [s["id"] for s in sched["stations"]] == ["fm-kha-son", "xom-dong", "xom-cau"]
    officer = client_as("officer")
    page = officer.get("/campaigns/new").text
    assert "Loa xóm Đồng" in page and "Các cụm loa xóm" in page
    data = {
        "csrf": csrf_of(page),
        "based_on": page.split('name="based_on" value="')[1].split('"')[0],
        "title": "Phòng, chống lừa đảo trực tuyến",
        "directive_number": "3316/UBND-VHTT",
        "directive_issuer": "UBND huyện Phú Bình",
        "from": "25/11/2026",
        "until": "15/12/2026",
        "weekday": [str(d) for d in range(7)],
        "slot_kind_0": "sáng",
        "slot_times_0": "2",
        "slot_kind_1": "chiều",
        "slot_times_1": "1",
        "target": ["fm", "loudspeaker"],
        "priority": "normal",
        "mode": "rotate",
        "scripts_mode": "all",
    }
    assert officer.post("/campaigns/new", data=data, follow_redirects=False).status_code == 303
    campaign = yaml.safe_load(
        (folder / "phong-chong-lua-dao-truc-tuyen.yaml").read_text(encoding="utf-8")
    )["campaigns"][0]
    assert campaign["stations"] == ["fm", "loudspeaker"]
    assert "Phòng, chống lừa đảo trực tuyến" in officer.get("/campaigns").text


def test_the_limits_every_station_follows(console_root, client_as, app):
    """The shipped stations.yaml: its comment block after the limits stays where it is."""
    shipped = Path(__file__).parents[2] / "schedules" / "stations.yaml"
    path = console_root / "schedules" / "stations.yaml"
    path.write_text(shipped.read_text(encoding="utf-8"), encoding="utf-8")
    (console_root / "schedules" / "campaign.yaml").unlink()
    before = path.read_text(encoding="utf-8")
    op = client_as("operator")
    page = op.get("/limits").text
    assert 'name="max_session" value="45"' in page
    data = {
        **_based_on(page, "/limits"),
        "max_sessions_per_day": "2",
        "max_session": "30",
        "weekday": ["0", "1", "2", "3", "4"],
    }
    assert op.post("/limits", data=data, follow_redirects=False).status_code == 303
    text = path.read_text(encoding="utf-8")
    assert text == before.replace(
        "    max_session: 45m\n", "    max_session: 30m\n    weekdays: [mon, tue, wed, thu, fri]\n"
    )
    sched = load_project(console_root).schedule
    assert sched.stations["fm-kha-son"].limits.max_session == 1800
    assert sched.stations["xom-dong"].limits.max_session == 900  # its own limit stays
    assert ("ky-thuat", "sửa giới hạn chung", "mọi đài") in _audit(app)
