"""Catalogue search: what a typed text matches, and the same answer from every plan.

``CatalogueRepository.search`` finds a page either by walking the name index a short way or
through the search index (pg_trgm on PostgreSQL, FTS5 tables on SQLite), and ``count`` through
the index. Each result here is compared with a plain-Python reading of the rules, on both
backends, with each plan forced in turn, page by page.
"""

from __future__ import annotations

import random

import pytest
from sqlalchemy import text

from pos_app.domain.catalogue import ProductDraft
from pos_app.persistence.engine import Database
from pos_app.persistence.migrate import downgrade, upgrade
from pos_app.persistence.models import SQLITE_SEARCH_TABLES
from pos_app.repositories import UnitOfWork
from pos_app.repositories import catalogue as catalogue_module
from pos_app.repositories.catalogue import Typed
from pos_app.services.catalogue import add_product, update_product
from pos_app.services.store import Store
from tests.factories import owner, product

WORDS = [
    "Chai", "chang", "Hot", "Chocolate", "Mocha", "café", "Crème", "éclair", "Éclair", "100%",
    "Juice", "Tea_bag", "Back\\slash", "#42", "Gift", "A-B", "(Organic)", "12", "oz", "1kg",
    "kg", "O'Brien", "x", "CH", "naïve", "Zzz", "smoked", "Salmon", "ka",
]  # fmt: skip
TEXTS = [
    # 1-2 letters or digits: the start of a word
    *"abcehkmoxz019é", "C", "É", "ch", "Ch", "CH", "ka", "kg", "12", "1k", "oz", "éc", "Éc",
    "sk", "ab", "50", "za", " ch ",
    # anything else: contains
    "%", "_", "\\", "#", "-", "(", "'", "#4", "_b", "\\s", "o'", "a-", "0%",
    "cha", "hoc", "ocha", "café", "CAFÉ", "100%", "_ba", "k\\s", "#42", "a-b", "(or", "o'b",
    "z 1", "chai c", "ai 1", "sku", "abc1", "5012", "xylophone", "ch-0", "c.9", "     ",
    "a\x00b",
]  # fmt: skip


def fill_shop(db: Database) -> Store:
    """80 products with awkward names, SKUs and barcodes; repeated names test the id order."""
    olive = owner(lambda: UnitOfWork(db.writer))
    rng = random.Random(6)
    with UnitOfWork(db.writer) as uow:
        for i in range(80):
            name = " ".join(rng.sample(WORDS, rng.randint(1, 4)))
            sku = rng.choice(["CH-", "SKU_", "c.", "AB", "x"]) + str(i)
            barcode = rng.choice([None, f"5012{i:04d}", f"ABC{i}", f"{i}kg"])
            draft = ProductDraft(sku=sku, name=name, unit_price=100, barcode=barcode)
            add_product(uow, draft, commit=False, actor=olive)
        uow.commit()
    return Store(db)


def lowered(value: str, backend: str) -> str:
    """What LIKE compares: SQLite folds ASCII letters only, PostgreSQL runs lower()."""
    if backend == "sqlite":
        return value.translate({c: c + 32 for c in range(ord("A"), ord("Z") + 1)})
    return value.lower()


def expected(store: Store, backend: str, typed_text: str) -> list[int]:
    """Ids of the products the rules say match, in the database's own name order."""
    typed = Typed.of(typed_text)
    everything = store.products("", limit=10_000)
    if typed.rule == "nothing":
        return []
    found = []
    for row in everything:
        fields = [lowered(f, backend) for f in (row.name, row.sku, row.barcode) if f is not None]
        if typed.rule == "all":
            hit = True
        elif typed.rule == "word start":
            hit = any(f.startswith(typed.needle) or " " + typed.needle in f for f in fields)
        else:
            hit = any(typed.needle in f for f in fields)
        if hit:
            found.append(row.product_id)
    return found


def drop_sqlite_search_index(db: Database) -> None:
    with db.engine.begin() as conn:
        for trigger in ("insert", "delete", "update"):
            conn.exec_driver_sql(f"DROP TRIGGER product_search_{trigger}")
        for table in SQLITE_SEARCH_TABLES:
            conn.exec_driver_sql(f"DROP TABLE {table}")


