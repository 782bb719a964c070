#!/bin/bash
# bench/watch_idle.sh NEW BASE FILE: waits (up to 40 minutes) for an idle machine (both CPUs at
# least 90% idle over 2 s), then times `annotate FILE -j 1` and `-j 2` with the two builds' CLIs
# (NEW and BASE are build folders); at most 6 rounds. On this shared machine -j 2 shows a
# speed-up only when no other session computes (see RESULTS.md, "Why nice did not help").
NEW=${1:?new build folder}; BASE=${2:?base build folder}; FILE=${3:?input file}
end=$(( $(date +%s) + 2400 ))
n=0
while [ $(date +%s) -lt $end ] && [ $n -lt 6 ]; do
  read -r _ a b c d e f g h _ < /proc/stat; t1=$((a+b+c+d+e+f+g+h)); i1=$d
  sleep 2
  read -r _ a b c d e f g h _ < /proc/stat; t2=$((a+b+c+d+e+f+g+h)); i2=$d
  idle=$(( 100 * (i2 - i1) / (t2 - t1) ))
  if [ $idle -ge 90 ]; then
    n=$((n+1))
    echo "== $(date +%T) idle ${idle}% $(cat /proc/loadavg)"
    for b in "$NEW" "$BASE"; do for j in 1 2; do
      /usr/bin/time -f "$b -j $j: %e s wall %U user %S sys" "$b/src/verbatim" annotate "$FILE" -j $j -q > /dev/null
    done; done 2>&1
    echo "   after: $(cat /proc/loadavg)"
  fi
done
echo "watch done $(date +%T), $n measurements"
