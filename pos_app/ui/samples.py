"""Sample carts and receipts from whatever the store holds, for demos and screenshots.

Nothing here is written to the database except ``sample_shift``, which needs a till session
to exist (it signs in the demo store's owner and opens "Demo till" once)."""

from __future__ import annotations

from datetime import datetime, timezone

from ..domain.cart import Cart
from ..domain.receipt import Receipt, ReceiptLine
from ..domain.tender import Tender, settle
from ..domain.staff import Shift, StaffMember
from ..services.store import Store


def sample_cart(store: Store, *, skip: int = 0, quantities: tuple[int, ...] = (2, 1, 3)) -> Cart:
    """A cart of a few products in stock, for demos."""
    cart = Cart()
    rows = [r for r in store.products("", limit=40) if r.active and r.stock_on_hand >= 3]
    for row, quantity in zip(rows[skip:], quantities, strict=False):
        product = store.lookup(row.sku)
        if product is not None:
            cart.add(product, quantity)
    return cart


def sample_receipt(store: Store) -> Receipt:
    """What a receipt looks like, built from sample lines (not stored)."""
    cart = sample_cart(store, skip=5, quantities=(1, 2))
    if cart.is_empty():  # a small store: take what there is
        cart = sample_cart(store, quantities=(1, 2))
    totals = cart.totals()
    given = -(-totals.total // 5000) * 5000
    return Receipt(
        order_id=41,
        receipt_no=17,
        completed_at=datetime.now(timezone.utc),
        lines=tuple(
            ReceiptLine(
                l.product.name,
                l.product.sku,
                l.quantity,
                l.product.unit_price,
                l.net,
                l.tax,
                l.product.tax_rate_ppm,
            )
            for l in cart.lines  # noqa: E741
        ),
        subtotal=totals.subtotal,
        tax=totals.tax,
        total=totals.total,
        payments=tuple(settle(totals.total, [Tender.cash(given)])) if totals.total else (),
    )


DEMO_TILL = "Demo till"


def sample_owner(store: Store) -> StaffMember:
    """The store's first owner (added, "Olive" PIN 1234, if the store has nobody)."""
    from ..domain.staff import Role
    from ..repositories.staff import member_of
    from ..services.staff import add_staff

    with store.unit_of_work() as uow:
        owners = [  # plain members: the rows expire with the rollback
            member_of(s) for s in uow.staff.all(active_only=True) if s.role == Role.OWNER.value
        ]
        uow.rollback()
    if owners:
        return owners[0]
    with store.unit_of_work() as uow:
        return add_staff(uow, None, "Olive", Role.OWNER, "1234")


def sample_shift(store: Store) -> Shift:
    """An open session on the demo till, opened by the store's first owner (added if none)."""
    from ..domain.errors import TillClosed
    from ..services.till import current_shift, open_till

    owner = sample_owner(store)
    with store.unit_of_work() as uow:
        try:
            return current_shift(uow, owner, DEMO_TILL)
        except TillClosed:
            return open_till(uow, owner, DEMO_TILL, 10_000)


def sample_station(store: Store):  # noqa: ANN201 - a Station (Qt imported only when asked)
    """This till as a demo of a back-office screen sees it: the store's owner signed in
    (no till session opened: catalogue and ledger work needs none)."""
    from .station import Station

    station = Station(DEMO_TILL)
    station.sign_in(sample_owner(store))
    return station
