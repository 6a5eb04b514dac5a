"""Progress of a long run: a bar with a total and an ETA on a terminal, a plain line every N items in a log.

On a terminal tqdm draws the bar; where stderr is a file or a pipe (CI, a log shipper) a bar's carriage
returns are noise, so a line is written every `every` items and at the end instead.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

from tqdm import tqdm


class Progress:
    def __init__(self, what: str, total: int | None, every: int = 100, stream: TextIO | None = None) -> None:
        self.what, self.total, self.every = what, total, max(1, every)
        self.stream = stream if stream is not None else sys.stderr
        self.done = 0
        self.started = time.monotonic()
        self.bar = (
            tqdm(desc=what, total=total, unit="doc", file=self.stream) if _is_terminal(self.stream) else None
        )

    def update(self, count: int = 1) -> None:
        self.done += count
        if self.bar is not None:
            if self.total is not None and self.done > self.total:  # the count was an estimate
                self.bar.total = self.total = self.done
            self.bar.update(count)
        elif self.done % self.every == 0:
            self._line()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
        elif self.done % self.every:
            self._line()

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _line(self) -> None:
        elapsed = time.monotonic() - self.started
        rate = self.done / elapsed if elapsed > 0 else 0.0
        line = f"{self.what}: {self.done:,}"
        if self.total:
            line += f"/{self.total:,} documents ({min(100, 100 * self.done // self.total)}%)"
        else:
            line += " documents"
        line += f", {rate:.1f} docs/s, {_clock(elapsed)} elapsed"
        if self.total and rate > 0 and self.done < self.total:
            line += f", about {_clock((self.total - self.done) / rate)} left"
        print(line, file=self.stream, flush=True)


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _clock(seconds: float) -> str:
    seconds = int(seconds)
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"
