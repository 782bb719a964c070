#!/bin/sh
# The tables of the sample surveys tell the story the team wrote into them (corpora/*/STORY.md):
# overall and monthly NPS, the market twists (sv: late deliveries in October after the courier
# change; da: the app login failure in October; en: Lumo Plus billing in September-October;
# he: damaged parcels, praised support, no trend), which themes cost and which lift, and that
# the attribution, rising themes, drivers, mismatches and testimonials point the same way.
# Scores and dates are facts of the files; theme counts depend on the codebook, so only their
# direction and rank are checked. The terminal table of everything fits 100 columns.
# BINARY SOURCE_DIR WORK_DIR
bin=$1 src=$2 work=$3
command -v python3 >/dev/null || exit 77
rm -rf "$work" && mkdir -p "$work" || exit 99
for lang in sv da en he; do
  "$bin" analyze "$src/corpora/$lang/survey.jsonl" --score nps --score-type nps --by channel \
    --date date --period month --drivers -q --format json >"$work/$lang.json" || exit 1
  "$bin" analyze "$src/corpora/$lang/survey.jsonl" --score nps --score-type nps --score nps \
    --score-type rating --by channel --date date --period week --drivers -q --format table \
    >"$work/$lang.txt" || exit 1
done
cat "$src"/corpora/sv/survey.jsonl "$src"/corpora/da/survey.jsonl "$src"/corpora/en/survey.jsonl \
  "$src"/corpora/he/survey.jsonl >"$work/all.jsonl"
"$bin" analyze "$work/all.jsonl" --score nps --score-type nps --by :lang -q --format json \
  >"$work/all.json" || exit 1
python3 - "$work" <<'EOF'
import json, sys
work = sys.argv[1]
fails = 0
def check(ok, what):
    global fails
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        fails += 1

def load(lang):
    return json.load(open(f"{work}/{lang}.json", encoding="utf-8"))

def month(d, m):
    for p in d["periods"]["rows"]:
        if p["period"] == m:
            return p
    raise KeyError(m)

def theme(d, t):
    for r in d["themes"]:
        if r["theme"] == t:
            return r
    return None

def rising(d, t, period, mentions="all"):
    return [r for r in d["periods"]["rising"]
            if r["theme"] == t and r["period"] == period and r["mentions"] == mentions]

def most_negative_part(d, period):
    parts = month(d, period)["attribution"]["themes"]
    return min(parts, key=lambda k: parts[k])

# overall NPS and shares as the stories give them (scores are facts of the files)
story_nps = {"sv": -6.5, "da": -11.6, "en": -7.6, "he": -3.4}
story_months = {
    "sv": {"2026-08": 30, "2026-09": 30, "2026-10": -40, "2026-11": -60},
    "da": {"2026-08": 2, "2026-09": -5, "2026-10": -35, "2026-11": -7},
    "en": {"2026-08": 2, "2026-09": -11, "2026-10": -11, "2026-11": -10},
    "he": {"2026-08": -10, "2026-09": -2, "2026-10": 1, "2026-11": 0},
}
for lang in ["sv", "da", "en", "he"]:
    d = load(lang)
    s = d["score"]
    check(abs(s["value"] - story_nps[lang]) < 1.0, f"{lang}: NPS {s['value']:.1f} is the story's {story_nps[lang]}")
    check(0.32 <= s["top"] <= 0.37 and 0.39 <= s["bottom"] <= 0.45,
          f"{lang}: about 35% promoters ({s['top']:.3f}) and 40% detractors ({s['bottom']:.3f})")
    for m, v in story_months[lang].items():
        got = month(d, m)["score"]["value"]
        check(abs(got - v) <= 10 if lang == "sv" else abs(got - v) <= 1.5,
              f"{lang}: {m} NPS {got:.1f} (story: about {v})")
    # the change of every month splits exactly into baseline and theme parts
    for p in d["periods"]["rows"][1:]:
        total = p["baseline"] + sum(p["attribution"]["themes"].values())
        check(abs(total - p["change"]) < 0.01, f"{lang}: {p['period']} change {p['change']:.2f} = baseline + parts ({total:.2f})")
    # late deliveries cost, helpful support lifts, everywhere
    late = theme(d, "delivery.late")
    check(late is not None and late["impact"] < 0 and late["verdict"].endswith("severe"),
          f"{lang}: late delivery costs and is severe ({late and late['verdict']})")
    helpful = theme(d, "support.helpful")
    lifts = [r["theme"] for r in sorted(d["themes"], key=lambda r: -r["impact"])[:6]]
    check(helpful is not None and helpful["impact"] > 0 and "support.helpful" in lifts,
          f"{lang}: helpful support is among the six themes that lift most ({lifts})")
    dr = d["drivers"]
    check(dr["r2"] > 0.25 and dr["rows"][0]["coef"] > 0,
          f"{lang}: drivers explain R^2 {dr['r2']:.2f}, the first ({dr['rows'][0]['driver']}) lifts")
    check(len(d["testimonials"]) == 3 and d["mismatch"]["bottom_positive"] > 0,
          f"{lang}: testimonials and hidden friction found")

