"""What the writer thread runs: the pipeline's steps (``prepare``, ``store``, ``count``) and, after a
success, the spool's ``replay``. These use the models, so the writer (importable from
``settings.py``) imports none of them: ``apps.py`` hands this module to it once Django's apps
are ready."""

from ..pipeline.steps import count, prepare, store
from .replay import replay

__all__ = ["count", "prepare", "replay", "store"]
