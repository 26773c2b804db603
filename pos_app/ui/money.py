"""Showing and reading money in the till's locale (Babel), never through floats."""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import format_decimal
from PySide6.QtCore import QLocale

from ..domain.money import MINOR_PER_MAJOR, format_rate, parse_amount

__all__ = ["format_money", "format_rate", "parse_money", "ui_locale"]


def ui_locale() -> str:
    """The system locale as Babel wants it (en_GB, de_DE …), English if Qt says C."""
    name = QLocale.system().name()
    return "en_US" if name in {"C", ""} else name


def format_money(minor: int, locale: str | None = None) -> str:
    """12345 -> '123.45' (or '123,45' in de_DE); grouping for thousands."""
    return format_decimal(
        Decimal(minor) / MINOR_PER_MAJOR, format="#,##0.00", locale=locale or ui_locale()
    )


def parse_money(text: str, field: str = "amount") -> int:
    """What a cashier typed, in minor units; refuses junk with InvalidInput."""
    return parse_amount(text, field)
