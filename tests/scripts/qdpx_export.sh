#!/bin/sh
# annotate --format qdpx: a REFI-QDA project that QDA tools import. For the sample surveys in
# four languages (Hebrew: multi-byte, right to left) and a transcript, checks that the zip
# holds project.qde and the sources it names; that the XML is in the project namespace with
# its elements in the schema's order and every GUID well formed and unique; that the codes
# are the codebook's (the GUIDs of `codebook export`) and Sentiment; and that the codings are
# exactly annotate's results: one selection per theme span, whose characters (code points)
# in the source are the span's bytes in the record, and one per positive or negative record.
# Interviewer turns are in the interview's source but not coded. Variables: every source of a
# record has its language, sentiment score and other fields (CSV columns, JSONL values) as
# values of typed variables; an interview's source and each respondent's case have the
# interview's fields; in a focus group each respondent's case refers to their turns (selections
# without a code). A survey's two questions (--text twice): a code per question, each answer
# a selection with its question's code, the sentiment coded per answer. Two runs give the
# same bytes; -o is required.
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
run csv corpora/en/survey.csv
run transcript tests/cli/data/interviews.txt --input-format transcript --lang en
run vtt tests/cli/data/call.vtt --lang en
run questions tests/browser/data/questions.jsonl --text liked --text improve --lang en
"$bin" codebook export -o "$work/codebook.qdc" || fail=1
# values XML or the schema's types cannot hold as they are: a number with an exponent is no
# xsd:decimal (Text); U+FFFE, U+FFFF and control characters are no XML characters (left out,
# in values and in a codebook's names and descriptions alike)
printf 'id,text,expo,dec,note,day\n1,The delivery was late,1e5,+5,a\357\277\277b\033c,2026-02-31\n2,Great staff,2.5,.5,ok\357\277\276,2026-02-28\n' \
  >"$work/edge.csv"
"$bin" annotate "$work/edge.csv" -q --format qdpx -o "$work/edge.qdpx" || { echo "FAIL: edge: qdpx"; fail=1; }
printf '[odd]\nlabel: Odd\357\277\277 one\ndescription: a\357\277\276b\nen: delivery\n' >"$work/edge.codebook"
"$bin" codebook export --no-default-codebook --codebook "$work/edge.codebook" -o "$work/edge.qdc" ||
  { echo "FAIL: edge: qdc"; fail=1; }
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
SURVEYS = ('en', 'sv', 'da', 'he', 'csv')
def survey_file(name):
    return 'corpora/en/survey.csv' if name == 'csv' else f'corpora/{name}/survey.jsonl'
def input_records(name):
    """id -> the record's fields as text, as the input has them"""
    import csv
    out = {}
    if name == 'csv':
        for row in csv.DictReader(open(survey_file(name), encoding='utf-8', newline='')):
            out[row['id']] = row
        return out
    for l in open(survey_file(name), encoding='utf-8'):
        o = json.loads(l)
        out[o['id']] = {k: (v if isinstance(v, str) else json.dumps(v)) for k, v in o.items()
                        if v is not None and not isinstance(v, (dict, list))}
    return out
def typed_ok(t, v):
    if t == 'Integer': return re.fullmatch(r'-?(0|[1-9][0-9]{0,17})', v) is not None
    if t == 'Float': return re.fullmatch(r'[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)', v) is not None
    if t == 'Date': return re.fullmatch(r'[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])', v) is not None
    if t == 'Boolean': return v in ('true', 'false')
    return t == 'Text'
def var_values(el, variables, where):
    """the <VariableValue> children of el: {variable name: text}, each checked against its type"""
    got = {}
    for vv in el.findall(NS + 'VariableValue'):
        ref = vv.find(NS + 'VariableRef').get('targetGUID')
        check(ref in variables, f'{where}: VariableRef {ref}')
        if ref not in variables: continue
        vname, vtype = variables[ref]
        vals = [c for c in vv if c.tag != NS + 'VariableRef']
        check(len(vals) == 1 and vals[0].tag == NS + vtype + 'Value', f'{where}: {vname} value element')
        text = vals[0].text or ''
        check(typed_ok(vtype, text), f'{where}: {vname}={text!r} is no {vtype}')
        got[vname] = text
    return got
