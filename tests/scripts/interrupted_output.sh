#!/bin/sh
# An interrupted run leaves nothing behind: annotate -o FILE writes a temporary file beside
# FILE and renames it at the end; Ctrl-C (SIGINT), SIGTERM and SIGHUP remove it, the target
# stays as it was (absent, or the old results), and the process dies of the signal. The run is
# held open by its input, a pipe that stays open until the signal has been sent.
# BINARY SOURCE_DIR WORK_DIR
bin=$1 src=$2 work=$3
command -v python3 >/dev/null 2>&1 || { echo "SKIP: no python3"; exit 77; }
rm -rf "$work" && mkdir -p "$work" || exit 99
exec python3 - "$bin" "$work" <<'EOF'
import glob, os, signal, subprocess, sys, time

binary, work = sys.argv[1], sys.argv[2]
fails = 0


def default_signals():
    # the child starts with the usual dispositions, whatever ran this test (a background job
    # of a shell without job control ignores SIGINT)
    for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(s, signal.SIG_DFL)


for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
    for old in (None, 'old results\n'):
        name = '%s (%s)' % (sig.name, 'old file' if old else 'no file')
        out = os.path.join(work, 'out-%s-%s.jsonl' % (sig.name, 'old' if old else 'new'))
        if old:
            with open(out, 'w') as f:
                f.write(old)
        proc = subprocess.Popen([binary, 'annotate', '-', '-q', '-o', out],
                                stdin=subprocess.PIPE, preexec_fn=default_signals)
        proc.stdin.write(b'{"id":"1","text":"The parcel came two weeks late."}\n')
        proc.stdin.flush()
        for _ in range(200):
            if glob.glob(out + '.tmp.*'):
                break
            time.sleep(0.1)
        if not glob.glob(out + '.tmp.*'):
            print('FAIL: %s: no temporary file appeared' % name)
            fails += 1
        proc.send_signal(sig)
        try:
            code = proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            code = proc.wait()
        proc.stdin.close()
        left = glob.glob(out + '.tmp.*')
        now = open(out).read() if os.path.exists(out) else None
        if code != -sig:
            print('FAIL: %s: exit %d, not the signal' % (name, code))
            fails += 1
        elif left:
            print('FAIL: %s: the temporary file was left: %s' % (name, left))
            fails += 1
        elif now != old:
            print('FAIL: %s: the target is now %r, was %r' % (name, now, old))
            fails += 1
        else:
            print('ok: %s' % name)
sys.exit(1 if fails else 0)
EOF
