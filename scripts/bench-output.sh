#!/usr/bin/env bash
# Issue 17's table, measured side by side in one run: what a build writes and how
# long it takes, for three builders of the same story, on tmpfs and on the disk.
#   NEW   this tree's release build (writes only the files whose bytes changed)
#   OLD   explainer at f384eb3, the last commit before the output manifest
#         (every build writes a whole new sibling folder and swaps it in)
#   Hugo  the `hugo` on PATH, building the story's twin (benches/hugo/twin.py)
# For each size and file system: (1) fresh build into an empty folder: wall
# (median) and CPU (user + sys, mean), the three tools taking turns, the output
# removed before each build (scripts/turns.py; three times --runs rounds after a
# warm-up round); (2) rebuild over the previous output with nothing changed: wall, and the
# files whose inode or mtime changed or that are new (find -printf '%i %T@ %p',
# before and after, nothing excluded); (3) the same after one event's title
# changed (it alternates between two titles, so every run is a real change; Hugo's
# twin gets the same edit); then (4) peak RSS of a fresh build on tmpfs
# (/usr/bin/time %M, median of 3). Prints a Markdown table at the end.
#
# Usage: scripts/bench-output.sh [--sizes "M L"] [--runs N] [--fs "tmpfs disk"]
#            [--tmpfs DIR] [--disk DIR] [--old PATH] [--no-hugo]
#   --sizes     story sizes of examples/gen_story (default "M L")
#   --runs N    hyperfine runs per measure (default: 10 for S, 5 for M, 3 for L;
#               fresh builds take three times as many rounds)
#   --fs        which file systems to measure on (default "tmpfs disk")
#   --tmpfs DIR where outputs go on tmpfs (default /dev/shm/explainer-bench-output)
#   --disk DIR  where outputs go on the disk (default target/bench-output/out)
#   --old PATH  the OLD binary (default target/bench-output/explainer-f384eb3,
#               built from commit f384eb3 in a temporary worktree when missing)
#   --no-hugo   leave Hugo out
#   EXPLAINER=/path/to/explainer measures that binary as NEW.
# Needs: hyperfine, GNU time, hugo, python3 >= 3.11 (Debian: apt-get install -y
# hyperfine time hugo). Stories and twins go to target/bench-output/ (generated
# once; the edited title is restored at the end). Took 17.5 minutes for M and
# L on the shared 2-core machine (load 4-5), most of it Hugo's and OLD's builds on
# the disk. Disk figures include no sync: data may still be in the page cache.
set -euo pipefail
export LC_ALL=C
cd "$(dirname "$0")/.."

sizes="M L"
runs=""
filesystems="tmpfs disk"
tmpfs_dir=/dev/shm/explainer-bench-output
disk_dir=""
old=""
hugo=1
old_commit=f384eb3
while [ $# -gt 0 ]; do
    case "$1" in
        --sizes) sizes="$2"; shift 2 ;;
        --runs) runs="$2"; shift 2 ;;
        --fs) filesystems="$2"; shift 2 ;;
        --tmpfs) tmpfs_dir="$2"; shift 2 ;;
        --disk) disk_dir="$2"; shift 2 ;;
        --old) old="$2"; shift 2 ;;
        --no-hugo) hugo=0; shift ;;
        -h|--help) sed -n '2,32p' "$0"; exit 0 ;;
        *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
done
tools=(hyperfine /usr/bin/time python3)
[ "$hugo" = 1 ] && tools+=(hugo)
for tool in "${tools[@]}"; do
    command -v "$tool" >/dev/null || { echo "missing $tool: apt-get install -y hyperfine time hugo python3" >&2; exit 1; }
done
python3 -c 'import tomllib' 2>/dev/null || { echo "python3 >= 3.11 needed (tomllib)" >&2; exit 1; }

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
if [ -n "${EXPLAINER:-}" ]; then
    cargo build --release --quiet --example gen_story
else
    cargo build --release --quiet --bin explainer --example gen_story
fi
target=$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
base="$target/bench-output"
new="${EXPLAINER:-$target/release/explainer}"
# OLD's name in the report: the commit it is built from, or the binary given.
old_label="$old_commit"
[ -n "$old" ] && old_label="the binary given with --old"
old="${old:-$base/explainer-$old_commit}"
disk_dir="${disk_dir:-$base/out}"
stories="$base/stories"
twins="$base/twins"
mkdir -p "$base" "$stories" "$twins" "$tmpfs_dir" "$disk_dir"
# Absolute paths: Hugo reads a relative --destination from its --source.
tmpfs_dir=$(realpath "$tmpfs_dir")
disk_dir=$(realpath "$disk_dir")

if [ ! -x "$old" ]; then
    echo "building OLD ($old_commit) into $old" >&2
    tree=$(mktemp -d)
    git worktree add --detach "$tree/old" "$old_commit" >&2
    CARGO_TARGET_DIR="$base/old-target" cargo build --release --quiet \
        --manifest-path "$tree/old/Cargo.toml" --bin explainer
    cp "$base/old-target/release/explainer" "$old"
    git worktree remove --force "$tree/old"
    rmdir "$tree"
