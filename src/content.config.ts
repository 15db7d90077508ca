// Content collections: Starlight's docs (home, authoring) and the guides from the top-level content/.
import { defineCollection } from 'astro:content';
import { glob } from 'astro/loaders';
import { docsLoader } from '@astrojs/starlight/loaders';
import { docsSchema } from '@astrojs/starlight/schema';

export const collections = {
  docs: defineCollection({ loader: docsLoader(), schema: docsSchema() }),
  // Frontmatter is validated by the playbook model (playbooks/model) when the page loads the guide.
  // The guides folder: $CGR_PLAYBOOK_CONTENT, else content/ (see src/lib/guide-context.ts).
  guides: defineCollection({ loader: glob({ pattern: '*.mdx', base: process.env.CGR_PLAYBOOK_CONTENT || './content' }) }),
};
