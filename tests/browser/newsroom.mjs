// Drives headless Chromium over a built site served with the headers of its own
// `_headers` file, and over a page of another origin that frames its embed.
//
// Usage: node newsroom.mjs --site DIR --mount /path/ [--chromium PATH]
//
// Reports facts as JSON, judged by tests/browser.rs: for every HTML page, the
// Content-Security-Policy it was served with and every `securitypolicyviolation`
// it raised; for the timeline's embed in an iframe on another origin, every
// message it posted to the page around it.

import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import { FLAGS, TYPES, htmlPages } from './pages.mjs';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');

function args() {
  const out = { chromium: '/usr/bin/chromium' };
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i += 2) out[argv[i].replace(/^--/, '')] = argv[i + 1];
  for (const key of ['site', 'mount']) if (!out[key]) throw new Error(`missing --${key}`);
  return out;
}

/** The rules of a `_headers` file: a path (with `*` for any rest), then its headers. */
function readHeaders(file) {
  const rules = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim() || line.startsWith('#')) continue;
    if (line.startsWith(' ')) {
      const [name, ...value] = line.trim().split(':');
      rules[rules.length - 1].headers.push([name.trim(), value.join(':').trim()]);
    } else {
      rules.push({ path: line.trim(), headers: [] });
    }
  }
  return rules;
}

/** The headers of every rule a path matches, merged as Netlify and Cloudflare do. */
function headersFor(rules, path) {
  const merged = {};
  for (const rule of rules) {
    const hit = rule.path.endsWith('*') ? path.startsWith(rule.path.slice(0, -1)) : rule.path === path;
    if (!hit) continue;
    for (const [name, value] of rule.headers) {
      const key = name.toLowerCase();
      merged[key] = merged[key] ? `${merged[key]}, ${value}` : value;
    }
  }
  return merged;
}

function serveSite(site, mount, rules) {
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    if (!url.pathname.startsWith(mount)) {
      res.writeHead(404);
      return res.end();
    }
    const path = normalize(join(site, decodeURIComponent(url.pathname.slice(mount.length))));
    if (path !== site && !path.startsWith(site + sep)) {
      res.writeHead(404);
      return res.end();
    }
    let file = path;
    try {
      if (statSync(file).isDirectory()) file = join(file, 'index.html');
      const body = readFileSync(file);
      const headers = headersFor(rules, url.pathname);
      // `?strict`: the policy without style attributes, to show that violations are seen.
      if (url.searchParams.has('strict') && headers['content-security-policy']) {
        headers['content-security-policy'] = headers['content-security-policy'].replace("style-src-attr 'unsafe-inline'; ", '');
      }
      res.writeHead(200, {
        ...headers,
        'content-type': TYPES[extname(file)] || 'application/octet-stream',
        'cache-control': 'no-store',
      });
      res.end(body);
    } catch {
      res.writeHead(404);
      res.end();
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** Another origin (`localhost`, not `127.0.0.1`): a page with the embed in an iframe. */
function serveHost(embedUrl) {
  const page = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Host</title>
<script>window.received = []; addEventListener('message', (e) => received.push({ origin: e.origin, data: e.data }));</script>
</head><body><h1>An article</h1>
<div id="example"><iframe src="${embedUrl}?childId=example" title="Timeline" width="100%" height="300" style="border:0"></iframe></div>
</body></html>`;
  const server = createServer((req, res) => {
    res.writeHead(200, { 'content-type': TYPES['.html'] });
    res.end(page);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function main() {
  const opts = args();
  const site = normalize(opts.site);
  const rules = readHeaders(join(site, '_headers'));
  const server = await serveSite(site, opts.mount, rules);
  const origin = `http://127.0.0.1:${server.address().port}`;
  const embedUrl = `${origin}${opts.mount}embed/timeline/`;
  const host = await serveHost(embedUrl);
  const browser = await chromium.launch({ executablePath: opts.chromium, headless: true, args: FLAGS });
  const report = { pages: [], strict_violations: [], embed: null };
  try {
    const context = await browser.newContext();
    await context.addInitScript(() => {
      window.violations = [];
      document.addEventListener('securitypolicyviolation', (e) => {
        window.violations.push(`${e.effectiveDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`);
      });
    });
    const page = await context.newPage();
    for (const path of htmlPages(site)) {
      if (path === '404.html') continue;
      const address = origin + opts.mount + path.replace(/index\.html$/, '');
      const console = [];
      const onConsole = (msg) => {
        if (msg.type() === 'error') console.push(msg.text());
      };
      page.on('console', onConsole);
      const response = await page.goto(address, { waitUntil: 'load' });
      // Reports are dispatched after the load: give them a moment.
      await page.waitForTimeout(50);
      const violations = await page.evaluate(() => window.violations);
      page.off('console', onConsole);
      report.pages.push({
        path,
        policy: response.headers()['content-security-policy'] ?? null,
        violations,
        console,
      });
    }
    await page.goto(`${origin}${opts.mount}actors/?strict`, { waitUntil: 'load' });
    await page.waitForTimeout(50);
    report.strict_violations = await page.evaluate(() => window.violations);
    const hostPage = await context.newPage();
    await hostPage.goto(`http://localhost:${host.address().port}/`, { waitUntil: 'load' });
    const wanted = (list) =>
      list.some((m) => typeof m.data === 'string' && m.data.startsWith('xPYMx')) &&
      list.some((m) => m.data && m.data['datawrapper-height']) &&
      list.some((m) => m.data && m.data.sentinel === 'amp');
    let received = [];
    for (let i = 0; i < 50 && !wanted(received); i += 1) {
      await hostPage.waitForTimeout(100);
      received = await hostPage.evaluate(() => window.received);
    }
    const frame = hostPage.frames().find((f) => f.url().startsWith(embedUrl));
    report.embed = {
      origin,
      frame_url: frame ? frame.url() : null,
      frame_text: frame ? await frame.evaluate(() => document.body.innerText.length) : 0,
      document_height: frame ? await frame.evaluate(() => Math.ceil(document.documentElement.getBoundingClientRect().height)) : 0,
      received,
    };
  } finally {
    await browser.close();
    server.close();
    host.close();
  }
  process.stdout.write(JSON.stringify(report));
}

main().catch((error) => {
  process.stderr.write(`${error.stack || error}\n`);
  process.exit(1);
});
