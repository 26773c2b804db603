"""How a receipt is laid out: the same parts for the screen, a thermal printer and a PDF.

Everything comes from the stored ``Receipt`` (so a reprint reads like the original) and the
store's settings (name, address, tax number, footer, tax rate names, paper width). Money is
formatted by a function the caller passes: the UI passes the locale's formatter, a printer
or a test may keep the plain ``format_amount``. No Qt, no database.

Discounts, a per-rate tax breakdown and cash rounding are read with ``getattr`` and
defaults, so receipts of sales made before those existed still lay out.
"""

from __future__ import annotations

import html
import textwrap
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone

from .money import format_amount, format_rate
from .receipt import Receipt
from .settings import StoreSettings
from .tender import TenderKind

Money = Callable[[int], str]
MIN_WIDTH = 16
MAX_NAME_ROWS = 2  # a longer product name is cut, with an ellipsis, after two rows
ELLIPSIS = "…"


def local_time_text(moment: datetime, locale: str = "en_IE") -> str:
    """Stored times are UTC; a receipt shows the till's own clock, in the store's locale."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    local = moment.astimezone()
    try:
        from babel.dates import format_date, format_time

        return f"{format_date(local, 'medium', locale=locale)} {format_time(local, 'HH:mm', locale=locale)}"
    except Exception:  # noqa: BLE001 - a junk locale must never stop a receipt
        return local.strftime("%Y-%m-%d %H:%M")


# -- the parts of a receipt ---------------------------------------------------------------
@dataclass(frozen=True)
class Item:
    """One sold line: ``detail`` is "2 x 18.00" (empty for a single unit), ``code`` ties the
    line to its tax rate in the summary when a receipt has several rates."""

    name: str
    detail: str
    amount: str
    code: str = ""
    adjustments: tuple[tuple[str, str], ...] = ()  # ("Discount", "-3.60")


@dataclass(frozen=True)
class Figure:
    label: str
    amount: str
    strong: bool = False


@dataclass(frozen=True)
class ReceiptParts:
    header: tuple[str, ...]  # store name first, then address lines and tax number
    facts: tuple[tuple[str, str], ...]  # ("Receipt 17", "5 Jan 2025 14:03"), cashier, till …
    items: tuple[Item, ...]
    totals: tuple[Figure, ...]
    taxes: tuple[Figure, ...]
    tenders: tuple[Figure, ...]
    footer: tuple[str, ...]
    notice: str = ""  # "REPRINT" on a copy
    codes_used: bool = False


@dataclass(frozen=True)
class TaxGroup:
    rate_ppm: int
    net: int
    tax: int


def _discount_of(line: object) -> int:
    return int(getattr(line, "discount", 0) or 0)


def _sale_discount_of(line: object) -> int:
    return int(getattr(line, "sale_discount", 0) or 0)


def _prices_include_tax(receipt: Receipt) -> bool:
    stored = getattr(receipt, "prices_include_tax", None)
    if stored is not None:
        return bool(stored)
    return any(getattr(line, "tax_included", False) for line in receipt.lines)


def tax_groups(receipt: Receipt) -> list[TaxGroup]:
    """Net and tax per rate, highest rate first: the receipt's own breakdown when it has
    one (tax rounded on the total of each rate), else summed from its lines."""
    stored = getattr(receipt, "taxes", None) or getattr(receipt, "tax_breakdown", None)
    if stored:
        groups = []
        for entry in stored:
            if isinstance(entry, tuple) and not hasattr(entry, "_fields"):
                rate, net, tax = entry[:3]
            else:
                rate = getattr(entry, "rate_ppm", getattr(entry, "tax_rate_ppm", 0))
                net, tax = getattr(entry, "net", 0), getattr(entry, "tax", 0)
            groups.append(TaxGroup(int(rate), int(net), int(tax)))
        return sorted(groups, key=lambda g: -g.rate_ppm)
    sums: dict[int, list[int]] = {}
    for line in receipt.lines:
        entry = sums.setdefault(line.tax_rate_ppm, [0, 0])
        entry[0] += line.net
        entry[1] += line.tax
    groups = [TaxGroup(rate, net, tax) for rate, (net, tax) in sums.items()]
    if len(groups) == 1 and groups[0].tax != receipt.tax:  # rounded on the total
        groups = [TaxGroup(groups[0].rate_ppm, groups[0].net, receipt.tax)]
    return sorted(groups, key=lambda g: -g.rate_ppm)


def _rate_name(settings: StoreSettings, rate_ppm: int) -> str:
    for rate in settings.tax_rates:
        if rate.rate_ppm == rate_ppm:
            return rate.name
    return ""


def _tender_label(kind: object) -> str:
    value = getattr(kind, "value", kind)
    return {"cash": "Cash", "card": "Card"}.get(str(value), str(value).title())


def _split_lines(text: str) -> list[str]:
    return [part.strip() for part in text.replace("\r", "").split("\n") if part.strip()]


def receipt_parts(
    receipt: Receipt,
    settings: StoreSettings | None = None,
    *,
    money: Money = format_amount,
    when: Callable[[datetime], str] | None = None,
    reprint: bool = False,
) -> ReceiptParts:
    """What the receipt says, in order, before any width or markup is chosen."""
    settings = settings or StoreSettings()
    when = when or (lambda moment: local_time_text(moment, settings.locale))
    include_tax = _prices_include_tax(receipt)

    header = [settings.store_name.strip() or "Receipt"]
    header += _split_lines(settings.address)
    if settings.tax_number.strip():
        header.append(f"Tax no. {settings.tax_number.strip()}")

    facts = [(f"Receipt {receipt.receipt_no}", when(receipt.completed_at))]
    people = []
    if receipt.cashier:
        people.append(("Cashier", receipt.cashier))
    if receipt.till_name:
        people.append(("Till", receipt.till_name))
    if len(people) == 2:
        facts.append((f"{people[0][0]}: {people[0][1]}", f"{people[1][0]}: {people[1][1]}"))
    elif people:
        facts.append((f"{people[0][0]}: {people[0][1]}", ""))
    if receipt.customer_code:
        facts.append((f"Customer {receipt.customer_code}", ""))

    groups = tax_groups(receipt)
    codes_used = len(groups) > 1
    code_of = {g.rate_ppm: chr(ord("A") + i) for i, g in enumerate(groups)} if codes_used else {}

    items = []
    for line in receipt.lines:
        gross = line.unit_price * line.quantity
        adjustments = []
        if _discount_of(line):
            adjustments.append(("Discount", money(-_discount_of(line))))
        items.append(
            Item(
                name=line.name,
                detail=f"{line.quantity} x {money(line.unit_price)}" if line.quantity != 1 else "",
                amount=money(gross),
                code=code_of.get(line.tax_rate_ppm, ""),
                adjustments=tuple(adjustments),
            )
        )

    totals: list[Figure] = []
    sale_discount = (
        int(getattr(receipt, "sale_discount", 0) or 0)
        or int(getattr(receipt, "discount", 0) or 0)
        or sum(_sale_discount_of(line) for line in receipt.lines)
    )
    if sale_discount:
        totals.append(Figure("Sale discount", money(-sale_discount)))
    taxes: list[Figure] = []
    for group in groups:
        name = _rate_name(settings, group.rate_ppm) or "Tax"
        code = f"{code_of[group.rate_ppm]} " if codes_used else ""
        base = group.net + (group.tax if include_tax else 0)
        label = f"{code}{name} {format_rate(group.rate_ppm)}"
        if codes_used or include_tax:
            label += f" {'in' if include_tax else 'on'} {money(base)}"
        taxes.append(Figure(label, money(group.tax)))
    if not include_tax:  # tax is added: subtotal, tax per rate, total
        totals.append(Figure("Subtotal", money(receipt.subtotal)))
        totals += taxes or [Figure("Tax", money(receipt.tax))]
        taxes = []
    totals.append(Figure("TOTAL", money(receipt.total), strong=True))
    rounding = int(getattr(receipt, "cash_rounding", 0) or 0)
    if rounding:
        totals.append(Figure("Cash rounding", money(rounding)))
        totals.append(Figure("Cash total", money(receipt.total + rounding), strong=True))
    if include_tax:  # tax is in the prices: the total, then what of it was tax
        taxes = [Figure("Tax included:", "")] + taxes if taxes else [
            Figure("Tax included", money(receipt.tax))
        ]

    tenders = []
    for payment in receipt.payments:
        shown = payment.given if payment.kind == TenderKind.CASH else payment.applied
        tenders.append(Figure(_tender_label(payment.kind), money(shown)))
    if receipt.change or any(p.kind == TenderKind.CASH for p in receipt.payments):
        tenders.append(Figure("Change", money(receipt.change), strong=True))

    return ReceiptParts(
        header=tuple(header),
        facts=tuple(facts),
        items=tuple(items),
        totals=tuple(totals),
        taxes=tuple(taxes),
        tenders=tuple(tenders),
        footer=tuple(_split_lines(settings.receipt_footer)),
        notice="REPRINT" if reprint else "",
        codes_used=codes_used,
    )


# -- fixed-width text (screen and thermal printers) -----------------------------------------
@dataclass(frozen=True)
class Row:
    """One printed line; ``style`` tells a printer how to show it: "title" (large, centred),
    "centre", "text", "rule" or "strong" (bold)."""

    text: str
    style: str = "text"


@dataclass
class _Rows:
    width: int
    rows: list[Row] = field(default_factory=list)

    def add(self, text: str, style: str = "text") -> None:
        self.rows.append(Row(text.rstrip(), style))

    def rule(self) -> None:
        self.add("-" * self.width, "rule")

    def centred(self, text: str, style: str = "centre") -> None:
        for part in textwrap.wrap(text, self.width) or [""]:
            self.add(part.center(self.width).rstrip(), style)

    def pair(self, left: str, right: str, style: str = "text") -> None:
        for text in pair_rows(left, right, self.width):
            self.add(text, style)


def cut(text: str, width: int) -> str:
    """``text`` in at most ``width`` characters, an ellipsis marking what was cut."""
    if width <= 0:
        return ""
    return text if len(text) <= width else text[: width - 1] + ELLIPSIS


def pair(left: str, right: str, width: int) -> str:
    """Left text and a right-aligned figure on one line; the text gives way, never the figure."""
    if len(right) >= width:
        return right[-width:]
    room = width - len(right) - 1
    left = cut(left, room)
    return f"{left}{' ' * (width - len(left) - len(right))}{right}"


def pair_rows(left: str, right: str, width: int) -> list[str]:
    """Like ``pair``, but a label too long for one row wraps instead of being cut: the
    figure goes on the label's last row, or on a row of its own."""
    if len(left) + len(right) + 1 <= width or not left:
        return [pair(left, right, width)]
    rows = textwrap.wrap(left, width, break_long_words=True)
    if right and len(rows[-1]) + len(right) + 1 <= width:
        rows[-1] = pair(rows[-1], right, width)
    elif right:
        rows.append(right.rjust(width)[-width:])
    return rows


