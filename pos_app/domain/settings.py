"""The store's settings, shared by every till (kept in the database, see repositories/settings.py).

Per-till preferences (window sizes, which printer is next to this till's screen when a
store has several) belong in ``QSettings`` instead. Every field has a sensible default so a
new store sells at once; ``validated()`` refuses what would break a sale or a receipt.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, replace

from .errors import InvalidInput
from .money import MAX_RATE_PPM, check_rate

TAX_ROUNDING = ("line", "total")
CASH_ROUNDING_STEPS = (0, 5, 10, 50, 100)  # cents; 0 = no cash rounding
PRINTER_KINDS = ("none", "system", "pdf", "network", "usb", "serial", "file")


@dataclass(frozen=True)
class TaxRate:
    name: str
    rate_ppm: int


@dataclass(frozen=True)
class PrinterSettings:
    """Where receipts go. ``system`` prints through QPrinter; the ESC/POS kinds go straight to a
    thermal printer through python-escpos (network host:port, USB vendor:product ids,
    serial device, or a file/device path)."""

    kind: str = "none"
    host: str = ""
    port: int = 9100
    usb_vendor: int = 0
    usb_product: int = 0
    serial_device: str = ""
    baudrate: int = 9600
    file_path: str = ""
    width_chars: int = 42
    kick_drawer: bool = True
    print_automatically: bool = False


@dataclass(frozen=True)
class StoreSettings:
    store_name: str = "My Store"
    address: str = ""
    tax_number: str = ""
    currency: str = "EUR"
    locale: str = "en_IE"
    receipt_footer: str = "Thank you for shopping with us."
    prices_include_tax: bool = False
    tax_rounding: str = "line"  # per line or on the total of each rate
    cash_rounding_step: int = 0  # cents (5 = round cash totals to 0.05)
    discount_limit_ppm: int = 100_000  # above this a manager must approve (10 %)
    tax_rates: tuple[TaxRate, ...] = (
        TaxRate("Standard", 200_000),
        TaxRate("Reduced", 50_000),
        TaxRate("Zero", 0),
    )
    printer: PrinterSettings = field(default_factory=PrinterSettings)

    def validated(self) -> StoreSettings:
        if not self.store_name.strip():
            raise InvalidInput("The store needs a name for its receipts.", "store_name")
        if len(self.store_name) > 80:
            raise InvalidInput("The store name is at most 80 characters.", "store_name")
        if self.tax_rounding not in TAX_ROUNDING:
            raise InvalidInput("Tax is rounded per line or on the total.", "tax_rounding")
        if self.cash_rounding_step not in CASH_ROUNDING_STEPS:
            raise InvalidInput(
                "Cash rounding is none, 0.05, 0.10, 0.50 or 1.00.", "cash_rounding_step"
            )
        check_rate(self.discount_limit_ppm, "discount limit")
        if not self.tax_rates:
            raise InvalidInput("Keep at least one tax rate (it may be 0 %).", "tax_rates")
        names = [rate.name.strip().lower() for rate in self.tax_rates]
        if any(not n for n in names) or len(set(names)) != len(names):
            raise InvalidInput("Each tax rate needs its own name.", "tax_rates")
        for rate in self.tax_rates:
            if not 0 <= rate.rate_ppm <= MAX_RATE_PPM:
                raise InvalidInput("A tax rate is between 0 and 100 %.", "tax_rates")
        if self.printer.kind not in PRINTER_KINDS:
            raise InvalidInput("Choose a printer kind from the list.", "printer")
        if not 16 <= self.printer.width_chars <= 64:
            raise InvalidInput("A receipt is 16 to 64 characters wide.", "printer")
        try:
            from babel import Locale

            Locale.parse(self.locale)
        except Exception:  # noqa: BLE001 - babel raises several kinds for junk
            raise InvalidInput(f"{self.locale!r} is not a locale such as en_GB.", "locale") from None
        if len(self.currency) != 3 or not self.currency.isalpha():
            raise InvalidInput("The currency is a three-letter code such as EUR.", "currency")
        return self

    # -- stored form --------------------------------------------------------------------
    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> StoreSettings:
        """Unknown keys are ignored and missing ones take their defaults, so settings saved
        by an older or newer version still load."""
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        if "tax_rates" in values:
            values["tax_rates"] = tuple(
                TaxRate(str(r["name"]), int(r["rate_ppm"])) for r in values["tax_rates"]
            )
        if "printer" in values:
            printer_known = {f.name for f in fields(PrinterSettings)}
            values["printer"] = PrinterSettings(
                **{k: v for k, v in dict(values["printer"]).items() if k in printer_known}
            )
        return replace(cls(), **values)
