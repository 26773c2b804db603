"""Store settings as one JSON value per top-level key in the ``settings`` table."""

from __future__ import annotations

import json

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..domain.settings import StoreSettings
from ..persistence.models import Setting


_ROWS = select(Setting.key, Setting.value)
_last: tuple[tuple, StoreSettings] | None = None  # the rows last read and what they gave


class SettingsRepository:
    def __init__(self, session: Session):
        self.session = session

    def load(self) -> StoreSettings:
        """Read every sale (once per checkout): a prebuilt Core SELECT, and the parsed settings
        kept while the stored rows stay the same (StoreSettings is immutable)."""
        global _last
        rows = tuple(tuple(row) for row in self.session.connection().execute(_ROWS))
        last = _last
        if last is not None and last[0] == rows:
            return last[1]
        settings = StoreSettings.from_dict({key: json.loads(value) for key, value in rows})
        _last = (rows, settings)
        return settings

    def save(self, settings: StoreSettings) -> dict:
        """Write every key; returns the keys whose values changed (for the audit log)."""
        before = self.load().as_dict()
        after = settings.as_dict()
        changed = {k: v for k, v in after.items() if before.get(k) != v}
        self.session.execute(delete(Setting).where(Setting.key.in_(list(after))))
        self.session.add_all(Setting(key=k, value=json.dumps(v, sort_keys=True)) for k, v in after.items())
        self.session.flush()
        return changed
