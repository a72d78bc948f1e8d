"""eSpeak NG's pronunciation fixes: a private copy of the voice data, built and really used.

What a listener would check: with the fixes "đi" starts with a plain [d], without them with
eSpeak's implosive d_; the copy changes the dictionary in the one rule and nowhere else; the
engine's version (and so the speech cache) tells the two apart.
"""

from __future__ import annotations

from pathlib import Path

import espeakng_loader
import numpy as np
import pytest

from broadcast.errors import EngineError
from broadcast.speech import espeak_fixes
from broadcast.speech.espeak import EspeakEngine
from broadcast.speech.espeak_fixes import Fix, patch_rules, phoneme_codes, private_data

STOCK = Path(espeakng_loader.get_data_path())


@pytest.fixture
def data_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("BROADCAST_ESPEAK_DATA_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_the_d_fix_is_shipped():
    assert [(f.group, f.old, f.new) for f in espeak_fixes.fixes()][0] == ("đ", ("d_",), ("d",))


def test_phoneme_codes_include_inherited_phonemes():
    codes = phoneme_codes((STOCK / "phontab").read_bytes(), "vi")
    # d_ is Vietnamese's own phoneme, d comes from the base table: both needed by the fix
    assert {"d_", "d", "z", "t["} <= codes.keys()
    assert codes["d_"] != codes["d"]


def test_patch_changes_one_byte_of_the_d_group_only():
    stock = (STOCK / "vi_dict").read_bytes()
    codes = phoneme_codes((STOCK / "phontab").read_bytes())
    patched = patch_rules(stock, espeak_fixes.fixes(), codes)
    diff = [i for i, (a, b) in enumerate(zip(stock, patched, strict=True)) if a != b]
    assert len(diff) == 1
    assert stock[diff[0]] == codes["d_"] and patched[diff[0]] == codes["d"]
    group = stock.find(b"\x06" + "đ".encode() + b"\x00")
    assert group < diff[0] < stock.find(b"\x07", group)


def test_a_fix_whose_rule_is_gone_is_an_error_not_a_skip(tmp_path: Path):
    codes = phoneme_codes((STOCK / "phontab").read_bytes())
    with pytest.raises(ValueError, match="no rule"):
        patch_rules((STOCK / "vi_dict").read_bytes(), (Fix("x", "đ", ("z",), ("d",), ""),), codes)
    with pytest.raises(EngineError) as err:
        private_data(STOCK, (Fix("x", "đ", ("nosuch",), ("d",), ""),), tmp_path)
    assert "vi_dict" in (err.value.where or "") and "fixes: false" in (err.value.fix or "")


def test_private_copy_is_built_once_beside_the_stock_data(data_cache: Path):
    folder = private_data(STOCK, espeak_fixes.fixes())
    assert folder.parent == data_cache
    assert (folder / "vi_dict").read_bytes() != (STOCK / "vi_dict").read_bytes()
    assert (folder / "phontab").read_bytes() == (STOCK / "phontab").read_bytes()
    assert {p.name for p in folder.iterdir()} == {p.name for p in STOCK.iterdir()}
    stamp = (folder / "vi_dict").stat().st_mtime_ns
    assert private_data(STOCK, espeak_fixes.fixes()) == folder
    assert (folder / "vi_dict").stat().st_mtime_ns == stamp  # reused, not rebuilt


def test_engine_speaks_through_the_fixed_data(data_cache: Path):
    fixed, stock = EspeakEngine(), EspeakEngine({"fixes": False})
    for voice in EspeakEngine.VOICES.values():
        said_fixed = fixed.phonemes("đi đường", voice)
        said_stock = stock.phonemes("đi đường", voice)
        assert said_stock.startswith("d_") and "d_" not in said_fixed, (said_fixed, said_stock)
        assert said_fixed.startswith("d'")
        # the rest of the word is untouched
        assert said_fixed.replace("d", "") == said_stock.replace("d_", "").replace("d", "")
    assert (data_cache).is_dir()
    assert fixed.version != stock.version and "vi-fixes" in fixed.version
    audio = fixed.synthesize("Đi đường.", "vi", 135)
    assert audio.frame_rate == 22050 and len(audio) > 300


@pytest.mark.parametrize(
    ("options", "name"),
    [
        ({"fixes": "yes"}, "fixes"),
        ({"fixes": ["d-plain", "no-such-fix"]}, "fixes"),
        ({"word_gap": "2"}, "word_gap"),
        ({"word_gap": 99}, "word_gap"),
        ({"sentence_pause": -1}, "sentence_pause"),
        ({"pitch_range": 101}, "pitch_range"),
        ({"pitch": True}, "pitch"),
    ],
)
def test_bad_options_name_the_option(options: dict, name: str, data_cache: Path):
    with pytest.raises(EngineError) as err:
        EspeakEngine(options)
    assert f"'{name}'" in err.value.what and "stations.yaml" in (err.value.where or "")


def test_sentence_pause_lengthens_the_gap_between_sentences(data_cache: Path):
    text = "Bà con cảnh giác. Không chuyển tiền."
    plain = EspeakEngine().synthesize(text, "vi", 135)
    paused = EspeakEngine({"sentence_pause": 1500}).synthesize(text, "vi", 135)
    assert len(paused) - len(plain) > 700  # eSpeak's own pause is replaced, not added to
    assert EspeakEngine({"sentence_pause": 1500}).settings() == {"sentence_pause": 1500}


def test_a_candidate_fix_can_be_chosen_by_name(data_cache: Path):
    tried = EspeakEngine({"fixes": ["d-plain", "ch-tr-palatal", "tr-palatal"]})
    shipped = EspeakEngine()
    assert shipped.phonemes("chợ", "vi").startswith("tS")
    assert tried.phonemes("chợ trường", "vi").startswith("c'")
    assert "tS" not in tried.phonemes("chợ trường", "vi")
    assert tried.version != shipped.version


def _pitch_spread(seg) -> float:
    """Hz between the 10th and 90th percentile of the voiced frames' pitch (autocorrelation)."""
    x = np.frombuffer(seg.raw_data, dtype=np.int16).astype(float)
    rate, n = seg.frame_rate, int(0.04 * seg.frame_rate)
    lo, hi = rate // 400, rate // 60
    f0 = []
    for i in range(0, len(x) - n, n // 2):
        frame = x[i : i + n] - x[i : i + n].mean()
        if np.sqrt((frame**2).mean()) < 500:
            continue
        ac = np.correlate(frame, frame, "full")[n - 1 :]
        lag = lo + int(np.argmax(ac[lo:hi]))
        if ac[lag] > 0.4 * ac[0]:
            f0.append(rate / lag)
    return float(np.percentile(f0, 90) - np.percentile(f0, 10))


def test_pitch_range_widens_the_tones_and_does_not_leak(data_cache: Path):
    plain, wide = EspeakEngine(), EspeakEngine({"pitch_range": 90})
    assert plain.settings() == {} and wide.settings() == {"pitch_range": 90}
    text = "Bà con cảnh giác, không chuyển tiền cho người lạ. Hãy gọi ngay cho công an xã."
    before = _pitch_spread(plain.synthesize(text, "vi-VN-x-south", 135))
    widened = _pitch_spread(wide.synthesize(text, "vi-VN-x-south", 135))
    after = _pitch_spread(plain.synthesize(text, "vi-VN-x-south", 135))
    assert widened > before + 6  # measured: 16 Hz -> 28 Hz
    assert abs(after - before) < 3  # the library keeps parameters: each engine sets its own
