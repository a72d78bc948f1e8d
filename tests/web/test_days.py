"""The built-days page (issue 19): listen, download the playlist and a ZIP for a USB
stick, and see "cần làm lại" when a script changes after its playlist was made."""

from __future__ import annotations

import io
import os
import time
import zipfile

from .conftest import csrf_of
from .test_pages import build_day

DAY = "2026-11-25"


def test_a_built_day_is_heard_downloaded_zipped_and_marked_stale(console_root, client_as, app):
    operator = client_as("operator")
    assert "Xong: 2 danh sách phát" in build_day(operator, DAY)
    officer = client_as("officer")
    page = officer.get("/days").text
    assert "Đài truyền thanh xã Thử" in page and "25/11/2026" in page
    assert "<audio controls" in page and "cần làm lại" not in page
    mp3 = officer.get(f"/days/{DAY}/fm-thu/1")
    assert mp3.status_code == 200 and mp3.headers["content-type"] == "audio/mpeg"
    assert len(mp3.content) > 1000
    m3u = officer.get(f"/days/{DAY}/fm-thu/m3u8")
    assert m3u.status_code == 200 and "#EXTM3U" in m3u.text
    # nothing outside the output folder, nothing that is not a day
    assert officer.get("/days/..%2F..%2Fetc/fm-thu/json").status_code in (403, 404)
    assert officer.get("/days/2026-13-01/fm-thu/json").status_code == 403
    assert officer.get(f"/days/{DAY}/..%2Fx/json").status_code in (403, 404)
    assert officer.get(f"/days/{DAY}/fm-thu/99").status_code == 403
    res = officer.get(f"/days/{DAY}/fm-thu/zip")
    assert res.status_code == 200 and res.headers["content-type"] == "application/zip"
    zf = zipfile.ZipFile(io.BytesIO(res.content))
    names = zf.namelist()
    assert "20261125/PLAYLIST.M3U" in names and "20261125/DANHSACH.TXT" in names
    mp3s = [n for n in names if n.endswith(".mp3")]
    assert mp3s and all(n.startswith("20261125/0") for n in mp3s)
    listed = zf.read("20261125/PLAYLIST.M3U").decode().split()
    assert listed == sorted(n.split("/")[1] for n in mp3s)
    assert zf.testzip() is None
    # a script changed after the build: the day needs building again
    script = next((console_root / "scripts").glob("*.md"))
    later = time.time() + 60
    os.utime(script, (later, later))
    page = officer.get("/days").text
    assert "cần làm lại" in page and script.stem in page
    assert ("lan", "tải ZIP cho USB") in [(a.user, a.action) for a in app.state.store.audit()]
    assert csrf_of(page)  # the page is a console page like the others


def test_the_days_page_needs_a_login(client_as):
    res = client_as().get("/days", follow_redirects=False)
    assert res.status_code == 303 and "/login" in res.headers["location"]
