"""Customer orders: saved now, shipped later, all-or-nothing (the inventory tutorial's flow).

Both are selling, open to anyone signed in: the order records who took it (``staff_id``)
and the shipment's journal transaction who shipped it. Discounts above the store's limit and
price overrides kept from the cart are authorised again when the order is saved, as a sale's
confirm does, and each leaves an 'override' row in the audit log naming who approved it.
"""

from __future__ import annotations

import uuid

from ..domain.cart import Cart
from ..domain.catalogue import is_record_number
from ..domain.errors import InvalidInput, InvalidState, NotFound, OutOfStock
from ..domain.postings import invoice_postings
from ..domain.staff import Permission, StaffMember, authorise
from ..persistence.models import Order
from ..repositories.sales import lines_for
from ..repositories.unit_of_work import UnitOfWork
from .authority import still_allowed


def save_order(uow: UnitOfWork, cart: Cart, customer_code: str, *, actor: StaffMember) -> int:
    """Record what the customer wants at today's prices; stock is untouched until shipping."""
    authorise(actor, Permission.SELL)
    if cart.is_empty():
        raise InvalidInput("The order has no lines.", "cart")

    def work() -> int:
        still_allowed(uow, actor, Permission.SELL)
        customer = uow.customers.by_code(customer_code or "")
        if customer is None:
            raise NotFound(f"No customer with code {customer_code!r}.")
        # Refused (PermissionDenied) before anything is written: the limit may have changed,
        # the approval may not cover what the cart now holds.
        overrides = cart.overrides(actor, uow.settings.load().discount_limit_ppm)
        totals = cart.totals()
        order = uow.sales.add(
            Order(
                kind="customer_order",
                status="open",
                client_key=str(uuid.uuid4()),
                customer_id=customer.id,
                subtotal=totals.subtotal,
                tax=totals.tax,
                total=totals.total,
                staff_id=actor.staff_id,
            )
        )
        order.lines.extend(lines_for(cart))
        uow.flush()
        order_id = order.id
        for override in overrides:  # the audit counter is the last lock taken
            uow.audit.append(
                "override",
                subject=f"Order {order_id}: {override.subject}",
                details={**override.details, "order_id": order_id},
                staff_id=actor.staff_id,
                approved_by=override.approver.staff_id,
            )
        uow.commit()
        return order_id

    return uow.run(work)


def ship_order(uow: UnitOfWork, order_id: int, *, actor: StaffMember) -> None:
    """Decrement stock for every line and mark shipped, or change nothing if any is short."""
    authorise(actor, Permission.SELL)
    if not is_record_number(order_id):
        raise NotFound(f"No customer order number {order_id}.")

    def work() -> None:
        still_allowed(uow, actor, Permission.SELL)
        if not uow.sales.claim_for_shipping(order_id):
            order = uow.sales.get(order_id)
            if order is None or order.kind != "customer_order":
                raise NotFound(f"No customer order number {order_id}.")
            raise InvalidState(f"Order {order_id} is already {order.status}.")
        order = uow.sales.with_lines(order_id)
        quantities: dict[int, int] = {}
        for line in order.lines:
            quantities[line.product_id] = quantities.get(line.product_id, 0) + line.quantity
        shortages = uow.stock.take(quantities, kind="shipment", order_id=order_id)
        if shortages:
            raise OutOfStock(shortages)
        costs = {
            pid: snap.unit_cost for pid, snap in uow.catalogue.snapshots(list(quantities)).items()
        }
        for line in order.lines:
            line.unit_cost = costs[line.product_id]
        cost = sum(line.unit_cost * line.quantity for line in order.lines)
        postings = invoice_postings(net=order.subtotal, tax=order.tax, cost=cost)
        if postings:  # an order of free items at zero cost has nothing to post
            uow.ledger.post(
                f"Shipment of order {order_id} to {order.customer.code}",
                "shipment",
                postings,
                order_id=order_id,
                staff_id=actor.staff_id,
            )
        uow.commit()

    uow.run(work)
