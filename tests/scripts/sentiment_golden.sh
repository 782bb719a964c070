#!/bin/sh
# Golden sentiment labels: tests/golden/sentiment/LANG.tsv (id, expected, rule, text), written
# by native speakers, are scored with annotate and the labels compared.  Every mismatch is
# printed; the test fails when the share of matching labels in any language is below the
# floor (see tests/golden/sentiment/README.md).  BINARY SOURCE_DIR WORK_DIR
bin=$1 src=$2 work=$3
floor=${VB_SENTIMENT_FLOOR:-0.95}
rm -rf "$work" && mkdir -p "$work" || exit 99
for lang in en sv da he; do
  "$bin" annotate --input-format tsv --text text --lang $lang -q --no-default-codebook \
    --format tsv "$src/tests/golden/sentiment/$lang.tsv" >"$work/$lang.out" || {
    echo "FAIL $lang: annotate exited with status $?"; exit 1; }
done
python3 - "$src/tests/golden/sentiment" "$work" "$floor" <<'PY'
import sys
gold, work, floor = sys.argv[1], sys.argv[2], float(sys.argv[3])
passed = failed = 0
low = []
for lang in ("en", "sv", "da", "he"):
    rows = [l.rstrip("\n").split("\t") for l in open(f"{gold}/{lang}.tsv", encoding="utf-8")]
    head, rows = rows[0], rows[1:]
    assert head == ["id", "expected", "rule", "text"], f"{lang}.tsv: bad header {head}"
    out = [l.rstrip("\n").split("\t") for l in open(f"{work}/{lang}.out", encoding="utf-8")]
    if out and out[0][0] == "id":
        cols, out = out[0], out[1:]
    else:
        cols = ["id", "lang", "score", "label", "themes"]
    got = {r[cols.index("id")]: r for r in out}
    ok = 0
    for rid, expected, rule, text in rows:
        r = got.get(rid)
        label = r[cols.index("label")] if r else "missing"
        score = r[cols.index("score")] if r else "-"
        if label == expected:
            ok += 1
        else:
            print(f"FAIL {rid} [{rule}] expected {expected}, got {label} ({score}): {text}")
    acc = ok / len(rows) if rows else 0.0
    print(f"{lang}: {ok}/{len(rows)} = {acc:.3f} (floor {floor:.2f})")
    if acc < floor:
        low.append(lang)
    passed += ok
    failed += len(rows) - ok
print(f"{passed} passed, {failed} failed")
if low:
    print("below the floor: " + " ".join(low))
    sys.exit(1)
PY
