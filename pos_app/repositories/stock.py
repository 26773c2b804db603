"""Stock changes: atomic conditional updates, rows always touched in product-ID order.

The decrement is ``UPDATE … SET stock = stock - n WHERE id = :id AND stock >= n``: under
PostgreSQL's READ COMMITTED a blocked update re-checks the WHERE clause on the row another
till just committed, so two tills can never both sell the last unit; the CHECK constraint
is the backstop. Touching rows in ascending ID order means two tills never deadlock.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from ..domain.errors import Shortage
from ..persistence.models import Product, StockMovement
from ..persistence.prepared import Prepared

# Built once (composing it per line cost more than running it); executed outside the ORM
# because no Product object in the session needs to follow the new stock.
_TAKE = Prepared(
    update(Product)
    .where(Product.id == bindparam("product_id"), Product.stock_on_hand >= bindparam("wanted"))
    .values(stock_on_hand=Product.stock_on_hand - bindparam("wanted"))
)
_MOVEMENTS = Prepared(insert(StockMovement))


class StockRepository:
    def __init__(self, session: Session):
        self.session = session

    def take(
        self, quantities: Mapping[int, int], *, kind: str, order_id: int | None = None
    ) -> list[Shortage]:
        """Decrement every product or report every shortage; the caller rolls back on any."""
        shortages: list[Shortage] = []
        self.session.flush()  # what the ORM's own execute would have done first
        connection = self.session.connection()
        for product_id in sorted(quantities):  # one statement each, in id order: no deadlock
            wanted = quantities[product_id]
            result = _TAKE.execute(connection, {"product_id": product_id, "wanted": wanted})
            if result.rowcount != 1:
                shortages.append(self._shortage(product_id, wanted))
        if not shortages:
            self._record({pid: -q for pid, q in quantities.items()}, kind=kind, order_id=order_id)
        return shortages

    def put(
        self,
        quantities: Mapping[int, int],
        *,
        kind: str,
        purchase_id: int | None = None,
        order_id: int | None = None,
        unit_costs: Mapping[int, int] | None = None,
    ) -> None:
        """Increase stock; with ``unit_costs`` the product cost becomes the weighted average."""
        for product_id in sorted(quantities):
            added = quantities[product_id]
            values: dict = {"stock_on_hand": Product.stock_on_hand + added}
            if unit_costs is not None:
                new_total = Product.stock_on_hand + added
                value_twice = 2 * (
                    Product.stock_on_hand * Product.unit_cost + added * unit_costs[product_id]
                )
                # half-up rounding of value / quantity, in integers on both backends
                values["unit_cost"] = (value_twice + new_total) // (2 * new_total)
            result = self.session.execute(
                update(Product)
                .where(Product.id == product_id)
                .values(**values)
                .execution_options(synchronize_session=False)
            )
            if result.rowcount != 1:
                raise LookupError(f"product {product_id} vanished while receiving")
        self._record(quantities, kind=kind, purchase_id=purchase_id, order_id=order_id)

    def adjust(self, product_id: int, delta: int, *, note: str) -> bool:
        """Set stock by a counted difference; False if it would go below zero."""
        condition = Product.stock_on_hand + delta >= 0
        result = self.session.execute(
            update(Product)
            .where(Product.id == product_id, condition)
            .values(stock_on_hand=Product.stock_on_hand + delta)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            return False
        self._record({product_id: delta}, kind="adjustment", note=note)
        return True

    def movements_total(self, product_id: int) -> int:
        return self.session.scalar(
            select(func.coalesce(func.sum(StockMovement.quantity), 0)).where(
                StockMovement.product_id == product_id
            )
        )

    def _record(
        self,
        quantities: Mapping[int, int],
        *,
        kind: str,
        order_id: int | None = None,
        purchase_id: int | None = None,
        note: str = "",
    ) -> None:
        rows = [
            {
                "product_id": product_id,
                "quantity": quantity,
                "kind": kind,
                "order_id": order_id,
                "purchase_id": purchase_id,
                "note": note,
            }
            for product_id, quantity in sorted(quantities.items())
            if quantity
        ]
        if rows:
            _MOVEMENTS.execute_many(self.session.connection(), rows)

    def _shortage(self, product_id: int, wanted: int) -> Shortage:
        row = self.session.execute(
            select(Product.sku, Product.name, Product.stock_on_hand).where(Product.id == product_id)
        ).one_or_none()
        if row is None:
            return Shortage(product_id, "?", "unknown product", wanted, 0)
        return Shortage(product_id, row.sku, row.name, wanted, row.stock_on_hand)
