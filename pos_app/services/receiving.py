"""Receiving goods from a supplier (the double-entry tutorial's flow).

The receiving number is flushed and shown before confirming; confirming raises stock,
moves product cost to the weighted average, and posts Dr Inventory / Cr Cash or Payable.
Receiving needs the receive-stock right (a cashier brings a manager's approval, checked
before anything is written); the confirmed receiving leaves a 'stock.receive' audit row
naming who received it and who approved, and its posting names who received it.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..domain.errors import InvalidInput, InvalidState, NotFound
from ..domain.money import check_amount, parse_quantity
from ..domain.postings import receiving_postings
from ..domain.staff import Approval, Permission, StaffMember, authorise
from ..persistence.models import Purchase, PurchaseLine, utcnow
from ..repositories.unit_of_work import UnitOfWork
from .authority import still_allowed


@dataclass(frozen=True)
class ReceivedLine:
    product_id: int
    sku: str
    name: str
    quantity: int
    unit_cost: int


def _checked_terms(supplier: str, reference: str) -> tuple[str, str]:
    supplier = (supplier or "").strip()
    if not supplier or len(supplier) > 80:
        raise InvalidInput("Name the supplier (up to 80 characters).", "supplier")
    reference = (reference or "").strip()
    if len(reference) > 40:
        raise InvalidInput("The reference is too long (40 characters at most).", "reference")
    for field, value in (("supplier", supplier), ("reference", reference)):
        if any(ord(ch) < 32 for ch in value):  # a NUL would not even reach PostgreSQL
            raise InvalidInput(f"The {field} has control characters.", field)
    return supplier, reference


class Receiving:
    """``supplier=None`` lets a dialog show the flushed number first and name the supplier
    (``set_terms``) before confirming; a receiving is never confirmed without one."""

    def __init__(
        self,
        uow: UnitOfWork,
        supplier: str | None,
        *,
        actor: StaffMember,
        approval: Approval | None = None,
        paid_in_cash: bool = False,
        reference: str = "",
    ):
        self.approver = authorise(actor, Permission.RECEIVE_STOCK, approval)
        self.actor = actor
        if supplier is None:
            supplier, reference = "", (reference or "").strip()
        else:
            supplier, reference = _checked_terms(supplier, reference)
        self.uow = uow.open()
        self.supplier = supplier
        self.reference = reference
        self.paid_in_cash = paid_in_cash
        self.lines: list[ReceivedLine] = []
        self._purchase: Purchase | None = None
        self.confirmed = False

    def begin(self) -> int:
        if self.confirmed:
            raise InvalidState("This receiving is already confirmed.")
        if self._purchase is None:
            self._purchase = self.uow.purchases.add(
                Purchase(
                    supplier=self.supplier,
                    reference=self.reference,
                    paid_in_cash=self.paid_in_cash,
                    status="open",
                )
            )
            self.uow.flush()
        return self._purchase.id

    def set_terms(self, supplier: str, *, paid_in_cash: bool, reference: str = "") -> None:
        """Name the supplier and how they are paid; may be called after ``begin()``."""
        if self.confirmed:
            raise InvalidState("This receiving is already confirmed.")
        self.supplier, self.reference = _checked_terms(supplier, reference)
        self.paid_in_cash = bool(paid_in_cash)

    @property
    def purchase_id(self) -> int | None:
        return self._purchase.id if self._purchase is not None else None

    def add(self, code: str, quantity: int, unit_cost: int) -> ReceivedLine:
        with self.uow.guard():  # a first scan begins the transaction: DatabaseBusy, not raw
            product = self.uow.catalogue.by_code(code)
        if product is None:
            raise NotFound(f"No product with barcode or SKU {code!r}.")
        line = ReceivedLine(
            product.id,
            product.sku,
            product.name,
            parse_quantity(quantity),
            check_amount(unit_cost, "unit cost"),
        )
        self.lines.append(line)
        return line

    def remove(self, index: int) -> ReceivedLine:
        """Take back a line typed by mistake (nothing is written before ``confirm``)."""
        return self.lines.pop(index)

    def total_cost(self) -> int:
        return sum(line.quantity * line.unit_cost for line in self.lines)

    def confirm(self) -> int:
        if self.confirmed:
            return self._purchase.id
        if not self.supplier:
            raise InvalidInput("Name the supplier (up to 80 characters).", "supplier")
        if not self.lines:
            raise InvalidInput("Add at least one product to receive.", "lines")
        check_amount(self.total_cost(), "total cost")
        purchase_id = self.uow.run(self._write)
        self.confirmed = True
        return purchase_id

    def cancel(self) -> None:
        self._purchase = None
        self.uow.rollback()

    def _write(self) -> int:
        uow = self.uow
        if self._purchase is not None and self._purchase not in uow.session:
            self._purchase = None
        self.begin()
        purchase = self._purchase
        try:
            still_allowed(uow, self.actor, Permission.RECEIVE_STOCK, self.approver)
            # the terms may have been set after the number was flushed
            purchase.supplier, purchase.reference = self.supplier, self.reference
            purchase.paid_in_cash = self.paid_in_cash
            quantities: dict[int, int] = {}
            value: dict[int, int] = {}
            for line in self.lines:
                purchase.lines.append(
                    PurchaseLine(
                        product_id=line.product_id, quantity=line.quantity, unit_cost=line.unit_cost
                    )
                )
                quantities[line.product_id] = quantities.get(line.product_id, 0) + line.quantity
                value[line.product_id] = (
                    value.get(line.product_id, 0) + line.quantity * line.unit_cost
                )
            # one product on two lines: receive at their average cost
            unit_costs = {
                pid: (2 * value[pid] + quantities[pid]) // (2 * quantities[pid])
                for pid in quantities
            }
            purchase.total_cost = self.total_cost()
            purchase.status = "received"
            purchase.received_at = utcnow()
            uow.flush()
            uow.stock.put(
                quantities, kind="receiving", purchase_id=purchase.id, unit_costs=unit_costs
            )
            if purchase.total_cost:
                uow.ledger.post(
                    f"Goods received from {self.supplier} (receiving {purchase.id})",
                    "receiving",
                    receiving_postings(cost=purchase.total_cost, paid_in_cash=self.paid_in_cash),
                    purchase_id=purchase.id,
                    staff_id=self.actor.staff_id,
                )
            purchase_id = purchase.id
            uow.audit.append(
                "stock.receive",
                subject=f"Receiving {purchase_id} from {self.supplier}"[:80],
                details={
                    "receiving": purchase_id,
                    "supplier": self.supplier,
                    **({"reference": self.reference} if self.reference else {}),
                    "lines": len(self.lines),
                    "total": purchase.total_cost,
                    "paid": "in cash" if self.paid_in_cash else "on account",
                },
                staff_id=self.actor.staff_id,
                approved_by=self.approver.staff_id if self.approver else None,
            )
            uow.commit()
            return purchase_id
        except BaseException:
            self._purchase = None
            raise
