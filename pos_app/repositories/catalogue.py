"""Products: look-ups by code for the scanner, searches for the catalogue view."""

from __future__ import annotations

from sqlalchemy import false, func, or_, select
from sqlalchemy.orm import Session

from ..domain.cart import ProductSnapshot
from ..persistence.models import Product


def snapshot_of(product: Product) -> ProductSnapshot:
    return ProductSnapshot(
        product_id=product.id,
        sku=product.sku,
        barcode=product.barcode,
        name=product.name,
        unit_price=product.unit_price,
        tax_rate_ppm=product.tax_rate_ppm,
        unit_cost=product.unit_cost,
        stock_on_hand=product.stock_on_hand,
    )


class CatalogueRepository:
    def __init__(self, session: Session):
        self.session = session

    def add(self, product: Product) -> Product:
        self.session.add(product)
        return product

    def get(self, product_id: int) -> Product | None:
        return self.session.get(Product, product_id)

    def by_code(self, code: str) -> Product | None:
        """Barcode first (what scanners send), then SKU (what people type)."""
        if not isinstance(code, str) or "\x00" in code:
            return None  # no stored code has a NUL, and PostgreSQL refuses to receive one
        code = code.strip()
        return self.session.scalars(
            select(Product)
            .where(or_(Product.barcode == code, Product.sku == code))
            .order_by((Product.barcode == code).desc())
            .limit(1)
        ).first()

    def by_sku(self, sku: str) -> Product | None:
        return self.session.scalars(select(Product).where(Product.sku == sku)).first()

    def by_barcode(self, barcode: str) -> Product | None:
        return self.session.scalars(select(Product).where(Product.barcode == barcode)).first()

    def snapshots(self, product_ids: list[int]) -> dict[int, ProductSnapshot]:
        rows = self.session.scalars(
            select(Product)
            .where(Product.id.in_(product_ids))
            .execution_options(populate_existing=True)
        )
        return {p.id: snapshot_of(p) for p in rows}

    def search(self, text: str = "", *, limit: int = 100, offset: int = 0) -> list[Product]:
        """Name, SKU or barcode containing ``text``; done in SQL, ordered by name."""
        return list(
            self.session.scalars(
                self._matching(text).order_by(Product.name, Product.id).limit(limit).offset(offset)
            )
        )

    def count(self, text: str = "") -> int:
        return self.session.scalar(
            select(func.count()).select_from(self._matching(text).subquery())
        )

    @staticmethod
    def _matching(text: str):
        query = select(Product)
        text = (text or "").strip()
        if "\x00" in text:
            return query.where(false())  # nothing stored holds a NUL; PostgreSQL can't take one
        if text:
            pattern = (
                "%"
                + text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
                + "%"
            )
            query = query.where(
                or_(
                    func.lower(Product.name).like(pattern, escape="\\"),
                    func.lower(Product.sku).like(pattern, escape="\\"),
                    Product.barcode.like(pattern, escape="\\"),
                )
            )
        return query

    def stock_levels(self, product_ids: list[int]) -> dict[int, int]:
        rows = self.session.execute(
            select(Product.id, Product.stock_on_hand).where(Product.id.in_(product_ids))
        )
        return dict(rows.all())
