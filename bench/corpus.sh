# Sourced by the benchmark scripts after they read N: sets REPO, SHARED, WORK and SECKB (a
# copy of the release binary, so that a rebuild during the run cannot change it), then
# generates the synthetic corpus of N advisories once (../shared/bench/gen_corpus.py) and
# imports it into a copy of bench/skeleton/ at $WORK/seckb.
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SHARED="${SECKB_SHARED:-$(cd "$REPO/.." && pwd)/shared}"
BENCH_DIR="${BENCH_DIR:-/dev/shm/seckb-bench}"
WORK="$BENCH_DIR/$N"
# SECKB_BIN=path measures that binary instead (an older build, for an A/B run: alternate
# the two in one session, e.g. `SECKB_BIN=old bench/incremental.sh N; bench/incremental.sh N`).
mkdir -p "$WORK"
SECKB="$WORK/seckb-bin"
if [ -n "${SECKB_BIN:-}" ]; then
  cp "$SECKB_BIN" "$SECKB"
else
  (cd "$REPO" && cargo build --release --quiet)
  cp "$REPO/target/release/seckb" "$SECKB"
fi
if [ ! -f "$WORK/.corpus-done" ]; then
  python3 "$SHARED/bench/gen_corpus.py" "$N" "$WORK/corpus" >/dev/null
  rm -rf "$WORK/seckb"
  cp -r "$REPO/bench/skeleton" "$WORK/seckb"
  "$SECKB" --root "$WORK/seckb" import technet "$WORK/corpus/technet" >/dev/null 2>&1
  touch "$WORK/.corpus-done"
fi
