#!/bin/sh
# --explain: the score of every record is reproduced from its explanation alone, in all four
# languages (tests/golden/explain/LANG.txt cover negation, boosters, caps, contrast,
# punctuation, phrases, emoji, compounds).  BINARY SOURCE_DIR WORK_DIR
bin=$1 src=$2 work=$3
rm -rf "$work" && mkdir -p "$work" || exit 99
for lang in en sv da he; do
  "$bin" annotate --input-format txt --lang $lang --explain -q --no-default-codebook \
    "$src/tests/golden/explain/$lang.txt" >"$work/$lang.jsonl" || exit 1
done
python3 - "$work" <<'PY'
import json, math, sys, glob
work = sys.argv[1]
additive = {"entry", "stem", "phrase", "emoji", "prefix", "booster", "caps", "elongation"}
n = fails = 0
rules_seen = set()
for path in sorted(glob.glob(work + "/*.jsonl")):
    for line in open(path, encoding="utf-8"):
        rec = json.loads(line)
        ex = rec["explain"]
        n += 1
        ok = True
        for tok in ex["tokens"]:
            v = 0.0
            mult = []
            for st in tok["steps"]:
                rules_seen.add(st["rule"])
                if st["rule"] in additive:
                    v += st["value"]
                else:
                    mult.append(st["value"])
            for m in mult:
                v *= m
            if abs(v - tok["valence"]) > 1e-3:
                print(f"FAIL {path}:{rec['id']} token {tok['text']}: steps give {v}, valence {tok['valence']}")
                ok = False
        norm = lambda S: max(-1.0, min(1.0, S / math.sqrt(S * S + 15)))
        total, k = 0.0, 0
        for s in ex["sentences"]:
            S = s["sum"] + s["punct"]
            c = norm(S)
            if abs(c - s["score"]) > 1e-3:
                print(f"FAIL {path}:{rec['id']}: sentence score {s['score']} != {c}")
                ok = False
            if s["sum"] != 0:
                total += S
                k += 1
        doc = norm(total / math.sqrt(k)) if k else 0.0
        if abs(doc - rec["sentiment"]["score"]) > 1e-3:
            print(f"FAIL {path}:{rec['id']}: document score {rec['sentiment']['score']} != {doc}")
            ok = False
        fails += not ok
need = {"entry", "phrase", "emoji", "booster", "caps", "negation", "contrast", "elongation"}
missing = need - rules_seen
if missing:
    print("FAIL the fixtures never exercise:", ", ".join(sorted(missing)))
    fails += 1
print(f"{n - fails} passed, {fails} failed")
sys.exit(1 if fails else 0)
PY
