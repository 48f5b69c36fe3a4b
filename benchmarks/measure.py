"""Timing one process at a time: wall-clock seconds and its own peak memory (from wait4), a
terminal app's first paint through a pseudo-terminal, and HTTP requests to a local server."""

from __future__ import annotations

import contextlib
import os
import pty
import select
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass


@dataclass
class Run:
    seconds: float
    peak_mb: float
    returncode: int
    stdout: str
    stderr: str
    cpu_seconds: float = 0.0  # user + system time of the process: what contention does not inflate

    @property
    def ok(self) -> bool:
        return self.returncode == 0


def _peak_mb(rusage) -> float:
    return rusage.ru_maxrss / 1024  # Linux reports kilobytes


LAUNCH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "launch.py")


def launched(argv: list[str], report: str) -> list[str]:
    """`argv` started by the small launcher, so that its peak memory is its own (see launch.py)."""
    return [sys.executable, "-S", LAUNCH, report, *argv]


def _usage(report: str, rusage, seconds: float) -> tuple[float, float, float]:
    """The command's (seconds, peak MB, CPU seconds) as the launcher wrote them; failing that (the
    launcher was killed), the launcher's own figures, an upper bound."""
    try:
        with open(report) as written:
            wall, peak_kb, cpu = (float(word) for word in written.read().split())
        return wall, peak_kb / 1024, cpu
    except (OSError, ValueError):
        return seconds, _peak_mb(rusage), rusage.ru_utime + rusage.ru_stime


def _end(pid: int, first: int = signal.SIGTERM, grace: float = 5):
    """Stop a launched command's process group (`first`, then SIGKILL); the launcher's rusage."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, first)  # the launcher passes it on and reports
    deadline = time.perf_counter() + grace
    done = 0
    while not done and time.perf_counter() < deadline:
        done, status, rusage = os.wait4(pid, os.WNOHANG)
        time.sleep(0.02)
    with contextlib.suppress(ProcessLookupError):  # and whatever the command started (a group's id
        os.killpg(pid, signal.SIGKILL)  # is not reused while it has members)
    if not done:
        _done, status, rusage = os.wait4(pid, 0)
    return status, rusage


def run(argv: list[str], *, timeout: float = 600, env: dict | None = None,
                 stdout_path: str | None = None) -> Run:
    """Run `argv` to the end: its wall-clock time and the peak resident memory of that process
    alone (through the launcher). Output goes to files, not pipes, so a large output cannot block it."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.TemporaryDirectory() as scratch, contextlib.ExitStack() as stack:
        report = os.path.join(scratch, "usage")
        target = stack.enter_context(open(stdout_path, "wb")) if stdout_path else out
        started = time.perf_counter()
        process = subprocess.Popen(launched(argv, report), stdout=target, stderr=err, env=env,
                                   start_new_session=True)
        deadline = started + timeout
        status, rusage, timed_out = None, None, False
        while True:
            pid, status, rusage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                status, rusage = _end(process.pid)
                timed_out = True
                break
            time.sleep(0.002)
        seconds, peak, cpu = _usage(report, rusage, time.perf_counter() - started)
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stderr = err.read().decode(errors="replace")
        if timed_out:
            stderr += f"\ntimed out after {timeout:.0f} s"
        return Run(seconds, peak, -9 if timed_out else process.returncode,
                   out.read().decode(errors="replace"), stderr, cpu)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, timeout: float) -> bool:
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return True
        time.sleep(0.05)
    return False


@dataclass
class Response:
    status: int
    seconds: float
    etag: str | None
    size: int
    events: int = 0  # VEVENTs in the body


def get(url: str, headers: dict | None = None, timeout: float = 300) -> Response:
    request = urllib.request.Request(url, headers=headers or {})
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            body = answer.read()
            seconds = time.perf_counter() - started
            return Response(answer.status, seconds, answer.headers.get("ETag"), len(body), body.count(b"BEGIN:VEVENT"))
    except urllib.error.HTTPError as error:
        error.read()
        return Response(error.code, time.perf_counter() - started, error.headers.get("ETag"), 0)


@dataclass
class Server:
    process: subprocess.Popen
    report: str  # where the launcher writes the server's usage when it stops


def start(argv: list[str]) -> Server:
    """Start a server through the launcher, its output discarded."""
    report = os.path.join(tempfile.mkdtemp(prefix="ct-bench-usage-"), "usage")
    process = subprocess.Popen(launched(argv, report), stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    return Server(process, report)


def stop(server: Server, timeout: float = 10) -> float:
    """Stop a server politely (SIGINT, as Ctrl+C), then firmly; its peak memory in MB."""
    status, rusage = _end(server.process.pid, signal.SIGINT, timeout)
    server.process.returncode = os.waitstatus_to_exitcode(status)
    _seconds, peak, _cpu = _usage(server.report, rusage, 0.0)
    shutil.rmtree(os.path.dirname(server.report), ignore_errors=True)
    return peak


@dataclass
class Paint:
    seconds: float | None  # None: the text never appeared
    peak_mb: float
    full_screen: bool  # the program switched to the alternate screen, as a Textual app does
    note: str = ""


def first_paint(argv: list[str], *, expect: bytes, size: tuple[int, int] = (120, 40), timeout: float = 60,
                quit_keys: bytes = b"\x11", env: dict | None = None) -> Paint:
    """Start `argv` on a pseudo-terminal of `size` (no display needed) and time until `expect`
    first appears on its screen after it switched to the alternate screen; then quit it."""
    import fcntl
    import termios

    report = os.path.join(tempfile.mkdtemp(prefix="ct-bench-usage-"), "usage")
    argv = launched(argv, report)
    pid, fd = pty.fork()
    if pid == 0:  # the child: become the launcher, and it the program
        os.execvpe(argv[0], argv, {**(env or os.environ), "TERM": "xterm-256color",
                                   "COLUMNS": str(size[0]), "LINES": str(size[1])})
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], 0, 0))
    started = time.perf_counter()
    seen, seconds, full_screen, exited = b"", None, False, None
    while time.perf_counter() - started < timeout:
        ready, _, _ = select.select([fd], [], [], 0.05)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                chunk = b""
            if not chunk:
                break
            seen += chunk
            if not full_screen and b"\x1b[?1049h" in seen:
                full_screen = True
                seen = seen[seen.index(b"\x1b[?1049h"):]
            if full_screen and expect in seen:
                seconds = time.perf_counter() - started
                break
            seen = seen[-65536:]
        done, _status, rusage = os.wait4(pid, os.WNOHANG)
        if done:
            exited = rusage
            break
    if exited is None:
        os.write(fd, quit_keys)
        end = time.perf_counter() + 5
        while time.perf_counter() < end:
            done, _status, rusage = os.wait4(pid, os.WNOHANG)
            if done:
                exited = rusage
                break
            try:  # keep draining so the app is not blocked writing
                if select.select([fd], [], [], 0.05)[0]:
                    os.read(fd, 65536)
            except OSError:
                pass
        if exited is None:
            os.killpg(pid, signal.SIGKILL)  # pty.fork made the child a session and group leader
            _done, _status, exited = os.wait4(pid, 0)
    os.close(fd)
    _wall, peak, _cpu = _usage(report, exited, 0.0)
    shutil.rmtree(os.path.dirname(report), ignore_errors=True)
    note = "" if seconds is not None else ("no full-screen app" if not full_screen else "timed out")
    return Paint(seconds, peak, full_screen, note)
