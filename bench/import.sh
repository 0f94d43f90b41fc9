#!/usr/bin/env bash
# Import speed of `seckb import technet` on Microsoft's archive: the whole es-ES archive
# (850 files, 847 documents) and the nl-NL + de-DE samples (236 files), and of `seckb import
# osv` on the 306 Go vulnerability database entries, each into an empty site (the basic
# fixture's settings), in release mode, no parse cache. With two binaries the
# runs alternate (old, new, old, new, ...) so that both see the same machine; prints the
# median and spread of the wall time and the median CPU time and peak memory of each.
#
#   bench/import.sh NEW [OLD] [RUNS]      e.g. bench/import.sh target/release/seckb /tmp/seckb-old 5
#
# SHARED (default ../shared) is where the corpora are.
set -euo pipefail
NEW="${1:?usage: bench/import.sh NEW [OLD] [RUNS]}"
OLD="${2:-}"
RUNS="${3:-5}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
SHARED="${SHARED:-$ROOT/../shared}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

fresh_site() {
  rm -rf "$WORK/site"
  mkdir -p "$WORK/site/i18n"
  cp "$ROOT/tests/fixtures/basic/seckb.yaml" "$ROOT/tests/fixtures/basic/products.yaml" "$WORK/site/"
  cp "$ROOT/tests/fixtures/basic/i18n/en-US.yaml" "$WORK/site/i18n/"
}

# "wall user+sys maxrss_kb" of one import (exit 0 or 1: 1 means some file failed, which the
# report says; anything else is an error).
measure() {
  local bin="$1" source="$2"; shift 2
  fresh_site
  set +e
  /usr/bin/time -f "%e %U %S %M" -o "$WORK/time" "$bin" --no-cache import "$source" --into "$WORK/site" "$@" >/dev/null 2>&1
  local rc=$?
  set -e
  if [ "$rc" -gt 1 ]; then echo "failed ($rc): $bin import $source $*" >&2; exit 1; fi
  tail -n1 "$WORK/time" | awk '{printf "%s %.2f %d\n", $1, $2 + $3, $4}'
}
stats() { # median and range of the wall time; medians of CPU time and peak memory
  python3 -c '
import statistics, sys
rows = [list(map(float, l.split())) for l in sys.stdin if l.strip()]
w, c, m = zip(*rows)
print(f"wall {statistics.median(w):.2f} s (spread {min(w):.2f}-{max(w):.2f}), "
      f"CPU {statistics.median(c):.2f} s, peak RSS {statistics.median(m) / 1024:.0f} MiB")'
}

for corpus in "es-ES archive|technet|$SHARED/corpus/technet-es-ES" \
  "nl-NL + de-DE samples|technet|$SHARED/corpus/technet $SHARED/corpus/technet-bulletins" \
  "Go vulnerability database (306 OSV entries)|osv|$SHARED/corpus/osv/go"; do
  name="${corpus%%|*}"; rest="${corpus#*|}"; source="${rest%%|*}"; dirs="${rest#*|}"
  : > "$WORK/new.txt"; : > "$WORK/old.txt"
  for _ in $(seq "$RUNS"); do
    [ -n "$OLD" ] && measure "$OLD" "$source" $dirs >> "$WORK/old.txt"
    measure "$NEW" "$source" $dirs >> "$WORK/new.txt"
  done
  echo "$name, $RUNS runs:"
  [ -n "$OLD" ] && echo "  old: $(stats < "$WORK/old.txt")"
  echo "  new: $(stats < "$WORK/new.txt")"
done
