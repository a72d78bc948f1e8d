"""Spoken form, second round: the corpus of issue #10, from warnings written in our words.

The rows follow the seed notices' kind of text (police and People's Committee
warnings) but are written anew: hotlines and phone numbers in every Vietnamese form,
bank accounts, Roman numerals, office and legal abbreviations, brands, units and
addresses. Rows under "must stay" guard what the first round already read right.
"""

from __future__ import annotations

import pytest

from broadcast.text.spoken import spoken

N, C, S = "north", "central", "south"

CORPUS2: list[tuple[str, str, str]] = [
    # -- phone numbers on their shape, anywhere in a sentence
    (
        "Tổng đài chăm sóc khách hàng 1900 1006 không bao giờ hỏi mã OTP",
        N,
        "Tổng đài chăm sóc khách hàng một chín không không, một không không sáu không bao giờ hỏi mã ô tê pê.",
    ),
    ("gọi 1900.1006", N, "gọi một chín không không, một không không sáu."),
    ("hotline 1900-1006", S, "hotline một chín không không, một không không sáu."),
    (
        "liên hệ số 0912.345.678 để được hỗ trợ",
        N,
        "liên hệ số không chín một hai, ba bốn năm, sáu bảy tám để được hỗ trợ.",
    ),
    (
        "Số máy 0987 654 321 là của kẻ gian",
        N,
        "Số máy không chín tám bảy, sáu năm bốn, ba hai một là của kẻ gian.",
    ),
    ("0356-789-012", N, "không ba năm sáu, bảy tám chín, không một hai."),
    (
        "đối tượng dùng số 0708123456 gọi đến",
        N,
        "đối tượng dùng số không bảy không tám, một hai ba, bốn năm sáu gọi đến.",
    ),
    (
        "số lạ 0589 123 456 tự xưng công an",
        S,
        "số lạ không năm tám chín, một hai ba, bốn năm sáu tự xưng công an.",
    ),
    ("kết bạn Zalo 0933.111.222", N, "kết bạn da lô không chín ba ba, một một một, hai hai hai."),
    (
        "điện thoại bàn 024 3826 1234",
        N,
        "điện thoại bàn không hai bốn, ba tám hai sáu, một hai ba bốn.",
    ),
    ("02438261234", N, "không hai bốn, ba tám hai sáu, một hai ba bốn."),
    ("(024) 3826 1234", N, "không hai bốn, ba tám hai sáu, một hai ba bốn."),
    ("trực ban (0208) 385 5123", N, "trực ban không hai không tám, ba tám năm, năm một hai ba."),
    ("0208.3855.456", N, "không hai không tám, ba tám năm năm, bốn năm sáu."),
    (
        "Trực ban Công an tỉnh: 0280.3855.113",
        N,
        "Trực ban Công an tỉnh: không hai tám không, ba tám năm năm, một một ba.",
    ),
    ("+84 24 3826 1234", N, "cộng tám bốn, hai bốn, ba tám hai sáu, một hai ba bốn."),
    ("(+84) 912 345 678", N, "cộng tám bốn, chín một hai, ba bốn năm, sáu bảy tám."),
    ("+84-912-345-678", N, "cộng tám bốn, chín một hai, ba bốn năm, sáu bảy tám."),
    ("84912345678", N, "tám bốn, chín một hai, ba bốn năm, sáu bảy tám."),
    ("+84912345678", N, "cộng tám bốn, chín một hai, ba bốn năm, sáu bảy tám."),
    (
        "số lạ có đầu +84 hoặc (+84) đều cần cảnh giác",
        N,
        "số lạ có đầu cộng tám bốn hoặc cộng tám bốn đều cần cảnh giác.",
    ),
    ("gọi ngay 113 khi bị đe dọa", N, "gọi ngay một một ba khi bị đe dọa."),
    ("báo cho công an qua số 113", N, "báo cho công an qua số một một ba."),
    ("đường dây nóng 18001567", S, "đường dây nóng một tám không không, một năm sáu bảy."),
    ("tổng đài 1800 1567 miễn phí", N, "tổng đài một tám không không, một năm sáu bảy miễn phí."),
    ("gọi 1800.599.920", N, "gọi một tám không không, năm chín chín, chín hai không."),
    ("tổng đài 1900 545 454", N, "tổng đài một chín không không, năm bốn năm, bốn năm bốn."),
    ("gọi 19001568", N, "gọi một chín không không, một năm sáu tám."),
    (
        "nhắn tin đến 5656 để báo tin nhắn rác",
        N,
        "nhắn tin đến năm sáu năm sáu để báo tin nhắn rác.",
    ),
    (
        "Cấp cứu 115, cứu hỏa 114, công an 113",
        N,
        "Cấp cứu một một năm, cứu hỏa một một bốn, công an một một ba.",
    ),
    # -- account and card numbers: digit by digit, never amounts, never "chấm"
    (
        "STK 0451.0003.21987",
        N,
        "số tài khoản không bốn năm một, không không không ba, hai một chín tám bảy.",
    ),
    (
        "số tài khoản 1903 6688 9999 01 tại Techcombank",
        N,
        "số tài khoản một chín không ba, sáu sáu tám tám, chín chín chín chín, không một tại tếch com banh.",
    ),
    (
        "tài khoản số 123456789012",
        S,
        "tài khoản số một hai ba, bốn năm sáu, bảy tám chín, không một hai.",
    ),
    (
        "STK: 0071-0006-95432",
        N,
        "số tài khoản: không không bảy một, không không không sáu, chín năm bốn ba hai.",
    ),
    (
        "Vietcombank 0451 0003 21987",
        N,
        "việt com banh không bốn năm một, không không không ba, hai một chín tám bảy.",
    ),
    (
        "chuyển 5 triệu vào tài khoản 0451000321987",
        N,
        "chuyển năm triệu vào tài khoản không bốn năm, một không không, không ba hai, một chín tám bảy.",
    ),
    ("nạp 500.000 đồng vào tài khoản", N, "nạp năm trăm nghìn đồng vào tài khoản."),
    ("tài khoản 500.000 đồng", N, "tài khoản năm trăm nghìn đồng."),
    ("gọi 20 cuộc mỗi ngày", N, "gọi hai mươi cuộc mỗi ngày."),
    (
        "CCCD số 034 090 001 234",
        N,
        "căn cước công dân số không ba bốn, không chín không, không không một, hai ba bốn.",
    ),
    ("mã OTP 482 913", N, "mã ô tê pê bốn tám hai, chín một ba."),
    (
        "số thẻ 9704 1234 5678 9012",
        N,
        "số thẻ chín bảy không bốn, một hai ba bốn, năm sáu bảy tám, chín không một hai.",
    ),
    ("SĐT 0912345678", N, "số điện thoại không chín một hai, ba bốn năm, sáu bảy tám."),
    (
        "số điện thoại: 0912 345 678, 0987.654.321",
        N,
        "số điện thoại: không chín một hai, ba bốn năm, sáu bảy tám, không chín tám bảy, sáu năm bốn, ba hai một.",
    ),
    (
        "gọi 0912345678 hoặc 0243.826.1234",
        N,
        "gọi không chín một hai, ba bốn năm, sáu bảy tám hoặc không hai bốn ba, tám hai sáu, một hai ba bốn.",
    ),
    # -- what must stay as it was: amounts, years, dates, document numbers
    (
        "năm 2024 có 1.500.000 cuộc gọi lừa đảo",
        N,
        "năm hai nghìn không trăm hai mươi bốn có một triệu năm trăm nghìn cuộc gọi lừa đảo.",
    ),
    ("mất 1.500.000 đồng", S, "mất một triệu năm trăm ngàn đồng."),
    ("số 12 đường Lê Lợi", N, "số mười hai đường Lê Lợi."),
    ("ngày 15.8.2025", N, "ngày mười lăm tháng tám năm hai nghìn không trăm hai mươi lăm."),
    (
        "nhiệm kỳ 2020-2025",
        N,
        "nhiệm kỳ hai nghìn không trăm hai mươi đến hai nghìn không trăm hai mươi lăm.",
    ),
    ("tiểu mục 2.3", N, "tiểu mục hai chấm ba."),
    ("gọi 113 ngày 25/11", N, "gọi một một ba ngày hai mươi lăm tháng mười một."),
    ("CSKH 1900 1006", N, "chăm sóc khách hàng một chín không không, một không không sáu."),
    (
        "ngân hàng 0451 0003 21987",
        N,
        "ngân hàng không bốn năm một, không không không ba, hai một chín tám bảy.",
    ),
    (
        "tổng đài 1900 1006, 1800 1567 và 113",
        N,
        "tổng đài một chín không không, một không không sáu, một tám không không, một năm sáu bảy và một một ba.",
    ),
    # -- Roman numerals after the words that take them, and nowhere else
    ("quý IV", N, "quý bốn."),
    ("Quý I năm 2025", N, "Quý một năm hai nghìn không trăm hai mươi lăm."),
    ("trong quý II/2025", N, "trong quý hai năm hai nghìn không trăm hai mươi lăm."),
    ("thế kỷ XXI", N, "thế kỷ hai mươi mốt."),
    ("thế kỷ XX", S, "thế kỷ hai mươi."),
    ("khóa XIV", N, "khóa mười bốn."),
    ("Quốc hội khóa XV", N, "Quốc hội khóa mười lăm."),
    ("Khoá XV", N, "Khóa mười lăm."),
    ("Đại hội XIII của Đảng", N, "Đại hội mười ba của Đảng."),
    ("Đại hội Đảng bộ huyện lần thứ XXV", N, "Đại hội Đảng bộ huyện lần thứ hai mươi lăm."),
    ("kỳ họp thứ VIII", N, "kỳ họp thứ tám."),
    ("Chương II", N, "Chương hai."),
    ("Mục III", N, "Mục ba."),
    ("tại Phần IV của kế hoạch", N, "tại Phần bốn của kế hoạch."),
    ("Tập II", N, "Tập hai."),
    ("giai đoạn II", N, "giai đoạn hai."),
    ("đợt II", N, "đợt hai."),
    ("Phụ lục I", N, "Phụ lục một."),
    ("Điều 174 Bộ luật Hình sự", N, "Điều một trăm bảy mươi bốn Bộ luật Hình sự."),
    ("ông Nguyễn Văn V", N, "ông Nguyễn Văn V."),
    ("bà Trần Thị X", N, "bà Trần Thị X."),
    ("anh Lê Văn I. cho biết", N, "anh Lê Văn I. cho biết."),
    ("Hội nghị Trung ương X", N, "Hội nghị Trung ương mười."),
    ("lần thứ IV", N, "lần thứ tư."),
    ("quý IIII", N, "quý i i i i."),
    # -- place abbreviations before a place name; a person's initial stays
    ("H. Cần Giuộc", N, "huyện Cần Giuộc."),
    ("Tại H. Cần Giuộc, tỉnh Long An", N, "Tại huyện Cần Giuộc, tỉnh Long An."),
    ("Công an H. Yên Sơn", N, "Công an huyện Yên Sơn."),
    ("UBND H. Gia Lâm", N, "ủy ban nhân dân huyện Gia Lâm."),
    (
        "đối tượng Nguyễn Văn H. sinh năm 1990",
        N,
        "đối tượng Nguyễn Văn H. sinh năm một nghìn chín trăm chín mươi.",
    ),
    ("ông H. cho biết", N, "ông H. cho biết."),
    ("TT. Cần Giuộc", N, "thị trấn Cần Giuộc."),
    ("TT. HĐND xã", N, "thường trực hội đồng nhân dân xã."),
    ("TT. Huyện ủy", N, "thường trực Huyện ủy."),
    ("Q.1, TP.HCM", N, "quận một, thành phố Hồ Chí Minh."),
    ("P. Bến Nghé, Q. 1", N, "phường Bến Nghé, quận một."),
    ("KP. 3, P. Tân Phong", N, "khu phố ba, phường Tân Phong."),
    ("TX. Phú Mỹ", N, "thị xã Phú Mỹ."),
    ("TP. Thái Nguyên", N, "thành phố Thái Nguyên."),
    # -- company, bank and law abbreviations
    ("Cty CP Đầu tư ABC", N, "công ty cổ phần Đầu tư a bê xê."),
    ("Cty TNHH MTV", N, "công ty trách nhiệm hữu hạn một thành viên."),
    ("CTCP Chứng khoán", N, "công ty cổ phần Chứng khoán."),
    ("Ngân hàng TMCP", N, "Ngân hàng thương mại cổ phần."),
    ("các NHTM", N, "các ngân hàng thương mại."),
    ("HTX nông nghiệp", N, "hợp tác xã nông nghiệp."),
    ("DN nhỏ và vừa", N, "doanh nghiệp nhỏ và vừa."),
    ("BLDS 2015", N, "bộ luật dân sự hai nghìn không trăm mười lăm."),
    ("theo BLHS", N, "theo bộ luật hình sự."),
    ("BLTTHS", N, "bộ luật tố tụng hình sự."),
    (
        "Nghị định 13/2023/NĐ-CP",
        N,
        "Nghị định mười ba năm hai nghìn không trăm hai mươi ba nghị định Chính phủ.",
    ),
    ("theo NĐ-CP", N, "theo nghị định chính phủ."),
    ("QH khóa XV", N, "quốc hội khóa mười lăm."),
    ("TTLT", N, "thông tư liên tịch."),
    ("UBMTTQ xã", N, "ủy ban mặt trận tổ quốc xã."),
    ("SĐT", N, "số điện thoại."),
    ("CSKH", N, "chăm sóc khách hàng."),
    ("CSHS", N, "cảnh sát hình sự."),
    ("CSĐT", N, "cảnh sát điều tra."),
    ("CAND", N, "công an nhân dân."),
    ("PCCC", N, "phòng cháy chữa cháy."),
    ("GPLX", N, "giấy phép lái xe."),
    ("TDP số 5", N, "tổ dân phố số năm."),
    ("KDC", N, "khu dân cư."),
    ("KCN", N, "khu công nghiệp."),
    ("DVC", N, "dịch vụ công."),
    ("TTHC", N, "thủ tục hành chính."),
    ("TMĐT", N, "thương mại điện tử."),
    ("công nghệ AI", N, "công nghệ ây ai."),
    ("thẻ ATM", N, "thẻ a tê em."),
    # -- brands, apps and technology words
    ("ZaloPay", N, "da lô pây."),
    ("YouTube", N, "du túp."),
    ("Google Play", N, "gu gồ pờ lây."),
    ("App Store", N, "áp xờ to."),
    ("CH Play", N, "xê hát pờ lây."),
    ("sóng 3G", N, "sóng ba giê."),
    ("mạng 4G", N, "mạng bốn giê."),
    ("5G", N, "năm giê."),
    ("Bluetooth", N, "bờ lu tút."),
    ("Shopee", N, "sốp pi."),
    ("Gmail", N, "giê meo."),
    ("Facebook", N, "phây búc."),
    ("Zalo", N, "da lô."),
    ("TikTok", N, "tích tóc."),
    ("Telegram", N, "tê lê gram."),
    ("ví Momo", N, "ví mô mô."),
    ("VNeID", N, "vê en e i đi."),
    ("mã QR", N, "mã qui a."),
    ("Messenger", N, "mét sen giơ."),
    ("Lazada, Tiki", N, "la da đa, ti ki."),
    ("nhà mạng Viettel", N, "nhà mạng viết ten."),
    ("VNPay", N, "vê en pây."),
    ("Wi-Fi công cộng", N, "oai phai công cộng."),
    (
        "phần mềm AnyDesk, UltraViewer hay TeamViewer",
        N,
        "phần mềm e ni đét, un tra viu ơ hay tim viu ơ.",
    ),
    ("sàn Binance", N, "sàn bai nan."),
    ("tiền ảo Bitcoin", N, "tiền ảo bít coi."),
    # -- units glued to numbers
    ("sạc 30W", N, "sạc ba mươi oát."),
    ("điện 220V", N, "điện hai trăm hai mươi vôn."),
    ("gói 5GB", N, "gói năm gi ga bai."),
    ("tệp 10MB", N, "tệp mười mê ga bai."),
    ("tốc độ 100Mbps", N, "tốc độ một trăm mê ga bít trên giây."),
    ("công suất 2kW", N, "công suất hai ki lô oát."),
    ("pin 5000mAh", N, "pin năm nghìn mi li am pe giờ."),
    ("ắc quy 12V", N, "ắc quy mười hai vôn."),
    # -- addresses: run-together words read as words, the rest spelled
    ("phananh@congan.gov.vn", N, "phản ánh a còng công an chấm gốp chấm vê en."),
    ("lienhe@bocongan.gov.vn", N, "liên hệ a còng bộ công an chấm gốp chấm vê en."),
    ("baocao-lua-dao.vn", N, "báo cáo gạch ngang lừa gạch ngang đảo chấm vê en."),
    ("canhbao.khonggianmang.vn", N, "cảnh báo chấm không gian mạng chấm vê en."),
    ("tinnhiemmang.vn", N, "tín nhiệm mạng chấm vê en."),
    ("dichvucong.gov.vn", N, "dịch vụ công chấm gốp chấm vê en."),
    (
        "hotro_khachhang@vietcombank.com.vn",
        N,
        "hỗ trợ gạch dưới khách hàng a còng việt com banh chấm com chấm vê en.",
    ),
    ("support@shopee.vn", N, "sập pót a còng sốp pi chấm vê en."),
    ("thuvienphapluat.vn", N, "thư viện pháp luật chấm vê en."),
    (
        "tracuu.khonggianmang.vn/baocao-luadao",
        N,
        "tra cứu chấm không gian mạng chấm vê en gạch chéo báo cáo gạch ngang lừa đảo.",
    ),
    (
        "toiphamcongnghecao@bocongan.gov.vn",
        N,
        "tội phạm công nghệ cao a còng bộ công an chấm gốp chấm vê en.",
    ),
    ("chongluadao.vn", N, "chống lừa đảo chấm vê en."),
    ("zalo.me/123456", N, "da lô chấm em e gạch chéo một hai ba bốn năm sáu."),
    ("facebook.com/conganthainguyen", N, "phây búc chấm com gạch chéo công an thái nguyên."),
    ("xuanhoa@gmail.com", N, "ích u a en hát ô a a còng giê meo chấm com."),
    # -- number details: lăm after mươi, list bullets
    ("1,25%", N, "một phẩy hai mươi lăm phần trăm."),
    ("2,15", N, "hai phẩy mười lăm."),
    ("0,75%", N, "không phẩy bảy mươi lăm phần trăm."),
    ("3,21", N, "ba phẩy hai mươi mốt."),
    ("1,45 tỷ", N, "một phẩy bốn mươi lăm tỷ."),
    ("lãi suất 1,25%/tháng", N, "lãi suất một phẩy hai mươi lăm phần trăm một tháng."),
    # -- number details: lăm after mươi, list bullets
    ("1,25%", S, "một phẩy hai mươi lăm phần trăm."),
    ("+ Không chuyển tiền", N, "Không chuyển tiền."),
    ("+ Gọi ngay 113", N, "Gọi ngay một một ba."),
    ("+84 912 345 678", N, "cộng tám bốn, chín một hai, ba bốn năm, sáu bảy tám."),
]


@pytest.mark.parametrize(("written", "dialect", "expected"), CORPUS2)
def test_corpus_round_two(written: str, dialect: str, expected: str) -> None:
    assert spoken(written, dialect) == expected


def test_round_two_adds_at_least_150_rows() -> None:
    from tests.text.test_spoken import CORPUS

    assert len(CORPUS2) >= 150
    assert not {w for w, _, _ in CORPUS2} & {w for w, _, _ in CORPUS}
