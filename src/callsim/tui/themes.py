"""Two calm themes: callsim-light (the default, kind to light terminals) and callsim-dark."""

from __future__ import annotations

from textual.theme import Theme

LIGHT = Theme(
    name="callsim-light",
    primary="#1F5F6B",
    secondary="#4A6FA5",
    accent="#8A4B0F",
    warning="#8A5A00",
    error="#A32020",
    success="#1E6B34",
    foreground="#1C2526",
    background="#F7F5F0",
    surface="#EFECE5",
    panel="#E2DED4",
    dark=False,
)

DARK = Theme(
    name="callsim-dark",
    primary="#6FB3BF",
    secondary="#8FA9D6",
    accent="#E0A458",
    warning="#E3B341",
    error="#F07171",
    success="#7BC88F",
    foreground="#E4E7E8",
    background="#15191C",
    surface="#1D2327",
    panel="#273036",
    dark=True,
)
