#!/bin/sh
# annotate --format qdpx: a REFI-QDA project that QDA tools import. For the sample surveys in
# four languages (Hebrew: multi-byte, right to left) and a transcript, checks that the zip
# holds project.qde and the sources it names; that the XML is in the project namespace with
# its elements in the schema's order and every GUID well formed and unique; that the codes
# are the codebook's (the GUIDs of `codebook export`) and Sentiment; and that the codings are
# exactly annotate's results: one selection per theme span, whose characters (code points)
# in the source are the span's bytes in the record, and one per positive or negative record.
# Interviewer turns are in the interview's source but not coded. Two runs give the same bytes;
# -o is required.
# BINARY SOURCE_DIR WORK_DIR
bin=$1 src=$2 work=$3
mkdir -p "$work/again"
cd "$src" || exit 99
command -v python3 >/dev/null || { echo "skipped: no python3"; exit 77; }
fail=0
run() { # NAME ARGS...: the project and the JSONL of the same run
  name=$1
  shift
  "$bin" annotate "$@" -q --format qdpx -o "$work/$name.qdpx" || { echo "FAIL: $name: qdpx"; fail=1; }
  "$bin" annotate "$@" -q --format qdpx -j 1 -o "$work/again/$name.qdpx" || fail=1
  cmp -s "$work/$name.qdpx" "$work/again/$name.qdpx" || { echo "FAIL: $name: two runs differ"; fail=1; }
  "$bin" annotate "$@" -q >"$work/$name.jsonl" || { echo "FAIL: $name: jsonl"; fail=1; }
  "$bin" annotate "$@" -q --format tsv >/dev/null || fail=1
}
for l in en sv da he; do run "$l" "corpora/$l/survey.jsonl"; done
run transcript tests/cli/data/interviews.txt --input-format transcript --lang en
run vtt tests/cli/data/call.vtt --lang en
"$bin" codebook export -o "$work/codebook.qdc" || fail=1
# -o is required, and --explain refused
"$bin" annotate corpora/en/survey.jsonl --format qdpx >/dev/null 2>"$work/err"
[ $? = 1 ] && grep -q "give -o FILE.qdpx" "$work/err" || { echo "FAIL: qdpx without -o"; fail=1; }
python3 - "$work" <<'PY' || fail=1
import json, re, sys, zipfile
import xml.etree.ElementTree as ET
work = sys.argv[1]
NS = '{urn:QDA-XML:project:1.0}'
GUID = re.compile(r'^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$')
qdc = ET.parse(work + '/codebook.qdc').getroot()
theme_guid = {}
for c in qdc.iter('{urn:QDA-XML:codebook:1.0}Code'):
    theme_guid[c.get('guid')] = c
failed = []
def check(cond, what):
    if not cond:
        failed.append(what)
