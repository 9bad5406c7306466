"""Results -> chart specs (Altair -> Vega-Lite dicts) and their static SVG fallbacks.

The static rendering is in `builder.present.chart_static`, the look in `chart_style`, the
sums of the per-year chart in `builder.present.sums` (each training run counted once), and
the rank strip of model pages in `builder.present.rank_strip`.

Specs are data: each chart is declared once and the rows are injected as
values, so the spec is stable byte for byte for the same input. Nothing here
writes files.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from builder.catalog_organizations import Organization, organization_key
from builder.conventions import (
    CHART_DOMAINS,
    SHOWN_DIGITS,
    UNKNOWN_DOMAIN,
    model_path,
    significant,
)
from builder.entries.model import Result
from builder.hashing import content_key
from builder.present import sums
from builder.present.chart_static import NARROW_SUFFIX as NARROW_SUFFIX
from builder.present.chart_static import javascript_bundle as javascript_bundle
from builder.present.chart_static import narrow_spec as narrow_spec
from builder.present.chart_static import static_spec as static_spec
from builder.present.chart_static import static_svg as static_svg
from builder.present.chart_style import (
    FG,
    LABELLED,
    THEMED,
    axis_label_expr,
    base_config,
    colour_scale,
)
from builder.present.i18n import SOURCE, Language, translations

TOP_EMITTERS = 15


@dataclass(frozen=True)
class Chart:
    """One site-wide chart: an id, a title, a text alternative and its Vega-Lite spec."""

    id: str
    title: str
    description: str
    spec: dict[str, Any]


def _released_date(released: str | None) -> str | None:
    if not released:
        return None
    parts = released.split("-")
    return "-".join(parts + ["01"] * (3 - len(parts)))


def _inputs(r: Result) -> tuple[Any, ...]:
    """What a model's row in the charts is made of, and nothing else (the organization by
    its key: the catalog, which names it, is an input of every chart)."""
    e = r.entry
    return (
        e.name,
        organization_key(e.id),
        e.released,
        e.domain,
        e.training.hardware,
        r.co2e_t,
        r.co2e_t_low,
        r.co2e_t_high,
        r.energy_mwh,
        e.training.flops,
        e.id,
        e.training.same_run_as,
    )


def _row(
    r: Result, domain_label: dict[str, str], organizations: Mapping[str, Organization] | None = None
) -> dict[str, Any]:
    name, org_key, released, domain, hardware, co2e, low, high, energy, flops, id_, _ = _inputs(r)
    org = (organizations or {}).get(org_key)
    return {
        "id": id_,
        "name": name,
        "organization": org.name if org else org_key,
        "released": _released_date(released),
        "released_label": released,  # as the source gives it: a year stays a year
        "domain": domain_label[domain or UNKNOWN_DOMAIN],
        "hardware": hardware,
        "co2e_t": significant(co2e),
        "co2e_low": significant(low),
        "co2e_high": significant(high),
        "energy_mwh": significant(energy),
        "flops": significant(flops),
        "url": model_path(id_),
    }


def chart_digest(r: Result) -> str:
    """A hash of what the charts show of one model."""
    return content_key(repr(_inputs(r)).encode())


def data_key(digests: Iterable[str]) -> str:
    """A key of the charts' data from each model's `chart_digest`, in rank order.

    Much cheaper than the charts themselves, so that a rebuild whose change no chart
    shows can leave them as they are.
    """
    return content_key("".join(digests).encode())


def domain_labels(language: Language) -> dict[str, str]:
    """Domain key -> its name in a language (each key is its English name)."""
    _ = translations(language).gettext
    return {key: _(key) for key in CHART_DOMAINS}


@dataclass(frozen=True)
class _Shared:
    """What the site-wide charts share in one language."""

    gettext: Callable[[str], str]
    rows: Any  # the named data the rows are injected into
    color: Any  # each model's colour: its domain
    who: list[Any]  # the tooltips that name a model


def spec_templates(language: Language = SOURCE) -> dict[str, dict[str, Any]]:
    """The four chart specs without data (Altair -> Vega-Lite); rows are injected later."""
    import altair as alt

    _ = translations(language).gettext
    labels = domain_labels(language)
    shared = _Shared(
        gettext=_,
        rows=alt.NamedData(name="rows"),
        color=alt.Color(
            "domain:N",
            title=_("Domain"),
            scale=alt.Scale(domain=[labels[d] for d in CHART_DOMAINS], scheme="tableau10"),
        ),
        who=[
            alt.Tooltip("name:N", title=_("Model")),
            alt.Tooltip("organization:N", title=_("Organization")),
        ],
    )
    by_date = _co2e_by_date(shared)
    by_year = _co2e_by_year(shared)
    by_flops = _energy_vs_compute(shared)
    top = _top_emitters(shared)
    return {
        "co2e-by-date": {**by_date.to_dict(validate=False), "params": SELECTION},
        "co2e-by-year": by_year.to_dict(validate=False),
        "energy-vs-compute": {**by_flops.to_dict(validate=False), "params": SELECTION},
        "top-emitters": {**top.to_dict(validate=False), "params": SELECTION},
    }


LEAD = "co2e-by-date"  # the chart the index page leads with (templates/index.html)
SELECTED = "datum.id === selected"  # the model chosen on the page (charts.js sets it)
SELECTION = [{"name": "selected", "value": ""}]


def _scatter(shared: _Shared, x: Any, y: Any, tooltips: list[Any]) -> Any:
    """A log-scale scatter plot of models, coloured by domain, the largest by `y` named,
    the selected one ringed and named."""
    import altair as alt

    base = alt.Chart(shared.rows).encode(x=x, y=y)
    points = base.mark_circle(opacity=0.85, cursor="pointer", stroke=FG).encode(
        color=shared.color,
        size=alt.condition(SELECTED, alt.value(220), alt.value(70)),
        strokeWidth=alt.condition(SELECTED, alt.value(2.5), alt.value(0)),
        tooltip=[*shared.who, *tooltips],
    )
    ranked = base.transform_window(
        rank="row_number()", sort=[alt.SortField(y.to_dict()["field"], order="descending")]
    ).transform_filter(f"datum.rank <= {LABELLED} || {SELECTED}")

    def named(test: str, dy: int) -> Any:
        # every named point in both layers, its name shown in one: no layer is empty
        # (vega warns of an empty layer's scale)
        return ranked.mark_text(align="right", dx=-9, dy=dy, fontSize=11).encode(
            text=alt.condition(test, alt.Text("name:N"), alt.value(""))
        )

    # names above and below their points in turn, so that neighbours' names do not meet
    above = named(f"datum.rank % 2 == 1 || datum.rank > {LABELLED}", -9)
    below = named(f"datum.rank % 2 == 0 && datum.rank <= {LABELLED}", 11)
    return (
        alt.layer(points, above, below)
        .properties(width="container", height=340)
        .configure(**base_config())
    )


# On a log scale, the gridlines between decades are faint (charts.js drops this when
# the reader switches the scale to linear).
DECADE_GRID = {
    "condition": {"test": "abs(log(datum.value) / LN10 % 1) < 1e-6", "value": 1},
    "value": 0.3,
}


def _axis(log: bool = False, **kw: Any) -> Any:
    """A quantitative axis labelled "10²¹", not "1e+21"."""
    import altair as alt

    if log:
        kw["gridOpacity"] = DECADE_GRID
    return alt.Axis(labelExpr=axis_label_expr(), **kw)


def _co2e_by_date(shared: _Shared) -> Any:
    """Training emissions against release date."""
    import altair as alt

    _ = shared.gettext
    return _scatter(
        shared,
        alt.X("released:T", title=_("Release date"), axis=alt.Axis(format="%Y", tickCount="year")),
        alt.Y(
            "co2e_t:Q",
            title=_("Training emissions (t CO2e)"),
            scale=alt.Scale(type="log"),
            axis=_axis(log=True),
        ),
        [
            # the date as its source gives it: a year-only date shows as the year
            alt.Tooltip("released_label:N", title=_("Released")),
            alt.Tooltip("co2e_t:Q", title=_("t CO2e"), format=f",.{SHOWN_DIGITS}~r"),
        ],
    )


def _co2e_by_year(shared: _Shared) -> Any:
    """Training emissions summed per release year (rows: year, co2e_t, runs)."""
    import altair as alt

    _ = shared.gettext
    return (
        alt.Chart(shared.rows)
        .mark_bar()
        .encode(
            x=alt.X("year:O", title=_("Release year"), axis=alt.Axis(labelAngle=0)),
            y=alt.Y("co2e_t:Q", title=_("Training emissions (t CO2e), summed"), axis=_axis()),
            tooltip=[
                alt.Tooltip("year:O", title=_("Release year")),
                alt.Tooltip("co2e_t:Q", title=_("t CO2e"), format=f",.{SHOWN_DIGITS}~r"),
                alt.Tooltip("runs:Q", title=_("Training runs")),
            ],
        )
        .properties(width="container", height=300)
        .configure(**base_config())
    )


def year_rows(results: list[Result]) -> list[dict[str, Any]]:
    """The per-year chart's rows: CO2e summed per release year, each training run once."""
    figures = [(r.entry.released_year, r.co2e_t, r.entry.training.same_run_as) for r in results]
    return [
        {"year": y.year, "co2e_t": significant(y.co2e_t), "runs": y.runs}
        for y in sums.by_year(figures)
    ]


