"""Campaigns written in the browser (issue 19): the form writes the YAML an officer
writes by hand, keeps the officer's comments and key order, is checked by the loader's
own rules (worded for the form), refuses a file changed meanwhile with both versions,
and records every change; officer or operator only, CSRF on every save."""

from __future__ import annotations

import html
import re
from pathlib import Path

import yaml

from broadcast.project.loader import load_project

from .conftest import csrf_of

HAND_WRITTEN = """# Chiến dịch thử — chị Lan viết tay, xin giữ ghi chú
campaigns:
  - id: thu
    title: Chiến dịch thử
    directive: {number: 3316/UBND-VHTT, date: 22/11/2024, issuer: UBND huyện Phú Bình}
    from: 2026-11-25
    until: 2026-12-15
    weekdays: [mon, tue, wed, thu, fri, sat, sun]
    slots: [{at: "05:30", times: 2}, {at: "17:00"}]
    mode: rotate            # lần lượt từng kịch bản
    priority: normal

# Bản tin riêng một lần:
# oneoffs:
#   - id: hop-dan
"""


def _hidden(page: str, name: str) -> str:
    m = re.search(rf'name="{name}" value="([^"]*)"', page)
    assert m, f"no {name} field"
    return html.unescape(m.group(1))


def _post_form(page: str, **changes: object) -> dict[str, object]:
    """The form as the browser would send it: every box as the page filled it."""
    data: dict[str, object] = {}
    for m in re.finditer(r'<input type="text" id="[^"]+" name="([^"]+)" value="([^"]*)"', page):
        data[m.group(1)] = html.unescape(m.group(2))
    for m in re.finditer(r'<input type="number" id="[^"]+" name="([^"]+)" value="([^"]*)"', page):
        data[m.group(1)] = m.group(2)
    for m in re.finditer(r'<select id="[^"]+" name="([^"]+)">(.*?)</select>', page, re.S):
        sel = re.search(r'<option value="([^"]*)" selected', m.group(2))
        data[m.group(1)] = sel.group(1) if sel else ""
    boxes: dict[str, list[str]] = {}
    for m in re.finditer(
        r'<input type="(checkbox|radio)" name="([^"]+)" value="([^"]*)" checked', page
    ):
        boxes.setdefault(m.group(2), []).append(m.group(3))
    for name, values in boxes.items():
        data[name] = (
            values if len(values) > 1 or name in ("weekday", "target", "script") else values[0]
        )
    data["csrf"] = csrf_of(page)
    data["based_on"] = _hidden(page, "based_on")
    data.update(changes)
    return data


def _file(root: Path) -> Path:
    path = root / "schedules" / "campaign.yaml"
    path.write_text(HAND_WRITTEN, encoding="utf-8")
    return path


def _audit(app) -> list[tuple[str, str, str]]:
    return [(a.user, a.action, a.target) for a in app.state.store.audit()]


def test_an_officer_changes_the_end_date_and_only_that_line_moves(console_root, client_as, app):
    path = _file(console_root)
    officer = client_as("officer")
    page = officer.get("/campaigns/thu").text
    assert "Chiến dịch thử" in page and "Phú Bình" in page and "25/11/2026" in page
    res = officer.post(
        "/campaigns/thu", data=_post_form(page, until="20/12/2026"), follow_redirects=False
    )
    assert res.status_code == 303, res.text
    assert path.read_text(encoding="utf-8") == HAND_WRITTEN.replace(
        "until: 2026-12-15", "until: 20/12/2026"
    )
    assert ("lan", "sửa chiến dịch", "thu") in _audit(app)
    listing = officer.get("/campaigns").text
    assert "đến 20/12/2026" in listing and "05:30: 2 bản tin" in listing


