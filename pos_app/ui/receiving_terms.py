"""Who delivered and how it is paid, at the top of the receiving dialog: supplier, the
delivery note or invoice reference, and on account or paid in cash (which decides whether
the ledger credits Accounts payable or Cash in till)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QButtonGroup,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QWidget,
)

from ..domain.errors import InvalidInput
from .feedback import InlineMessage


def line_edit(name: str, accessible: str, placeholder: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setAccessibleName(accessible)
    edit.setPlaceholderText(placeholder)
    return edit


class ReceivingTerms(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.supplierField = line_edit("supplierField", "Supplier", "e.g. Exotic Liquids")
        self.referenceField = line_edit(
            "referenceField", "Reference", "delivery note or invoice no. (optional)"
        )
        self.supplierField.setMaxLength(80)
        self.referenceField.setMaxLength(40)
        self.supplierError = InlineMessage(self, object_name="supplierError")
        self.onAccountRadio = QRadioButton("On &account (Cr Accounts payable)")
        self.onAccountRadio.setObjectName("onAccountRadio")
        self.onAccountRadio.setAccessibleName("On account")
        self.onAccountRadio.setChecked(True)
        self.paidInCashRadio = QRadioButton("&Paid in cash (Cr Cash in till)")
        self.paidInCashRadio.setObjectName("paidInCashRadio")
        self.paidInCashRadio.setAccessibleName("Paid in cash")
        payment = QButtonGroup(self)
        payment.addButton(self.onAccountRadio)
        payment.addButton(self.paidInCashRadio)

        terms = QGridLayout(self)
        terms.setContentsMargins(0, 0, 0, 0)
        terms.addWidget(QLabel("&Supplier:", buddy=self.supplierField), 0, 0)
        terms.addWidget(self.supplierField, 0, 1)
        terms.addWidget(QLabel("Re&ference:", buddy=self.referenceField), 0, 2)
        terms.addWidget(self.referenceField, 0, 3)
        terms.addWidget(self.supplierError, 1, 1, 1, 3)
        pay = QHBoxLayout()
        pay.addWidget(self.onAccountRadio)
        pay.addWidget(self.paidInCashRadio)
        pay.addStretch(1)
        terms.addWidget(QLabel("Payment:"), 2, 0)
        terms.addLayout(pay, 2, 1, 1, 3)
        terms.setColumnStretch(1, 3)
        terms.setColumnStretch(3, 2)

    def show_problem(self, error: InvalidInput) -> None:
        """Say what is wrong under the fields and put the cursor in the one at fault."""
        self.supplierError.show_error(str(error))
        field = self.referenceField if error.field == "reference" else self.supplierField
        field.setFocus()
