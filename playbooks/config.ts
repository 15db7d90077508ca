// cgr-playbook's own settings (never field values): the guides folder and the lab's state folder.
// Sources, first wins: a command-line option (--content, --state-dir), an environment variable
// with the tool's prefix CGR_PLAYBOOK_ (field values are CGR_<FIELD>; field ids starting with
// "playbook" are refused, so the two can never collide), a config file, the default.
// The config file is cgr-playbook.config.json, .yaml or .yml, found in the working folder or the
// nearest folder above it (or named by CGR_PLAYBOOK_CONFIG); its paths are relative to it. One found
// that way must be owned by the user (or root) and not writable by others (configFileProblem).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { parse as parseYaml } from 'yaml';
import { PlaybookError } from './errors.ts';
import { packageRoot } from './package-root.ts';

export const CONFIG_FILES = ['cgr-playbook.config.json', 'cgr-playbook.config.yaml', 'cgr-playbook.config.yml'] as const;

/** The tool's environment variables. */
export const ENV = {
  config: 'CGR_PLAYBOOK_CONFIG',
  content: 'CGR_PLAYBOOK_CONTENT',
  labStateDir: 'CGR_PLAYBOOK_LAB_STATE_DIR',
} as const;

const ConfigSchema = z.strictObject({
  content: z.string().min(1).optional(),
  lab: z.strictObject({ stateDir: z.string().min(1).optional() }).optional(),
});

export interface ToolConfig {
  /** The config file read, if any. */
  file?: string;
  /** The guides folder (absolute). */
  content?: string;
  /** The lab's state folder (absolute). */
  labStateDir?: string;
}

/** The config file for `cwd`: in it or the nearest folder above. */
export function findConfigFile(cwd: string): string | undefined {
  let dir = resolve(cwd);
  for (;;) {
    for (const name of CONFIG_FILES) {
      const f = join(dir, name);
      if (existsSync(f)) return f;
    }
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

/**
 * Why a config file found above the working folder may not be trusted: it names the guides whose
 * commands `run` executes, and on a shared machine anyone may write one in /tmp or another shared
 * folder. Read only one owned by you (or root) and not writable by other users (as git refuses a
 * repository owned by someone else). `uid` undefined: the platform has no user ids.
 */
export function configFileProblem(st: { uid: number; mode: number }, uid: number | undefined): string | undefined {
  if (uid === undefined) return undefined;
  if (st.uid !== uid && st.uid !== 0) return `belongs to another user (uid ${st.uid})`;
  if (st.mode & 0o002) return 'is writable by other users';
  return undefined;
}

export function loadToolConfig(cwd: string, env: NodeJS.ProcessEnv): ToolConfig {
  const named = env[ENV.config];
  const file = named ? resolve(cwd, named) : findConfigFile(cwd);
  if (!file) return {};
  if (!named) {
    const problem = configFileProblem(statSync(file), process.getuid?.());
    if (problem) throw new PlaybookError('config', `the config file ${file} ${problem}, so it is not used: it names the guides whose commands run`, { hint: `remove it, or name a config file of yours with ${ENV.config} (or pass --content)` });
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new PlaybookError('config', `cannot read the config file ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { hint: named ? `${ENV.config} names it` : 'fix or remove it' });
  }
  let data: unknown;
  const json = file.endsWith('.json');
  try {
    data = json ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    const where = /line (\d+)/i.exec((e as Error).message)?.[0] ?? /position \d+/.exec((e as Error).message)?.[0];
    throw new PlaybookError('config', `the config file ${file} is not valid ${json ? 'JSON' : 'YAML'}${where ? ` (${where})` : ''}`, { hint: 'e.g. {"content": "docs/guides"}' });
  }
  const r = ConfigSchema.safeParse(data ?? {});
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const at = issue.path.join('.');
    const message =
      issue.code === 'unrecognized_keys'
        ? `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${[at, k].filter(Boolean).join('.')}"`).join(', ')}; valid keys: ${at === 'lab' ? 'lab.stateDir' : 'content, lab'}`
        : `${at || 'the file'}: expected ${at ? 'a non-empty string (a folder, relative to the config file)' : 'a mapping such as {"content": "docs/guides"}'}`;
    throw new PlaybookError('config', `${file}: ${message}`);
  }
  const base = dirname(file);
  return {
    file,
    ...(r.data.content !== undefined ? { content: resolve(base, r.data.content) } : {}),
    ...(r.data.lab?.stateDir !== undefined ? { labStateDir: resolve(base, r.data.lab.stateDir) } : {}),
  };
}

/** The guides folder: --content, $CGR_PLAYBOOK_CONTENT, the config file's `content`, the package's content/. */
export function resolveContentDir(o: { option?: string | undefined; cwd: string; env: NodeJS.ProcessEnv }): string {
  let dir: string;
  let from: string;
  if (o.option !== undefined) {
    dir = resolve(o.cwd, o.option);
    from = '--content';
  } else if (o.env[ENV.content]) {
    dir = resolve(o.cwd, o.env[ENV.content]!);
    from = ENV.content;
  } else {
    const config = loadToolConfig(o.cwd, o.env);
    if (config.content === undefined) return join(packageRoot(), 'content');
    dir = config.content;
    from = `"content" in ${config.file}`;
  }
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new PlaybookError('no-content', `the guides folder ${dir} (from ${from}) does not exist`, { hint: 'pass the folder that holds the guides (*.mdx)' });
  return dir;
}
