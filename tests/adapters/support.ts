// Shared by the adapter tests: load a real guide step and resolve it with test values.
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getGuide } from '../../playbooks/guides.ts';
import { resolveFieldsStep } from '../../playbooks/adapters/resolve.ts';
import type { ResolvedFieldsStep } from '../../playbooks/contracts.ts';
import type { PathId } from '../../playbooks/model/props.ts';

export const contentDir = join(fileURLToPath(new URL('../../content', import.meta.url)));

const guides = new Map<string, ReturnType<typeof getGuide>>();

export async function fieldsStep(guideId: string, stepId: string, path: PathId, values: Record<string, string>): Promise<ResolvedFieldsStep> {
  if (!guides.has(guideId)) guides.set(guideId, getGuide(guideId, contentDir));
  const guide = await guides.get(guideId)!;
  return resolveFieldsStep(guide, stepId, path, values);
}

/** A port nothing listens on (bound, read, released). */
export async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** Holds a port on 127.0.0.1 until closed (a "port already in use"). */
export async function holdPort(): Promise<{ port: number; close(): Promise<void> }> {
  const s: Server = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as { port: number }).port;
  return { port, close: () => new Promise<void>((r) => s.close(() => r())) };
}

export const signal = () => AbortSignal.timeout(20_000);
