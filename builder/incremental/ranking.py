"""The entries of a cached build in rank order, as Present reads them (`Ranked`).

Most of a rebuild's pages, rows and files are left as they were, and whether one is can be
told from each entry's summary (see `builder.present.ranked.Summary`). A full result, a
leaderboard row or a dataset line is fetched only where something must be made again:
from this build's own work, or else from the build cache's records (see
`builder.incremental.cache.Records`), read when first needed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from builder.entries.errors import BuildFailed
from builder.entries.model import Result
from builder.present.ranked import Summary

if TYPE_CHECKING:
    from builder.incremental.cache import Records

# A row, a dataset line, an entry's record: known by "hash of the entry file|id"
# (`Summary.inputs_hash`), and rows also by their language: "<code>|<key>".


class RecordMissing(BuildFailed):
    """The build cache lacks a record its index promised: the build starts again without it."""


class Ranking:
    """Summaries in rank order, with the results, rows and dataset lines behind them.

    `results` and `exports` hold what this build computed (by key); `row_hashes` the
    hash of each row a build made ("<code>|<key>"); `records` the cache's records.
    """

    def __init__(
        self,
        summaries: list[Summary],
        results: dict[str, Result],
        exports: dict[str, tuple[str, str]],
        row_hashes: dict[str, str],
        records: Records,
    ) -> None:
        self.summaries = summaries
        self.results_made = results
        self.exports_made = exports
        self.row_hashes = row_hashes
        self.rows_made: dict[str, str] = {}  # rows this build rendered, kept for the cache
        self.records = records
        self._all: list[Result] | None = None

    def share(self) -> Ranking:
        """A copy for a worker that renders other languages' pages: without the dataset
        lines, which only the source language's pages use."""
        shared = Ranking(self.summaries, self.results_made, {}, self.row_hashes, self.records)
        shared.rows_made = dict(self.rows_made)
        return shared

    def __len__(self) -> int:
        return len(self.summaries)

    def result(self, i: int) -> Result:
        """The full result of the entry ranked `i + 1`."""
        key = self.summaries[i].inputs_hash
        found = self.results_made.get(key)
        if found is None:
            found = self._record(i)[0]
        return found

    def results(self) -> list[Result]:
        """Every full result, in rank order (from the cache, all of its records are read)."""
        if self._all is None:
            self._all = [self.result(i) for i in range(len(self.summaries))]
        return self._all

    def row_hash(self, code: str, i: int) -> str | None:
        return self.row_hashes.get(f"{code}|{self.summaries[i].inputs_hash}")

    def computed(self, i: int) -> bool:
        return self.summaries[i].inputs_hash in self.results_made

    def made_row(self, code: str, i: int, html: str, row_hash: str) -> None:
        row_id = f"{code}|{self.summaries[i].inputs_hash}"
        self.rows_made[row_id] = html
        self.row_hashes[row_id] = row_hash

    def stored_row(self, code: str, i: int) -> str | None:
        """The row a build made of the entry ranked `i + 1`, in language `code`, or None."""
        key = self.summaries[i].inputs_hash
        made = self.rows_made.get(f"{code}|{key}")
        if made is not None or key in self.results_made:
            return made
        return self._record(i)[1].get(code)

    def export(self, i: int) -> tuple[str, str] | None:
        """The dataset lines of the entry ranked `i + 1` a build made, or None."""
        key = self.summaries[i].inputs_hash
        made = self.exports_made.get(key)
        if made is not None or key in self.results_made:
            return made
        return self._record(i)[2]

    def _record(self, i: int) -> tuple[Result, dict[str, str], tuple[str, str]]:
        s = self.summaries[i]
        record = self.records.get(s.inputs_hash)
        if record is None:  # the index keeps an entry only while its record's file is intact
            raise RecordMissing(
                f"{self.records.folder}: what the last build kept of {s.path} cannot be read"
            )
        return record
