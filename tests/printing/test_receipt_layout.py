"""Receipt layout: widths, long names, totals, taxes per rate, tenders (no Qt, no database)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timezone

import pytest

from pos_app.domain.receipt import Receipt, ReceiptLine
from pos_app.domain.receipt_layout import (
    layout_receipt,
    pair,
    receipt_html,
    receipt_parts,
    receipt_text,
)
from pos_app.domain.settings import PrinterSettings, StoreSettings
from pos_app.domain.tender import Payment, TenderKind

WHEN = datetime(2025, 1, 5, 14, 3, tzinfo=timezone.utc)
LONG_NAME = "Sir Rodney's Marmalade in the big family jar with a very long name indeed"


def receipt(**changes) -> Receipt:
    lines = (
        ReceiptLine("Chai", "CHAI", 2, 1800, 3600, 720, 200_000),
        ReceiptLine(LONG_NAME, "MARM", 1, 8100, 8100, 405, 50_000),
        ReceiptLine("Tofu", "TOFU", 1, 2325, 2325, 116, 50_000),
    )
    base = Receipt(
        order_id=5,
        receipt_no=17,
        completed_at=WHEN,
        lines=lines,
        subtotal=14025,
        tax=1241,
        total=15266,
        payments=(
            Payment(TenderKind.CARD, 5000, 5000, 0),
            Payment(TenderKind.CASH, 10266, 20000, 9734),
        ),
        cashier="Olive",
        till_name="Till 1",
    )
    return replace(base, **changes)


SETTINGS = StoreSettings(
    store_name="Corner Shop",
    address="12 Main Street\nDublin 2",
    tax_number="IE1234567X",
    receipt_footer="Thank you!\nReturns within 30 days.",
)


def fixed_time(_moment: datetime) -> str:
    return "05/01/2025 14:03"


@pytest.mark.parametrize("width", [16, 24, 32, 42, 48, 64])
def test_no_row_is_wider_than_the_paper(width):
    rows = layout_receipt(receipt(), SETTINGS, width=width, when=fixed_time, reprint=True)
    assert rows
    assert max(len(row.text) for row in rows) <= width
    text = "\n".join(row.text for row in rows)
    # The figures a customer checks are never cut, whatever the width.
    for figure in ("152.66", "140.25", "200.00", "97.34", "36.00", "81.00", "23.25"):
        assert figure in text, (width, figure)
    assert "17" in text and "REPRINT" in text


def test_header_facts_lines_totals_tenders_and_footer_in_order():
    text = receipt_text(receipt(), SETTINGS, width=42, when=fixed_time)
    lines = text.splitlines()
    assert lines[0].strip() == "Corner Shop"
    assert "12 Main Street" in lines[1] and "Dublin 2" in lines[2]
    assert "Tax no. IE1234567X" in lines[3]
    assert any(line.startswith("Receipt 17") and line.endswith("05/01/2025 14:03") for line in lines)
    assert any("Cashier: Olive" in line and line.endswith("Till: Till 1") for line in lines)
    order = ["\nChai", "2 x 18.00", "\nTofu", "\nSubtotal", "\nTOTAL", "\nCard", "\nCash ", "\nChange", "Thank you!"]
    positions = [text.index(word) for word in order]
    assert positions == sorted(positions)
    assert text.rstrip().endswith("Returns within 30 days.")


def test_long_names_wrap_to_two_rows_then_are_cut_with_an_ellipsis():
    rows = [row.text for row in layout_receipt(receipt(), SETTINGS, width=32, when=fixed_time)]
    first = next(i for i, r in enumerate(rows) if r.startswith("Sir Rodney's"))
    assert rows[first].rstrip().endswith("81.00 B")
    assert rows[first + 1].endswith("…")  # second row, cut
    assert rows[first + 2].startswith("Tofu")  # never a third row
    wide = receipt_text(receipt(), SETTINGS, width=64, when=fixed_time)
    assert "long name indeed\n" in wide and "…" not in wide  # two rows were enough


def test_several_rates_get_codes_and_a_line_each_with_their_names():
    text = receipt_text(receipt(), SETTINGS, width=42, when=fixed_time)
    assert "36.00 A" in text and "81.00 B" in text and "23.25 B" in text
    assert pair("A Standard 20 % on 36.00", "7.20", 42) in text
    assert pair("B Reduced 5 % on 104.25", "5.21", 42) in text


def test_a_single_rate_needs_no_codes():
    single = receipt(
        lines=(ReceiptLine("Chai", "CHAI", 2, 1800, 3600, 720, 200_000),),
        subtotal=3600,
        tax=720,
        total=4320,
        payments=(Payment(TenderKind.CASH, 4320, 5000, 680),),
    )
    text = receipt_text(single, SETTINGS, width=32, when=fixed_time)
    assert "36.00 A" not in text
    assert pair("Standard 20 %", "7.20", 32) in text
    assert pair("TOTAL", "43.20", 32) in text
    assert pair("Cash", "50.00", 32) in text and pair("Change", "6.80", 32) in text


def test_money_goes_through_the_formatter_given():
    text = receipt_text(receipt(), SETTINGS, money=lambda m: f"€{m / 100:,.2f}".replace(".", ","))
    assert "€152,66" in text and "€97,34" in text


def test_card_only_sale_has_no_change_line():
    card = receipt(payments=(Payment(TenderKind.CARD, 15266, 15266, 0),))
    text = receipt_text(card, SETTINGS, when=fixed_time)
    assert "Change" not in text and pair("Card", "152.66", 42) in text


@dataclass(frozen=True)
class DiscountedLine:
    name: str
    sku: str
    quantity: int
    unit_price: int
    net: int
    tax: int
    tax_rate_ppm: int
    discount: int = 0
    sale_discount: int = 0
    tax_included: bool = False


@dataclass(frozen=True)
class RichReceipt:
    """What a receipt with PRICING's fields looks like (read through getattr)."""

    order_id: int
    receipt_no: int
    completed_at: datetime
    lines: tuple
    subtotal: int
    tax: int
    total: int
    payments: tuple
    customer_code: str | None = None
    cashier: str = ""
    till_name: str = ""
    sale_discount: int = 0
    cash_rounding: int = 0
    prices_include_tax: bool = False

    @property
    def change(self) -> int:
        return sum(p.change for p in self.payments)