for name in ['en', 'sv', 'da', 'he', 'transcript', 'vtt']:
    z = zipfile.ZipFile(f'{work}/{name}.qdpx')
    names = set(z.namelist())
    root = ET.fromstring(z.read('project.qde'))
    check(root.tag == NS + 'Project' and root.get('name') == name, f'{name}: root')
    order = [ch.tag[len(NS):] for ch in root]
    check(order == ['Users', 'CodeBook', 'Sources'], f'{name}: children {order}')
    guids = []
    for el in root.iter():
        if el.get('guid') is not None:
            check(GUID.match(el.get('guid')) is not None, f'{name}: guid {el.get("guid")}')
            guids.append(el.get('guid'))
    check(len(guids) == len(set(guids)), f'{name}: GUIDs not unique')
    codes = {c.get('guid'): c for c in root.find(NS + 'CodeBook').iter(NS + 'Code')}
    # the codebook's codes, and Sentiment with Positive and Negative
    check(set(theme_guid) <= set(codes), f'{name}: codes differ from codebook export')
    check(len(codes) == len(theme_guid) + 3, f'{name}: {len(codes)} codes')
    sentiment = {c.get('name'): c.get('guid') for c in codes.values()
                 if c.get('guid') not in theme_guid}
    check(set(sentiment) == {'Sentiment', 'Positive', 'Negative'}, f'{name}: {sentiment}')
    results = [json.loads(l) for l in open(f'{work}/{name}.jsonl', encoding='utf-8')]
    sources = root.find(NS + 'Sources').findall(NS + 'TextSource')
    # what the selections code, per source: (code guid, text) pairs
    coded = []
    texts = {}
    for s in sources:
        path = s.get('plainTextPath')
        check(path.startswith('internal://'), f'{name}: path {path}')
        entry = 'sources/' + path[len('internal://'):]
        check(entry in names, f'{name}: {entry} missing')
        text = z.read(entry).decode('utf-8')
        texts[s.get('name')] = text
        got = []
        for sel in s.findall(NS + 'PlainTextSelection'):
            a, b = int(sel.get('startPosition')), int(sel.get('endPosition'))
            check(0 <= a <= b <= len(text), f'{name}: selection {a}-{b} of {len(text)}')
            refs = [c.find(NS + 'CodeRef').get('targetGUID') for c in sel.findall(NS + 'Coding')]
            check(len(refs) == 1 and refs[0] in codes, f'{name}: coding {refs}')
            got.append((refs[0], text[a:b]))
        coded.append((s.get('name'), got))
    check(len(names) == len(sources) + 1, f'{name}: {len(names)} zip entries')
    # what annotate reported
    want = {}
    order = []
    by_id = {}
    for r in results:
        if 'error' in r:
            continue
        src_name = r.get('interview', r['id'])
        if src_name not in want:
            want[src_name] = []
            order.append(src_name)
        by_id[r['id']] = r
        if r.get('role') == 'interviewer':
            continue
        want[src_name].append(r)
    check([c[0] for c in coded] == order, f'{name}: sources {[c[0] for c in coded][:5]} vs {order[:5]}')
    # texts of the records, from the input files
    if name in ('en', 'sv', 'da', 'he'):
        recs = {}
        for l in open(f'corpora/{name}/survey.jsonl', encoding='utf-8'):
            o = json.loads(l)
            recs[o['id']] = o['text']
    # transcripts: each paragraph of an interview's source is a turn, "[time] SPEAKER: text"
    turn_text = {}
    if name not in ('en', 'sv', 'da', 'he'):
        turns = {}
        for r in results:
            turns.setdefault(r['interview'], []).append(r)
        for iv, rs in turns.items():
            paras = texts[iv].split('\n\n')
            check(len(paras) == len(rs), f'{name}/{iv}: {len(paras)} paragraphs, {len(rs)} turns')
            for r, para in zip(rs, paras):
                prefix = (f"[{r['time']}] " if 'time' in r else '') + r['speaker'] + ': '
                check(para.startswith(prefix), f'{name}/{iv}: {para[:30]!r}')
                turn_text[r['id']] = para[len(prefix):]
    n_sel = 0
    for (src_name, got) in coded:
        exp = []
        for r in want[src_name]:
            if name in ('en', 'sv', 'da', 'he'):
                raw = recs[r['id']].encode('utf-8')
                check(texts[src_name] == recs[r['id']], f'{name}: text of {r["id"]}')
            else:
                raw = turn_text[r['id']].encode('utf-8')
            for t in r['themes']:
                for s0, s1 in t['spans']:
                    exp.append((t['theme'], raw[s0:s1].decode('utf-8')))
            if r['sentiment']['label'] != 'neutral':
                exp.append((r['sentiment']['label'], None))
        # the codes and the selected text
        check(len(got) == len(exp), f'{name}/{src_name}: {len(got)} selections, {len(exp)} expected')
        for (g, seg), (theme, want_seg) in zip(got, exp):
            if theme in ('positive', 'negative'):
                check(g == sentiment[theme.capitalize()], f'{name}/{src_name}: sentiment code')
            else:
                from uuid import uuid5, NAMESPACE_URL
                check(g == str(uuid5(NAMESPACE_URL, 'verbatim:theme:' + theme)).upper(),
                      f'{name}/{src_name}: code of {theme}')
                check(seg == want_seg, f'{name}/{src_name}: {seg!r} != {want_seg!r}')
        n_sel += len(got)
    print(f'{name}: {len(sources)} sources, {n_sel} selections')
    if name == 'transcript':
        t = texts['c-1']
        check(t.startswith('I: A lot of customers tell us the deliveries are late.'), 'c-1 text')
        # the interviewer's "late" is in the source, and no selection lies in an I: paragraph
        for (src_name, got) in coded:
            for (g, seg) in got:
                check('A lot of customers' not in seg and 'Some people find' not in seg,
                      f'interviewer coded: {seg!r}')
        check(texts['c-3'].startswith('[00:00:02] Moderator: '), 'c-3 time and speaker')
if failed:
    print('FAIL:', *failed[:20], sep='\n  ')
    sys.exit(1)
PY
exit $fail
