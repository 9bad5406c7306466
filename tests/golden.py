"""The golden site: a small fixture site built whole and committed, file for file.

`tests/golden/entries/` holds a few shipped entries, chosen to cover the hardware, grid
and reporting cases; `tests/golden/site/` holds what a build makes of them, so a review
shows every change to the HTML, CSV and JSON as a diff. `tests/test_golden.py` builds the
fixture again and compares byte for byte. After a change to the output that is meant,
refresh the baseline with one command and commit it with the change:

    python -m tests.golden
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden"
SITE = GOLDEN / "site"
# Files not worth reading in a review (the vendored vega bundle, 900 KB of minified
# JavaScript that depends only on the locked vl-convert): kept as their SHA-256 only.
DIGEST_ONLY = frozenset({"assets/vendor/vega-bundle.js"})
# The share cards are PNG images: a review reads that one changed, not its bytes.
DIGEST_ONLY_FOLDERS = ("cards/",)


def digest_only(rel: str) -> bool:
    """Whether the baseline keeps a file as its SHA-256 only."""
    return rel in DIGEST_ONLY or rel.startswith(DIGEST_ONLY_FOLDERS)


DIGESTS = GOLDEN / "digests.txt"
EPOCH = "1767225600"  # 2026-01-01, the date in the footer
FLAGS = (
    "--base-url",
    "https://example.org/leaderboard/",
    "--repo-url",
    "https://github.com/example/leaderboard",
)


def build(out: Path) -> None:
    """Build the fixture into `out` as a contributor would, from the fixture's folder."""
    # Git is kept from finding the project's repository: the fixture's pages would
    # otherwise show the project's own history of it, which every commit changes.
    env = {
        **os.environ,
        "SOURCE_DATE_EPOCH": EPOCH,
        "PYTHONPATH": str(ROOT),
        "GIT_CEILING_DIRECTORIES": str(GOLDEN),
    }
    result = subprocess.run(
        [sys.executable, "-m", "builder", "build", "--no-cache", "--out", str(out), *FLAGS],
        cwd=GOLDEN,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"the golden build failed:\n{result.stdout}{result.stderr}")


def snapshot(site: Path) -> dict[str, bytes]:
    """Every file of a built site by its `/`-separated path; digest-only files as a hash."""
    found = {}
    for path in sorted(site.rglob("*")):
        if path.is_file():
            rel = path.relative_to(site).as_posix()
            data = path.read_bytes()
            found[rel] = hashlib.sha256(data).hexdigest().encode() if digest_only(rel) else data
    return found


def committed() -> dict[str, bytes]:
    """The baseline as committed: the site's files, and the digests of the others."""
    found = snapshot(SITE)
    for line in DIGESTS.read_text(encoding="utf-8").splitlines():
        digest, rel = line.split("  ", 1)
        found[rel] = digest.encode()
    return dict(sorted(found.items()))


def main() -> None:
    """Build the fixture and make the result the new baseline."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "site"
        build(out)
        made = snapshot(out)
        shutil.rmtree(SITE, ignore_errors=True)
        for rel, data in made.items():
            if digest_only(rel):
                continue
            target = SITE / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        DIGESTS.write_text(
            "".join(f"{made[rel].decode()}  {rel}\n" for rel in sorted(filter(digest_only, made))),
            encoding="utf-8",
        )
    print(f"Golden site refreshed: {len(made)} files in {SITE.relative_to(ROOT)}/")


if __name__ == "__main__":
    main()
