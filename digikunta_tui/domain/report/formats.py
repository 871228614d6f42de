"""The report's figures as it prints them in one language (Finnish formats in Finnish).

One :class:`Formats` serves a whole report: the template's tables and the story pages print
the same values alike, and each date and each number is formatted once (a report of 5 000
stories prints some 80 000 dates, most of them the same few hundred days, and 90 000 numbers,
each value of a chart three times: its dot, its axis and its table).
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from digikunta_tui.domain.finnish import format_date, format_money, format_number
from digikunta_tui.domain.report.data import Series

_SPECIAL = re.compile("[&<>'\"]")


class Formats:
    """Numbers, euros, hours, percentages and dates in ``lang`` (``fi`` or ``en``)."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self._days: dict[date, str] = {}
        # Keyed by the value's text: Decimal("1.0") == Decimal("1.00"), but they print apart.
        self._numbers: dict[str, str] = {}
        self._money: dict[str, str] = {}
        self._hours: dict[str, str] = {}

    def number(self, value: Decimal | int) -> str:
        """A number as stored (its own decimals): ``12 345,5``."""
        key = str(value)
        shown = self._numbers.get(key)
        if shown is None:
            shown = self._numbers[key] = format_number(value, lang=self.lang)
        return shown

    def money(self, value: Decimal) -> str:
        """Euros with cents: ``12 345,50 €``."""
        key = str(value)
        shown = self._money.get(key)
        if shown is None:
            shown = self._money[key] = format_money(value, lang=self.lang)
        return shown

    def hours(self, value: Decimal) -> str:
        """Hours to one decimal: ``12,5``."""
        key = str(value)
        shown = self._hours.get(key)
        if shown is None:
            shown = self._hours[key] = format_number(value, 1, lang=self.lang)
        return shown

    def day(self, value: date | None) -> str:
        """A date (``7.11.2017``), or ``–`` when there is none."""
        if value is None:
            return "–"
        shown = self._days.get(value)
        if shown is None:
            shown = self._days[value] = format_date(value, self.lang)
        return shown

    def percent(self, value: Decimal | None) -> str:
        """A share as whole per cent (``74 %``), or ``–``."""
        return "–" if value is None else f"{format_number(round(value * 100), lang=self.lang)} %"

    def figure(self, series: Series, value: Decimal | None) -> str:
        """A value of ``series`` with its unit (euros as money), or ``–``."""
        if value is None:
            return "–"
        if series.category == "savings_eur":
            return self.money(value)
        return f"{self.number(value)} {series.unit}".strip()

    def amount(self, series: Series, value: Decimal) -> str:
        """What ``series`` adds to the totals: euros as money, hours with ``h``."""
        return self.money(value) if series.category == "savings_eur" else self.hours(value) + " h"


def escaped(text: str) -> str:
    """``text`` safe inside HTML, as jinja2's autoescape writes it (markupsafe's five)."""
    if _SPECIAL.search(text) is None:
        return text  # most record texts: nothing to escape
    return (
        text.replace("&", "&amp;")
        .replace(">", "&gt;")
        .replace("<", "&lt;")
        .replace("'", "&#39;")
        .replace('"', "&#34;")
    )
