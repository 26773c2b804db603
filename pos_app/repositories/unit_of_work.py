"""One unit of work per dialog.

A dialog opens a ``UnitOfWork`` when it opens, may ``flush()`` to learn generated IDs,
and ``commit()``s only on an explicit confirm. Leaving any other way (``close``, an
exception, garbage collection) rolls back. A database error always leaves the unit of
work rolled back and usable again, so a ``PendingRollbackError`` never reaches a caller.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from ..domain.errors import ConcurrencyConflict
from ..persistence.errors import is_retryable, translate
from .audit import AuditRepository
from .catalogue import CatalogueRepository
from .customers import CustomerRepository
from .ledger import LedgerRepository
from .parked import ParkedRepository
from .purchases import PurchaseRepository
from .refunds import RefundRepository
from .sales import SalesRepository
from .settings import SettingsRepository
from .staff import StaffRepository
from .stock import StockRepository
from .tills import TillRepository

log = logging.getLogger(__name__)
T = TypeVar("T")

MAX_ATTEMPTS = 5


class UnitOfWork:
    catalogue: CatalogueRepository
    customers: CustomerRepository
    sales: SalesRepository
    purchases: PurchaseRepository
    ledger: LedgerRepository
    stock: StockRepository
    staff: StaffRepository
    tills: TillRepository
    audit: AuditRepository
    settings: SettingsRepository
    refunds: RefundRepository
    parked: ParkedRepository

    def __init__(self, session_factory: sessionmaker[Session]):
        self._session_factory = session_factory
        self._session: Session | None = None

    # -- lifetime ---------------------------------------------------------------------
    def __enter__(self) -> UnitOfWork:
        return self.open()

    def __exit__(self, *_exc) -> None:
        self.close()

    def open(self) -> UnitOfWork:
        if self._session is None:
            session = self._session_factory()
            self._session = session
            self.catalogue = CatalogueRepository(session)
            self.customers = CustomerRepository(session)
            self.sales = SalesRepository(session)
            self.purchases = PurchaseRepository(session)
            self.ledger = LedgerRepository(session)
            self.stock = StockRepository(session)
            self.staff = StaffRepository(session)
            self.tills = TillRepository(session)
            self.audit = AuditRepository(session)
            self.settings = SettingsRepository(session)
            self.refunds = RefundRepository(session)
            self.parked = ParkedRepository(session)
        return self

    @property
    def is_open(self) -> bool:
        return self._session is not None

    @property
    def session(self) -> Session:
        if self._session is None:
            raise RuntimeError("The unit of work is not open.")
        return self._session

    @property
    def backend(self) -> str:
        return self.session.get_bind().dialect.name

    def close(self) -> None:
        """Roll back whatever was not committed and give the connection back."""
        if self._session is not None:
            session, self._session = self._session, None
            self._quiet_rollback(session)
            session.close()

    def __del__(self) -> None:  # forgetting a dialog must not leave a transaction open
        try:
            self.close()
        except Exception:  # noqa: BLE001 - interpreter may be shutting down
            pass

    # -- transaction control ------------------------------------------------------------
    def flush(self) -> None:
        with self.guard():
            self.session.flush()

    def commit(self) -> None:
        with self.guard():
            self.session.commit()

    def rollback(self) -> None:
        if self._session is not None:
            self._quiet_rollback(self._session)

    @staticmethod
    def _quiet_rollback(session: Session) -> None:
        try:
            session.rollback()
        except DBAPIError:  # the connection is already gone: nothing left to undo
            log.warning("rollback on a broken connection", exc_info=True)
            session.close()

    @contextmanager
    def guard(self) -> Iterator[None]:
        """Database errors become domain errors, after the transaction is rolled back."""
        try:
            yield
        except DBAPIError as exc:
            self.rollback()
            if is_retryable(exc):
                raise  # run() replays the transaction
            error = translate(exc)
            if error is None:
                raise  # a constraint our own checks should have kept: a bug, keep the trace
            log.warning("database error: %s", exc.orig if hasattr(exc, "orig") else exc)
            raise error from exc

    def run(self, work: Callable[[], T], *, attempts: int = MAX_ATTEMPTS) -> T:
        """Run ``work`` (which ends by committing) and replay it after a deadlock or
        serialization failure, a bounded number of times. ``work`` must redo everything
        from the start of the transaction, because the rollback undid it all."""
        for attempt in range(1, attempts + 1):
            try:
                with self.guard():
                    return work()
            except DBAPIError as exc:
                if not is_retryable(exc):
                    raise
                log.info("retrying after %s (attempt %d)", exc.orig.pgcode, attempt)
                time.sleep(random.uniform(0, 0.02 * 2**attempt))
            except BaseException:
                self.rollback()
                raise
        raise ConcurrencyConflict(
            "The database was too busy with other tills to finish this. Try again."
        )
