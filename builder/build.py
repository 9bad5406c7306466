"""load -> validate -> compute -> render -> write: the only module that knows every stage."""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import stat
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from builder.config import SiteConfig
from builder.entries.errors import BuildFailed, EntriesInvalid, EntryError
from builder.entries.load import (
    MAX_FILE_BYTES,
    entries_root_for,
    entry_file_names,
    find_entry_files,
    read_entry,
)
from builder.entries.model import Entry, Result
from builder.entries.validate import check_unique_ids, validate_entry
from builder.incremental import memo
from builder.incremental.ranking import (
    Ranking,
    RecordMissing,
    Summary,
    page_key,
    rank_order,
    summarize,
)

if TYPE_CHECKING:  # process pools are imported only by builds that need one, not by `check`
    import concurrent.futures

    from builder.present.charts import Chart
    from builder.write import Output

STAGES = ("load", "validate", "compute", "charts", "render", "write")


def _display(path: Path) -> str:
    """A path as the user would type it: relative to the working folder where possible."""
    absolute = path.absolute()
    try:
        return absolute.relative_to(Path.cwd()).as_posix()
    except ValueError:  # outside the working folder: the full path is clearer than ../../
        return absolute.as_posix()


class Stopwatch:
    """Seconds spent per stage, added up."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = dict.fromkeys(STAGES, 0.0)

    @contextlib.contextmanager
    def __call__(self, stage: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[stage] = self.seconds.get(stage, 0.0) + time.perf_counter() - start


def _collect(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for target in paths:
        if not target.exists():
            raise BuildFailed(f"{target}: no such file or folder")
        files.extend(find_entry_files(target))
    return sorted(set(files), key=os.fspath)  # strings sort much faster than Paths


class CatalogKeys:
    """The catalog keys validation looks entries up in, read once for a whole run of
    checks (and not at all when no entry gets that far)."""

    def __init__(self, cache_dir: Path | None = None) -> None:
        self.cache_dir = cache_dir
        self._hardware: dict[str, bool] | None = None
        self._regions: frozenset[str] | None = None

    def hardware(self) -> dict[str, bool]:
        if self._hardware is None:
            self._hardware = memo.hardware_index(self.cache_dir)
        return self._hardware

    def regions(self) -> frozenset[str]:
        if self._regions is None:
            self._regions = memo.region_keys(self.cache_dir)
        return self._regions


def _check_file(path: Path, watch: Stopwatch, keys: CatalogKeys) -> Entry | list[EntryError]:
    shown = _display(path)
    if path.suffix != ".yaml":
        return [
            EntryError(
                shown,
                1,
                1,
                "",
                "entry files end in .yaml",
                f"rename it to {path.with_suffix('.yaml').name}",
            )
        ]
    with watch("load"):
        raw = read_entry(path, entries_root_for(path), shown)
    if isinstance(raw, EntryError):
        return [raw]
    with watch("validate"):
        return validate_entry(raw, keys.hardware, keys.regions)


def check_paths(
    paths: list[Path], watch: Stopwatch | None = None
) -> tuple[list[Entry], list[EntryError]]:
    """Read and validate every entry file at or below `paths`; return entries and all errors."""
    watch = watch or Stopwatch()
    entries: list[Entry] = []
    errors: list[EntryError] = []
    keys = CatalogKeys()
    for path in _collect(paths):
        checked = _check_file(path, watch, keys)
        if isinstance(checked, list):
            errors.extend(checked)
        else:
            entries.append(checked)
    errors.extend(check_unique_ids(entries))
    return entries, sorted(errors)


@dataclass(frozen=True)
class BuildReport:
    """What a finished build produced."""

    entries: int
    files: int
    out: Path
    ranking: Ranking
    seconds: dict[str, float] = field(default_factory=dict)
    rendered_pages: int = 0
    reused: int = 0

    @property
    def results(self) -> list[Result]:
        """Every entry's result, in rank order (a rebuild reads them from its cache)."""
        return self.ranking.results()


