"""The one door to incremental building: what the last build left that this one may keep.

A build asks it four things, in order:

- `sort_files`: which entry files are as the last build read them (their summaries are
  enough), which must be read and validated, and which are refused unread;
- `rank`: this build's results and the kept summaries, in rank order, as Present reads
  them (`Ranked`), with the hashes a later build compares;
- `current`: whether a file of the output is the one made from an artifact's key, so
  that it need not be made again (Lektor's artifact check);
- `save`: what this build made, once its output is in place.

Without a cache folder the door keeps nothing, and every answer is "make it".
"""

from __future__ import annotations

import json
import os
import stat
import sys
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from builder import whatif
from builder.catalog import Catalog
from builder.config import SiteConfig
from builder.conventions import model_path
from builder.entries.errors import EntryError
from builder.entries.gather import read_limited, refused
from builder.entries.load import MAX_FILE_BYTES
from builder.entries.model import Result
from builder.hashing import content_key
from builder.incremental.cache import BuildCache, Record, State, global_key, settled, signature
from builder.incremental.charts import ChartState
from builder.incremental.ranking import Ranking
from builder.present import charts
from builder.present.artifact import Artifact
from builder.present.dataset import row_texts
from builder.present.i18n import LANGUAGES
from builder.present.ranked import Listing, Ranked, Summary, page_keys, rank_order, summarize
from builder.write import Manifest, Output


@dataclass
class Sorted:
    """The entry files of a build, sorted by what must be done with them."""

    kept: list[Summary] = field(default_factory=list)  # as the last build left them
    row_hashes: dict[str, str] = field(default_factory=dict)  # "<code>|<key>" -> hash
    changed: list[tuple[str, str]] = field(default_factory=list)  # (path, hash of its bytes)
    read: dict[str, bytes] = field(default_factory=dict)  # the bytes read to hash them
    refused: list[EntryError] = field(default_factory=list)

    def to_check(self) -> Iterator[tuple[str, bytes | None]]:
        """Each changed file's path, with its bytes when they were read already; the
        bytes are let go as they are handed over."""
        for path, _ in self.changed:
            yield path, self.read.pop(path, None)