for name in ['en', 'sv', 'da', 'he', 'csv', 'transcript', 'vtt']:
    z = zipfile.ZipFile(f'{work}/{name}.qdpx')
    names = set(z.namelist())
    root = ET.fromstring(z.read('project.qde'))
    check(root.tag == NS + 'Project' and root.get('name') == name, f'{name}: root')
    order = [ch.tag[len(NS):] for ch in root]
    # (the call has no fields: no variables)
    want_order = (['Users', 'CodeBook'] + (['Variables'] if name != 'vtt' else []) +
                  (['Cases'] if name in ('transcript', 'vtt') else []) + ['Sources'])
    check(order == want_order, f'{name}: children {order}')
    variables = {v.get('guid'): (v.get('name'), v.get('typeOfVariable'))
                 for v in root.iterfind(NS + 'Variables/' + NS + 'Variable')}
    check(len({n for n, t in variables.values()}) == len(variables), f'{name}: variable names repeat')
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
    turn_sel = {}  # guid -> (name, text) of the selections without a code
    src_vars = {}  # source name -> {variable: value}
    src_guid = {}
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
            if not refs: # a respondent's turn in a focus group, for their case
                turn_sel[sel.get('guid')] = (sel.get('name'), text[a:b])
                continue
            check(len(refs) == 1 and refs[0] in codes, f'{name}: coding {refs}')
            got.append((refs[0], text[a:b]))
        # the element order of the schema: selections, then values
        kids = [c.tag[len(NS):] for c in s]
        check(kids == sorted(kids, key=lambda t: t != 'PlainTextSelection'), f'{name}: {kids[:3]}')
        src_vars[s.get('name')] = var_values(s, variables, f'{name}/{s.get("name")}')
        src_guid[s.get('guid')] = s.get('name')
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
    if name in SURVEYS:
        recs = {i: r['text'] for i, r in input_records(name).items()}
    # transcripts: each paragraph of an interview's source is a turn, "[time] SPEAKER: text"
    turn_text = {}
    if name not in SURVEYS:
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
            if name in SURVEYS:
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
    # the variables: language, sentiment and the input's fields; nps a number, date a date
    vtypes = dict(variables.values())
    if name in SURVEYS:
        inputs = input_records(name)
        for r in results:
            if 'error' in r: continue
            want_v = {k: v for k, v in inputs[r['id']].items() if k not in ('id', 'text') and v != ''}
            want_v['Language (verbatim)'] = r['lang']
            want_v['Sentiment score (verbatim)'] = f"{r['sentiment']['score']:.4f}"
            got_v = src_vars[r['id']]
            check(set(got_v) == set(want_v), f'{name}/{r["id"]}: variables {sorted(got_v)}')
            for k in want_v:
                if k in got_v and vtypes[k] == 'Float':
                    check(abs(float(got_v[k]) - float(want_v[k])) < 1e-9, f'{name}/{r["id"]}: {k}')
                elif k in got_v:
                    check(got_v[k] == want_v[k], f'{name}/{r["id"]}: {k}={got_v[k]!r}')
        check(vtypes.get('nps') == 'Integer' and vtypes.get('date') == 'Date' and
              vtypes.get('channel') == 'Text' and vtypes.get('Sentiment score (verbatim)') == 'Float',
              f'{name}: variable types {vtypes}')
    print(f'{name}: {len(sources)} sources, {n_sel} selections, {len(variables)} variables')
    if name == 'transcript':
        t = texts['c-1']
        check(t.startswith('I: A lot of customers tell us the deliveries are late.'), 'c-1 text')
        # the interviewer's "late" is in the source, and no selection lies in an I: paragraph
        for (src_name, got) in coded:
            for (g, seg) in got:
                check('A lot of customers' not in seg and 'Some people find' not in seg,
                      f'interviewer coded: {seg!r}')
        check(texts['c-3'].startswith('[00:00:02] Moderator: '), 'c-3 time and speaker')
        # the interviews' fields on their sources, typed
        check(src_vars['c-1'] == {'respondent': 'R101', 'nps': '3', 'date': '2026-10-02',
                                  'channel': 'phone'}, f'c-1 variables {src_vars["c-1"]}')
        check(src_vars['c-3'] == {'nps': '6', 'date': '2026-10-09', 'channel': 'focus group'},
              f'c-3 variables {src_vars["c-3"]}')
        check(vtypes == {'respondent': 'Text', 'nps': 'Integer', 'date': 'Date', 'channel': 'Text'},
              f'transcript variable types {vtypes}')
        # the cases: a respondent each, with the interview's fields; the focus group's refer
        # to their own turns, every turn without a code to one case
        cases = {c.get('name'): c for c in root.find(NS + 'Cases').findall(NS + 'Case')}
        check(sorted(cases) == ['R101', 'R102', 'c-3/Anna', 'c-3/Bo'], f'cases {sorted(cases)}')
        referred = []
        for cname, c in cases.items():
            kids = [k.tag[len(NS):] for k in c]
            order_ok = kids == sorted(kids, key=['VariableValue', 'SourceRef', 'SelectionRef'].index)
            check(order_ok, f'case {cname}: {kids}')
            iv = cname.split('/')[0] if '/' in cname else {'R101': 'c-1', 'R102': 'c-2'}[cname]
            check(var_values(c, variables, cname) == src_vars[iv], f'case {cname} values')
            srcs = [src_guid.get(k.get('targetGUID')) for k in c.findall(NS + 'SourceRef')]
            check(srcs == [iv], f'case {cname}: sources {srcs}')
            sels = [k.get('targetGUID') for k in c.findall(NS + 'SelectionRef')]
            check(len(sels) == {'c-3/Anna': 1, 'c-3/Bo': 2}.get(cname, 0), f'case {cname}: {len(sels)} turns')
            for g in sels:
                check(g in turn_sel, f'case {cname}: selection {g}')
                if g in turn_sel:
                    speaker = cname.split('/')[1]
                    check(re.match(r'\[[0-9:]+\] ' + speaker + ': ', turn_sel[g][1]) is not None,
                          f'case {cname}: turn {turn_sel[g][1][:30]!r}')
                    referred.append(g)
        check(sorted(referred) == sorted(turn_sel), 'turn selections and cases')
