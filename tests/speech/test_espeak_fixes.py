"""eSpeak NG's pronunciation fixes: a private copy of the voice data, built and really used.

What a listener would check: with the fixes "đi" starts with a plain [d], without them with
eSpeak's implosive d_, and "ng" is the base table's velar nasal; the copy changes the
dictionary in the one rule and the phoneme table in the one phoneme, nowhere else; the
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
from broadcast.speech.espeak_fixes import (
    Fix,
    patch_phonemes,
    patch_rules,
    phoneme_codes,
    private_data,
)

STOCK = Path(espeakng_loader.get_data_path())


@pytest.fixture
def data_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("BROADCAST_ESPEAK_DATA_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_the_d_and_ng_fixes_are_shipped():
    shipped = {f.name: f for f in espeak_fixes.fixes()}
    assert (shipped["d-plain"].group, shipped["d-plain"].old) == ("đ", ("d_",))
    assert shipped["d-plain"].new == ("d",)
    assert (shipped["ng-velar"].phoneme, shipped["ng-velar"].like) == ("N", "base1")
    assert (shipped["c-uvular"].group, shipped["c-uvular"].old) == ("c", ("k",))
    assert shipped["c-uvular"].new == ("q",)


def test_initial_c_is_the_uvular_stop_and_k_q_stay(data_cache: Path):
    fixed, stock = EspeakEngine(), EspeakEngine({"fixes": False})
    assert stock.phonemes("con", "vi").startswith("k")
    assert fixed.phonemes("con", "vi").startswith("q")
    assert fixed.phonemes("công an", "vi").startswith("q")
    # only initial c: "kể", "quy" and a final c ("xác") say what they said
    for word in ("kể", "quy", "xác"):
        assert fixed.phonemes(word, "vi") == stock.phonemes(word, "vi").replace("d_", "d")


def _entries(phontab: bytes, table: str) -> dict[str, bytes]:
    return {
        m: phontab[at : at + 16]
        for m, at in espeak_fixes._tables(phontab)[_index(table)][2].items()
    }


def _index(table: str) -> int:
    names = [t[0] for t in espeak_fixes._tables((STOCK / "phontab").read_bytes())]
    return names.index(table)


def test_phoneme_fix_gives_vi_the_base_definition_and_keeps_its_code():
    stock = (STOCK / "phontab").read_bytes()
    fix = Fix("ng", "", (), (), "", phoneme="N", like="base1")
    patched = patch_phonemes(stock, (fix,))
    before, after, base = _entries(stock, "vi"), _entries(patched, "vi"), _entries(stock, "base1")
    assert before["N"] != base["N"][:10] + before["N"][10:11] + base["N"][11:]  # it changes
    assert after["N"] == base["N"][:10] + before["N"][10:11] + base["N"][11:]
    assert phoneme_codes(patched) == phoneme_codes(stock)  # rules still name the same codes
    changed = [i for i, (a, b) in enumerate(zip(stock, patched, strict=True)) if a != b]
    at = stock.find(before["N"])
    assert changed and all(at <= i < at + 16 for i in changed)  # one entry, nothing else


def test_a_tone_fix_sets_its_pitch_span_only():
    stock = (STOCK / "phontab").read_bytes()
    before = _entries(stock, "vi")["4"]
    patched = patch_phonemes(stock, (Fix("hoi", "", (), (), "", phoneme="4", pitch=(4, 26)),))
    after = _entries(patched, "vi")["4"]
    assert (before[12], before[13]) != (4, 26) and (after[12], after[13]) == (4, 26)
    assert after[:12] == before[:12] and after[14:] == before[14:]
    assert sum(a != b for a, b in zip(stock, patched, strict=True)) <= 2
    for bad in (
        Fix("x", "", (), (), "", phoneme="N", pitch=(4, 26)),
        Fix("x", "", (), (), "", phoneme="4", pitch=(30, 20)),
    ):
        with pytest.raises(ValueError, match="tone|pitch"):
            patch_phonemes(stock, (bad,))


def _voiced_pitches(seg, frame_s: float, hops: int) -> list[float]:
    """Hz of each voiced frame (``frame_s`` long, ``hops`` per frame), by autocorrelation."""
    x = np.frombuffer(seg.raw_data, dtype=np.int16).astype(float)
    rate, n = seg.frame_rate, int(frame_s * seg.frame_rate)
    lo, hi = rate // 400, rate // 60
    f0 = []
    for i in range(0, len(x) - n, n // hops):
        frame = x[i : i + n] - x[i : i + n].mean()
        if np.sqrt((frame**2).mean()) < 500:
            continue
        ac = np.correlate(frame, frame, "full")[n - 1 :]
        lag = lo + int(np.argmax(ac[lo:hi]))
        if ac[lag] > 0.4 * ac[0]:
            f0.append(rate / lag)
    return f0


def _lowest_pitch(seg) -> float:
    """Hz of the 5th percentile of the voiced frames' pitch (30 ms frames)."""
    return float(np.percentile(_voiced_pitches(seg, 0.03, 3), 5))


