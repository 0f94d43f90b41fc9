# Sourced by the benchmark scripts, with N, REPO, SHARED, WORK and SECKB set: generates the
# synthetic corpus of N advisories once (../shared/bench/gen_corpus.py) and imports it into
# a copy of bench/skeleton/ at $WORK/seckb.
mkdir -p "$WORK"
if [ ! -f "$WORK/.corpus-done" ]; then
  python3 "$SHARED/bench/gen_corpus.py" "$N" "$WORK/corpus" >/dev/null
  rm -rf "$WORK/seckb"
  cp -r "$REPO/bench/skeleton" "$WORK/seckb"
  "$SECKB" --root "$WORK/seckb" import technet "$WORK/corpus/technet" >/dev/null 2>&1
  touch "$WORK/.corpus-done"
fi
