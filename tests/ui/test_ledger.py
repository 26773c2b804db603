"""The Ledger screen: newest first, readable entries, filters, a trial balance that says
whether it balances, and a journal read a page at a time."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from PySide6.QtCore import QDate, QModelIndex, Qt

from pos_app.domain.cart import Cart
from pos_app.domain.postings import Accounts, Posting
from pos_app.domain.tender import Tender
from pos_app.services.journal import post_journal
from pos_app.services.sale import Checkout
from pos_app.ui.ledger_models import JournalFilter, JournalModel, TrialBalanceModel
from pos_app.ui.ledger_view import LedgerView, utc_bounds
from tests.factories import owner
from tests.ui.stations import signed_in


@pytest.fixture
def books(shop, new_uow, shift):
    """The shop (receivings posted) plus a cash sale of two Chai and a manual entry."""
    with new_uow() as uow:
        checkout = Checkout(uow, Cart(), shift=shift)
        checkout.begin()
        checkout.add("5000001", 2)
        checkout.confirm([Tender.cash(5000)])
    with new_uow() as uow:
        post_journal(
            uow,
            "Owner's drawing",
            [Posting(Accounts.OWNER_EQUITY, debit=2500), Posting(Accounts.CASH, credit=2500)],
            actor=shift.cashier,
        )
    return shop


def loaded_view(qtbot, store) -> LedgerView:
    view = LedgerView(store, signed_in(store))
    qtbot.addWidget(view)
    view.setMinimumSize(1024, 600)  # explicit, so text changes never resize the window
    view.resize(1366, 700)
    view.show()
    wait_loaded(qtbot, view)
    return view


def wait_loaded(qtbot, view: LedgerView) -> None:
    qtbot.waitUntil(
        lambda: (
            not view.journal_model.busy
            and not view.background.busy()
            and not view._filter_timer.isActive()
            and view.trial_balance_model.rowCount() > 0
            and view.accountFilterCombo.count() > 1
        )
    )


def column(model, col: int) -> list[str]:
    return [model.index(r, col).data() for r in range(model.rowCount())]


def transaction_numbers(model: JournalModel) -> list[int]:
    return [int(n) for n in column(model, JournalModel.NUMBER) if n]


def test_newest_transaction_first_with_account_names_and_amounts(qtbot, books):
    view = loaded_view(qtbot, books)
    model = view.journal_model
    numbers = transaction_numbers(model)
    assert numbers == sorted(numbers, reverse=True)
    assert len(numbers) == len(books.journal())

    # The newest is the owner's drawing: description and kind on its first row only.
    assert model.index(0, JournalModel.DESCRIPTION).data() == "Owner's drawing"
    assert model.index(0, JournalModel.KIND).data() == "Manual"
    assert model.index(1, JournalModel.DESCRIPTION).data() == ""
    assert [model.index(r, JournalModel.ACCOUNT).data() for r in (0, 1)] == [
        "Owner's equity",
        "Cash in till",
    ]
    assert [model.index(r, JournalModel.ACCOUNT_CODE).data() for r in (0, 1)] == ["3000", "1000"]
    assert model.index(0, JournalModel.DEBIT).data() == "25.00"
    assert model.index(0, JournalModel.CREDIT).data() == ""
    assert model.index(1, JournalModel.CREDIT).data() == "25.00"
    assert model.index(0, JournalModel.DEBIT).data(Qt.ItemDataRole.TextAlignmentRole) & (
        Qt.AlignmentFlag.AlignRight
    )

    # The sale came before it: two Chai at 18.00 + 20 % tax, paid in cash.
    sale_rows = [
        r for r in range(model.rowCount()) if model.index(r, JournalModel.KIND).data() == "Sale"
    ]
    assert len(sale_rows) == 1
    first = sale_rows[0]
    txn_id = model.index(first, 0).data(Qt.ItemDataRole.UserRole + 1)
    entries = {
        model.index(r, JournalModel.ACCOUNT).data(): (
            model.index(r, JournalModel.DEBIT).data(),
            model.index(r, JournalModel.CREDIT).data(),
        )
        for r in range(model.rowCount())
        if model.index(r, 0).data(Qt.ItemDataRole.UserRole + 1) == txn_id
    }
    assert entries["Cash in till"] == ("43.20", "")
    assert entries["Sales revenue"] == ("", "36.00")
    assert entries["Sales tax payable"] == ("", "7.20")
    assert view.journalCountLabel.text() == f"{len(numbers)} transactions"


def test_account_filter_reduces_rows(qtbot, books):
    view = loaded_view(qtbot, books)
    everything = transaction_numbers(view.journal_model)
    combo = view.accountFilterCombo
    assert combo.itemText(0) == "All accounts"
    combo.setCurrentIndex(combo.findData(Accounts.SALES_REVENUE))
    qtbot.waitUntil(lambda: len(transaction_numbers(view.journal_model)) == 1)
    wait_loaded(qtbot, view)
    assert view.journal_model.index(0, JournalModel.KIND).data() == "Sale"
    assert len(everything) > 1

    combo.setCurrentIndex(combo.findData(Accounts.INVENTORY))
    qtbot.waitUntil(lambda: view.journal_model.filter.account_code == Accounts.INVENTORY)
    wait_loaded(qtbot, view)
    kinds = {k for k in column(view.journal_model, JournalModel.KIND) if k}
    assert kinds == {"Receiving", "Sale"}  # stock in, and its cost out on the sale

    view.clearFiltersButton.click()
    wait_loaded(qtbot, view)
    assert transaction_numbers(view.journal_model) == everything


def test_date_filter_reduces_rows(qtbot, books):
    view = loaded_view(qtbot, books)
    assert view.journal_model.rowCount() > 0
    today = QDate.currentDate()

    view.fromDateEdit.setDate(today.addDays(1))  # nothing is posted tomorrow yet
    qtbot.waitUntil(lambda: view.journal_model.filter.since is not None)
    wait_loaded(qtbot, view)
    assert view.journal_model.rowCount() == 0
    assert view.journalCountLabel.text() == "0 transactions"

    view.fromDateEdit.setDate(today)
    view.toDateEdit.setDate(today)
    qtbot.waitUntil(lambda: view.journal_model.filter.until is not None)
    wait_loaded(qtbot, view)
    assert len(transaction_numbers(view.journal_model)) == len(books.journal())

    # An impossible range says so instead of reading anything.
    view.fromDateEdit.setDate(today.addDays(2))
    qtbot.waitUntil(lambda: view.message.is_error)
    assert "after the To date" in view.message.text()


def test_local_days_become_utc_bounds():
    day = date(2024, 3, 9)
    since, until = utc_bounds(day, day)
    assert since.tzinfo is UTC and until.tzinfo is UTC
    assert until - since in (timedelta(hours=23), timedelta(hours=24), timedelta(hours=25))
    local_midnight = datetime(2024, 3, 9).astimezone()
    assert since == local_midnight
    assert utc_bounds(None, None) == (None, None)


def test_trial_balance_totals_equal_and_say_balanced(qtbot, books):
    view = loaded_view(qtbot, books)
    model = view.trial_balance_model
    codes = column(model, TrialBalanceModel.CODE)
    assert codes == [a.code for a in books.accounts()]
    debits, credits = model.totals()
    assert debits == credits > 0
    label = view.trialBalanceTotalsLabel.text()
    assert "✓ Balanced" in label
    assert label.count("0.00") >= 0 and f"{debits / 100:,.2f}" in label
    cash = codes.index(Accounts.CASH)
    # 43.20 from the sale, 25.00 drawn; receivings in the shop were on credit.
    assert model.index(cash, TrialBalanceModel.BALANCE).data() == "18.20 Dr"
    assert model.index(cash, TrialBalanceModel.NAME).data() == "Cash in till"
    assert model.index(cash, TrialBalanceModel.TYPE).data() == "Asset"
    assert (
        model.index(cash, TrialBalanceModel.DEBIT).data(Qt.ItemDataRole.TextAlignmentRole)
        & Qt.AlignmentFlag.AlignRight
    )


def test_trial_balance_out_of_balance_is_a_clear_warning(qtbot, books):
    """Cannot happen through the services (and PostgreSQL refuses it), but if a database
    were edited by hand the screen must say so plainly."""
    from pos_app.repositories.ledger import AccountBalance

    view = loaded_view(qtbot, books)
    view._trial_balance_done(
        [
            AccountBalance("1000", "Cash in till", "asset", 1000, 0),
            AccountBalance("3000", "Owner's equity", "equity", 0, 900),
        ]
    )
    label = view.trialBalanceTotalsLabel.text()
    assert "OUT OF BALANCE by 1.00" in label and "Balanced" not in label
    assert view.trialBalanceTotalsLabel.styleSheet()


def test_double_clicking_an_account_filters_the_journal(qtbot, books):
    view = loaded_view(qtbot, books)
    row = column(view.trial_balance_model, TrialBalanceModel.CODE).index(Accounts.SALES_REVENUE)
    view._show_account(view.trial_balance_model.index(row, 0))
    qtbot.waitUntil(lambda: view.journal_model.filter.account_code == Accounts.SALES_REVENUE)
    wait_loaded(qtbot, view)
    assert len(transaction_numbers(view.journal_model)) == 1
    assert view.accountFilterCombo.currentData() == Accounts.SALES_REVENUE


def test_models_pass_qtmodeltester(qtbot, qtmodeltester, books):
    view = loaded_view(qtbot, books)
    assert view.journal_model.rowCount() > 0
    qtmodeltester.check(view.journal_model)
    qtmodeltester.check(view.trial_balance_model)
    empty = TrialBalanceModel()
    qtmodeltester.check(empty)


def test_big_ledger_loads_a_page_at_a_time(qtbot, qtmodeltester, shop, new_uow):
    with new_uow() as uow:
        for n in range(300):
            uow.ledger.post(
                f"Petty cash top-up {n + 1}",
                "manual",
                [
                    Posting(Accounts.CASH, debit=100 + n),
                    Posting(Accounts.OWNER_EQUITY, credit=100 + n),
                ],
            )
        uow.commit()
    total = len(shop.journal(limit=10_000))

    model = JournalModel(shop, page_size=100)
    assert model.rowCount() == 0 and not model.canFetchMore(QModelIndex())
    model.reload(JournalFilter())
    qtbot.waitUntil(lambda: not model.busy)
    assert model.transaction_count == 100
    assert model.rowCount() == 200  # two entries each
    assert model.total == total
    assert model.canFetchMore(QModelIndex())
    assert model.index(0, JournalModel.DESCRIPTION).data() == "Petty cash top-up 300"

    with qtbot.waitSignal(model.rowsInserted):
        model.fetchMore(QModelIndex())
    qtbot.waitUntil(lambda: not model.loading)
    assert model.rowCount() == 400
    qtmodeltester.check(model)

    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
        qtbot.waitUntil(lambda: not model.loading)
    assert model.transaction_count == total
    numbers = transaction_numbers(model)
    assert numbers == sorted(numbers, reverse=True) and len(set(numbers)) == total


def test_view_fills_itself_by_scrolling(qtbot, shop, new_uow):
    """The table asks for more as the accountant scrolls to the end; the count says so."""
    with new_uow() as uow:
        for n in range(250):
            uow.ledger.post(
                f"Float {n}",
                "manual",
                [Posting(Accounts.CASH, debit=100), Posting(Accounts.OWNER_EQUITY, credit=100)],
            )
        uow.commit()
    view = loaded_view(qtbot, shop)
    first = view.journal_model.rowCount()
    assert first == 2 * JournalModel.PAGE_SIZE
    assert "Showing 100 of" in view.journalCountLabel.text()
    view.journalTable.scrollToBottom()
    qtbot.waitUntil(lambda: view.journal_model.rowCount() > first)
    wait_loaded(qtbot, view)


def test_activated_refreshes(qtbot, books, new_uow):
    view = loaded_view(qtbot, books)
    before = view.journal_model.transaction_count
    with new_uow() as uow:
        post_journal(
            uow,
            "Bank deposit",
            [Posting(Accounts.CARD_CLEARING, debit=700), Posting(Accounts.CASH, credit=700)],
            actor=owner(new_uow),
        )
    view.activated()
    qtbot.waitUntil(lambda: view.journal_model.transaction_count == before + 1)
    wait_loaded(qtbot, view)  # pytest-qt deletes the view before fixtures are torn down
    assert view.journal_model.index(0, JournalModel.DESCRIPTION).data() == "Bank deposit"


def test_demo_shows_a_balanced_ledger(qtbot, books):
    from pos_app.ui.ledger_view import demo

    view = demo(books)
    qtbot.addWidget(view)
    assert view.journal_model.rowCount() > 0
    assert "Balanced" in view.trialBalanceTotalsLabel.text()
