#!/usr/bin/env python3
"""Fresh builds of one story by several explainer binaries, interleaved.

On a noisy shared host, two commands timed one after the other (hyperfine's
way) can differ by more than the change being measured. Here the binaries
take turns, the order reversed every other round, and each build goes into a
folder removed just before it, so every binary sees the same host.

Usage: scripts/ab.py ROUNDS STORY NAME=COMMAND [NAME=COMMAND ...]
  ROUNDS   builds per binary
  STORY    the story folder (`--root`)
  COMMAND  the binary, with an environment if wanted: "env VAR=1 /path/to/explainer"
  AB_OUT   where the builds go (default /dev/shm/ab-out, on tmpfs)

Prints the median, mean, first quartile and fastest wall time of each, in ms.
Example: scripts/ab.py 40 /dev/shm/M old=/tmp/explainer-old new=target/release/explainer
"""

import os
import shlex
import shutil
import statistics
import subprocess
import sys
import time


def main() -> None:
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    rounds, story = int(sys.argv[1]), sys.argv[2]
    commands = [arg.split("=", 1) for arg in sys.argv[3:]]
    out = os.environ.get("AB_OUT", "/dev/shm/ab-out")
    times: dict[str, list[float]] = {name: [] for name, _ in commands}
    for round in range(rounds):
        for name, command in commands if round % 2 == 0 else commands[::-1]:
            shutil.rmtree(out, ignore_errors=True)
            argv = shlex.split(command) + ["build", "--root", story, "--output", out]
            start = time.perf_counter()
            subprocess.run(argv, stdout=subprocess.DEVNULL, check=True)
            times[name].append(time.perf_counter() - start)
    shutil.rmtree(out, ignore_errors=True)
    for name, _ in commands:
        t = sorted(x * 1000 for x in times[name])
        print(
            f"{name:10s} median {statistics.median(t):7.1f}  mean {statistics.mean(t):7.1f}"
            f"  p25 {t[len(t) // 4]:7.1f}  min {t[0]:7.1f}"
        )


if __name__ == "__main__":
    main()
