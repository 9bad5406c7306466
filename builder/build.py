"""gather -> validate -> compute -> present -> write: the only module that knows every stage.

`build_site` reads top-down. Each stage is a module of values in and values out:
`builder.entries.gather` and `builder.catalog` (gather), `builder.entries.validate`,
`builder.compute`, `builder.present.site` (a stream of artifacts) and `builder.write`.
What a build may keep from the last one is asked of one door, `builder.incremental.door`.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import gettext
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from builder.catalog import Catalog
from builder.compute import compute_each
from builder.config import SiteConfig
from builder.data_date import dated
from builder.entries.errors import BuildFailed
from builder.entries.gather import check_files
from builder.entries.load import entry_file_names
from builder.entries.model import Result
from builder.history import with_history
from builder.incremental import memo
from builder.incremental.cache import freeze, thaw
from builder.incremental.card_work import CardWork
from builder.incremental.charts import ChartWork
from builder.incremental.door import Door, publish
from builder.incremental.ranking import Ranking, RecordMissing
from builder.present.i18n import LANGUAGES, Language
from builder.present.ranked import Ranked
from builder.present.site import ChartFiles, card_list, site_files
from builder.safety import build_lock, check_out
from builder.workers import Workers
from builder.write import Output

STAGES = ("gather", "validate", "compute", "present", "write")

# Pages of other languages worth rendering in a worker process beside the source
# language's. Measured on two cores, cold builds, alternating runs: no gain at 1,000
# entries (the workers are still busy with the charts); at 10,000, median of 3, 58 s -> 52 s.
PARALLEL_RENDER_PAGES = 2000


class Stopwatch:
    """Seconds spent per stage, added up; with `progress` (a terminal), a line per stage:
    its name as it starts, its seconds once it ends."""

    def __init__(self, progress: TextIO | None = None) -> None:
        self.seconds: dict[str, float] = dict.fromkeys(STAGES, 0.0)
        self.progress = progress

    @contextlib.contextmanager
    def __call__(self, stage: str) -> Iterator[None]:
        start = time.perf_counter()
        step = f"[{STAGES.index(stage) + 1}/{len(STAGES)}] {stage}"
        if self.progress is not None:
            self.progress.write(f"{step} ...")
            self.progress.flush()
        try:
            yield
        finally:
            spent = time.perf_counter() - start
            self.seconds[stage] = self.seconds.get(stage, 0.0) + spent
            if self.progress is not None:
                self.progress.write(f"\r{step} {spent:.2f} s\n")
                self.progress.flush()


@dataclass(frozen=True)
class BuildReport:
    """What a finished build produced."""

    entries: int
    files: int
    out: Path
    ranking: Ranked
    seconds: dict[str, float] = field(default_factory=dict)
    rendered_pages: int = 0
    reused: int = 0

    @property
    def results(self) -> list[Result]:
        """Every entry's result, in rank order (a rebuild reads them from its cache)."""
        return self.ranking.results()


def _once_more_without_records(build: Callable[..., BuildReport]) -> Callable[..., BuildReport]:
    """A cache that turns out not to hold what its index promised is set aside, with a
    warning, and the build starts again as if there were none."""

    @functools.wraps(build)
    def attempt(*args: Any, **kwargs: Any) -> BuildReport:
        try:
            try:
                return build(*args, **kwargs)
            except RecordMissing as exc:
                print(f"warning: {exc}; building without the cache's records", file=sys.stderr)
                return build(*args, **kwargs, trusted=False)
        finally:
            thaw()  # what the build froze (see builder.incremental.cache.freeze)

    return attempt


