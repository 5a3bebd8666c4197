// What the browser scripts share about a built site.
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
