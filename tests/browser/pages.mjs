// What the browser scripts share: how Chromium is started, and a built site's pages.
import { readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/** Every HTML page under `dir`, as a path with forward slashes, in a stable order. */
export function htmlPages(dir) {
  const pages = [];
  const walk = (folder) => {
    for (const name of readdirSync(folder).sort()) {
      const path = join(folder, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.html')) pages.push(relative(dir, path).split(sep).join('/'));
    }
  };
  walk(dir);
  return pages;
}

/** Chromium's switches: headless, no network of its own, nothing that varies between runs. */
export const FLAGS = [
  '--headless', // also implied by headless: true
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];