# a survey's two questions: the Questions code with a code per question; in each source, the
# record's answers joined with a blank line, each a selection coded with its question, and
# the sentiment coded per answer (the answer's own), none for the whole record
z = zipfile.ZipFile(f'{work}/questions.qdpx')
root = ET.fromstring(z.read('project.qde'))
codes = {c.get('guid'): c.get('name') for c in root.find(NS + 'CodeBook').iter(NS + 'Code')}
qcodes = {g for g, n in codes.items() if n in ('liked', 'improve')}
scodes = {g for g, n in codes.items() if n in ('Positive', 'Negative')}
check(len(codes) == len(theme_guid) + 6 and 'Questions' in codes.values() and len(qcodes) == 2,
      f'questions: codes {len(codes)}')
results = {r['id']: r for r in map(json.loads, open(f'{work}/questions.jsonl', encoding='utf-8'))}
inputs = {o['id']: o for o in map(json.loads, open('tests/browser/data/questions.jsonl', encoding='utf-8'))}
n_answers = n_sent = 0
for s in root.iterfind(NS + 'Sources/' + NS + 'TextSource'):
    sid = s.get('name')
    text = z.read('sources/' + s.get('plainTextPath')[len('internal://'):]).decode('utf-8')
    answers = [(f, inputs[sid][f]) for f in ('liked', 'improve') if inputs[sid].get(f)]
    check(text == '\n\n'.join(a for f, a in answers), f'questions/{sid}: text')
    sels = [(c.find(NS + 'CodeRef').get('targetGUID'),
             text[int(sel.get('startPosition')):int(sel.get('endPosition'))])
            for sel in s.findall(NS + 'PlainTextSelection') for c in sel.findall(NS + 'Coding')]
    got = [(codes[g], t) for g, t in sels if g in qcodes]
    check(got == answers, f'questions/{sid}: answers {got}')
    got = [(codes[g], t) for g, t in sels if g in scodes]
    want = [(p['sentiment']['label'].capitalize(), inputs[sid][p['field']])
            for p in results[sid]['parts'] if p['sentiment']['label'] != 'neutral']
    check(got == want, f'questions/{sid}: sentiment {got} != {want}')
    n_answers += len(answers)
    n_sent += len(want)
check(n_answers == 51 and n_sent > 30, f'questions: {n_answers} answers, {n_sent} with a sentiment')
print(f'questions: {n_answers} answers coded with their question, {n_sent} with their sentiment')
# the edge values: each parses (expat refuses what XML cannot hold), typed and kept as the
# schema allows
z = zipfile.ZipFile(f'{work}/edge.qdpx')
root = ET.fromstring(z.read('project.qde'))
variables = {v.get('guid'): (v.get('name'), v.get('typeOfVariable'))
             for v in root.iterfind(NS + 'Variables/' + NS + 'Variable')}
vtypes = dict(variables.values())
check({k: vtypes.get(k) for k in ('expo', 'dec', 'note', 'day')} ==
      {'expo': 'Text', 'dec': 'Float', 'note': 'Text', 'day': 'Text'}, f'edge: types {vtypes}')
vals = {s.get('name'): var_values(s, variables, 'edge/' + s.get('name'))
        for s in root.iterfind(NS + 'Sources/' + NS + 'TextSource')}
check(vals.get('1', {}).get('note') == 'abc' and vals.get('2', {}).get('note') == 'ok' and
      vals.get('1', {}).get('expo') == '1e5', f'edge: values {vals}')
codes = [c.get('name') for c in ET.parse(f'{work}/edge.qdc').getroot().iter('{urn:QDA-XML:codebook:1.0}Code')]
check('Odd one' in codes, f'edge codebook: {codes}')
if failed:
    print('FAIL:', *failed[:20], sep='\n  ')
    sys.exit(1)
PY
exit $fail
