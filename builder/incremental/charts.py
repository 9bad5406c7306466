"""The charts of a build: made in helper processes, kept in the cache by their inputs.

Chart templates (Altair, slow to import) and the vega bundle do not depend on the
entries: they start first, beside the loading. Each chart's spec is a file of its own,
fetched by charts.js so that the index page stays small; its static SVG comes from the
cache or from a helper process. A rebuild whose change no chart shows (`data_key`)
leaves the charts' files as they are.
"""

from __future__ import annotations

import dataclasses
import importlib.metadata
import json
from collections.abc import Mapping
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from builder.catalog_organizations import Organization
from builder.hashing import content_key
from builder.incremental import shipped
from builder.incremental.cache import BuildCache
from builder.incremental.cachefile import warn
from builder.present import chart_static, chart_style, charts, rank_strip
from builder.present.artifact import Artifact
from builder.present.i18n import LANGUAGES, SOURCE, catalog_path
from builder.present.pages import script_json
from builder.present.ranked import Ranked
from builder.present.site import ChartFiles
from builder.workers import Workers
from builder.write import Output

# The charts a build made: the key of their templates and data, each language's
# (id, title, description), and where each static SVG is kept in the cache.
ChartState = tuple[str, dict[str, list[tuple[str, str, str]]], dict[str, str]]


def _made(data: bytes) -> Any:
    return lambda: data


class ChartWork:
    """One build's charts, from the templates' start to the last SVG."""

    def __init__(self, cache: BuildCache | None, workers: Workers) -> None:
        self.cache = cache
        self.workers = workers
        inputs, version = chart_inputs(), vl_convert_version()
        self.template_file = cache.product("chart-templates", inputs) if cache else None
        self.bundle_file = cache.product("vega-bundle", version) if cache else None
        # What ships with the package first (see builder.incremental.shipped), then the cache.
        self.template_text = _fit(shipped.read(shipped.templates_path(inputs)))
        if self.template_text is None:
            self.template_text = self._kept_templates()
        self.bundle_text = shipped.read(shipped.bundle_path(version))
        if self.bundle_text is None and cache and self.bundle_file:
            self.bundle_text = cache.get(self.bundle_file)
        self._template_job = (
            workers.submit("vega", chart_templates) if self.template_text is None else None
        )
        # after the templates, in their process: it has nothing else to do
        self._bundle_job = (
            workers.submit("vega", _vega_bundle) if self.bundle_text is None else None
        )
        self._svg_job: Future[dict[str, str]] | None = None
        self.svg_files: dict[str, Path] = {}  # by output path: where each SVG is kept
        self.state: ChartState | None = None

    def _kept_templates(self) -> str | None:
        if self.cache is None or self.template_file is None:
            return None
        text = self.cache.get(self.template_file)
        if text is not None and not _templates_fit(text):
            warn(self.template_file, "not the chart templates of every language")
            return None
        return text

    def files(
        self,
        ranked: Ranked,
        output: Output,
        previous: ChartState | None,
        organizations: Mapping[str, Organization] | None = None,
    ) -> tuple[ChartFiles, list[Artifact]]:
        """The charts pages show, and the chart files to write now (the SVGs a helper
        process draws come with `finish`). `previous`: the last build's charts, when
        its output is this one; `organizations`: the catalog's, which name them."""
        if self._template_job is not None:
            self.template_text = self._template_job.result()
            if self.cache and self.template_file:
                self.cache.store(self.template_file, self.template_text)
        assert self.template_text is not None
        chart_key = ""
        if self.cache:
            data = charts.data_key(s.chart for s in ranked.summaries)
            chart_key = content_key(f"{self.template_text}|{data}".encode())
        kept = _kept_charts(previous, chart_key, output) if previous else None
        artifacts: list[Artifact] = []
        if kept is not None:
            chart_lists, self.svg_files = kept
        else:
            chart_lists = self._draw(ranked, artifacts, organizations or {})
        if self.cache:
            words = {
                code: [(c.id, c.title, c.description) for c in chart_list]
                for code, chart_list in chart_lists.items()
            }
            self.state = (chart_key, words, {p: str(f) for p, f in self.svg_files.items()})
        distribution = rank_strip.distribution_svg(s.co2e_t for s in ranked.summaries)
        return ChartFiles(chart_lists, distribution), artifacts

    def _draw(
        self, ranked: Ranked, artifacts: list[Artifact], organizations: Mapping[str, Organization]
    ) -> dict[str, list[charts.Chart]]:
        templates = json.loads(self.template_text or "{}")
        specs: dict[str, str] = {}  # by the SVG's output path
        chart_lists = {}
        for lang in LANGUAGES:
            chart_list = charts.build_charts(
                ranked.results(), templates[lang.code], lang, organizations
            )
            for c in chart_list:
                text = specs[f"{lang.prefix}charts/{c.id}.svg"] = script_json(c.spec)
                if c.id == charts.LEAD:  # and its image for a phone
                    narrow = f"{lang.prefix}charts/{c.id}{charts.NARROW_SUFFIX}.svg"
                    specs[narrow] = narrow_text(text)
                artifacts.append(
                    Artifact(f"{lang.prefix}charts/{c.id}.json", None, _made(text.encode()))
                )
            chart_lists[lang.code] = [dataclasses.replace(c, spec={}) for c in chart_list]
        missing: dict[str, str] = {}
        renderer = svg_renderer()
        if self.cache:
            self.svg_files = {p: self.cache.svg_path(spec, renderer) for p, spec in specs.items()}
        for svg_path, spec in specs.items():
            kept = shipped.read(shipped.svg_path(spec, renderer))
            if kept is None and self.cache:
                kept = self.cache.get(self.svg_files[svg_path])
            if kept is None:
                missing[svg_path] = spec
            else:
                artifacts.append(Artifact(svg_path, None, _made(kept.encode("utf-8"))))
        if missing:
            self._svg_job = self.workers.submit("svg", _render_svgs, missing)
        return chart_lists

    def finish(self) -> list[Artifact]:
        """The SVGs and the vega bundle, once their helper processes are done."""
        artifacts = []
        if self._svg_job is not None:
            for svg_path, svg in self._svg_job.result().items():
                artifacts.append(Artifact(svg_path, None, _made(svg.encode("utf-8"))))
                if self.cache:
                    self.cache.store(self.svg_files[svg_path], svg)
        if self._bundle_job is not None:
            self.bundle_text = self._bundle_job.result()
            if self.cache and self.bundle_file:
                self.cache.store(self.bundle_file, self.bundle_text)
        assert self.bundle_text is not None
        bundle = self.bundle_text.encode("utf-8")
        artifacts.append(Artifact("assets/vendor/vega-bundle.js", None, _made(bundle)))
        return artifacts

    def used(self) -> list[Path]:
        """The cache's files this build's charts came from (the others can go)."""
        kept = [f for f in (self.template_file, self.bundle_file) if f]
        return [*self.svg_files.values(), *kept]


