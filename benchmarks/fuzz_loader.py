"""Fuzz the entry loader and validator for a fixed time (not run in CI).

    python benchmarks/fuzz_loader.py [--seconds 60] [--seed S] [--out benchmarks/out/fuzz]

Two engines take turns. Hypothesis draws valid, mutated and arbitrary entries from
tests/strategies.py; a byte-level mutator edits the shipped entries and the test fixtures
(bad and hostile) at random. Every case is read with `read_entry` and checked with
`validate_entry`. A crash is any exception; a misplaced error is one whose line or column
is not in the file. Both are saved under --out with the input that caused them. The last
line printed is the summary: cases run, distinct error messages, crashes.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import re
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from builder import catalog  # noqa: E402
from builder.entries.errors import EntryError  # noqa: E402
from builder.entries.load import read_entry  # noqa: E402
from builder.entries.validate import validate_entry  # noqa: E402
from tests.strategies import SPECIAL, YAMLISH, mutated_entries, valid_entries  # noqa: E402

_BREAK = re.compile(r"\r\n|\r|\n")
_VALUES = re.compile(r"'[^']*'|\"[^\"]*\"|-?\d[\d.,_e+]*")
SEED_FOLDERS = [ROOT / "entries", ROOT / "tests" / "fixtures"]


@dataclass
class Tally:
    """What the cases so far have shown."""

    cases: int = 0
    by_engine: dict[str, int] = field(default_factory=dict)
    valid: int = 0
    messages: set[str] = field(default_factory=set)
    crashes: list[str] = field(default_factory=list)
    misplaced: list[str] = field(default_factory=list)
    slowest: float = 0.0

    @property
    def kinds(self) -> int:
        """Distinct messages once the values they quote are blanked out."""
        return len({_VALUES.sub("_", m) for m in self.messages})


class Runner:
    """Reads and validates one case at a time, in a scratch entries folder."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.tally = Tally()
        self._tmp = tempfile.TemporaryDirectory(prefix="fuzz-loader-")
        self.root = Path(self._tmp.name) / "entries"
        self.path = self.root / "org" / "model.yaml"
        self.path.parent.mkdir(parents=True)

    def close(self) -> None:
        self._tmp.cleanup()

    def run(self, data: bytes, engine: str) -> None:
        tally = self.tally
        tally.cases += 1
        tally.by_engine[engine] = tally.by_engine.get(engine, 0) + 1
        self.path.write_bytes(data)
        start = time.perf_counter()
        try:
            raw = read_entry(self.path, self.root, "entries/org/model.yaml")
            if isinstance(raw, EntryError):
                errors = [raw]
            else:
                result = validate_entry(raw, catalog.hardware_index, catalog.region_keys)
                errors = result if isinstance(result, list) else []
        except Exception:  # the point of fuzzing: anything at all is a crash
            tally.crashes.append(self._save("crash", data, traceback.format_exc()))
            return
        finally:
            tally.slowest = max(tally.slowest, time.perf_counter() - start)
        if not errors:
            tally.valid += 1
            return
        lines = _BREAK.split(data.decode("utf-8", errors="replace"))
        for error in errors:
            tally.messages.add(error.message)
            inside = 1 <= error.line <= len(lines) and (
                1 <= error.column <= len(lines[error.line - 1]) + 1
            )
            if not inside:
                tally.misplaced.append(self._save("misplaced", data, error.format()))

    def _save(self, kind: str, data: bytes, report: str) -> str:
        name = f"{kind}-{hashlib.sha256(data).hexdigest()[:16]}"
        self.out.mkdir(parents=True, exist_ok=True)
        (self.out / f"{name}.yaml").write_bytes(data)
        (self.out / f"{name}.txt").write_text(report, encoding="utf-8")
        return name


def seeds() -> list[bytes]:
    """Every entry file the project ships or tests with."""
    found = []
    for folder in SEED_FOLDERS:
        found += [p.read_bytes() for p in sorted(folder.rglob("*.yaml")) if p.is_file()]
    return found


TOKENS = [t.encode("utf-8") for t in SPECIAL]


def mutate(rng: random.Random, corpus: list[bytes]) -> bytes:
    """A random seed after one to eight random byte-level edits."""
    data = bytearray(rng.choice(corpus))
    for _ in range(rng.randint(1, 8)):
        op = rng.randrange(6)
        at = rng.randint(0, len(data))
        if op == 0 and data:  # flip a bit
            i = rng.randrange(len(data))
            data[i] ^= 1 << rng.randrange(8)
        elif op == 1:  # delete a range
            del data[at : at + rng.randint(1, 40)]
        elif op == 2:  # insert a YAML-special token
            data[at:at] = rng.choice(TOKENS)
        elif op == 3:  # insert random bytes
            data[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 8)))
        elif op == 4 and data:  # duplicate a range
            end = min(len(data), at + rng.randint(1, 200))
            data[at:at] = data[at:end]
        else:  # splice in part of another seed
            other = rng.choice(corpus)
            start = rng.randint(0, len(other))
            data[at:at] = other[start : start + rng.randint(1, 200)]
    return bytes(data)


def hypothesis_chunk(runner: Runner, examples: int) -> None:
    """One run of hypothesis over every kind of input; failures are counted, not raised."""
    cases = st.one_of(
        valid_entries().map(lambda case: case[0].encode("utf-8")),
        mutated_entries(),
        st.binary(max_size=3000),
        (st.text(max_size=3000) | YAMLISH).map(lambda t: t.encode("utf-8", "surrogatepass")),
    )

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(cases)
    def run(data: bytes) -> None:
        runner.run(data, "hypothesis")

    run()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="time budget (default 60)")
    parser.add_argument("--seed", type=int, default=None, help="seed of the byte mutator")
    parser.add_argument(
        "--out", type=Path, default=ROOT / "benchmarks" / "out" / "fuzz", help="crash folder"
    )
    args = parser.parse_args(argv)
    seed = args.seed if args.seed is not None else random.randrange(2**32)
    rng = random.Random(seed)
    corpus = seeds()
    runner = Runner(args.out)
    start = time.monotonic()
    deadline = start + args.seconds
    try:
        while time.monotonic() < deadline:
            hypothesis_chunk(runner, 100)
            chunk_end = min(deadline, time.monotonic() + 2.0)
            while time.monotonic() < chunk_end:
                runner.run(mutate(rng, corpus), "bytes")
    finally:
        runner.close()
    t = runner.tally
    engines = ", ".join(f"{n:,} {engine}" for engine, n in sorted(t.by_engine.items()))
    for name in t.crashes + t.misplaced:
        print(f"  saved {args.out / name}.yaml", file=sys.stderr)
    print(
        f"fuzz_loader: {t.cases:,} cases in {time.monotonic() - start:.0f} s ({engines}; "
        f"seed {seed}; {len(corpus)} seed files), {t.valid:,} valid, "
        f"{len(t.messages):,} distinct error messages ({t.kinds:,} kinds), "
        f"{len(t.crashes)} crashes, {len(t.misplaced)} misplaced errors, "
        f"slowest case {t.slowest * 1000:.0f} ms"
    )
    return 1 if t.crashes or t.misplaced else 0


if __name__ == "__main__":
    sys.exit(main())
