"""Console pages call the same core functions as the CLI and show what they return."""

from __future__ import annotations

import html
import io
import re
import time

from docx import Document
from mutagen.mp3 import MP3

from broadcast.project.accounts import Store
from broadcast.project.approval import Approvals, console_db, file_hash
from broadcast.report.asrun import AsRunLog, asrun_path

from .conftest import csrf_of

NEW = {
    "id": "canh-bao-moi",
    "title": "Cảnh báo mới",
    "topic": "mạo danh",
    "directive_number": "3316/UBND-VHTT",
    "directive_date": "22/11/2024",
    "directive_issuer": "UBND huyện Phú Bình",
    "valid_from": "25/11/2026",
    "valid_until": "",
    "audience": "toàn dân",
    "priority": "normal",
    "body": "Bà con gọi 156 trước 17h ngày 25/11 nếu nhận tin nhắn lạ.",
}
PLANNED = '<a href="/scripts/canh-bao-moi">'  # an item in the plan (shown by its title)


def audit(root) -> list[tuple[str, str, str]]:
    """(who, what, which) of every change the console recorded."""
    return [(e.user, e.action, e.target) for e in Store(console_db(root)).audit()]


def build_day(operator, day: str) -> str:
    """Press "build" on the plan page and wait for the job page to say how it ended."""
    page = operator.get(f"/plan?date={day}").text
    res = operator.post(
        "/plan/build", data={"csrf": csrf_of(page), "date": day}, follow_redirects=False
    )
    assert res.status_code == 303
    deadline = time.monotonic() + 120
    while "Đang làm" in (text := operator.get(res.headers["location"]).text):
        assert time.monotonic() < deadline
        time.sleep(0.2)
    return text


def _new(client, **changes):
    token = csrf_of(client.get("/scripts/new").text)
    return client.post(
        "/scripts/new", data={"csrf": token, **NEW, **changes}, follow_redirects=False
    )


def test_a_new_script_is_checked_by_the_project_parser_and_written_as_markdown(
    console_root, client_as
):
    officer = client_as("officer")
    res = _new(officer, title="", directive_date="31/02/2024", body="")
    assert res.status_code == 400
    # each message sits beside its field
    page = html.unescape(res.text)
    assert re.search(r'id="error-title">[^<]*ô «Tiêu đề» đang để trống', html.unescape(page))
    assert re.search(r'id="error-directive_date">[^<]*không có thật', page)
    assert not (console_root / "scripts" / "canh-bao-moi.md").exists()
    res = _new(officer)
    assert res.status_code == 303 and res.headers["location"] == "/scripts/canh-bao-moi"
    text = (console_root / "scripts" / "canh-bao-moi.md").read_text(encoding="utf-8")
    assert text.startswith("---\nid: canh-bao-moi\ntitle: Cảnh báo mới\n")
    assert "directive:\n  number: 3316/UBND-VHTT\n  date: 22/11/2024\n" in text
    assert text.endswith("---\n" + NEW["body"] + "\n")
    page = officer.get("/scripts/canh-bao-moi").text
    assert "bản nháp" in page
    # the spoken form, as render makes it (numbers and times in words)
    assert "gọi một năm sáu trước mười bảy giờ ngày hai mươi lăm tháng mười một" in page
    # creating it again does not overwrite it
    assert _new(officer, body="Khác.").status_code == 409
    assert ("lan", "tạo kịch bản", "canh-bao-moi") in audit(console_root)


def test_live_panel_reads_with_the_lexicon_and_station_dialect(console_root, client_as):
    lexicon = console_root / "schedules" / "lexicon.yaml"
    lexicon.write_text(
        lexicon.read_text(encoding="utf-8") + "Xóm Gò Đình: xóm Gò Đìn\n", encoding="utf-8"
    )
    officer = client_as("officer")
    token = csrf_of(officer.get("/scripts/new").text)
    text = "Xóm Gò Đình phạt 1.500.000 đồng"
    north = officer.post("/spoken", data={"csrf": token, "body": text, "station": "fm-thu"})
    south = officer.post("/spoken", data={"csrf": token, "body": text, "station": "xom-a"})
    assert north.status_code == 200
    assert north.text == "xóm Gò Đìn phạt một triệu năm trăm nghìn đồng."
    assert south.text == "xóm Gò Đìn phạt một triệu năm trăm ngàn đồng."


