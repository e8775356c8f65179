"""An analyst's answer rendered as the client receives it, piece by piece, within a byte cap.

The store stops reading at the byte cap of its own reply, but the JSON a client receives
can be several times that reply (indentation, escaped characters), so the cap is applied
again here to the rendered text: rows are rendered one at a time and stop before the body
would pass the cap, and a JSON answer then ends with an error naming the cap.
"""

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

from service.services.analyst import QueryAnswer
from service.services.exchange import render_cell

CAP_SETTING = "KFLOW_ANALYST_MAX_RESPONSE_BYTES"
# Pieces handed to the server at a time: large enough that sending costs little per row.
PIECE_BYTES = 64 * 1024


def describe_byte_cut(max_bytes: int | None, rows: int) -> str:
    """The error a cut answer carries, naming the cap."""
    return (
        f"the answer was cut after {rows} row(s): it passed the response cap of "
        f"{max_bytes} bytes ({CAP_SETTING}); ask for fewer rows or smaller values"
    )


class AnswerRenderer:
    """An answer as JSON or CSV, iterated piece by piece; with `max_bytes`, the rendered
    body never passes it. `cut_by` and `rows` are final once iteration ends."""

    def __init__(self, answer: QueryAnswer, *, fmt: str, max_bytes: int | None) -> None:
        self.answer = answer
        self.fmt = fmt
        self.max_bytes = max_bytes
        self.cut_by = answer.cut_by
        self.rows = 0

    @property
    def truncated(self) -> bool:
        """Whether a cap (rows, the store's reply, or this rendering) cut the answer."""
        return self.answer.truncated or self.cut_by is not None

    def __iter__(self) -> Iterator[str]:
        if self.fmt == "json":
            return self._pieces(
                self._json_start(), self._json_rows(), self._json_end, row_separator=",\n"
            )
        return self._pieces(self._csv_line(self.answer.columns), self._csv_rows(), lambda: "")

    def render(self) -> str:
        """The whole answer as one text (within the cap, when there is one)."""
        return "".join(self)

    def _pieces(
        self, start: str, rows: Iterator[str], end: Any, *, row_separator: str = ""
    ) -> Iterator[str]:
        # The end is measured as it would read after a cut, the longest it can be, so the
        # rows are stopped early enough for it to fit.
        worst_end = self._measure(self._end_if_cut(end))
        budget = None if self.max_bytes is None else self.max_bytes - worst_end
        used = self._measure(start)
        piece = [start]
        piece_bytes = used
        for row in rows:
            text = (row_separator if self.rows else "") + row
            size = self._measure(text)
            if budget is not None and used + size > budget:
                self.cut_by = "bytes"
                break
            used += size
            self.rows += 1
            piece.append(text)
            piece_bytes += size
            if piece_bytes >= PIECE_BYTES:
                yield "".join(piece)
                piece, piece_bytes = [], 0
        piece.append(end())
        yield "".join(piece)

    def _end_if_cut(self, end: Any) -> str:
        kept = self.cut_by, self.rows
        self.cut_by, self.rows = "bytes", self.answer.row_cap
        try:
            return str(end())
        finally:
            self.cut_by, self.rows = kept

    @staticmethod
    def _measure(text: str) -> int:
        return len(text) if text.isascii() else len(text.encode("utf-8"))

    def _json_start(self) -> str:
        columns = json.dumps(self.answer.columns, indent=2, ensure_ascii=False)
        return '{\n  "columns": ' + columns.replace("\n", "\n  ") + ',\n  "rows": [\n'

    def _json_rows(self) -> Iterator[str]:
        columns = self.answer.columns
        for row in self.answer.rows:
            record = dict(zip(columns, row, strict=True))
            text = json.dumps(record, indent=2, default=str, ensure_ascii=False)
            # JSON text holds no raw line break inside a string, so this indents lines only.
            yield "    " + text.replace("\n", "\n    ")

    def _json_end(self) -> str:
        tail: dict[str, Any] = {
            "truncated": self.truncated,
            "cutBy": self.cut_by,
            "rowCap": self.answer.row_cap,
            "byteCap": self.max_bytes if self.max_bytes is not None else self.answer.byte_cap,
        }
        if self.cut_by == "bytes":
            tail["error"] = describe_byte_cut(self.max_bytes or self.answer.byte_cap, self.rows)
        fields = json.dumps(tail, indent=2, ensure_ascii=False)[1:]
        return ("\n" if self.rows else "") + "  ]," + fields + "\n"

    def _csv_rows(self) -> Iterator[str]:
        for row in self.answer.rows:
            yield self._csv_line([render_cell(value) for value in row])

    @staticmethod
    def _csv_line(cells: list[Any]) -> str:
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerow(cells)
        return buffer.getvalue()
