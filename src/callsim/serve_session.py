"""One browser's app process, from its websocket opening to the process being reaped (``callsim serve``).

textual-serve's own websocket handler ends a session by sending the app a "quit" message and waiting for
it. An app that is still starting misses that message, and a connection that opens, sends its first resize
and closes within a fraction of a second left its app running forever, outside the server's reach. Here:

* each app runs as its own process group (no shell in between), started by :class:`AppProcess`;
* a session ends when its websocket closes, its app exits, the browser sends nothing for the idle timeout,
  it sends a message callsim does not understand (or one too large), or the server stops; whichever comes
  first, :meth:`AppProcess.end` asks the app to quit, then sends SIGTERM, then SIGKILL to the group, and
  waits until the process is reaped, also when the handler itself is cancelled;
* at most ``max_sessions`` sessions (counted until their process is gone) run at once; one more is told
  so in the websocket's close message (code 1013, "try again later"), which the page shows;
* the app also gets ``CALLSIM_SERVE_PID`` so it can end itself if this server dies without ending it (see
  ``callsim.serve.main``).

This module imports aiohttp and textual-serve (not Textual): only the server process imports it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import shlex
import signal
from asyncio.subprocess import Process
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from typing import Any

from aiohttp import WSCloseCode, WSMsgType, web
from textual_serve.app_service import AppService
from textual_serve.download_manager import DownloadManager

from callsim.config import SERVER_PID_VARIABLE

log = logging.getLogger("callsim.serve")

MAX_MESSAGE_BYTES = 256 * 1024  # a browser sends keys, pastes and sizes; anything larger ends the session
QUIT_GRACE = 3.0  # seconds an app that has had input gets to quit by itself (it may be saving a turn)
TERM_GRACE = 2.0  # then SIGTERM to its process group, and this long before SIGKILL
KILL_WAIT = 10.0  # after SIGKILL, how long to wait for the process to be reaped before saying so
CLOSE_WAIT = 3.0  # how long closing a websocket may take (a client that never reads cannot hold it)
INPUT_WAIT = 30.0  # how long the app may take to read a key before the session is deemed stuck
HEARTBEAT = 15.0  # websocket pings: a browser that vanished without closing is noticed within this

STOPPED = "Session ended: the callsim server stopped."
MALFORMED = "Session ended: the browser sent a message callsim does not understand."
_SIZE_LIMIT = 1000  # columns or rows: more is not a terminal
_STARTING: ContextVar[AppProcess | None] = ContextVar("callsim_serve_app", default=None)


class _QuietWhenEnded(logging.Filter):
    """Drops textual-serve's "Application failed to start" for an app that callsim ended while it started.

    textual-serve logs it from the task reading the app's output, which :meth:`AppProcess.start` created
    with ``_STARTING`` set to the app, so the record can be traced to its app; real failures still show.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        app = _STARTING.get()
        return not (app is not None and app.ending and record.getMessage() == "Application failed to start")


