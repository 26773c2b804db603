"""Keeping the catalogue: products, customers and counted-stock corrections.

Every function takes the person acting (``actor``). Products and stock counts need the
catalogue or receiving right (a cashier brings a manager's ``approval``); the audit log
gets a row naming both, in the same transaction and last (the audit counter is the last
lock a transaction takes). Customers may be added by anyone signed in: taking a new
customer's details at the till is ordinary selling, and the audit row says who did it.
"""

from __future__ import annotations

from ..domain.catalogue import CustomerDraft, ProductDraft, is_record_number
from ..domain.errors import DuplicateValue, InvalidInput, NotFound, OutOfStock, Shortage
from ..domain.postings import Accounts, balanced, credit, debit
from ..domain.staff import Approval, Permission, StaffMember, authorise
from ..persistence.models import Customer, Product
from ..repositories.unit_of_work import UnitOfWork
from .authority import still_allowed

# what an edit can change, as the audit log names it
PRODUCT_FIELDS = (
    "sku", "barcode", "name", "unit_price", "unit_cost", "tax_rate_ppm", "active"
)


def _approver_id(approver: StaffMember | None) -> int | None:
    return approver.staff_id if approver is not None else None


def _check_unique(uow: UnitOfWork, draft: ProductDraft, product_id: int | None) -> None:
    same_sku = uow.catalogue.by_sku(draft.sku)
    if same_sku is not None and same_sku.id != product_id:
        raise DuplicateValue(f"SKU {draft.sku} is already used by {same_sku.name}.", "SKU")
    if draft.barcode:
        same_code = uow.catalogue.by_barcode(draft.barcode)
        if same_code is not None and same_code.id != product_id:
            raise DuplicateValue(
                f"Barcode {draft.barcode} is already used by {same_code.name}.", "barcode"
            )


def add_product(
    uow: UnitOfWork,
    draft: ProductDraft,
    *,
    actor: StaffMember,
    approval: Approval | None = None,
    commit: bool = True,
) -> int:
    """New products start with no stock: stock arrives through receiving, so it is costed.
    Audited as 'product.add' with the price it starts at."""
    approver = authorise(actor, Permission.EDIT_CATALOGUE, approval)
    draft = draft.validated()

    def work() -> int:
        still_allowed(uow, actor, Permission.EDIT_CATALOGUE, approver)
        _check_unique(uow, draft, None)
        product = uow.catalogue.add(
            Product(
                sku=draft.sku,
                barcode=draft.barcode,
                name=draft.name,
                unit_price=draft.unit_price,
                unit_cost=draft.unit_cost,
                tax_rate_ppm=draft.tax_rate_ppm,
                active=draft.active,
                stock_on_hand=0,
            )
        )
        uow.flush()
        product_id = product.id
        uow.audit.append(
            "product.add",
            subject=f"{draft.sku} {draft.name}",
            details={"sku": draft.sku, "price": draft.unit_price, "cost": draft.unit_cost},
            staff_id=actor.staff_id,
            approved_by=_approver_id(approver),
        )
        if commit:
            uow.commit()
        return product_id

    return uow.run(work) if commit else work()


def update_product(
    uow: UnitOfWork,
    product_id: int,
    draft: ProductDraft,
    *,
    actor: StaffMember,
    approval: Approval | None = None,
) -> None:
    """Change what a product is and costs; stock is changed only by movements.

    A new price is audited as 'price.change', any other edit as 'product.change': old and
    new price and cost (when they changed) and each other changed field as [old, new].
    Saving what is already stored writes nothing."""
    approver = authorise(actor, Permission.EDIT_CATALOGUE, approval)
    draft = draft.validated()
    if not is_record_number(product_id):
        raise NotFound(f"No product number {product_id}.")

    def work() -> None:
        still_allowed(uow, actor, Permission.EDIT_CATALOGUE, approver)
        product = uow.catalogue.get(product_id)
        if product is None:
            raise NotFound(f"No product number {product_id}.")
        # the row locked (products come first in the lock order), so "old" is what it was
        uow.session.refresh(product, with_for_update=True)
        _check_unique(uow, draft, product_id)
        changes = {
            field: [getattr(product, field), getattr(draft, field)]
            for field in PRODUCT_FIELDS
            if getattr(product, field) != getattr(draft, field)
        }
        if not changes:
            uow.rollback()
            return
        old_sku = product.sku
        for field in PRODUCT_FIELDS:
            setattr(product, field, getattr(draft, field))
        uow.flush()
        action = "price.change" if "unit_price" in changes else "product.change"
        details: dict = {"sku": draft.sku}
        if "unit_price" in changes:
            details["old_price"], details["new_price"] = changes.pop("unit_price")
        if "unit_cost" in changes:
            details["old_cost"], details["new_cost"] = changes.pop("unit_cost")
        if changes:  # the rest, each as [old, new]
            details["changed"] = changes
        uow.audit.append(
            action,
            subject=f"{old_sku} {draft.name}",
            details=details,
            staff_id=actor.staff_id,
            approved_by=_approver_id(approver),
        )
        uow.commit()

    uow.run(work)