def test_approval_flow_and_an_edit_waits_while_the_approved_version_airs(console_root, client_as):
    officer, approver = client_as("officer"), client_as("approver")
    _new(officer)
    path = console_root / "scripts" / "canh-bao-moi.md"
    plan = approver.get("/plan?date=2026-11-25&station=fm-thu").text
    assert PLANNED not in plan and "chưa được duyệt" in plan
    page = approver.get("/scripts/canh-bao-moi").text
    version = re.search(r'name="version" value="([0-9a-f]+)"', page).group(1)
    assert version == file_hash(path)
    res = approver.post(
        "/scripts/canh-bao-moi/approve", data={"csrf": csrf_of(page), "version": version}
    )
    assert res.status_code == 200 and "đã duyệt" in res.text and "chu-tich" in res.text
    assert ("chu-tich", "duyệt", "canh-bao-moi") in audit(console_root)
    plan = approver.get("/plan?date=2026-11-25&station=fm-thu").text
    assert PLANNED in plan
    # the officer edits it: a draft again, and off the plan
    edit = officer.get("/scripts/canh-bao-moi/edit").text
    base = re.search(r'name="base" value="([0-9a-f]*)"', edit).group(1)
    res = officer.post(
        "/scripts/canh-bao-moi/edit",
        data={"csrf": csrf_of(edit), "base": base, **NEW, "body": NEW["body"] + " Xin cảm ơn."},
        follow_redirects=False,
    )
    assert res.status_code == 303
    # issue 18: the approved version keeps airing; the page shows both and their diff
    shown = approver.get("/scripts/canh-bao-moi").text
    assert 'id="status">bản nháp chờ duyệt<' in shown
    assert f"Đang phát bản đã duyệt <code>{version[:10]}</code>" in shown
    assert '<span class="add">+ ' in shown and "Xin cảm ơn." in shown.split('id="diff"')[1]
    assert PLANNED in approver.get("/plan?date=2026-11-25&station=fm-thu").text
    # an approver cannot approve a version they have not seen
    res = approver.post(
        "/scripts/canh-bao-moi/approve", data={"csrf": csrf_of(page), "version": version}
    )
    assert res.status_code == 409
    assert Approvals(console_db(console_root)).for_version("canh-bao-moi", file_hash(path)) is None


def test_listen_renders_a_real_mp3_with_the_station_voice(console_root, client_as):
    officer = client_as("officer")
    page = officer.get("/scripts/noi-trinh-bao").text
    res = officer.post(
        "/scripts/noi-trinh-bao/listen", data={"csrf": csrf_of(page), "station": "xom-a"}
    )
    assert res.status_code == 200
    src = re.search(r'<audio id="player"[^>]*src="([^"]+)"', res.text).group(1)
    assert src.startswith("/audio/xom-a/noi-trinh-bao-")
    mp3 = officer.get(src)
    assert mp3.status_code == 200 and mp3.headers["content-type"] == "audio/mpeg"
    real = MP3(io.BytesIO(mp3.content)).info.length
    shown = float(re.search(r"([\d.]+) giây, đọc bằng espeak", res.text).group(1))
    assert 30 < real < 200 and abs(real - shown) < 0.5  # the page says what the file holds


