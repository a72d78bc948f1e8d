"""The user's pronunciation lexicon: how local names and addresses are said.

A lexicon is a YAML mapping "written: spoken" that officers edit, for example

    Kha Sơn: kha sơn
    sotttt.thainguyen.gov.vn: sở thông tin truyền thông thái nguyên chấm gốp chấm vê en

It is applied before every built-in rule (see rules.apply_lexicon), so it can
override any of them. This module only reads and checks the file.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

from ..errors import InputError
from ..files.sources import load_yaml, refuse_if_bigger

#: a lexicon larger than this is refused before it is read (a commune's has a few
#: hundred entries; 1 MB is about 30,000, and each entry is tried on every text)
MAX_LEXICON_BYTES = 1_000_000

FIX_FORMAT = "viết mỗi dòng theo dạng  chữ viết: cách đọc  (ví dụ  UBND: ủy ban nhân dân)"


def load_lexicon(path: Path | str) -> dict[str, str]:
    """Read and check a lexicon file; an empty file is an empty lexicon.

    Raises InputError naming the file, the line and the entry when the file is not a
    mapping, a key is empty or not text, or a value is not text or is empty.
    """
    refuse_if_bigger(
        Path(path),
        MAX_LEXICON_BYTES,
        fix="từ điển chỉ ghi những từ máy đọc sai (vài trăm dòng là nhiều); xóa các dòng "
        "không cần, hoặc kiểm tra có dán nhầm nội dung khác vào không",
    )
    doc = load_yaml(Path(path))
    data = doc.data
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise InputError(
            "Từ điển phát âm phải là danh sách các cặp 'chữ viết: cách đọc'",
            where=doc.where(),
            fix=FIX_FORMAT,
        )
    lexicon: dict[str, str] = {}
    for key, value in data.items():
        loc = (key,) if isinstance(key, str) else (str(key),)
        if isinstance(key, bool) or key is None:
            raise InputError(
                "Chữ viết trong từ điển phát âm bị hiểu thành giá trị đặc biệt "
                f"({'trống' if key is None else 'đúng/sai'})",
                where=doc.where(()),
                fix='đặt chữ viết trong ngoặc kép, ví dụ  "yes": dét',
            )
        if not isinstance(key, str | int | float):
            raise InputError(
                "Chữ viết trong từ điển phát âm phải là một từ hoặc cụm từ",
                where=doc.where(()),
                fix=FIX_FORMAT,
            )
        written = unicodedata.normalize("NFC", str(key)).strip()
        if not written:
            raise InputError(
                "Có mục trong từ điển phát âm không có chữ viết (tên mục trống)",
                where=doc.where(loc),
                fix="xóa dòng đó hoặc điền chữ cần đọc trước dấu hai chấm",
            )
        if not isinstance(value, str):
            raise InputError(
                f"Cách đọc của '{written}' phải là chữ, không phải "
                f"{'danh sách' if isinstance(value, list | dict) else 'số hoặc giá trị trống'}",
                where=doc.where(loc),
                fix=f"viết cách đọc bằng chữ sau dấu hai chấm, ví dụ  {written}: ...",
            )
        said = unicodedata.normalize("NFC", value).strip()
        if not said:
            raise InputError(
                f"Cách đọc của '{written}' đang để trống",
                where=doc.where(loc),
                fix="điền cách đọc sau dấu hai chấm, hoặc xóa dòng đó",
            )
        lexicon[written] = said
    return lexicon
