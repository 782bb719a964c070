#!/bin/sh
# The REFI-QDA export of the default codebook: well-formed XML (xmllint when installed, and
# Python's parser), in the codebook namespace, one Code per theme nested as the themes are,
# every GUID the name-based UUID of its theme id, and the same bytes on a second run.
# BINARY SOURCE_DIR WORK_DIR
bin=$1 src=$2 work=$3
mkdir -p "$(dirname "$work")"
cd "$src" || exit 99
"$bin" codebook export -o "$work.qdc" || { echo "FAIL: export"; exit 1; }
"$bin" codebook export --format qdc >"$work.2.qdc" || { echo "FAIL: export to stdout"; exit 1; }
cmp -s "$work.qdc" "$work.2.qdc" || { echo "FAIL: two exports differ"; exit 1; }
"$bin" codebook check -q --format json >"$work.json" || { echo "FAIL: check"; exit 1; }
if command -v xmllint >/dev/null; then
  xmllint --noout "$work.qdc" || { echo "FAIL: xmllint"; exit 1; }
  echo "xmllint: well-formed"
else
  echo "xmllint not installed: Python's parser only"
fi
command -v python3 >/dev/null || { echo "skipped: no python3"; exit 77; }
python3 - "$work.qdc" "$work.json" <<'PY' || exit 1
import json, sys, uuid
import xml.etree.ElementTree as ET
NS = '{urn:QDA-XML:codebook:1.0}'
root = ET.parse(sys.argv[1]).getroot()
themes = json.load(open(sys.argv[2], encoding='utf-8'))['themes']
assert root.tag == NS + 'CodeBook', root.tag
codes = root.find(NS + 'Codes')
assert codes is not None
seen = {}
def walk(el, parent):
    for c in el.findall(NS + 'Code'):
        assert c.get('isCodable') == 'true'
        d = c.find(NS + 'Description').text or ''
        tid = [l for l in d.split('\n') if l.startswith('verbatim theme: ')][0][16:]
        seen[tid] = (c.get('guid'), c.get('name'), parent)
        walk(c, tid)
walk(codes, None)
byid = {t['theme']: t for t in themes}
assert set(seen) == set(byid), set(seen) ^ set(byid)
for tid, (guid, name, parent) in seen.items():
    t = byid[tid]
    assert guid == str(uuid.uuid5(uuid.NAMESPACE_URL, 'verbatim:theme:' + tid)).upper(), tid
    assert guid == t['guid'], tid
    assert name == t['label'], (name, t['label'])
    assert parent == t['parent'], (tid, parent, t['parent'])
assert len({g for g, _, _ in seen.values()}) == len(seen), 'duplicate GUIDs'
print('%d codes checked' % len(seen))
PY
echo "1 passed, 0 failed"