def _render_svgs(specs: dict[str, str]) -> dict[str, str]:
    """Static SVGs of Vega-Lite specs (runs in a worker process: vl-convert holds the GIL)."""
    from builder.present.charts import static_svg

    return {key: static_svg(json.loads(spec)) for key, spec in specs.items()}


def _chart_templates() -> str:
    """Each language's chart spec templates as JSON text (a worker job: Altair imports slowly)."""
    from builder.present.charts import spec_templates
    from builder.present.i18n import LANGUAGES

    return json.dumps({lang.code: spec_templates(lang) for lang in LANGUAGES}, sort_keys=True)


def _vega_bundle() -> str:
    """vega, vega-lite and vega-embed as one script (a worker job: it takes seconds)."""
    from builder.present.charts import javascript_bundle

    return javascript_bundle()


class _Worker:
    """Helper processes, each started when first needed, one for each kind of job:

    - "vega": Altair's chart templates, then the vega bundle (vl-convert's JavaScript
      runtime, about 90 MB), both at the start, beside the loading of the entries;
    - "svg": vl-convert's static SVGs, once the charts' data is known;
    - "pages": other languages' pages, beside the source language's.

    Apart, none carries what another left in its memory. Measured at 10,000 entries,
    cold: the largest process went from 363 MB (one pool of two) to 227 MB (this one).
    """

    def __init__(self) -> None:
        self._pools: dict[str, concurrent.futures.ProcessPoolExecutor] = {}

    def submit(self, pool: str, fn: Any, *args: Any) -> concurrent.futures.Future[Any]:
        if pool not in self._pools:
            self._pools[pool] = _pool()
        return self._pools[pool].submit(fn, *args)

    def close(self) -> None:
        for executor in self._pools.values():
            executor.shutdown(cancel_futures=True)


# Pages of other languages worth rendering in a worker process beside the source
# language's. Measured on two cores, cold builds, alternating runs: no gain at 1,000
# entries (the workers are still busy with the charts); at 10,000, median of 3, 58 s -> 52 s.
PARALLEL_RENDER_PAGES = 2000


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


def build_site(
    entries_dir: Path, out: Path, config: SiteConfig, cache_dir: Path | None = None
) -> BuildReport:
    """Build the whole site into `out`; on any error raise before touching it.

    An `out` that a build could damage is refused first (see `builder.safety.check_out`);
    a second build of the same output or with the same cache waits for the first. A
    cache that turns out not to hold what its index promised is set aside, with a
    warning, and the build starts again as if there were none.
    """
    from builder.safety import build_lock, check_out

    check_out(out, entries_dir, cache_dir)
    watch = Stopwatch()
    if not entries_dir.is_dir():
        raise BuildFailed(f"{entries_dir}: entries folder not found")
    with build_lock(out, cache_dir):
        check_out(out, entries_dir, cache_dir)  # as the build before this one left it
        worker = _Worker()
        try:
            try:
                return _build(entries_dir, out, config, cache_dir, watch, worker)
            except RecordMissing as exc:
                print(f"warning: {exc}; building without the cache's records", file=sys.stderr)
                return _build(entries_dir, out, config, cache_dir, watch, worker, trusted=False)
        finally:
            worker.close()
            from builder.incremental.cache import thaw

            thaw()


