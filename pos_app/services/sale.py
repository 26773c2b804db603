"""A till sale, as one checkout dialog sees it.

``begin()`` writes the order header (not yet committed), so the dialog can show the order
number before the cashier confirms. ``confirm()`` does everything else in the same
transaction (lines, stock, payments, receipt number, journal) and commits once (a sale whose
amounts are all zero, a free sample at zero cost, has no journal transaction); ``cancel()``
rolls back and leaves no trace. The sale's client key makes a confirm retried after an unknown
outcome (a connection lost during commit) return the sale already recorded, never a second.

The store's settings (pricing rules, discount limit, cash rounding) are read once per
checkout, at its first need, or handed in by the caller; the sale stores the rules it was
priced by. Discounts above the limit and price overrides need a manager's ``Approval``;
they are authorised again at confirm and each one leaves an 'override' row in the audit
log, written last in the sale's transaction.

A cashier switched off on another till since signing in is refused (SignInAgain) by the
header's own INSERT and again at confirm by the till session's UPDATE: no statement of its
own on the hot path.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime

from sqlalchemy.orm import SessionTransaction

from ..domain.cart import Cart, Override, ProductSnapshot, Totals
from ..domain.errors import (
    DuplicateValue,
    InvalidInput,
    InvalidState,
    NotFound,
    OutOfStock,
    SignInAgain,
    TillClosed,
)
from ..domain.postings import sale_postings
from ..domain.pricing import Discount, PricingRules
from ..domain.receipt import Receipt, ReceiptLine
from ..domain.settings import StoreSettings
from ..domain.staff import Approval, Permission, Shift, StaffMember, authorise
from ..domain.tender import Payment, Tender, cash_due, cash_rounding_of, settle
from ..repositories.unit_of_work import UnitOfWork
from .authority import still_allowed

log = logging.getLogger(__name__)


class Checkout:
    def __init__(
        self,
        uow: UnitOfWork,
        cart: Cart | None = None,
        *,
        shift: Shift,
        client_key: str | None = None,
        settings: StoreSettings | None = None,
    ):
        if not isinstance(shift, Shift):
            raise TillClosed("Open the till (with a float) before selling.")
        authorise(shift.cashier, Permission.SELL)
        self.shift = shift
        self.uow = uow.open()
        self.cart = cart if cart is not None else Cart()
        self.client_key = client_key or str(uuid.uuid4())
        self._order_id: int | None = None
        # The transaction that wrote our header: once it is over (a rollback, a cancel, an
        # error) the header is gone with it and the number no longer ours.
        self._header_txn: SessionTransaction | None = None
        self.receipt: Receipt | None = None
        self._settings = settings
        if settings is not None:
            self.cart.rules = PricingRules.of(settings)

    @property
    def settings(self) -> StoreSettings:
        """The store's settings, read once for this sale (the cart is priced by their rules)."""
        if self._settings is None:
            with self.uow.guard():
                self._settings = self.uow.settings.load()
            self.cart.rules = PricingRules.of(self._settings)
        return self._settings

    # -- before confirming --------------------------------------------------------------
    def begin(self) -> int:
        """Write the header and return the database's order number (not yet committed)."""
        if self.receipt is not None:
            raise InvalidState("This sale is already confirmed.")
        if not self._header_written():
            self._order_id = None
            self.settings  # noqa: B018 - read before the header, in the same transaction
            customer_id = None
            if self.cart.customer_code:
                with self.uow.guard():  # the first statement may wait for the write lock
                    customer = self.uow.customers.by_code(self.cart.customer_code)
                if customer is None:
                    raise NotFound(f"No customer with code {self.cart.customer_code}.")
                customer_id = customer.id
            with self.uow.guard():
                order_id = self.uow.sales.open_sale(
                    self.client_key,
                    customer_id,
                    staff_id=self.shift.cashier.staff_id,
                    till_session_id=self.shift.session_id,
                )
                if order_id is None:  # the header's own INSERT found the cashier switched off
                    self.uow.rollback()
                    raise SignInAgain.switched_off(self.shift.cashier.name)
                self._order_id = order_id
                self._header_txn = self.uow.session.get_transaction()
        return self._order_id

    @property
    def order_id(self) -> int | None:
        return self._order_id

    def _header_written(self) -> bool:
        """Our header is in the database's open transaction, the one that wrote it."""
        return (
            self._order_id is not None
            and self.uow.is_open
            and self._header_txn is not None
            and self._header_txn.is_active
            and self.uow.session.get_transaction() is self._header_txn
        )

    def add(self, code: str, quantity: int = 1) -> ProductSnapshot:
        """Add by barcode or SKU, as the scanner sends it."""
        with self.uow.guard():  # a first scan begins the transaction: DatabaseBusy, not raw
            snapshot = self.uow.catalogue.sellable(code)
        if snapshot is None:
            raise NotFound(f"No product with barcode or SKU {code!r}.")
        self.cart.add(snapshot, quantity)
        return snapshot

    def set_quantity(self, product_id: int, quantity: int) -> None:
        self.cart.set_quantity(product_id, quantity)

    def remove(self, product_id: int) -> None:
        self.cart.remove(product_id)

    def totals(self) -> Totals:
        self.settings  # noqa: B018 - the cart is priced by the store's rules
        return self.cart.totals()

    def cash_due(self) -> int:
        """What a customer paying all in cash hands over (the total, cash-rounded)."""
        return cash_due(self.totals().total, self.settings.cash_rounding_step)

    # -- discounts and price overrides ----------------------------------------------------
    def discount_line(
        self, product_id: int, discount: Discount | None, approval: Approval | None = None
    ) -> StaffMember | None:
        """A line discount; above the store's limit it needs ``approval`` (PermissionDenied
        otherwise). Returns the manager who approved it, if one was needed."""
        return self.cart.discount_line(
            product_id,
            discount,
            by=self.shift.cashier,
            limit_ppm=self.settings.discount_limit_ppm,
            approval=approval,
        )

    def discount_sale(
        self, discount: Discount | None, approval: Approval | None = None
    ) -> StaffMember | None:
        """A discount on the whole sale, shared over its lines."""
        return self.cart.discount_sale(
            discount,
            by=self.shift.cashier,
            limit_ppm=self.settings.discount_limit_ppm,
            approval=approval,
        )

    def override_price(
        self, product_id: int, unit_price: int | None, approval: Approval | None = None
    ) -> StaffMember | None:
        """Charge another unit price (None: the catalogue's again); needs the price-override
        right or a manager's ``approval``."""
        return self.cart.override_price(
            product_id, unit_price, by=self.shift.cashier, approval=approval
        )

    # -- confirm or cancel ----------------------------------------------------------------
    def confirm(self, tenders: list[Tender]) -> Receipt:
        """Commit the whole sale or nothing. Raises OutOfStock (naming every short product),
        TenderShort, ConnectionLost or DatabaseBusy; after any of them the sale may be
        confirmed again (a new order number is taken if the header was rolled back)."""
        if self.receipt is not None:
            return self.receipt
        if self.cart.is_empty():
            raise InvalidInput("The cart is empty: scan something first.", "cart")
        settings = self.settings
        totals = self.cart.totals()
        # Refuse before anything is written: an override no longer allowed, short tenders.
        overrides = (
            self.cart.overrides(self.shift.cashier, settings.discount_limit_ppm)
            if _touched(self.cart)
            else []
        )
        payments = settle(totals.total, tenders, cash_step=settings.cash_rounding_step)
        try:
            self.receipt = self.uow.run(lambda: self._write(totals, payments, overrides))
        except DuplicateValue:
            # Another process committed this very sale (same client key) meanwhile.
            with self.uow.guard():
                already = self.uow.sales.completed_by_key(self.client_key)
            if already is None:
                raise
            self.receipt = self.uow.sales.receipt(already.id)
        return self.receipt

    def cancel(self) -> None:
        self._order_id = None
        self._header_txn = None
        self.uow.rollback()

    def _write(self, totals: Totals, payments: list[Payment], overrides: list[Override]) -> Receipt:
        uow = self.uow
        # Our own header, flushed in this very transaction, holds the UNIQUE client key: no
        # other sale under that key can have committed. Only otherwise is there anything to look up.
        ours = self._header_written()
        already = None if ours else uow.sales.completed_by_key(self.client_key)
        if already is not None:
            log.info(
                "sale %s was already recorded as receipt %s", self.client_key, already.receipt_no
            )
            return uow.sales.receipt(already.id)
        order_id = self.begin()  # a new header if the last one was rolled back
        try:
            uow.sales.add_lines(order_id, self.cart)
            quantities = self.cart.quantities()
            shortages = uow.stock.take(quantities, kind="sale", order_id=order_id)
            if shortages:
                raise OutOfStock(shortages)
            uow.sales.add_payments(order_id, payments)
            receipt_no = uow.sales.next_number()  # products first, then the counter
            cashier = self.shift.cashier
            # then the session row; the same UPDATE checks the cashier is still switched on
            if not uow.tills.record_sale(self.shift.session_id, cashier.staff_id):
                if not uow.staff.active_roles({cashier.staff_id}):  # which of the two, then
                    raise SignInAgain.switched_off(cashier.name)
                raise TillClosed(
                    f"{self.shift.till_name} was closed meanwhile: open it again to sell."
                )
            rounding = cash_rounding_of(totals.total, payments)
            completed_at = uow.sales.complete_sale(
                order_id,
                receipt_no=receipt_no,
                subtotal=totals.subtotal,
                tax=totals.tax,
                discount=totals.sale_discount,
                cash_rounding=rounding,
                rules=self.cart.rules,
            )
            postings = sale_postings(
                net=totals.subtotal,
                tax=totals.tax,
                cost=totals.cost,
                payments=payments,
                cash_rounding=rounding,
            )
            if postings:  # a free sample at zero cost has nothing to post
                uow.ledger.record(
                    f"Sale, receipt {receipt_no}", "sale", postings, order_id=order_id
                )
            # Who allowed each override still may (one read each; only a sale with overrides).
            for permission, approver in {(o.permission, o.approver) for o in overrides}:
                still_allowed(uow, cashier, permission, approver)
            for override in overrides:  # the audit counter is the last lock taken
                uow.audit.append(
                    "override",
                    subject=f"Receipt {receipt_no}: {override.subject}",
                    details={**override.details, "order_id": order_id, "receipt_no": receipt_no},
                    staff_id=self.shift.cashier.staff_id,
                    approved_by=override.approver.staff_id,
                )
            receipt = self._receipt_for(
                order_id, receipt_no, completed_at, totals, payments, rounding
            )
            uow.commit()
        except BaseException:
            self._order_id = None
            self._header_txn = None
            raise
        log.info("sale %s committed as receipt %s", order_id, receipt_no)
        return receipt

    def _receipt_for(
        self,
        order_id: int,
        receipt_no: int,
        completed_at: datetime,
        totals: Totals,
        payments: list[Payment],
        cash_rounding: int,
    ) -> Receipt:
        """The same figures just written, without reading them back."""
        rules = self.cart.rules
        return Receipt(
            order_id=order_id,
            receipt_no=receipt_no,
            completed_at=completed_at,
            lines=tuple(
                ReceiptLine(
                    name=line.product.name,
                    sku=line.product.sku,
                    quantity=line.quantity,
                    unit_price=priced.price,
                    net=priced.net,
                    tax=priced.tax,
                    tax_rate_ppm=priced.tax_rate_ppm,
                    discount=priced.discount,
                    sale_discount=priced.sale_discount,
                    tax_included=priced.tax_included,
                )
                for line, priced in zip(self.cart.lines, self.cart.priced().lines, strict=True)
            ),
            subtotal=totals.subtotal,
            tax=totals.tax,
            total=totals.total,
            payments=tuple(payments),
            customer_code=self.cart.customer_code,
            cashier=self.shift.cashier.name,
            till_name=self.shift.till_name,
            sale_discount=totals.sale_discount,
            cash_rounding=cash_rounding,
            prices_include_tax=rules.prices_include_tax,
            tax_rounding=rules.tax_rounding,
        )


def _touched(cart: Cart) -> bool:
    """Any discount or override at all (a plain sale skips the re-check entirely)."""
    return cart.sale_discount is not None or any(
        line.discount is not None or line.price_override is not None for line in cart.lines
    )
