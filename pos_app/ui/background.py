"""Run slow reads off the UI thread. Each job calls a ``Store`` method, which opens its own
short session, so no Session ever crosses threads."""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)


class _Signals(QObject):
    finished = Signal(int, bool, object)  # job id, ok, result or exception


class _Job(QRunnable):
    def __init__(self, job_id: int, fn: Callable[[], Any], signals: _Signals):
        super().__init__()
        self.job_id, self.fn, self.signals = job_id, fn, signals

    def run(self) -> None:
        try:
            result = self.fn()
        except Exception as exc:  # noqa: BLE001 - handed to the UI thread as a value
            log.warning("background job failed", exc_info=True)
            self._deliver(False, exc)
        else:
            self._deliver(True, result)

    def _deliver(self, ok: bool, value: object) -> None:
        try:
            self.signals.finished.emit(self.job_id, ok, value)
        except RuntimeError:
            pass  # the view that asked was closed meanwhile: nobody wants the answer


class Background(QObject):
    """Runs jobs on a thread pool and calls back on the UI thread.

    A newer job with the same ``key`` supersedes an older one: only the latest search's
    rows are shown, whatever order the threads finish in.
    """

    def __init__(self, parent: QObject | None = None, pool: QThreadPool | None = None):
        super().__init__(parent)
        self.pool = pool or QThreadPool.globalInstance()
        self._signals = _Signals(self)
        self._signals.finished.connect(self._finished)  # receiver lives on the UI thread
        self._ids = itertools.count(1)
        self._pending: dict[int, tuple[str, Callable, Callable | None]] = {}
        self._latest: dict[str, int] = {}

    def submit(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[Exception], None] | None = None,
        *,
        key: str = "default",
    ) -> int:
        job_id = next(self._ids)
        self._pending[job_id] = (key, on_done, on_error)
        self._latest[key] = job_id
        self.pool.start(_Job(job_id, fn, self._signals))
        return job_id

    @Slot(int, bool, object)
    def _finished(self, job_id: int, ok: bool, value: object) -> None:
        key, on_done, on_error = self._pending.pop(job_id, ("", None, None))
        if self._latest.get(key) != job_id:
            return  # superseded by a newer job with the same key
        if ok and on_done is not None:
            on_done(value)
        elif not ok and on_error is not None:
            on_error(value)

    def busy(self) -> bool:
        return bool(self._pending)

    def wait(self, msecs: int = 5000) -> bool:
        return self.pool.waitForDone(msecs)
