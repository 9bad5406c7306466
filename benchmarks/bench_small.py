"""The shipped site's first build: cold (a fresh clone, no cache) and warm (a fresh
output folder, the cache of an earlier build), interpreter included, medians.

    python benchmarks/bench_small.py [--repeat 3] [--repo PATH] [--ref COMMIT]

Each run is `python -m builder build` in a fresh process, timed from the outside. The
cold run clones the repository's HEAD into a temporary folder first (so no cache and
no output exist) and builds there; the warm run builds the same clone again into a
new output folder, with the cache the cold run left. It prints figures; it asserts
nothing.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _build(clone: Path, out: str) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "builder", "build", "--out", out],
        cwd=clone,
        env={"PYTHONPATH": str(clone), "PATH": "/usr/bin:/bin", "SOURCE_DATE_EPOCH": "0"},
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--repo", type=Path, default=ROOT)
    parser.add_argument("--ref", default="HEAD", help="the commit to build (for before/after)")
    args = parser.parse_args()
    cold, warm = [], []
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory(prefix="bench-small-") as tmp:
            clone = Path(tmp) / "clone"
            subprocess.run(
                ["git", "clone", "-q", "--no-hardlinks", str(args.repo), str(clone)], check=True
            )
            subprocess.run(["git", "-C", str(clone), "checkout", "-q", args.ref], check=True)
            cold.append(_build(clone, "_site"))
            warm.append(_build(clone, "_site2"))
            shutil.rmtree(clone)
    for name, times in (("cold first build", cold), ("warm cache, fresh output", warm)):
        runs = ", ".join(f"{t:.2f}" for t in times)
        print(f"{name}: median {statistics.median(times):.2f} s ({runs})")


if __name__ == "__main__":
    main()
