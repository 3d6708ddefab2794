#!/usr/bin/env python3
"""Where the CPU went in a Java Flight Recording: the hottest methods by self samples, the hottest Numbat
methods (first dev.numbat frame on the stack), and a split by component. JDK 17's `jfr` has no `view`
command; this reads `jfr print --events jdk.ExecutionSample` instead.

usage: jfr-hot.py RECORDING.jfr [--top N] [--thread SUBSTRING]
"""
import argparse
import collections
import re
import subprocess
import sys

FRAME = re.compile(r"^\s+([\w$.<>/]+)\((.*?)\)\s+line:")

# Component of a frame, by the first matching prefix (order matters).
COMPONENTS = [
    ("org.apache.calcite", "Calcite (parse/plan)"),
    ("dev.numbat.plan", "Numbat planner"),
    ("dev.numbat.client.sql", "Numbat SQL front end"),
    ("dev.numbat.io.parquet", "Parquet reader"),
    ("org.apache.parquet", "Parquet reader"),
    ("org.apache.arrow.dataset", "Parquet reader"),
    ("dev.numbat.io", "other readers/writers"),
    ("dev.numbat.operators.join", "hash join"),
    ("dev.numbat.operators.aggregate", "hash aggregate"),
    ("dev.numbat.operators.sort", "sort / top-k"),
    ("dev.numbat.operators.project", "filter/project"),
    ("dev.numbat.operators", "other operators"),
    ("dev.numbat.core.expr", "expression evaluation"),
    ("dev.numbat.core.hash", "hashing"),
    ("dev.numbat.core.batch", "batch copy/gather"),
    ("dev.numbat.core.partition", "partitioning (exchange)"),
    ("dev.numbat.runtime", "runtime / exchanges"),
    ("org.apache.arrow", "Arrow vectors/memory"),
    ("io.netty", "Arrow memory (netty)"),
    ("java.", "JDK"),
    ("jdk.", "JDK"),
    ("sun.", "JDK"),
]


def component(frame):
    for prefix, name in COMPONENTS:
        if frame.startswith(prefix):
            return name
    return "other"


def samples(path, thread):
    out = subprocess.run(["jfr", "print", "--stack-depth", "128", "--events", "jdk.ExecutionSample", path],
                         check=True, capture_output=True, text=True).stdout
    stack, name, inside = [], "", False
    for line in out.splitlines():
        if line.startswith("jdk.ExecutionSample"):
            stack, name, inside = [], "", False
        elif "sampledThread" in line:
            name = line
        elif "stackTrace = [" in line:
            inside = True
        elif inside and line.strip() == "]":
            inside = False
            if stack and (thread is None or thread in name):
                yield stack
        elif inside:
            m = FRAME.match(line)
            if m:
                stack.append(m.group(1))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("recording")
    ap.add_argument("--top", type=int, default=15)
    ap.add_argument("--thread", help="only threads whose name contains this")
    a = ap.parse_args()
    self_counts = collections.Counter()
    numbat_counts = collections.Counter()
    by_component = collections.Counter()
    total = 0
    for stack in samples(a.recording, a.thread):
        total += 1
        self_counts[stack[0]] += 1
        first_numbat = next((f for f in stack if f.startswith("dev.numbat")), None)
        if first_numbat:
            numbat_counts[first_numbat] += 1
        # The component is that of the top frame, unless it is JDK/Arrow code called from a Numbat frame.
        comp = component(stack[0])
        if comp in ("JDK", "Arrow vectors/memory", "Arrow memory (netty)", "other") and first_numbat:
            comp = component(first_numbat)
        by_component[comp] += 1
    if total == 0:
        sys.exit("no execution samples")
    print(f"{total} samples")
    print("\nby component:")
    for k, v in by_component.most_common():
        print(f"  {100.0 * v / total:5.1f}%  {k}")
    print(f"\ntop {a.top} methods by self samples:")
    for k, v in self_counts.most_common(a.top):
        print(f"  {100.0 * v / total:5.1f}%  {k}")
    print(f"\ntop {a.top} Numbat methods (innermost Numbat frame):")
    for k, v in numbat_counts.most_common(a.top):
        print(f"  {100.0 * v / total:5.1f}%  {k}")


if __name__ == "__main__":
    main()
