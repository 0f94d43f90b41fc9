#!/usr/bin/env bash
# Builds the same synthetic content with seckb and with Hugo, alternating, and prints the
# median wall time, CPU time and peak memory of each, their ratio, and what each wrote.
#
#   bench/compare.sh N [RUNS]        e.g. bench/compare.sh 10000 3
#
# The corpus comes from ../shared/bench/gen_corpus.py (N advisories in nl-NL and de-DE, as
# TechNet Markdown for `seckb import technet` and as a Hugo site with the same files). It is
# generated once per N under $BENCH_DIR (default /dev/shm/seckb-bench: tmpfs, so that the
# figures measure the tools and not the disk; set BENCH_DIR to a disk folder for disk
# figures). Hugo comes from Debian (`apt-get install hugo`), installed here if missing.
# SECKB_ONLY=1 skips Hugo (for N where it takes too long). Also measured: the floor, which is
# writing the same files (count and bytes) with nothing else to do (`tar -x` of seckb's
# output), and `seckb validate`.
set -euo pipefail
N="${1:?usage: bench/compare.sh N [RUNS]}"
RUNS="${2:-3}"
# The binary and the corpus, as TechNet Markdown and Hugo content, imported into a seckb site.
. "$(dirname "$0")/corpus.sh"
if [ -z "${SECKB_ONLY:-}" ] && ! command -v hugo >/dev/null; then
  if [ "$(id -u)" = 0 ]; then apt-get install -y -qq hugo >/dev/null; else sudo apt-get install -y -qq hugo >/dev/null; fi
fi

# "wall user sys maxrss_kb" of one command, its output discarded.
measure() {
  local f="$WORK/.time"
  /usr/bin/time -f "%e %U %S %M" -o "$f" "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; cat "$f" >&2; exit 1; }
  tail -n1 "$f"
}
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
tree_stats() { find "$1" -type f -printf '%s\n' | awk '{n++; b+=$1} END {printf "%d files, %.1f MB", n, b/1e6}'; }

declare -A WALL CPU RSS
run_tool() { # name, command...
  local name="$1"; shift
  read -r wall user sys rss < <(measure "$@")
  WALL[$name]+="$wall "; CPU[$name]+="$(echo "$user + $sys" | bc) "; RSS[$name]+="$rss "
  printf '  %-14s %7.2f s wall %7.2f s cpu %8.0f MB\n' "$name" "$wall" "$(echo "$user + $sys" | bc)" "$(echo "$rss / 1024" | bc)"
}

echo "N=$N advisories x 2 languages, $RUNS runs each, alternating; output in $WORK"
for i in $(seq "$RUNS"); do
  echo "run $i"
  # A full build: no previous site, no build cache, no parse cache.
  rm -rf "$WORK/seckb-out" "$WORK/.seckb-out.cache.json" "$WORK/parse-cache"
  run_tool seckb "$SECKB" --root "$WORK/seckb" --cache-dir "$WORK/parse-cache" build --out "$WORK/seckb-out"
  if [ -z "${SECKB_ONLY:-}" ]; then
    rm -rf "$WORK/hugo-out"
    run_tool hugo hugo -s "$WORK/corpus/hugo" -d "$WORK/hugo-out" --quiet
  fi
  # validate with the parse cache the build left, then without any.
  run_tool seckb-validate "$SECKB" --root "$WORK/seckb" --cache-dir "$WORK/parse-cache" validate
  run_tool validate-cold "$SECKB" --root "$WORK/seckb" --no-cache validate
  # The floor: the same files and bytes, written by tar from an archive in memory.
  if [ "$i" = 1 ]; then tar -C "$WORK/seckb-out" -cf "$WORK/floor.tar" .; fi
  rm -rf "$WORK/floor-out"; mkdir -p "$WORK/floor-out"
  run_tool floor tar -C "$WORK/floor-out" -xf "$WORK/floor.tar"
done

med() { echo "$1" | tr ' ' '\n' | grep . | median; }
echo
echo "medians (N=$N, $(nproc) cores, $(uname -r)):"
for t in seckb hugo seckb-validate validate-cold floor; do
  [ -n "${WALL[$t]:-}" ] || continue
  printf '  %-14s %7.2f s wall %7.2f s cpu %8.0f MB peak\n' "$t" "$(med "${WALL[$t]}")" "$(med "${CPU[$t]}")" "$(echo "$(med "${RSS[$t]}") / 1024" | bc)"
done
echo "  seckb wrote $(tree_stats "$WORK/seckb-out")"
[ -d "$WORK/hugo-out" ] && echo "  hugo  wrote $(tree_stats "$WORK/hugo-out")"
if [ -n "${WALL[hugo]:-}" ]; then
  echo "  hugo/seckb wall: $(echo "scale=1; $(med "${WALL[hugo]}") / $(med "${WALL[seckb]}")" | bc)x," \
    "peak memory: $(echo "scale=1; $(med "${RSS[hugo]}") / $(med "${RSS[seckb]}")" | bc)x"
fi
echo "  seckb/floor wall: $(echo "scale=1; $(med "${WALL[seckb]}") / $(med "${WALL[floor]}")" | bc)x"
