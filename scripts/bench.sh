#!/usr/bin/env bash
# Whole-process figures for `explainer build` on the synthetic S, M and L
# stories: wall time (median, hyperfine), CPU time (user + system, mean),
# peak RSS (median of /usr/bin/time runs), pages and output bytes; then the
# serve loop's edit-to-reload latency on S and M (`cargo bench`, unless
# --no-reload). Prints a Markdown table to paste into docs/performance.md.
#
# Usage: scripts/bench.sh [--sizes "S M L"] [--runs N] [--out DIR] [--no-reload]
#   --runs N   hyperfine runs per size (default: 20 for S, 10 for M, 5 for L)
#   --out DIR  where the built sites go (default: beside the stories, on disk;
#              --out /dev/shm/explainer-bench takes the disk out of the figures)
#   EXPLAINER=/path/to/explainer scripts/bench.sh   measures that binary instead
#   of this tree's release build (to compare a patch; the reload step still
#   uses this tree).
# Needs: hyperfine and GNU time (Debian: apt-get install -y hyperfine time).
# The stories go to target/bench-stories/ (generated once, deterministic).
set -euo pipefail
cd "$(dirname "$0")/.."

sizes="S M L"
runs=""
outputs=""
reload=1
while [ $# -gt 0 ]; do
    case "$1" in
        --sizes) sizes="$2"; shift 2 ;;
        --runs) runs="$2"; shift 2 ;;
        --out) outputs="$2"; shift 2 ;;
        --no-reload) reload=0; shift ;;
        -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
        *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
done
for tool in hyperfine /usr/bin/time; do
    command -v "$tool" >/dev/null || { echo "missing $tool: apt-get install -y hyperfine time" >&2; exit 1; }
done

if [ -n "${EXPLAINER:-}" ]; then
    cargo build --release --quiet --example gen_story
else
    cargo build --release --quiet --bin explainer --example gen_story
fi
target=$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
explainer="${EXPLAINER:-$target/release/explainer}"
stories="$target/bench-stories"
outputs="${outputs:-$stories}"
mkdir -p "$stories" "$outputs"

# Anchors measured on this machine (issue 9): Zola 0.22.1 and Hugo 0.111.
anchor() {
    case "$1" in
        S) echo "Zola 62 ms / 34 MiB; Hugo 104 ms / 54 MiB" ;;
        M) echo "Zola 1.20 s / 158 MiB; Hugo 0.91 s / 110 MiB" ;;
        L) echo "Zola 14.0 s / 1,291 MiB; Hugo 7.5 s / 574 MiB" ;;
    esac
}
default_runs() {
    case "$1" in S) echo 20 ;; M) echo 10 ;; *) echo 5 ;; esac
}
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores; $($explainer --version 2>/dev/null || echo explainer)"
rows=()
declare -A wall
for size in $sizes; do
    root="$stories/$size"
    if [ ! -f "$root/content/site.toml" ]; then
        rm -rf "$root"
        "$target/release/examples/gen_story" --size "$size" --out "$root" >/dev/null
    fi
    if ! "$explainer" check --root "$root" 2>&1 | grep -q "^No problems found"; then
        echo "the $size story is not clean:" >&2
        "$explainer" check --root "$root" >&2 || true
        exit 1
    fi
    out="$outputs/$size-public"
    n="${runs:-$(default_runs "$size")}"
    csv="$stories/$size-hyperfine.csv"
    # `check` renders every page in memory and writes nothing: the CPU side of
    # a build, and what serve does on each save.
    hyperfine --style basic --warmup 1 --runs "$n" --export-csv "$csv" \
        "$explainer build --root $root --output $out" "$explainer check --root $root" >&2
    # command,mean,stddev,median,user,system,min,max (seconds); a row per command
    read -r median_s user_s system_s < <(awk -F, 'NR == 2 { print $4, $5, $6 }' "$csv")
    check_s=$(awk -F, 'NR == 3 { print $4 }' "$csv")
    wall[$size]=$median_s
    rss_runs=$(( n < 5 ? n : 5 ))
    rss_kib=$(for _ in $(seq "$rss_runs"); do
        /usr/bin/time -f "%M" "$explainer" build --root "$root" --output "$out" 2>&1 >/dev/null | tail -1
    done | median)
    summary=$("$explainer" build --root "$root" --output "$out")
    pages=$(sed -n 's/^Built \([0-9]*\) pages.*/\1/p' <<<"$summary")
    files=$(find "$out" -type f | wc -l)
    bytes=$(find "$out" -type f -printf '%s\n' | awk '{ s += $1 } END { print s }')
    rows+=("$(awk -v s="$size" -v w="$median_s" -v u="$user_s" -v y="$system_s" -v c="$check_s" \
        -v r="$rss_kib" -v p="$pages" -v f="$files" -v b="$bytes" -v a="$(anchor "$size")" 'BEGIN {
        printf "| %s | %.0f ms | %.0f ms | %.0f ms | %.0f MiB | %d | %d | %.1f MiB | %s |", s, w * 1000, (u + y) * 1000, c * 1000, r / 1024, p, f, b / 1048576, a }')")
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| size | build wall (median) | build CPU (user + sys) | check wall (median) | peak RSS | pages | files written | output | anchors (time / RSS) |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
printf '%s\n' "${rows[@]}"
if [ -n "${wall[M]:-}" ] && [ -n "${wall[L]:-}" ]; then
    awk -v m="${wall[M]}" -v l="${wall[L]}" 'BEGIN { printf "\nL/M wall-time ratio: %.1f (linear would be about 10; the target is at most 11)\n", l / m }'
fi

if [ "$reload" = 1 ]; then
    echo
    echo "edit-to-reload (one changed event; save -> reload event -> fresh page):"
    cargo bench --quiet --bench build -- edit_to_reload
fi
