"""A till session's figures: what the drawer and the card terminal should hold, and the
X report (any time) and Z report (at closing) built from them.

Nothing here touches a database: the repository sums the session's sales, refunds and cash
movements in SQL and hands the sums to ``tender_figures`` / ``TillReport``; the expected
amounts and the over/short are worked out here, in one place, for the screen, the printer
and the ledger alike.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime

from .errors import InvalidInput
from .money import check_amount, format_amount, parse_amount
from .postings import Accounts, Posting, balanced, credit, debit
from .tender import TenderKind

MAX_REASON = 120
TENDERS: tuple[TenderKind, ...] = (TenderKind.CASH, TenderKind.CARD)
# Where each tender's counting difference is booked against Till over and short (5200).
COUNT_ACCOUNT = {TenderKind.CASH: Accounts.CASH, TenderKind.CARD: Accounts.CARD_CLEARING}
TENDER_LABEL = {TenderKind.CASH: "Cash", TenderKind.CARD: "Card"}


@dataclass(frozen=True)
class TenderFigures:
    """One tender in one session. ``expected`` is what should be there at closing:
    cash = float + cash sales − cash refunds + cash in − cash out; card = sales − refunds."""

    tender: TenderKind
    opening_float: int = 0
    sales: int = 0
    refunds: int = 0
    cash_in: int = 0
    cash_out: int = 0
    counted: int | None = None  # known once the session is closed

    @property
    def expected(self) -> int:
        return self.opening_float + self.sales - self.refunds + self.cash_in - self.cash_out

    @property
    def over_short(self) -> int | None:
        """Counted minus expected: positive is over, negative is short."""
        return None if self.counted is None else self.counted - self.expected


def tender_figures(
    tender: TenderKind | str,
    *,
    opening_float: int = 0,
    sales: int = 0,
    refunds: int = 0,
    cash_in: int = 0,
    cash_out: int = 0,
    counted: int | None = None,
) -> TenderFigures:
    """Figures for one tender; the float and cash movements only ever belong to cash."""
    tender = TenderKind(tender)
    if tender != TenderKind.CASH:
        opening_float = cash_in = cash_out = 0
    return TenderFigures(tender, opening_float, sales, refunds, cash_in, cash_out, counted)


@dataclass(frozen=True)
class TillReport:
    """An X report while the session is open, a Z report once it is closed (``z_no``)."""

    session_id: int
    till_name: str
    opened_by: str
    opened_at: datetime
    opening_float: int
    sales_count: int = 0
    refunds_count: int = 0
    net: int = 0  # sales before tax, after discounts
    tax: int = 0
    discounts: int = 0  # line and whole-sale discounts given
    refunds_net: int = 0
    refunds_tax: int = 0
    cash_in_count: int = 0
    cash_out_count: int = 0
    tenders: tuple[TenderFigures, ...] = field(default_factory=tuple)
    status: str = "open"
    z_no: int | None = None
    closed_by: str | None = None
    closed_at: datetime | None = None

    @property
    def is_closed(self) -> bool:
        return self.status == "closed"

    @property
    def gross(self) -> int:
        """Sales including tax."""
        return self.net + self.tax

    @property
    def refunds_total(self) -> int:
        return sum(t.refunds for t in self.tenders)

    @property
    def taken(self) -> int:
        """Everything the tenders took in sales (cash rounding included)."""
        return sum(t.sales for t in self.tenders)

    @property
    def expected_total(self) -> int:
        return sum(t.expected for t in self.tenders)

    @property
    def over_short(self) -> int | None:
        """Total over (+) or short (−) over every tender; None while open."""
        if not self.is_closed:
            return None
        return sum(t.over_short or 0 for t in self.tenders)

    def tender(self, kind: TenderKind | str) -> TenderFigures:
        kind = TenderKind(kind)
        for figures in self.tenders:
            if figures.tender == kind:
                return figures
        return tender_figures(kind)

    def with_counts(self, counted: Mapping[TenderKind, int]) -> TillReport:
        """The same figures with counted amounts filled in (what closing would show)."""
        return replace(
            self,
            tenders=tuple(
                replace(t, counted=counted.get(t.tender, t.counted)) for t in self.tenders
            ),
        )

    @property
    def title(self) -> str:
        return f"Z report {self.z_no}" if self.is_closed else "X report"


@dataclass(frozen=True)
class TillState:
    """What the Till screen shows at its top: this till's open session, if any, and the
    last closing."""

    till_name: str
    session_id: int | None = None
    opened_by: str | None = None
    opened_at: datetime | None = None
    opening_float: int = 0
    sales_count: int = 0
    last_z_no: int | None = None
    last_closed_at: datetime | None = None

    @property
    def is_open(self) -> bool:
        return self.session_id is not None


@dataclass(frozen=True)
class TillSessionSummary:
    """One line of the recent sessions list (Z reports to look at or print again)."""

    session_id: int
    till_name: str
    status: str
    opened_by: str
    opened_at: datetime
    closed_by: str | None
    closed_at: datetime | None
    z_no: int | None
    sales_count: int
    over_short: int | None


# -- what people type ----------------------------------------------------------------------
def parse_reason(text: object) -> str:
    """Why cash went in or out ("change from the bank", "paid the window cleaner")."""
    if not isinstance(text, str):
        raise InvalidInput("Say why the cash goes in or out.", "reason")
    reason = " ".join(text.split())
    if not reason:
        raise InvalidInput("Say why the cash goes in or out.", "reason")
    if len(reason) > MAX_REASON:
        raise InvalidInput(f"A reason is at most {MAX_REASON} characters.", "reason")
    if any(not ch.isprintable() for ch in reason):
        raise InvalidInput("A reason cannot contain control characters.", "reason")
    return reason


def parse_movement_amount(text: object) -> int:
    """Cash put in or taken out: more than zero."""
    if isinstance(text, int) and not isinstance(text, bool):
        return check_amount(text, "amount", allow_zero=False)
    if not isinstance(text, str):
        raise InvalidInput("The amount must be a number such as 12.50.", "amount")
    return parse_amount(text, "amount", allow_zero=False)


def parse_counts(texts: Mapping[TenderKind | str, object]) -> dict[TenderKind, int]:
    """Counted amounts per tender as typed at closing; every tender must be given (zero is a
    count too). Refuses the first bad one, naming its field ("counted cash")."""
    counts: dict[TenderKind, int] = {}
    given = {TenderKind(k): v for k, v in texts.items()}
    for tender in TENDERS:
        name = f"counted {tender.value}"
        value = given.get(tender)
        if value is None or (isinstance(value, str) and not value.strip()):
            raise InvalidInput(f"Type the {name} (0 if there is none).", name)
        if isinstance(value, int) and not isinstance(value, bool):
            counts[tender] = check_amount(value, name)
        elif isinstance(value, str):
            counts[tender] = parse_amount(value, name)
        else:
            raise InvalidInput(f"The {name} must be a number such as 12.50.", name)
    return counts


def check_counts(counted: Mapping[TenderKind | str, int]) -> dict[TenderKind, int]:
    """Counted amounts from code (cents): every tender present, none negative."""
    try:
        given = {TenderKind(k): v for k, v in counted.items()}
    except (ValueError, AttributeError, TypeError):
        raise InvalidInput(
            "Counted amounts are given per tender: cash and card.", "counted"
        ) from None
    missing = [t.value for t in TENDERS if t not in given]
    if missing:
        raise InvalidInput(f"Give the counted {' and '.join(missing)} (0 if none).", "counted")
    return {t: check_amount(given[t], f"counted {t.value}") for t in TENDERS}


# -- the ledger ------------------------------------------------------------------------------
def cash_movement_postings(kind: str, amount: int) -> list[Posting]:
    """Cash in comes from the safe/bank: Dr Cash / Cr Safe and bank; cash out the reverse."""
    amount = check_amount(amount, "amount", allow_zero=False)
    if kind in ("in", "out"):
        into, out_of = (
            (Accounts.CASH, Accounts.SAFE_AND_BANK)
            if kind == "in"
            else (Accounts.SAFE_AND_BANK, Accounts.CASH)
        )
        return balanced([Posting(into, debit=amount), Posting(out_of, credit=amount)])
    raise InvalidInput("Cash goes in or out.", "kind")


def over_short_postings(differences: Mapping[TenderKind, int]) -> list[Posting]:
    """Counting differences at closing. Over: Dr the tender's account / Cr Cash over and
    short; short: Dr Till over and short / Cr the tender's account. Empty when all agree."""
    postings: list[Posting | None] = []
    for tender in TENDERS:
        diff = differences.get(tender, 0)
        account = COUNT_ACCOUNT[tender]
        if diff > 0:
            postings += [debit(account, diff), credit(Accounts.CASH_OVER_SHORT, diff)]
        elif diff < 0:
            postings += [debit(Accounts.CASH_OVER_SHORT, -diff), credit(account, -diff)]
    found = [p for p in postings if p is not None]
    return balanced(found) if found else []