def pages_through_exactly_what_the_rules_say(shop: Store, backend: str) -> None:
    for typed in TEXTS:
        want = expected(shop, backend, typed)
        assert shop.count_products(typed) == len(want), typed
        assert shop.count_products(typed, at_most=5) == min(5, len(want)), typed
        # the search field's one call: the same first page, the same capped count, whether
        # the count came along with an index page or was asked for
        for limit, cap in ((3, None), (3, 5), (50, 2)):
            total, first = shop.search_products(typed, limit=limit, count_cap=cap)
            assert [r.product_id for r in first] == want[:limit], (typed, limit)
            assert total == (len(want) if cap is None else min(cap, len(want))), (typed, cap)
        for limit in (3, 7):
            pages = [
                [r.product_id for r in shop.products(typed, offset=offset, limit=limit)]
                for offset in range(0, 4 * limit, limit)
            ]
            for number, page in enumerate(pages):
                assert page == want[number * limit : (number + 1) * limit], (typed, limit, number)


@pytest.mark.parametrize("plan", ["walk first", "index"])
def test_every_plan_pages_through_exactly_what_the_rules_say(db, monkeypatch, plan):
    shop = fill_shop(db)
    # "walk first": the name-order walk covers the first 30 rows; "index": one row, so every
    # first page that is not full within it comes through the search index.
    monkeypatch.setattr(catalogue_module, "FIRST_WALK_ROWS", 30 if plan == "walk first" else 1)
    monkeypatch.setattr(catalogue_module, "WALK_ROWS_PER_ROW_WANTED", 0)
    pages_through_exactly_what_the_rules_say(shop, db.backend)


def test_an_sqlite_without_its_search_tables_reads_rows_and_finds_the_same(sqlite_db):
    shop = fill_shop(sqlite_db)
    drop_sqlite_search_index(sqlite_db)  # as on an SQLite without FTS5's trigram tokenizer
    pages_through_exactly_what_the_rules_say(shop, "sqlite")


def test_short_texts_match_the_start_of_a_word_longer_ones_anywhere(db, new_uow):
    olive = owner(new_uow)
    for sku, name, barcode in [
        ("CHAI", "Chai", "5000001"),
        ("HC-1", "Hot Chocolate", None),
        ("MOCHA", "Mocha", "ABC123"),
        ("TEA12", "Green tea 12 oz", "4012"),
        ("ODD_1", "Gift 100% #42 \\ O'Brien_x", None),
        ("ECL", "crème éclair", None),
    ]:
        with new_uow() as uow:
            draft = ProductDraft(sku=sku, name=name, unit_price=100, barcode=barcode)
            add_product(uow, draft, actor=olive)
    store = Store(db)

    def skus(typed: str) -> list[str]:
        return sorted(row.sku for row in store.products(typed))

    assert skus("c") == ["CHAI", "ECL", "HC-1"]  # Chai, Chocolate, crème; not moCha
    assert skus("CH") == ["CHAI", "HC-1"]
    assert skus("12") == ["TEA12"]  # the "12" word; not TEA12 (mid-SKU) nor 4012
    assert skus("40") == ["TEA12"]  # the start of the barcode
    assert skus("ab") == ["MOCHA"]  # barcodes ignore case on both backends
    assert skus("é") == ["ECL"]
    assert skus("cha") == ["CHAI", "MOCHA"]  # three characters: anywhere
    assert skus("ocha") == ["MOCHA"]
    # Punctuation is matched literally and anywhere, however short.
    assert skus("%") == ["ODD_1"] and skus("_") == ["ODD_1"] and skus("\\") == ["ODD_1"]
    assert skus("#4") == ["ODD_1"] and skus("_x") == ["ODD_1"]
    assert store.count_products("c") == 3 and store.count_products("c", at_most=2) == 2


def test_the_sqlite_search_index_follows_every_change(sqlite_db):
    def new_uow() -> UnitOfWork:
        return UnitOfWork(sqlite_db.writer)

    olive = owner(new_uow)
    store = Store(sqlite_db)
    with new_uow() as uow:
        chai = add_product(uow, ProductDraft(sku="CHAI", name="Chai", unit_price=100), actor=olive)
    assert store.count_products("cha") == 1 and store.count_products("ch") == 1
    with new_uow() as uow:
        draft = ProductDraft(sku="TEA-1", name="Green tea", unit_price=100, barcode="777123")
        update_product(uow, chai, draft, actor=olive)
    assert store.count_products("cha") == 0 and store.count_products("ch") == 0
    assert store.count_products("een t") == 1 and store.count_products("te") == 1
    assert store.count_products("7771") == 1 and store.count_products("77") == 1
    with sqlite_db.engine.begin() as conn:  # a sale's stock update leaves the index alone
        conn.exec_driver_sql("UPDATE products SET stock_on_hand = 5")
        for table in SQLITE_SEARCH_TABLES:  # and the index matches products exactly
            conn.exec_driver_sql(f"INSERT INTO {table}({table}) VALUES ('integrity-check')")
        conn.exec_driver_sql("DELETE FROM products")
        for table in SQLITE_SEARCH_TABLES:
            conn.exec_driver_sql(f"INSERT INTO {table}({table}) VALUES ('integrity-check')")
    assert store.count_products("een t") == 0