class AppProcess(AppService):
    """textual-serve's AppService, run so that it can always be ended.

    The app is executed directly (not through ``sh -c``) in a new session, so its process group is its
    own and :meth:`end` can signal all of it. Output that arrives after the browser has gone is dropped
    but still read, so the app never blocks writing to a full pipe while it quits.
    """

    def __init__(self, command: str, *, send_bytes: Callable[[bytes], Awaitable[None]],
                 send_str: Callable[[str], Awaitable[None]], on_exit: Callable[[], None],
                 download_manager: DownloadManager) -> None:
        async def closed() -> None:
            on_exit()

        super().__init__(command, write_bytes=send_bytes, write_str=send_str, close=closed,
                         download_manager=download_manager)
        self.had_input = False
        self.ending = False  # end() has begun: the app's output no longer matters
        self.ended = False

    def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
        environment = super()._build_environment(width, height)
        environment[SERVER_PID_VARIABLE] = str(os.getpid())
        return environment

    async def _open_app_process(self, width: int = 80, height: int = 24) -> Process:
        argv = shlex.split(self.command)
        self._process = process = await asyncio.create_subprocess_exec(
            *argv, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE, env=self._build_environment(width, height), start_new_session=True,
        )
        assert process.stdin is not None
        self._stdin = process.stdin
        return process

    async def start(self, width: int, height: int) -> None:
        started = _STARTING.set(self)  # the output task (created in start) inherits it: see _QuietWhenEnded
        try:
            await super().start(width, height)
        finally:
            _STARTING.reset(started)

    @property
    def output_task(self) -> asyncio.Task[None] | None:
        """The task reading the app's output; it ends when the app's stdout closes (the app has ended)."""
        return self._task

    async def on_data(self, payload: bytes) -> None:
        with contextlib.suppress(Exception):  # the browser has gone: keep reading, drop the output
            await super().on_data(payload)

    async def on_meta(self, data: bytes) -> None:
        with contextlib.suppress(Exception):
            await super().on_meta(data)

    async def on_packed(self, payload: bytes) -> None:
        with contextlib.suppress(Exception):
            await super().on_packed(payload)

    async def send_input(self, data: str) -> bool:
        """Keys from the browser; False when the app did not take them within INPUT_WAIT seconds."""
        self.had_input = True
        try:
            return await asyncio.wait_for(self.send_bytes(data.encode("utf-8")), INPUT_WAIT)
        except TimeoutError:
            return False

    def kill_now(self) -> None:
        """SIGKILL the app's process group at once (no waiting: for cancellation and server exit)."""
        process = self._process
        if process is not None and process.returncode is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)

    async def end(self) -> None:
        """End the app for good: quit, SIGTERM, SIGKILL (its whole group), and wait until it is reaped.

        An app that never had input has nothing to save and goes straight to SIGTERM. Safe to call more
        than once. If this is cancelled half-way, the group is killed before the cancellation goes on.
        """
        if self.ended:
            return
        self.ending = True
        process = self._process
        try:
            with contextlib.suppress(Exception):
                await self._download_manager.cancel_app_downloads(app_service_id=self.app_service_id)
            if process is not None:
                await self._end_process(process)
            task = self._task
            if task is not None and not task.done():
                # The process is gone, so its output ends; a task stuck sending to a browser that never
                # reads is cancelled rather than waited for.
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(asyncio.shield(task), CLOSE_WAIT)
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
            self.ended = True
        except BaseException:
            self.kill_now()
            raise

    async def _end_process(self, process: Process) -> None:
        steps: list[tuple[signal.Signals | None, float]] = [
            (signal.SIGTERM, TERM_GRACE), (signal.SIGKILL, KILL_WAIT)]
        if self.had_input and self._stdin is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.send_meta({"type": "quit"}), 1.0)
            steps.insert(0, (None, QUIT_GRACE))
        for sig, wait in steps:
            if process.returncode is not None:
                break
            if sig is not None:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(process.pid, sig)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(process.wait(), wait)
        if process.returncode is None:
            log.error("app process %d did not end after SIGKILL", process.pid)
        if self._stdin is not None:
            with contextlib.suppress(Exception):
                self._stdin.close()


def _size(value: Any, default: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):  # OverflowError: JSON's Infinity
        return default
    return max(1, min(_SIZE_LIMIT, number))


class _Malformed(Exception):
    """A websocket message callsim does not understand."""


class Session:
    """One browser websocket and the app process behind it."""

    def __init__(self, sessions: Sessions, request: web.Request) -> None:
        self.sessions = sessions
        self.request = request
        self.websocket = web.WebSocketResponse(heartbeat=HEARTBEAT, max_msg_size=MAX_MESSAGE_BYTES)
        self.app: AppProcess | None = None
        self.stop = asyncio.Event()  # set by the server when it stops
        self.app_exited = asyncio.Event()  # the app said it is exiting (the trainee quit)
        self.last_input = asyncio.get_running_loop().time()

    async def run(self) -> None:
        """Serve the browser until one of the ways a session ends, then end it (see the module's doc)."""
        try:
            await self.websocket.prepare(self.request)
        except Exception:  # the browser went before the handshake ended: nothing started
            return
        try:
            code, reason = await self._serve()
        except asyncio.CancelledError:
            await self._finish(WSCloseCode.GOING_AWAY, STOPPED)
            raise
        except Exception:  # whatever went wrong, the app must still end
            log.exception("a session failed")
            code, reason = WSCloseCode.INTERNAL_ERROR, "Session ended: callsim hit an error (see the server's log)."
        await self._finish(code, reason)

    async def _serve(self) -> tuple[int, str]:
        query = self.request.query
        app = self.app = AppProcess(
            self.sessions.command, send_bytes=self.websocket.send_bytes, send_str=self.websocket.send_str,
            on_exit=self.app_exited.set, download_manager=self.sessions.download_manager)
        await app.start(_size(query.get("width"), 80), _size(query.get("height"), 24))
        waits: dict[asyncio.Future[Any], str] = {
            asyncio.ensure_future(self._read()): "read",
            asyncio.ensure_future(self.stop.wait()): "stop",
            asyncio.ensure_future(self.app_exited.wait()): "exit",
        }
        if app.output_task is not None:
            waits[app.output_task] = "exit"
        if self.sessions.idle_timeout is not None:
            waits[asyncio.ensure_future(self._idle())] = "idle"
        try:
            done, _ = await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for future in waits:
                if future is not app.output_task:
                    future.cancel()
        first = next(iter(done))
        why = waits[first]
        if why == "read":
            result = first.result()
            return result if result is not None else (WSCloseCode.OK, "")
        if why == "stop":
            return WSCloseCode.GOING_AWAY, STOPPED
        if why == "idle":
            return WSCloseCode.OK, f"Session ended: no input for {self.sessions.idle_words}. Restart to begin again."
        return WSCloseCode.OK, ""  # the app exited: the trainee quit

    async def _read(self) -> tuple[int, str] | None:
        """Pass the browser's messages to the app; None when the browser closed, else why to close."""
        app = self.app
        assert app is not None
        async for message in self.websocket:
            if message.type == WSMsgType.ERROR:  # e.g. over MAX_MESSAGE_BYTES: aiohttp has closed it (1009)
                return None
            try:
                if message.type != WSMsgType.TEXT:
                    raise _Malformed
                kind, data = self._parse(message.data)
            except _Malformed:
                return WSCloseCode.UNSUPPORTED_DATA, MALFORMED
            if kind == "stdin":
                self.last_input = asyncio.get_running_loop().time()
                if not await app.send_input(data):
                    return WSCloseCode.INTERNAL_ERROR, "Session ended: the app stopped taking input."
            elif kind == "resize":
                await app.set_terminal_size(_size(data.get("width"), 80), _size(data.get("height"), 24))
            elif kind == "ping":
                await self.websocket.send_json(["pong", data])
            elif kind == "blur":
                await app.blur()
            elif kind == "focus":
                await app.focus()
        return None

    @staticmethod
    def _parse(text: str) -> tuple[str, Any]:
        """``["stdin", "keys"]``, ``["resize", {"width": w, "height": h}]``, ``["ping", s]``, ``["focus"]``..."""
        try:
            envelope = json.loads(text)
        except (ValueError, RecursionError):  # RecursionError: "[[[[...": nested too deep to parse
            raise _Malformed from None
        if not isinstance(envelope, list) or not envelope or not isinstance(envelope[0], str):
            raise _Malformed
        kind, data = envelope[0], envelope[1] if len(envelope) > 1 else None
        if kind in ("stdin", "ping") and not isinstance(data, str):
            raise _Malformed
        if kind == "resize" and not isinstance(data, dict):
            raise _Malformed
        return kind, data  # an unknown kind is ignored, as textual-serve does

    async def _idle(self) -> None:
        timeout = self.sessions.idle_timeout
        assert timeout is not None
        loop = asyncio.get_running_loop()
        while (left := self.last_input + timeout - loop.time()) > 0:
            await asyncio.sleep(left)

    async def _finish(self, code: int, reason: str) -> None:
        """Close the websocket (saying why) and end the app, whatever happens meanwhile."""
        try:
            if not self.websocket.closed and self.websocket.prepared:
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(self.websocket.close(code=code, message=reason.encode("utf-8")),
                                           CLOSE_WAIT)
        finally:
            if self.app is not None:
                await self.app.end()


