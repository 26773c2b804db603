"""The catalogue view: search as you type in SQL, lazy pages, stock highlights, add/edit."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QApplication

from pos_app.domain.catalogue import ProductDraft
from pos_app.services.catalogue import add_product
from pos_app.ui.catalogue_model import (
    LOW_STOCK,
    ProductIdRole,
    ProductTableModel,
    StockLevelRole,
)
from pos_app.ui.catalogue_view import CatalogueView
from tests.factories import owner, product
from tests.ui.stations import signed_in

# The offscreen test platform warns whenever a shown window's minimum size changes (an
# inline message appearing); real platforms do not, so only that message is tolerated.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


def loaded(qtbot, model: ProductTableModel, text: str = "") -> ProductTableModel:
    with qtbot.waitSignal(model.searchFinished, timeout=10_000):
        model.search(text)
    return model


def names(model: ProductTableModel) -> list[str]:
    return [model.index(row, ProductTableModel.NAME).data() for row in range(model.rowCount())]


def row_named(model: ProductTableModel, name: str) -> int:
    return names(model).index(name)


@pytest.fixture
def view(qtbot, shop) -> CatalogueView:
    widget = CatalogueView(shop, signed_in(shop))
    qtbot.addWidget(widget)
    with qtbot.waitExposed(widget):
        widget.show()
    qtbot.waitUntil(lambda: widget.model.rowCount() == 3)
    yield widget
    qtbot.waitUntil(lambda: not widget.model.background.busy())


@pytest.fixture
def many(store):
    """1,000 products in one transaction (the services' checks, one commit)."""
    olive = owner(store.unit_of_work)
    with store.unit_of_work() as uow:
        for n in range(1000):
            add_product(
                uow,
                ProductDraft(sku=f"P{n:04d}", name=f"Product {n:04d}", unit_price=100 + n),
                actor=olive,
                commit=False,
            )
        uow.commit()
    return store


def test_model_passes_the_model_tester(qtbot, qtmodeltester, shop):
    model = loaded(qtbot, ProductTableModel(shop))
    assert model.rowCount() == 3
    qtmodeltester.check(model)


def test_columns_show_money_tax_and_stock_right_aligned(qtbot, shop):
    model = loaded(qtbot, ProductTableModel(shop))
    row = row_named(model, "Tofu")
    cell = lambda column, role=Qt.ItemDataRole.DisplayRole: model.index(row, column).data(role)  # noqa: E731
    assert cell(ProductTableModel.SKU) == "TOFU"
    assert cell(ProductTableModel.BARCODE) == "5000003"
    assert cell(ProductTableModel.PRICE) == "23.25"
    assert cell(ProductTableModel.TAX) == "5 %"
    assert cell(ProductTableModel.STOCK) == "40"
    assert cell(ProductTableModel.ACTIVE) == "Yes"
    for column in (ProductTableModel.PRICE, ProductTableModel.TAX, ProductTableModel.STOCK):
        assert cell(column, Qt.ItemDataRole.TextAlignmentRole) & Qt.AlignmentFlag.AlignRight
    assert cell(ProductTableModel.NAME, ProductIdRole) == shop.lookup("TOFU").product_id
    assert names(model) == ["Aniseed Syrup", "Chai", "Tofu"]  # ordered by name, in SQL


def test_low_and_out_of_stock_stand_out(qtbot, shop, new_uow):
    product(new_uow, "EMPTY", name="Empty shelf", price=500)
    model = loaded(qtbot, ProductTableModel(shop))
    syrup, chai, empty = (row_named(model, n) for n in ("Aniseed Syrup", "Chai", "Empty shelf"))
    stock = ProductTableModel.STOCK

    def data(row, role, column=stock):
        return model.index(row, column).data(role)

    assert LOW_STOCK == 5
    assert data(syrup, StockLevelRole) == "low"
    assert data(syrup, StockLevelRole, ProductTableModel.NAME) == "low"  # the whole row
    assert isinstance(data(syrup, Qt.ItemDataRole.FontRole), QFont)
    assert data(syrup, Qt.ItemDataRole.FontRole).bold()
    assert isinstance(data(syrup, Qt.ItemDataRole.ForegroundRole), QColor)
    assert "Low stock" in data(syrup, Qt.ItemDataRole.ToolTipRole)
    assert data(syrup, Qt.ItemDataRole.DisplayRole).startswith("Low")  # not colour alone

    assert data(chai, StockLevelRole) == "ok"
    assert data(chai, Qt.ItemDataRole.FontRole) is None
    assert data(chai, Qt.ItemDataRole.ForegroundRole) is None
    assert data(chai, Qt.ItemDataRole.ToolTipRole) is None

    assert data(empty, StockLevelRole) == "out"
    assert "Out of stock" in data(empty, Qt.ItemDataRole.ToolTipRole)
    assert data(empty, Qt.ItemDataRole.BackgroundRole) is not None  # more than "low"
    assert data(empty, Qt.ItemDataRole.ForegroundRole) != data(
        syrup, Qt.ItemDataRole.ForegroundRole
    )


def test_inactive_products_are_greyed(qtbot, shop):
    olive = owner(shop.unit_of_work)
    with shop.unit_of_work() as uow:
        draft = ProductDraft(sku="OLD", name="Old stock", unit_price=100, active=False)
        add_product(uow, draft, actor=olive)
    model = loaded(qtbot, ProductTableModel(shop))
    row = row_named(model, "Old stock")
    assert model.index(row, ProductTableModel.ACTIVE).data() == "No"
    grey = model.index(row, ProductTableModel.SKU).data(Qt.ItemDataRole.ForegroundRole)
    assert isinstance(grey, QColor)
    assert "Inactive" in model.index(row, ProductTableModel.SKU).data(Qt.ItemDataRole.ToolTipRole)


def test_typing_filters_by_name_sku_and_barcode(qtbot, view, new_uow):
    product(new_uow, "ZX-9", name="Mango chutney", barcode="7770001", price=450)
    view.refresh()
    qtbot.waitUntil(lambda: view.model.rowCount() == 4)
    assert view.resultCountLabel.text() == "4 products"
    for typed, expected in [
        ("mango", ["Mango chutney"]),  # name, any case
        ("zx-9", ["Mango chutney"]),  # SKU
        ("777000", ["Mango chutney"]),  # part of a barcode
        ("500000", ["Aniseed Syrup", "Chai", "Tofu"]),
        ("syr", ["Aniseed Syrup"]),
    ]:
        view.searchField.clear()
        qtbot.keyClicks(view.searchField, typed)
        qtbot.waitUntil(lambda expected=expected: names(view.model) == expected, timeout=5000)
        count = len(expected)
        assert view.resultCountLabel.text() == f"{count} match{'es' if count > 1 else ''}"
    view.searchField.clear()
    qtbot.keyClicks(view.searchField, "nothing like this")
    qtbot.waitUntil(lambda: view.model.rowCount() == 0)
    assert "No products match" in view.resultCountLabel.text()


def test_search_waits_for_a_pause_in_typing(qtbot, view):
    """One query per pause, not one per keystroke: the debounce timer restarts."""
    searches = []
    original = view.model.search
    view.model.search = lambda text: (searches.append(text), original(text))
    qtbot.keyClicks(view.searchField, "cha")
    assert searches == []  # nothing yet: still typing
    qtbot.waitUntil(lambda: searches == ["cha"])
    qtbot.waitUntil(lambda: names(view.model) == ["Chai"])


def test_pages_load_lazily(qtbot, many):
    model = loaded(qtbot, ProductTableModel(many, page_size=200))
    assert model.total == 1000
    assert model.rowCount() == 200
    assert model.canFetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    qtbot.waitUntil(lambda: model.rowCount() == 400)
    while model.canFetchMore(QModelIndex()) or model.is_fetching():
        model.fetchMore(QModelIndex())
        qtbot.wait(5)
    assert model.rowCount() == 1000
    assert not model.canFetchMore(QModelIndex())
    assert names(model) == [f"Product {n:04d}" for n in range(1000)]


def test_scrolling_to_the_end_fetches_the_next_page(qtbot, many):
    view = CatalogueView(many, signed_in(many))
    qtbot.addWidget(view)
    with qtbot.waitExposed(view):
        view.show()
    qtbot.waitUntil(lambda: view.model.rowCount() == 200)
    assert view.resultCountLabel.text() == "1,000 products"
    view.table.scrollToBottom()
    qtbot.waitUntil(lambda: view.model.rowCount() >= 400)
    # a search starts again from one page
    qtbot.keyClicks(view.searchField, "product 09")
    qtbot.waitUntil(lambda: view.resultCountLabel.text() == "100 matches")
    assert view.model.rowCount() == 100
    qtbot.waitUntil(lambda: not view.model.background.busy())


def test_rows_have_a_fixed_height(view):
    from PySide6.QtWidgets import QHeaderView

    header = view.table.verticalHeader()
    assert header.sectionResizeMode(0) == QHeaderView.ResizeMode.Fixed
    assert not view.table.isSortingEnabled()


def test_activated_puts_focus_in_search_and_refreshes(qtbot, view, new_uow):
    with qtbot.waitActive(view):
        view.activateWindow()
    view.table.setFocus()
    product(new_uow, "NEW", name="New arrival")
    view.activated()
    assert view.searchField.hasFocus()
    qtbot.waitUntil(lambda: "New arrival" in names(view.model))


def test_add_and_edit_products_from_the_view_with_keys(qtbot, view):
    with qtbot.waitActive(view):
        view.activateWindow()
    qtbot.keyClick(view.searchField, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = view.productDialog
    assert dialog is not None and dialog.objectName() == "productDialog"
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    assert dialog.fields["sku"].hasFocus()
    for key, text in [("sku", "MANGO"), ("name", "Mango"), ("price", "4.50")]:
        qtbot.keyClicks(dialog.fields[key], text)
    qtbot.keyClick(dialog.fields["price"], Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.productDialog is None)
    qtbot.waitUntil(lambda: "Mango" in names(view.model))
    assert view.message.text() == "Saved Mango."
    assert view.current_product_id() == view.store.lookup("MANGO").product_id  # selected

    # Enter on the selected row edits it
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    dialog = view.productDialog
    assert dialog is not None and dialog.fields["sku"].text() == "MANGO"
    dialog.fields["price"].clear()
    qtbot.keyClicks(dialog.fields["price"], "4.75")
    qtbot.keyClick(dialog.fields["price"], Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.productDialog is None)
    assert view.store.lookup("MANGO").unit_price == 475
    qtbot.waitUntil(
        lambda: view.model.index(view.model.row_of(view.current_product_id()), 3).data() == "4.75"
    )


def test_edit_without_a_row_says_what_to_do(qtbot, view):
    view.searchField.setText("no such product")
    view.refresh()
    qtbot.waitUntil(lambda: view.model.rowCount() == 0)
    assert not view.editProductButton.isEnabled()
    view.edit_product()
    assert view.productDialog is None
    assert view.message.is_error


def test_demo_shows_a_search_and_low_stock(qtbot, store, new_uow):
    from pos_app.services.demo_data import load_demo_store
    from pos_app.ui.catalogue_view import demo

    load_demo_store(new_uow)
    widget = demo(store)
    qtbot.addWidget(widget)
    qtbot.waitUntil(lambda: widget.model.rowCount() > 0)
    levels = {widget.model.index(r, 0).data(StockLevelRole) for r in range(widget.model.rowCount())}
    assert "low" in levels
    assert widget.searchField.text()


def test_closing_the_view_while_a_search_runs_is_harmless(qtbot, shop):
    import shiboken6

    view = CatalogueView(shop, signed_in(shop))  # starts the first search at once
    background = view.model.background
    assert background.busy()
    shiboken6.delete(view)  # gone before the worker thread answers
    qtbot.waitUntil(lambda: not background.busy())


def test_a_search_with_more_matches_than_the_cap_says_so_and_still_scrolls_to_the_end(qtbot, many):
    """The count stops at the cap ("100+ matches" here, "1,000+" in the app), yet every
    match can still be scrolled to: pages are fetched while they come back full."""
    asked = []
    search = many.search_products
    many.search_products = lambda text="", *, limit=200, count_cap=None: (
        asked.append(count_cap) or search(text, limit=limit, count_cap=count_cap)
    )
    model = ProductTableModel(many, page_size=40, count_cap=101)
    loaded(qtbot, model, "product")
    assert model.capped and model.rowCount() == 40
    assert asked == [101] and model.total == 101  # the count stopped at the cap
    while model.canFetchMore(QModelIndex()) or model.is_fetching():
        model.fetchMore(QModelIndex())
        qtbot.wait(5)
    assert model.rowCount() == 1000 and model.total == 1000
    assert names(model) == [f"Product {n:04d}" for n in range(1000)]
    # under the cap the count is exact; no filter always counts the whole catalogue
    assert not loaded(qtbot, model, "product 09").capped and model.total == 100
    assert not loaded(qtbot, model, "").capped and model.total == 1000


def test_the_match_count_label_shows_the_cap(qtbot, many):
    view = CatalogueView(many, signed_in(many))
    view.model.count_cap = 101
    qtbot.addWidget(view)
    with qtbot.waitExposed(view):
        view.show()
    qtbot.waitUntil(lambda: view.resultCountLabel.text() == "1,000 products")
    qtbot.keyClicks(view.searchField, "product")
    qtbot.waitUntil(lambda: view.resultCountLabel.text() == "100+ matches")
    qtbot.keyClicks(view.searchField, " 09")
    qtbot.waitUntil(lambda: view.resultCountLabel.text() == "100 matches")
    qtbot.waitUntil(lambda: not view.model.background.busy())
