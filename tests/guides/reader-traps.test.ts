// Reader traps, run for real with stand-in programs on PATH (no container engine, no network):
// - Nexus's throwaway container: the clean-up step removes the container the guide started, by
//   the id `docker run -d` printed, and nothing else. A reader who already has a container called
//   `nexus` sees the start fail ("name already in use"), and that container stays.
// - Cloudsmith's API key check: /v1/user/self/ answers anyone ("a brief for the current user (if
//   any)", UserBrief.authenticated in Cloudsmith's API reference), so a 200 proves nothing; the
//   check passes only on authenticated: true.
import { afterEach, describe, expect, it } from 'vitest';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getGuide } from '../../playbooks/guides.ts';
import { runPlaybook } from '../../playbooks/runner/run.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const ID = 'f'.repeat(12) + '0123456789abcdef'.repeat(3) + '0123';
let dirs: string[] = [];
afterEach(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});

/** Runs the guide's start and clean-up steps with a `docker` whose `run` does `runScript`. */
async function startAndCleanUp(runScript: string, loginScript = 'echo "Login Succeeded"'): Promise<{ verdicts: Record<string, string>; calls: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'cgr-nexus-container-'));
  dirs.push(dir);
  const log = join(dir, 'docker.log');
  writeFileSync(join(dir, 'docker'), `#!/bin/sh\necho "$*" >> "${log}"\ncase "$1" in run) ${runScript} ;; login) cat > /dev/null; ${loginScript} ;; esac\n`);
  chmodSync(join(dir, 'docker'), 0o755);
  const guide = await getGuide('nexus', undefined, ROOT);
  const cut = { ...guide, steps: guide.steps.filter((s) => ['start-nexus', 'docker-login', 'remove-nexus'].includes(s.id)) };
  const handle = runPlaybook(cut, {
    path: 'developer',
    ci: true,
    values: { runLocalNexus: 'true', nexusUrl: 'http://127.0.0.1:1', nexusHost: '127.0.0.1:1', nexusPassword: 'admin-password-1' },
    env: { PATH: `${dir}:/usr/bin:/bin`, HOME: dir },
  });
  const result = await handle.done;
  return { verdicts: Object.fromEntries(result.steps.map((s) => [s.id, s.verdict])), calls: existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : [] };
}

describe('Nexus: the throwaway container', () => {
  it('is removed by the id docker printed, after the run', async () => {
    const r = await startAndCleanUp(`echo "${ID}"`);
    expect(r.verdicts).toEqual({ 'start-nexus': 'passed', 'docker-login': 'passed', 'remove-nexus': 'passed' });
    expect(r.calls).toEqual(['run -d -p 8081:8081 -p 5051:5051 --name nexus sonatype/nexus3', 'login --username admin --password-stdin 127.0.0.1:1', `rm -f ${ID}`]);
  });

  it('is removed also when a later step failed', async () => {
    const r = await startAndCleanUp(`echo "${ID}"`, `echo 'Error response from daemon: unauthorized' >&2; exit 1`);
    expect(r.verdicts).toEqual({ 'start-nexus': 'passed', 'docker-login': 'failed', 'remove-nexus': 'passed' });
    expect(r.calls.at(-1)).toBe(`rm -f ${ID}`);
  });

  it('a container of the reader\'s called nexus is never removed when the start fails', async () => {
    const r = await startAndCleanUp(`echo 'docker: Error response from daemon: Conflict. The container name "/nexus" is already in use.' >&2; exit 125`);
    expect(r.verdicts['start-nexus']).toBe('failed');
    expect(r.verdicts['remove-nexus']).toBe('skipped');
    expect(r.calls.filter((c) => c.startsWith('rm'))).toEqual([]);
  });
});

/** Runs Cloudsmith's API key check with a `curl` that answers `body` (and 200 to a status-only request). */
async function apiKeyCheck(body: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'cgr-cloudsmith-key-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'curl'), `#!/bin/sh\ncat > /dev/null\ncase " $* " in *" -o /dev/null "*) echo 200 ;; *) echo '${body}' ;; esac\n`);
  chmodSync(join(dir, 'curl'), 0o755);
  const guide = await getGuide('cloudsmith', undefined, ROOT);
  const handle = runPlaybook(guide, {
    path: 'developer',
    ci: true,
    only: 'api-key-works',
    values: { cloudsmithUser: 'jane', cloudsmithApiKey: 'k'.repeat(40), cloudsmithOrg: 'acme' },
    env: { PATH: `${dir}:/usr/bin:/bin`, HOME: dir },
  });
  const result = await handle.done;
  return result.steps.find((s) => s.id === 'api-key-works')!.verdict;
}

describe('Cloudsmith: the API key check', () => {
  it('passes when Cloudsmith says the key signed you in', async () => {
    expect(await apiKeyCheck('{"authenticated": true, "slug": "jane"}')).toBe('passed');
  });

  it('fails on the answer an anonymous caller gets, although its status is 200', async () => {
    expect(await apiKeyCheck('{"authenticated": false, "slug": null}')).toBe('failed');
  });
});

