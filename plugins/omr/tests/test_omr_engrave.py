"""Engraving training pages works in any thread (verovio sets its default font folder only in the importing one)."""

import threading

from recog_omr.engrave import render_pages

MEI = """<?xml version="1.0" encoding="UTF-8"?>
<mei xmlns="http://www.music-encoding.org/ns/mei" meiversion="5.0"><music><body><mdiv><score>
<scoreDef><staffGrp><staffDef n="1" lines="5" clef.shape="G" clef.line="2" meter.count="4" meter.unit="4"/>
</staffGrp></scoreDef><section><measure n="1"><staff n="1"><layer n="1">
<note pname="c" oct="4" dur="4"/><note pname="d" oct="4" dur="4"/><note pname="e" oct="4" dur="4"/>
<note pname="f" oct="4" dur="4"/></layer></staff></measure></section></score></mdiv></body></music></mei>"""


def test_a_page_is_engraved_in_a_thread_other_than_the_importing_one():
    import verovio  # noqa: F401  imported in this thread first

    got = []
    thread = threading.Thread(target=lambda: got.append(render_pages(MEI, {"pageWidth": 1200})))
    thread.start()
    thread.join(60)
    ((svg, systems),) = got[0]
    assert svg.count('class="note"') == 4 and len(systems) == 1
