"""What makes a product or customer record acceptable, checked before any database work."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import InvalidInput
from .money import check_amount, check_rate, parse_amount, parse_rate

_CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$")
_CUSTOMER_RE = re.compile(r"^[A-Z0-9]{1,10}$")


MAX_RECORD_NUMBER = 2**63 - 1


def is_record_number(value: object) -> bool:
    """Products and orders are numbered 1, 2, 3 …: anything else names no record. Checked
    before any query because SQLite's driver raises OverflowError past 64 bits."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_RECORD_NUMBER


def _text(value: str, field: str, limit: int, *, required: bool = True) -> str:
    value = " ".join((value or "").split())
    if required and not value:
        raise InvalidInput(f"The {field} cannot be empty.", field)
    if len(value) > limit:
        raise InvalidInput(f"The {field} is too long ({limit} characters at most).", field)
    if any(ord(ch) < 32 for ch in value):
        raise InvalidInput(f"The {field} has control characters.", field)
    return value


def check_code(value: str, field: str) -> str:
    value = (value or "").strip()
    if not _CODE_RE.match(value):
        raise InvalidInput(
            f"The {field} must be 1 to 32 letters, digits, dots, dashes or underscores.", field
        )
    return value


@dataclass(frozen=True)
class ProductDraft:
    """A product as typed into the product dialog, validated field by field."""

    sku: str
    name: str
    unit_price: int
    unit_cost: int = 0
    tax_rate_ppm: int = 0
    barcode: str | None = None
    active: bool = True

    @classmethod
    def from_text(
        cls,
        *,
        sku: str,
        name: str,
        price: str,
        cost: str = "0",
        tax_rate: str = "0",
        barcode: str = "",
        active: bool = True,
    ) -> ProductDraft:
        return cls(
            sku=sku,
            name=name,
            unit_price=parse_amount(price, "price"),
            unit_cost=parse_amount(cost, "cost"),
            tax_rate_ppm=parse_rate(tax_rate),
            barcode=barcode or None,
            active=active,
        ).validated()

    def validated(self) -> ProductDraft:
        # Drafts hold minor units already (from_text converted them): check, never re-parse.
        check_amount(self.unit_price, "price", allow_zero=False)
        check_amount(self.unit_cost, "cost")
        check_rate(self.tax_rate_ppm)
        return ProductDraft(
            sku=check_code(self.sku, "SKU"),
            name=_text(self.name, "name", 120),
            unit_price=self.unit_price,
            unit_cost=self.unit_cost,
            tax_rate_ppm=self.tax_rate_ppm,
            barcode=check_code(self.barcode, "barcode") if self.barcode else None,
            active=bool(self.active),
        )


@dataclass(frozen=True)
class CustomerDraft:
    code: str
    company: str
    contact: str = ""
    country: str = ""

    def validated(self) -> CustomerDraft:
        code = (self.code or "").strip().upper()
        if not _CUSTOMER_RE.match(code):
            raise InvalidInput("The customer code must be 1 to 10 letters or digits.", "code")
        return CustomerDraft(
            code=code,
            company=_text(self.company, "company", 80),
            contact=_text(self.contact, "contact", 80, required=False),
            country=_text(self.country, "country", 40, required=False),
        )