# the terminal table is readable in 100 columns (characters, not bytes: Hebrew quotes)
for lang in ["sv", "da", "en", "he"]:
    lines = open(f"{work}/{lang}.txt", encoding="utf-8").read().splitlines()
    widest = max(len(l) for l in lines)
    check(widest <= 100 and len(lines) > 100, f"{lang}: the terminal table fits 100 columns (widest {widest})")

# --by :lang: the four samples together fall apart into their languages
al = load("all")
segs = {g["segment"]: g for g in al["segments"]["rows"]}
check(set(segs) - {"und"} == {"sv", "da", "en", "he"} and sum(g["records"] for g in segs.values()) == al["records"],
      f"--by :lang finds the four languages ({sorted(segs)})")
check(segs["he"]["records"] >= 500 and segs["da"]["records"] >= 330, "--by :lang: nearly every record in its own language")

# the twists
sv = load("sv")
check(len(rising(sv, "delivery.late", "2026-10")) == 1, "sv: late deliveries rise in October (courier change)")
check(len(rising(sv, "delivery.late", "2026-10", "negative")) == 1,
      "sv: and so do the complaints about them (negative mentions)")
check(most_negative_part(sv, "2026-10") == "delivery", "sv: the October drop is mostly delivery")
check(month(sv, "2026-10")["change_p"] < 0.001, "sv: the October drop is significant")
da = load("da")
r = rising(da, "app.login", "2026-10")
check(len(r) == 1 and r[0]["emerging"], "da: app login problems emerge in October (MitID)")
check(most_negative_part(da, "2026-10") == "app", "da: the October drop is mostly the app")
check(month(da, "2026-10")["score"]["value"] == min(p["score"]["value"] for p in da["periods"]["rows"]),
      "da: October is the worst month")
en = load("en")
billing = theme(en, "billing")
worst = min((r for r in en["themes"] if r["n"] >= 20), key=lambda r: r["score"])
check(billing is not None and billing["score"] == -100 and worst["score"] == -100,
      f"en: billing has the lowest score of the themes with 20 mentions ({billing and billing['score']})")
check(any(r["theme"].startswith(("billing", "cancellation")) and r["period"] in ("2026-09", "2026-10")
          for r in en["periods"]["rising"]), "en: billing / cancellation complaints rise in September-October")
he = load("he")
check(all(p["change_p"] > 0.05 for p in he["periods"]["rows"][1:]), "he: no significant monthly change")
check(all(r["q"] > 0.01 for r in he["periods"]["rising"] if r["mentions"] == "all"), "he: no strong rise")
dmg = theme(he, "delivery.damaged")
check(dmg is not None and dmg["impact"] < 0 and dmg["verdict"].endswith("severe"), "he: damaged parcels are severe")
print(f"{fails} failed")
sys.exit(1 if fails else 0)
EOF
