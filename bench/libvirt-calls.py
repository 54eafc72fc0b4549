#!/usr/bin/env python3
"""Counts and times the plugin's libvirt calls per bench phase, from the log BENCH_LIBVIRT_LOG=PATH makes.

Usage: bench/libvirt-calls.py PATH MACHINES. A call is named by the last libvirt API entry logged on its thread
before its RPC went out; its time runs from the RPC's creation to its answer on that thread, so it includes
waiting behind other requests on the same connection.
"""
import re
import sys
from collections import defaultdict
from datetime import datetime

LINE = re.compile(r"^(\S+ \S+)\+0000: (\d+): debug : (\w+):\d+ : (.*)$")


def stamp(text):
    return datetime.strptime(text, "%Y-%m-%d %H:%M:%S.%f").timestamp() * 1000


def main(path, machines):
    phase = "start"
    api = {}
    started = {}
    calls = defaultdict(lambda: defaultdict(lambda: [0, 0.0]))
    for line in open(path, errors="replace"):
        if line.startswith("bench-phase: "):
            phase = line.split(": ", 1)[1].strip()
            continue
        match = LINE.match(line)
        if not match:
            continue
        when, thread, function, message = match.groups()
        if not function.startswith("virNet"):
            api[thread] = function
        elif function == "virNetClientCallNew":
            call = message.split()[2].rstrip(":")
            started[call] = (stamp(when), api.get(thread, "?"))
        elif function == "virNetClientIO" and message.startswith("All done with our call"):
            call = re.search(r"call=(\S+)", message).group(1)
            if call in started:
                began, name = started.pop(call)
                calls[phase][name][0] += 1
                calls[phase][name][1] += stamp(when) - began
    for phase, names in calls.items():
        print(f"\n{phase}: {sum(c for c, _ in names.values()) / machines:.1f} calls per machine\n")
        print("| call | per machine | total ms |")
        print("| --- | --- | --- |")
        for name, (count, total) in sorted(names.items(), key=lambda item: -item[1][1]):
            print(f"| {name} | {count / machines:.2f} | {total:.0f} |")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
