"""A cart put aside, as JSON: what is needed to build it again, and a summary for the list.

Only product ids and what the cashier did are kept (quantities, discounts, price overrides
and the managers' approvals for them, the customer); prices, names and tax rates are looked
up again on resume, so a parked cart sells at today's prices and a product taken off sale
meanwhile is dropped (and named). The summary (items, total, first names) is what the list
of parked carts shows without looking anything up.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from .cart import Cart, CartLine, ProductSnapshot
from .errors import InvalidInput
from .money import MAX_QUANTITY
from .staff import Approval, Permission, Role, StaffMember

FORMAT = 1
MAX_LABEL = 80
_NAMES_SHOWN = 3


def parse_label(text: object) -> str:
    """An optional name for the parked cart ("Lady in red", "Table 4")."""
    if text is None:
        return ""
    if not isinstance(text, str):
        raise InvalidInput("The label must be text.", "label")
    label = " ".join(text.split())
    if len(label) > MAX_LABEL:
        raise InvalidInput(f"A label is at most {MAX_LABEL} characters.", "label")
    if any(not ch.isprintable() for ch in label):
        raise InvalidInput("A label cannot contain control characters.", "label")
    return label


# -- what is kept ---------------------------------------------------------------------------
def _approval_out(approval: Approval | None) -> dict | None:
    if approval is None:
        return None
    who = approval.approver
    return {
        "staff_id": who.staff_id,
        "name": who.name,
        "role": Role(who.role).value,
        "permission": Permission(approval.permission).value,
    }


def _approval_in(data: object) -> Approval | None:
    if not isinstance(data, dict):
        return None
    try:
        who = StaffMember(int(data["staff_id"]), str(data["name"]), Role(data["role"]))
        return Approval(who, Permission(data["permission"]))
    except (KeyError, TypeError, ValueError):
        return None  # an approval we cannot read is no approval: it is asked for again


def _discount_out(discount: object) -> dict | None:
    if discount is None:
        return None
    kind = getattr(discount, "kind", None)
    return {"kind": getattr(kind, "value", kind), "value": int(discount.value)}


def _discount_in(data: object):  # noqa: ANN202 - a pricing.Discount or None
    if not isinstance(data, dict):
        return None
    from .pricing import Discount, DiscountKind

    try:
        kind = DiscountKind(data["kind"])
        value = int(data["value"])
        return Discount.percent(value) if kind == DiscountKind.PERCENT else Discount.amount(value)
    except (KeyError, TypeError, ValueError, InvalidInput):
        return None


def cart_json(cart: Cart) -> str:
    """The cart as stored in parked_sales.cart."""
    if cart.is_empty():
        raise InvalidInput("The cart is empty: there is nothing to park.", "cart")
    totals = cart.totals()
    lines = []
    for line in cart.lines:
        lines.append(
            {
                "product_id": line.product.product_id,
                "quantity": line.quantity,
                "sku": line.product.sku,
                "name": line.product.name,
                "discount": _discount_out(getattr(line, "discount", None)),
                "price_override": getattr(line, "price_override", None),
                "discount_approval": _approval_out(getattr(line, "discount_approval", None)),
                "override_approval": _approval_out(getattr(line, "override_approval", None)),
            }
        )
    return json.dumps(
        {
            "format": FORMAT,
            "lines": lines,
            "customer_code": cart.customer_code,
            "sale_discount": _discount_out(getattr(cart, "sale_discount", None)),
            "sale_discount_approval": _approval_out(getattr(cart, "sale_discount_approval", None)),
            "items": totals.items,
            "total": totals.total,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )


@dataclass(frozen=True)
class ParkedSummary:
    """What the list of parked carts shows, read from the JSON alone."""

    items: int
    total: int
    names: tuple[str, ...]
    lines: int
    customer_code: str | None

    @property
    def description(self) -> str:
        shown = ", ".join(self.names[:_NAMES_SHOWN])
        more = self.lines - min(self.lines, _NAMES_SHOWN)
        return f"{shown} and {more} more" if more > 0 else shown


def _load(text: str) -> dict:
    try:
        data = json.loads(text)
    except (TypeError, ValueError):
        data = None
    if not isinstance(data, dict) or not isinstance(data.get("lines"), list):
        raise InvalidInput("This parked sale cannot be read.", "parked")
    return data


def summary_of(text: str) -> ParkedSummary:
    try:
        data = _load(text)
    except InvalidInput:
        return ParkedSummary(0, 0, ("(unreadable)",), 0, None)
    lines = [line for line in data["lines"] if isinstance(line, dict)]
    return ParkedSummary(
        items=int(data.get("items") or sum(int(line.get("quantity") or 0) for line in lines)),
        total=int(data.get("total") or 0),
        names=tuple(str(line.get("name") or line.get("sku") or "?") for line in lines),
        lines=len(lines),
        customer_code=data.get("customer_code") or None,
    )


@dataclass
class Rebuilt:
    """A parked cart built again from today's products; ``dropped`` names what is gone."""

    cart: Cart
    dropped: list[str] = field(default_factory=list)


def product_ids(text: str) -> list[int]:
    ids = []
    for line in _load(text)["lines"]:
        try:
            ids.append(int(line["product_id"]))
        except (KeyError, TypeError, ValueError):
            continue
    return ids


def rebuild(text: str, products: dict[int, ProductSnapshot]) -> Rebuilt:
    """The cart again, with ``products`` (id -> today's snapshot of those still on sale)."""
    data = _load(text)
    cart = Cart()
    dropped: list[str] = []
    for raw in data["lines"]:
        if not isinstance(raw, dict):
            continue
        name = str(raw.get("name") or raw.get("sku") or "a product")
        try:
            product_id = int(raw["product_id"])
            quantity = int(raw["quantity"])
        except (KeyError, TypeError, ValueError):
            dropped.append(name)
            continue
        product = products.get(product_id)
        if product is None or not 1 <= quantity <= MAX_QUANTITY:
            dropped.append(name)
            continue
        line = cart.add(product, quantity)
        _restore_line(line, raw)
    cart.customer_code = data.get("customer_code") or None
    if hasattr(cart, "sale_discount"):
        cart.sale_discount = _discount_in(data.get("sale_discount"))
        cart.sale_discount_approval = _approval_in(data.get("sale_discount_approval"))
    return Rebuilt(cart, dropped)


def _restore_line(line: CartLine, raw: dict) -> None:
    if hasattr(line, "discount"):
        line.discount = _discount_in(raw.get("discount"))
        line.discount_approval = _approval_in(raw.get("discount_approval"))
    if hasattr(line, "price_override"):
        override = raw.get("price_override")
        line.price_override = override if isinstance(override, int) and override >= 0 else None
        line.override_approval = _approval_in(raw.get("override_approval"))
