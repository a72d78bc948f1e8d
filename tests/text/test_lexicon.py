"""The user's pronunciation lexicon: reading the file, and applying it before the rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from broadcast.errors import InputError
from broadcast.text.lexicon import load_lexicon
from broadcast.text.spoken import spoken

REPO = Path(__file__).resolve().parents[2]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "lexicon.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_sample_loads_and_is_used() -> None:
    lexicon = load_lexicon(REPO / "schedules" / "lexicon.yaml")
    assert lexicon["Đắk Nông"] == "Đác Nông"
    out = spoken("Truy cập <https://sotttt.thainguyen.gov.vn/thong-bao>.", lexicon=lexicon)
    assert out == (
        "Truy cập sở thông tin truyền thông thái nguyên chấm gốp chấm vê en gạch chéo "
        "thông gạch ngang báo."
    )


def test_keys_are_nfc_and_numbers_become_text(tmp_path: Path) -> None:
    path = write(tmp_path, '156: một năm sáu\n"Kha Sơn": Kha Sơn\nU\u0309y: ủy\n')
    assert load_lexicon(path) == {"156": "một năm sáu", "Kha Sơn": "Kha Sơn", "Ủy": "ủy"}


def test_empty_file_is_an_empty_lexicon(tmp_path: Path) -> None:
    assert load_lexicon(write(tmp_path, "# chưa có mục nào\n")) == {}


@pytest.mark.parametrize(
    ("text", "what", "line"),
    [
        ("- UBND\n- HĐND\n", "danh sách các cặp", None),
        ("UBND: ủy ban\nVHXX: 12\n", "Cách đọc của 'VHXX' phải là chữ", 2),
        ("UBND: ủy ban\nVHXX:\n", "Cách đọc của 'VHXX' phải là chữ", 2),
        ("VHXX: [a, b]\n", "không phải danh sách", 1),
        ("VHXX: '  '\n", "đang để trống", 1),
        ("'': trống\n", "không có chữ viết", 1),
        ("yes: dét\n", "đúng/sai", None),
    ],
)
def test_bad_lexicon_says_what_where_and_how(tmp_path: Path, text: str, what: str, line) -> None:
    path = write(tmp_path, text)
    with pytest.raises(InputError) as err:
        load_lexicon(path)
    assert what in err.value.what
    assert str(path) in err.value.where
    if line:
        assert f"dòng {line}" in err.value.where
    assert err.value.fix


def test_missing_file_is_a_user_error(tmp_path: Path) -> None:
    missing = tmp_path / "khong-co.yaml"
    with pytest.raises(InputError) as err:
        load_lexicon(missing)
    assert "Không tìm thấy tệp" in err.value.what and str(missing) in err.value.where
    assert err.value.exit_code == 2


@pytest.mark.parametrize(
    ("written", "lexicon", "expected"),
    [
        # Applied before the built-in rules: it wins over abbreviations and numbers.
        ("UBND xã", {"UBND": "ủy ban"}, "ủy ban xã."),
        ("gọi 156", {"156": "một năm sáu nhé"}, "gọi một năm sáu nhé."),
        ("Công chức VHXX", {"VHXX": "văn hóa xã hội"}, "Công chức văn hóa xã hội."),
        # Whole tokens only.
        ("VHXXY", {"VHXX": "văn hóa xã hội"}, "vê hát ích ích i dài."),
        ("Zalo", {"zalo": "da lô ơi"}, "da lô ơi."),
        ("ZALO", {"zalo": "da lô ơi"}, "da lô ơi."),
        # An entry written with capitals only matches as written.
        ("cat và CAT", {"CAT": "công an tỉnh"}, "cat và công an tỉnh."),
        ("tỉnh Đắk Nông", {"Đắk Nông": "Đác Nông"}, "tỉnh Đác Nông."),
        ("tỉnh Đăk Nông", {"Đắk Nông": "Đác Nông"}, "tỉnh Đăk Nông."),
        # Tone placement of the key does not matter.
        ("Uỷ ban xã", {"Ủy ban xã": "ủy ban xã ta"}, "ủy ban xã ta."),
        (
            "khonggianmang.vn",
            {"khonggianmang.vn": "trang không gian mạng"},
            "trang không gian mạng.",
        ),
        ("", {"a": "b"}, ""),
        ("Không đổi", {}, "Không đổi."),
    ],
)
def test_lexicon_applied_first(written: str, lexicon: dict[str, str], expected: str) -> None:
    assert spoken(written, lexicon=lexicon) == expected
