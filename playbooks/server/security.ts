// The local server's gatekeeping: per-launch token, Host allow-list (DNS rebinding), exact Origin
// match. Every request and every WebSocket upgrade passes through these before anything else.
import { randomBytes, timingSafeEqual, createHash } from 'node:crypto';

/** A fresh random token: 128 bits, hex. One per launch; never logged, never in a URL path or query. */
export function createToken(): string {
  return randomBytes(16).toString('hex');
}

/**
 * Constant-time comparison. Both sides are hashed first so the comparison runs on equal-length
 * buffers whatever the length of the candidate (timingSafeEqual throws on a length mismatch).
 */
export function tokenMatches(expected: string, candidate: string | undefined): boolean {
  if (candidate === undefined || candidate === '') return false;
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(candidate).digest();
  return timingSafeEqual(a, b);
}

/** Host headers the server answers to: the loopback names with its own port, nothing else. */
export function allowedHosts(port: number): Set<string> {
  return new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
}

export function hostAllowed(host: string | undefined, port: number): boolean {
  return host !== undefined && allowedHosts(port).has(host.toLowerCase());
}

/** The site's own origins. `null`, a missing Origin and every other origin are refused. */
export function allowedOrigins(port: number): Set<string> {
  return new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`, `http://[::1]:${port}`]);
}

export function originAllowed(origin: string | undefined, port: number): boolean {
  return origin !== undefined && allowedOrigins(port).has(origin);
}

/** The WebSocket subprotocol the page offers, and the one that carries the token beside it. */
export const WS_PROTOCOL = 'cgr-playbook.v1';
export const TOKEN_PROTOCOL_PREFIX = 'cgr-token.';

/** Finds the token among the offered subprotocols (`Sec-WebSocket-Protocol: cgr-playbook.v1, cgr-token.<hex>`). */
export function tokenFromProtocols(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const offered = header.split(',').map((s) => s.trim());
  if (!offered.includes(WS_PROTOCOL)) return undefined;
  return offered.find((p) => p.startsWith(TOKEN_PROTOCOL_PREFIX))?.slice(TOKEN_PROTOCOL_PREFIX.length);
}
