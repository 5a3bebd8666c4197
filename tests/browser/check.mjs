// Drives headless Chromium over a built site and prints what it saw as JSON.
//
// Usage: node check.mjs --site DIR --mount /path/ --out DIR [--chromium PATH] [--jobs N]
//
// Serves DIR on 127.0.0.1 under the mount path (the path of the site's base URL, so
// the 404 page's root-absolute links resolve), visits every HTML page with one
// Chromium, and reports facts, not verdicts: console errors, requests, headings,
// the skip link, a keyboard walk, horizontal overflow per width, axe-core results in
// light and dark mode, screenshots per page type, and what is there with JavaScript
// disabled. tests/browser.rs decides what passes.

import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import { FLAGS, TYPES, htmlPages } from './pages.mjs';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');
const AXE = require.resolve('axe-core');

const WIDTHS = [320, 390, 640, 768, 1024, 1280, 1920];
const SCREENSHOT_WIDTHS = [390, 1280];
// The axe rules whose outcome a dark colour scheme can change.
const COLOUR_RULES = ['color-contrast', 'link-in-text-block'];
// The axe rules whose outcome a narrow (390 px) layout can change.
const LAYOUT_RULES = ['color-contrast', 'target-size', 'scrollable-region-focusable', 'meta-viewport'];
function args() {
  const out = { chromium: '/usr/bin/chromium', jobs: '2' };
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, '');
    if (argv[i + 1] === undefined) throw new Error(`missing value for ${argv[i]}`);
    out[key] = argv[i + 1];
  }
  for (const key of ['site', 'mount', 'out']) {
    if (!out[key]) throw new Error(`missing --${key}`);
  }
  if (!out.mount.startsWith('/') || !out.mount.endsWith('/')) {
    throw new Error('--mount must start and end with /');
  }
  return out;
}

/**
 * The kind of page at a path of the output folder: story, 404, timeline, actors,
 * event, actor, or for pages added later the folder's name (`sources`, `sources-item`).
 */
function pageType(path) {
  if (path === 'index.html') return 'story';
  if (path === '404.html') return '404';
  const parts = path.split('/');
  // Embeds: `embed` (the timeline's), `embed-actor`, `embed-tag`.
  if (parts[0] === 'embed') return parts.length === 3 ? 'embed' : `embed-${parts[1].replace(/s$/, '')}`;
  if (parts.length === 2 && parts[1] === 'index.html') return parts[0];
  if (parts.length === 3 && parts[2] === 'index.html') {
    return { events: 'event', actors: 'actor' }[parts[0]] ?? `${parts[0]}-item`;
  }
  return path;
}