def warm_up(workers: Workers) -> None:
    """Start the SVG helper and its vl-convert runtime now, not at the first edit's rebuild
    (serve's first build may have drawn nothing, every SVG coming from a store)."""
    workers.submit("svg", _render_svgs, {"warm-up": json.dumps({"mark": "point"})})


def _render_svgs(specs: dict[str, str]) -> dict[str, str]:
    """Static SVGs of Vega-Lite specs (runs in a worker process: vl-convert holds the GIL)."""
    return {key: charts.static_svg(json.loads(spec)) for key, spec in specs.items()}


def chart_templates() -> str:
    """Each language's chart spec templates as JSON text (a worker job: Altair imports slowly)."""
    return json.dumps(
        {lang.code: charts.spec_templates(lang) for lang in LANGUAGES}, sort_keys=True
    )


def _vega_bundle() -> str:
    """vega, vega-lite and vega-embed as one script (a worker job: it takes seconds)."""
    return charts.javascript_bundle()


def _fit(text: str | None) -> str | None:
    """Shipped chart templates, if they are every language's."""
    return text if text is not None and _templates_fit(text) else None


def _templates_fit(text: str) -> bool:
    """True when kept chart templates are a JSON object with every language's."""
    try:
        found = json.loads(text)
    except ValueError:
        return False
    return isinstance(found, dict) and all(
        isinstance(found.get(lang.code), dict) for lang in LANGUAGES
    )


def chart_inputs() -> str:
    """What the chart templates depend on: Altair's version, the chart modules, the catalogs."""
    texts = [Path(m.__file__ or "").read_text(encoding="utf-8") for m in (charts, chart_style)] + [
        catalog_path(lang).read_text(encoding="utf-8") for lang in LANGUAGES if lang != SOURCE
    ]
    return importlib.metadata.version("altair") + "".join(texts)


def _kept_charts(
    previous: ChartState, key: str, output: Output
) -> tuple[dict[str, list[charts.Chart]], dict[str, Path]] | None:
    """The last build's charts, and where their SVGs are kept, if they were made from the
    same templates and data (`key`) and their files in the output are as it left them."""
    if previous[0] != key:
        return None
    _, lists, svg_files = previous
    for svg_path in svg_files:
        spec_path = svg_path.removesuffix(".svg").removesuffix(charts.NARROW_SUFFIX) + ".json"
        if not (output.kept(svg_path) and output.kept(spec_path)):
            return None
    return (
        {code: [charts.Chart(*words, spec={}) for words in items] for code, items in lists.items()},
        {p: Path(f) for p, f in svg_files.items()},
    )


def narrow_text(spec_text: str) -> str:
    """The spec text of a chart's image for a phone (`charts.narrow_spec`), from the text
    of its spec: what that image is drawn from and kept by, in a build and in the store."""
    return script_json(charts.narrow_spec(json.loads(spec_text)))


def svg_renderer() -> str:
    """What a static SVG depends on besides its spec: vl-convert and the chart modules."""
    code = b"".join(
        Path(m.__file__ or "").read_bytes() for m in (charts, chart_static, chart_style)
    )
    return vl_convert_version() + content_key(code)


def vl_convert_version() -> str:
    return importlib.metadata.version("vl-convert-python")
