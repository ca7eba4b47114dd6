"""A system's time signature checked against the lengths of the measures read on its staves."""

from recog_omr.meter import measure_lengths, system_time, with_time, without_stray_rests
from recog_omr.recognizer import Read


def test_measure_lengths_count_the_upper_voice_with_dots_and_chords_once():
    symbols = ["clef.G2", "time.3/4", "note.4.q", "dot", "note.5.e", "+", "note.7.e", "v2", "note.0.h", "dot",
               "note.6.q", "bar", "rest.h", "note.2.e", "+", "note.4.e", "dot", "note.3.s", "bar", "note.4.q"]
    assert measure_lengths(symbols) == [3.0, 3.0]  # the unclosed last measure is not counted


def test_a_misread_time_gives_way_to_the_length_its_measures_agree_on():
    two = ["note.4.q", "note.4.q", "bar"]
    assert system_time([["clef.G2", "time.3/4", *two * 3], ["clef.F4", "time.3/4", *two * 3]], None) == "2/4"
    three_eighths = ["note.4.e"] * 6 + ["bar"]
    assert system_time([["time.2/4", *three_eighths * 2]], None) == "3/4"  # the read unit kept
    assert system_time([["time.3/8", *three_eighths * 2]], None) == "6/8"
    assert system_time([[*["note.4.h", "note.4.h", "bar"] * 2]], None) == "4/4"  # none read, none in force


def test_a_time_that_fits_or_measures_that_disagree_leave_the_reading():
    three = ["note.4.e"] * 6 + ["bar"]
    assert system_time([["time.6/8", *three * 3]], None) == "6/8"
    mixed = ["time.3/4", "note.4.h", "bar", "note.4.q", "bar", "note.4.w", "bar"]
    assert system_time([mixed], None) == "3/4"
    assert system_time([["note.4.q", "bar"]], "C") == "C"  # one measure says too little


def test_the_time_symbol_is_replaced_or_put_after_the_opening():
    reads = [Read("clef.C3", 0, 8, 0.9), Read("time.3/4", 10, 16, 0.7), Read("note.4.q", 20, 24, 0.9)]
    assert [r.symbol for r in with_time(reads, "2/4")] == ["clef.C3", "time.2/4", "note.4.q"]
    assert [r.symbol for r in with_time(reads[::2], "2/4")] == ["clef.C3", "time.2/4", "note.4.q"]
    assert with_time(reads, None) is reads


def test_an_unsure_rest_that_breaks_the_measure_arithmetic_is_dropped():
    def reads(*symbols):
        return [Read(s, 4 * i, 4 * i + 4, c) for i, (s, c) in enumerate(symbols)]

    # 3/4: a barline under a tie read as an eighth rest; the sure rest and the well-filled measure stay
    got = without_stray_rests(reads(("note.4.q", 1), ("rest.q", 1), ("note.5.q", 1), ("tie", 0.6),
                                    ("rest.e", 0.57), ("note.5.h", 1), ("dot", 1), ("bar.end", 1)), "3/4")
    assert [r.symbol for r in got] == ["note.4.q", "rest.q", "note.5.q", "tie", "note.5.h", "dot", "bar.end"]
    sure = reads(("note.4.q", 1), ("rest.e", 0.95), ("note.4.q", 1), ("bar", 1))
    assert without_stray_rests(sure, "2/4") == sure
    assert without_stray_rests(sure, None) == sure
