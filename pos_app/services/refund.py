"""A refund against a receipt (or a whole sale voided), as one refund screen sees it.

``Refund(uow, shift, receipt_no, approval)`` finds the sale and what can still come back;
``begin()`` writes the draft row (not committed) so the screen shows "Refund draft N";
``confirm()`` does everything else in one transaction and commits once: lines taken back by
a conditional UPDATE (never more than was sold, whatever another till does at the same
moment), goods back in stock, the gapless refund number, the open till session checked,
the sale's journal reversed with a reference to it, and an audit row. ``cancel()`` rolls
back and leaves no trace. A client key makes a confirm retried after an unknown outcome
return the refund already recorded, never a second one.
"""

from __future__ import annotations

import dataclasses
import logging
import uuid

from sqlalchemy.orm import SessionTransaction

from ..domain.errors import (
    DuplicateValue,
    InvalidInput,
    InvalidState,
    NotFound,
    TillClosed,
)
from ..domain.money import format_amount
from ..domain.refund import (
    RefundableLine,
    RefundableSale,
    RefundFigures,
    RefundReceipt,
    RefundReceiptLine,
    cash_rounded,
    figures,
    parse_reason,
    parse_receipt_no,
    parse_refund_quantity,
    parse_tender,
    refund_postings,
)
from ..domain.staff import Approval, Permission, Shift, StaffMember, authorise
from ..domain.tender import TenderKind
from ..repositories.refunds import REFUND_COUNTER
from ..repositories.unit_of_work import UnitOfWork
from .authority import still_allowed

log = logging.getLogger(__name__)

KINDS = {"refund": Permission.REFUND, "void": Permission.VOID_SALE}