/** A static server like a plain web host: index.html for folders, 404.html when missing. */
function serve(site, mount) {
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    const notFound = () => {
      let body = 'not found';
      let type = 'text/plain; charset=utf-8';
      try {
        body = readFileSync(join(site, '404.html'));
        type = TYPES['.html'];
      } catch {}
      res.writeHead(404, { 'content-type': type });
      res.end(body);
    };
    if (!url.pathname.startsWith(mount)) return notFound();
    let rel;
    try {
      rel = decodeURIComponent(url.pathname.slice(mount.length));
    } catch {
      return notFound();
    }
    const path = normalize(join(site, rel));
    if (path !== site && !path.startsWith(site + sep)) return notFound();
    let file = path;
    try {
      if (statSync(file).isDirectory()) {
        if (!url.pathname.endsWith('/')) {
          res.writeHead(301, { location: url.pathname + '/' });
          return res.end();
        }
        file = join(file, 'index.html');
      }
      const body = readFileSync(file);
      res.writeHead(200, {
        'content-type': TYPES[extname(file)] || 'application/octet-stream',
        'cache-control': 'no-store',
      });
      res.end(body);
    } catch {
      notFound();
    }
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

/** Console errors, uncaught exceptions and requests of a page while `action` runs. */
async function watch(page, origin, action) {
  const seen = { console: [], failed: [], third_party: [], requests: 0, status: null };
  const onConsole = (msg) => {
    if (msg.type() === 'error') seen.console.push(`console.error: ${msg.text()}`);
  };
  const onError = (err) => seen.console.push(`uncaught: ${err.message}`);
  const onRequest = (req) => {
    seen.requests += 1;
    const url = req.url();
    if (url.startsWith('data:') || url === 'about:blank') return;
    if (new URL(url).origin !== origin) seen.third_party.push(url);
  };
  const onFailed = (req) => {
    // A request cancelled by the next navigation (a late favicon) is not a failure;
    // a missing file shows up as an HTTP error status below.
    if (req.failure()?.errorText === 'net::ERR_ABORTED') return;
    seen.failed.push(`${req.url()}: ${req.failure()?.errorText ?? 'failed'}`);
  };
  const onResponse = (res) => {
    if (res.status() >= 400) seen.failed.push(`${res.url()}: HTTP ${res.status()}`);
  };
  page.on('console', onConsole);
  page.on('pageerror', onError);
  page.on('request', onRequest);
  page.on('requestfailed', onFailed);
  page.on('response', onResponse);
  try {
    const response = await action();
    seen.status = response ? response.status() : null;
  } finally {
    page.off('console', onConsole);
    page.off('pageerror', onError);
    page.off('request', onRequest);
    page.off('requestfailed', onFailed);
    page.off('response', onResponse);
  }
  return seen;
}

/** Headings, language, title and the shape of the document, read in the page. */
function structure() {
  const text = (el) => (el ? el.textContent.replace(/\s+/g, ' ').trim() : null);
  const main = document.querySelector('main');
  const sheets = [...document.styleSheets].map((s) => {
    try {
      return s.cssRules.length;
    } catch {
      return 0;
    }
  });
  return {
    lang: document.documentElement.getAttribute('lang'),
    title: document.title,
    h1: [...document.querySelectorAll('h1')].map(text),
    main_count: document.querySelectorAll('main').length,
    main_id: main ? main.id : null,
    main_text_length: main ? text(main).length : 0,
    stylesheet_rules: sheets.reduce((a, b) => a + b, 0),
    scripts: document.scripts.length,
    positive_tabindex: [...document.querySelectorAll('[tabindex]')]
      .filter((el) => el.tabIndex > 0)
      .map((el) => el.outerHTML.slice(0, 120)),
  };
}

/** A short, readable name for an element. */
function describeInPage() {
  window.__describe = (el) => {
    if (!el) return 'nothing';
    if (el === document.body) return 'body';
    let name = el.tagName.toLowerCase();
    if (el.id) name += `#${el.id}`;
    if (el.classList.length) name += '.' + [...el.classList].join('.');
    const label = (el.textContent || '').replace(/\s+/g, ' ').trim().slice(0, 50);
    return label ? `${name} "${label}"` : name;
  };
}

/** Tab from the top: the first stop must be the skip link, Enter must focus main. */
async function skipLink(page) {
  await page.evaluate(() => {
    document.activeElement?.blur();
    window.scrollTo(0, 0);
  });
  await page.keyboard.press('Tab');
  const first = await page.evaluate(() => {
    const el = document.activeElement;
    const r = el.getBoundingClientRect();
    return {
      element: window.__describe(el),
      is_skip_link: el.matches('a.skip-link, a[href="#main"]'),
      href: el.getAttribute('href'),
      visible: r.width > 0 && r.height > 0 && r.top >= 0 && r.bottom <= innerHeight,
    };
  });
  if (!first.is_skip_link) return { ...first, focused_after_enter: null, next_stop_in_main: null };
  await page.keyboard.press('Enter');
  const afterEnter = await page.evaluate(() => ({
    focused: window.__describe(document.activeElement),
    is_main: document.activeElement === document.querySelector('main'),
  }));
  await page.keyboard.press('Tab');
  const next = await page.evaluate(() => {
    const main = document.querySelector('main');
    const el = document.activeElement;
    const hasStop = main && main.querySelector('a[href], button, input, select, textarea, [tabindex]:not([tabindex="-1"])');
    return { in_main: !hasStop || (main.contains(el) && el !== main), element: window.__describe(el) };
  });
  return {
    ...first,
    focused_after_enter: afterEnter.focused,
    main_focused: afterEnter.is_main,
    next_stop: next.element,
    next_stop_in_main: next.in_main,
  };
}

/**
 * Tabs through the whole page. Every focusable element must be reached once, in
 * document order, be on screen when focused and show a focus indicator.
 */
async function keyboardWalk(page) {
  // The stylesheet may scroll smoothly; where the focused element ends up is the
  // same without the animation, and there is no need to wait for it.
  await page.emulateMedia({ reducedMotion: 'reduce' });
  const count = await page.evaluate(() => {
    const selector =
      'a[href], area[href], button, input:not([type="hidden"]), select, textarea, summary, iframe, audio[controls], video[controls], [contenteditable="true"], [tabindex]';
    const stops = [...document.querySelectorAll(selector)].filter((el) => {
      if (el.tabIndex < 0 || el.disabled) return false;
      // The content of a closed <details> is hidden, but for its summary.
      const closed = el.closest('details:not([open])');
      if (closed && !(el.tagName === 'SUMMARY' && el.parentElement === closed)) return false;
      const style = getComputedStyle(el);
      return style.visibility !== 'hidden' && el.getClientRects().length > 0;
    });
    stops.forEach((el, i) => el.setAttribute('data-kbd-stop', String(i)));
    document.activeElement?.blur();
    window.scrollTo(0, 0);
    return stops.length;
  });
  const order = [];
  const problems = [];
  for (let i = 0; i < count; i++) {
    await page.keyboard.press('Tab');
    const stop = await page.evaluate(() => {
      const el = document.activeElement;
      const r = el.getBoundingClientRect();
      const style = getComputedStyle(el);
      const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
      const shadow = style.boxShadow && style.boxShadow !== 'none';
      return {
        index: el.hasAttribute('data-kbd-stop') ? Number(el.getAttribute('data-kbd-stop')) : -1,
        element: window.__describe(el),
        on_screen: r.width > 0 && r.height > 0 && r.bottom > 0 && r.top < innerHeight && r.right > 0 && r.left < innerWidth,
        indicator: outline || shadow,
        focus_visible: el.matches(':focus-visible'),
      };
    });
    order.push(stop.index);
    if (stop.index !== i) problems.push(`stop ${i + 1}: expected element ${i}, got ${stop.element}`);
    if (!stop.on_screen) problems.push(`stop ${i + 1}: ${stop.element} is not on screen when focused`);
    if (!stop.indicator || !stop.focus_visible) {
      problems.push(`stop ${i + 1}: ${stop.element} shows no focus indicator`);
    }
    if (problems.length > 20) break;
  }
  await page.emulateMedia({ reducedMotion: 'no-preference' });
  await page.evaluate(() => {
    document.querySelectorAll('[data-kbd-stop]').forEach((el) => el.removeAttribute('data-kbd-stop'));
  });
  return { stops: count, problems };
}

/** Horizontal overflow at `width`, naming the elements that stick out. */
async function overflowAt(page, width) {
  await page.setViewportSize({ width, height: 800 });
  return page.evaluate((width) => {
    const scroll = document.documentElement.scrollWidth;
    const culprits = [];
    if (scroll > width) {
      for (const el of document.body.querySelectorAll('*')) {
        const r = el.getBoundingClientRect();
        if (r.right > width + 0.5 || r.left < -0.5) {
          culprits.push(`${window.__describe(el)} spans ${Math.round(r.left)}..${Math.round(r.right)}`);
          if (culprits.length >= 5) break;
        }
      }
    }
    return { width, scroll_width: scroll, culprits };
  }, width);
}

/** Text zoomed to 200% (the reader's default font size doubled) at `width`. */
async function textZoom(page, width) {
  await page.setViewportSize({ width, height: 800 });
  const style = await page.addStyleTag({ content: 'html { font-size: 200% !important; }' });
  const result = await page.evaluate((width) => {
    const clipped = [];
    for (const el of document.body.querySelectorAll('*')) {
      const s = getComputedStyle(el);
      const hides = ['hidden', 'clip'];
      if (
        (hides.includes(s.overflowX) && el.scrollWidth > el.clientWidth + 1) ||
        (hides.includes(s.overflowY) && el.scrollHeight > el.clientHeight + 1)
      ) {
        clipped.push(window.__describe(el));
      }
    }
    return {
      width,
      scroll_width: document.documentElement.scrollWidth,
      clipped: clipped.slice(0, 5),
    };
  }, width);
  await style.evaluate((el) => el.remove());
  return result;
}

/**
 * Runs axe-core with the colour scheme `scheme`: every rule, or only `rules` (the
 * ones a colour scheme or a narrow layout can change, to keep the suite fast).
 */
async function runAxe(page, scheme, rules) {
  await page.emulateMedia({ colorScheme: scheme });
  const present = await page.evaluate(() => typeof window.axe !== 'undefined');
  if (!present) await page.addScriptTag({ path: AXE });
  const result = await page.evaluate(async (rules) => {
    const options = { resultTypes: ['violations'] };
    if (rules) options.runOnly = { type: 'rule', values: rules };
    const r = await window.axe.run(document, options);
    return {
      version: window.axe.version,
      rules: rules ?? 'all',
      violations: r.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        tags: v.tags,
        nodes: v.nodes.slice(0, 10).map((n) => ({
          target: n.target.join(' '),
          html: n.html.slice(0, 200),
          summary: n.failureSummary,
        })),
      })),
    };
  }, rules ?? null);
  await page.emulateMedia({ colorScheme: 'light' });
  return result;
}