class Sessions:
    """The server's sessions: the cap, the idle timeout, and ending them all when the server stops."""

    def __init__(self, command: str, download_manager: DownloadManager, *, max_sessions: int,
                 idle_timeout: float | None) -> None:
        self.command = command
        self.download_manager = download_manager
        self.max_sessions = max_sessions
        self.idle_timeout = idle_timeout  # seconds, or None for never
        self.active: set[Session] = set()
        self.stopping = False
        textual_serve_log = logging.getLogger("textual-serve")
        if not any(isinstance(f, _QuietWhenEnded) for f in textual_serve_log.filters):
            textual_serve_log.addFilter(_QuietWhenEnded())

    @property
    def idle_words(self) -> str:
        seconds = self.idle_timeout or 0
        if seconds >= 60:
            minutes = seconds / 60
            return f"{minutes:g} minute{'s' if minutes != 1 else ''}"
        return f"{seconds:g} seconds"

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        """The websocket route: a session, or a clear refusal when the server is full or stopping."""
        if self.stopping or len(self.active) >= self.max_sessions:
            websocket = web.WebSocketResponse(max_msg_size=MAX_MESSAGE_BYTES)
            if self.stopping:
                code, reason = WSCloseCode.GOING_AWAY, "The callsim server is stopping."
            else:
                code, reason = WSCloseCode.TRY_AGAIN_LATER, (
                    f"callsim is full: {self.max_sessions} sessions are open. Try again in a few minutes.")
            with contextlib.suppress(Exception):  # a client gone mid-handshake needs no answer
                await websocket.prepare(request)
                await asyncio.wait_for(websocket.close(code=code, message=reason.encode("utf-8")), CLOSE_WAIT)
            return websocket
        session = Session(self, request)
        self.active.add(session)  # before any await, so the cap cannot be overrun
        try:
            await session.run()
        finally:
            self.active.discard(session)
        return session.websocket

    async def stop_all(self, wait: float = QUIT_GRACE + TERM_GRACE + KILL_WAIT + CLOSE_WAIT) -> None:
        """End every session (their apps reaped) and refuse new ones; SIGKILL any still there after ``wait``."""
        self.stopping = True
        for session in list(self.active):
            session.stop.set()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait
        while self.active and loop.time() < deadline:
            await asyncio.sleep(0.05)
        self.kill_all()

    def kill_all(self) -> None:
        """SIGKILL every app still running (the last resort as the server exits)."""
        for session in list(self.active):
            if session.app is not None:
                session.app.kill_now()
