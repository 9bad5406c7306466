"""`python -m builder`, killed with SIGKILL at a chosen point of writing the output.

    KILL_AT=<hook>:<n> python tests/killable_build.py build --entries E --out X
    KILL_AT=<hook>+:<n> ...   (just after the n-th call instead of just before it)

Used by tests/test_failure.py to stop a build at deterministic moments. Nothing of the
builder is changed: the hooks wrap the library functions any build has to call to put
its output in place, and count only the calls that concern the output folder.

hooks:  mkdtemp   creating the temporary folder the new site is written into
        write     writing one file of the new site (Path.write_bytes)
        chmod     making the finished temporary folder readable
        exchange  the atomic swap of the new and the old site (write._exchange)
        replace   one of the two renames of the fallback swap, or moving one staged
                  file into place in a rebuild (os.replace)
        rmtree    removing the old site after the swap, or the emptied staging folder
NO_EXCHANGE=1 makes the atomic swap unavailable, as on a platform without renameat2.
"""

from __future__ import annotations

import functools
import os
import pathlib
import shutil
import signal
import sys
import tempfile
from collections.abc import Callable
from typing import Any

TEMP_PREFIX = ".leaderboard-build-"


def _ours(*paths: object) -> bool:
    """True when a path is, or lies in, a temporary folder of the site writer."""
    for path in paths:
        if isinstance(path, (str, os.PathLike)):
            parts = pathlib.Path(os.fspath(path)).parts
            if any(part.startswith(TEMP_PREFIX) for part in parts):
                return True
    return False


def _die() -> None:
    sys.stdout.flush()
    sys.stderr.flush()
    os.kill(os.getpid(), signal.SIGKILL)


def _hooked(
    fn: Callable[..., Any], count: int, after: bool, wanted: Callable[..., bool]
) -> Callable[..., Any]:
    seen = 0

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        nonlocal seen
        if not wanted(*args, **kwargs):
            return fn(*args, **kwargs)
        seen += 1
        if seen == count and not after:
            _die()
        result = fn(*args, **kwargs)
        if seen == count and after:
            _die()
        return result

    return wrapper


def install(spec: str, no_exchange: bool) -> None:
    """Wrap the function `spec` names so that the process dies at its n-th call."""
    import builder.write as write

    if no_exchange:
        write._exchange = lambda a, b: False  # type: ignore[assignment]
    if not spec:
        return
    name, _, number = spec.partition(":")
    after = name.endswith("+")
    name = name.rstrip("+")
    count = int(number or "1")
    if name == "mkdtemp":
        tempfile.mkdtemp = _hooked(  # type: ignore[assignment]
            tempfile.mkdtemp,
            count,
            after,
            lambda *a, **k: str(k.get("prefix", "")).startswith(TEMP_PREFIX),
        )
    elif name == "write":
        pathlib.Path.write_bytes = _hooked(  # type: ignore[method-assign]
            pathlib.Path.write_bytes, count, after, lambda self, *a, **k: _ours(self)
        )
    elif name == "chmod":
        os.chmod = _hooked(os.chmod, count, after, lambda path, *a, **k: _ours(path))
    elif name == "exchange":
        write._exchange = _hooked(write._exchange, count, after, lambda *a, **k: True)
    elif name == "replace":
        os.replace = _hooked(os.replace, count, after, lambda src, dst, *a, **k: _ours(src, dst))
    elif name == "rmtree":
        shutil.rmtree = _hooked(  # type: ignore[assignment]
            shutil.rmtree, count, after, lambda path, *a, **k: _ours(path)
        )
    else:
        raise SystemExit(f"unknown hook {name!r}")


def main() -> int:
    install(os.environ.get("KILL_AT", ""), os.environ.get("NO_EXCHANGE") == "1")
    from builder.cli import main as cli_main

    return cli_main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