def _name_rows(name: str, room: int) -> list[str]:
    rows = textwrap.wrap(name, room, break_long_words=True) or [""]
    if len(rows) > MAX_NAME_ROWS:
        rest = " ".join(rows[MAX_NAME_ROWS - 1 :])
        rows = rows[: MAX_NAME_ROWS - 1] + [cut(rest, room)]
    return rows


def layout_receipt(
    receipt: Receipt,
    settings: StoreSettings | None = None,
    *,
    width: int | None = None,
    money: Money = format_amount,
    when: Callable[[datetime], str] | None = None,
    reprint: bool = False,
) -> list[Row]:
    """The receipt as rows of at most ``width`` characters (default: the printer's width)."""
    settings = settings or StoreSettings()
    width = max(MIN_WIDTH, width or settings.printer.width_chars)
    parts = receipt_parts(receipt, settings, money=money, when=when, reprint=reprint)
    out = _Rows(width)
    out.centred(parts.header[0], "title")
    for text in parts.header[1:]:
        out.centred(text)
    if parts.notice:
        out.centred(f"*** {parts.notice} ***", "strong")
    out.rule()
    for left, right in parts.facts:
        out.pair(left, right)
    out.rule()
    suffix = 2 if parts.codes_used else 0
    for item in parts.items:
        amount = f"{item.amount} {item.code}" if item.code else item.amount
        amount = amount.ljust(len(item.amount) + suffix) if suffix else amount
        names = _name_rows(item.name, max(4, width - len(amount) - 1))
        out.pair(names[0], amount)
        for more in names[1:]:
            out.add(more)
        if item.detail:
            out.add(cut(f"  {item.detail}", width))
        for label, figure in item.adjustments:
            out.pair(f"  {label}", figure + " " * suffix)
    out.rule()
    for figure in parts.totals:
        out.pair(figure.label, figure.amount, "strong" if figure.strong else "text")
    if parts.taxes:
        for figure in parts.taxes:
            out.pair(figure.label, figure.amount)
    if parts.tenders:
        out.rule()
        for figure in parts.tenders:
            out.pair(figure.label, figure.amount, "strong" if figure.strong else "text")
    if parts.footer:
        out.add("")
        for text in parts.footer:
            out.centred(text)
    return out.rows