/** Distinct colours and the share of pixels unlike the top-left one, decoded by Chromium. */
async function colours(page, png) {
  return page.evaluate(async (data) => {
    const img = new Image();
    img.src = `data:image/png;base64,${data}`;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = img.naturalWidth;
    canvas.height = img.naturalHeight;
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    ctx.drawImage(img, 0, 0);
    const px = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    const seen = new Set();
    let differing = 0;
    const [r0, g0, b0] = [px[0], px[1], px[2]];
    for (let i = 0; i < px.length; i += 4) {
      if (seen.size < 100000) seen.add((px[i] << 16) | (px[i + 1] << 8) | px[i + 2]);
      if (px[i] !== r0 || px[i + 1] !== g0 || px[i + 2] !== b0) differing += 1;
    }
    return {
      image_width: canvas.width,
      image_height: canvas.height,
      distinct_colours: seen.size,
      differing_share: differing / (px.length / 4),
    };
  }, png.toString('base64'));
}

/** What a reader without JavaScript gets: headings, links and the timeline's events. */
function noJsFacts() {
  const text = (el) => (el ? el.textContent.replace(/\s+/g, ' ').trim() : '');
  const main = document.querySelector('main');
  // SVG links have no string `href` property; resolve the attribute instead.
  const abs = (a) => new URL(a.getAttribute('href'), document.baseURI).href;
  return {
    h1: [...document.querySelectorAll('h1')].map(text),
    main_text_length: main ? text(main).length : 0,
    main_links: main ? [...main.querySelectorAll('a[href]')].map(abs) : [],
    event_links: [...document.querySelectorAll('main a[href*="events/"]')].map(abs),
    stylesheet_applied: getComputedStyle(document.body).marginTop === '0px',
  };
}

