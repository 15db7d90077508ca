// The lab's signing key: a P-256 key and self-signed certificate made with openssl. The registry
// trusts the certificate (rootcertbundle) and checks the `x5c` header of ES256 JWTs signed with
// the key; the same key signs the lab's pull tokens.
import { spawnSync } from 'node:child_process';
import { createPrivateKey, createPublicKey, randomBytes, sign, verify, X509Certificate, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PlaybookError } from '../errors.ts';

export interface SigningKey {
  key: KeyObject;
  publicKey: KeyObject;
  /** DER of the certificate, base64 (standard alphabet) for the x5c header. */
  x5c: string;
  certFile: string;
}

export function signingPaths(stateDir: string): { dir: string; keyFile: string; certFile: string } {
  const dir = join(stateDir, 'signing');
  return { dir, keyFile: join(dir, 'key.pem'), certFile: join(dir, 'cert.pem') };
}

/** Creates the key and certificate with openssl unless they exist. */
export function ensureSigningKey(stateDir: string): SigningKey {
  const { dir, keyFile, certFile } = signingPaths(stateDir);
  if (!existsSync(keyFile) || !existsSync(certFile)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const run = (args: string[]) => {
      const r = spawnSync('openssl', args, { encoding: 'utf8', env: { ...process.env, OPENSSL_CONF: '/dev/null' } });
      if (r.error || r.status !== 0) {
        throw new PlaybookError('LAB_OPENSSL', `openssl ${args[0]} failed: ${r.error?.message ?? r.stderr.trim()}`, { hint: 'install openssl: sudo apt-get install openssl' });
      }
    };
    const old = process.umask(0o077);
    try {
      run(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', keyFile]);
      run(['req', '-new', '-x509', '-key', keyFile, '-out', certFile, '-days', '3650', '-subj', '/CN=cgr-playbook lab token signer', '-sha256']);
    } finally {
      process.umask(old);
    }
  }
  return loadSigningKey(stateDir);
}

export function loadSigningKey(stateDir: string): SigningKey {
  const { keyFile, certFile } = signingPaths(stateDir);
  const key = createPrivateKey(readFileSync(keyFile));
  const cert = new X509Certificate(readFileSync(certFile));
  return { key, publicKey: createPublicKey(key), x5c: cert.raw.toString('base64'), certFile };
}

const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url');

/** An ES256 JWT with the certificate in `x5c` (what Distribution's token auth verifies). */
export function signJwt(k: SigningKey, claims: Record<string, unknown>, opts: { x5c?: boolean } = {}): string {
  const header = opts.x5c === false ? { typ: 'JWT', alg: 'ES256' } : { typ: 'JWT', alg: 'ES256', x5c: [k.x5c] };
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
  const sig = sign('sha256', Buffer.from(input), { key: k.key, dsaEncoding: 'ieee-p1363' });
  return `${input}.${b64url(sig)}`;
}

/** Verifies an ES256 JWT signed by `k`; returns its claims or undefined. */
export function verifyJwt(k: SigningKey, jwt: string): Record<string, unknown> | undefined {
  const parts = jwt.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const ok = verify('sha256', Buffer.from(`${parts[0]}.${parts[1]}`), { key: k.publicKey, dsaEncoding: 'ieee-p1363' }, Buffer.from(parts[2]!, 'base64url'));
    if (!ok) return undefined;
    return JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

export function randomId(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}
