"""The entries of a build in rank order, as the render stage reads them.

Most of a rebuild's pages, rows and files are left as they were, and whether one is can be
told from each entry's summary: its id, rank key, the fields the listing filters on, and
the hashes of what the charts and the dataset show of it. A full result, a leaderboard
row or a dataset line is fetched only where something must be made again: from this
build's own work, or else from the build cache's records (see `builder.incremental.cache.Records`),
read when first needed.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, NamedTuple

from builder.entries.errors import BuildFailed
from builder.entries.model import Result

if TYPE_CHECKING:
    from builder.incremental.cache import Records

# A row, a dataset line, an entry's record: known by "hash of the entry file|id"
# (`Summary.key`), and rows also by their language: "<code>|<key>".


class RecordMissing(BuildFailed):
    """The build cache lacks a record its index promised: the build starts again without it."""


class Summary(NamedTuple):
    """What a build needs of an entry whose pages it may not make again."""

    id: str
    path: str  # as the user would type it, for messages
    co2e_t: float
    organization: str
    hardware: str
    domain: str | None
    year: int | None
    key: str  # what its row, dataset lines and pages are made from
    chart: str  # hash of what the charts show of it (empty without a cache)
    export: str  # hash of its dataset lines (empty without a cache)


def summarize(r: Result, key: str, chart: str = "", export: str = "") -> Summary:
    """An entry's summary; `chart` and `export` are the hashes a cached build keys by."""
    e = r.entry
    return Summary(
        e.id,
        e.path,
        r.co2e_t,
        e.organization,
        e.training.hardware,
        e.domain,
        e.released_year,
        key,
        chart,
        export,
    )


def page_key(s: Summary, rank: int, total: int) -> str:
    """What a model page is made from: its entry's file, its rank and the number of entries."""
    return f"{s.key}|{rank}|{total}"


def rank_order(s: Summary) -> tuple[float, str]:
    """Highest emissions first; ties by id."""
    return (-s.co2e_t, s.id)


class Ranking:
    """Summaries in rank order, with the results, rows and dataset lines behind them.

    `results` and `exports` hold what this build computed (by key); `row_digests` the
    hash of each row a build made ("<code>|<key>"); `records` the cache's records, or
    None for a build without a cache, which computes everything and so holds every result.
    """

    def __init__(
        self,
        summaries: list[Summary],
        results: dict[str, Result],
        exports: dict[str, tuple[str, str]] | None = None,
        row_digests: dict[str, str] | None = None,
        records: Records | None = None,
    ) -> None:
        self.summaries = summaries
        self.results_made = results
        self.exports_made = exports if exports is not None else {}
        self.row_digests = row_digests if row_digests is not None else {}
        self.rows_made: dict[str, str] = {}  # rows this build rendered, kept for the cache
        self.records = records
        self._all: list[Result] | None = None

    @classmethod
    def of(cls, results: Iterable[Result]) -> Ranking:
        """The ranking of results a caller holds, without a cache (they are ranked already;
        each is known by its id)."""
        made = {r.entry.id: r for r in results}
        return cls([summarize(r, key) for key, r in made.items()], made)

    def share(self) -> Ranking:
        """A copy for a worker that renders other languages' pages: without the dataset
        lines, which only the source language's pages use."""
        shared = Ranking(self.summaries, self.results_made, {}, self.row_digests, self.records)
        shared.rows_made = dict(self.rows_made)
        return shared

    def __len__(self) -> int:
        return len(self.summaries)

    def result(self, i: int) -> Result:
        """The full result of the entry ranked `i + 1`."""
        key = self.summaries[i].key
        found = self.results_made.get(key)
        if found is None:
            found = self._record(i)[0]
        return found

    def results(self) -> list[Result]:
        """Every full result, in rank order (from the cache, all of its records are read)."""
        if self._all is None:
            self._all = [self.result(i) for i in range(len(self.summaries))]
        return self._all

    def stored_row(self, code: str, i: int) -> str | None:
        """The row a build made of the entry ranked `i + 1`, in language `code`, or None."""
        key = self.summaries[i].key
        made = self.rows_made.get(f"{code}|{key}")
        if made is not None or self.records is None or key in self.results_made:
            return made
        return self._record(i)[1].get(code)

    def export(self, i: int) -> tuple[str, str] | None:
        """The dataset lines of the entry ranked `i + 1` a build made, or None."""
        key = self.summaries[i].key
        made = self.exports_made.get(key)
        if made is not None or self.records is None or key in self.results_made:
            return made
        return self._record(i)[2]

    def _record(self, i: int) -> tuple[Result, dict[str, str], tuple[str, str]]:
        s = self.summaries[i]
        record = self.records.get(s.key) if self.records is not None else None
        if record is None:  # the index keeps an entry only while its record's file is intact
            folder = self.records.folder if self.records is not None else "the build cache"
            raise RecordMissing(f"{folder}: what the last build kept of {s.path} cannot be read")
        return record
