#!/bin/sh
# A stream gets each result as soon as its record has arrived: annotate reading a pipe writes
# out the result of a record before the next record is sent (a social-listening job that
# pipes mentions in as they come must not wait for a full batch or for the end of the input).
# The test sends one record, waits for its result (failing after 20 s, which only a reader that
# holds the record back takes), then sends the rest and checks the whole output, in order. It
# measures no speed. JSONL, CSV and plain text; one and two workers.
# BINARY SOURCE_DIR WORK_DIR
bin=$1 src=$2 work=$3
command -v python3 >/dev/null 2>&1 || { echo "SKIP: no python3"; exit 77; }
rm -rf "$work" && mkdir -p "$work" || exit 99
exec python3 - "$bin" <<'EOF'
import os, select, subprocess, sys

binary = sys.argv[1]
cases = [
    ('jsonl', '', ['{"id":"a","text":"The parcel came two weeks late."}\n',
                   '{"id":"b","text":"Leveransen var snabb och personalen trevlig."}\n',
                   '{"id":"c","text":"Pakken kom aldrig frem."}\n']),
    ('csv', 'id,text\n', ['a,"The parcel came two weeks late, again."\n',
                          'b,Leveransen var snabb och personalen trevlig.\n',
                          'c,Pakken kom aldrig frem.\n']),
    ('txt', '', ['The parcel came two weeks late.\n',
                 'Leveransen var snabb och personalen trevlig.\n',
                 'Pakken kom aldrig frem.\n']),
]
fails = 0


def read_line(proc, timeout):
    """One line of the child's output, or None when none comes within `timeout` seconds."""
    buf = b''
    while not buf.endswith(b'\n'):
        ready, _, _ = select.select([proc.stdout], [], [], timeout)
        if not ready:
            return None
        c = os.read(proc.stdout.fileno(), 1)
        if not c:
            return None
        buf += c
    return buf.decode()


for fmt, header, records in cases:
    for jobs in ('1', '2'):
        args = [binary, 'annotate', '-', '--input-format', fmt, '--format', 'tsv', '-q',
                '-j', jobs]
        proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        proc.stdin.write((header + records[0]).encode())
        proc.stdin.flush()
        head = read_line(proc, 20)
        first = read_line(proc, 20) if head is not None else None
        name = '%s -j %s' % (fmt, jobs)
        if first is None:
            print('FAIL: %s: no result for the first record while the input stayed open' % name)
            fails += 1
            proc.kill()
            proc.wait()
            continue
        proc.stdin.write(''.join(records[1:]).encode())
        proc.stdin.close()
        rest = proc.stdout.read().decode()
        code = proc.wait()
        lines = [first] + rest.splitlines(True)
        ids = [l.split('\t')[0] for l in lines]
        want = ['a', 'b', 'c'] if fmt != 'txt' else ['1', '2', '3']
        if code != 0 or ids != want or not head.startswith('id\tlang'):
            print('FAIL: %s: exit %d, ids %s (want %s), header %r' % (name, code, ids, want, head))
            fails += 1
        elif first.split('\t')[3] != 'negative':
            print('FAIL: %s: the first record is not negative: %r' % (name, first))
            fails += 1
        else:
            print('ok: %s' % name)
sys.exit(1 if fails else 0)
EOF
