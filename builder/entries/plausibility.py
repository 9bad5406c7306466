"""Warnings, not errors: figures that are possible but look wrong, for a reviewer to look at."""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from urllib.parse import urlsplit

from builder.conventions import format_number
from builder.entries.errors import EntryError
from builder.entries.model import Entry, Result
from builder.entries.schema import ENTRY

# Achieved training throughput per accelerator, FLOP/s. Below 0.1 TFLOP/s or above
# 2.5 PFLOP/s (beyond the dense peak of any accelerator in the catalog) the stated
# compute and accelerator-hours cannot both be right at any sane utilisation.
MIN_FLOPS_PER_S = 1e11
MAX_FLOPS_PER_S = 2.5e15
REPORTED_GAP = 0.25
EXPLAINED = "**Reported vs computed:**"


def normal_name(name: str) -> str:
    """A name as compared for sameness: lowercase letters and digits only."""
    return re.sub(r"[^a-z0-9]+", "", name.casefold())


def _warn(entry: Entry, field: str, message: str, hint: str = "") -> EntryError:
    line = entry.lines.get(field, 1)
    return EntryError(entry.path, line, 1, field, message, hint, severity="warning")


def _first_day(date: str) -> datetime.date:
    """The first day a YYYY, YYYY-MM or YYYY-MM-DD date can mean (the validator checked it)."""
    year, month, day = (int(p) for p in [*date.split("-"), "1", "1"][:3])
    return datetime.date(year, month, day)


def check_dates(e: Entry, today: datetime.date) -> list[EntryError]:
    """A release that has not happened yet, and training that ran after the release."""
    warnings = []
    if e.released and _first_day(e.released) > today:
        warnings.append(
            _warn(
                e,
                "released",
                f"release date {e.released} is after today ({today.isoformat()})",
                "give the date the model was first published; check the year",
            )
        )
    year = e.training.year
    if e.released and year is not None and year > _first_day(e.released).year:
        warnings.append(
            _warn(
                e,
                "training.year",
                f"training year {year} is after the release ({e.released})",
                "training ends before a release: check training.year and released",
            )
        )
    return warnings


def ascii_host(url: str) -> str:
    """The URL's host name, non-ASCII labels in punycode (IDNA) as a browser sends them."""
    host = urlsplit(url).hostname or ""
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:  # a label IDNA cannot encode; shown as written
        return host


def check_urls(e: Entry) -> list[EntryError]:
    """Links that may not go where they seem to: a user name before '@', a non-ASCII host."""
    urls = [(f"sources[{i}].url", s.url) for i, s in enumerate(e.sources)]
    urls += [(f"links.{kind}", url) for kind, url in sorted(e.links.items())]
    warnings = []
    for field, url in urls:
        parts = urlsplit(url)
        if "@" in parts.netloc:
            warnings.append(
                _warn(
                    e,
                    field,
                    f"'{url}' has a user name before '@': it leads to {ascii_host(url)}, "
                    "whatever comes before the '@'",
                    "remove the part up to '@' if the link does not need it",
                )
            )
        if not (parts.hostname or "").isascii():
            warnings.append(
                _warn(
                    e,
                    field,
                    f"'{url}' has a host name with non-ASCII characters, which can imitate "
                    f"another site's: it is {ascii_host(url)}",
                    "link to the site's ASCII address if it has one; the site shows this one "
                    "in punycode",
                )
            )
    return warnings


def check_bounds(e: Entry) -> list[EntryError]:
    """Figures beyond what the format calls plausible: possible (a source published them),
    but worth a second look at the unit and the zeros."""
    warnings = []
    for part_name, part in (("training", e.training), ("reported", e.reported)):
        spec = ENTRY.fields[part_name]
        for name, sub in spec.fields.items():
            value = getattr(part, name)
            bound = sub.plausible_maximum
            if bound is not None and isinstance(value, (int, float)) and value > bound:
                unit = f" {sub.unit}" if sub.unit else ""
                warnings.append(
                    _warn(
                        e,
                        f"{part_name}.{name}",
                        f"{format_number(value)}{unit} is more than the plausible "
                        f"{format_number(bound)}{unit}",
                        "check the unit and the number of zeros; if the source says so, "
                        "keep it and say so in the notes",
                    )
                )
    return warnings


def check_result(r: Result, today: datetime.date | None = None) -> list[EntryError]:
    """Warnings about one computed entry; dates are compared with `today` (default: today)."""
    e = r.entry
    warnings = check_dates(e, today or datetime.date.today()) + check_urls(e)
    warnings += check_bounds(e)
    flops = e.training.flops
    # a compute estimate's hours come from its FLOP: the rate is the assumed one
    if flops is not None and r.accelerator_hours is not None and r.basis != "compute-estimate":
        rate = flops / (r.accelerator_hours.value * 3600)
        if not MIN_FLOPS_PER_S <= rate <= MAX_FLOPS_PER_S:
            warnings.append(
                _warn(
                    e,
                    "training.flops",
                    f"{flops:.3g} FLOP over {r.accelerator_hours.value:,.0f} accelerator-hours is "
                    f"{format_number(rate / 1e12)} TFLOP/s per accelerator, outside the plausible "
                    f"{MIN_FLOPS_PER_S / 1e12:g}-{MAX_FLOPS_PER_S / 1e12:,.0f} TFLOP/s",
                    "check the compute, the accelerator count and the duration",
                )
            )
    for label, ratio, field in (
        ("energy", r.energy_ratio, "reported.energy_mwh"),
        ("CO2e", r.co2e_ratio, "reported.co2e_t"),
    ):
        if ratio is not None and abs(ratio - 1) > REPORTED_GAP and EXPLAINED not in e.notes:
            warnings.append(
                _warn(
                    e,
                    field,
                    f"computed {label} is {ratio:.2f}x the reported figure, and the notes do not "
                    "say why",
                    f"add a paragraph starting '{EXPLAINED}' that explains the difference",
                )
            )
    return warnings


def check_duplicates(entries: list[Entry]) -> list[EntryError]:
    """Entries that look like the same model twice: same name, or same organization and run."""
    warnings = []
    by_name: dict[str, list[Entry]] = defaultdict(list)
    by_run: dict[tuple[str, str, float], list[Entry]] = defaultdict(list)
    for e in sorted(entries, key=lambda x: x.id):
        by_name[normal_name(e.name)].append(e)
        t = e.training
        hours = t.accelerator_hours or (t.accelerators or 0) * (t.hours or (t.days or 0) * 24)
        if t.hardware is not None and hours and t.same_run_as is None:
            by_run[(normal_name(e.organization), t.hardware, round(hours))].append(e)
    for group, what in (
        (by_name, "the same name as"),
        (by_run, "the same organization, hardware and accelerator-hours as"),
    ):
        for same in group.values():
            for other in same[1:]:
                warnings.append(
                    _warn(
                        other,
                        "name",
                        f"has {what} {same[0].id}",
                        "if it is the same model, keep one entry",
                    )
                )
    return warnings


def check_all(results: list[Result], today: datetime.date | None = None) -> list[EntryError]:
    """Every warning about a set of computed entries, sorted."""
    today = today or datetime.date.today()
    warnings = [w for r in results for w in check_result(r, today)]
    warnings += check_duplicates([r.entry for r in results])
    return sorted(warnings)
