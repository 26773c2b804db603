"""Keeping the catalogue: products, customers and counted-stock corrections."""

from __future__ import annotations

from ..domain.catalogue import CustomerDraft, ProductDraft, is_record_number
from ..domain.errors import DuplicateValue, InvalidInput, NotFound, OutOfStock, Shortage
from ..domain.postings import Accounts, balanced, credit, debit
from ..persistence.models import Customer, Product
from ..repositories.unit_of_work import UnitOfWork


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


def add_product(uow: UnitOfWork, draft: ProductDraft, *, commit: bool = True) -> int:
    """New products start with no stock: stock arrives through receiving, so it is costed."""
    draft = draft.validated()

    def work() -> int:
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
        if commit:
            uow.commit()
        return product.id

    return uow.run(work) if commit else work()


def update_product(uow: UnitOfWork, product_id: int, draft: ProductDraft) -> None:
    """Change what a product is and costs; stock is changed only by movements."""
    draft = draft.validated()
    if not is_record_number(product_id):
        raise NotFound(f"No product number {product_id}.")

    def work() -> None:
        product = uow.catalogue.get(product_id)
        if product is None:
            raise NotFound(f"No product number {product_id}.")
        _check_unique(uow, draft, product_id)
        product.sku, product.barcode, product.name = draft.sku, draft.barcode, draft.name
        product.unit_price, product.unit_cost = draft.unit_price, draft.unit_cost
        product.tax_rate_ppm, product.active = draft.tax_rate_ppm, draft.active
        uow.commit()

    uow.run(work)


def add_customer(uow: UnitOfWork, draft: CustomerDraft, *, commit: bool = True) -> int:
    draft = draft.validated()

    def work() -> int:
        if uow.customers.by_code(draft.code) is not None:
            raise DuplicateValue(f"Customer code {draft.code} is already used.", "code")
        customer = uow.customers.add(
            Customer(
                code=draft.code, company=draft.company, contact=draft.contact, country=draft.country
            )
        )
        uow.flush()
        if commit:
            uow.commit()
        return customer.id

    return uow.run(work) if commit else work()


MAX_STOCK = 2**31 - 1  # products.stock_on_hand is a 32-bit INTEGER on PostgreSQL


def record_count(
    uow: UnitOfWork, product_id: int, counted: int, *, note: str = "Stock count"
) -> int:
    """Bring stock to what was counted; the difference is posted at cost as shrinkage (or gain)."""
    if isinstance(counted, bool) or not isinstance(counted, int) or counted < 0:
        raise InvalidInput("The counted quantity must be zero or more.", "counted")
    if counted > MAX_STOCK:
        raise InvalidInput(f"The counted quantity cannot be more than {MAX_STOCK:,}.", "counted")
    if not is_record_number(product_id):
        raise NotFound(f"No product number {product_id}.")

    def work() -> int:
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
            )
        uow.commit()
        return delta

    return uow.run(work)