fi

default_runs() {
    case "$1" in S) echo 10 ;; M) echo 5 ;; *) echo 3 ;; esac
}
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
snapshot() { find "$1" -type f -printf '%i %T@ %p\n' | sort; }
# Files of the second snapshot that are new or whose inode or mtime changed.
touched() { comm -13 "$1" "$2" | wc -l; }
fs_dir() { if [ "$1" = tmpfs ]; then echo "$tmpfs_dir"; else echo "$disk_dir"; fi; }

names=(NEW OLD)
[ "$hugo" = 1 ] && names+=(Hugo)
# The command that builds story $2 (twin $3) into $4 with tool $1.
command_for() {
    case "$1" in
        NEW) echo "$new build --root $2 --output $4" ;;
        OLD) echo "$old build --root $2 --output $4" ;;
        Hugo) echo "hugo --source $3 --destination $4 --quiet --noBuildLock" ;;
    esac
}
# The edit a tool sees: the story for explainer, the twin for Hugo.
edit_for() {
    case "$1" in
        Hugo) echo "python3 benches/hugo/twin.py --edit $3 $5 toggle" ;;
        *) echo "python3 benches/hugo/twin.py --edit $2 $5 toggle" ;;
    esac
}
hf() { # hyperfine ... ; prints "median user system" in seconds
    local csv="$base/hyperfine.csv"
    hyperfine --style basic --export-csv "$csv" "$@" >&2
    awk -F, 'NR == 2 { print $4, $5, $6 }' "$csv"
}

declare -A result   # key: size|fs|measure|tool
declare -A files    # key: size|fs|tool -> files in a full output
for size in $sizes; do
    story="$stories/$size"
    twin="$twins/$size"
    if [ ! -f "$story/content/site.toml" ] || [ ! -f "$stories/$size.gen" ]; then
        rm -rf "$story"
        "$target/release/examples/gen_story" --size "$size" --out "$story" >"$stories/$size.gen"
    fi
    event=$(sed -n 's/^an event to edit: `\([^`]*\)`.*/\1/p' "$stories/$size.gen")
    [ -n "$event" ] || { echo "no event to edit in $stories/$size.gen" >&2; exit 1; }
    python3 benches/hugo/twin.py --edit "$story" "$event" restore >/dev/null
    if ! "$new" check --root "$story" 2>&1 | grep -q "^No problems found"; then
        echo "the $size story is not clean:" >&2
        "$new" check --root "$story" >&2 || true
        exit 1
    fi
    if [ "$hugo" = 1 ]; then
        rm -rf "$twin"
        python3 benches/hugo/twin.py "$story" "$twin" >&2
    fi
    n="${runs:-$(default_runs "$size")}"
    for fs in $filesystems; do
        dir=$(fs_dir "$fs")
        mkdir -p "$dir"
        # 1. Fresh build into an empty folder: the tools take turns
        # (scripts/turns.py), so a drift of the host's speed lands on all.
        turns=()
        for tool in "${names[@]}"; do
            out="$dir/$size-$tool"
            turns+=("$tool" "$out" "$(command_for "$tool" "$story" "$twin" "$out")")
        done
        echo "== $size, $fs: fresh builds, ${names[*]} taking turns, $((3 * n)) rounds" >&2
        while read -r tool wall user system; do
            result["$size|$fs|$tool|fresh"]="$wall $user $system"
        done < <(python3 scripts/turns.py "$((3 * n))" "${turns[@]}")
        for tool in "${names[@]}"; do
            out="$dir/$size-$tool"
            cmd=$(command_for "$tool" "$story" "$twin" "$out")
            edit=$(edit_for "$tool" "$story" "$twin" "$out" "$event")
            key="$size|$fs|$tool"
            echo "== $size, $fs, $tool: $cmd" >&2
            files[$key]=$(find "$out" -type f | wc -l)
            # 2. Rebuild with nothing changed (after a build of the story as it is).
            $cmd >/dev/null
            snapshot "$out" >"$base/before"
            $cmd >/dev/null
            snapshot "$out" >"$base/after"
            result["$key|same_files"]=$(touched "$base/before" "$base/after")
            result["$key|same"]=$(hf --runs "$n" "$cmd")
            # 3. Rebuild after one event's title changed (every run a change).
            $cmd >/dev/null
            $edit
            snapshot "$out" >"$base/before"
            $cmd >/dev/null
            snapshot "$out" >"$base/after"
            result["$key|edit_files"]=$(touched "$base/before" "$base/after")
            result["$key|edit"]=$(hf --runs "$n" --prepare "$edit" "$cmd")
            python3 benches/hugo/twin.py --edit "$story" "$event" restore >/dev/null
            if [ "$hugo" = 1 ]; then python3 benches/hugo/twin.py --edit "$twin" "$event" restore >/dev/null; fi
        done
    done
    # 4. Peak RSS of a fresh build, on tmpfs.
    for tool in "${names[@]}"; do
        out="$tmpfs_dir/$size-$tool-rss"
        mkdir -p "$tmpfs_dir"
        cmd=$(command_for "$tool" "$story" "$twin" "$out")
        result["$size|rss|$tool"]=$(for _ in 1 2 3; do
            rm -rf "$out"
            /usr/bin/time -f "%M" $cmd 2>&1 >/dev/null | tail -1
        done | median)
        rm -rf "$out"
    done
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# The table.
ms() { awk -v s="$1" 'BEGIN { if (s < 1) printf "%.0f ms", s * 1000; else printf "%.2f s", s }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f×", a / b; else print "—" }'; }
num() { echo "$1" | sed ':a;s/\B[0-9]\{3\}\>/,&/;ta'; }
fs_name() { if [ "$1" = tmpfs ]; then echo "tmpfs"; else echo "disk ($(findmnt -n -o FSTYPE -T "$disk_dir"))"; fi; }
cell() { # size fs measure tool -> "wall" or "wall (CPU)"
    local r=${result["$1|$2|$4|$3"]:-}
    [ -n "$r" ] || { echo "—"; return; }
    read -r w u s <<<"$r"
    if [ "$3" = fresh ]; then
        echo "$(ms "$w") ($(ms "$(awk -v u="$u" -v s="$s" 'BEGIN { print u + s }')") CPU)"
    else
        echo "$(ms "$w")"
    fi
}
wall_of() { local r=${result["$1|$2|$4|$3"]:-}; echo "${r%% *}"; }
hugo_cell() { if [ "$hugo" = 1 ]; then "$@"; else echo "—"; fi; }