@_once_more_without_records
def build_site(
    entries_dir: Path,
    out: Path,
    config: SiteConfig,
    cache_dir: Path | None = None,
    trusted: bool = True,
    workers: Workers | None = None,
    progress: TextIO | None = None,
) -> BuildReport:
    """Build the whole site into `out`; on any error raise before touching it.

    An `out` that a build could damage is refused first (see `builder.safety.check_out`);
    a second build of the same output or with the same cache waits for the first.
    `trusted` False: read nothing the cache kept of the last build. `workers`: helper
    processes that outlive the build (serve's); by default the build starts and ends its own.
    `progress`: where to print a line per stage (a terminal), or None for none.
    """
    check_out(out, entries_dir, cache_dir)
    if not entries_dir.is_dir():
        raise BuildFailed(f"{entries_dir}: entries folder not found")
    watch = Stopwatch(progress)
    helpers = contextlib.nullcontext(workers) if workers is not None else Workers()
    with build_lock(out, cache_dir), helpers as workers:
        check_out(out, entries_dir, cache_dir)  # as the build before this one left it
        door = Door(cache_dir, config, out, trusted)
        chart_work = ChartWork(door.cache, workers)  # its templates start beside the rest
        with watch("gather"):
            names = entry_file_names(entries_dir)
            files = door.sort_files(names)
            config = dated(config, entries_dir, names)  # the data's date, for the index
            config = with_history(config, entries_dir, names)  # each entry's, and the changes
            catalog = memo.load_catalog(cache_dir)
        with watch("validate"):  # every error, before anything is written
            entries = check_files(files.to_check(), files.kept, files.refused, catalog)
        with watch("compute"):
            ranked = door.rank(files, compute_each(entries, catalog), catalog)
            del entries
        freeze()  # the results live until the build ends
        output = door.output(out)
        try:
            with watch("present"):
                chart_files, chart_artifacts = chart_work.files(
                    ranked, output, door.previous_charts(), catalog.organizations
                )
                publish(chart_artifacts, output)
                _pages(ranked, catalog, config, chart_files, door, output, workers, cache_dir)
                publish(chart_work.finish(), output)
            with watch("write"):
                manifest = door.commit(output)
        except BaseException:
            output.abandon()
            raise
        door.save(ranked, manifest, chart_work.state, chart_work.used())
    return BuildReport(
        len(ranked), len(output.made), out, ranked, watch.seconds, output.rendered, output.reused
    )


def _pages(
    ranked: Ranked,
    catalog: Catalog,
    config: SiteConfig,
    chart_files: ChartFiles,
    door: Door,
    output: Output,
    workers: Workers,
    cache_dir: Path | None,
) -> None:
    """Every page, into `output`; the other languages' in a worker beside the source
    language's, when there are enough of them to pay for sending the results over."""
    lookup = functools.partial(memo.translations, cache_dir=cache_dir)
    source, others = LANGUAGES[0], LANGUAGES[1:]
    other_job = None
    changed = config.history.changed if config.history else None
    prefixes = [lang.prefix for lang in others]
    if door.to_render(ranked, output, prefixes, changed) >= PARALLEL_RENDER_PAGES:
        shared = ranked.share() if isinstance(ranked, Ranking) else ranked
        codes = tuple(lang.code for lang in others)
        args = (shared, catalog, config, chart_files, output.share(), door.keyed, codes, lookup)
        other_job = workers.submit("pages", publish_languages, *args)
    languages = [source] if other_job else LANGUAGES
    card_work = CardWork(card_list(ranked, config, door.keyed), output, workers)
    artifacts = site_files(
        ranked,
        catalog,
        config,
        chart_files,
        door.keyed,
        languages=languages,
        lookup=lookup,
        with_cards=False,
    )
    publish(artifacts, output)
    card_work.finish(output)
    if other_job is not None:
        other_output, rows_made, row_hashes = other_job.result()
        output.merge(other_output)
        if isinstance(ranked, Ranking):
            ranked.rows_made.update(rows_made)
            ranked.row_hashes.update(row_hashes)


def publish_languages(
    ranked: Ranked,
    catalog: Catalog,
    config: SiteConfig,
    chart_files: ChartFiles,
    output: Output,
    keyed: bool,
    codes: tuple[str, ...],
    lookup: Callable[[Language], gettext.NullTranslations],
) -> tuple[Output, dict[str, str], dict[str, str]]:
    """Some languages' pages, for a worker process: what it put, and the rows it rendered
    and their hashes (see `builder.incremental.ranking.Ranking`)."""
    gc.freeze()  # the results, as in the build's own process
    try:
        languages = [lang for lang in LANGUAGES if lang.code in codes]
        artifacts = site_files(
            ranked, catalog, config, chart_files, keyed, languages=languages, lookup=lookup
        )
        publish(artifacts, output)
    finally:
        gc.unfreeze()
    if not isinstance(ranked, Ranking):
        return output, {}, {}
    made = ranked.rows_made
    return output, made, {k: ranked.row_hashes[k] for k in made}
