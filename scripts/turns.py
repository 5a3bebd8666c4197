#!/usr/bin/env python3
"""Fresh builds by several tools, taking turns; for scripts/bench-output.sh.

hyperfine times all of one command's runs, then all of the next's: on this
shared host, whose speed drifts by tens of per cent within minutes, a drift
lands on one tool and not the others, and a ratio of two tools' times moves
with it. Here the tools take turns, the order reversed every other round, so
every tool sees the same host; one round first is a warm-up, not counted.
Each tool's output folder is removed before each of its builds, and the last
build's is left in place.

Usage: scripts/turns.py ROUNDS NAME OUT COMMAND [NAME OUT COMMAND ...]
  ROUNDS   builds per tool, counted
  NAME     the tool's name in the report
  OUT      the folder its build writes, removed before each build
  COMMAND  the build, one shell word list (split with shlex)

Prints one line per tool: NAME, then the median wall time and the mean user
and system CPU time of its builds, in seconds (hyperfine's median, user and
system, as bench-output.sh reads them).
"""

import os
import shlex
import shutil
import statistics
import subprocess
import sys
import time


def main() -> None:
    args = sys.argv[1:]
    if len(args) < 4 or (len(args) - 1) % 3:
        sys.exit(__doc__)
    rounds = int(args[0])
    tools = [
        (args[i], args[i + 1], shlex.split(args[i + 2])) for i in range(1, len(args), 3)
    ]
    runs: dict[str, list[tuple[float, float, float]]] = {name: [] for name, _, _ in tools}
    for turn in range(rounds + 1):
        for name, out, argv in tools if turn % 2 == 0 else tools[::-1]:
            shutil.rmtree(out, ignore_errors=True)
            start = time.perf_counter()
            child = subprocess.Popen(argv, stdout=subprocess.DEVNULL)
            _, status, usage = os.wait4(child.pid, 0)
            wall = time.perf_counter() - start
            if os.waitstatus_to_exitcode(status) != 0:
                sys.exit(f"{name} failed: {shlex.join(argv)}")
            if turn > 0:
                runs[name].append((wall, usage.ru_utime, usage.ru_stime))
    for name, _, _ in tools:
        walls, users, systems = zip(*runs[name])
        print(
            name,
            f"{statistics.median(walls):.6f}",
            f"{statistics.mean(users):.6f}",
            f"{statistics.mean(systems):.6f}",
        )


if __name__ == "__main__":
    main()
