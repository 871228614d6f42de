"""The series chart's layout: its floating-point y is the exact Decimal rule's, tie or not."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest

from digikunta_tui.domain.report.charts import _PLOT_HEIGHT, _exact_y, _y


def _value(rnd: random.Random) -> Decimal:
    places = rnd.choice((0, 1, 2, 2, 2, 3, 6, 12, 30))
    size = 10 ** rnd.randint(1, 14)
    return Decimal(rnd.randint(-size, size)).scaleb(-places)


def _tie(rnd: random.Random) -> list[Decimal]:
    """Values of which one lies exactly half-way between two hundredths of the plot."""
    step = Decimal(rnd.randint(1, 10**6)).scaleb(-rnd.randint(0, 4))
    low = Decimal(rnd.randint(-(10**4), 10**4)).scaleb(-2)
    half = (Decimal(rnd.randint(0, _PLOT_HEIGHT - 1)) + Decimal("0.005")) * step
    return [low, low + half, low + _PLOT_HEIGHT * step]


@pytest.mark.parametrize("seed", range(4))
def test_the_float_y_is_the_exact_rules_y(seed: int) -> None:
    rnd = random.Random(seed)
    for _ in range(20_000):
        kind = rnd.random()
        if kind < 0.3:
            values = _tie(rnd)  # where binary floating point alone rounds otherwise
        elif kind < 0.5:
            values = [Decimal(rnd.randint(0, 64)) for _ in range(rnd.randint(1, 5))]
        else:
            values = [_value(rnd) for _ in range(rnd.randint(1, 5))]
        low, high = min(values), max(values)
        if low == high:
            low, high = low - 1, high + 1
        scale = high - low
        for value in values:
            assert _y(value, low, scale, float(scale)) == _exact_y(value, low, scale)
