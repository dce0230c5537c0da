"""What the writer thread runs on a batch: prepare each event (the storm sampler deciding which are
only counted), store the batch (blobs, then the index, then alerts), count drops, replay the spool.

These use the models, so the writer (importable from ``settings.py``) imports none of them:
``apps.py`` hands this module to it once Django's apps are ready."""

from ..backends import get_backend
from ..ops.alerts import notify
from ..processing import prepare as preparing
from ..storage.index import count
from ..storage.save import save
from . import storm
from .replay import replay

__all__ = ["count", "prepare", "replay", "store"]


def prepare(payload: bytes | dict) -> preparing.EventRecord:
    """The event's record; under ``MINISENTRY_STORM``, past the rate, one to count only."""
    return preparing.prepare(payload, storm.keeper())


def store(records: list) -> None:
    """Save the records through the configured backend, then send the alerts they call for."""
    stored = save(get_backend(), records)
    storm.sampler.counted(stored.sampled_out)
    notify(stored)  # notify never raises