class Door:
    """What a build in `out` may keep from the last one, with the cache in `cache_dir`."""

    def __init__(
        self, cache_dir: Path | None, config: SiteConfig, out: Path, trusted: bool = True
    ) -> None:
        self.cache = BuildCache(cache_dir, global_key(config), trusted) if cache_dir else None
        self.before = self.cache.state() if self.cache else State()
        self.now = State(out=str(out.absolute()))
        self.same_out = bool(self.cache) and self.before.out == self.now.out
        self._paths: dict[str, str] = {}  # key of each entry this build computed -> its file
        self._exports: dict[str, tuple[str, str]] = {}

    @property
    def keyed(self) -> bool:
        """True when the output's files are keyed for a later build."""
        return self.cache is not None

    def sort_files(self, files: list[str]) -> Sorted:
        """Each entry file: kept (unchanged since the last build), changed, or refused.

        A file whose status is unchanged is not read again (see builder.incremental.cache).
        """
        found = Sorted()
        started_ns = time.time_ns()
        for path in files:
            st = os.lstat(path)
            if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_FILE_BYTES:
                # a link, or too large: said as `check` says it, without reading it whole
                found.refused.extend(refused(Path(path)))
                continue
            file_status = signature(st)
            seen = self.before.files.get(path)
            data = None
            if seen is not None and seen[0] == file_status:
                file_hash = seen[1]
            else:
                data = read_limited(path)
                if data is None:
                    found.refused.extend(refused(Path(path)))
                    continue
                file_hash = content_key(data)
            self.now.files[path] = (file_status if settled(st, started_ns) else None, file_hash)
            known = self.before.entries.get(path)
            if known is not None and known[0] == file_hash:
                self.now.entries[path] = known
                summary = Summary._make(known[1])
                found.kept.append(summary)
                for code, row_hash in known[2].items():
                    found.row_hashes[f"{code}|{summary.inputs_hash}"] = row_hash
            else:
                found.changed.append((path, file_hash))
                if data is not None:
                    found.read[path] = data
        return found

    def rank(self, files: Sorted, computed: dict[str, Result], catalog: Catalog) -> Ranked:
        """Every entry in rank order: the kept summaries and this build's results (by
        entry file)."""
        hashes = dict(files.changed)
        if self.cache is None:
            results = sorted(computed.values(), key=lambda r: (-r.co2e_t, r.entry.id))
            return Listing(results)
        made: dict[str, Result] = {}
        summaries = list(files.kept)
        for path, result in computed.items():
            key = f"{hashes[path]}|{result.entry.id}"
            self._paths[key] = path
            made[key] = result
            # the hashes a rebuild compares, of the dataset lines it keeps
            texts = self._exports[key] = row_texts(result)
            export_hash = content_key("\0".join(texts).encode())
            inputs = [result.entry.id, result.entry.name, whatif.entry_inputs(result, catalog)]
            whatif_hash = content_key(json.dumps(inputs, sort_keys=True).encode())
            chart_hash = charts.chart_digest(result)
            summaries.append(summarize(result, key, chart_hash, export_hash, whatif_hash))
        summaries.sort(key=rank_order)
        return Ranking(summaries, made, self._exports, files.row_hashes, self.cache.records)

    def output(self, out: Path) -> Output:
        """Where this build's files go, knowing what the last build left there."""
        previous = self.before.outputs if self.same_out else None
        return Output(out, previous, track=self.keyed)

    def previous_charts(self) -> ChartState | None:
        """The last build's charts, when its output is this build's."""
        return self.before.charts if self.same_out else None

    def to_render(
        self,
        ranked: Ranked,
        output: Output,
        prefixes: list[str],
        changed: Mapping[str, object] | None = None,
    ) -> int:
        """How many model pages of the languages with these prefixes must be made again
        (`changed`: each entry's last change date, see `page_keys`)."""
        total = len(ranked)
        if output.fresh:
            return total * len(prefixes)
        previous = output.previous or {}
        keys = page_keys(ranked.summaries, changed)
        return sum(
            1
            for prefix in prefixes
            for s, key in zip(ranked.summaries, keys, strict=True)
            if previous.get(prefix + model_path(s.id), ("",))[0] != key
        )

    def commit(self, output: Output) -> Manifest:
        """Put the output in place. A build killed while committing must not leave a
        state describing the old output: the cache forgets it first."""
        if self.cache:
            self.cache.forget_state()
        return output.commit()

    def save(
        self, ranked: Ranked, manifest: Manifest, chart_state: ChartState | None, used: list[Path]
    ) -> None:
        """Remember this build (after its output is in place): its files, its entries'
        summaries and records, its output's manifest and its charts."""
        if self.cache is None or not isinstance(ranked, Ranking):
            return
        codes = [lang.code for lang in LANGUAGES]
        by_key = {s.inputs_hash: s for s in ranked.summaries if s.inputs_hash in self._paths}
        made: dict[str, Record] = {}
        for key, path in self._paths.items():
            rows = {code: ranked.rows_made[f"{code}|{key}"] for code in codes}
            made[key] = (ranked.results_made[key], rows, self._exports[key])
            row_hashes = {code: ranked.row_hashes[f"{code}|{key}"] for code in codes}
            self.now.entries[path] = (self.now.files[path][1], tuple(by_key[key]), row_hashes)
        self.now.outputs, self.now.charts = manifest, chart_state
        try:
            self.cache.save_state(self.now, made)
            self.cache.prune(used)
        except OSError as exc:  # the site is built; the next build is a cold one
            print(f"warning: {self.cache.folder}: the cache was not saved ({exc})", file=sys.stderr)


def publish(artifacts: Iterable[Artifact], output: Output) -> None:
    """Each artifact into the output, made only when the output does not hold it already."""
    for artifact in artifacts:
        if artifact.inputs_hash is not None and output.unchanged(
            artifact.path, artifact.inputs_hash
        ):
            if artifact.kind != "file":
                output.reused += 1
            continue
        output.put(artifact.path, artifact.make(), artifact.inputs_hash)
        if artifact.kind == "model":
            output.rendered += 1
