"""Junk into the refund and parked-sale entry points: receipt numbers, quantities, reasons,
tenders and labels. Each is refused with a ``PosError`` whose text is a sentence (naming the
field) and the database left as it was, or accepted and meaning exactly what was typed."""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from pos_app.domain.errors import InvalidInput, PosError
from pos_app.domain.parked import parse_label
from pos_app.domain.refund import (
    MAX_REASON,
    parse_reason,
    parse_receipt_no,
    parse_refund_quantity,
    parse_tender,
)
from pos_app.domain.tender import Tender
from pos_app.services.refund import Refund
from pos_app.services.sale import Checkout
from tests.factories import assert_clean, product, snapshot

from .strategies import JUNK, is_sentence, nasty_text, number_text, odd_values


@JUNK
@given(value=st.one_of(nasty_text, number_text, odd_values))
@example("Receipt 17")
@example("#0017")
@example(" 17 ")
def test_receipt_numbers_are_refused_or_read_as_typed(value):
    try:
        number = parse_receipt_no(value)
    except InvalidInput as exc:
        assert exc.field == "receipt" and is_sentence(str(exc))
        return
    assert isinstance(number, int) and not isinstance(number, bool)
    assert 1 <= number < 2**31
    if isinstance(value, str):
        digits = re.findall(r"\d+", value)
        assert len(digits) == 1 and int(digits[0]) == number


@JUNK
@given(value=st.one_of(nasty_text, number_text, odd_values), left=st.integers(0, 5))
def test_refund_quantities_stay_within_what_is_left(value, left):
    try:
        units = parse_refund_quantity(value, left=left)
    except InvalidInput as exc:
        assert exc.field == "quantity" and is_sentence(str(exc))
        return
    assert isinstance(units, int) and not isinstance(units, bool)
    assert 0 <= units <= left


@JUNK
@given(value=st.one_of(nasty_text, odd_values, st.text(min_size=190, max_size=260)))
def test_reasons_are_refused_or_kept_tidy(value):
    try:
        reason = parse_reason(value)
    except InvalidInput as exc:
        assert exc.field == "reason" and is_sentence(str(exc))
        return
    assert reason == " ".join(reason.split()) and 0 < len(reason) <= MAX_REASON
    assert all(ch.isprintable() for ch in reason)


@JUNK
@given(value=st.one_of(nasty_text, odd_values, st.sampled_from(["cash", " CARD ", "Cash"])))
def test_tenders_are_cash_or_card(value):
    try:
        tender = parse_tender(value)
    except InvalidInput as exc:
        assert exc.field == "tender" and is_sentence(str(exc))
        return
    assert tender.value == str(value).strip().lower()


@JUNK
@given(value=st.one_of(nasty_text, odd_values))
def test_parking_labels_are_refused_or_kept_tidy(value):
    try:
        label = parse_label(value)
    except InvalidInput as exc:
        assert exc.field == "label" and is_sentence(str(exc))
        return
    assert label == " ".join(label.split()) and len(label) <= 80


@pytest.fixture
def sold(db, new_uow, shift):
    product(new_uow, "CHAI", name="Chai", price=1800, cost=1000, stock=50)
    with new_uow() as uow:
        checkout = Checkout(uow, shift=shift)
        checkout.add("CHAI", 5)
        sale = checkout.confirm([Tender.cash(checkout.totals().total)])
    return sale


def test_junk_through_the_refund_service_is_refused_cleanly(db, new_uow, shift, sold):
    junk = st.one_of(nasty_text, number_text, odd_values)

    @settings(JUNK, max_examples=40 if db.backend == "sqlite" else 15)
    @given(
        receipt=st.one_of(junk, st.just(str(sold.receipt_no))),
        quantity=st.one_of(junk, st.integers(-2, 7)),
        reason=st.one_of(junk, st.just("Faulty")),
        tender=st.one_of(junk, st.sampled_from(["cash", "card"])),
    )
    def attempt(receipt, quantity, reason, tender):
        before = snapshot(db)
        with new_uow() as uow:
            try:
                refund = Refund(uow, shift, receipt)
                refund.set_quantity(refund.lines[0].order_line_id, quantity)
                refund.begin()
                made = refund.confirm(tender, reason)
            except PosError as exc:
                assert is_sentence(str(exc)), repr(str(exc))
                uow.rollback()
                assert snapshot(db) == before
                return
        assert made.lines[0].quantity == quantity
        assert_clean(db)

    attempt()
