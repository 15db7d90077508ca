// MDX source -> mdast (with positions), frontmatter included. No JSX evaluation happens here.
// GFM (tables, strikethrough, autolinks, task lists), as @astrojs/mdx reads the same file for the site.
import { fromMarkdown } from 'mdast-util-from-markdown';
import { mdxjs } from 'micromark-extension-mdxjs';
import { mdxFromMarkdown } from 'mdast-util-mdx';
import { frontmatter } from 'micromark-extension-frontmatter';
import { frontmatterFromMarkdown } from 'mdast-util-frontmatter';
import { gfm } from 'micromark-extension-gfm';
import { gfmFromMarkdown } from 'mdast-util-gfm';
import type { Root } from 'mdast';

export function parseMdx(source: string): Root {
  return fromMarkdown(source, {
    extensions: [mdxjs(), frontmatter(['yaml']), gfm()],
    mdastExtensions: [mdxFromMarkdown(), frontmatterFromMarkdown(['yaml']), gfmFromMarkdown()],
  });
}