def test_migration_0005_indexes_existing_products_and_goes_down_cleanly(tmp_path):
    db = Database.connect(f"sqlite:///{tmp_path / 'search.sqlite3'}")
    try:
        upgrade(db.engine, "0004")
        with db.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO products (sku, name, unit_price, unit_cost, tax_rate_ppm,"
                    " stock_on_hand, active, created_at) VALUES ('CHAI', 'Chai tea', 100, 0, 0,"
                    " 0, 1, '2026-01-01 00:00:00')"
                )
            )
        upgrade(db.engine)
        with db.engine.connect() as conn:
            objects = {
                name
                for (name,) in conn.exec_driver_sql(
                    "SELECT name FROM sqlite_master WHERE name LIKE 'product_search%'"
                )
            }
            assert set(SQLITE_SEARCH_TABLES) <= objects
            assert {"product_search_insert", "product_search_update"} <= objects
            hits = conn.exec_driver_sql(
                "SELECT count(*) FROM product_search_trigrams WHERE product_search_trigrams"
                " MATCH '\"tea\"'"
            ).scalar_one()
            assert hits == 1  # rebuilt from the products already there
        assert Store(db).count_products("tea") == 1
        downgrade(db.engine, "0004")
        with db.engine.connect() as conn:
            left = conn.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE name LIKE 'product_search%'"
            ).all()
            assert left == []
        upgrade(db.engine)
    finally:
        db.dispose()


@pytest.mark.postgres
def test_postgresql_searches_one_stored_column_through_one_write_through_index(pg_db):
    with pg_db.engine.connect() as conn:
        indexes = conn.execute(
            text(
                "SELECT c.relname, c.reloptions, pg_get_indexdef(c.oid) FROM pg_class c"
                " WHERE c.relname LIKE 'ix_products_%trgm'"
            )
        ).all()
        generated = conn.execute(
            text(
                "SELECT is_generated FROM information_schema.columns"
                " WHERE table_name = 'products' AND column_name = 'search_text'"
            )
        ).scalar_one()
    assert [(name, options) for name, options, _ in indexes] == [
        ("ix_products_search_trgm", ["fastupdate=off"])
    ]
    assert "search_text gin_trgm_ops" in indexes[0][2] and generated == "ALWAYS"
    product(lambda: UnitOfWork(pg_db.writer), "TEA-1", name="Green Tea", barcode="ABC123")
    with pg_db.engine.connect() as conn:
        stored = conn.execute(text("SELECT search_text FROM products")).scalar_one()
    assert stored == " green tea\x1f tea-1\x1f abc123"


def test_a_count_then_a_page_in_one_read_keep_their_own_postgresql_plans(pg_db, monkeypatch):
    """The search field counts and then pages in one transaction: the count's plan (no
    index scans, for the trigram index) must not leave the page's walk of the name index
    without index scans (it did: a keystroke took 140 ms instead of 20)."""
    shop = fill_shop(pg_db)
    monkeypatch.setattr(catalogue_module, "FIRST_WALK_ROWS", 30)
    monkeypatch.setattr(catalogue_module, "WALK_ROWS_PER_ROW_WANTED", 0)
    with pg_db.reader() as session:
        repo = catalogue_module.CatalogueRepository(session)
        repo.count("cha")  # through the trigram index
        settings = "SELECT current_setting('enable_indexscan'), current_setting('enable_seqscan')"
        assert session.execute(text(settings)).one() == ("off", "off")
        repo.search("cha", limit=3)
        assert session.execute(text(settings)).one()[0] == "on"
    want = expected(shop, "postgresql", "cha")
    total, first = shop.search_products("cha", limit=3, count_cap=5)
    assert total == min(5, len(want)) and [r.product_id for r in first] == want[:3]