/** Follows the first link matching `selector` with JavaScript off. */
async function follow(page, url, selector) {
  await page.goto(url);
  const link = page.locator(selector).first();
  if ((await link.count()) === 0) return { from: url, selector, error: 'no such link' };
  const label = (await link.textContent()).replace(/\s+/g, ' ').trim();
  const target = await link.evaluate((a) => new URL(a.getAttribute('href'), document.baseURI).href);
  await Promise.all([page.waitForURL((u) => u.toString() !== url, { timeout: 5000 }), link.click()]);
  const h1 = await page.locator('h1').allTextContents();
  return { from: url, selector, link: label, target, landed: page.url(), h1: h1.map((t) => t.replace(/\s+/g, ' ').trim()) };
}

async function main() {
  const opts = args();
  const site = normalize(opts.site).replace(/\/$/, '');
  mkdirSync(opts.out, { recursive: true });
  const server = await serve(site, opts.mount);
  const origin = `http://127.0.0.1:${server.address().port}`;
  const base = origin + opts.mount;
  // launch() runs Chromium on a fresh temporary profile (its own --user-data-dir).
  const browser = await chromium.launch({
    executablePath: opts.chromium,
    headless: true,
    args: FLAGS,
  });
  const report = {
    chromium: browser.version(),
    origin: base,
    pages: [],
    screenshots: [],
    no_js: { pages: [], follow: [] },
    not_found: null,
    started: Date.now(),
  };
  try {
    // Requests to anywhere else are recorded by watch() and stopped here: the
    // machine may have no network, and a test must not depend on one.
    const localOnly = (route) => {
      const url = route.request().url();
      if (url.startsWith(origin) || url.startsWith('data:')) return route.continue();
      return route.abort('blockedbyclient');
    };
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await context.route('**/*', localOnly);
    const decoder = await (await browser.newContext()).newPage();
    const pages = htmlPages(site);
    // Screenshots of the first page of each type, in path order.
    const shoot = new Set();
    const types = new Set();
    for (const path of pages) {
      if (!types.has(pageType(path))) shoot.add(path);
      types.add(pageType(path));
    }
    const visit = async (page, path) => {
      const type = pageType(path);
      const url = base + path.replace(/(^|\/)index\.html$/, '$1');
      await page.setViewportSize({ width: 1280, height: 800 });
      const timings = {};
      let clock = Date.now();
      const lap = (name) => {
        const now = Date.now();
        timings[name] = now - clock;
        clock = now;
      };
      const seen = await watch(page, origin, () => page.goto(url, { waitUntil: 'load' }));
      await page.evaluate(describeInPage);
      const entry = { path, type, url, ...seen, structure: await page.evaluate(structure), timings };
      lap('load');
      entry.keyboard = await keyboardWalk(page);
      lap('keyboard');
      // A fresh load, so that Tab starts from the top of the document again.
      await page.goto(url, { waitUntil: 'load' });
      await page.evaluate(describeInPage);
      entry.skip_link = await skipLink(page);
      await page.evaluate(() => document.activeElement?.blur());
      lap('skip_link');
      entry.overflow = [];
      for (const width of WIDTHS) entry.overflow.push(await overflowAt(page, width));
      entry.text_zoom = [await textZoom(page, 1280), await textZoom(page, 390)];
      lap('overflow');
      if (shoot.has(path)) {
        for (const width of SCREENSHOT_WIDTHS) {
          await page.setViewportSize({ width, height: width < 600 ? 844 : 800 });
          await page.evaluate(() => window.scrollTo(0, 0));
          const png = await page.screenshot({ fullPage: true });
          const file = join(opts.out, `${type.replaceAll("/", "_")}-${width}.png`);
          writeFileSync(file, png);
          report.screenshots.push({ type, path, width, file, ...(await colours(decoder, png)) });
        }
      }
      lap('screenshots');
      await page.setViewportSize({ width: 1280, height: 800 });
      entry.axe = { light_1280: await runAxe(page, 'light') };
      entry.axe.dark_1280 = await runAxe(page, 'dark', COLOUR_RULES);
      await page.setViewportSize({ width: 390, height: 844 });
      entry.axe.light_390 = await runAxe(page, 'light', LAYOUT_RULES);
      lap('axe');
      report.pages.push(entry);
    };
    // A few tabs at once: a page waits on Chromium as much as it computes.
    const queue = [...pages];
    const worker = async () => {
      const page = await context.newPage();
      for (let path = queue.shift(); path !== undefined; path = queue.shift()) {
        await visit(page, path);
      }
      return page;
    };
    const workers = await Promise.all(Array.from({ length: Number(opts.jobs) }, worker));
    const page = workers[0];
    report.pages.sort((a, b) => a.path.localeCompare(b.path));
    report.screenshots.sort((a, b) => a.file.localeCompare(b.file));

    // A missing address gets the 404 page, with its styles, from any depth.
    const missing = base + 'no/such/page/';
    const seen404 = await watch(page, origin, () => page.goto(missing));
    report.not_found = {
      url: missing,
      status: seen404.status,
      console: seen404.console.filter((c) => !c.includes('status of 404')),
      // The document itself is expected to be a 404; any other failure is not.
      failed: seen404.failed.filter((f) => !f.startsWith(`${missing}: HTTP 404`)),
      third_party: seen404.third_party,
      h1: await page.locator('h1').allTextContents(),
      stylesheet_rules: await page.evaluate(() =>
        [...document.styleSheets].reduce((n, s) => n + s.cssRules.length, 0),
      ),
    };

    const noJs = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 800 } });
    await noJs.route('**/*', localOnly);
    const quiet = await noJs.newPage();
    for (const path of htmlPages(site)) {
      const url = base + path.replace(/(^|\/)index\.html$/, '$1');
      const seen = await watch(quiet, origin, () => quiet.goto(url));
      report.no_js.pages.push({
        path,
        type: pageType(path),
        status: seen.status,
        console: seen.console,
        failed: seen.failed,
        third_party: seen.third_party,
        ...(await quiet.evaluate(noJsFacts)),
      });
    }
    report.no_js.follow.push(await follow(quiet, base + 'timeline/', 'main a[href*="events/"]'));
    report.no_js.follow.push(await follow(quiet, base + 'actors/', 'main a[href*="actors/"]'));
    const actor = report.no_js.pages.find((p) => p.type === 'actor' && p.event_links.length > 0);
    if (actor) {
      const url = base + actor.path.replace(/index\.html$/, '');
      report.no_js.follow.push(await follow(quiet, url, 'main a[href*="events/"]'));
    }
    report.no_js.script_ran = await quiet.evaluate(() => {
      const s = document.createElement('script');
      s.textContent = 'window.__ran = true';
      document.body.append(s);
      return window.__ran === true;
    });
  } finally {
    await browser.close();
    server.close();
  }
  report.seconds = (Date.now() - report.started) / 1000;
  delete report.started;
  process.stdout.write(JSON.stringify(report, null, 1) + '\n');
}

main().catch((err) => {
  process.stderr.write(`check.mjs: ${err.stack || err}\n`);
  process.exit(2);
});
