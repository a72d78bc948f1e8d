"""The spoken-form corpus: (written, dialect, spoken) rows from real notices.

Most rows come from the seed notices (công văn of Cần Giuộc, Yên Sơn, Đắk Nông, Gia
Lâm, Kha Sơn) and the shipped scripts; the rest are the forms such notices use for
hotlines, money, dates and web addresses. Every rule family has rows, and some rows
must come out unchanged apart from the final full stop.
"""

from __future__ import annotations

import re

import pytest

from broadcast.errors import InputError
from broadcast.text import rules
from broadcast.text.spoken import split_breath_groups, spoken

N, C, S = "north", "central", "south"

CORPUS: list[tuple[str, str, str]] = [
    # -- quantities ----------------------------------------------------------------
    ("0", N, "không."),
    ("5", N, "năm."),
    ("10", N, "mười."),
    ("15", N, "mười lăm."),
    ("21", N, "hai mươi mốt."),
    ("24", N, "hai mươi bốn."),
    ("24", S, "hai mươi tư."),
    ("24", C, "hai mươi bốn."),
    ("25", N, "hai mươi lăm."),
    ("100", N, "một trăm."),
    ("105", N, "một trăm linh năm."),
    ("105", S, "một trăm lẻ năm."),
    ("1005", N, "một nghìn không trăm linh năm."),
    ("1005", S, "một ngàn không trăm lẻ năm."),
    ("2010", N, "hai nghìn không trăm mười."),
    ("2024", N, "hai nghìn không trăm hai mươi bốn."),
    ("2024", S, "hai ngàn không trăm hai mươi tư."),
    ("1.500.000", N, "một triệu năm trăm nghìn."),
    ("1.500.000", S, "một triệu năm trăm ngàn."),
    ("3.000 người", N, "ba nghìn người."),
    ("12.000 hộ", S, "mười hai ngàn hộ."),
    ("1.000.000.000", N, "một tỷ."),
    ("2,5", N, "hai phẩy năm."),
    ("0,5", N, "không phẩy năm."),
    ("3,25", N, "ba phẩy hai mươi lăm."),
    ("1,05", N, "một phẩy không năm."),
    ("06 tháng", N, "sáu tháng."),
    ("01 năm", N, "một năm."),
    ("định kỳ 06 tháng, 01 năm báo cáo", N, "định kỳ sáu tháng, một năm báo cáo."),
    ("có 113 người bị lừa", N, "có một trăm mười ba người bị lừa."),
    ("dài ít nhất 12 ký tự", N, "dài ít nhất mười hai ký tự."),
    ("khoảng 3 tháng một lần", N, "khoảng ba tháng một lần."),
    ("năm 2025", N, "năm hai nghìn không trăm hai mươi lăm."),
    ("mục 1.2", N, "mục một chấm hai."),
    # -- units ---------------------------------------------------------------------
    ("cao 1,5m", N, "cao một phẩy năm mét."),
    ("dài 3km", N, "dài ba ki lô mét."),
    ("nặng 50kg", N, "nặng năm mươi ki lô gam."),
    ("rộng 100m2", N, "rộng một trăm mét vuông."),
    ("1.000 m²", S, "một ngàn mét vuông."),
    ("nhiệt độ 25°C", N, "nhiệt độ hai mươi lăm độ xê."),
    ("chạy 60km/h", N, "chạy sáu mươi ki lô mét một giờ."),
    # -- percent, ranges, ordinals ---------------------------------------------------
    ("50%", N, "năm mươi phần trăm."),
    ("2,5%", N, "hai phẩy năm phần trăm."),
    ("tăng 15 %", N, "tăng mười lăm phần trăm."),
    ("từ 10-15%", N, "từ mười đến mười lăm phần trăm."),
    (
        "nhiệm kỳ 2021-2026",
        N,
        "nhiệm kỳ hai nghìn không trăm hai mươi mốt đến hai nghìn không trăm hai mươi sáu.",
    ),
    ("từ 3 - 5 ngày", N, "từ ba đến năm ngày."),
    ("thứ 2", N, "thứ hai."),
    ("thứ 4", N, "thứ tư."),
    ("thứ 4", S, "thứ tư."),
    ("lần thứ 1", N, "lần thứ nhất."),
    ("Thứ 7 và Chủ nhật", N, "Thứ bảy và Chủ nhật."),
    ("thứ 14", S, "thứ mười bốn."),
    # -- money -----------------------------------------------------------------------
    ("5 triệu đồng", N, "năm triệu đồng."),
    ("50.000đ", N, "năm mươi nghìn đồng."),
    ("50.000đ", S, "năm mươi ngàn đồng."),
    ("50.000 đ", N, "năm mươi nghìn đồng."),
    ("200.000 VNĐ", N, "hai trăm nghìn đồng."),
    ("1.500.000 VND", N, "một triệu năm trăm nghìn đồng."),
    ("lừa 5tr", N, "lừa năm triệu."),
    ("1,5 tr", S, "một phẩy năm triệu."),
    ("$100 và $1.500.", N, "một trăm đô la và một nghìn năm trăm đô la."),
    ("2,5 tỷ", N, "hai phẩy năm tỷ."),
    ("2,5 tỷ đồng", S, "hai phẩy năm tỷ đồng."),
    ("500k", N, "năm trăm nghìn."),
    ("500k", S, "năm trăm ngàn."),
    ("100 USD", N, "một trăm đô la Mỹ."),
    ("12.000 đồng/tháng", N, "mười hai nghìn đồng một tháng."),
    # -- hotlines and phone numbers -------------------------------------------------
    ("gọi 113", N, "gọi một một ba."),
    ("Gọi 115!", N, "Gọi một một năm!"),
    ("gọi ngay 113 hoặc 114", N, "gọi ngay một một ba hoặc một một bốn."),
    ("đến đầu số 156 để", N, "đến đầu số một năm sáu để."),
    ("gọi điện đến tổng đài số 156, có thể", N, "gọi điện đến tổng đài số một năm sáu, có thể."),
    ("Số khẩn cấp của công an là 113.", N, "Số khẩn cấp của công an là một một ba."),
    ("báo cháy 114", N, "báo cháy một một bốn."),
    ("cấp cứu 115", S, "cấp cứu một một năm."),
    ("đường dây nóng 111", N, "đường dây nóng một một một."),
    ("Tổng đài 1900 1234", N, "Tổng đài một chín không không, một hai ba bốn."),
    ("0912.345.678", N, "không chín một hai, ba bốn năm, sáu bảy tám."),
    ("0987 654 321", N, "không chín tám bảy, sáu năm bốn, ba hai một."),
    ("0208.3855.123", N, "không hai không tám, ba tám năm năm, một hai ba."),
    ("0912345678", N, "không chín một hai, ba bốn năm, sáu bảy tám."),
    ("+84 912345678", N, "cộng tám bốn, chín một hai, ba bốn năm, sáu bảy tám."),
    ("số điện thoại 0912-345-678", N, "số điện thoại không chín một hai, ba bốn năm, sáu bảy tám."),
    ("SĐT: 0987654321", N, "số điện thoại: không chín tám bảy, sáu năm bốn, ba hai một."),
    (
        "số tài khoản 1903 6688 9999 01",
        N,
        "số tài khoản một chín không ba, sáu sáu tám tám, chín chín chín chín, không một.",
    ),
    (
        "CCCD 001234567890",
        N,
        "căn cước công dân không không một, hai ba bốn, năm sáu bảy, tám chín không.",
    ),
    ("CMND số 123456789", N, "chứng minh nhân dân số một hai ba, bốn năm sáu, bảy tám chín."),
    ("mã OTP 123456", N, "mã ô tê pê một hai ba, bốn năm sáu."),
    ("tài khoản 0123456", N, "tài khoản không một hai, ba bốn năm sáu."),
    ("số 0123456", N, "số không một hai, ba bốn năm sáu."),
    (
        "chuyển vào 190366889999",
        N,
        "chuyển vào một chín không, ba sáu sáu, tám tám chín, chín chín chín.",
    ),
    ("số 12", N, "số mười hai."),
    ("số 3 đường Lê Lợi", N, "số ba đường Lê Lợi."),
    # -- dates ---------------------------------------------------------------------
    ("ngày 25/11", N, "ngày hai mươi lăm tháng mười một."),
    ("ngày 11/4/2024", N, "ngày mười một tháng tư năm hai nghìn không trăm hai mươi bốn."),
    ("ngày 06/4/2025", N, "ngày mùng sáu tháng tư năm hai nghìn không trăm hai mươi lăm."),
    ("ngày 06/4/2025", S, "ngày mùng sáu tháng tư năm hai ngàn không trăm hai mươi lăm."),
    ("ngày 09/01/2025", N, "ngày mùng chín tháng một năm hai nghìn không trăm hai mươi lăm."),
    (
        "ngày 23/12/2024",
        N,
        "ngày hai mươi ba tháng mười hai năm hai nghìn không trăm hai mươi bốn.",
    ),
    ("ngày 22/11/2024", S, "ngày hai mươi hai tháng mười một năm hai ngàn không trăm hai mươi tư."),
    ("ngày 10/10", N, "ngày mùng mười tháng mười."),
    ("mùng 6/4", N, "mùng sáu tháng tư."),
    ("ngày 01.7.2025", N, "ngày mùng một tháng bảy năm hai nghìn không trăm hai mươi lăm."),
    (
        "ngày 25-11-2026",
        N,
        "ngày hai mươi lăm tháng mười một năm hai nghìn không trăm hai mươi sáu.",
    ),
    (
        "từ ngày 25/11 đến hết ngày 15/12",
        N,
        "từ ngày hai mươi lăm tháng mười một đến hết ngày mười lăm tháng mười hai.",
    ),
    ("23-25/11", N, "hai mươi ba đến hai mươi lăm tháng mười một."),
    (
        "từ 01-05/4/2025",
        N,
        "từ mùng một đến mùng năm tháng tư năm hai nghìn không trăm hai mươi lăm.",
    ),
    (
        "Ngày chuyển đổi số tỉnh Thái Nguyên (31/12)",
        N,
        "Ngày chuyển đổi số tỉnh Thái Nguyên, ba mươi mốt tháng mười hai.",
    ),
    ("tháng 4", N, "tháng tư."),
    ("tháng 04", N, "tháng tư."),
    ("tháng 01 năm 2025", N, "tháng một năm hai nghìn không trăm hai mươi lăm."),
    (
        "ngày 22 tháng 01 năm 2025",
        N,
        "ngày hai mươi hai tháng một năm hai nghìn không trăm hai mươi lăm.",
    ),
    (
        "ngày 24 tháng 03 năm 2023",
        S,
        "ngày hai mươi tư tháng ba năm hai ngàn không trăm hai mươi ba.",
    ),
    ("ngày 5 tháng 9", N, "ngày mùng năm tháng chín."),
    (
        "Cần Giuộc, ngày tháng 4 năm 2024",
        N,
        "Cần Giuộc, ngày tháng tư năm hai nghìn không trăm hai mươi bốn.",
    ),
    ("tháng 4/2024", N, "tháng tư năm hai nghìn không trăm hai mươi bốn."),
    ("quý 3/2024", N, "quý ba năm hai nghìn không trăm hai mươi bốn."),
    ("hạn 30/11/26", N, "hạn ba mươi tháng mười một năm hai nghìn không trăm hai mươi sáu."),
    ("tổng đài trực 24/7", N, "tổng đài trực hai mươi bốn trên bảy."),
    ("hoạt động 24/7", S, "hoạt động hai mươi tư trên bảy."),
    ("Thứ Hai - Thứ Sáu", N, "Thứ Hai đến Thứ Sáu."),
    ("từ thứ hai – chủ nhật", N, "từ thứ hai đến chủ nhật."),
    ("tỷ lệ 50/50", N, "tỷ lệ năm mươi, năm mươi."),
    ("phát 2 lần/ngày", N, "phát hai lần một ngày."),
    ("lãi 20 triệu đồng/năm", N, "lãi hai mươi triệu đồng một năm."),
    ("ngày 24/7", N, "ngày hai mươi bốn tháng bảy."),
    ("giảm 1/2 số vụ lừa đảo", N, "giảm một phần hai số vụ lừa đảo."),
    ("chiếm 3/4 số vụ", S, "chiếm ba phần tư số vụ."),
    ("1/3 tổng số tiền", N, "một phần ba tổng số tiền."),
    ("tăng 2/5", N, "tăng hai phần năm."),
    ("từ 1/2 đến 3/4", N, "từ mùng một tháng hai đến mùng ba tháng tư."),
    ("ngày 1/2 số vụ", N, "ngày mùng một tháng hai số vụ."),
    ("từ 24/7 đến 30/7", N, "từ hai mươi bốn tháng bảy đến ba mươi tháng bảy."),
    # -- times ---------------------------------------------------------------------
    ("6h30", N, "sáu giờ ba mươi phút."),
    ("17h", N, "mười bảy giờ."),
    ("17h00", N, "mười bảy giờ."),
    ("06:00", N, "sáu giờ."),
    ("6:45", N, "sáu giờ bốn mươi lăm phút."),
    ("lúc 7 giờ 30", N, "lúc bảy giờ ba mươi."),
    (
        "phát lúc 6h30 và 17h hằng ngày",
        N,
        "phát lúc sáu giờ ba mươi phút và mười bảy giờ hằng ngày.",
    ),
    ("từ 6h đến 6h15", S, "từ sáu giờ đến sáu giờ mười lăm phút."),
    ("từ 7h-9h", N, "từ bảy giờ đến chín giờ."),
    ("13h30-17h", N, "mười ba giờ ba mươi phút đến mười bảy giờ."),
    ("7h30 – 11h30", N, "bảy giờ ba mươi phút đến mười một giờ ba mươi phút."),
    ("từ 14:00 - 16:30", N, "từ mười bốn giờ đến mười sáu giờ ba mươi phút."),
    ("lúc 7g30", N, "lúc bảy giờ ba mươi phút."),
    ("thứ 2 – thứ 6", N, "thứ hai đến thứ sáu."),
    ("thứ 2-6", N, "thứ hai đến thứ sáu."),
    # -- document numbers ----------------------------------------------------------
    ("139/CĐ-TTg", N, "một trăm ba mươi chín công điện Thủ tướng."),
    ("Công điện số 139/CD-TTg", N, "Công điện số một trăm ba mươi chín công điện Thủ tướng."),
    (
        "818/STTTT-TTBCVT",
        N,
        "tám trăm mười tám Sở Thông tin và Truyền thông thông tin báo chí bưu chính viễn thông.",
    ),
    ("Văn bản 127/CAT-ANM", N, "Văn bản một trăm hai mươi bảy công an tỉnh an ninh mạng."),
    ("Số: 183/UBND-NC", N, "Số: một trăm tám mươi ba ủy ban nhân dân nội chính."),
    ("Kế hoạch số 91/KH-UBND", N, "Kế hoạch số chín mươi mốt kế hoạch ủy ban nhân dân."),
    ("3316/UBND-VHTT", S, "ba ngàn ba trăm mười sáu ủy ban nhân dân văn hóa thông tin."),
    (
        "Thông tư 39/2020/TT-BTTTT",
        N,
        "Thông tư ba mươi chín năm hai nghìn không trăm hai mươi "
        "thông tư Bộ Thông tin và Truyền thông.",
    ),
    ("Số: /UBND-VHXH", N, "Số: ủy ban nhân dân văn hóa xã hội."),
    ("12/QĐ-XYZ", N, "mười hai quyết định ích i dài dét."),
    # -- abbreviations -------------------------------------------------------------
    ("UBND xã", N, "ủy ban nhân dân xã."),
    ("HĐND và UBND huyện", N, "hội đồng nhân dân và ủy ban nhân dân huyện."),
    ("Ủy ban MTTQ Việt Nam", N, "Ủy ban mặt trận tổ quốc Việt Nam."),
    ("Các Trường TH, THCS", N, "Các Trường tiểu học, trung học cơ sở."),
    ("học sinh THPT", N, "học sinh trung học phổ thông."),
    ("Đ/c Chủ tịch", N, "đồng chí Chủ tịch."),
    ("v.v.", N, "vân vân."),
    ("mạng xã hội, email, v.v. đều", N, "mạng xã hội, i meo, vân vân đều."),
    ("V/v cảnh báo thủ đoạn", N, "về việc cảnh báo thủ đoạn."),
    ("TP. Hà Nội", N, "thành phố Hà Nội."),
    ("TP.HCM", N, "thành phố Hồ Chí Minh."),
    ("Sở TT&TT", N, "Sở thông tin và truyền thông."),
    ("Lưu: VT, NC.", N, "Lưu: văn thư, nội chính."),
    ("CT, các PCT UBND huyện", N, "chủ tịch, các phó chủ tịch ủy ban nhân dân huyện."),
    ("TM. ỦY BAN NHÂN DÂN", N, "thay mặt ủy ban nhân dân."),
    ("KT. CHỦ TỊCH", N, "ký thay chủ tịch."),
    ("Chủ tịch UBND huyện (để b/cáo)", N, "Chủ tịch ủy ban nhân dân huyện, để báo cáo."),
    ("hệ thống FM", N, "hệ thống ép em."),
    ("CSGT", N, "cảnh sát giao thông."),
    ("Công TTĐT tỉnh", N, "Công thông tin điện tử tỉnh."),
    ("ứng dụng VNeID", N, "ứng dụng vê en e i đi."),
    ("BCH Quân sự và BCA", N, "ban chỉ huy Quân sự và Bộ Công an."),
    ("VKSND, TAND, CQĐT", N, "viện kiểm sát nhân dân, tòa án nhân dân, cơ quan điều tra."),
    (
        "ĐTN, HLHPN, HND, HCCB",
        N,
        "đoàn thanh niên, hội liên hiệp phụ nữ, hội nông dân, hội cựu chiến binh.",
    ),
    ("T/M UBND xã, K/T Chủ tịch", N, "thay mặt ủy ban nhân dân xã, ký thay Chủ tịch."),
    ("email, zalo vv. đều", N, "i meo, da lô vân vân đều."),
    # -- acronyms, letter names, loanwords -----------------------------------------
    ("mã OTP", N, "mã ô tê pê."),
    ("Cục A05 Bộ Công an", N, "Cục a không năm Bộ Công an."),
    ("Tầng 1, nhà A2", N, "Tầng một, nhà a hai."),
    ("Công chức VHXX", N, "Công chức vê hát ích ích."),
    ("Lưu: VT, VHHT.", N, "Lưu: văn thư, vê hát hát tê."),
    ("ngân hàng BIDV", N, "ngân hàng bê i đê vê."),
    ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", N, "cộng hòa xã hội chủ nghĩa việt nam."),
    ("TỈNH ĐẮK NÔNG", N, "tỉnh đắk nông."),
    ("qua Zalo, Facebook hay email", N, "qua da lô, phây búc hay i meo."),
    ("các đường link lạ", N, "các đường lin lạ."),
    ("sử dụng internet an toàn", N, "sử dụng in tơ nét an toàn."),
    ("qua website", N, "qua oép sai."),
    # -- web addresses and e-mail --------------------------------------------------
    ("khonggianmang.vn", N, "không gian mạng chấm vê en."),
    (
        "cổng thông tin khonggianmang.vn để tra cứu",
        N,
        "cổng thông tin không gian mạng chấm vê en để tra cứu.",
    ),
    ("thongbaorac.ais.gov.vn", N, "thông báo rác chấm a i ét chấm gốp chấm vê en."),
    (
        "website <http://thongbaorac.ais.gov.vn> của Bộ",
        N,
        "oép sai thông báo rác chấm a i ét chấm gốp chấm vê en của Bộ.",
    ),
    (
        "<https://sotttt.thainguyen.gov.vn/thong-bao>",
        N,
        "sở tê tê tê tê chấm thái nguyên chấm gốp chấm vê en gạch chéo thông gạch ngang báo.",
    ),
    ("https://www.google.com", N, "vê kép vê kép vê kép chấm gu gồ chấm com."),
    ("tinnhiemmang.vn.", N, "tín nhiệm mạng chấm vê en."),
    ("ubnd@thainguyen.gov.vn", N, "u bê en đê a còng thái nguyên chấm gốp chấm vê en."),
    ("abc.def@gmail.com", N, "a bê xê chấm đê e ép a còng gờ meo chấm com."),
    ("[Cổng dịch vụ công](https://dichvucong.gov.vn)", N, "Cổng dịch vụ công."),
    # -- hygiene -------------------------------------------------------------------
    ("Uỷ ban", N, "Ủy ban."),
    ("hoà giải", N, "hòa giải."),
    ("khoẻ mạnh", N, "khỏe mạnh."),
    ("Thuỷ lợi", N, "Thủy lợi."),
    ("quý khách", N, "quý khách."),
    ("hoàng hôn", N, "hoàng hôn."),
    ("U\u0309y ban", N, "Ủy ban."),  # decomposed Unicode from Word
    ("**ỦY BAN NHÂN DÂN**", N, "ủy ban nhân dân."),
    (
        "*mạng xã hội, email, tài khoản ngân hàng, ...*",
        N,
        "mạng xã hội, i meo, tài khoản ngân hàng.",
    ),
    ("# Cảnh báo", N, "Cảnh báo."),
    ("- Như trên;", N, "Như trên."),
    ("• Không chuyển tiền", N, "Không chuyển tiền."),
    ("1. Tăng cường thông tin", N, "Thứ nhất, Tăng cường thông tin."),
    ("4. Công an huyện chủ trì", N, "Thứ tư, Công an huyện chủ trì."),
    ("I. Tình hình", N, "Phần một, Tình hình."),
    ("II. Các thủ đoạn", N, "Phần hai, Các thủ đoạn."),
    ("IV. Tổ chức thực hiện", S, "Phần bốn, Tổ chức thực hiện."),
    ("IX) Khen thưởng", N, "Phần chín, Khen thưởng."),
    ("Độc lập - Tự do - Hạnh phúc", N, "Độc lập, Tự do, Hạnh phúc."),
    ("thông tin sai sự thật...", N, "thông tin sai sự thật."),
    ("điện thoại cá nhân… cho bất kỳ ai", N, "điện thoại cá nhân, cho bất kỳ ai."),
    (
        "bằng văn bản chính thức (có ký tên, đóng dấu) đến nơi cư trú",
        N,
        "bằng văn bản chính thức, có ký tên, đóng dấu, đến nơi cư trú.",
    ),
    ("triển khai thực hiện./.", N, "triển khai thực hiện."),
    ("Các ông/bà trưởng xóm", N, "Các ông, bà trưởng xóm."),
    ("“Chiến dịch tuyên truyền”", N, "Chiến dịch tuyên truyền."),
    ("kinh tế - xã hội", N, "kinh tế, xã hội."),
    ("Covid-19", N, "Covid mười chín."),
    ("A & B", N, "A và B."),
    ("Kính gửi:", N, "Kính gửi."),
    ("ỦY BAN NHÂN DÂN\nHUYỆN CẦN GIUỘC", N, "ủy ban nhân dân. huyện cần giuộc."),
    (
        "V/v tăng cường phòng ngừa, xử lý\nhoạt động lừa đảo",
        N,
        "về việc tăng cường phòng ngừa, xử lý hoạt động lừa đảo.",
    ),
    ("Đoạn một.\n\nĐoạn hai", N, "Đoạn một.\nĐoạn hai."),
    (
        "hoạt động của\n\ntội phạm sử dụng công nghệ cao",
        N,
        "hoạt động của tội phạm sử dụng công nghệ cao.",
    ),
    # -- must stay as written (apart from the final stop) ---------------------------
    ("Bà con hãy luôn cảnh giác với số máy lạ", N, "Bà con hãy luôn cảnh giác với số máy lạ."),
    ("một năm sáu", N, "một năm sáu."),
    ("hai mươi lăm tháng mười một", S, "hai mươi lăm tháng mười một."),
    ("Đắk Lắk", N, "Đắk Lắk."),
    ("Tổ công nghệ số cộng đồng", N, "Tổ công nghệ số cộng đồng."),
    (
        "Không chuyển tiền, không đọc thông tin cá nhân.",
        N,
        "Không chuyển tiền, không đọc thông tin cá nhân.",
    ),
    (
        "Hãy gọi lại cho người thân bằng số quen thuộc để hỏi cho chắc.",
        S,
        "Hãy gọi lại cho người thân bằng số quen thuộc để hỏi cho chắc.",
    ),
    ("Thưa bà con, kẻ gian thường gửi tin nhắn", C, "Thưa bà con, kẻ gian thường gửi tin nhắn."),
    ("Ai hỏi mã thì cúp máy!", N, "Ai hỏi mã thì cúp máy!"),
    ("Có phải bạn không?", N, "Có phải bạn không?"),
    ("", N, ""),
    ("   \n\n  ", N, ""),
]


