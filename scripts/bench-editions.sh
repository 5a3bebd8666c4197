#!/usr/bin/env bash
# Build time of a story with three editions (en, az, ru) against the same
# story with one, side by side in one hyperfine run: the default story (whose
# translations are real) and the synthetic M story (given stand-in
# translations by scripts/add-editions.py). Output goes to tmpfs.
#
# Usage: scripts/bench-editions.sh [--runs N]
# Needs: hyperfine (Debian: apt-get install -y hyperfine).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=20
[ "${1:-}" = "--runs" ] && runs="$2"
command -v hyperfine >/dev/null || { echo "missing hyperfine: apt-get install -y hyperfine" >&2; exit 1; }
cargo build --release --quiet
cargo build --release --quiet --example gen_story
bin=target/release/explainer
work=target/bench-editions
out=/dev/shm/explainer-bench-editions
rm -rf "$work" "$out"
mkdir -p "$work" "$out"

# The default story, in three editions and in English alone.
cp -r content "$work/default-3"
mkdir -p "$work/default-1"
cp -r content "$work/default-1/"
find "$work/default-1/content" -name '*.az.*' -delete
find "$work/default-1/content" -name '*.ru.*' -delete
python3 - "$work/default-1/content/site.toml" <<'PY'
import sys
path = sys.argv[1]
text = open(path).read()
open(path, "w").write(text.split("\n[languages.")[0] + "\n")
PY
mkdir -p "$work/d3" && mv "$work/default-3" "$work/d3/content"
mv "$work/default-1" "$work/d1"

target/release/examples/gen_story --size M --out "$work/m1" >/dev/null
cp -r "$work/m1" "$work/m3"
python3 scripts/add-editions.py "$work/m3" az ru

for story in d1 d3 m1 m3; do
    "$bin" build --root "$work/$story" --output "$out/$story" --force >/dev/null
done
hyperfine --warmup 2 --runs "$runs" -N \
    -n "default, 1 language" "$bin build --root $work/d1 --output $out/d1 --swap" \
    -n "default, 3 languages" "$bin build --root $work/d3 --output $out/d3 --swap" \
    -n "M, 1 language" "$bin build --root $work/m1 --output $out/m1 --swap" \
    -n "M, 3 languages" "$bin build --root $work/m3 --output $out/m3 --swap" \
    --export-markdown "$work/editions.md"
cat "$work/editions.md"