def receipt_text(receipt: Receipt, settings: StoreSettings | None = None, **options) -> str:
    """The receipt as plain fixed-width text (see ``layout_receipt`` for the options)."""
    return "\n".join(row.text for row in layout_receipt(receipt, settings, **options))


# -- HTML for QTextDocument (QPrinter and PDF) ------------------------------------------------
INDENT = "&nbsp;" * 4


def _cells(*cells: tuple[str, str], strong: bool = False, indent: bool = False) -> str:
    """One table row; text is escaped, the first cell optionally indented."""
    tag_open, tag_close = ("<b>", "</b>") if strong else ("", "")
    tds = []
    for index, (text, align) in enumerate(cells):
        lead = INDENT if indent and index == 0 else ""
        tds.append(f'<td align="{align}">{lead}{tag_open}{html.escape(text)}{tag_close}</td>')
    return "<tr>" + "".join(tds) + "</tr>"


def _figures(figures: Iterable[Figure]) -> str:
    return "".join(
        _cells((f.label, "left"), (f.amount, "right"), strong=f.strong) for f in figures
    )


def receipt_html(
    receipt: Receipt,
    settings: StoreSettings | None = None,
    *,
    money: Money = format_amount,
    when: Callable[[datetime], str] | None = None,
    reprint: bool = False,
) -> str:
    """The receipt as simple HTML (what QTextDocument renders): centred header, a table of
    lines with right-aligned amounts, totals, taxes, tenders and the footer."""
    parts = receipt_parts(receipt, settings, money=money, when=when, reprint=reprint)
    esc = html.escape
    out = ['<html><body style="font-size: 9pt;">', '<div align="center">']
    out.append(f'<p style="font-size: 13pt;"><b>{esc(parts.header[0])}</b></p>')
    if parts.header[1:]:
        out.append("<p>" + "<br>".join(esc(t) for t in parts.header[1:]) + "</p>")
    if parts.notice:
        out.append(f"<p><b>*** {esc(parts.notice)} ***</b></p>")
    out.append("</div>")
    table = '<table width="100%" cellspacing="0" cellpadding="1">'
    out.append(table + "".join(_cells((l, "left"), (r, "right")) for l, r in parts.facts))  # noqa: E741
    out.append("</table><hr>")
    out.append(table)
    pad = "\u00a0\u00a0\u00a0" if parts.codes_used else ""  # about the width of " A"
    for item in parts.items:
        amount = f"{item.amount}\u00a0{item.code}" if item.code else item.amount
        out.append(_cells((item.name, "left"), (amount, "right")))
        if item.detail:
            out.append(_cells((item.detail, "left"), ("", "right"), indent=True))
        for label, figure in item.adjustments:
            out.append(_cells((label, "left"), (figure + pad, "right"), indent=True))
    out.append("</table><hr>")
    out.append(table + _figures(parts.totals) + "</table>")
    if parts.taxes:
        out.append(table + _figures(parts.taxes) + "</table>")
    if parts.tenders:
        out.append("<hr>" + table + _figures(parts.tenders) + "</table>")
    if parts.footer:
        out.append('<p align="center">' + "<br>".join(esc(t) for t in parts.footer) + "</p>")
    out.append("</body></html>")
    return "\n".join(out)
