#!/usr/bin/env python3
"""peers.py - verbatim against the sentiment tools users would otherwise run, on one file.

Each tool scores every text of the same file; the tools take turns (verbatim, peer A, peer B,
..., then again) so that the machine's drift (this machine is shared; its speed wanders by up
to 1.5x) hits all of them alike, and the ratios of one run are the figures to quote.

Peers (installed by the user; a peer that is not installed is reported and skipped):
  npm-sentiment    the npm package `sentiment` (AFINN-165 word list, no negation)
  npm-vader        the npm package `vader-sentiment` (a JavaScript port of VADER)
  python-vader     vaderSentiment from its public repository (github.com/cjhutto/vaderSentiment):
                   `pip install vaderSentiment` or a checkout on PYTHONPATH

  mkdir -p ~/peers && cd ~/peers && npm init -y && npm install sentiment vader-sentiment
  python3 bench/peers.py --node-modules ~/peers/node_modules --verbatim build/src/verbatim \\
      bench/data/bench-en-5M.jsonl

Input: JSONL with a "text" field, or plain text with one document per line. Each peer reads
the texts from a plain file (one per line) and writes one score per line to /dev/null-like
sinks, so every tool does the same work: read, score, write. verbatim runs `annotate` on the
original file (-j 1, and the default of one worker per core) with the language given.

Reported per tool: the best wall time over --rounds, CPU time of that run, MB/s of text, and
the ratio of verbatim's speed to the peer's (above 1: verbatim is faster), by wall time and by
CPU time (on a busy machine the CPU ratio is the steadier one). verbatim's times include
loading its model (about 60 ms of CPU) and finding themes, which no peer does.
"""
import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time

NODE_SENTIMENT = r"""
const Sentiment = require(process.argv[2] + '/sentiment');
const s = new Sentiment();
const fs = require('fs');
const lines = fs.readFileSync(process.argv[3], 'utf8').split('\n');
const out = [];
for (const l of lines) if (l.length) out.push(String(s.analyze(l).comparative));
fs.writeFileSync('/dev/null', out.join('\n'));
"""

NODE_VADER = r"""
const vader = require(process.argv[2] + '/vader-sentiment');
const fs = require('fs');
const lines = fs.readFileSync(process.argv[3], 'utf8').split('\n');
const out = [];
for (const l of lines)
  if (l.length) out.push(String(vader.SentimentIntensityAnalyzer.polarity_scores(l).compound));
fs.writeFileSync('/dev/null', out.join('\n'));
"""

PY_VADER = r"""
import sys
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
a = SentimentIntensityAnalyzer()
with open(sys.argv[1], encoding='utf-8') as f, open('/dev/null', 'w') as out:
    for line in f:
        line = line.rstrip('\n')
        if line:
            out.write('%s\n' % a.polarity_scores(line)['compound'])
"""


def texts_of(path):
    """The texts of a JSONL or plain-text file, one per element, newlines folded to spaces."""
    texts = []
    with open(path, encoding='utf-8', errors='replace') as f:
        for line in f:
            line = line.rstrip('\n')
            if not line:
                continue
            if line.startswith('{'):
                try:
                    t = json.loads(line).get('text')
                except ValueError:
                    t = None
                if isinstance(t, str):
                    texts.append(t.replace('\n', ' ').replace('\r', ' '))
            else:
                texts.append(line)
    return texts


def run(cmd):
    """Wall and CPU seconds of one run of cmd (stdout discarded); raises on failure."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.monotonic() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if p.returncode != 0:
        raise RuntimeError('%s failed (%d): %s' % (cmd[0], p.returncode,
                                                   p.stderr.decode(errors='replace')[-300:]))
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('file', help='JSONL (with a "text" field) or plain text, one document a line')
    ap.add_argument('--verbatim', default='build/src/verbatim', help='the verbatim binary')
    ap.add_argument('--lang', default='en', help='language given to verbatim (default en)')
    ap.add_argument('--node-modules', help='node_modules holding sentiment and vader-sentiment')
    ap.add_argument('--rounds', type=int, default=3, help='turns per tool (default 3)')
    args = ap.parse_args()

    texts = texts_of(args.file)
    if not texts:
        sys.exit('peers.py: no texts in %s' % args.file)
    mb = sum(len(t.encode('utf-8')) for t in texts) / 1e6
    work = tempfile.mkdtemp(prefix='vb-peers-')
    try:
        plain = os.path.join(work, 'texts.txt')
        with open(plain, 'w', encoding='utf-8') as f:
            f.write('\n'.join(texts) + '\n')
        tools = []
        fmt = ['--input-format', 'txt'] if not open(args.file, 'rb').read(1) == b'{' else []
        for j in ('1', str(os.cpu_count() or 1)):
            tools.append(('verbatim -j %s' % j,
                          [args.verbatim, 'annotate', '-q', '-j', j, '--lang', args.lang] + fmt +
                          [args.file]))
        node = shutil.which('node') or shutil.which('nodejs')
        skipped = []
        for name, script, pkg in (('npm-sentiment', NODE_SENTIMENT, 'sentiment'),
                                  ('npm-vader', NODE_VADER, 'vader-sentiment')):
            if not node or not args.node_modules or \
                    not os.path.isdir(os.path.join(args.node_modules, pkg)):
                skipped.append('%s (node and --node-modules with %s needed)' % (name, pkg))
                continue
            js = os.path.join(work, name + '.js')
            with open(js, 'w') as f:
                f.write(script)
            tools.append((name, [node, js, os.path.abspath(args.node_modules), plain]))
        if subprocess.run([sys.executable, '-c', 'import vaderSentiment'],
                          stderr=subprocess.DEVNULL).returncode == 0:
            py = os.path.join(work, 'vader.py')
            with open(py, 'w') as f:
                f.write(PY_VADER)
            tools.append(('python-vader', [sys.executable, py, plain]))
        else:
            skipped.append('python-vader (vaderSentiment not importable)')

        best = {}
        for r in range(args.rounds):
            for name, cmd in tools:
                wall, cpu = run(cmd)
                print('peers.py: round %d %-16s %.2f s wall, %.2f s CPU' % (r + 1, name, wall, cpu),
                      file=sys.stderr)
                if name not in best or wall < best[name][0]:
                    best[name] = (wall, cpu)

        print('%d texts, %.1f MB of text, from %s; best of %d alternating rounds\n'
              % (len(texts), mb, args.file, args.rounds))
        print('| tool | seconds | CPU s | MB/s | MB per CPU s | verbatim -j 1 faster by (wall) '
              '| (CPU) |')
        print('|---|---:|---:|---:|---:|---:|---:|')
        ref_wall, ref_cpu = best['verbatim -j 1']
        for name, _ in tools:
            wall, cpu = best[name]
            peer = not name.startswith('verbatim')
            print('| %s | %.2f | %.2f | %.1f | %.1f | %s | %s |'
                  % (name, wall, cpu, mb / wall, mb / cpu if cpu > 0 else 0.0,
                     '%.2fx' % (wall / ref_wall) if peer else '-',
                     '%.2fx' % (cpu / ref_cpu) if peer and ref_cpu > 0 else '-'))
        for s in skipped:
            print('\nskipped: %s' % s)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == '__main__':
    main()