def _year_pool(results: list[Result]) -> list[dict[str, Any]]:
    """What the per-year sums are made of, for charts.js to sum the models a filter keeps:
    each training run once, with its release year."""
    return [
        {"id": r.entry.id, "year": r.entry.released_year, "co2e_t": r.co2e_t}
        for r in results
        if r.entry.released_year is not None and not r.entry.training.same_run_as
    ]


def _energy_vs_compute(shared: _Shared) -> Any:
    """Training energy against training compute."""
    import altair as alt

    _ = shared.gettext
    return _scatter(
        shared,
        alt.X(
            "flops:Q",
            title=_("Training compute (FLOP)"),
            scale=alt.Scale(type="log"),
            axis=_axis(log=True, labelOverlap="greedy"),
        ),
        alt.Y(
            "energy_mwh:Q",
            title=_("Training energy (MWh)"),
            scale=alt.Scale(type="log"),
            axis=_axis(log=True),
        ),
        [
            alt.Tooltip("flops:Q", title=_("FLOP"), format=".3~e"),
            alt.Tooltip("energy_mwh:Q", title=_("MWh"), format=f",.{SHOWN_DIGITS}~r"),
        ],
    )


def _top_emitters(shared: _Shared) -> Any:
    """The largest emitters as bars, each with its range as a rule."""
    import altair as alt

    _ = shared.gettext
    base = alt.Chart(shared.rows).encode(
        # Rows arrive largest first; sort=None keeps that order in both layers.
        y=alt.Y("name:N", title=None, sort=None),
        tooltip=[
            *shared.who,
            alt.Tooltip("co2e_t:Q", title=_("t CO2e"), format=f",.{SHOWN_DIGITS}~r"),
            alt.Tooltip("co2e_low:Q", title=_("low"), format=f",.{SHOWN_DIGITS}~r"),
            alt.Tooltip("co2e_high:Q", title=_("high"), format=f",.{SHOWN_DIGITS}~r"),
        ],
    )
    bars = base.mark_bar(cursor="pointer", stroke=FG).encode(
        x=alt.X("co2e_t:Q", title=_("Training emissions (t CO2e) with range"), axis=_axis()),
        strokeWidth=alt.condition(SELECTED, alt.value(2.5), alt.value(0)),
    )
    ranges = base.mark_rule(strokeWidth=1.5).encode(x="co2e_low:Q", x2="co2e_high:Q")
    return (
        alt.layer(bars, ranges)
        .properties(width="container", height=TOP_EMITTERS * 22)
        .configure(**base_config())
    )