def test_new_keys_go_to_their_place_and_the_comment_block_stays_last(console_root, client_as):
    path = _file(console_root)
    op = client_as("operator")
    page = op.get("/campaigns/thu").text
    data = _post_form(page, per_day="3", target=["xom-a"], weekday=["0", "1", "2", "3", "4"])
    assert op.post("/campaigns/thu", data=data, follow_redirects=False).status_code == 303
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Chiến dịch thử — chị Lan viết tay, xin giữ ghi chú\n")
    assert "    mode: rotate            # lần lượt từng kịch bản\n" in text
    assert text.endswith(
        "    priority: normal\n\n# Bản tin riêng một lần:\n# oneoffs:\n#   - id: hop-dan\n"
    )
    entry = yaml.safe_load(text)["campaigns"][0]
    assert list(entry)[:8] == [
        "id",
        "title",
        "directive",
        "from",
        "until",
        "weekdays",
        "slots",
        "per_day",
    ]
    assert entry["weekdays"] == ["mon", "tue", "wed", "thu", "fri"]
    assert entry["stations"] == ["xom-a"] and entry["per_day"] == 3
    c = load_project(console_root).schedule.campaigns[0]
    assert c.per_day == 3 and c.weekdays == [0, 1, 2, 3, 4]


def test_an_officer_creates_a_campaign_for_a_new_directive(console_root, client_as, app):
    officer = client_as("officer")
    page = officer.get("/campaigns/new").text
    data = _post_form(
        page,
        title="Phòng chống mua bán người",
        directive_number="12/UBND",
        directive_date="01/12/2026",
        directive_issuer="UBND xã Thử",
        **{"from": "05/12/2026", "until": "31/12/2026"},
        slot_kind_0="sáng",
        slot_times_0="2",
        slot_kind_1="giờ",
        slot_at_1="17:05",
        target=["fm-thu", "xom-a"],
        priority="priority",
        scripts_mode="some",
        script=["noi-trinh-bao"],
    )
    title = load_project(console_root).scripts["noi-trinh-bao"].meta.title
    assert html.escape(title, quote=False) in page or title in html.unescape(page)
    res = officer.post("/campaigns/new", data=data, follow_redirects=False)
    assert res.status_code == 303, res.text
    path = console_root / "schedules" / "phong-chong-mua-ban-nguoi.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Phòng chống mua bán người\n")
    assert 'at: "17:05"' in text  # quoted, as officers write times
    c = next(
        c
        for c in load_project(console_root).schedule.campaigns
        if c.id == "phong-chong-mua-ban-nguoi"
    )
    assert c.title == "Phòng chống mua bán người" and c.priority.value == "priority"
    assert [(s.session, s.times) for s in c.slots][0] == ("morning", 2)
    assert c.stations == ["fm-thu", "xom-a"] and c.directive.issuer == "UBND xã Thử"
    assert c.scripts == ["noi-trinh-bao"] and "scripts: [noi-trinh-bao]" in text
    assert ("lan", "tạo chiến dịch", "phong-chong-mua-ban-nguoi") in _audit(app)


def test_the_loaders_rules_are_shown_beside_the_box_in_the_forms_words(console_root, client_as):
    path = _file(console_root)
    officer = client_as("officer")
    page = officer.get("/campaigns/thu").text
    res = officer.post("/campaigns/thu", data=_post_form(page, until="31/02/2026"))
    assert res.status_code == 400
    error = re.search(r'id="error-until">([^<]*)<', res.text)
    assert error and "ô «Phát đến ngày»" in html.unescape(error.group(1))
    assert "không có thật" in html.unescape(error.group(1))
    assert "'until'" not in html.unescape(res.text) and "campaigns.0" not in res.text
    assert path.read_text(encoding="utf-8") == HAND_WRITTEN
    res = officer.post("/campaigns/thu", data=_post_form(page, until="01/11/2026"))
    assert (
        res.status_code == 400
        and "kết thúc (ô «Phát đến ngày») trước khi bắt đầu" in html.unescape(res.text)
    )
    res = officer.post("/campaigns/thu", data=_post_form(page, slot_kind_1="giờ", slot_at_1=""))
    assert res.status_code == 400  # a fixed time left empty is said, never dropped
    error = re.search(r'id="error-slots">([^<]*)<', res.text)
    assert error and "ô «Giờ phát»" in html.unescape(error.group(1))
    res = officer.post("/campaigns/thu", data=_post_form(page, target=[], weekday=[]))
    assert res.status_code == 400
    assert "ô «Phát ở đài / nhóm» đang để trống" in html.unescape(res.text)
    assert "ô «Các ngày trong tuần» đang để trống" in html.unescape(res.text)
    res = officer.post("/campaigns/thu", data=_post_form(page, scripts_mode="some", script=[]))
    assert res.status_code == 400  # a campaign that would air nothing is not saved
    assert "Chưa chọn kịch bản nào" in html.unescape(res.text)
    res = officer.post("/campaigns/thu", data=_post_form(page, title=""))
    assert res.status_code == 400 and "ô «Tên chiến dịch» đang để trống" in html.unescape(res.text)
    assert path.read_text(encoding="utf-8") == HAND_WRITTEN


