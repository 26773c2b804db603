"""Junk a person (or a scanner, or a script) can type: shared by the service and UI tests.

Everything here is something a real keyboard, paste or barcode gun can produce; Python
``str`` cannot hold lone surrogates, so those are left out.
"""

from __future__ import annotations

from decimal import Decimal

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# Reproducible in CI: no example database, derandomised; no deadline (PostgreSQL round trips
# vary on a shared machine). Tests call ``@given`` on an inner function that closes over the
# small shop built once per test, so the function-scoped-fixture health check does not apply;
# it is suppressed anyway, deliberately: refused input changes nothing, so examples cannot
# leak state into each other, and accepted input is checked and undone by the test itself.
JUNK = settings(
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

SQL_LOOKING = [
    "'; DROP TABLE products; --",
    "1 OR 1=1",
    "' OR '1'='1",
    '"; DELETE FROM orders; --',
    "%",
    "_",
    "%%",
    "\\",
    "\\%",
    "'",
    '"',
    "`",
    "--",
    "/*",
    "NULL",
    "None",
]
UNICODE_NASTY = [
    "",
    " ",
    "   \t  ",
    "\n",
    "\u00a0",
    "\u3000",
    "\x00",
    "a\x00b",
    "\x07bell",
    "\x1b[31mred",
    "\u202eevil",  # right-to-left override
    "שלום",
    "مرحبا",
    "e\u0301",  # e + combining acute
    "Z\u0351\u0356\u0331a\u0364lgo",
    "😀",
    "👨‍👩‍👧‍👦",
    "\ufeff",
    "\u200b",
    "İ",
    "ß",
    "ﬁ",
    "𝟏𝟐",
    "١٢",
    "x" * 65,
    "x" * 5000,
]
NASTY_STRINGS = SQL_LOOKING + UNICODE_NASTY

# Arbitrary text (any code point but surrogates), and text biased towards the nasty bits.
any_text = st.text(max_size=80)
nasty_text = st.one_of(
    st.sampled_from(NASTY_STRINGS),
    any_text,
    st.lists(st.sampled_from(NASTY_STRINGS + ["a", "1", " "]), max_size=4).map("".join),
)

# Numbers as people type them, right and wrong.
_number_bits = st.sampled_from(
    ["0", "1", "9", "12", "007", ".", ",", " ", "-", "+", "e", "E", "e5", "%", "_", "\u00a0"]
)
number_text = st.one_of(
    st.lists(_number_bits, min_size=1, max_size=8).map("".join),
    st.sampled_from(
        [
            "12.50",
            "12,50",
            " 3 ",
            "1e3",
            "1E-2",
            "-5",
            "+5",
            "1,000.00",
            "1.000,00",
            "0.001",
            "12.5.0",
            "NaN",
            "nan",
            "Infinity",
            "-inf",
            "sNaN",
            "0x10",
            "1_000",
            "9" * 40,
            "1" + "0" * 400,
            "0." + "0" * 30 + "1",
            "1e999999",
            "١٢",
            "𝟏𝟐",
        ]
    ),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.integers().map(str),
)

# Values a caller in code could pass where a number is expected.
odd_values = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([2**31, 2**31 - 1, 2**63, 2**63 - 1, 2**64, -(2**63), 10**30, 0, -1]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.just(Decimal("12.50")),
    number_text,
)


def is_sentence(message: str) -> bool:
    """What a cashier may read: some words, starting like a sentence, no Python internals."""
    message = message.strip()
    return (
        bool(message)
        and (message[0].isupper() or message[0].isdigit())
        and "Traceback" not in message
        and "sqlalchemy" not in message.lower()
        and "psycopg" not in message.lower()
    )
