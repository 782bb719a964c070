#!/usr/bin/env python3
"""cpu.py N CMD... : runs CMD N times (stdout to /dev/null), prints min/median CPU (user+sys) and wall"""
import os, sys, time, statistics
n = int(sys.argv[1]); cmd = sys.argv[2:]
cpus, walls = [], []
for i in range(n):
    t0 = time.monotonic()
    pid = os.fork()
    if pid == 0:
        fd = os.open('/dev/null', os.O_WRONLY); os.dup2(fd, 1); os.dup2(fd, 2)
        os.execvp(cmd[0], cmd)
    _, status, ru = os.wait4(pid, 0)
    walls.append(time.monotonic() - t0); cpus.append(ru.ru_utime + ru.ru_stime)
print(f"cpu min {min(cpus)*1e3:.1f} ms median {statistics.median(cpus)*1e3:.1f} ms; wall min {min(walls)*1e3:.1f} median {statistics.median(walls)*1e3:.1f} ms ({n} runs)")