echo
echo "load average before: $load_before; after: $load_after; $(nproc) cores; $(free -g | awk '/^Mem:/ { print $2 }') GiB"
echo "NEW: $new ($(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src Cargo.toml Cargo.lock || echo ', with uncommitted changes'))"
echo "OLD: $old ($old_label)"
[ "$hugo" = 1 ] && echo "Hugo: $(hugo version)"
echo "hyperfine: $(hyperfine --version); runs: ${runs:-10 for S, 5 for M, 3 for L} per measure; fresh builds: the tools in turns, three times as many rounds after a warm-up round"
echo "tmpfs: $tmpfs_dir; disk: $disk_dir ($(findmnt -n -o FSTYPE,OPTIONS -T "$disk_dir" 2>/dev/null || stat -f -c %T "$disk_dir"))"
echo
echo "| measure | NEW | OLD | Hugo | NEW/Hugo |"
echo "| --- | --- | --- | --- | --- |"
for size in $sizes; do
    for fs in $filesystems; do
        where="$size, $(fs_name "$fs")"
        h=""; [ "$hugo" = 1 ] && h=Hugo
        echo "| fresh build into an empty folder, $where: wall median (CPU) | $(cell "$size" "$fs" fresh NEW) | $(cell "$size" "$fs" fresh OLD) | $(hugo_cell cell "$size" "$fs" fresh Hugo) | $(hugo_cell ratio "$(wall_of "$size" "$fs" fresh NEW)" "$(wall_of "$size" "$fs" fresh Hugo)") |"
        echo "| rebuild, nothing changed, $where: wall median | $(cell "$size" "$fs" same NEW) | $(cell "$size" "$fs" same OLD) | $(hugo_cell cell "$size" "$fs" same Hugo) | $(hugo_cell ratio "$(wall_of "$size" "$fs" same NEW)" "$(wall_of "$size" "$fs" same Hugo)") |"
        echo "| files touched by it (new inode or mtime, of all in the output) | $(num "${result["$size|$fs|NEW|same_files"]}") of $(num "${files["$size|$fs|NEW"]}") | $(num "${result["$size|$fs|OLD|same_files"]}") of $(num "${files["$size|$fs|OLD"]}") | $(hugo_cell eval 'echo "$(num "${result["$size|$fs|Hugo|same_files"]}") of $(num "${files["$size|$fs|Hugo"]}")"') | |"
        echo "| rebuild after one event's title changed, $where: wall median | $(cell "$size" "$fs" edit NEW) | $(cell "$size" "$fs" edit OLD) | $(hugo_cell cell "$size" "$fs" edit Hugo) | $(hugo_cell ratio "$(wall_of "$size" "$fs" edit NEW)" "$(wall_of "$size" "$fs" edit Hugo)") |"
        echo "| files touched by it | $(num "${result["$size|$fs|NEW|edit_files"]}") | $(num "${result["$size|$fs|OLD|edit_files"]}") | $(hugo_cell eval 'num "${result["$size|$fs|Hugo|edit_files"]}"') | |"
    done
    rss() { awk -v k="$1" 'BEGIN { printf "%.0f MiB", k / 1024 }'; }
    echo "| peak RSS of a fresh $size build (tmpfs, median of 3) | $(rss "${result["$size|rss|NEW"]}") | $(rss "${result["$size|rss|OLD"]}") | $(hugo_cell rss "${result["$size|rss|Hugo"]:-0}") | $(hugo_cell ratio "${result["$size|rss|NEW"]}" "${result["$size|rss|Hugo"]:-0}") |"
done