def test_a_file_changed_meanwhile_is_refused_with_both_versions(console_root, client_as, app):
    path = _file(console_root)
    officer = client_as("officer")
    page = officer.get("/campaigns/thu").text
    by_hand = HAND_WRITTEN.replace("Chiến dịch thử", "Chiến dịch thử (anh Hùng sửa)")
    path.write_text(by_hand, encoding="utf-8")
    res = officer.post("/campaigns/thu", data=_post_form(page, until="20/12/2026"))
    assert res.status_code == 409
    theirs = html.unescape(re.search(r'id="theirs">(.*?)</pre>', res.text, re.S).group(1))
    yours = html.unescape(re.search(r'id="yours">(.*?)</pre>', res.text, re.S).group(1))
    assert theirs == by_hand and "until: 20/12/2026" in yours
    assert path.read_text(encoding="utf-8") == by_hand
    assert ("lan", "sửa chiến dịch", "thu") not in _audit(app)
    # the form shown again is based on the new file: saving it now goes through
    again = officer.post("/campaigns/thu", data=_post_form(res.text), follow_redirects=False)
    assert again.status_code == 303
    assert "until: 20/12/2026" in path.read_text(encoding="utf-8")


def test_a_new_campaign_never_overwrites_a_file(console_root, client_as):
    officer = client_as("officer")
    page = officer.get("/campaigns/new").text
    (console_root / "schedules" / "trung.yaml").write_text(
        "# tệp của người khác\n", encoding="utf-8"
    )
    res = officer.post(
        "/campaigns/new",
        data=_post_form(
            page,
            id="trung",
            title="Trùng",
            directive_number="1",
            directive_issuer="UB",
            **{"from": "01/12/2026", "until": "02/12/2026"},
            slot_kind_0="sáng",
        ),
    )
    assert res.status_code == 409 and "Đã có tệp lịch trung.yaml" in res.text
    res = officer.post("/campaigns/new", data=_post_form(page, id="", title=""))
    assert res.status_code == 400
    assert "ô «Tên chiến dịch» đang để trống" in html.unescape(res.text)
    assert (console_root / "schedules" / "trung.yaml").read_text(
        encoding="utf-8"
    ) == "# tệp của người khác\n"


def test_an_approver_reads_but_cannot_save_and_csrf_is_required(console_root, client_as, app):
    path = _file(console_root)
    approver = client_as("approver")
    page = approver.get("/campaigns/thu").text
    assert 'id="save"' not in page
    res = approver.post("/campaigns/thu", data=_post_form(page, until="20/12/2026"))
    assert res.status_code == 403
    res = approver.post("/campaigns/new", data=_post_form(page, title="X"))
    assert res.status_code == 403
    officer = client_as("officer")
    page = officer.get("/campaigns/thu").text
    data = _post_form(page, until="20/12/2026")
    data.pop("csrf")
    assert officer.post("/campaigns/thu", data=data).status_code == 403
    assert officer.post("/campaigns/thu", data={**data, "csrf": "sai"}).status_code == 403
    assert path.read_text(encoding="utf-8") == HAND_WRITTEN
    assert not [a for a in _audit(app) if a[1].endswith("chiến dịch")]
    anonymous = client_as(None)
    assert anonymous.post("/campaigns/thu", data=data).status_code == 403


