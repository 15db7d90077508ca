// A fingerprint of what the site is built from (paths, sizes, mtimes), so `npm start` rebuilds
// only when something changed.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const INPUTS = ['content', 'src', 'playbooks', 'astro.config.mjs', 'package.json'];

export function sourceStamp(root) {
  const lines = [];
  const walk = (p) => {
    let st;
    try {
      st = statSync(p);
    } catch {
      return;
    }
    if (st.isDirectory()) for (const n of readdirSync(p).sort()) walk(join(p, n));
    else lines.push(`${p.slice(root.length)} ${st.size} ${Math.floor(st.mtimeMs)}`);
  };
  for (const i of INPUTS) walk(join(root, i));
  return lines.join('\n') + '\n';
}
