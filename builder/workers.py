"""Helper processes for the slow parts of a build: chart templates, SVGs, other languages."""

from __future__ import annotations

import os
from types import TracebackType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # process pools are imported only by builds that need one, not by `check`
    import concurrent.futures


class Workers:
    """Helper processes, each started when first needed, one for each kind of job:

    - "vega": Altair's chart templates, then the vega bundle (vl-convert's JavaScript
      runtime, about 90 MB), both at the start, beside the loading of the entries;
    - "svg": vl-convert's static SVGs, once the charts' data is known;
    - "pages": other languages' pages, beside the source language's.

    Apart, none carries what another left in its memory. Measured at 10,000 entries,
    cold: the largest process went from 363 MB (one pool of two) to 227 MB (this one).

    A build ends the helpers it started. `serve` keeps one Workers for all its rebuilds
    (`build_site(..., workers=...)`), so Altair and vl-convert's runtime are started once
    and a figures edit does not wait for them again.
    """

    def __init__(self) -> None:
        self._pools: dict[str, concurrent.futures.ProcessPoolExecutor] = {}

    def submit(self, pool: str, fn: Any, *args: Any) -> concurrent.futures.Future[Any]:
        from concurrent.futures.process import BrokenProcessPool

        if pool not in self._pools:
            self._pools[pool] = _pool()
        try:
            return self._pools[pool].submit(fn, *args)
        except BrokenProcessPool:  # its process died (killed, out of memory): a new one
            self._pools[pool].shutdown(wait=False, cancel_futures=True)
            self._pools[pool] = _pool()
            return self._pools[pool].submit(fn, *args)

    def __enter__(self) -> Workers:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        for executor in self._pools.values():
            executor.shutdown(cancel_futures=True)


def _pool() -> concurrent.futures.ProcessPoolExecutor:
    import concurrent.futures
    import multiprocessing

    # spawn, not fork: vl-convert's runtime threads do not survive a fork once started.
    ctx = multiprocessing.get_context("spawn")
    return concurrent.futures.ProcessPoolExecutor(
        max_workers=1, mp_context=ctx, initializer=_exit_with_parent
    )


def _exit_with_parent() -> None:
    """In a worker: end this process when the build's process ends, however it ends.

    A worker waits for work on a queue it holds both ends of, so it never sees the build
    die; killed (SIGKILL, out of memory), the build would otherwise leave its workers
    running for ever, holding their memory and the terminal's output.
    """
    import multiprocessing
    import multiprocessing.connection
    import threading

    parent = multiprocessing.parent_process()
    if parent is None:
        return
    sentinel = parent.sentinel

    def watch() -> None:
        multiprocessing.connection.wait([sentinel])
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()