@pytest.mark.parametrize(("written", "dialect", "expected"), CORPUS)
def test_corpus(written: str, dialect: str, expected: str) -> None:
    assert spoken(written, dialect) == expected


def test_corpus_is_large_and_covers_every_dialect() -> None:
    assert len(CORPUS) >= 150
    assert {d for _, d, _ in CORPUS} == {N, C, S}


def test_central_reads_numbers_like_north() -> None:
    for text in ("24", "105", "1.500.000", "ngày 24/4/2024"):
        assert spoken(text, C) == spoken(text, N)


def test_unknown_dialect_is_a_user_error() -> None:
    with pytest.raises(InputError) as err:
        spoken("15", "hue")
    assert "phương ngữ" in err.value.message and "north" in err.value.message


SEEDS = [
    "Thực hiện Công văn số 818/STTTT-TTBCVT ngày 11/4/2024 của Sở TT&TT về việc ...",
    "gọi điện hoặc nhắn tin (miễn phí) đến đầu số 156 để các cơ quan chức năng có biện pháp",
    "Chủ tịch UBND huyện (báo cáo); Các PCT UBND huyện; Lưu: VT, NC.",
    "phản ánh qua website <http://thongbaorac.ais.gov.vn> của Bộ TT&TT",
]


@pytest.mark.parametrize("text", SEEDS)
def test_output_alphabet(text: str) -> None:
    out = spoken(text)
    assert not re.search(r"[0-9]", out)
    assert all(c.isalpha() or c in " \n.,;:!?" for c in out)


