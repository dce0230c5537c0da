"""Progress of a long management command: a bar on a terminal, a line per tenth otherwise."""

from django.core.management.base import OutputWrapper

WIDTH = 30


class Progress:
    def __init__(self, out: OutputWrapper, label: str, total: int):
        self.out, self.label, self.total = out, label, max(total, 1)
        self.done = self.tenth = 0
        self.tty = out.isatty()

    def __enter__(self) -> "Progress":
        return self

    def __exit__(self, *exc_info) -> None:
        if self.tty and self.done:
            self.out.write("")

    def advance(self, n: int) -> None:
        self.done = min(self.done + n, self.total)
        if self.tty:
            filled = WIDTH * self.done // self.total
            bar = "#" * filled + "." * (WIDTH - filled)
            self.out.write(f"\r{self.label} [{bar}] {self.done}/{self.total}", ending="")
            self.out.flush()
        elif (tenth := 10 * self.done // self.total) > self.tenth:
            self.tenth = tenth
            self.out.write(f"{self.label}: {self.done}/{self.total}")