def test_discounts_and_cash_rounding_are_shown_when_the_receipt_has_them():
    lines = (DiscountedLine("Chai", "CHAI", 2, 1800, 3060, 612, 200_000, discount=360, sale_discount=180),)
    rich = RichReceipt(
        1, 9, WHEN, lines, 3060, 612, 3672,
        (Payment(TenderKind.CASH, 3670, 4000, 330),),
        sale_discount=180, cash_rounding=-2,
    )
    text = receipt_text(rich, SETTINGS, width=40, when=fixed_time)
    assert pair("  Discount", "-3.60", 40) in text
    assert pair("Sale discount", "-1.80", 40) in text
    assert pair("Cash rounding", "-0.02", 40) in text
    assert pair("Cash total", "36.70", 40) in text


def test_tax_inclusive_prices_show_the_tax_included_after_the_total():
    lines = (DiscountedLine("Chai", "CHAI", 1, 1200, 1000, 200, 200_000, tax_included=True),)
    rich = RichReceipt(
        1, 9, WHEN, lines, 1000, 200, 1200, (Payment(TenderKind.CARD, 1200, 1200, 0),),
        prices_include_tax=True,
    )
    text = receipt_text(rich, SETTINGS, width=40, when=fixed_time)
    assert "Subtotal" not in text
    assert text.index("TOTAL") < text.index("Tax included")
    assert pair("Standard 20 % in 12.00", "2.00", 40) in text


def test_reprint_of_the_same_receipt_reads_the_same_apart_from_the_mark():
    original = receipt_text(receipt(), SETTINGS, when=fixed_time)
    copy = receipt_text(receipt(), SETTINGS, when=fixed_time, reprint=True)
    assert [l for l in copy.splitlines() if "REPRINT" not in l] == original.splitlines()  # noqa: E741


def test_width_defaults_to_the_printers_and_never_goes_below_sixteen():
    narrow = replace(SETTINGS, printer=PrinterSettings(width_chars=32))
    assert max(len(r.text) for r in layout_receipt(receipt(), narrow, when=fixed_time)) == 32
    assert max(len(r.text) for r in layout_receipt(receipt(), narrow, width=3, when=fixed_time)) <= 16


def test_styles_tell_a_printer_what_to_make_large_and_bold():
    rows = layout_receipt(receipt(), SETTINGS, when=fixed_time)
    assert rows[0].style == "title" and rows[0].text.strip() == "Corner Shop"
    strong = [r.text for r in rows if r.style == "strong"]
    assert any(t.startswith("TOTAL") for t in strong) and any(t.startswith("Change") for t in strong)


def test_html_escapes_and_carries_the_same_figures():
    shop = replace(SETTINGS, store_name="Tom & Jerry's <Deli>")
    markup = receipt_html(receipt(), shop, when=fixed_time)
    assert "Tom &amp; Jerry&#x27;s &lt;Deli&gt;" in markup
    for figure in ("152.66", "140.25", "97.34", "Receipt 17", "Cashier: Olive"):
        assert figure in markup
    assert "<table" in markup and "<script" not in markup


def test_parts_without_settings_use_the_defaults():
    parts = receipt_parts(receipt(), when=fixed_time)
    assert parts.header == ("My Store",)
    assert parts.footer == ("Thank you for shopping with us.",)
