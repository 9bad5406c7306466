"""The arithmetic behind the table's figures: estimates' rounding and ranks with ties."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from builder.conventions import format_estimate, format_number
from builder.present.i18n import LANGUAGES, formats
from builder.present.ranks import AXIS_DECADES, Spread, axis_position, rank_ranges


@pytest.mark.parametrize(
    ("value", "digits", "shown"),
    [
        (11028.4, 3, "11,000"),  # whole digits go too: the range makes them meaningless
        (2323.0, 2, "2,300"),
        (15049.0, 2, "15,000"),
        (167616.0, 2, "170,000"),
        (88123.0, 3, "88,100"),
        (3.14159, 3, "3.14"),
        (0.0012345, 2, "0.0012"),
        (999.6, 3, "1,000"),
        (0, 3, "0"),
        (None, 3, "—"),
    ],
)
def test_an_estimate_keeps_only_its_significant_digits(
    value: float | None, digits: int, shown: str
) -> None:
    assert format_estimate(value, digits) == shown


def test_an_estimate_differs_from_a_plain_figure_only_in_whole_digits() -> None:
    assert format_number(11028.4) == "11,028"
    assert format_estimate(11028.4) == "11,000"
    assert format_number(3.14159) == format_estimate(3.14159) == "3.14"


def test_every_language_writes_estimates_with_its_own_marks() -> None:
    for language in LANGUAGES:
        fmt = formats(language)
        assert fmt.estimate(11028.4) == fmt.number(11000)
        assert fmt.estimate(2323.0, 2) == fmt.number(2300)


def test_rank_ranges_show_where_ranges_overlap() -> None:
    models = [
        Spread("a", 100, 200),  # surely first: no other high reaches 100
        Spread("b", 10, 60),  # overlaps c
        Spread("c", 20, 50),
        Spread("d", 1, 2),  # surely last
    ]
    assert rank_ranges(models) == [(1, 1), (2, 3), (2, 3), (4, 4)]


def test_a_touching_bound_counts_as_a_possible_tie() -> None:
    models = [Spread("a", 50, 80), Spread("b", 20, 50)]
    assert rank_ranges(models) == [(1, 2), (1, 2)]


def test_a_model_without_spread_gets_one_rank_unless_others_reach_it() -> None:
    models = [Spread("a", 30, 30), Spread("b", 10, 40), Spread("c", 5, 5)]
    assert rank_ranges(models) == [(1, 2), (1, 2), (3, 3)]


def test_a_reused_run_is_counted_once_and_shares_its_rank() -> None:
    models = [
        Spread("big", 100, 200),
        Spread("base", 10, 20),
        Spread("tuned", 10, 20, same_run_as="base"),  # the same training, listed again
        Spread("small", 1, 5),
    ]
    assert rank_ranges(models) == [(1, 1), (2, 2), (2, 2), (3, 3)]


spreads = st.lists(
    st.tuples(
        st.floats(min_value=1e-3, max_value=1e6, allow_nan=False),
        st.floats(min_value=1.0, max_value=50.0),
        st.floats(min_value=0.0, max_value=1.0),
    ),
    min_size=1,
    max_size=40,
)


@given(spreads)
def test_the_rank_of_the_estimates_lies_within_every_rank_range(
    drawn: list[tuple[float, float, float]],
) -> None:
    # each model: an estimate, and a low and high around it
    models = [
        Spread(f"m{i}", mid / (1 + down * width), mid * (1 + (1 - down) * width))
        for i, (mid, width, down) in enumerate(drawn)
    ]
    mids = [mid for mid, _, _ in drawn]
    ranges = rank_ranges(models)
    for i, (best, worst) in enumerate(ranges):
        above = sum(1 for j, m in enumerate(mids) if m > mids[i] and j != i)
        level = sum(1 for j, m in enumerate(mids) if m >= mids[i] and j != i)
        assert best <= above + 1 and level + 1 <= worst <= len(models)
        assert 1 <= best <= worst


def test_positions_on_the_shared_axis_are_decades_clamped_to_its_ends() -> None:
    start, end = AXIS_DECADES
    assert axis_position(1000) == 3.0
    assert axis_position(2300) == 3.362
    assert axis_position(1e-9) == start and axis_position(0) == start
    assert axis_position(1e12) == end
