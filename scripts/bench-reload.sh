#!/usr/bin/env bash
# Benchmark of `explainer serve`: save-to-reload-event latency on the default
# story and on a synthetic 1,000-event story. Not a test: it prints figures.
#
# Usage: scripts/bench-reload.sh [SAVES]   (default 60 saves per story)
# The benchmark itself is scripts/bench-reload.rs (standard library only).
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --release --quiet
target_dir=$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
bench="$target_dir/release/bench-reload"
rustc --edition 2024 -O scripts/bench-reload.rs -o "$bench"
"$bench" "$target_dir/release/explainer" "$PWD" "${1:-60}"