# -- printing --------------------------------------------------------------------------------
def _local(when: datetime | None) -> str:
    return "" if when is None else when.astimezone().strftime("%Y-%m-%d %H:%M")


def signed(minor: int, money: Callable[[int], str] = format_amount) -> str:
    """+1.50 over, -1.50 short, 0.00 exact."""
    if minor > 0:
        return "+" + money(minor)
    if minor < 0:
        return "-" + money(-minor)
    return money(0)


def till_report_text(
    report: TillReport,
    width: int = 42,
    *,
    store_name: str = "",
    money: Callable[[int], str] = format_amount,
    when: Callable[[datetime | None], str] = _local,
) -> list[str]:
    """The X or Z report as plain lines of at most ``width`` characters, for a receipt
    printer (or a PDF): pass the store's money format as ``money``."""
    width = max(24, int(width))

    def row(label: str, value: str = "") -> str:
        """Label on the left, value on the right; the label is cut first when short of room."""
        if not value:
            return label[:width]
        value = value[:width]
        label = label[: max(width - len(value) - 1, 0)]
        return label + " " * (width - len(label) - len(value)) + value

    def centre(text: str) -> str:
        return text[:width].center(width).rstrip()

    rule = "-" * width
    lines: list[str] = []
    if store_name:
        lines.append(centre(store_name))
    lines.append(centre(report.title.upper()))
    lines.append(centre(f"{report.till_name} - session {report.session_id}"))
    lines.append(rule)
    lines.append(row("Opened", when(report.opened_at)))
    lines.append(row("  by", report.opened_by))
    if report.is_closed:
        lines.append(row("Closed", when(report.closed_at)))
        lines.append(row("  by", report.closed_by or ""))
    else:
        lines.append(row("Printed", when(datetime.now().astimezone())))
    lines.append(row("Opening float", money(report.opening_float)))
    lines.append(rule)
    lines.append(row("Sales", str(report.sales_count)))
    lines.append(row("  Net", money(report.net)))
    lines.append(row("  Tax", money(report.tax)))
    lines.append(row("  Total", money(report.gross)))
    lines.append(row("  Discounts given", money(report.discounts)))
    lines.append(row("Refunds", str(report.refunds_count)))
    lines.append(row("  Total", money(report.refunds_total)))
    for figures in report.tenders:
        lines.append(rule)
        lines.append(TENDER_LABEL[figures.tender].upper())
        if figures.tender == TenderKind.CASH:
            lines.append(row("  Float", money(figures.opening_float)))
        lines.append(row("  Sales", money(figures.sales)))
        lines.append(row("  Refunds", signed(-figures.refunds, money)))
        if figures.tender == TenderKind.CASH:
            lines.append(row(f"  Cash in ({report.cash_in_count})", money(figures.cash_in)))
            lines.append(
                row(f"  Cash out ({report.cash_out_count})", signed(-figures.cash_out, money))
            )
        lines.append(row("  Expected", money(figures.expected)))
        if figures.counted is not None:
            lines.append(row("  Counted", money(figures.counted)))
            lines.append(row("  Over/short", signed(figures.over_short or 0, money)))
    lines.append(rule)
    if report.is_closed:
        lines.append(row("Total over/short", signed(report.over_short or 0, money)))
        lines.append(centre(f"Z {report.z_no}"))
    else:
        lines.append(row("Expected in all", money(report.expected_total)))
        lines.append(centre("Till still open"))
    return lines
