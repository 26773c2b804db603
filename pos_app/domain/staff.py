"""Who may do what at the till, and how PINs are kept.

Roles are enforced by the services (``authorise``), not by hiding buttons. A PIN is stored
only as a scrypt hash with its own random salt (``hashlib.scrypt``: memory-hard, in the
standard library), so a copied database does not give the PINs away cheaply.
"""

from __future__ import annotations

import base64
import enum
import hashlib
import hmac
import re
import secrets
import unicodedata
from dataclasses import dataclass

from .errors import InvalidInput, PermissionDenied


class Role(str, enum.Enum):
    CASHIER = "cashier"
    MANAGER = "manager"
    OWNER = "owner"


class Permission(str, enum.Enum):
    SELL = "sell"
    PARK_SALE = "park sales"
    OPEN_TILL = "open the till"
    CLOSE_TILL = "close the till"
    CASH_IN_OUT = "put cash in or take it out"
    REFUND = "give refunds"
    VOID_SALE = "void a sale"
    PRICE_OVERRIDE = "change a price at the till"
    DISCOUNT_OVER_LIMIT = "give a discount above the limit"
    OPEN_DRAWER = "open the drawer without a sale"
    VIEW_REPORTS = "see reports"
    EDIT_CATALOGUE = "edit the catalogue"
    RECEIVE_STOCK = "receive stock"
    POST_JOURNAL = "post journal entries"
    MANAGE_STAFF = "manage staff"
    EDIT_SETTINGS = "change the store's settings"


_CASHIER = frozenset(
    {
        Permission.SELL,
        Permission.PARK_SALE,
        Permission.OPEN_TILL,
        Permission.CLOSE_TILL,
        Permission.CASH_IN_OUT,
    }
)
_MANAGER = _CASHIER | {
    Permission.REFUND,
    Permission.VOID_SALE,
    Permission.PRICE_OVERRIDE,
    Permission.DISCOUNT_OVER_LIMIT,
    Permission.OPEN_DRAWER,
    Permission.VIEW_REPORTS,
    Permission.EDIT_CATALOGUE,
    Permission.RECEIVE_STOCK,
    Permission.POST_JOURNAL,
}
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.CASHIER: _CASHIER,
    Role.MANAGER: frozenset(_MANAGER),
    Role.OWNER: frozenset(Permission),
}


@dataclass(frozen=True)
class StaffMember:
    staff_id: int
    name: str
    role: Role

    def may(self, permission: Permission) -> bool:
        return permission in ROLE_PERMISSIONS[Role(self.role)]


@dataclass(frozen=True)
class Approval:
    """A manager's PIN typed in for one permission (issued by ``services.staff.approve``)."""

    approver: StaffMember
    permission: Permission


def authorise(
    actor: StaffMember, permission: Permission, approval: Approval | None = None
) -> StaffMember | None:
    """Allow ``actor`` to do it, or a manager who approved it; returns the approver (if one
    was needed) so the action can record who allowed it. Refuses with PermissionDenied."""
    if not isinstance(actor, StaffMember):
        raise PermissionDenied("Sign in first.")
    if actor.may(permission):
        return None
    if (
        approval is not None
        and approval.permission == permission
        and approval.approver.may(permission)
    ):
        return approval.approver
    raise PermissionDenied(f"A manager must approve this: {actor.name} may not {permission.value}.")


@dataclass(frozen=True)
class Shift:
    """Who sells at which till, in which open till session: every sale records all three."""

    session_id: int
    till_name: str
    cashier: StaffMember


# -- PINs ---------------------------------------------------------------------------------
PIN_RE = re.compile(r"[0-9]{4,8}")  # ASCII only: "١٢٣٤" is digits to Python, not to a keypad
MAX_NAME = 60
# scrypt cost: ~16 MiB and a few tens of ms per try (RFC 7914's interactive-login figures).
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1


def parse_pin(text: object) -> str:
    if not isinstance(text, str) or not PIN_RE.fullmatch(text.strip()):
        raise InvalidInput("A PIN is 4 to 8 digits.", "pin")
    return text.strip()


def parse_staff_name(text: object) -> str:
    if not isinstance(text, str):
        raise InvalidInput("Type a name.", "name")
    name = " ".join(text.split())
    if not name:
        raise InvalidInput("Type a name.", "name")
    if len(name) > MAX_NAME:
        raise InvalidInput(f"A name is at most {MAX_NAME} characters.", "name")
    if any(not ch.isprintable() for ch in name):
        raise InvalidInput("A name cannot contain control characters.", "name")
    return name


def name_key(name: str) -> str:
    """How two staff names are compared: Unicode case-folded, canonically composed, with
    surrounding and repeated spaces ignored, so "élodie" is Élodie on every database
    (SQLite's lower() folds only ASCII)."""
    folded = unicodedata.normalize("NFC", " ".join(name.split())).casefold()
    return unicodedata.normalize("NFC", folded)


def parse_role(text: object) -> Role:
    try:
        return Role(str(text).strip().lower())
    except ValueError:
        raise InvalidInput("The role is cashier, manager or owner.", "role") from None


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def hash_pin(pin: str) -> str:
    """``scrypt$N$r$p$salt$hash``: the cost is stored so it can be raised later."""
    pin = parse_pin(pin)
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(
        pin.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32
    )
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def pin_matches(pin: str, stored: str) -> bool:
    """Constant-time comparison; a malformed stored hash never matches."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        actual = hashlib.scrypt(
            str(pin).encode(),
            salt=base64.b64decode(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(expected),
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)
