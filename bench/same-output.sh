#!/usr/bin/env bash
# Checks that two seckb binaries build byte-identical sites: the example site, the two test
# fixture sites and a generated corpus of N advisories (../shared/bench/gen_corpus.py), each
# built clean by both and compared with `diff -r` (the build caches beside them excluded).
# For a change that must not change the output (a refactoring, a speed-up).
#
#   bench/same-output.sh OLD_BIN NEW_BIN [N]        e.g. bench/same-output.sh /tmp/seckb-old target/release/seckb 10000
#
# Prints SAME, or the first differences and exits 1.
set -euo pipefail
OLD="$(realpath "${1:?usage: bench/same-output.sh OLD_BIN NEW_BIN [N]}")"
NEW="$(realpath "${2:?usage: bench/same-output.sh OLD_BIN NEW_BIN [N]}")"
N="${3:-10000}"
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SHARED="${SECKB_SHARED:-$(cd "$REPO/.." && pwd)/shared}"
WORK="${BENCH_DIR:-/dev/shm/seckb-bench}/same-$N"
rm -rf "$WORK"
mkdir -p "$WORK"

# The sources, copied so that no build writes beside the repository; the corpus imported
# once, by the old binary, so that both build the same YAML.
mkdir -p "$WORK/src/example"
cp -r "$REPO"/{advisories,products.yaml,seckb.yaml,i18n,templates} "$WORK/src/example/"
for f in basic csaf; do cp -r "$REPO/tests/fixtures/$f" "$WORK/src/$f"; done
python3 "$SHARED/bench/gen_corpus.py" "$N" "$WORK/corpus" >/dev/null
cp -r "$REPO/bench/skeleton" "$WORK/src/corpus"
"$OLD" --root "$WORK/src/corpus" import technet "$WORK/corpus/technet" >/dev/null 2>&1

for which in old new; do
  bin="$OLD"; [ "$which" = new ] && bin="$NEW"
  for site in example basic csaf corpus; do
    "$bin" --root "$WORK/src/$site" --no-cache build --out "$WORK/$which/$site" >/dev/null 2>&1 ||
      { echo "$which: building $site failed" >&2; exit 2; }
  done
done
if diff -r -x '.*.cache.json' "$WORK/old" "$WORK/new" >"$WORK/diff.txt" 2>&1; then
  echo SAME
  rm -rf "$WORK"
else
  echo "DIFFERENT ($(wc -l <"$WORK/diff.txt") lines in $WORK/diff.txt):"
  head -20 "$WORK/diff.txt"
  exit 1
fi
