"""Products: look-ups by code for the scanner, searches for the catalogue view."""

from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import Row, bindparam, func, literal_column, or_, select
from sqlalchemy import column as sql_column
from sqlalchemy import table as sql_table
from sqlalchemy.orm import Session

from ..domain.cart import ProductSnapshot
from ..persistence.models import SQLITE_SEARCH_TABLES, Product
from ..persistence.prepared import Prepared


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

_SNAPSHOT_BY_CODE = Prepared(
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


# What a list of products shows (services.store.ProductRow), read as plain rows.
_LISTED = (
    Product.id,
    Product.sku,
    Product.barcode,
    Product.name,
    Product.unit_price,
    Product.unit_cost,
    Product.tax_rate_ppm,
    Product.stock_on_hand,
    Product.active,
)


# -- search as you type --------------------------------------------------------------------
#
# What a typed text matches, on both backends (case ignored: PostgreSQL through lower(),
# SQLite for ASCII letters, as its LIKE does):
#   * nothing typed: every product;
#   * 1-2 letters or digits ("c", "ch", "kg", "12"): the start of a word (the start of the
#     field, or after a space) in the name, SKU or barcode. A cashier typing "ch" means the
#     start of something, not every name with "ch" somewhere in it (three in five products
#     hold a "c"); and a word start is what an index can find without reading every row;
#   * anything else (three or more characters, or punctuation such as "%", "_", "\", "#4"):
#     the name, SKU or barcode contains it, LIKE's wildcards taken literally.
# The first page in name order comes from the name index when matches are common near its
# start (one short walk), otherwise from the search index (every match collected, then
# sorted): PostgreSQL's pg_trgm index on products.search_text, SQLite's two FTS5 tables.
# Both plans test the same condition, so a page never depends on which one ran.
WORD_START_MAX = 2
# How far the name-order walk goes before the search index takes over: 2,000 rows for a
# first page (a text matching one product in ten fills 200 rows within them), ten rows per
# row wanted for later pages.
FIRST_WALK_ROWS = 2_000
WALK_ROWS_PER_ROW_WANTED = 10
# Known to match this many or fewer (the search field has just counted them): collected
# through the search index and sorted, without a walk first (measured on 100,000 products:
# a rare text's page 1-3 ms instead of 3-11 ms).
FEW_MATCHES = 1_000
# SQLite's search index: external-content FTS5 tables over products(name, sku, barcode) kept
# by triggers; one of trigrams (contains, 3+ characters), one of words with 1-2 character
# prefixes (word starts). Either missing (an SQLite without FTS5 trigrams): rows are read.
SQLITE_TRIGRAMS, SQLITE_WORDS = SQLITE_SEARCH_TABLES
_FIELD_END = "\x1f"  # between the fields of products.search_text (PostgreSQL)
# PostgreSQL plans, for the rest of a read transaction. The planner guesses LIKE's
# selectivity poorly: it may walk the whole name index hoping to meet matches early
# ("smoked": 83,000 rows read to find 200), collect 100,000 "rare" matches to sort them, or
# scan the whole table in parallel rather than walk 2,000 rows of the name index.
_PG_PLANS = {
    "walk": "SELECT set_config('enable_bitmapscan', 'off', true),"
    " set_config('enable_seqscan', 'off', true),"
    " set_config('enable_indexscan', 'on', true),"  # an earlier "index" plan in this
    " set_config('enable_indexonlyscan', 'on', true)",  # transaction switched them off
    "index": "SELECT set_config('enable_bitmapscan', 'on', true),"
    " set_config('enable_seqscan', 'off', true),"
    " set_config('enable_indexscan', 'off', true),"
    " set_config('enable_indexonlyscan', 'off', true)",
}


class Typed(NamedTuple):
    """A search text and the rule it follows (see above)."""

    needle: str  # stripped and lower-cased
    rule: str  # "all", "nothing", "word start" or "contains"

    @classmethod
    def of(cls, text: object) -> Typed:
        needle = text.strip().lower() if isinstance(text, str) else ""
        if not needle:
            return cls("", "all")
        if "\x00" in needle:  # nothing stored holds a NUL; PostgreSQL can't even take one
            return cls(needle, "nothing")
        if len(needle) <= WORD_START_MAX and needle.isalnum():
            return cls(needle, "word start")
        return cls(needle, "contains")


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
        row = _SNAPSHOT_BY_CODE.execute(self.session.connection(), {"code": code.strip()}).first()
        if row is None or not row[-1]:  # active
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

    def search(
        self, text: str = "", *, limit: int = 100, offset: int = 0, matches: int | None = None
    ) -> list[Row]:
        """One page of the products matching ``text`` (the rules are at the top of this
        module), ordered by name; done in SQL. Plain rows of the listed columns, not
        objects: building 200 ORM objects cost more than finding them. ``matches``: how
        many match, if the caller has just counted them (a few are found quicker through
        the search index alone)."""
        typed = Typed.of(text)
        in_order = select(*_LISTED).order_by(Product.name, Product.id)
        if typed.rule == "all":
            return self._products(in_order.limit(limit).offset(offset))
        if typed.rule == "nothing" or limit <= 0:
            return []
        walk = in_order.where(self._condition(typed))
        if not self._indexed(typed):  # no index can answer: read the rows in name order
            return self._products(walk.limit(limit).offset(offset))
        if matches is not None and matches <= FEW_MATCHES:
            self._plan("index")  # a walk would read its 2,000 rows for next to nothing
            return self._products(self._narrowed(walk, typed).limit(limit).offset(offset))
        # Common texts: their first matches lie near the start of the name index, and a walk
        # bounded to its first rows finds them without reading the rest.
        self._plan("walk")  # before the bound too: it reads the name index
        bound = self.session.scalar(
            select(Product.name)
            .order_by(Product.name)
            .offset(max(FIRST_WALK_ROWS, WALK_ROWS_PER_ROW_WANTED * (offset + limit)) - 1)
            .limit(1)
        )
        if bound is None:  # a catalogue that small is quickest walked whole
            return self._products(walk.limit(limit).offset(offset))
        page = self._products(walk.where(Product.name <= bound).limit(limit).offset(offset))
        if len(page) == limit:  # every row up to ``bound`` comes before the rest in name order
            return page
        # Rare texts, or texts whose matches sort late ("smoked": all under S): collect the
        # matches through the search index and sort just those.
        self._plan("index")
        return self._products(self._narrowed(walk, typed).limit(limit).offset(offset))

    def count(self, text: str = "", *, at_most: int | None = None) -> int:
        """How many products ``search`` pages through; with ``at_most``, stop counting
        there (a screen saying "1,000+" need not count 31,000 matches one by one)."""
        typed = Typed.of(text)
        if typed.rule == "nothing":
            return 0
        matching = select(Product.id)  # id only: the name index covers it on SQLite
        if typed.rule != "all":
            matching = matching.where(self._condition(typed))
            if self._indexed(typed):
                self._plan("index")
                matching = self._narrowed(matching, typed)
        if at_most is not None:
            matching = matching.limit(at_most)
        return self.session.scalar(select(func.count()).select_from(matching.subquery()))

    def _products(self, query) -> list[Row]:  # noqa: ANN001 - a Select of _LISTED
        return list(self.session.execute(query))

    def _sqlite(self) -> bool:
        return self.session.get_bind().dialect.name == "sqlite"

    def _condition(self, typed: Typed):  # noqa: ANN202 - a boolean SQL expression
        """The match itself: every row returned satisfies it, whichever plan found it."""
        needle = typed.needle
        escaped = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        if not self._sqlite() and _FIELD_END not in needle:
            # search_text: " name<US> sku<US> barcode" lower-cased, kept by the database
            if typed.rule == "word start":
                return Product.search_text.like(f"% {needle}%")
            return Product.search_text.like(f"%{escaped}%", escape="\\")
        columns = (Product.name, Product.sku, Product.barcode)
        if not self._sqlite():
            columns = tuple(func.lower(c) for c in columns)
        # On SQLite bare columns: its LIKE ignores ASCII case (its lower() knows no more than
        # ASCII anyway), and ix_products_search holds them for the walk to test in place.
        if typed.rule == "word start":  # letters and digits only: nothing to escape
            return or_(
                *(c.like(f"{needle}%") for c in columns),
                *(c.like(f"% {needle}%") for c in columns),
            )
        # The barcode first: the OR stops at the first column that matches.
        return or_(*(c.like(f"%{escaped}%", escape="\\") for c in reversed(columns)))

    def _indexed(self, typed: Typed) -> bool:
        """Whether the search index can find this text's candidates."""
        if typed.rule == "contains" and len(typed.needle) < 3:
            return False  # "%", "#4": shorter than a trigram
        if not self._sqlite():  # pg_trgm: trigrams of the text, or "  c" for a word start
            return _FIELD_END not in typed.needle
        if typed.rule == "word start" and not typed.needle.isascii():
            return False  # where FTS5's idea of a letter may differ from LIKE's
        found = self.session.connection().exec_driver_sql(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN (?, ?)",
            (SQLITE_TRIGRAMS, SQLITE_WORDS),
        )
        return found.scalar_one() == 2  # else an SQLite without FTS5 trigrams: no index

    def _plan(self, kind: str) -> None:
        if not self._sqlite():
            self.session.connection().exec_driver_sql(_PG_PLANS[kind])

    def _narrowed(self, query, typed: Typed):  # noqa: ANN001, ANN202 - Select in, Select out
        """``query`` read through the search index: only its candidates are tested."""
        if not self._sqlite():
            return query  # PostgreSQL finds the trigram indexes itself
        if typed.rule == "word start":
            fts, match = SQLITE_WORDS, f'"{typed.needle}"*'  # a word starting so
        else:  # the text's trigrams anywhere in the row (32 of a long text narrow enough)
            needle = typed.needle
            grams = list(dict.fromkeys(needle[i : i + 3] for i in range(len(needle) - 2)))
            fts = SQLITE_TRIGRAMS
            match = " AND ".join('"' + g.replace('"', '""') + '"' for g in grams[:32])
        index = sql_table(fts, sql_column("rowid"))
        return (
            query.select_from(index)
            .join(Product, Product.id == index.c.rowid)
            .where(literal_column(fts).op("MATCH")(match))
        )

    def stock_levels(self, product_ids: list[int]) -> dict[int, int]:
        rows = self.session.execute(
            select(Product.id, Product.stock_on_hand).where(Product.id.in_(product_ids))
        )
        return dict(rows.all())
