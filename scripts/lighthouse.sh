#!/usr/bin/env bash
# Lighthouse scores of the default story: a report for people, not a test.
#
# Builds the default story (or STORY's) with its base URL set to a local server, serves it with
# python3 on 127.0.0.1, runs Lighthouse 12.2.3 (mobile preset: its default) with
# Debian's Chromium on the story, the timeline, one event and one actor page, and
# prints the four category scores per page, then every audit that kept a category
# below 100, from the run with the median performance score of RUNS runs per page.
# Targets: 100 in accessibility, best practices and SEO; 98+ in performance.
#
# Usage: scripts/lighthouse.sh [PAGE...]   (paths under the site root, e.g. timeline/)
# Env:   CHROMIUM (default: chromium on PATH), PORT (default: a free one),
#        RUNS (default 3), KEEP=DIR to keep the JSON reports in DIR,
#        STORY=DIR to measure another story folder, like one from examples/gen_story.rs:
#        STORY=/tmp/story-m scripts/lighthouse.sh timeline/ timeline/2013/ sources/
set -euo pipefail
cd "$(dirname "$0")/.."

# A free port unless told: another server may hold any fixed one.
port=${PORT:-$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
chromium=${CHROMIUM:-$(command -v chromium || true)}
if [ -z "$chromium" ]; then
  echo "lighthouse.sh: no chromium (Debian: apt-get install chromium)" >&2
  exit 1
fi
lh=tests/browser/lighthouse
if [ ! -x "$lh/node_modules/.bin/lighthouse" ]; then
  npm ci --prefix "$lh" --ignore-scripts --no-audit --no-fund --loglevel=error
fi

pages=("$@")
if [ ${#pages[@]} -eq 0 ]; then
  pages=("" "timeline/" "events/brothers-die-in-custody/" "actors/russia/")
fi

work=$(mktemp -d)
server=
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

base="http://127.0.0.1:$port/"
cargo run -q -- build --root "${STORY:-.}" --output "$work/site" --base-url "$base" >&2
python3 -m http.server --bind 127.0.0.1 --directory "$work/site" "$port" >/dev/null 2>&1 &
server=$!
for _ in $(seq 50); do
  if python3 -c "import urllib.request; urllib.request.urlopen('$base')" 2>/dev/null; then break; fi
  if ! kill -0 "$server" 2>/dev/null; then
    echo "lighthouse.sh: the server could not start on 127.0.0.1:$port" >&2
    exit 1
  fi
  sleep 0.1
done

flags="--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run"
flags="$flags --disable-background-networking --disable-component-update --disable-sync"
flags="$flags --disable-dev-shm-usage"
reports=${KEEP:-$work/reports}
mkdir -p "$reports"
runs=${RUNS:-3}
for page in "${pages[@]}"; do
  name=$(printf '%s' "${page:-story}" | tr '/' '-' | sed 's/-$//')
  for run in $(seq "$runs"); do
    # Each run gets a fresh profile from chrome-launcher.
    CHROME_PATH="$chromium" "$lh/node_modules/.bin/lighthouse" "$base$page" \
      --quiet --output=json --output-path="$reports/$name-$run.json" \
      --only-categories=performance,accessibility,best-practices,seo \
      --chrome-flags="$flags" >&2
  done
done

node - "$reports" "$runs" "${pages[@]}" <<'EOF'
const fs = require('fs');
const [dir, runs, ...pages] = process.argv.slice(2);
const cats = ['performance', 'accessibility', 'best-practices', 'seo'];
const rows = [];
const below = [];
for (const page of pages) {
  const name = (page || 'story').replace(/\//g, '-').replace(/-$/, '');
  // The run with the median performance score stands for the page (Lighthouse's own
  // advice: performance varies from run to run with the machine's load).
  const all = Array.from({ length: Number(runs) }, (_, i) =>
    JSON.parse(fs.readFileSync(`${dir}/${name}-${i + 1}.json`, 'utf8')),
  ).sort((a, b) => a.categories.performance.score - b.categories.performance.score);
  const r = all[Math.floor((all.length - 1) / 2)];
  const score = (c) => Math.round(r.categories[c].score * 100);
  const perf = all.map((x) => Math.round(x.categories.performance.score * 100));
  rows.push([`/${page}`, ...cats.map(score), perf.join(' ')]);
  for (const c of cats) {
    for (const ref of r.categories[c].auditRefs) {
      const a = r.audits[ref.id];
      if (ref.weight > 0 && a.score !== null && a.score < 1) {
        const value = a.displayValue ? ` (${a.displayValue})` : '';
        below.push(`/${page} ${c}: ${a.id} ${Math.round(a.score * 100)}${value}: ${a.title}`);
      }
    }
  }
  if (rows.length === 1) console.log(`Lighthouse ${r.lighthouseVersion}, ${r.environment.hostUserAgent.match(/Chrome\/[\d.]+/)[0]}, ${r.configSettings.formFactor}`);
}
const width = Math.max(...rows.map((r) => r[0].length));
console.log(`${'page'.padEnd(width)}  perf  a11y  best   seo   (perf of each run)`);
for (const [page, ...s] of rows) {
  const runs = s.pop();
  console.log(`${page.padEnd(width)}  ${s.map((n) => String(n).padStart(4)).join('  ')}   (${runs})`);
}
if (below.length) {
  console.log('\nAudits below 100:');
  for (const line of below) console.log(`  ${line}`);
}
EOF
