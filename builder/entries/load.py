"""Find entry files and read each into a RawEntry: the only stage that reads entries.

A file is refused before it is parsed when it is a link, too large, not UTF-8 text,
holds characters YAML cannot read, or lies where its path is not a valid id;
builder/entries/yaml_tree.py parses the rest.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from builder.entries.errors import EntryError
from builder.entries.yaml_messages import LINE_BREAK
from builder.entries.yaml_tree import Node, ParseAbort, parse_yaml

MAX_FILE_BYTES = 64 * 1024
ENTRY_SUFFIX = ".yaml"


@dataclass(frozen=True, slots=True)
class RawEntry:
    """One entry file, read and parsed but not yet validated."""

    id: str
    path: str
    root: Node
    text: str


_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")
# Names Windows reserves for devices in every folder: a checkout there cannot hold them.
WINDOWS_RESERVED = frozenset(
    ["con", "prn", "aux", "nul"] + [f"{d}{i}" for d in ("com", "lpt") for i in range(1, 10)]
)
# What YAML refuses to read (control characters, U+FFFE/U+FFFF) and the line breaks it
# counts but editors and GitHub do not show (NEL, LS, PS), which would shift line numbers.
_UNREADABLE = re.compile("[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff]")
_HIDDENLINE_BREAKS = {
    "\x85": "NEXT LINE",
    "\u2028": "LINE SEPARATOR",
    "\u2029": "PARAGRAPH SEPARATOR",
}


def _position(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of `text[index]`, counting line breaks as YAML does."""
    line, start = 1, 0
    for m in LINE_BREAK.finditer(text, 0, index):
        line, start = line + 1, m.end()
    return line, index - start + 1


def _check_characters(text: str, path: str) -> EntryError | None:
    found = _UNREADABLE.search(text)
    if found is None:
        return None
    char = found.group()
    line, col = _position(text, found.start())
    if char in _HIDDENLINE_BREAKS:
        return EntryError(
            path,
            line,
            col,
            "",
            f"file contains U+{ord(char):04X} {_HIDDENLINE_BREAKS[char]}, "
            "a line break editors do not show",
            "replace it with a space or a newline",
        )
    return EntryError(
        path,
        line,
        col,
        "",
        f"file contains the control character U+{ord(char):04X}",
        "delete it; entries are plain text",
    )


def entry_id(path: Path, root: Path) -> str:
    """`<org>/<model>` from a file path below the entries folder."""
    rel = path.resolve().relative_to(root.resolve()).with_suffix("")
    return rel.as_posix()


def check_id(entry_id_: str, path: str) -> EntryError | None:
    """Ids are `<org>/<model>`, each part lowercase letters, digits and single hyphens."""
    parts = entry_id_.split("/")
    if len(parts) != 2:
        return EntryError(
            path,
            1,
            1,
            "",
            f"entry files live at entries/<org>/<model>{ENTRY_SUFFIX}",
            f"move it so its id has two parts, not '{entry_id_}'",
        )
    for part in parts:
        if not _SLUG.match(part):
            suggestion = re.sub(r"[^a-z0-9]+", "-", part.lower()).strip("-") or "model"
            return EntryError(
                path,
                1,
                1,
                "",
                f"'{part}' in the path is not a valid id part "
                "(lowercase letters, digits and single hyphens)",
                f"rename it to '{suggestion}'",
            )
    for part, kind in zip(parts, ("org", "model"), strict=True):
        if part in WINDOWS_RESERVED:
            return EntryError(
                path,
                1,
                1,
                "",
                f"'{part}' in the path is a reserved file name on Windows",
                f"rename it, for example to '{part}-{kind}'",
            )
    return None


