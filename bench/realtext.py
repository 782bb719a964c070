#!/usr/bin/env python3
"""realtext.py - annotate's speed on real feedback, not only on vb_bench's generated corpus.

vb_bench generates its corpus by recombining the sentences of corpora/<lang>/survey.jsonl, so
20 MB of it holds only about 1,500 (en) to 2,400 (he) distinct words: after the first few
records every word form is in the analyzer's form cache. Real feedback keeps bringing new forms
(names, numbers, typos, rare words), and each new form is normalised, stemmed, looked up in
the lexicon and matched against the codebook once. This script measures annotate on the public
labelled sets in ../shared/corpora instead (measuring only: the texts are written to a
temporary folder, never into the project, and deleted afterwards):

    python3 bench/realtext.py [--corpora DIR] [--bench build-rel/bench/vb_bench] [--runs N]
                              [--lang en,sv,da,he] [--keep-files DIR]

For each language it writes the text fields of the sets below as JSONL ({"id","text"}, each
distinct text once), counts its distinct word forms beside those of vb_bench's corpus of the
same size, and runs vb_bench's CLI rows (annotate -j 1, -j 2, without the codebook) on it
with --reuse, then the same rows on vb_bench's own corpus of the same size. The files are
small (0.4-4 MB), so the model load (about 30 ms) is a larger share of each row than in
vb_bench's 20 MB rows, on both corpora alike: compare the two columns, and read the Danish
row (0.4 MB) as rough.
"""
import argparse
import csv
import glob
import json
import os
import re
import subprocess
import sys
import tempfile

SETS = {
    'en': ['en/twitter_us_airline_sentiment/tweets.label.tsv',
           'en/cfpb_complaints_sample/complaints_product.label.tsv',
           'en/vader_groundtruth/*.score.tsv',
           'en/amazon_alexa_reviews/alexa.score.tsv',
           'en/google_play_app_reviews_4class/*.label.tsv',
           'en/banking77_test/*.label.tsv'],
    'sv': ['sv/swedish_sentiment_reviews_timpal0l/swedish_sentiment_reviews.label.tsv',
           'sv/swe_sentiment_emoji_berggren2023/*.label.tsv',
           'sv/absabank_imm/*.score.tsv'],
    'da': ['da/political_comments_sentiment/*.score.tsv'],
    'he': ['he/hebert_ugc_sentiment_emotions/hebert_main.score.tsv',
           'he/hebrew_sentiment_amram2018/*.label.tsv'],
}
WORD = re.compile(r'\w+')


def write_jsonl(corpora, lang, path):
    """The distinct texts of the language's sets as JSONL; returns (records, distinct forms)."""
    csv.field_size_limit(1 << 30)
    seen, forms, n = set(), set(), 0
    with open(path, 'w', encoding='utf-8') as out:
        for pat in SETS[lang]:
            for f in sorted(glob.glob(os.path.join(corpora, pat))):
                with open(f, encoding='utf-8', newline='') as fh:
                    r = csv.reader(fh, delimiter='\t', quoting=csv.QUOTE_NONE)
                    head = next(r)
                    if 'text' not in head:
                        continue
                    ti = head.index('text')
                    for row in r:
                        if len(row) <= ti or not row[ti] or row[ti] in seen:
                            continue
                        seen.add(row[ti])
                        n += 1
                        forms.update(w.lower() for w in WORD.findall(row[ti]))
                        out.write(json.dumps({'id': str(n), 'text': row[ti]},
                                             ensure_ascii=False) + '\n')
    return n, len(forms)


def forms_of(path):
    forms = set()
    with open(path, encoding='utf-8') as f:
        for line in f:
            forms.update(w.lower() for w in WORD.findall(json.loads(line)['text']))
    return len(forms)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--corpora', default=os.path.join(here, '..', '..', 'shared', 'corpora'))
    ap.add_argument('--bench', default=os.path.join(here, '..', 'build-rel', 'bench', 'vb_bench'))
    ap.add_argument('--runs', type=int, default=5)
    ap.add_argument('--lang', default='en,sv,da,he')
    ap.add_argument('--keep-files', metavar='DIR',
                    help='write the JSONL files to DIR and keep them (for peers.py, say); '
                         'DIR must be outside the project: the texts are not ours to commit')
    a = ap.parse_args()
    if not os.path.isdir(a.corpora):
        sys.exit('realtext.py: no folder %s (--corpora)' % a.corpora)
    if not os.access(a.bench, os.X_OK):
        sys.exit('realtext.py: no vb_bench at %s (--bench; build it with -DCMAKE_BUILD_TYPE=Release)'
                 % a.bench)
    rows, notes = [], []
    if a.keep_files:
        root = os.path.realpath(os.path.join(here, '..'))
        if os.path.realpath(a.keep_files).startswith(root + os.sep):
            sys.exit('realtext.py: --keep-files must be outside the project (%s)' % root)
        os.makedirs(a.keep_files, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix='vb-real-') as tmpdir:
        tmp = a.keep_files or tmpdir
        for lang in a.lang.split(','):
            path = os.path.join(tmp, 'real-%s.jsonl' % lang)
            n, forms = write_jsonl(a.corpora, lang, path)
            size = os.path.getsize(path)
            gen = os.path.join(tmp, 'gen-%s.jsonl' % lang)
            subprocess.run([a.bench, '--lang', lang, '--size', str(size), '--out', gen,
                            '--generate-only', '--keep'], check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            notes.append('- %s: %d texts, %.2f MB, %d distinct word forms; vb_bench\'s corpus of the '
                         'same size: %d' % (lang, n, size / 1e6, forms, forms_of(gen)))
            for name, f in (('real', path), ('vb_bench corpus', gen)):
                out = subprocess.run([a.bench, '--lang', lang, '--out', f, '--reuse', '--keep',
                                      '--size', str(os.path.getsize(f)), '--runs', str(a.runs),
                                      '--only', 'annotate,annotate-j2,annotate-sent', '--no-header'],
                                     check=True, capture_output=True, text=True).stdout
                for line in out.splitlines():
                    if line.startswith('| `'):
                        rows.append((name, lang, line))
    print('| row | language | input MB | real text MB/s | vb_bench corpus MB/s | real / corpus |')
    print('|---|---|---:|---:|---:|---:|')
    got = {}
    for name, lang, line in rows:
        c = [x.strip() for x in line.strip('|').split('|')]
        got.setdefault((c[0], lang), {})[name] = (c[2], float(c[4]))
    for (row, lang), v in got.items():
        mb, real = v['real']
        gen = v['vb_bench corpus'][1]
        print('| %s | %s | %s | %.1f | %.1f | %.2f |' % (row, lang, mb, real, gen, real / gen))
    print()
    print('\n'.join(notes))


if __name__ == '__main__':
    main()
