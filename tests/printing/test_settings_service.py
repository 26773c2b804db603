"""Store settings: saved and read back, validated, owners only, audited (both backends)."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from pos_app.domain.errors import InvalidInput, PermissionDenied
from pos_app.domain.settings import PrinterSettings, StoreSettings, TaxRate
from pos_app.domain.staff import Approval, Permission, Role
from pos_app.services.settings import load_settings, save_settings
from pos_app.services.store import Store
from tests.factories import staff

CHANGED = StoreSettings(
    store_name="Corner Shop",
    address="12 Main Street\nDublin 2",
    tax_number="IE1234567X",
    currency="EUR",
    locale="de_DE",
    receipt_footer="Danke!",
    prices_include_tax=True,
    tax_rounding="total",
    cash_rounding_step=5,
    discount_limit_ppm=150_000,
    tax_rates=(TaxRate("Normal", 190_000), TaxRate("Ermäßigt", 70_000)),
    printer=PrinterSettings(
        kind="network", host="192.0.2.10", port=9100, width_chars=48, print_automatically=True
    ),
)


@pytest.fixture
def owner(new_uow):
    return staff(new_uow, "Olive", Role.OWNER, "1234")


def test_defaults_until_saved_then_exactly_what_was_saved(db, new_uow, owner):
    with new_uow() as uow:
        assert load_settings(uow) == StoreSettings()
    with new_uow() as uow:
        changed = save_settings(uow, owner, CHANGED)
    assert set(changed) >= {"store_name", "locale", "tax_rates", "printer", "cash_rounding_step"}
    assert "currency" not in changed  # EUR is the default already
    with new_uow() as uow:
        assert load_settings(uow) == CHANGED
    assert Store(db).settings() == CHANGED


def test_each_save_is_audited_with_the_changed_keys(db, new_uow, owner):
    with new_uow() as uow:
        save_settings(uow, owner, replace(StoreSettings(), store_name="Corner Shop"))
    with new_uow() as uow:
        assert save_settings(uow, owner, replace(StoreSettings(), store_name="Corner Shop")) == ()
    with new_uow() as uow:
        save_settings(uow, owner, replace(StoreSettings(), store_name="Corner Shop", locale="fr_FR"))
    store = Store(db)
    rows = [r for r in store.audit_rows() if r.action == "settings.change"]
    assert [r.subject for r in rows] == ["locale", "store_name"]  # newest first; no row for no change
    assert json.loads(rows[0].details) == {"changed": ["locale"]}
    assert rows[0].staff_name == "Olive" and rows[0].approved_by is None
    assert store.verify_audit()[1] == []


@pytest.mark.parametrize("role", [Role.MANAGER, Role.CASHIER])
def test_only_an_owner_may_save(db, new_uow, owner, role):
    other = staff(new_uow, "Pat", role, "5678", by=owner)
    with new_uow() as uow, pytest.raises(PermissionDenied):
        save_settings(uow, other, replace(StoreSettings(), store_name="Pat's Shop"))
    with new_uow() as uow, pytest.raises(PermissionDenied):
        save_settings(uow, None, replace(StoreSettings(), store_name="Nobody's"))
    # An owner's approval lets it through, and the row says who approved.
    with new_uow() as uow:
        save_settings(
            uow, other, replace(StoreSettings(), store_name="Pat's Shop"),
            Approval(owner, Permission.EDIT_SETTINGS),
        )
    assert Store(db).settings().store_name == "Pat's Shop"
    row = Store(db).audit_rows(limit=1)[0]
    assert (row.action, row.staff_name, row.approver_name) == ("settings.change", "Pat", "Olive")


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        (replace(StoreSettings(), store_name="  "), "store_name"),
        (replace(StoreSettings(), currency="EURO"), "currency"),
        (replace(StoreSettings(), locale="xx_NOPE"), "locale"),
        (replace(StoreSettings(), cash_rounding_step=7), "cash_rounding_step"),
        (replace(StoreSettings(), tax_rates=()), "tax_rates"),
        (replace(StoreSettings(), tax_rates=(TaxRate("A", 1), TaxRate("a", 2))), "tax_rates"),
        (replace(StoreSettings(), printer=PrinterSettings(width_chars=10)), "printer"),
    ],
)
def test_invalid_settings_are_refused_and_nothing_is_written(db, new_uow, owner, bad, field):
    audit_before = Store(db).count_audit()
    with new_uow() as uow, pytest.raises(InvalidInput) as refused:
        save_settings(uow, owner, bad)
    assert refused.value.field == field
    assert Store(db).settings() == StoreSettings()
    assert Store(db).count_audit() == audit_before
