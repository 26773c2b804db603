"""Showing and reading money in the till's locale (Babel), never through floats."""

from __future__ import annotations

from decimal import Decimal

from babel import Locale, UnknownLocaleError
from babel.numbers import format_decimal
from PySide6.QtCore import QLocale

from ..domain.money import MINOR_PER_MAJOR, format_rate, parse_amount

__all__ = [
    "apply_store_locale",
    "format_money",
    "format_rate",
    "parse_money",
    "set_store_locale",
    "ui_locale",
]

_store_locale: str | None = None  # the store's setting, once known (see set_store_locale)


def ui_locale() -> str:
    """The system locale as Babel wants it (en_GB, de_DE …), English if Qt says C."""
    name = QLocale.system().name()
    return "en_US" if name in {"C", ""} else name


def set_store_locale(locale: str | None) -> None:
    """Show money as the store's locale writes it (called at start-up and after the
    settings are saved); ``None`` goes back to the system locale. A locale Babel does not
    know is ignored rather than breaking every figure on screen."""
    global _store_locale
    if locale:
        try:
            Locale.parse(locale)
        except (ValueError, TypeError, UnknownLocaleError):
            return
    _store_locale = locale or None


def apply_store_locale(store) -> None:  # noqa: ANN001 - a services.store.Store
    """At start-up: money in the store's locale once an owner has saved the settings (a
    store that never did keeps the system's). Never stops the till from starting."""
    import logging

    from ..domain.settings import StoreSettings

    try:
        settings = store.settings()
    except Exception:  # noqa: BLE001 - a missing table or a busy database: keep the default
        logging.getLogger(__name__).warning("store locale not read", exc_info=True)
        return
    set_store_locale(None if settings == StoreSettings() else settings.locale)


def store_locale() -> str:
    """The locale money is shown in: the store's when known, else the system's."""
    return _store_locale or ui_locale()


def format_money(minor: int, locale: str | None = None) -> str:
    """12345 -> '123.45' (or '123,45' in de_DE); grouping for thousands."""
    return format_decimal(
        Decimal(minor) / MINOR_PER_MAJOR, format="#,##0.00", locale=locale or store_locale()
    )


def parse_money(text: str, field: str = "amount") -> int:
    """What a cashier typed, in minor units; refuses junk with InvalidInput."""
    return parse_amount(text, field)
