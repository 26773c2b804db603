"""Products: look-ups by code for the scanner, searches for the catalogue view."""

from __future__ import annotations

import json

from sqlalchemy import bindparam, false, func, or_, select
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


# The scanner's query, built once: composing it cost more than running it.
_BY_CODE = (
    select(Product)
    .where(or_(Product.barcode == bindparam("code"), Product.sku == bindparam("code")))
    .order_by((Product.barcode == bindparam("code")).desc())
    .limit(1)
)

_SNAPSHOT_BY_CODE = (
    select(
        Product.id,
        Product.sku,
        Product.barcode,
        Product.name,
        Product.unit_price,
        Product.tax_rate_ppm,
        Product.unit_cost,
        Product.stock_on_hand,
        Product.active,
    )
    .where(or_(Product.barcode == bindparam("code"), Product.sku == bindparam("code")))
    .order_by((Product.barcode == bindparam("code")).desc())
    .limit(1)
)


# PostgreSQL search: above this many estimated matches (of 100,000 products, ~20%) the first
# page comes sooner from walking the name index than from sorting every match.
WALK_NAME_ORDER_FROM = 20_000
_ONLY_BITMAP_SCANS = (
    "SELECT set_config('enable_seqscan', 'off', true),"
    " set_config('enable_indexscan', 'off', true),"
    " set_config('enable_indexonlyscan', 'off', true)"
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
        return self.session.scalars(_BY_CODE, {"code": code.strip()}).first()

    def sellable(self, code: str) -> ProductSnapshot | None:
        """What a scan puts in the cart: the product by barcode, then SKU (as ``by_code``),
        if it is active; plain values, no object for the session to track."""
        if not isinstance(code, str) or "\x00" in code:
            return None
        row = self.session.connection().execute(_SNAPSHOT_BY_CODE, {"code": code.strip()}).first()
        if row is None or not row.active:
            return None
        return ProductSnapshot(*row[:-1])

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
        query = (
            self._matching(select(Product), text)
            .order_by(Product.name, Product.id)
            .limit(limit)
            .offset(offset)
        )
        # PostgreSQL assumes matches are spread evenly in name order and walks the name
        # index testing row after row: right when much of the catalogue matches, ruinous
        # when the matches sort late ("smoked": 83,000 rows read to find 200) or do not
        # exist. So it walks only when its trigram estimate says the text is common;
        # otherwise it collects the matches from the trigram indexes and sorts just those.
        if self._trigram_text(text) and self._estimated(query) < WALK_NAME_ORDER_FROM:
            self._only_bitmap_scans()
        return list(self.session.scalars(query))

    def count(self, text: str = "", *, at_most: int | None = None) -> int:
        """How many products ``search`` pages through; with ``at_most``, stop counting
        there (a screen saying "10,000+" need not count 58,000 matches one by one)."""
        matching = self._matching(select(Product.id), text)  # id only: the index covers it
        if at_most is not None:
            matching = matching.limit(at_most)
        if self._trigram_text(text):
            # Read only the rows the trigram indexes name, never every row through lower().
            self._only_bitmap_scans()
        return self.session.scalar(select(func.count()).select_from(matching.subquery()))

    def _trigram_text(self, text: str) -> bool:
        """A search the PostgreSQL trigram indexes can answer: three characters or more."""
        text = (text or "").strip()
        return (
            len(text) >= 3
            and "\x00" not in text
            and self.session.get_bind().dialect.name == "postgresql"
        )

    def _estimated(self, query) -> float:  # noqa: ANN001 - a Select
        """The planner's guess of how many products match (planning only, nothing read)."""
        counted = select(func.count()).select_from(query.limit(None).offset(None).subquery())
        compiled = counted.compile(dialect=self.session.get_bind().dialect)
        plan = (
            self.session.connection()
            .exec_driver_sql("EXPLAIN (FORMAT JSON) " + compiled.string, compiled.params)
            .scalar_one()
        )
        plan = json.loads(plan) if isinstance(plan, str) else plan
        return float(plan[0]["Plan"]["Plans"][0]["Plan Rows"])

    def _only_bitmap_scans(self) -> None:
        """For the rest of this read transaction: no sequential scan, no index walk."""
        self.session.connection().exec_driver_sql(_ONLY_BITMAP_SCANS)

    def _matching(self, query, text: str):  # noqa: ANN001, ANN202 - a Select in, a Select out
        text = (text or "").strip()
        if "\x00" in text:
            return query.where(false())  # nothing stored holds a NUL; PostgreSQL can't take one
        if text:
            pattern = (
                "%"
                + text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
                + "%"
            )
            if self.session.get_bind().dialect.name == "sqlite":
                # SQLite's LIKE already ignores ASCII case (and its lower() knows no more than
                # ASCII): bare columns let it test them inside ix_products_search.
                name, sku = Product.name, Product.sku
            else:  # lower(...) is what the trigram indexes hold
                name, sku = func.lower(Product.name), func.lower(Product.sku)
            # The barcode first: it needs no lower(), and an OR stops at its first match.
            query = query.where(
                or_(
                    Product.barcode.like(pattern, escape="\\"),
                    sku.like(pattern, escape="\\"),
                    name.like(pattern, escape="\\"),
                )
            )
        return query

    def stock_levels(self, product_ids: list[int]) -> dict[int, int]:
        rows = self.session.execute(
            select(Product.id, Product.stock_on_hand).where(Product.id.in_(product_ids))
        )
        return dict(rows.all())