def _build(
    entries_dir: Path,
    out: Path,
    config: SiteConfig,
    cache_dir: Path | None,
    watch: Stopwatch,
    worker: _Worker,
    trusted: bool = True,
) -> BuildReport:
    from builder.compute import compute_result
    from builder.incremental.cache import (
        BuildCache,
        Record,
        State,
        digest,
        freeze,
        global_key,
        settled,
        signature,
    )
    from builder.present import charts
    from builder.present.dataset import row_texts
    from builder.present.i18n import LANGUAGES
    from builder.present.pages import (
        ChartFiles,
        model_path,
        render_languages,
        render_site,
        script_json,
    )
    from builder.write import Output, content_key

    cache = BuildCache(cache_dir, global_key(config), trusted) if cache_dir else None
    # Chart templates and the vega bundle do not depend on the entries: start them first.
    with watch("charts"):
        template_file = cache.product("chart-templates", _chart_inputs()) if cache else None
        bundle_file = cache.product("vega-bundle", _vl_convert_version()) if cache else None
        template_text = cache.get(template_file) if cache and template_file else None
        if template_text is not None and not _templates_fit(template_text):
            assert template_file is not None
            from builder.incremental.cachefile import warn

            warn(template_file, "not the chart templates of every language")
            template_text = None
        bundle_text = cache.get(bundle_file) if cache and bundle_file else None
        template_job = worker.submit("vega", _chart_templates) if template_text is None else None
        # after the templates, in their process: it has nothing else to do
        bundle_job = worker.submit("vega", _vega_bundle) if bundle_text is None else None
    with watch("load"):
        before = cache.state() if cache else State()
    now = State(out=str(out.absolute()))

    # Load and validate only what changed since the last build; of the rest, its summary
    # is enough until a page needs more (see builder.incremental.ranking).
    summaries: list[Summary] = []
    row_digests: dict[str, str] = {}  # "<code>|<key>" -> hash of the row
    errors: list[EntryError] = []
    fresh: list[tuple[str, str, Entry]] = []
    catalog_keys = CatalogKeys(cache_dir)
    started_ns = time.time_ns()
    with watch("load"):
        files = entry_file_names(entries_dir)
    # The loop's own time counts as loading; the files it checks add to load and validate.
    loop_start, inner = time.perf_counter(), watch.seconds["load"] + watch.seconds["validate"]
    for key in files:
        # a file whose status is unchanged is not read again (see builder.incremental.cache)
        st = os.lstat(key)
        if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_FILE_BYTES:
            # a link, or too large: said as `check` says it, without reading it whole
            errors.extend(_refused(Path(key), watch))
            continue
        sig = signature(st)
        seen = before.files.get(key)
        if seen is not None and seen[0] == sig:
            blob = seen[1]
        else:
            data = _read_limited(key)
            if data is None:
                errors.extend(_refused(Path(key), watch))
                continue
            blob = digest(data)
        now.files[key] = (sig if settled(st, started_ns) else None, blob)
        known = before.entries.get(key)
        if known is not None and known[0] == blob:
            now.entries[key] = known
            summary = Summary._make(known[1])
            summaries.append(summary)
            for code, row_digest in known[2].items():
                row_digests[f"{code}|{summary.key}"] = row_digest
            continue
        checked = _check_file(Path(key), watch, catalog_keys)
        if isinstance(checked, list):
            errors.extend(checked)
        else:
            fresh.append((key, blob, checked))
    checked_in_loop = watch.seconds["load"] + watch.seconds["validate"] - inner
    watch.seconds["load"] += time.perf_counter() - loop_start - checked_in_loop
    errors.extend(check_unique_ids([*summaries, *(entry for _, _, entry in fresh)]))
    if errors:
        raise EntriesInvalid(errors)

    with watch("compute"):
        catalog = memo.load_catalog(cache_dir)
        computed: dict[str, Result] = {}  # by key: "hash of the file|id"
        exports: dict[str, tuple[str, str]] = {}
        fresh_keys: dict[str, str] = {}  # entry file -> key
        made_summaries: dict[str, Summary] = {}
        for path, blob, entry in fresh:
            result = compute_result(entry, catalog)
            key = fresh_keys[path] = f"{blob}|{entry.id}"
            computed[key] = result
            if cache:  # the hashes a rebuild compares, of the dataset lines it keeps
                texts = exports[key] = row_texts(result)
                summary = summarize(
                    result, key, charts.chart_digest(result), content_key("\0".join(texts).encode())
                )
            else:
                summary = summarize(result, key)
            summaries.append(summary)
            made_summaries[key] = summary
        summaries.sort(key=rank_order)
        ranking = Ranking(
            summaries, computed, exports, row_digests, cache.records if cache else None
        )
        del fresh
    freeze()  # the results live until the build ends (see builder.incremental.cache.freeze)

    same_out = bool(cache) and before.out == now.out
    output = Output(out, before.outputs if same_out else None, track=cache is not None)
    try:
        with watch("charts"):
            if template_job is not None:
                template_text = template_job.result()
                if cache and template_file:
                    cache.store(template_file, template_text)
            assert template_text is not None
            templates = json.loads(template_text)
            # Each chart's spec, fetched by charts.js (so the index page stays small however
            # many entries there are), is written now; the pages need only its words. The
            # static SVG drawn from it comes from the cache or a worker.
            # A rebuild whose change no chart shows leaves the charts' files as they are.
            chart_key = (
                content_key(
                    f"{template_text}|{charts.data_key(s.chart for s in summaries)}".encode()
                )
                if cache
                else ""
            )
            kept_charts = _kept_charts(before.charts, chart_key, output) if same_out else None
            svg_job = None
            if kept_charts is not None:
                chart_lists, svg_files = kept_charts
            else:
                specs: dict[str, str] = {}  # by the SVG's output path
                chart_lists = {}
                for lang in LANGUAGES:
                    chart_list = charts.build_charts(ranking.results(), templates[lang.code], lang)
                    for c in chart_list:
                        text = specs[f"{lang.prefix}charts/{c.id}.svg"] = script_json(c.spec)
                        output.put(f"{lang.prefix}charts/{c.id}.json", text.encode("utf-8"))
                    chart_lists[lang.code] = [dataclasses.replace(c, spec={}) for c in chart_list]
                missing: dict[str, str] = {}
                renderer = _svg_renderer() if cache else ""
                svg_files = (
                    {p: cache.svg_path(spec, renderer) for p, spec in specs.items()}
                    if cache
                    else {}
                )
                for svg_path, spec in specs.items():
                    kept = cache.get(svg_files[svg_path]) if cache else None
                    if kept is None:
                        missing[svg_path] = spec
                    else:
                        output.put(svg_path, kept.encode("utf-8"))
                svg_job = worker.submit("svg", _render_svgs, missing) if missing else None
                del specs, missing  # done with; svg_files says where each SVG is kept
            if cache:
                now.charts = (
                    chart_key,
                    {
                        code: [(c.id, c.title, c.description) for c in chart_list]
                        for code, chart_list in chart_lists.items()
                    },
                    {p: str(f) for p, f in svg_files.items()},
                )
            distribution = charts.distribution_svg(s.co2e_t for s in summaries)

        total = len(summaries)
        with watch("render"):
            chart_files = ChartFiles(chart_lists, distribution)
            # The other languages' pages render in a worker beside the source language's,
            # when there are enough of them to pay for sending the results over.
            source, others = LANGUAGES[0], LANGUAGES[1:]
            previous = output.previous or {}
            to_render = (
                total * len(others)
                if output.fresh
                else sum(
                    1
                    for lang in others
                    for rank, s in enumerate(summaries, start=1)
                    if previous.get(lang.prefix + model_path(s.id), ("",))[0]
                    != page_key(s, rank, total)
                )
            )
            other_job = None
            if to_render >= PARALLEL_RENDER_PAGES:
                other_job = worker.submit(
                    "pages",
                    render_languages,
                    ranking.share(),
                    config,
                    chart_files,
                    output.share(),
                    bool(cache),
                    tuple(lang.code for lang in others),
                    cache_dir,
                )
            render_site(
                ranking,
                catalog,
                config,
                chart_files,
                output,
                keyed=bool(cache),
                languages=[source] if other_job else LANGUAGES,
                cache_dir=cache_dir,
            )
            if other_job is not None:
                other_output, other_rows, other_digests = other_job.result()
                output.merge(other_output)
                if cache:
                    ranking.rows_made.update(other_rows)
                    ranking.row_digests.update(other_digests)
        with watch("charts"):  # waiting for the worker, if it is still busy
            if svg_job is not None:
                for svg_path, svg in svg_job.result().items():
                    output.put(svg_path, svg.encode("utf-8"))
                    if cache:
                        cache.store(svg_files[svg_path], svg)
            if bundle_job is not None:
                bundle_text = bundle_job.result()
                if cache and bundle_file:
                    cache.store(bundle_file, bundle_text)
            assert bundle_text is not None
            output.put("assets/vendor/vega-bundle.js", bundle_text.encode("utf-8"))
        with watch("write"):
            if cache:
                # A build killed while committing must not leave a state describing the
                # old output.
                cache.forget_state()
            now.outputs = output.commit()
    except BaseException:
        output.abandon()
        raise
    if cache:
        codes = [lang.code for lang in LANGUAGES]
        made: dict[str, Record] = {}
        for path, key in fresh_keys.items():
            rows = {code: ranking.rows_made[f"{code}|{key}"] for code in codes}
            made[key] = (computed[key], rows, exports[key])
            now.entries[path] = (
                now.files[path][1],
                tuple(made_summaries[key]),
                {code: ranking.row_digests[f"{code}|{key}"] for code in codes},
            )
        try:
            cache.save_state(now, made)
            cache.prune([*svg_files.values(), *(f for f in (template_file, bundle_file) if f)])
        except OSError as exc:  # the site is built; the next build is a cold one
            print(f"warning: {cache.folder}: the cache was not saved ({exc})", file=sys.stderr)
    return BuildReport(
        entries=total,
        files=len(output.made),
        out=out,
        ranking=ranking,
        seconds=watch.seconds,
        rendered_pages=output.rendered,
        reused=output.reused,
    )


