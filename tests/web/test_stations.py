"""Stations edited in the browser (issue 19): the YAML keeps its comments and key order,
the loader's rules check it first, a file changed meanwhile is refused; operator only,
CSRF, audited."""

from __future__ import annotations

from broadcast.project.yamledit import edit_station

from .conftest import csrf_of

HAND_WRITTEN = """# Danh sách đài của xã — anh Hùng sửa tay, xin giữ ghi chú
commune: Xã Thử
stations:
  - id: fm-thu   # đài chính ở UBND
    name: Đài truyền thanh xã Thử
    kind: fm
    repeat: 1
  - id: xom-a
    name: Loa xóm A
    kind: loudspeaker
    dialect: south   # bà con nói giọng Nam
    repeat: 1
"""


def _form(page: str, sid: str) -> dict[str, str]:
    start = page.index(f'action="/stations/{sid}"')
    based_on = page[start:].split('name="based_on" value="')[1].split('"')[0]
    return {"csrf": csrf_of(page), "based_on": based_on}


def test_an_operator_renames_a_station_and_the_comments_stay(console_root, client_as, app):
    path = console_root / "schedules" / "stations.yaml"
    path.write_text(HAND_WRITTEN, encoding="utf-8")
    op = client_as("operator")
    page = op.get("/stations").text
    assert "Loa xóm A" in page and "giọng Nam" in page and "(south)" not in page
    res = op.post(
        "/stations/xom-a",
        data={**_form(page, "xom-a"), "name": "Loa xóm A (chợ)", "dialect": "north"},
        follow_redirects=False,
    )
    assert res.status_code == 303
    text = path.read_text(encoding="utf-8")
    assert text == HAND_WRITTEN.replace("Loa xóm A", "Loa xóm A (chợ)").replace(
        "dialect: south", "dialect: north"
    )
    assert "Loa xóm A (chợ)" in op.get("/stations").text
    assert ("ky-thuat", "sửa đài", "xom-a") in [
        (a.user, a.action, a.target) for a in app.state.store.audit()
    ]


def test_a_file_changed_meanwhile_is_refused_and_nothing_is_lost(console_root, client_as):
    path = console_root / "schedules" / "stations.yaml"
    op = client_as("operator")
    page = op.get("/stations").text
    by_hand = path.read_text(encoding="utf-8") + "# thêm bằng tay\n"
    path.write_text(by_hand, encoding="utf-8")
    res = op.post(
        "/stations/xom-a", data={**_form(page, "xom-a"), "name": "Loa B", "dialect": "north"}
    )
    assert res.status_code == 400 and "người khác sửa" in res.text
    assert path.read_text(encoding="utf-8") == by_hand


def test_an_empty_name_is_refused_in_an_officers_words(console_root, client_as):
    path = console_root / "schedules" / "stations.yaml"
    before = path.read_text(encoding="utf-8")
    op = client_as("operator")
    page = op.get("/stations").text
    res = op.post("/stations/xom-a", data={**_form(page, "xom-a"), "name": " ", "dialect": "south"})
    assert res.status_code == 400 and "Tên đài đang để trống" in res.text
    assert "YAML" not in res.text and "Notepad" not in res.text
    assert path.read_text(encoding="utf-8") == before


def test_only_an_operator_with_the_csrf_token_saves(console_root, client_as):
    path = console_root / "schedules" / "stations.yaml"
    before = path.read_text(encoding="utf-8")
    officer = client_as("officer")
    page = officer.get("/stations").text
    assert 'action="/stations/xom-a"' not in page  # no form for an officer
    res = officer.post(
        "/stations/xom-a", data={"csrf": csrf_of(page), "name": "X", "dialect": "north"}
    )
    assert res.status_code == 403
    op = client_as("operator")
    res = op.post("/stations/xom-a", data={"name": "X", "dialect": "north"})
    assert res.status_code == 403
    assert path.read_text(encoding="utf-8") == before


def test_the_loader_checks_the_new_text_before_it_is_written(console_root):
    from broadcast.errors import InputError
    from broadcast.project.yamledit import check_schedules

    folder = console_root / "schedules"
    text = (folder / "stations.yaml").read_text(encoding="utf-8")
    bad = edit_station(text, "xom-a", {"kind": "tivi"})
    try:
        check_schedules(folder, "stations.yaml", bad)
    except InputError as exc:
        assert str(console_root) not in exc.what and "broadcast-check-" not in exc.what
    else:
        raise AssertionError("a station of an unknown kind was accepted")
