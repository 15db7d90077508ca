// The test `docker` (podman in the test's temp dir) and `chainctl` shim against a real lab.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { shimEnv } from '../support/docker.ts';
import { startTestLab, type TestLab } from '../support/lab.ts';

function sh(cmd: string, env: NodeJS.ProcessEnv) {
  const r = spawnSync('sh', ['-c', cmd], { env, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('docker wrapper and chainctl shim', () => {
  let lab: TestLab;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    lab = await startTestLab('shims', { cache: false });
    env = shimEnv({ dir: lab.dir, labStateDir: lab.stateDir, insecure: [lab.state.upstream.host] });
  });
  afterAll(async () => {
    await lab?.dispose();
  });

  it('chainctl prints a pull token from the lab; docker logs in, pulls, lists and removes the private image', () => {
    const tok = sh('chainctl auth configure-docker --pull-token --parent acme.example --ttl 1h', env);
    expect(tok.code).toBe(0);
    const m = /docker login "([^"]+)" --username "([^"]+)" --password "([^"]+)"/.exec(tok.out);
    expect(m?.[1]).toBe(lab.state.upstream.host);
    const ref = `${lab.state.upstream.host}/acme.example/wolfi-base:latest`;
    const denied = sh(`docker pull -q ${ref}`, env);
    expect(denied.code).not.toBe(0);
    const login = sh(`docker login "${m![1]}" --username "${m![2]}" --password-stdin <<EOF\n${m![3]}\nEOF`, env);
    expect(login.err + login.out).toMatch(/Login Succeeded/);
    expect(existsSync(join(lab.dir, 'docker', 'auth.json'))).toBe(true);
    const pull = sh(`docker pull ${ref}`, env);
    expect(pull.code, pull.err).toBe(0);
    const images = sh('docker images --format "{{.Repository}}:{{.Tag}}"', env);
    expect(images.out).toContain(`${lab.state.upstream.host}/acme.example/wolfi-base:latest`);
    expect(readdirSync(join(lab.dir, 'docker', 'root')).length).toBeGreaterThan(0);
    expect(sh(`docker rmi ${ref}`, env).code).toBe(0);
    expect(sh('docker images -q', env).out.trim()).toBe('');
  });

  it('chainctl auth login succeeds trivially; unknown commands fail', () => {
    expect(sh('chainctl auth login', env).code).toBe(0);
    const bad = sh('chainctl images list', env);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/unsupported command/);
  });
});
