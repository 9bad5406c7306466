"""Hypothesis strategies for entry files: valid ones, mutated ones, and arbitrary input.

Shared by tests/test_properties.py and benchmarks/fuzz_loader.py. A valid entry comes
with the values it states, so a test can check what the validator made of them.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from hypothesis import strategies as st

from builder import catalog
from builder.entries.schema import DOMAINS, LINK_KINDS
from builder.entries.yaml_tree import resolve_plain

HARDWARE = catalog.hardware_index()  # key -> whether the catalog has a power figure for it
HARDWARE_KEYS = sorted(HARDWARE)
REGIONS = sorted(catalog.region_keys())

# What a text value may hold: anything but control characters and lone surrogates.
TEXT_CHARS = st.characters(exclude_categories=("Cc", "Cs"))
# Names and organizations also hold no invisible characters: format characters (bidi
# controls, zero-width characters) and the Hangul fillers.
NAME_CHARS = st.characters(
    exclude_categories=("Cc", "Cs", "Cf"), exclude_characters="\u115f\u1160\u3164\uffa0"
)
# Characters that can be written raw in a YAML file without changing its lines.
_RAW_UNSAFE = re.compile("[\u2028\u2029\ufffe\uffff]")
_PLAIN_SAFE = re.compile(r"[A-Za-z][A-Za-z0-9 ._()/+-]*[A-Za-z0-9)]\Z")


def double_quoted(value: str) -> str:
    """A YAML double-quoted scalar: printable ASCII as is, everything else escaped."""
    out = []
    for char in value:
        code = ord(char)
        if char in '"\\':
            out.append("\\" + char)
        elif 0x20 <= code < 0x7F:
            out.append(char)
        elif code < 0x10000:
            out.append(f"\\u{code:04x}")
        else:  # YAML has no surrogate pairs, as JSON does, but an eight-digit escape
            out.append(f"\\U{code:08x}")
    return '"' + "".join(out) + '"'


def text_values(
    max_size: int, chars: st.SearchStrategy[str] = TEXT_CHARS
) -> st.SearchStrategy[str]:
    """Non-blank text of at most `max_size` characters."""
    return st.text(chars, min_size=1, max_size=max_size).filter(lambda s: bool(s.strip()))


@st.composite
def yaml_string(draw: st.DrawFn, value: str) -> str:
    """`value` as a YAML scalar in one of the styles an author might use."""
    styles = ["double"]
    if not _RAW_UNSAFE.search(value):
        styles.append("single")
    plain = (
        _PLAIN_SAFE.match(value)
        and resolve_plain(value) == value
        and ": " not in value
        and " #" not in value
    )
    if plain:
        styles.append("plain")
    style = draw(st.sampled_from(styles))
    if style == "plain":
        return value
    if style == "single":
        return "'" + value.replace("'", "''") + "'"
    return double_quoted(value)


@st.composite
def yaml_number(draw: st.DrawFn, value: float) -> str:
    """`value` written as a YAML number: plain, scientific or with digit separators."""
    if isinstance(value, int) or (float(value).is_integer() and abs(value) < 1e15):
        number = int(value)
        return draw(st.sampled_from([str(number), f"{number:_}", f"{number}.0"]))
    return draw(st.sampled_from([repr(value), f"{value:e}".replace("e+", "e")]))


def _positive(low: float, high: float) -> st.SearchStrategy[float]:
    return st.floats(min_value=low, max_value=high, allow_nan=False, allow_infinity=False)


@st.composite
def released_dates(draw: st.DrawFn) -> str:
    day = draw(st.dates(datetime.date(1950, 1, 1), datetime.date(2100, 12, 31)))
    precision = draw(st.sampled_from([4, 7, 10]))
    return day.isoformat()[:precision]


@st.composite
def valid_entries(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    """(YAML text, the values it states) of an entry the validator must accept."""
    stated: dict[str, Any] = {}
    lines: dict[str, list[str]] = {}
    name = draw(text_values(120, NAME_CHARS))
    organization = draw(text_values(120, NAME_CHARS))
    stated["name"], stated["organization"] = name, organization
    lines["name"] = [f"name: {draw(yaml_string(name))}"]
    lines["organization"] = [f"organization: {draw(yaml_string(organization))}"]

    hardware = draw(st.sampled_from(HARDWARE_KEYS))
    training: dict[str, float | str] = {"hardware": hardware}
    if draw(st.booleans()):
        training["accelerators"] = draw(st.integers(1, 1_000_000))
        if draw(st.booleans()):
            training["hours"] = draw(_positive(0.01, 24_000))
        else:
            training["days"] = draw(_positive(0.01, 1000))
    else:
        training["accelerator_hours"] = draw(_positive(0.01, 1e10))
    optional = {
        "power_w": _positive(1, 5000),
        "pue": _positive(1.0, 3.0),
        "region": st.sampled_from(REGIONS),
        "carbon_intensity": _positive(1e-4, 2.0),
        "net_carbon_intensity": _positive(0, 2.0),
        "year": st.integers(1990, 2100),
        "flops": _positive(1, 1e30),
    }
    for key, strategy in optional.items():
        if draw(st.booleans()) or (key == "power_w" and not HARDWARE[hardware]):
            training[key] = draw(strategy)
    stated["training"] = training
    block = ["training:"]
    for key in draw(st.permutations(sorted(training))):
        value = training[key]
        shown = draw(yaml_string(value)) if isinstance(value, str) else draw(yaml_number(value))
        block.append(f"  {key}: {shown}")
    lines["training"] = block

    if draw(st.booleans()):
        released = draw(released_dates())
        stated["released"] = released
        lines["released"] = [f"released: {draw(st.sampled_from([released, repr(released)]))}"]
    if draw(st.booleans()):
        parameters = draw(_positive(1, 1e15))
        stated["parameters"] = parameters
        lines["parameters"] = [f"parameters: {draw(yaml_number(parameters))}"]
    if draw(st.booleans()):
        stated["domain"] = draw(st.sampled_from(DOMAINS))
        lines["domain"] = [f"domain: {stated['domain']}"]
    reported = {
        key: draw(_positive(1e-3, 1e7))
        for key in ("energy_mwh", "co2e_t", "net_co2e_t")
        if draw(st.booleans())
    }
    if reported:
        stated["reported"] = reported
        lines["reported"] = ["reported:"] + [
            f"  {k}: {draw(yaml_number(v))}" for k, v in reported.items()
        ]
    links = {k: f"https://example.org/{k}" for k in LINK_KINDS if draw(st.booleans())}
    if links:
        lines["links"] = ["links:"] + [f"  {k}: {v}" for k, v in links.items()]

    sources = []
    for i in range(draw(st.integers(1, 3))):
        url = f"https://example.org/paper-{i}?page={draw(st.integers(1, 99))}"
        title = draw(text_values(300))
        sources.append((url, title))
    stated["sources"] = sources
    block = ["sources:"]
    for url, title in sources:
        if draw(st.booleans()):
            block.append(f"  - {{url: {url}, title: {double_quoted(title)}}}")
        else:
            block += [f"  - url: {url}", f"    title: {draw(yaml_string(title))}"]
    lines["sources"] = block

    if draw(st.booleans()):
        words = st.text("abcdefghijklmnopqrstuvwxyzABCDEFGHIJ ,;:!?'\"()\u00e9\u4e2d", max_size=40)
        notes = "\n".join(draw(st.lists(words, min_size=1, max_size=12))).strip()
        if notes:
            stated["notes"] = notes
            body = [f"  {line}" if line else "" for line in notes.split("\n")]
            lines["notes"] = ["notes: |-", *body]

    order = draw(st.permutations(sorted(lines)))
    text = "\n".join(line for key in order for line in lines[key]) + "\n"
    if draw(st.booleans()):
        text = "# An entry\n" + text
    return text, stated


# ---------------------------------------------------------------------------------------
# Mutations: what a broken edit, a bad merge or a hostile author makes of a valid entry

SPECIAL = [
    ":", ": ", "-", "- ", "[", "]", "{", "}", ",", "&a ", "*a", "!!str ", "!", "|", ">", "'",
    '"', "#", "%", "@", "`", "\t", "\n", "\r", "\r\n", "---\n", "...\n", "? ", "~", "null",
    "\\", "\\x", "<<: ", "1e999", "-1", "9" * 30, "yes", "[" * 40, "&a [*a, *a]", "\u2028",
    "\x00", "\x07", "\u00e9", "\U0001f600", "\ufeff", "!!python/object/apply:os.system ",
    "{{ 7*7 }}", "<script>", "  ", "\n  ", "\n- ", "= ", "0x1F", ".inf", ".nan", "2019-13",
]  # fmt: skip
SWAPS = [
    "yes", "[]", "{}", "[1, 2]", "{a: 1}", "''", '""', "-5", "0", ".nan", "2019-13-45", "~",
    "|\n  text", "!!binary aGVsbG8=", "1e400", "true", "[[[]]]", "*ref", "&ref 1", "12 GB",
]  # fmt: skip


@st.composite
def mutated_entries(draw: st.DrawFn) -> bytes:
    """A valid entry after a few random edits, as the bytes of a file."""
    text, _ = draw(valid_entries())
    for _ in range(draw(st.integers(1, 4))):
        lines = text.split("\n")
        op = draw(st.sampled_from(["delete", "insert", "swap", "line", "indent", "duplicate"]))
        if op == "delete" and text:
            start = draw(st.integers(0, len(text) - 1))
            end = draw(st.integers(start, min(len(text), start + 30)))
            text = text[:start] + text[end:]
        elif op == "insert":
            at = draw(st.integers(0, len(text)))
            text = text[:at] + draw(st.sampled_from(SPECIAL)) + text[at:]
        elif op == "swap":
            with_values = [i for i, line in enumerate(lines) if re.search(r":\s*\S", line)]
            if with_values:
                i = draw(st.sampled_from(with_values))
                key = lines[i].split(":", 1)[0]
                lines[i] = f"{key}: {draw(st.sampled_from(SWAPS))}"
                text = "\n".join(lines)
        elif op == "line" and len(lines) > 1:
            del lines[draw(st.integers(0, len(lines) - 1))]
            text = "\n".join(lines)
        elif op == "indent":
            i = draw(st.integers(0, len(lines) - 1))
            change = draw(st.sampled_from(["  ", " ", "\t", "-"]))
            lines[i] = change + lines[i] if change != "-" else lines[i][2:]
            text = "\n".join(lines)
        elif op == "duplicate" and lines:
            i = draw(st.integers(0, len(lines) - 1))
            lines.insert(i, lines[i])
            text = "\n".join(lines)
    data = text.encode("utf-8")
    if draw(st.integers(0, 9)) == 0 and data:  # now and then, break the encoding itself
        at = draw(st.integers(0, len(data) - 1))
        data = (
            data[:at] + draw(st.sampled_from([b"\xff", b"\xc3", b"\xe2\x80", b"\x80"])) + data[at:]
        )
    return data


YAMLISH = st.text(
    st.sampled_from(list(":-[]{},&*!|>'\"#%@`?~ \t\n\rabcxyz019._\u00e9\u2028\ufeff")),
    max_size=300,
)
