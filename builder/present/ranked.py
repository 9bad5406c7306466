"""The entries in rank order, as Present reads them: summaries, and results when needed.

Present ranks nothing and keeps nothing. It reads a `Ranked` value: each entry's summary
(enough for the listing, the filters and the keys of what is made from it), its full
result when a page must show it, and the rows an earlier build made, when there are
any. `Listing` is the plain one, of results held in memory; a build with a cache
passes one that reads results and rows from its records (`builder.incremental.ranking`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import NamedTuple, Protocol

from builder.catalog_organizations import organization_key
from builder.entries.model import Result
from builder.present.ranks import Spread, rank_ranges


class Summary(NamedTuple):
    """What a build needs of an entry whose pages it may not make again."""

    id: str
    path: str  # as the user would type it, for messages
    co2e_t: float
    organization_key: str  # its entries/ folder: a key of the organizations catalog
    hardware: str
    domain: str | None
    year: int | None
    inputs_hash: str  # of what its row, dataset lines and pages are made from
    chart: str  # hash of what the charts show of it (empty without a cache)
    export: str  # hash of its dataset lines (empty without a cache)
    basis: str  # where its figures enter the chain (builder/entries/schema.py BASES)
    same_run_as: str | None = None  # the id whose training run it reuses, checked across entries
    co2e_t_low: float = 0.0  # the ends of its CO2e range: ranks with ties, key figures
    co2e_t_high: float = 0.0
    reported: int = 0  # 1 when its sources publish an energy or CO2e figure of their own
    whatif: str = ""  # hash of its id, name and row of data/formula.json (empty without a cache)


def summarize(r: Result, key: str, chart: str = "", export: str = "", whatif: str = "") -> Summary:
    """An entry's summary; `chart`, `export` and `whatif` are the hashes a cached build
    keys by."""
    e, rep = r.entry, r.entry.reported
    return Summary(
        e.id,
        e.path,
        r.co2e_t,
        organization_key(e.id),
        e.training.hardware or "",
        e.domain,
        e.released_year,
        key,
        chart,
        export,
        r.basis,
        e.training.same_run_as,
        r.co2e_t_low,
        r.co2e_t_high,
        int(any(x is not None for x in (rep.energy_mwh, rep.co2e_t, rep.net_co2e_t))),
        whatif,
    )


def page_key(s: Summary, rank: tuple[int, int], total: int, run: Summary | None = None) -> str:
    """What a model page is made from: its entry's file, its rank range and the number of
    training runs, and the file of the entry whose run it reuses (`run`: its name shows)."""
    return f"{s.inputs_hash}|{rank[0]}-{rank[1]}|{total}" + (
        f"|{run.inputs_hash}" if run is not None else ""
    )


def run_ranks(summaries: list[Summary]) -> tuple[list[tuple[int, int]], int]:
    """Each entry's rank range among the distinct training runs (see
    `builder.present.ranks`), in rank order, and the number of those runs."""
    spreads = [Spread(s.id, s.co2e_t_low, s.co2e_t_high, s.same_run_as) for s in summaries]
    return rank_ranges(spreads), sum(1 for s in summaries if s.same_run_as is None)


def runs_named(summaries: list[Summary]) -> dict[str, int]:
    """Each entry's rank index (from 0) of the entry whose run it reuses, by its id."""
    index = {s.id: i for i, s in enumerate(summaries)}
    return {
        s.id: index[s.same_run_as]
        for s in summaries
        if s.same_run_as is not None and s.same_run_as in index
    }


def page_keys(summaries: list[Summary], changed: Mapping[str, object] | None = None) -> list[str]:
    """The key of each model page, in rank order (see `page_key`); with `changed`, each
    entry's last change date (by id) too, which the page's footer states."""
    runs = runs_named(summaries)
    ranks, total = run_ranks(summaries)
    keys = [
        page_key(s, ranks[i], total, summaries[runs[s.id]] if s.id in runs else None)
        for i, s in enumerate(summaries)
    ]
    if changed:
        keys = [f"{key}|{changed.get(s.id)!r}" for key, s in zip(keys, summaries, strict=True)]
    return keys


def rank_order(s: Summary) -> tuple[float, str]:
    """Highest emissions first; ties by id."""
    return (-s.co2e_t, s.id)


class Ranked(Protocol):
    """Summaries in rank order, with what is behind them.

    Rows are known by language code and rank (`i`, from 0). `row_hash` is the hash of a
    row an earlier build made, or None; `stored_row` its HTML when it is still at hand;
    `made_row` takes a row this build made, for a later one.
    """

    summaries: list[Summary]

    def __len__(self) -> int: ...

    def result(self, i: int) -> Result: ...

    def results(self) -> list[Result]: ...

    def row_hash(self, code: str, i: int) -> str | None: ...

    def computed(self, i: int) -> bool:
        """Whether this build computed the entry ranked `i + 1` (its file is new or
        changed), rather than keeping what an earlier build made of it."""
        ...

    def stored_row(self, code: str, i: int) -> str | None: ...

    def made_row(self, code: str, i: int, html: str, row_hash: str) -> None: ...

    def export(self, i: int) -> tuple[str, str] | None: ...


class Listing:
    """Results held in memory, ranked already; each is known by its id."""

    def __init__(self, results: Iterable[Result]) -> None:
        self._results = list(results)
        self.summaries = [summarize(r, r.entry.id) for r in self._results]

    def __len__(self) -> int:
        return len(self._results)

    def result(self, i: int) -> Result:
        return self._results[i]

    def results(self) -> list[Result]:
        return self._results

    def row_hash(self, code: str, i: int) -> str | None:
        return None

    def computed(self, i: int) -> bool:
        return True

    def stored_row(self, code: str, i: int) -> str | None:
        return None

    def made_row(self, code: str, i: int, html: str, row_hash: str) -> None:
        pass

    def export(self, i: int) -> tuple[str, str] | None:
        return None
