"""A pasted block reaches the reply box whole, in order, and without terminal escape codes (issue 14).

Textual's input parser reads escape sequences even inside a bracketed paste: text pasted with colour codes
(``one \\e[31mtwo\\e[0m three four``, copied from a terminal) came out as keys for everything after the
first code, with the ESC shown as ``^``, and a Paste event holding only the words before it, delivered last:
the reply box read ``^[31mtwo^[0m three fourone``. :class:`PasteSafeParser` sees the input before Textual's
parser does, holds a bracketed paste until its end marker, removes every escape sequence and control
character from it as a whole sequence (:func:`callsim.core.text.safe_text`), and passes the clean
text on, still bracketed, so the parser makes one Paste event of it. :func:`install` makes the Linux/macOS
driver use it; the reply box cleans what it is given again, for any other way in.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual._xterm_parser import XTermParser
from textual.message import Message

from callsim.core.text import safe_text

START = "\x1b[200~"
END = "\x1b[201~"
LIMIT = 1_000_000  # characters held at most: a paste that never ends is passed on in parts


class PasteGuard:
    """Filters terminal input: a bracketed paste comes out clean and in one piece (see the module)."""

    def __init__(self) -> None:
        self._paste: str | None = None  # the paste so far, while inside one
        self._held = ""  # the start of a start marker, cut off at the end of a read

    def filter(self, data: str) -> str:
        out: list[str] = []
        data, self._held = self._held + data, ""
        while data:
            if self._paste is None:
                i = data.find(START)
                if i < 0:
                    # A read that ends part-way into the start marker: hold that part for the next read (a
                    # terminal writes the marker in one go, so the rest follows at once). A lone ESC or
                    # "ESC [" is never held: it may be a key (Escape, Alt+[) with nothing after it.
                    for k in range(len(START) - 1, 2, -1):
                        if data.endswith(START[:k]):
                            data, self._held = data[:-k], START[:k]
                            break
                    out.append(data)
                    break
                out.append(data[: i + len(START)])
                self._paste, data = "", data[i + len(START):]
                continue
            paste = self._paste + data
            data = ""
            j = paste.find(END)
            if j < 0:
                if len(paste) > LIMIT:  # never ended: pass on what there is, as a paste of its own
                    out.append(safe_text(paste) + END + START)
                    paste = ""
                self._paste = paste
                break
            out.append(safe_text(paste[:j]) + END)
            self._paste, data = None, paste[j + len(END):]
        return "".join(out)


class PasteSafeParser(XTermParser):
    """Textual's parser behind a :class:`PasteGuard`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._guard = PasteGuard()

    def feed(self, data: str) -> Iterable[Message]:
        if not data:  # the end of input
            return super().feed(data)
        clean = self._guard.filter(data)
        return super().feed(clean) if clean else iter(())


def install() -> None:
    """Make Textual's Linux/macOS driver read input through :class:`PasteSafeParser`."""
    try:
        from textual.drivers import linux_driver
    except ImportError:  # pragma: no cover - Windows: its driver has a parser of its own
        return
    setattr(linux_driver, "XTermParser", PasteSafeParser)  # noqa: B010 - replace the name the driver reads