class Refund:
    """Give back some or all of what a receipt sold. Needs the refund right (voids: the
    void right), or a manager's ``approval`` for it, and an open till session."""

    def __init__(
        self,
        uow: UnitOfWork,
        shift: Shift,
        receipt_no: int | str,
        approval: Approval | None = None,
        *,
        kind: str = "refund",
        client_key: str | None = None,
    ):
        if kind not in KINDS:
            raise InvalidInput("A refund is a refund or a void.", "kind")
        if not isinstance(shift, Shift):
            raise TillClosed("Open the till (with a float) before giving money back.")
        self.approver: StaffMember | None = authorise(shift.cashier, KINDS[kind], approval)
        number = parse_receipt_no(receipt_no)
        self.kind = kind
        self.shift = shift
        self.uow = uow.open()
        self.client_key = client_key or str(uuid.uuid4())
        with self.uow.guard():
            sale = self.uow.refunds.sale(number)
            settings = self.uow.settings.load() if sale is not None else None
        self.uow.rollback()  # reading holds nothing: begin() starts the writing transaction
        if sale is None:
            raise NotFound(f"There is no sale with receipt number {number}.")
        if sale.fully_refunded:
            raise InvalidState(f"Receipt {number} has already been refunded in full.")
        self.sale: RefundableSale = sale
        self.cash_step = settings.cash_rounding_step if settings is not None else 0
        self.tender: TenderKind = sale.tender
        self.quantities: dict[int, int] = {}
        self._refund_id: int | None = None
        self._draft_txn: SessionTransaction | None = None
        self.receipt: RefundReceipt | None = None

    # -- choosing what comes back -------------------------------------------------------------
    @property
    def lines(self) -> tuple[RefundableLine, ...]:
        """Every line of the sale, each with ``remaining``: what can still be refunded."""
        return self.sale.lines

    def set_quantity(self, order_line_id: int, quantity: int | str) -> int:
        """How many of a line come back (0: none); refuses more than is left to refund."""
        line = self.sale.line(order_line_id)
        units = parse_refund_quantity(quantity, left=line.remaining, what=line.label)
        if units:
            self.quantities[order_line_id] = units
        else:
            self.quantities.pop(order_line_id, None)
        return units

    def refund_all(self) -> None:
        """Everything not yet refunded comes back."""
        self.quantities = {
            line.order_line_id: line.remaining for line in self.sale.lines if line.remaining > 0
        }

    def quantity(self, order_line_id: int) -> int:
        return self.quantities.get(order_line_id, 0)

    def figures(self) -> RefundFigures:
        return figures(list(self.sale.lines), self.quantities)

    def paid_back(self, tender: TenderKind | str | None = None) -> int:
        """What the customer gets: the refund total, rounded to the store's cash step in cash."""
        tender = parse_tender(tender if tender is not None else self.tender)
        total = self.figures().total
        return cash_rounded(total, self.cash_step) if tender == TenderKind.CASH else total

    # -- the draft ------------------------------------------------------------------------------
    def begin(self) -> int:
        """Write the draft row and return its id, "Refund draft N" (not committed)."""
        if self.receipt is not None:
            raise InvalidState("This refund is already confirmed.")
        if not self._draft_written():
            self._refund_id = None
            with self.uow.guard():
                self._refund_id = self.uow.refunds.open(
                    order_id=self.sale.order_id,
                    client_key=self.client_key,
                    staff_id=self.shift.cashier.staff_id,
                    till_session_id=self.shift.session_id,
                    kind=self.kind,
                    tender=self.tender.value,
                )
                self._draft_txn = self.uow.session.get_transaction()
        return self._refund_id

    @property
    def draft_id(self) -> int | None:
        return self._refund_id if self._draft_written() else None

    def _draft_written(self) -> bool:
        return (
            self._refund_id is not None
            and self.uow.is_open
            and self._draft_txn is not None
            and self._draft_txn.is_active
            and self.uow.session.get_transaction() is self._draft_txn
        )

    def cancel(self) -> None:
        """Roll the draft back: no row, no number, nothing taken back."""
        self._refund_id = None
        self._draft_txn = None
        self.uow.rollback()

    # -- confirming -------------------------------------------------------------------------------
    def confirm(self, tender: TenderKind | str, reason: str) -> RefundReceipt:
        """Commit the whole refund or nothing. Refuses a line asked for more than is left
        (another till may just have refunded it), a closed till session, a missing reason."""
        if self.receipt is not None:
            return self.receipt
        tender = parse_tender(tender)
        reason = parse_reason(reason)
        chosen = {line_id: q for line_id, q in self.quantities.items() if q > 0}
        if not chosen:
            raise InvalidInput(
                "Nothing to refund yet: type how many come back on a line, or press All.",
                "quantity",
            )
        try:
            self.receipt = self.uow.run(lambda: self._write(chosen, tender, reason))
        except DuplicateValue:
            with self.uow.guard():  # the same refund committed by an earlier attempt
                refund_id = self.uow.refunds.completed_by_key(self.client_key)
                already = None if refund_id is None else self.uow.refunds.receipt(refund_id)
                self.uow.rollback()
            if already is None:
                raise
            self.receipt = already
        self.tender = tender
        return self.receipt

    def _write(self, chosen: dict[int, int], tender: TenderKind, reason: str) -> RefundReceipt:
        uow = self.uow
        if not self._draft_written():
            refund_id = uow.refunds.completed_by_key(self.client_key)
            if refund_id is not None:
                log.info("refund %s was already recorded", self.client_key)
                already = uow.refunds.receipt(refund_id)
                uow.rollback()
                return already
        refund_id = self.begin()  # a new draft if the last one was rolled back
        try:
            still_allowed(uow, self.shift.cashier, KINDS[self.kind], self.approver)
            receipt = self._write_refund(refund_id, chosen, tender, reason)
            uow.commit()
        except BaseException:
            self._refund_id = None
            self._draft_txn = None
            raise
        log.info("refund %s committed as number %s", refund_id, receipt.refund_no)
        return receipt

    def _write_refund(
        self, refund_id: int, chosen: dict[int, int], tender: TenderKind, reason: str
    ) -> RefundReceipt:
        uow = self.uow
        # 1. order lines, ascending id: each a conditional UPDATE that locks the line
        for line_id in sorted(chosen):
            if not uow.refunds.take_back(line_id, chosen[line_id]):
                (now,) = uow.refunds.lines(line_ids=[line_id]) or (None,)
                if now is None:
                    raise NotFound("That line is no longer on the receipt.")
                left = now.remaining
                raise InvalidInput(
                    f"{now.label}: only {left} can still be refunded, not {chosen[line_id]}."
                    if left > 0
                    else f"{now.label} has already been refunded in full.",
                    "quantity",
                )
        # Read under those locks: every earlier refund of these lines has committed.
        locked = {line.order_line_id: line for line in uow.refunds.lines(line_ids=chosen)}
        rows, receipt_lines, restock = [], [], {}
        for line_id in sorted(chosen):
            units = chosen[line_id]
            line = locked[line_id]
            before = dataclasses.replace(line, refunded=line.refunded - units)
            net, tax = before.amounts(units)
            rows.append(
                {
                    "order_line_id": line_id,
                    "product_id": line.product_id,
                    "quantity": units,
                    "net": net,
                    "tax": tax,
                    "unit_cost": line.unit_cost,
                }
            )
            receipt_lines.append(
                (line.line_no, RefundReceiptLine(
                    line.name, line.sku, units, line.unit_price, net, tax, line.tax_rate_ppm
                ))
            )
            restock[line.product_id] = restock.get(line.product_id, 0) + units
        uow.refunds.add_lines(refund_id, rows)
        subtotal = sum(r["net"] for r in rows)
        tax = sum(r["tax"] for r in rows)
        cost = sum(r["unit_cost"] * r["quantity"] for r in rows)
        total = subtotal + tax
        paid = cash_rounded(total, self.cash_step) if tender == TenderKind.CASH else total
        # 2. products, ascending id; 3. the refund counter; 4. the till session
        uow.refunds.restock(refund_id, restock)
        refund_no = uow.sales.next_number(REFUND_COUNTER)
        if not uow.tills.hold_open(self.shift.session_id):
            raise TillClosed(
                f"{self.shift.till_name} was closed meanwhile: open it again to give refunds."
            )
        completed_at = uow.refunds.complete(
            refund_id,
            refund_no=refund_no,
            tender=tender.value,
            reason=reason,
            subtotal=subtotal,
            tax=tax,
            cash_rounding=paid - total,
            authorised_by=self.approver.staff_id if self.approver else None,
        )
        postings = refund_postings(net=subtotal, tax=tax, cost=cost, tender=tender, paid=paid)
        what = "Void" if self.kind == "void" else "Refund"
        if postings:
            uow.ledger.record(
                f"{what} {refund_no} of receipt {self.sale.receipt_no}",
                "refund",
                postings,
                refund_id=refund_id,
                reverses_id=uow.refunds.sale_journal_id(self.sale.order_id),
                till_session_id=self.shift.session_id,
                staff_id=self.shift.cashier.staff_id,
            )
        # 5. the audit counter, last
        uow.audit.append(
            self.kind,
            subject=f"{what} {refund_no} of receipt {self.sale.receipt_no}",
            details={
                "refund_no": refund_no,
                "receipt_no": self.sale.receipt_no,
                "paid": format_amount(paid),
                "tender": tender.value,
                "reason": reason,
                "lines": [[locked[i].sku, chosen[i]] for i in sorted(chosen)],
            },
            staff_id=self.shift.cashier.staff_id,
            approved_by=self.approver.staff_id if self.approver else None,
        )
        return RefundReceipt(
            refund_id=refund_id,
            refund_no=refund_no,
            kind=self.kind,
            receipt_no=self.sale.receipt_no,
            order_id=self.sale.order_id,
            completed_at=completed_at,
            lines=tuple(line for _no, line in sorted(receipt_lines, key=lambda x: x[0])),
            subtotal=subtotal,
            tax=tax,
            total=total,
            cash_rounding=paid - total,
            tender=tender,
            reason=reason,
            cashier=self.shift.cashier.name,
            approved_by=self.approver.name if self.approver else "",
            till_name=self.shift.till_name,
        )


def void_sale(
    uow: UnitOfWork,
    shift: Shift,
    receipt_no: int | str,
    approval: Approval | None,
    reason: str,
    *,
    tender: TenderKind | str | None = None,
) -> RefundReceipt:
    """Undo a confirmed sale: everything not yet refunded comes back, paid the way the
    customer paid (or ``tender``). Needs the void right or a manager's approval for it."""
    reason = parse_reason(reason)  # refused before anything is written
    if tender is not None:
        tender = parse_tender(tender)
    refund = Refund(uow, shift, receipt_no, approval, kind="void")
    refund.refund_all()
    refund.begin()
    return refund.confirm(tender if tender is not None else refund.sale.tender, reason)