def add_customer(
    uow: UnitOfWork, draft: CustomerDraft, *, actor: StaffMember, commit: bool = True
) -> int:
    """Anyone signed in may add a customer (part of selling: an order at the till needs
    one); 'customer.add' in the audit log says who. No approval is ever needed."""
    authorise(actor, Permission.SELL)
    draft = draft.validated()

    def work() -> int:
        still_allowed(uow, actor, Permission.SELL)
        if uow.customers.by_code(draft.code) is not None:
            raise DuplicateValue(f"Customer code {draft.code} is already used.", "code")
        customer = uow.customers.add(
            Customer(
                code=draft.code, company=draft.company, contact=draft.contact, country=draft.country
            )
        )
        uow.flush()
        customer_id = customer.id
        uow.audit.append(
            "customer.add",
            subject=f"{draft.code} {draft.company}",
            details={"code": draft.code},
            staff_id=actor.staff_id,
        )
        if commit:
            uow.commit()
        return customer_id

    return uow.run(work) if commit else work()


MAX_STOCK = 2**31 - 1  # products.stock_on_hand is a 32-bit INTEGER on PostgreSQL


def record_count(
    uow: UnitOfWork,
    product_id: int,
    counted: int,
    *,
    actor: StaffMember,
    approval: Approval | None = None,
    note: str = "Stock count",
) -> int:
    """Bring stock to what was counted; the difference is posted at cost as shrinkage (or
    gain). A count that changes stock is audited as 'stock.count' (a matching one writes
    nothing)."""
    approver = authorise(actor, Permission.RECEIVE_STOCK, approval)
    if isinstance(counted, bool) or not isinstance(counted, int) or counted < 0:
        raise InvalidInput("The counted quantity must be zero or more.", "counted")
    if counted > MAX_STOCK:
        raise InvalidInput(f"The counted quantity cannot be more than {MAX_STOCK:,}.", "counted")
    if not is_record_number(product_id):
        raise NotFound(f"No product number {product_id}.")

    def work() -> int:
        still_allowed(uow, actor, Permission.RECEIVE_STOCK, approver)
        product = uow.catalogue.get(product_id)
        if product is None:
            raise NotFound(f"No product number {product_id}.")
        uow.session.refresh(product, with_for_update=True)
        delta = counted - product.stock_on_hand
        if delta == 0:
            uow.rollback()
            return 0
        if not uow.stock.adjust(product_id, delta, note=note):
            raise OutOfStock(
                [Shortage(product.id, product.sku, product.name, -delta, product.stock_on_hand)]
            )
        value = abs(delta) * product.unit_cost
        if value:
            loss = delta < 0
            uow.ledger.post(
                f"{note}: {product.name} {delta:+d}",
                "adjustment",
                balanced(
                    [
                        debit(Accounts.INVENTORY_SHRINKAGE if loss else Accounts.INVENTORY, value),
                        credit(Accounts.INVENTORY if loss else Accounts.INVENTORY_SHRINKAGE, value),
                    ]
                ),
                staff_id=actor.staff_id,
            )
        uow.audit.append(
            "stock.count",
            subject=f"{product.sku} {product.name}",
            details={
                "sku": product.sku,
                "before": counted - delta,
                "after": counted,
                "value": value,
                "note": note,
            },
            staff_id=actor.staff_id,
            approved_by=_approver_id(approver),
        )
        uow.commit()
        return delta

    return uow.run(work)
