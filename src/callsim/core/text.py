"""Making untrusted text (a trainee's reply, an author's line) safe to print in a terminal."""

from __future__ import annotations

import re

MAX_REPLY_CHARS = 4000
# Every terminal escape sequence, whole (so the words around one keep their order when it is removed):
# CSI (ESC [ or the 8-bit CSI, parameters, intermediates, a final byte); OSC, DCS, SOS, PM and APC strings up
# to their terminator (BEL or ST) or the next ESC; any other ESC sequence (intermediates, then a final byte).
_ANSI = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[ -/]*[0-~]"
)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def safe_text(text: str) -> str:
    """Remove escape sequences (each as a whole) and control characters (tabs become spaces; newlines stay)."""
    text = _ANSI.sub("", text)
    text = text.replace("\t", " ").replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text)


def clean_reply(text: str) -> tuple[str, str | None]:
    """A reply ready to score: safe, trimmed, and at most MAX_REPLY_CHARS. Returns (text, warning)."""
    text = safe_text(text).strip()
    if len(text) > MAX_REPLY_CHARS:
        return text[:MAX_REPLY_CHARS], (
            f"Your reply was {len(text):,} characters; only the first {MAX_REPLY_CHARS:,} were used."
        )
    return text, None
