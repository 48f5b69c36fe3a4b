"""Run one command as the child of this small process; write the child's own wall-clock seconds,
peak memory (kB) and CPU seconds to a file.

    python -S launch.py REPORT_FILE COMMAND [ARGS...]

Linux carries a process's peak resident memory across fork and exec, so a command started straight
from the runner (a few hundred MB by the national-scale runs) would report at least the runner's
peak: `--help` read 145 MB. Started from here, a command's peak is its own, or this launcher's few
MB if that is more. Standard library only, run without `site`, to stay small.
"""

import os
import signal
import sys
import time


def main() -> None:
    report, argv = sys.argv[1], sys.argv[2:]
    started = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        try:
            os.execvp(argv[0], argv)
        finally:
            os._exit(127)  # no such command
    for number in (signal.SIGINT, signal.SIGTERM):  # stopping the launcher stops the command
        signal.signal(number, lambda received, _frame: os.kill(pid, received))
    _pid, status, usage = os.wait4(pid, 0)
    seconds = time.perf_counter() - started
    with open(report, "w") as out:
        out.write(f"{seconds} {usage.ru_maxrss} {usage.ru_utime + usage.ru_stime}\n")
    code = os.waitstatus_to_exitcode(status)
    if code < 0:  # killed by a signal: end the same way, so the runner sees what the command did
        signal.signal(-code, signal.SIG_DFL)
        os.kill(os.getpid(), -code)
    sys.exit(code)


if __name__ == "__main__":
    main()