def _coloured(spec: dict[str, Any], rows: list[dict[str, Any]], language: Language) -> None:
    """Give the domain colour scale of `spec` only the domains that have rows."""
    labels = domain_labels(language)
    shown = {row.get("domain") for row in rows}
    keys = [k for k in CHART_DOMAINS if labels[k] in shown]
    for part in [spec, *spec.get("layer", [])]:
        colour = part.get("encoding", {}).get("color")
        if colour and colour.get("field") == "domain":
            part["encoding"] = {
                **part["encoding"],
                "color": {**colour, "scale": colour_scale(keys, labels, CHART_DOMAINS)},
            }


def build_charts(
    results: list[Result],
    templates: dict[str, dict[str, Any]],
    language: Language = SOURCE,
    organizations: Mapping[str, Organization] | None = None,
) -> list[Chart]:
    """The four site-wide charts of the index page: templates with this build's rows,
    each model's organization by its catalog name (`organizations`, by key).

    A chart whose rows are chosen from more than it shows carries them as the dataset
    `pool` and says how in `usermeta`, for charts.js to follow the table's filters."""
    _ = translations(language).gettext
    labels = domain_labels(language)
    rows = [_row(r, labels, organizations) for r in results]
    # Log scales cannot show zero: those models stay in the table, not in these charts.
    dated = [r for r in rows if r["released"] and r["co2e_t"] > 0]
    with_flops = [r for r in rows if r["flops"] and (r["energy_mwh"] or 0) > 0]
    # A model that reuses another's training run would show that run a second time.
    own_runs = [
        row for row, r in zip(rows, results, strict=True) if not r.entry.training.same_run_as
    ]
    ranked = sorted(own_runs, key=lambda r: (-r["co2e_t"], r["name"]))
    top = ranked[:TOP_EMITTERS]
    years = year_rows(results)

    def filled(chart_id: str, values: list[dict[str, Any]], **pool: Any) -> dict[str, Any]:
        spec = {**templates[chart_id], "datasets": {"rows": values}}
        # the colours charts.js swaps for the page's, by CSS custom property
        spec["usermeta"] = {"themed": THEMED}
        if pool:
            spec["datasets"]["pool"] = pool.pop("rows")
            spec["usermeta"] |= pool
        _coloured(spec, values, language)
        return spec

    return [
        Chart(
            "co2e-by-date",
            _("Emissions by release date"),
            _(
                "Scatter plot of %(count)s models: training emissions in tonnes CO2e on a log "
                "scale against release date, coloured by domain, the three largest named."
            )
            % {"count": len(dated)},
            filled("co2e-by-date", dated),
        ),
        Chart(
            "co2e-by-year",
            _("Emissions per release year"),
            _(
                "Bar chart of the training emissions in tonnes CO2e of the models released "
                "each year, summed over %(runs)s training runs. Each run is counted once: a "
                "model that reuses another model's training run is not added again."
            )
            % {"runs": sum(y["runs"] for y in years)},
            filled("co2e-by-year", years, rows=_year_pool(results), pool="years"),
        ),
        Chart(
            "energy-vs-compute",
            _("Energy against training compute"),
            _(
                "Log-log scatter plot of the %(count)s models whose sources state their "
                "training compute: energy in MWh against FLOP."
            )
            % {"count": len(with_flops)},
            filled("energy-vs-compute", with_flops),
        ),
        Chart(
            "top-emitters",
            _("The %(count)s largest emitters") % {"count": len(top)},
            _(
                "Bar chart of the %(count)s models with the largest standardized training "
                "emissions, each with a line showing its low-high range. Each training run "
                "shows once: a model that reuses another model's run is left out."
            )
            % {"count": len(top)},
            filled("top-emitters", top, rows=ranked, pool="top", limit=TOP_EMITTERS),
        ),
    ]
