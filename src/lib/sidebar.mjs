// Sidebar entries for every content/*.mdx guide, read from their frontmatter at config time.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { parse } from 'yaml';

/** @param {URL} contentDir */
export function guideFrontmatter(contentDir) {
  const dir = fileURLToPath(contentDir);
  return readdirSync(dir)
    .filter((n) => n.endsWith('.mdx'))
    .map((n) => {
      const src = readFileSync(join(dir, n), 'utf8');
      const m = /^---\r?\n([\s\S]*?)\r?\n---/.exec(src);
      const fm = m ? (parse(m[1]) ?? {}) : {};
      const id = typeof fm.id === 'string' ? fm.id : n.slice(0, -4);
      return { id, product: String(fm.product ?? id), title: String(fm.title ?? id), summary: String(fm.summary ?? ''), order: typeof fm.order === 'number' ? fm.order : 100 };
    })
    .sort((a, b) => a.order - b.order || a.id.localeCompare(b.id));
}

/** @param {URL} contentDir */
export function guideSidebarItems(contentDir) {
  return guideFrontmatter(contentDir).map((g) => ({ label: g.product, link: `/guides/${g.id}/` }));
}
