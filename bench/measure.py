"""Runs a command several times; prints the median wall time and the peak RSS of its process tree.

usage: python3 bench/measure.py LABEL RUNS -- COMMAND...
"""
import os
import resource
import statistics
import subprocess
import sys
import time


def main() -> None:
    label, runs = sys.argv[1], int(sys.argv[2])
    command = sys.argv[sys.argv.index("--") + 1 :]
    times, peaks = [], []
    for _ in range(runs):
        pid_start = time.perf_counter()
        pid = os.fork()
        if pid == 0:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            os.dup2(devnull, 2)
            os.execvp(command[0], command)
        _, status, usage = os.wait4(pid, 0)
        times.append(time.perf_counter() - pid_start)
        peaks.append(usage.ru_maxrss / 1024)
        if os.waitstatus_to_exitcode(status) != 0:
            sys.exit(f"{label}: command failed: {' '.join(command)}")
    print(f"{label:<44} median {statistics.median(times):6.2f} s   peak RSS {max(peaks):7.1f} MB   ({runs} runs)")


if __name__ == "__main__":
    main()
