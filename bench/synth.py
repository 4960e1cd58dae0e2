"""Synth of several configs, as users run it: one table of wall time, peak RSS and what was written.

usage: python3 bench/synth.py RUNS WORK CASE...
  CASE is LABEL|ROOT|CONFIG[|PRELOAD]: the app ROOT/main.ts run by node (node --require tsx/cjs, as
  `npm run synth` and cdktf.json's "app" run it) with RDS_PRIVATELINK_CONFIG=CONFIG, or with no
  config set (the embedded demo) when CONFIG is empty; PRELOAD, when given, is a script required
  after tsx. Each case runs in its own folder under WORK.

Every case runs once to warm up (the failover bundle's cache, the file cache), then RUNS times,
the cases taking turns, so that a change in the machine's load falls on all of them alike.
Not a test: it prints numbers and asserts nothing.
"""
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time


def run_once(command, cwd, env, stderr_path):
    """One run: wall seconds, CPU seconds (user + system), peak RSS in MB (ru_maxrss of the child), exit code."""
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        os.chdir(cwd)
        devnull = os.open(os.devnull, os.O_WRONLY)
        err = os.open(stderr_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        os.dup2(devnull, 1)
        os.dup2(err, 2)
        os.execvpe(command[0], command, env)
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - start
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def written(outdir):
    """Stacks, resources, data sources and outputs in cdktf.out, and its size in bytes."""
    stacks = resources = data = outputs = 0
    stacks_dir = os.path.join(outdir, "stacks")
    for name in sorted(os.listdir(stacks_dir)):
        with open(os.path.join(stacks_dir, name, "cdk.tf.json")) as f:
            tf = json.load(f)
        stacks += 1
        resources += sum(len(v) for v in tf.get("resource", {}).values())
        data += sum(len(v) for v in tf.get("data", {}).values())
        outputs += len(tf.get("output", {}))
    size = sum(os.path.getsize(os.path.join(d, f)) for d, _, files in os.walk(outdir) for f in files)
    return stacks, resources, data, outputs, size


def error_line(stderr_path):
    """The line that says why a run failed: the first 'Error:' line, else the last line."""
    with open(stderr_path, errors="replace") as f:
        lines = [l.strip() for l in f if l.strip() and not l.startswith("note:")]
    for line in lines:
        if re.match(r"^\w*Error: ", line):
            return line
    return lines[-1] if lines else "(no output)"


def main():
    runs, work, specs = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
    tsx = subprocess.run(["node", "-p", 'require.resolve("tsx/cjs")'], capture_output=True, text=True, check=True).stdout.strip()
    cases = []
    for i, spec in enumerate(specs):
        label, root, config, *preload = spec.split("|")
        env = {k: v for k, v in os.environ.items() if k not in ("RDS_PRIVATELINK_CONFIG", "CDKTF_OUTDIR")}
        if config:
            env["RDS_PRIVATELINK_CONFIG"] = config
        cwd = os.path.join(work, f"case{i}")
        os.makedirs(cwd, exist_ok=True)
        cases.append({"label": label, "cwd": cwd, "env": env, "command": ["node", "--require", tsx, *[a for p in preload for a in ("--require", p)], os.path.join(root, "main.ts")],
                      "times": [], "cpu": [], "peaks": [], "codes": set(), "err": os.path.join(cwd, "stderr.txt")})

    load_before = os.getloadavg()
    for round_ in range(runs + 1):  # round 0 warms up and is not counted
        for case in cases:
            shutil.rmtree(os.path.join(case["cwd"], "cdktf.out"), ignore_errors=True)
            seconds, cpu, peak, code = run_once(case["command"], case["cwd"], case["env"], case["err"])
            if round_ == 0:
                continue
            case["times"].append(seconds)
            case["cpu"].append(cpu)
            case["peaks"].append(peak)
            case["codes"].add(code)
            if code != 0:
                case["error"] = error_line(case["err"])
    load_after = os.getloadavg()

    head = f"{'synth (node main.ts)':<40} {'median':>7} {'min-max':>13} {'CPU':>7} {'peak RSS':>9} {'stacks':>6} {'resources':>9} {'data':>5} {'outputs':>7} {'cdktf.out':>10}"
    print(head)
    notes = []
    for case in cases:
        t = case["times"]
        outdir = os.path.join(case["cwd"], "cdktf.out")
        counts = written(outdir) if os.path.isdir(os.path.join(outdir, "stacks")) else None
        mark = ""
        if case["codes"] != {0}:
            notes.append(f"{case['label']}: exit {sorted(case['codes'])}: {case['error']}")
            mark = f" [{len(notes)}]"
        cells = f"{counts[0]:>6} {counts[1]:>9} {counts[2]:>5} {counts[3]:>7} {counts[4] / 1024:>7.0f} KB" if counts else f"{'nothing written':>42}"
        print(f"{case['label'] + mark:<40} {statistics.median(t):>5.2f} s {min(t):>6.2f}-{max(t):<5.2f} s {statistics.median(case['cpu']):>5.2f} s {max(case['peaks']):>6.0f} MB {cells}")
    print(f"wall time: median and range of {runs} runs each after one warm-up run, cases taking turns; CPU: median user + system time")
    print("(less moved by other work on the machine than wall time); peak RSS: the highest of the runs")
    print(f"resources: managed resource blocks; data: data sources; load average {load_before[0]:.1f} before, {load_after[0]:.1f} after, {os.cpu_count()} CPUs")
    for i, note in enumerate(notes, 1):
        print(f"[{i}] {note} (the stacks were written before it failed; the figures are of that run)")


if __name__ == "__main__":
    main()
