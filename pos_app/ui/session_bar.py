"""Who is signed in at this till, in the status bar, and "Sign out" (Ctrl+L).

Signing out keeps the window and everything in it (a cart half-scanned stays): the sign-in
prompt covers the window until the next person signs in, or "Quit pos-app" closes it. A
window opened without anyone signed in (tests, the self-test) shows "Sign in" instead.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMainWindow, QPushButton, QWidget

from ..domain.staff import StaffMember
from .station import Station

SIGN_OUT_KEY = "Ctrl+L"


def session_text(station: Station) -> str:
    """'Signed in: Olive (owner) · Till 1', with '(closed)' while the till has no session."""
    if station.staff is None:
        return f"Not signed in · {station.till_name}"
    role = getattr(station.staff.role, "value", station.staff.role)
    till = station.till_name if station.shift is not None else f"{station.till_name} (closed)"
    return f"Signed in: {station.staff.name} ({role}) · {till}"


class SessionBar(QWidget):
    def __init__(self, station: Station, parent: QWidget | None = None):
        super().__init__(parent)
        self.station = station
        self.setObjectName("sessionBar")
        self.label = QLabel()
        self.label.setObjectName("sessionStatus")
        self.label.setAccessibleName("Signed in")
        self.button = QPushButton()
        self.button.setObjectName("signOutButton")
        self.button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the scan field keeps the focus
        self.button.setFlat(True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.button)
        station.changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        self.label.setText(session_text(self.station))
        signed_in = self.station.staff is not None
        self.button.setText(f"Sign out ({SIGN_OUT_KEY})" if signed_in else f"Sign in ({SIGN_OUT_KEY})")
        self.button.setAccessibleName("Sign out" if signed_in else "Sign in")


def sign_out(window: QMainWindow) -> StaffMember | None:
    """Sign the current person out and ask for the next one; quitting there closes the window."""
    from .sign_in_dialog import SignInDialog

    station: Station = window.station
    was_signed_in = station.staff is not None
    if was_signed_in:
        station.sign_out()
    staff = SignInDialog.ask(window.store, station, window, locked=was_signed_in)
    if staff is None and was_signed_in:
        window.close()
    return staff


def install_session_bar(window: QMainWindow) -> SessionBar:
    """Put the bar in ``window``'s status bar and bind Ctrl+L (the window has ``store`` and
    ``station``)."""
    bar = SessionBar(window.station, window)
    window.statusBar().addPermanentWidget(bar)
    action = QAction("Sign out", window)
    action.setObjectName("signOutAction")
    action.setShortcut(QKeySequence(SIGN_OUT_KEY))
    action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    action.triggered.connect(lambda: sign_out(window))
    window.addAction(action)
    bar.button.clicked.connect(action.trigger)
    bar.action = action
    return bar


def demo(store) -> QWidget:  # noqa: ANN001
    """The status bar part with the demo till's owner signed in."""
    from .samples import DEMO_TILL, sample_shift

    station = Station(DEMO_TILL)
    shift = sample_shift(store)
    station.sign_in(shift.cashier, shift)
    bar = SessionBar(station)
    station.setParent(bar)
    return bar