def test_operator_builds_a_day_confirms_it_and_downloads_the_report(app, console_root, client_as):
    operator = client_as("operator")
    assert "Xong: 2 danh sách phát" in build_day(operator, "2026-11-25")
    # progress counted every file made: 2 scripts in each of 2 voices (the stations do not
    # sound alike, so nothing is shared) and each station's announcement
    (job,) = app.state.jobs._jobs.values()
    assert job.total == 6 and len(job.progress) - 1 == 6 and job.percent == 100
    assert (console_root / "audio_out" / "playlists" / "2026-11-25" / "fm-thu.m3u8").is_file()
    asrun = operator.get("/asrun?date=2026-11-25").text
    for station in ("fm-thu", "xom-a"):  # one station at a time, each with its own step
        data = {"csrf": csrf_of(asrun), "date": "2026-11-25", "station": station}
        step = operator.post("/asrun/confirm", data=data)
        assert step.status_code == 200 and "Tôi xác nhận" in step.text
        res = operator.post("/asrun/confirm", data={**data, "confirm": "yes"})
    assert res.status_code == 200
    assert res.text.count("<td>xác nhận</td>") == 12  # 6 planned items, 6 plays
    changes = audit(console_root)
    assert ("ky-thuat", "làm danh sách phát", "2026-11-25") in changes
    assert ("ky-thuat", "xác nhận đã phát", "2026-11-25") in changes
    report = operator.get("/report?from=2026-11-25&to=2026-11-25").text
    assert "Theo đài" in report and "fm-thu" in report
    csv = operator.get("/report/download?from=2026-11-25&to=2026-11-25&format=csv")
    assert csv.status_code == 200 and "attachment" in csv.headers["content-disposition"]
    assert "fm-thu" in csv.text
    assert csv.content.startswith("\ufeff".encode()) and "nhom;cong_van;" in csv.text  # Excel
    docx = operator.get("/report/download?from=2026-11-25&to=2026-11-25&format=docx")
    doc = Document(io.BytesIO(docx.content))
    assert "BÁO CÁO" in "\n".join(p.text for p in doc.paragraphs)
    # the project requires approval: the appendix lists what aired, under the baseline
    # approval (scripts on disk when approval was turned on), and it is what aired
    rows = [[c.text for c in row.cells] for row in doc.tables[-1].rows]
    assert {r[0] for r in rows[1:]} == {"noi-trinh-bao", "khong-cung-cap-otp"}
    assert [r[3] for r in rows[1:]] == ["(có sẵn khi bật duyệt)"] * 2, rows
    assert [r[6] for r in rows[1:]] == ["có"] * 2, rows


def test_the_report_shows_who_approved_which_version(console_root, client_as):
    """The approvals of the period appear on the report page, in the DOCX and the CSV."""
    operator, approver = client_as("operator"), client_as("approver")
    AsRunLog(asrun_path(console_root / "audio_out"))  # an empty log: nothing aired yet
    path = console_root / "scripts" / "noi-trinh-bao.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nXin cảm ơn.\n", encoding="utf-8")
    page = approver.get("/scripts/noi-trinh-bao").text
    version = file_hash(path)
    approver.post(
        "/scripts/noi-trinh-bao/approve", data={"csrf": csrf_of(page), "version": version}
    )
    from broadcast.cli.options import today

    day = today().isoformat()
    query = f"from={day}&to={day}"
    report = operator.get(f"/report?{query}").text
    assert version[:10] in report and "chu-tich" in report
    assert "có sẵn khi bật duyệt" not in report  # the baseline is not an approval
    doc = Document(io.BytesIO(operator.get(f"/report/download?{query}&format=docx").content))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert "noi-trinh-bao" in cells and version[:10] in cells and "chu-tich" in cells
    book = operator.get(f"/report/download?{query}&format=duyet").text
    assert f"noi-trinh-bao;{version};chu-tich;" in book  # Excel dialect


def test_emergency_needs_a_confirmation_then_queues_it(console_root, client_as):
    operator = client_as("operator")
    form = operator.get("/emergency").text
    data = {"csrf": csrf_of(form), "script": "noi-trinh-bao", "targets": "xom-a"}
    res = operator.post("/emergency", data=data)
    assert res.status_code == 200 and "Tôi xác nhận" in res.text
    assert not (console_root / "audio_out" / "emergency").exists()
    res = operator.post("/emergency", data={**data, "confirm": "yes"})
    assert res.status_code == 200 and "Đã đưa bản tin khẩn cấp vào hàng đợi" in res.text
    queue = (console_root / "audio_out" / "emergency" / "queue.json").read_text(encoding="utf-8")
    assert "noi-trinh-bao" in queue and "xom-a" in queue and "fm-thu" not in queue
    assert ("ky-thuat", "phát khẩn cấp", "noi-trinh-bao") in audit(console_root)


