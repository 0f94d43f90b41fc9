#!/usr/bin/env bash
# Import speed of `seckb import technet` on Microsoft's archive: the whole es-ES archive
# (850 files, 847 documents) and the nl-NL + de-DE samples (236 files), each into an empty
# site (the basic fixture's settings), in release mode, no parse cache. With two binaries the
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
  local bin="$1"; shift
  fresh_site
  set +e
  /usr/bin/time -f "%e %U %S %M" -o "$WORK/time" "$bin" --no-cache import technet --into "$WORK/site" "$@" >/dev/null 2>&1
  local rc=$?
  set -e
  if [ "$rc" -gt 1 ]; then echo "failed ($rc): $bin import technet $*" >&2; exit 1; fi
  awk '{printf "%s %.2f %d\n", $1, $2 + $3, $4}' "$WORK/time"
}
stats() { # median, min-max of column 1; median of columns 2 and 3
  sort -g | awk '{w[NR]=$1; c[NR]=$2; m[NR]=$3} END {
    n=NR; mid=(n%2 ? (n+1)/2 : n/2);
    asort(c); asort(m);
    printf "wall %.2f s (spread %.2f–%.2f), CPU %.2f s, peak RSS %d MiB\n", w[mid], w[1], w[n], c[mid], m[mid]/1024 }'
}

for corpus in "es-ES archive|$SHARED/corpus/technet-es-ES" "nl-NL + de-DE samples|$SHARED/corpus/technet $SHARED/corpus/technet-bulletins"; do
  name="${corpus%%|*}"; dirs="${corpus#*|}"
  : > "$WORK/new.txt"; : > "$WORK/old.txt"
  for _ in $(seq "$RUNS"); do
    [ -n "$OLD" ] && measure "$OLD" $dirs >> "$WORK/old.txt"
    measure "$NEW" $dirs >> "$WORK/new.txt"
  done
  echo "$name, $RUNS runs:"
  [ -n "$OLD" ] && echo "  old: $(stats < "$WORK/old.txt")"
  echo "  new: $(stats < "$WORK/new.txt")"
done
