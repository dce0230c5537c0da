"""The event's ``_meta``, where normalizing says what it changed, in Relay's shape.

A path into the event (keys, list indices as strings) leads to the same path in ``_meta``, whose
``""`` entry annotates the value there: ``rem`` lists remarks ``[rule, "s" (substituted) or "x"
(removed), start, end]``, ``len`` the original length (of a string, or the item count of a list
or object), ``err`` the errors (``"invalid_data"`` or ``["invalid_data", {"reason": ...}]``).
The SDK's own ``_meta`` is kept and added to; any part of it of the wrong shape is replaced.
Past :data:`MAX_NOTES` notes (an event of a hundred thousand bad tags), one note on the event
says so and the others are not written: ``_meta`` never outgrows the event.
"""

LIMIT = "!limit"  # Relay's rule id for a value it trimmed
MAX_NOTES = 1000


class Notes:
    def __init__(self, meta: dict):
        self.meta = meta
        self.written = 0

    def _annotation(self, path) -> dict:
        """The ``""`` entry at ``path`` to write a note into (a throwaway one past the limit)."""
        if self.written < MAX_NOTES:
            self.written += 1
            return self._node(path)
        if self.written == MAX_NOTES:
            self.written += 1
            root = self._node(())
            if not isinstance(root.get("err"), list):
                root["err"] = []
            root["err"].append(["invalid_data", {"reason": f"more changes than the {MAX_NOTES:,} noted"}])
        return {}

    def _node(self, path) -> dict:
        node = self.meta
        for segment in (*map(str, path), ""):
            child = node.get(segment)
            if not isinstance(child, dict):
                child = node[segment] = {}
            node = child
        return node

    def trimmed(self, path, original: int, start: int, end: int) -> None:
        """A string cut to ``start`` characters, ``...`` written from ``start`` to ``end``."""
        note = self._annotation(path)
        if not isinstance(note.get("rem"), list):
            note["rem"] = []
        note["rem"].append([LIMIT, "s", start, end])
        note["len"] = original

    def cut(self, path, original: int) -> None:
        """A list or object of which only the first items (or the newest) were kept."""
        self._annotation(path)["len"] = original

    def error(self, path, kind: str, reason: str | None = None, **data) -> None:
        """A value removed or replaced: Relay's error ``kind``, with its reason or data."""
        note = self._annotation(path)
        if not isinstance(note.get("err"), list):
            note["err"] = []
        details = {"reason": reason, **data} if reason else data
        note["err"].append([kind, details] if details else kind)

    def removed(self, path) -> None:
        """A value removed to fit a limit (a frame's variables, past the frames kept whole)."""
        note = self._annotation(path)
        if not isinstance(note.get("rem"), list):
            note["rem"] = []
        note["rem"].append([LIMIT, "x"])

    def shift(self, path, first: int) -> None:
        """The list at ``path`` lost its first ``first`` items: the SDK's notes on the others move with them."""
        node = self.meta
        for segment in map(str, path):
            node = node.get(segment) if isinstance(node, dict) else None
        if not isinstance(node, dict):
            return
        for key in [k for k in node if k.isdigit()]:
            value = node.pop(key)
            if int(key) >= first:
                node[str(int(key) - first)] = value
