"""What the writer thread runs on a batch: prepare each event, store the batch (blobs, then the
index, then alerts), count drops, replay the spool.

These use the models, so the writer (importable from ``settings.py``) imports none of them:
``apps.py`` hands this module to it once Django's apps are ready."""

from ..backends import get_backend
from ..ops.alerts import notify
from ..processing.prepare import prepare
from ..storage.index import count
from ..storage.save import save
from .replay import replay

__all__ = ["count", "prepare", "replay", "store"]


def store(records: list) -> None:
    """Save the records through the configured backend, then send the alerts they call for."""
    notify(save(get_backend(), records))  # notify never raises