# -- the pipeline is a visible list of pure str -> str rules -----------------------


def test_pipeline_is_an_ordered_list_of_named_rules() -> None:
    names = [name for name, _ in rules.pipeline()]
    assert names[0] == "unicode" and names[-1] == "punctuation"
    assert names.index("lexicon") < names.index("web_addresses") < names.index("numbers")
    assert names.index("phone_numbers") < names.index("numbers")
    assert names.index("dates") < names.index("numbers") < names.index("abbreviations")
    for _, rule in rules.pipeline("south"):
        assert isinstance(rule("Gọi 113 ngày 25/11."), str)


@pytest.mark.parametrize(
    ("rule", "written", "expected"),
    [
        (rules.normalize_tone_marks, "Uỷ ban hoà giải", "Ủy ban hòa giải"),
        (rules.strip_link_marks, "<https://a.vn/b>", "a.vn/b"),
        (rules.expand_abbreviations, "UBND và HĐND", "ủy ban nhân dân và hội đồng nhân dân"),
        (rules.read_acronyms, "mã OTP", "mã ô tê pê"),
        (rules.read_hotlines, "tổng đài 156", "tổng đài một năm sáu"),
        (rules.read_number_ranges, "10-15", "10 đến 15"),
        (rules.read_web_addresses, "khonggianmang.vn", "không gian mạng chấm vê en"),
        (rules.replace_symbols, "(a)", ",a,"),
    ],
)
def test_single_rules(rule, written: str, expected: str) -> None:
    assert rule(written) == expected


