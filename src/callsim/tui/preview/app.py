"""The preview app (``callsim preview``): the preview screen on its own, in the trainee app's look."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import App
from textual.binding import Binding

from callsim.config import Config
from callsim.core.preview import Setting
from callsim.tui.preview.screen import POLL_SECONDS, PreviewScreen
from callsim.tui.terminal import exit_when_terminal_closes
from callsim.tui.themes import DARK, LIGHT

if TYPE_CHECKING:
    from callsim.core.scorer import Scorer


class PreviewApp(App[int]):
    CSS_PATH = "../callsim.tcss"  # the transcript's styles, shared with the trainee app
    TITLE = "callsim preview"
    BINDINGS = [Binding("ctrl+q", "quit", "Quit", priority=True, id="preview.quit", tooltip="Leave the preview")]

    def __init__(self, path: Path, *, node: str | None = None, settings: dict[str, Setting] | None = None,
                 seed: int = 1, config: Config | None = None, poll: float | None = POLL_SECONDS,
                 scorer: Scorer | None = None) -> None:
        super().__init__()
        self.path = path
        self.node = node
        self.sets = settings
        self.seed = seed
        self.settings = config or Config()
        self.poll = poll
        self.scorer = scorer

    def on_mount(self) -> None:
        exit_when_terminal_closes(self)
        self.register_theme(LIGHT)
        self.register_theme(DARK)
        self.theme = self.settings.theme if self.settings.theme in self.available_themes else LIGHT.name
        self.push_screen(PreviewScreen(self.path, node=self.node, settings=self.sets, seed=self.seed,
                                       poll=self.poll, closable=False, scorer=self.scorer))

    async def action_quit(self) -> None:
        self.exit(0)
