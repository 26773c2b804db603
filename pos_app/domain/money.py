"""Money, quantities and tax, exact everywhere.

Amounts are whole minor units (cents) in ``int``; the database stores the same integers,
so SQLite and PostgreSQL agree to the cent. Tax rates are ``int`` parts per million
(20 % = 200_000) so rates like 8.875 % stay exact. Tax rounding lives here and only here.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from .errors import InvalidInput

MINOR_PER_MAJOR = 100
MAX_AMOUNT = 10**11  # one billion in major units: far above any till, far below BIGINT
MAX_QUANTITY = 100_000
MAX_RATE_PPM = 1_000_000  # 100 %
PPM = 1_000_000

_CENT = Decimal("0.01")
_RATE_STEP = Decimal("0.0001")  # one part per million, in percent
_AMOUNT_RE = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)$")


def parse_amount(
    text: str | int | Decimal, field: str = "amount", *, allow_zero: bool = True
) -> int:
    """Turn what a person typed ("12.5", "12,50", "3") into minor units, or refuse clearly."""
    if isinstance(text, bool):
        raise InvalidInput(f"The {field} must be a number of money.", field)
    if isinstance(text, int):
        value = Decimal(text)
    elif isinstance(text, Decimal):
        value = text
    else:
        cleaned = str(text).strip().replace("\u00a0", "").replace(" ", "")
        if not _AMOUNT_RE.match(cleaned):
            raise InvalidInput(f"The {field} must be a number such as 12.50.", field)
        try:
            value = Decimal(cleaned.replace(",", "."))
        except InvalidOperation as exc:  # pragma: no cover - regex already guards
            raise InvalidInput(f"The {field} must be a number such as 12.50.", field) from exc
    if not value.is_finite():
        raise InvalidInput(f"The {field} must be a number such as 12.50.", field)
    # Bound the size before any arithmetic: Decimal multiplication rounds to 28 digits, which
    # would turn "12.0000000000000000000000000001" into exactly 12.00 instead of refusing it.
    if value < 0:
        raise InvalidInput(f"The {field} cannot be negative.", field)
    if value > Decimal(MAX_AMOUNT) / MINOR_PER_MAJOR:
        raise InvalidInput(f"The {field} is too large.", field)
    if value != value.quantize(_CENT):  # exact comparison, no rounding involved
        raise InvalidInput(f"The {field} has more than two decimal places.", field)
    return check_amount(int(value * MINOR_PER_MAJOR), field, allow_zero=allow_zero)


def check_amount(minor: int, field: str = "amount", *, allow_zero: bool = True) -> int:
    """Validate an amount already in minor units (from code, not from a keyboard)."""
    if isinstance(minor, bool) or not isinstance(minor, int):
        raise InvalidInput(f"The {field} must be a whole number of cents.", field)
    if minor < 0:
        raise InvalidInput(f"The {field} cannot be negative.", field)
    if minor == 0 and not allow_zero:
        raise InvalidInput(f"The {field} must be more than zero.", field)
    if minor > MAX_AMOUNT:
        raise InvalidInput(f"The {field} is too large.", field)
    return minor


def parse_quantity(text: str | int, field: str = "quantity") -> int:
    """A count of units: a whole number from 1 to MAX_QUANTITY."""
    if isinstance(text, bool):
        raise InvalidInput(f"The {field} must be a whole number.", field)
    if isinstance(text, int):
        value = text
    else:
        cleaned = str(text).strip()
        if not re.fullmatch(r"[+]?\d{1,9}", cleaned):
            raise InvalidInput(f"The {field} must be a whole number such as 3.", field)
        value = int(cleaned)
    if value <= 0:
        raise InvalidInput(f"The {field} must be at least 1.", field)
    if value > MAX_QUANTITY:
        raise InvalidInput(f"The {field} cannot be more than {MAX_QUANTITY:,}.", field)
    return value


def parse_rate(text: str | int | Decimal, field: str = "tax rate") -> int:
    """A percentage ("20", "8.875") as parts per million."""
    if isinstance(text, bool):
        raise InvalidInput(f"The {field} must be a percentage.", field)
    try:
        value = Decimal(str(text).strip().rstrip("%").strip().replace(",", "."))
    except InvalidOperation as exc:
        raise InvalidInput(f"The {field} must be a percentage such as 20 or 8.875.", field) from exc
    if not value.is_finite():
        raise InvalidInput(f"The {field} must be a percentage such as 20 or 8.875.", field)
    # Range first: "1e999999" would overflow, and long fractions would be rounded silently.
    if not 0 <= value <= 100:
        raise InvalidInput(f"The {field} must be between 0 and 100 %.", field)
    if value != value.quantize(_RATE_STEP):
        raise InvalidInput(f"The {field} has too many decimal places.", field)
    return check_rate(int(value * PPM / 100), field)


def check_rate(ppm: int, field: str = "tax rate") -> int:
    if isinstance(ppm, bool) or not isinstance(ppm, int) or not 0 <= ppm <= MAX_RATE_PPM:
        raise InvalidInput(f"The {field} must be between 0 and 100 %.", field)
    return ppm


def tax_on(net_minor: int, rate_ppm: int) -> int:
    """Tax on a tax-exclusive amount, rounded half-up to the cent: the one rounding rule."""
    exact = Decimal(net_minor) * Decimal(rate_ppm) / PPM
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def format_amount(minor: int) -> str:
    """Plain "1234.50" (no locale): for logs, CLI output and receipts' machine fields.
    Takes what a database SUM hands back too (PostgreSQL: an integral Decimal)."""
    minor = int(minor)
    sign = "-" if minor < 0 else ""
    major, cents = divmod(abs(minor), MINOR_PER_MAJOR)
    return f"{sign}{major}.{cents:02d}"


def format_rate(ppm: int) -> str:
    """20 % for 200000, 8.875 % for 88750."""
    pct = (Decimal(ppm) * 100 / PPM).normalize()
    return f"{pct:f} %"
