"""The store as the screens see it: read queries that return plain rows, and fresh units
of work for dialogs. Each read opens and closes its own short session, so any thread may
call it; screens never hold a Session or an ORM object.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from ..domain.cart import ProductSnapshot
from ..domain.catalogue import ProductDraft
from ..domain.staff import StaffMember
from ..persistence.engine import Database
from ..repositories.audit import AuditRepository, AuditRow
from ..repositories.catalogue import CatalogueRepository
from ..repositories.customers import CustomerRepository
from ..repositories.ledger import AccountBalance, LedgerRepository
from ..repositories.reports import (
    CashierSales,
    DaySales,
    ProductSales,
    ReportsRepository,
    TenderTakings,
    Zone,
)
from ..repositories.sales import SalesRepository
from ..repositories.staff import StaffRepository, StaffRow, staff_row
from ..repositories.unit_of_work import UnitOfWork
from .integrity import CheckReport, run_check
from .reports import ReportRequest, ReportResult, run_report


@dataclass(frozen=True)
class ProductRow:
    product_id: int
    sku: str
    barcode: str | None
    name: str
    unit_price: int
    unit_cost: int
    tax_rate_ppm: int
    stock_on_hand: int
    active: bool


@dataclass(frozen=True)
class CustomerRow:
    code: str
    company: str
    contact: str
    country: str


@dataclass(frozen=True)
class OrderRow:
    order_id: int
    customer_code: str
    company: str
    status: str
    created_at: datetime
    total: int
    lines: int


@dataclass(frozen=True)
class EntryRow:
    account_code: str
    account_name: str
    debit: int
    credit: int


@dataclass(frozen=True)
class JournalRow:
    transaction_id: int
    posted_at: datetime
    description: str
    kind: str
    entries: tuple[EntryRow, ...]


@dataclass(frozen=True)
class AccountRow:
    code: str
    name: str
    type: str


class Store:
    def __init__(self, db: Database):
        self.db = db

    @property
    def backend(self) -> str:
        return self.db.backend

    def unit_of_work(self) -> UnitOfWork:
        """A new unit of work for one dialog (opened by the dialog, closed when it closes)."""
        return UnitOfWork(self.db.writer)

    # -- catalogue ----------------------------------------------------------------------
    def lookup(self, code: str) -> ProductSnapshot | None:
        """What the scanner field calls: one indexed query by barcode, then SKU."""
        with self.db.reader() as session:
            return CatalogueRepository(session).sellable(code)

    def count_products(self, text: str = "", *, at_most: int | None = None) -> int:
        """Matches of ``text``; with ``at_most``, counting stops there (show "1,000+")."""
        with self.db.reader() as session:
            return CatalogueRepository(session).count(text, at_most=at_most)

    def search_products(
        self, text: str = "", *, limit: int = 200, count_cap: int | None = None
    ) -> tuple[int, list[ProductRow]]:
        """What a search field wants after each keystroke, in one read: how many products
        match (counting stops at ``count_cap``: show "1,000+") and the first page. (Counting
        in the page's own query, with a window count, was measured slower on both backends
        than the page plus a count that stops at the cap.)"""
        with self.db.reader() as session:
            catalogue = CatalogueRepository(session)
            total = catalogue.count(text, at_most=count_cap)
            exact = count_cap is None or total < count_cap
            found = (
                catalogue.search(text, limit=limit, matches=total if exact else None)
                if total
                else []
            )
            return total, [self._product_row(p) for p in found]

    def products(self, text: str = "", *, offset: int = 0, limit: int = 200) -> list[ProductRow]:
        with self.db.reader() as session:
            return [
                self._product_row(p)
                for p in CatalogueRepository(session).search(text, limit=limit, offset=offset)
            ]

    def product_draft(self, product_id: int) -> ProductDraft | None:
        with self.db.reader() as session:
            p = CatalogueRepository(session).get(product_id)
            if p is None:
                return None
            return ProductDraft(
                sku=p.sku,
                name=p.name,
                unit_price=p.unit_price,
                unit_cost=p.unit_cost,
                tax_rate_ppm=p.tax_rate_ppm,
                barcode=p.barcode,
                active=p.active,
            )

    # -- customers and orders -------------------------------------------------------------
    def customers(self) -> list[CustomerRow]:
        with self.db.reader() as session:
            return [
                CustomerRow(c.code, c.company, c.contact, c.country)
                for c in CustomerRepository(session).all()
            ]

    def customer_orders(self, status: str | None = "open") -> list[OrderRow]:
        with self.db.reader() as session:
            return [
                OrderRow(
                    o.id,
                    o.customer.code if o.customer else "",
                    o.customer.company if o.customer else "",
                    o.status,
                    o.created_at,
                    o.total,
                    len(o.lines),
                )
                for o in SalesRepository(session).customer_orders(status)
            ]

    # -- ledger -------------------------------------------------------------------------
    def accounts(self) -> list[AccountRow]:
        with self.db.reader() as session:
            return [
                AccountRow(a.code, a.name, a.type) for a in LedgerRepository(session).accounts()
            ]

    def journal(
        self,
        *,
        limit: int = 200,
        offset: int = 0,
        account_code: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> list[JournalRow]:
        with self.db.reader() as session:
            return [
                JournalRow(
                    t.id,
                    t.posted_at,
                    t.description,
                    t.kind,
                    tuple(
                        EntryRow(e.account.code, e.account.name, e.debit, e.credit)
                        for e in t.entries
                    ),
                )
                for t in LedgerRepository(session).transactions(
                    limit=limit, offset=offset, account_code=account_code, since=since, until=until
                )
            ]

    def trial_balance(self) -> list[AccountBalance]:
        with self.db.reader() as session:
            return LedgerRepository(session).trial_balance()

    def check(self) -> CheckReport:
        with self.db.reader() as session:
            return run_check(session)

    # -- staff and the audit log ---------------------------------------------------------------
    def staff_rows(self, *, active_only: bool = False) -> list[StaffRow]:
        """Everyone by name (switched-off people too unless ``active_only``); no PIN hashes."""
        with self.db.reader() as session:
            return [staff_row(r) for r in StaffRepository(session).all(active_only=active_only)]

    def audit_rows(self, limit: int = 100, offset: int = 0) -> list[AuditRow]:
        """One page of the audit log, newest first, with names resolved."""
        with self.db.reader() as session:
            return AuditRepository(session).rows(limit=limit, offset=offset)

    def count_audit(self) -> int:
        with self.db.reader() as session:
            return AuditRepository(session).count()

    def verify_audit(self) -> tuple[int, list[str]]:
        """(rows checked, problems): the hash chain walked from the first row."""
        with self.db.reader() as session:
            repo = AuditRepository(session)
            return repo.count(), repo.verify()

    # -- settings and receipts (printing) ----------------------------------------------------
    def settings(self):  # noqa: ANN201 - a domain.settings.StoreSettings
        """The store's settings as stored (defaults for whatever was never saved)."""
        from ..repositories.settings import SettingsRepository

        with self.db.reader() as session:
            return SettingsRepository(session).load()

    def receipt_by_number(self, receipt_no: int):  # noqa: ANN201 - a domain.receipt.Receipt
        """A completed sale's receipt rebuilt from what was stored, for a reprint: the same
        ``receipt_of`` the checkout used, so the copy reads like the original."""
        from ..domain.errors import NotFound
        from ..repositories.sales import receipt_of

        with self.db.reader() as session:
            sales = SalesRepository(session)
            order = sales.by_receipt_no(int(receipt_no))
            order = sales.with_lines(order.id) if order is not None else None
            if order is None or order.receipt_no is None:
                raise NotFound(f"There is no receipt number {receipt_no}.")
            return receipt_of(order)

    # -- till sessions -------------------------------------------------------------------------
    def till_state(self, till_name: str):  # noqa: ANN201 - a domain.till.TillState
        """This till's open session (if any) and its last Z number, for the Till screen."""
        from ..repositories.tills import TillRepository

        with self.db.reader() as session:
            return TillRepository(session).state(till_name)

    def till_report(self, session_id: int):  # noqa: ANN201 - a domain.till.TillReport | None
        """A session's X report (or Z report once closed), None if there is no such session."""
        from ..repositories.tills import TillRepository

        with self.db.reader() as session:
            return TillRepository(session).report(int(session_id))

    def recent_till_sessions(self, limit: int = 20, till_name: str | None = None) -> list:
        """The newest till sessions (domain.till.TillSessionSummary), open and closed."""
        from ..repositories.tills import TillRepository

        with self.db.reader() as session:
            return TillRepository(session).recent(limit, till_name)

    def count_journal(
        self,
        *,
        account_code: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> int:
        """How many transactions ``journal()`` would page through with the same filters,
        so the ledger can say "showing 100 of 2,345" without loading them all."""
        with self.db.reader() as session:
            return LedgerRepository(session).count_transactions(
                account_code=account_code, since=since, until=until
            )

    # -- catalogue screens (appended for the catalogue view and its dialogs) ----------------
    @staticmethod
    def _product_row(p) -> ProductRow:  # noqa: ANN001 - a Product or a row of its columns
        return ProductRow(
            p.id,
            p.sku,
            p.barcode,
            p.name,
            p.unit_price,
            p.unit_cost,
            p.tax_rate_ppm,
            p.stock_on_hand,
            p.active,
        )

    def product(self, product_id: int) -> ProductRow | None:
        """One product with its stock, for the product dialog's read-only stock line."""
        with self.db.reader() as session:
            p = CatalogueRepository(session).get(product_id)
            return None if p is None else self._product_row(p)

    def product_by_code(self, code: str) -> ProductRow | None:
        """Barcode or SKU, inactive products included: goods may arrive for those too."""
        with self.db.reader() as session:
            p = CatalogueRepository(session).by_code(code or "")
            return None if p is None else self._product_row(p)

    # -- reports (one aggregate query each, computed by the database) ------------------------
    # A period is two local calendar days (both included) in ``zone`` (a tz database name or
    # a tzinfo such as LocalZone(), summer time included) or at a fixed
    # ``utc_offset_minutes`` from UTC (UTC days without either), or two aware instants
    # [since, until). Figures are net of refunds.
    def report(self, request: ReportRequest, actor: StaffMember | None) -> ReportResult:
        """What the Reports screen shows (refused unless ``actor`` may see reports)."""
        with self.db.reader() as session:
            return run_report(session, request, actor)

    def takings_by_tender(
        self,
        start: date | datetime,
        end: date | datetime,
        *,
        utc_offset_minutes: int = 0,
        zone: Zone | None = None,
    ) -> list[TenderTakings]:
        """Cash and card taken by sales in the period, less refunds paid back that way."""
        with self.db.reader() as session:
            return ReportsRepository(session).takings_by_tender(
                start, end, utc_offset_minutes=utc_offset_minutes, zone=zone
            )

    def sales_by_day(
        self,
        first: date,
        last: date,
        *,
        utc_offset_minutes: int = 0,
        zone: Zone | None = None,
    ) -> list[DaySales]:
        """Sales, net, tax and total per day from ``first`` to ``last`` inclusive (UTC days
        unless a zone or an offset is given)."""
        with self.db.reader() as session:
            return ReportsRepository(session).sales_by_day(
                first, last, utc_offset_minutes=utc_offset_minutes, zone=zone
            )

    def sales_by_product(
        self,
        start: date | datetime,
        end: date | datetime,
        *,
        utc_offset_minutes: int = 0,
        zone: Zone | None = None,
        limit: int | None = None,
    ) -> list[ProductSales]:
        with self.db.reader() as session:
            return ReportsRepository(session).sales_by_product(
                start, end, utc_offset_minutes=utc_offset_minutes, zone=zone, limit=limit
            )

    def sales_by_cashier(
        self,
        start: date | datetime,
        end: date | datetime,
        *,
        utc_offset_minutes: int = 0,
        zone: Zone | None = None,
    ) -> list[CashierSales]:
        with self.db.reader() as session:
            return ReportsRepository(session).sales_by_cashier(
                start, end, utc_offset_minutes=utc_offset_minutes, zone=zone
            )

    # -- refunds and parked sales (services/refund.py, services/parked.py) ------------------
    def refundable_sale(self, receipt_no: int) -> RefundableSale | None:  # noqa: F821
        """The completed sale with this receipt number and what can still be refunded."""
        from ..repositories.refunds import RefundRepository

        with self.db.reader() as session:
            return RefundRepository(session).sale(receipt_no)

    def refund_receipt(self, refund_no: int) -> RefundReceipt | None:  # noqa: F821
        from ..repositories.refunds import RefundRepository

        with self.db.reader() as session:
            return RefundRepository(session).by_number(refund_no)

    def recent_refunds(self, limit: int = 50) -> list[RefundRow]:  # noqa: F821
        """The latest refunds and voids, newest first."""
        from ..repositories.refunds import RefundRepository

        with self.db.reader() as session:
            return RefundRepository(session).recent(limit)

    def parked_sales(self, till_name: str | None = None) -> list[ParkedSaleRow]:  # noqa: F821
        """Carts put aside, oldest first: every till's, or only ``till_name``'s."""
        from ..repositories.parked import ParkedRepository
        from .parked import summarised

        with self.db.reader() as session:
            return summarised(ParkedRepository(session).all(till_name))
