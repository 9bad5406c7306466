"""What ships with the package so that a first build, with no cache yet, draws nothing:

- the vega bundle (vega, vega-lite and vega-embed as one script), which depends only on
  vl-convert's version: `builder/data/vega-bundle-<version>.js`;
- a store of chart templates and static SVGs, each file named by a hash of all it is
  made from (Altair's or vl-convert's version, the chart modules, the catalogs of
  translations, the spec): `builder/data/charts/`. A name that matches is the file those
  inputs make; an edit to any input misses the store, and the build draws the file as
  it would without one. The store holds the shipped entries' charts as of its last
  refresh (`python -m builder.incremental.shipped`); a stale store makes a first build
  slower, never different.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from builder.catalog import DATA_DIR
from builder.hashing import content_key

STORE = DATA_DIR / "charts"


def bundle_path(vl_convert_version: str) -> Path:
    return DATA_DIR / f"vega-bundle-{vl_convert_version}.js"


def templates_path(inputs: str) -> Path:
    """Where the chart templates made from `inputs` (see charts.chart_inputs) are kept."""
    return STORE / f"templates-{content_key(inputs.encode())}.json"


def svg_path(spec_json: str, renderer: str) -> Path:
    """Where the static SVG of a spec drawn by `renderer` (its code and versions) is kept."""
    return STORE / "svg" / f"{content_key(f'{renderer}|{spec_json}'.encode())}.svg"


def read(path: Path) -> str | None:
    """A shipped file's text, or None when there is none for these inputs."""
    try:
        return path.read_text(encoding="utf-8")
    except (FileNotFoundError, NotADirectoryError):
        return None


def refresh(entries: Path) -> list[Path]:
    """Make the store hold exactly the charts a build of `entries` draws, and the bundle
    exactly the installed vl-convert's; returns the files shipped now.

    The build is made with neither cache nor store: each chart's spec file beside its
    SVG in the output is the spec the SVG was drawn from, byte for byte (and the lead
    chart's phone image is drawn from its `narrow_text`).
    """
    from builder.build import build_site
    from builder.config import SiteConfig
    from builder.incremental import charts
    from builder.present.chart_static import NARROW_SUFFIX

    shutil.rmtree(STORE, ignore_errors=True)
    for old in DATA_DIR.glob("vega-bundle-*.js"):
        old.unlink()
    made: dict[Path, str] = {}
    with tempfile.TemporaryDirectory(prefix="chart-store-") as tmp:
        out = Path(tmp) / "out"
        build_site(entries, out, SiteConfig(), cache_dir=None)
        renderer = charts.svg_renderer()
        for spec in sorted(out.glob("**/charts/*.json")):
            text = spec.read_text(encoding="utf-8")
            made[svg_path(text, renderer)] = spec.with_suffix(".svg").read_text(encoding="utf-8")
            narrow = spec.with_name(spec.stem + NARROW_SUFFIX + ".svg")
            if narrow.exists():  # the lead chart's image for a phone
                made[svg_path(charts.narrow_text(text), renderer)] = narrow.read_text(
                    encoding="utf-8"
                )
        version = charts.vl_convert_version()
        bundle = (out / "assets" / "vendor" / "vega-bundle.js").read_text(encoding="utf-8")
        made[bundle_path(version)] = bundle
    made[templates_path(charts.chart_inputs())] = charts.chart_templates()
    for path, text in made.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="")
    return sorted(made)


if __name__ == "__main__":
    files = refresh(Path(sys.argv[1] if len(sys.argv) > 1 else "entries"))
    print(f"{len(files)} files in {STORE} and {DATA_DIR}", file=sys.stderr)
