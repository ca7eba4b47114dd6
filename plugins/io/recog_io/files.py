"""File renderers: JSON (all packets at the end), JSONL (one flushed line per packet) and CSV (flat rows)."""

from __future__ import annotations

import csv
import json
from typing import Any

from platform_core.specs import Context
from recog_io.params import FileParams
from recog_io.records import header, rows, to_record, unpack


def _record(items: tuple) -> tuple[float | None, Any]:
    """Time and JSON record of one call: one input's record, or a list of them for several inputs."""
    unpacked = [unpack(i) for i in items]
    t = unpacked[0][0]
    records = [to_record(d) for _, _, d in unpacked]
    return t, records[0] if len(records) == 1 else records


class JsonRenderer:
    """Writes ``<stem>.json`` at the end: the single packet's data, or a list of ``{t, data}``."""

    wants_packets = True

    def __init__(self, params: FileParams, context: Context):
        self.context = context
        self.path = context.output_path(".json", params.path)
        self.items: list[tuple[float | None, Any]] = []

    def __call__(self, *items: Any) -> None:
        if self.path is not None:
            self.items.append(_record(items))

    def close(self) -> None:
        if self.path is None or not self.items:  # no packet, no file
            return
        if len(self.items) == 1:
            doc = self.items[0][1]
        else:
            doc = [{"t": t, "data": d} for t, d in self.items]
        self.path.write_text(json.dumps(doc, indent=2, allow_nan=False) + "\n")
        self.context.wrote(self.path)
        self.path = None


class JsonlRenderer:
    """Writes ``<stem>.jsonl``: one flushed line ``{t, ...data}`` per packet (an interrupted run keeps whole lines)."""

    wants_packets = True

    def __init__(self, params: FileParams, context: Context):
        self.context = context
        self.path = context.output_path(".jsonl", params.path)
        self.file = None

    def __call__(self, *items: Any) -> None:
        if self.path is None:
            return
        t, record = _record(items)
        if isinstance(record, dict) and "t" not in record:
            line = {"t": t, **record}
        else:
            line = {"t": t, "data": record}
        if self.file is None:
            self.file = open(self.path, "w", encoding="utf-8")  # noqa: SIM115 - closed in close()
        self.file.write(json.dumps(line, separators=(",", ":"), allow_nan=False) + "\n")
        self.file.flush()

    def close(self) -> None:
        if self.file is not None:  # no packet, no file
            self.file.close()
            self.context.wrote(self.path)
        self.path = self.file = None


class CsvRenderer:
    """Writes ``<stem>.csv``: one row per hand per frame (21x3 landmark columns), per note, per score event,
    else one flattened row per packet; the header is the union of every row's columns."""

    wants_packets = True

    def __init__(self, params: FileParams, context: Context):
        self.context = context
        self.path = context.output_path(".csv", params.path)
        self.rows: list[dict[str, Any]] = []
        self.header: list[str] | None = None  # the columns of the first packet's kind, when it has fixed ones

    def __call__(self, *items: Any) -> None:
        if self.path is None:
            return
        for item in items:
            t, _, data = unpack(item)
            if self.header is None:
                self.header = header(t, data)
            self.rows.extend(rows(t, data))

    def close(self) -> None:
        if self.path is None or self.header is None:  # no packet, no file
            return
        columns = list(dict.fromkeys([*self.header, *(k for row in self.rows for k in row)]))
        with open(self.path, "w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=columns, restval="")
            writer.writeheader()
            writer.writerows(self.rows)
        self.context.wrote(self.path)
        self.path = None
