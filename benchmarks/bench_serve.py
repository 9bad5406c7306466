"""`leaderboard serve`: its CPU while idle, and the time from a figures edit to the
rebuilt site, at the shipped entries or at synthetic ones.

    python benchmarks/bench_serve.py [--entries DIR] [--idle 20] [--edits 3] [--poll] [--code DIR]

It copies the entries into a temporary project, starts `python -m builder serve` there
(the code of this checkout, a fresh cache), waits for the first build, then measures the
CPU time the server and its helper processes use over `--idle` seconds of nothing
happening, as a share of one core. Then it edits one entry's `power_w` `--edits` times
(the entry's figures, its rank, the charts and the dataset change) and prints, for
each, the seconds from the write to the "Built" line and the build's own time on that
line; medians. `--poll` makes watchfiles poll (WATCHFILES_FORCE_POLLING) for comparison.
It prints figures; it asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TICK = os.sysconf("SC_CLK_TCK")


def _cpu_seconds(pid: int) -> float:
    """CPU time of a process and of its live children (the build's helper processes)."""
    total = 0.0
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    for one in pids:
        try:
            fields = Path(f"/proc/{one}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / TICK  # utime, stime
    return total


class _Served:
    def __init__(self, project: Path, env: dict[str, str]) -> None:
        self.lines: list[tuple[float, str]] = []
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "builder", "serve", "--port", "0", "--out", "_site"],
            cwd=project,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append((time.perf_counter(), line.rstrip("\n")))

    def wait(self, pattern: str, after: int, seconds: float = 900) -> tuple[float, re.Match[str]]:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            for when, line in self.lines[after:]:
                if found := re.search(pattern, line):
                    return when, found
            time.sleep(0.01)
        raise SystemExit("no " + pattern + " in:\n" + "\n".join(x for _, x in self.lines))


def _entry(entries: Path) -> Path:
    for path in sorted(entries.rglob("*.yaml")):
        if re.search(r"^  power_w: \d+$", path.read_text(encoding="utf-8"), re.M):
            return path
    raise SystemExit("no entry states power_w")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=Path, default=ROOT / "entries")
    parser.add_argument("--idle", type=float, default=20.0)
    parser.add_argument("--edits", type=int, default=3)
    parser.add_argument("--poll", action="store_true")
    parser.add_argument("--code", type=Path, default=ROOT, help="the checkout to run")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-serve-") as tmp:
        project = Path(tmp)
        shutil.copytree(args.entries, project / "entries")
        env = {**os.environ, "PYTHONPATH": str(args.code.resolve()), "PYTHONUNBUFFERED": "1"}
        if args.poll:
            env["WATCHFILES_FORCE_POLLING"] = "1"
        served = _Served(project, env)
        try:
            served.wait(r"^Serving ", 0)
            time.sleep(3)  # the first build's helper processes settle
            before, start = _cpu_seconds(served.proc.pid), time.perf_counter()
            time.sleep(args.idle)
            used = _cpu_seconds(served.proc.pid) - before
            share = 100 * used / (time.perf_counter() - start)
            entries = len(list((project / "entries").rglob("*.yaml")))
            print(f"{entries} entries; idle: {share:.1f}% of a core over {args.idle:.0f} s")
            entry = _entry(project / "entries")
            text = entry.read_text(encoding="utf-8")
            power = int(re.search(r"^  power_w: (\d+)$", text, re.M).group(1))  # type: ignore[union-attr]
            walls, builds = [], []
            for n in range(1, args.edits + 1):
                after = len(served.lines)
                edited = re.sub(r"^  power_w: \d+$", f"  power_w: {power + n}", text, flags=re.M)
                written = time.perf_counter()
                entry.write_text(edited, encoding="utf-8")
                when, found = served.wait(r"^Built .* in ([\d.]+) s$", after)
                walls.append(when - written)
                builds.append(float(found.group(1)))
                time.sleep(2)
            print(
                f"figures edit -> rebuilt: median {statistics.median(walls):.2f} s wall from "
                f"the write (runs {', '.join(f'{w:.2f}' for w in walls)}); the build itself: "
                f"median {statistics.median(builds):.2f} s "
                f"(runs {', '.join(f'{b:.2f}' for b in builds)})"
            )
        finally:
            served.proc.terminate()
            served.proc.wait(timeout=60)


if __name__ == "__main__":
    main()