def test_the_pages_show_names_and_vietnamese_words_only(console_root, client_as):
    _file(console_root)
    op = client_as("operator")
    english = re.compile(
        r"\b(rotate|normal|priority|morning|evening|session|weekdays|slots|per_day|"
        r"loudspeaker|directive|until|from|mon|tue|fri)\b"
    )
    for url in ("/campaigns", "/campaigns/thu", "/campaigns/new", "/groups", "/stations/xom-a/air"):
        page = op.get(url).text
        main = page.split("<main>")[1]
        labels = re.sub(r"<small[^>]*>.*?</small>", " ", main, flags=re.S)  # ids stay small
        shown = html.unescape(re.sub(r"<[^>]+>", " ", labels))
        assert not english.search(shown), (url, english.search(shown))
        assert "title=" not in main  # nothing hidden behind a hover
    listing = html.unescape(op.get("/campaigns").text)
    assert "Công văn số 3316/UBND-VHTT ngày 22/11/2024 của UBND huyện Phú Bình" in listing
    assert "Từ 25/11/2026 đến 15/12/2026 · mọi ngày" in listing
    assert "Phát ở: Mọi đài" in listing and "mức thường" in listing


def test_checks_warnings_are_shown_once_after_saving(console_root, client_as):
    """A slot outside every window saves (check only warns) and the officer reads why."""
    st = console_root / "schedules" / "stations.yaml"
    st.write_text(
        st.read_text(encoding="utf-8").replace(
            "    repeat: 1\n", '    repeat: 1\n    windows: ["05:30-06:30", "17:00-18:00"]\n'
        ),
        encoding="utf-8",
    )
    _file(console_root)
    officer = client_as("officer")
    page = officer.get("/campaigns/thu").text
    res = officer.post("/campaigns/thu", data=_post_form(page, slot_at_1="12:00"))
    assert res.status_code == 200  # followed to the list
    notes = html.unescape(re.search(r'id="check-notes">(.*?)</div>', res.text, re.S).group(1))
    assert "12:00 nằm ngoài mọi khung giờ của Đài truyền thanh xã Thử, Loa xóm A" in notes
    assert "cách sửa:" in notes and ".yaml" not in notes and "campaigns.0" not in notes
    assert "session:" not in notes and str(console_root) not in notes
    assert 'id="check-notes"' not in officer.get("/campaigns").text  # shown once


def test_a_problem_in_another_file_is_named_not_put_beside_a_box(console_root, client_as):
    _file(console_root)
    (console_root / "schedules" / "khac.yaml").write_text(
        "campaigns:\n  - id: khac\n    title: Khác\n    directive: {number: '1', issuer: U}\n"
        "    from: 01/12/2026\n    until: 31/02/2026\n    slots: [{session: sáng}]\n",
        encoding="utf-8",
    )
    officer = client_as("officer")
    page = officer.get("/campaigns/thu").text
    res = officer.post("/campaigns/thu", data=_post_form(page, until="20/12/2026"))
    assert res.status_code == 400
    general = html.unescape(re.search(r'id="error-general">([^<]*)<', res.text).group(1))
    assert "không có thật" in general and "(trong tệp lịch khac.yaml)" in general
    assert 'id="error-until"' not in res.text


def test_an_emergency_level_campaign_is_not_downgraded_by_a_save(console_root, client_as):
    path = _file(console_root)
    path.write_text(HAND_WRITTEN.replace("priority: normal", "priority: emergency"), "utf-8")
    officer = client_as("officer")
    page = officer.get("/campaigns/thu").text
    assert '<option value="emergency" selected>khẩn cấp</option>' in page
    res = officer.post("/campaigns/thu", data=_post_form(page, until="20/12/2026"))
    assert res.status_code == 200
    assert "priority: emergency" in path.read_text(encoding="utf-8")
    assert 'value="emergency"' not in officer.get("/campaigns/new").text
