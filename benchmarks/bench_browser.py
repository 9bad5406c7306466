"""Browser benchmark: sorting and filtering every row of a large leaderboard in chromium.

    python benchmarks/bench_browser.py                       # the 10,000-entry site of bench_build
    python benchmarks/bench_browser.py --site benchmarks/out/site-10000 --repeat 7

Serves a built site on loopback, opens its index (and /zh/) in Debian's chromium through
Playwright, waits until every row is loaded from data/rows.json, then times in the page
(performance.now) a click on a column heading until the script has sorted every row and
redrawn the table's DOM (layout and paint not included), and a search. Prints medians in
milliseconds. A benchmark, not a test: it asserts nothing.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import shutil
import statistics
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TIME_SORT = """key => {
    const button = document.querySelector(`th[data-key=${key}] button`);
    const start = performance.now();
    button.click();  // sorts, filters and redraws synchronously
    return performance.now() - start;
}"""
TIME_SEARCH = """text => {
    const input = document.getElementById('f-q');
    input.value = text;
    const start = performance.now();
    input.dispatchEvent(new Event('input', {bubbles: true}));
    return performance.now() - start;
}"""


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def main() -> None:
    from playwright.sync_api import sync_playwright

    from tests.conftest import CHROMIUM_ARGS

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", default=str(ROOT / "benchmarks" / "out" / "site-10000"))
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    handler = functools.partial(_Quiet, directory=args.site)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    print(f"{'page':<6} {'rows':>7} {'sort ms':>8} {'re-sort ms':>10} {'search ms':>9}")
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=shutil.which("chromium") or "/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        for prefix in ("/", "/zh/"):
            sorts, resorts, searches = [], [], []
            for _ in range(args.repeat):
                page = browser.new_page()
                page.goto(url + prefix)
                page.wait_for_selector("table.sortable", timeout=60_000)
                rows = page.evaluate(
                    "() => Number(document.getElementById('leaderboard').dataset.total)"
                )
                sorts.append(page.evaluate(TIME_SORT, "energy"))
                resorts.append(page.evaluate(TIME_SORT, "energy"))  # the other direction
                searches.append(page.evaluate(TIME_SEARCH, "org-00"))
                page.close()
            print(
                f"{prefix:<6} {rows:>7,} {statistics.median(sorts):>8.1f} "
                f"{statistics.median(resorts):>10.1f} {statistics.median(searches):>9.1f}"
            )
        browser.close()
    server.shutdown()


if __name__ == "__main__":
    main()