def _refused(path: Path, watch: Stopwatch) -> list[EntryError]:
    """The error `check` gives a file that is not a regular file within the size limit."""
    checked = _check_file(path, watch, CatalogKeys())
    if isinstance(checked, list):
        return checked
    return [EntryError(_display(path), 1, 1, "", "not a regular file within the size limit")]


def _read_limited(path: str) -> bytes | None:
    """An entry file's bytes, or None if it is not a regular file (a link, a device) or
    longer than the limit: never more than the limit is read, and nothing that blocks."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as handle:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_FILE_BYTES:
            return None
        data = handle.read(MAX_FILE_BYTES + 1)
    return data if len(data) <= MAX_FILE_BYTES else None


def _templates_fit(text: str) -> bool:
    """True when kept chart templates are a JSON object with every language's."""
    from builder.present.i18n import LANGUAGES

    try:
        found = json.loads(text)
    except ValueError:
        return False
    return isinstance(found, dict) and all(
        isinstance(found.get(lang.code), dict) for lang in LANGUAGES
    )


def _chart_inputs() -> str:
    """What the chart templates depend on: Altair's version, the charts module, the catalogs."""
    import importlib.metadata

    from builder.present import charts
    from builder.present.i18n import LANGUAGES, SOURCE, catalog_path

    texts = [Path(charts.__file__).read_text(encoding="utf-8")] + [
        catalog_path(lang).read_text(encoding="utf-8") for lang in LANGUAGES if lang != SOURCE
    ]
    return importlib.metadata.version("altair") + "".join(texts)


def _kept_charts(
    previous: tuple[str, dict[str, list[tuple[str, str, str]]], dict[str, str]] | None,
    key: str,
    output: Output,
) -> tuple[dict[str, list[Chart]], dict[str, Path]] | None:
    """The last build's charts, and where their SVGs are kept, if they were made from the
    same templates and data (`key`) and their files in the output are as it left them."""
    from builder.present.charts import Chart

    if previous is None or previous[0] != key:
        return None
    _, lists, svg_files = previous
    for svg_path in svg_files:
        if not (output.kept(svg_path) and output.kept(svg_path.removesuffix(".svg") + ".json")):
            return None
    return (
        {code: [Chart(*words, spec={}) for words in items] for code, items in lists.items()},
        {p: Path(f) for p, f in svg_files.items()},
    )


def _svg_renderer() -> str:
    """What a static SVG depends on besides its spec: vl-convert and the charts module."""
    from builder.present import charts
    from builder.write import content_key

    return _vl_convert_version() + content_key(Path(charts.__file__).read_bytes())


def _vl_convert_version() -> str:
    import importlib.metadata

    return importlib.metadata.version("vl-convert-python")
