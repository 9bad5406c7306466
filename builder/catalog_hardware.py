"""The parts of a hardware.yaml row beyond its power: dense peak FLOP/s per precision, and
a proxy that lends a sibling row's power to an accelerator without one."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from builder.catalog_rows import Row, nearest_keys

PRECISIONS = ("fp32", "tf32", "fp16", "bf16", "fp8")
"""The number formats a peak FLOP/s figure may be given for, in the order shown."""


@dataclass(frozen=True)
class Proxy:
    """A sibling accelerator whose power may stand in for one that has none of its own."""

    hardware: str  # key of the sibling row, which has a power
    reason: str  # why the two are alike (same die, same board power class ...)
    widen: float  # factor (>= 1) by which a range from the sibling's power is widened


def peak_flops(row: Row) -> dict[str, float]:
    """`peak_tflops: {bf16: 312, ...}` as FLOP/s by precision (empty when not given)."""
    if row.data.get("peak_tflops") is None:
        if row.data.get("peak_source") is not None:
            raise row.problem(("peak_source",), "given, but there is no peak_tflops: to cite")
        return {}
    table = row.row("peak_tflops")
    if not table.data:
        raise table.problem((), "no figures (give e.g. {bf16: 312}, or leave the field out)")
    flops: dict[str, float] = {}
    for precision, value in table.data.items():
        if str(precision) not in PRECISIONS:
            raise table.problem(
                (precision,), f"'{precision}' is not a precision (one of {', '.join(PRECISIONS)})"
            )
        tflops = table.number((precision,), value, "a peak in TFLOPS")
        if tflops <= 0:
            raise table.problem((precision,), f"expected a peak above 0 TFLOPS, not {value}")
        flops[str(precision)] = tflops * 1e12
    return {p: flops[p] for p in PRECISIONS if p in flops}


def proxy(row: Row) -> Proxy | None:
    """`proxy: {hardware: key, reason: why, widen: 1.25}`, checked for its own shape."""
    if row.data.get("proxy") is None:
        return None
    table = row.row("proxy")
    widen = table.number(("widen",), table.data.get("widen"), "a widening factor such as 1.25")
    if widen < 1:
        raise table.problem(("widen",), f"expected a factor of 1 or more, not {widen:g}")
    return Proxy(hardware=table.text("hardware"), reason=table.text("reason"), widen=widen)


def check_proxy(key: str, row: Row, given: Proxy, powered: Mapping[str, bool]) -> None:
    """A proxy stands in for a row without power and names a row that has one
    (`powered`: every accelerator key, and whether its row gives a power)."""
    if powered[key]:
        raise row.problem(("proxy",), "the row has a power of its own; a proxy is for one without")
    at = ("proxy", "hardware")
    if given.hardware not in powered:
        near = nearest_keys(given.hardware, list(powered))
        hint = f" (did you mean {', '.join(near)}?)" if near else ""
        raise row.problem(at, f"'{given.hardware}' is not a key under accelerators:{hint}")
    if not powered[given.hardware]:
        raise row.problem(at, f"'{given.hardware}' has no power of its own to lend")
