// The documentation site: Astro + Starlight, static output in build/site (dist/ is the engine's).
// Guides are read from the top-level content/ folder; every content/*.mdx becomes /guides/<id>/.
import { defineConfig } from 'astro/config';
import starlight from '@astrojs/starlight';
import { satteri } from '@astrojs/markdown-satteri';
import { guideSidebarItems } from './src/lib/sidebar.mjs';
import { stripCommandFences } from './src/lib/strip-command-fences.mjs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

// The guides folder: $CGR_PLAYBOOK_CONTENT (set by scripts/dev.mjs and build-site.mjs from --content
// or cgr-playbook.config.*), else content/.
const contentDir = process.env.CGR_PLAYBOOK_CONTENT ? pathToFileURL(resolve(process.env.CGR_PLAYBOOK_CONTENT) + '/') : new URL('./content/', import.meta.url);

export default defineConfig({
  outDir: process.env.CGR_PLAYBOOK_SITE_OUT ?? './build/site',
  site: 'http://127.0.0.1:4321',
  trailingSlash: 'always',
  // Inline CSS: no render-blocking stylesheet requests before the first paint.
  build: { format: 'directory', inlineStylesheets: 'always' },
  markdown: {
    // The command of a <Command>/<Verify> is rendered from the playbook model (resolved, with a copy
    // button), so its ```sh fence is dropped from the prose.
    processor: satteri({ mdastPlugins: [stripCommandFences(contentDir)] }),
  },
  integrations: [
    starlight({
      title: 'cgr-playbook',
      description: 'Executable guides for a pull-through cache of the Chainguard registry (cgr.dev).',
      customCss: ['./src/styles/guide.css'],
      // Starlight's search, with the button's accessible name matching what it shows (see the file).
      components: { Search: './src/components/site/Search.astro' },
      markdown: { processedDirs: [fileURLToPath(contentDir)] },
      lastUpdated: false,
      // ```output fences hold sample output: plain text. Long lines wrap: a code block never scrolls
      // sideways (a scrolling block becomes an unnamed keyboard stop and landmark on every page).
      expressiveCode: { shiki: { langAlias: { output: 'txt' } }, defaultProps: { wrap: true } },
      pagination: true,
      sidebar: [
        { label: 'Home', link: '/' },
        { label: 'Guides', items: guideSidebarItems(contentDir) },
        { label: 'For docs authors', items: [{ label: 'Writing a guide', link: '/authoring/' }, { label: 'Guides in CI', link: '/ci/' }] },
      ],
    }),
  ],
});