# -- breath groups ------------------------------------------------------------------


def test_breath_groups_split_sentences_then_commas_then_spaces() -> None:
    text = spoken(
        "Bà con lưu ý. Tuyệt đối không đọc mã OTP, không gửi ảnh CCCD, số tài khoản ngân "
        "hàng, mật khẩu, địa chỉ nhà ở cho người lạ, kể cả khi họ xưng là nhân viên ngân hàng."
    )
    groups = split_breath_groups(text, max_chars=60)
    assert groups[0] == "Bà con lưu ý."
    assert all(0 < len(g) <= 60 for g in groups)
    assert " ".join(groups).split() == text.split()
    assert all(g.endswith((",", ".")) for g in groups)


def test_breath_groups_keep_a_long_word_whole() -> None:
    assert split_breath_groups("a " + "x" * 30 + " b", max_chars=10) == ["a", "x" * 30, "b"]


def test_breath_groups_of_nothing() -> None:
    assert split_breath_groups("") == []
    assert split_breath_groups(" \n ") == []


def test_breath_groups_paragraphs_are_sentences() -> None:
    assert split_breath_groups("Một\nHai ba.") == ["Một", "Hai ba."]


def test_breath_groups_reject_a_silly_limit() -> None:
    with pytest.raises(ValueError):
        split_breath_groups("a", max_chars=0)