def _text_of(data: bytes, size: int, shown: str) -> str | EntryError:
    """An entry file's bytes (`size` of them on disk) as text, or why they are not entry
    text: over the size limit, a byte-order mark, NUL bytes, or not UTF-8."""
    if len(data) > MAX_FILE_BYTES:
        return EntryError(
            shown,
            1,
            1,
            "",
            f"file is {max(size, len(data)):,} bytes, over the {MAX_FILE_BYTES:,}-byte limit",
            "shorten the notes; link to long material instead",
        )
    if data.startswith(b"\xef\xbb\xbf"):
        return EntryError(
            shown, 1, 1, "", "file starts with a byte-order mark", "save it as UTF-8 without BOM"
        )
    if b"\x00" in data:
        return EntryError(
            shown,
            1,
            1,
            "",
            "file contains NUL bytes; it looks binary",
            "entries are UTF-8 YAML text",
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        # Counted in characters and line breaks as for every other message, not in bytes.
        before = data[: exc.start].decode("utf-8", errors="replace")
        line, col = _position(before, len(before))
        return EntryError(
            shown,
            line,
            col,
            "",
            f"invalid UTF-8 byte 0x{data[exc.start]:02x}",
            "save the file as UTF-8",
        )


def read_entry(
    path: Path, root: Path, display: str | None = None, data: bytes | None = None
) -> RawEntry | EntryError:
    """Read and parse one entry file; return the raw tree or the first error that stops parsing.

    `data`: the file's bytes, when the caller has read them already (a build hashes each
    changed file first): the file is then not read again.
    """
    shown = display or path.as_posix()
    # Checked before reading: a link could point at any file on the machine, and the
    # messages below would quote from it.
    if path.is_symlink():
        return EntryError(
            shown,
            1,
            1,
            "",
            "entry files must be regular files, not symbolic links",
            "replace the link with the file itself",
        )
    try:
        id_ = entry_id(path, root)
    except ValueError:  # a linked folder leads outside the entries folder
        return EntryError(
            shown,
            1,
            1,
            "",
            "the file resolves to a path outside the entries folder",
            "entries must not be reached through symbolic links",
        )
    try:
        if data is None:
            with path.open("rb") as handle:  # never more than the limit in memory
                data = handle.read(MAX_FILE_BYTES + 1)
        size = path.stat().st_size if len(data) > MAX_FILE_BYTES else len(data)
    except OSError as exc:
        return EntryError(shown, 1, 1, "", f"cannot read the file: {exc.strerror}")
    text = _text_of(data, size, shown)
    if isinstance(text, EntryError):
        return text
    bad_id = check_id(id_, shown)
    if bad_id is not None:
        return bad_id
    bad_char = _check_characters(text, shown)
    if bad_char is not None:
        return bad_char
    try:
        tree = parse_yaml(text, shown)
    except ParseAbort as abort:
        return abort.error
    return RawEntry(id=id_, path=shown, root=tree, text=text)


def find_entry_files(target: Path) -> list[Path]:
    """Every entry file at or below `target`, sorted; a file is returned as itself."""
    if target.is_file():
        return [target]
    return sorted(Path(name) for name in entry_file_names(target))


def _suffix(name: str) -> str:
    """A file name's suffix as `Path.suffix` gives it (`.yaml` alone has none)."""
    dot = name.rfind(".")
    return name[dot:] if 0 < dot < len(name) - 1 else ""


def entry_file_names(folder: Path) -> list[str]:
    """The paths of every `.yaml`/`.yml` file below `folder`, as strings sorted as strings.

    The same files `folder.rglob("*")` finds (linked folders are not entered, linked files
    are listed), walked with `os.scandir` so that no `Path` is made per file: a rebuild of
    many entries looks at each name once and opens only the files that changed.
    """
    found: list[str] = []
    pending = [os.fspath(folder)]
    while pending:
        current = pending.pop()
        try:
            with os.scandir(current) as listing:
                items = list(listing)
        except OSError:  # vanished or unreadable: skipped, as rglob skips it
            continue
        for item in items:
            # as Path joins them: `Path(".") / "x"` is `x`, not `./x`
            child = item.name if current == "." else os.path.join(current, item.name)
            try:
                if item.is_dir() and not item.is_symlink():
                    pending.append(child)
                elif _suffix(item.name) in (".yaml", ".yml") and item.is_file():
                    found.append(child)
            except OSError:
                continue
    found.sort()
    return found


def entries_root_for(path: Path) -> Path:
    """The entries folder of a file: the nearest ancestor named `entries`, else the grandparent."""
    resolved = path.resolve()
    for parent in resolved.parents:
        if parent.name == "entries":
            return parent
    return resolved.parent.parent