def test_a_tone_candidate_chosen_by_name_dips_lower(data_cache: Path):
    text = "Hỏi, hỏi, hỏi."
    shipped = [f.name for f in espeak_fixes.fixes()]
    fixed = EspeakEngine({"fixes": [*shipped, "hoi-low"]})
    without = EspeakEngine()
    assert fixed.version != without.version
    low_fixed = _lowest_pitch(fixed.synthesize(text, "vi", 135))
    low_without = _lowest_pitch(without.synthesize(text, "vi", 135))
    assert low_fixed < low_without - 3, (low_fixed, low_without)


@pytest.mark.parametrize(
    ("phoneme", "like", "message"),
    [("N", "nosuch", "no phoneme table"), ("d", "base1", "of its own in table 'vi'")],
)
def test_a_phoneme_fix_that_does_not_fit_is_an_error(phoneme, like, message, tmp_path: Path):
    fix = Fix("x", "", (), (), "", phoneme=phoneme, like=like)
    with pytest.raises(ValueError, match=message):
        patch_phonemes((STOCK / "phontab").read_bytes(), (fix,))
    with pytest.raises(EngineError) as err:
        private_data(STOCK, (fix,), tmp_path)
    assert "phontab" in (err.value.where or "") and "fixes: false" in (err.value.fix or "")


def test_phoneme_codes_include_inherited_phonemes():
    codes = phoneme_codes((STOCK / "phontab").read_bytes(), "vi")
    # d_ is Vietnamese's own phoneme, d comes from the base table: both needed by the fix
    assert {"d_", "d", "z", "t["} <= codes.keys()
    assert codes["d_"] != codes["d"]


@pytest.mark.parametrize(
    ("name", "group", "old", "new"), [("d-plain", "đ", "d_", "d"), ("c-uvular", "c", "k", "q")]
)
def test_a_rule_fix_changes_one_byte_of_its_group_only(name, group, old, new):
    stock = (STOCK / "vi_dict").read_bytes()
    codes = phoneme_codes((STOCK / "phontab").read_bytes())
    patched = patch_rules(stock, espeak_fixes.by_names([name]), codes)
    diff = [i for i, (a, b) in enumerate(zip(stock, patched, strict=True)) if a != b]
    assert len(diff) == 1
    assert stock[diff[0]] == codes[old] and patched[diff[0]] == codes[new]
    start = stock.find(b"\x06" + group.encode() + b"\x00")
    assert start < diff[0] < stock.find(b"\x07", start)


def test_the_phoneme_fix_is_not_in_the_dictionary():
    stock = (STOCK / "vi_dict").read_bytes()
    codes = phoneme_codes((STOCK / "phontab").read_bytes())
    assert patch_rules(stock, espeak_fixes.by_names(["ng-velar"]), codes) == stock


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
    assert (folder / "phontab").read_bytes() != (STOCK / "phontab").read_bytes()
    assert (folder / "phondata").resolve() == (STOCK / "phondata").resolve()
    only_d = private_data(STOCK, espeak_fixes.by_names(["d-plain"]))
    assert (only_d / "phontab").read_bytes() == (STOCK / "phontab").read_bytes()
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


def test_the_engine_reads_the_fixed_phoneme_table(data_cache: Path):
    """The phoneme table is read when the library initializes: a fixed "ng" must be heard.

    Measured: the base table's velar nasal before a vowel is a longer murmur than
    Vietnamese's own N ("Người ta nghe." 1.54 s against 1.37 s).
    """
    text = "Người ta nghe."
    fixed, only_d, stock = (
        EspeakEngine(),
        EspeakEngine({"fixes": ["d-plain"]}),
        EspeakEngine({"fixes": False}),
    )
    for _ in range(2):  # and back again: each switch of data folder re-reads the table
        with_ng = len(fixed.synthesize(text, "vi", 135))
        without = len(only_d.synthesize(text, "vi", 135))
        original = len(stock.synthesize(text, "vi", 135))
        assert with_ng > without + 100 and with_ng > original + 100, (with_ng, without, original)
        assert abs(without - original) < 30


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
    """Hz between the 10th and 90th percentile of the voiced frames' pitch (40 ms frames)."""
    f0 = _voiced_pitches(seg, 0.04, 2)
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