def test_operator_adds_a_user_who_can_then_log_in(console_root, client_as):
    operator = client_as("operator")
    page = operator.get("/users").text
    res = operator.post(
        "/users",
        data={"csrf": csrf_of(page), "name": "Ngắn", "role": "officer", "password": "123"},
    )
    assert res.status_code == 400 and "không hợp lệ" in res.text
    res = operator.post(
        "/users",
        data={
            "csrf": csrf_of(page),
            "name": "hoa",
            "role": "approver",
            "password": "mat-khau-moi-1",
        },
        follow_redirects=False,
    )
    assert res.status_code == 303
    assert Store(console_db(console_root)).get("hoa").role == "approver"
    assert ("ky-thuat", "thêm người dùng", "hoa") in audit(console_root)


def test_a_file_broken_in_notepad_opens_with_its_error_beside_the_field(console_root, client_as):
    path = console_root / "scripts" / "noi-trinh-bao.md"
    path.write_text(
        path.read_text(encoding="utf-8").replace("priority: priority", "priority: gấp"),
        encoding="utf-8",
    )
    officer = client_as("officer")
    assert "lỗi" in officer.get("/scripts").text
    page = html.unescape(officer.get("/scripts/noi-trinh-bao/edit").text)
    assert re.search(r'id="error-priority">[^<]*ô «Mức» có giá trị \'gấp\' không hợp lệ', page)
    # saving the form with a valid choice repairs the file
    fields = dict(re.findall(r'name="([a-z_]+)" value="([^"]*)"', page))
    res = officer.post(
        "/scripts/noi-trinh-bao/edit",
        data={**fields, "priority": "priority", "body": "Gọi 156."},
        follow_redirects=False,
    )
    assert res.status_code == 303
    assert "priority: priority\n" in path.read_text(encoding="utf-8")


def test_plan_overview_flags_a_station_whose_session_overruns(console_root, client_as):
    """1-minute windows cannot hold the bulletins: the week view flags that station."""
    st = console_root / "schedules" / "stations.yaml"
    st.write_text(
        st.read_text(encoding="utf-8").replace(
            "    dialect: south\n",
            '    dialect: south\n    windows: ["05:30-05:31", "17:00-17:01"]\n',
        ),
        encoding="utf-8",
    )
    page = html.unescape(client_as("officer").get("/plan?date=2026-11-25&station=fm-thu").text)
    table = page[page.index('id="overview"') : page.index("</table>", page.index('id="overview"'))]
    rows = {r.split("</a>")[0].rsplit(">", 1)[-1]: r for r in table.split("<tr>")[2:]}
    # rows by station name (the id stays in small text)
    rows = {
        k.replace("Đài truyền thanh xã Thử", "fm-thu").replace("Loa xóm A", "xom-a"): r
        for k, r in rows.items()
    }
    assert set(rows) == {"fm-thu", "xom-a"}
    assert rows["fm-thu"].count("3 tin") == 7 and "⚠" not in rows["fm-thu"]
    assert "⚠" in rows["xom-a"] and 'class="over"' in rows["xom-a"]


def test_the_scripts_list_parses_stations_yaml_once(client_as, monkeypatch):
    """A province's stations.yaml is 2 MB (1.8 s to parse): the list read it twice, once
    for the body limit and once for whether approval is required."""
    from broadcast.files import sources

    parsed = []
    real = sources.parse_yaml

    def counting(text, path, *a, **k):  # type: ignore[no-untyped-def]
        parsed.append(path.name)
        return real(text, path, *a, **k)

    officer = client_as("officer")
    monkeypatch.setattr(sources, "parse_yaml", counting)
    assert officer.get("/scripts").status_code == 200
    assert parsed.count("stations.yaml") == 1, parsed
