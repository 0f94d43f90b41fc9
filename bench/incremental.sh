#!/usr/bin/env bash
# Rebuild times after small edits, against a full build of the same site, and a check that
# each incremental result equals a clean build.
#
#   bench/incremental.sh N [RUNS]        e.g. bench/incremental.sh 10000 3
#
# Same corpus as bench/compare.sh (generated once per N under $BENCH_DIR). Each run takes a
# fresh copy of the imported site and times, with the release binary:
#   full     `seckb build` with no previous site and no cache
#   no-op    `seckb build` again, nothing changed
#   note     after editing one advisory's revision note (text the search index does not hold)
#   title    after editing one advisory's title (re-indexes that language)
#   serve    `seckb serve`'s rebuild after the same kind of title edit, as it reports it
# and then checks the site against a clean build of the edited sources (`diff -r`).
set -euo pipefail
N="${1:?usage: bench/incremental.sh N [RUNS]}"
RUNS="${2:-3}"
# The binary and the corpus (shared with compare.sh).
. "$(dirname "$0")/corpus.sh"

INC="$WORK/inc"
timed() { # name, command...: appends "wall" to T[name], prints the build's last line
  local name="$1"; shift
  local f="$WORK/.time"
  /usr/bin/time -f "%e %M" -o "$f" "$@" 2>"$WORK/.err" >/dev/null || { cat "$WORK/.err" >&2; exit 1; }
  read -r wall rss < <(tail -n1 "$f")
  T[$name]+="$wall "; M[$name]+="$rss "
  printf '  %-6s %7.2f s %6.0f MB  %s\n' "$name" "$wall" "$(echo "$rss / 1024" | bc)" "$(tail -n1 "$WORK/.err")"
}
median() { tr ' ' '\n' | grep . | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
# The first advisory folder (a glob, sorted; `ls | head` would fail under pipefail).
first_advisory() { local d; for d in "$INC/site-src/advisories"/*/; do basename "$d"; return; done; }

declare -A T M
echo "N=$N advisories x 2 languages, $RUNS runs; output in $WORK"
for i in $(seq "$RUNS"); do
  echo "run $i"
  rm -rf "$INC" && mkdir -p "$INC" && cp -r "$WORK/seckb" "$INC/site-src"
  timed full "$SECKB" --root "$INC/site-src" --cache-dir "$INC/parse-cache" build --out "$INC/out"
  timed no-op "$SECKB" --root "$INC/site-src" --cache-dir "$INC/parse-cache" build --out "$INC/out"
  id="$(first_advisory)"
  # A revision note: the first one of the Dutch text.
  sed -i "0,/^  '1.0': /s//  '1.0': (run $i) /" "$INC/site-src/advisories/$id/nl-NL.yaml"
  timed note "$SECKB" --root "$INC/site-src" --cache-dir "$INC/parse-cache" build --out "$INC/out"
  sed -i "0,/^title: /s//title: (run $i) /" "$INC/site-src/advisories/$id/nl-NL.yaml"
  timed title "$SECKB" --root "$INC/site-src" --cache-dir "$INC/parse-cache" build --out "$INC/out"
  "$SECKB" --root "$INC/site-src" --no-cache build --out "$INC/clean" 2>/dev/null
  diff -r -q "$INC/out" "$INC/clean" >/dev/null || { echo "incremental build differs from a clean build" >&2; exit 1; }
  echo "  equal to a clean build"

  # serve: wait for the first build, edit a title, read the reported rebuild time.
  log="$WORK/.serve"
  "$SECKB" --root "$INC/site-src" --cache-dir "$INC/parse-cache" serve --port 0 2>"$log" &
  pid=$!
  until grep -q "^serving at" "$log"; do sleep 0.2; kill -0 "$pid" || { cat "$log" >&2; exit 1; }; done
  sed -i "0,/^title: /s//title: (serve $i) /" "$INC/site-src/advisories/$id/nl-NL.yaml"
  for _ in $(seq 1200); do grep -q "^rebuilt in" "$log" && break; sleep 0.1; done
  grep -q "^rebuilt in" "$log" || { kill "$pid"; echo "serve did not rebuild within 120 s" >&2; exit 1; }
  kill "$pid"; wait "$pid" 2>/dev/null || true
  line="$(grep "^rebuilt in" "$log" | head -n1)"
  echo "  serve  $line"
  secs="$(echo "$line" | sed -E 's/^rebuilt in ([0-9.]+)(m?s).*/\1 \2/' | awk '{print ($2=="ms") ? $1/1000 : $1}')"
  T[serve]+="$secs "
done

echo
echo "medians (N=$N, $(nproc) cores, $(uname -r)):"
full="$(echo "${T[full]}" | median)"
for t in full no-op note title serve; do
  m="$(echo "${T[$t]}" | median)"
  printf '  %-6s %7.2f s  %5.1f %% of a full build\n' "$t" "$m" "$(echo "scale=3; 100 * $m / $full" | bc)"
done
