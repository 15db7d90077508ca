// A secret printed slowly, in two parts with a pause between them, in the page's terminal. The
// session flushes its streaming masker 25 ms after the last output; the held start of the secret
// used to go out as it was and the rest after it, unmasked. The pause here (300 ms) is far longer
// than that hold; what is asserted is what reached the page, never how long anything took.
import { describe, expect, it } from 'vitest';
import { getGuide } from '../../playbooks/guides.ts';
import { loadGuideSource } from '../../playbooks/extract/load.ts';
import type { Guide } from '../../playbooks/model/guide.ts';
import { MASK } from '../../playbooks/mask/masker.ts';
import type { UiServer } from '../../playbooks/server/server.ts';
import { pageSocket, uiServers } from './ui-harness.ts';
import { fixtureContent } from '../browser/terminal-helpers.ts';

const SECRET = 'tok-1234-rest';
const B64 = Buffer.from(SECRET).toString('base64'); // dG9rLTEyMzQtcmVzdA==

// A step that prints the secret field in two parts, 300 ms apart.
const slowGuide = loadGuideSource(
  `---
id: slow
title: Slow
product: Test
summary: A step prints its secret in two parts.
---

<Field id="apiKey" label="API key" type="secret" />

<Command id="slow-key" title="Print the key slowly">
  \`\`\`sh
  k={{apiKey}}; printf 'key=%s' "\${k:0:6}"; sleep 0.3; printf '%s\\n' "\${k:6}"
  \`\`\`
</Command>
`,
  'slow.mdx',
);

const servers = uiServers('cgr-ui-slow-');

function start(): Promise<UiServer> {
  const slow = slowGuide.guide;
  if (!slow) throw new Error(`slow guide invalid: ${JSON.stringify(slowGuide.diagnostics)}`);
  return servers.start({
    loadGuide: async (id): Promise<Guide> => (id === 'slow' ? slow : getGuide(id, fixtureContent)),
    maxClients: 4,
    graceMs: 60_000,
  });
}

/** A page: its JSON messages and everything its terminal was sent, once the session said hello. */
async function open(server: UiServer) {
  const page = pageSocket(server);
  expect(await page.opened).toBe(101);
  await expect.poll(() => page.inbox.some((m) => m.type === 'hello'), { timeout: 10_000 }).toBe(true);
  return page;
}

type Page = Awaited<ReturnType<typeof open>>;

async function runStep(page: Page, guideId: string, stepId: string, values: Record<string, string>) {
  page.inbox.length = 0;
  page.ws.send(JSON.stringify({ type: 'run', guideId, stepId, path: 'developer', values }));
  await expect.poll(() => page.inbox.find((m) => m.type === 'run-end'), { timeout: 15_000 }).toMatchObject({ ok: true });
}

/** Types a line into the page's shell and waits until `marker` (which the line prints, not echoes) is shown. */
async function type(page: Page, line: string, marker: string) {
  page.ws.send(Buffer.from(`${line}\r`), { binary: true });
  await expect.poll(() => page.screen.includes(marker), { timeout: 15_000 }).toBe(true);
}

describe('a secret printed in two parts with a pause never reaches the page', () => {
  it('in the interactive shell: raw and base64', async () => {
    const page = await open(await start());
    // The page's run hands the secret to the session's masker.
    await runStep(page, 'termtest', 'show-key', { apiKey: SECRET });
    expect(page.screen).toContain(`key=${MASK}`);
    // Each half is written split in the typed line, so the echo of the line holds neither.
    await type(page, `printf '%s%s' tok- 12; sleep 0.3; printf '%s%s\\n' 34 -rest; echo END$((6*7))`, 'END42');
    await type(page, `printf '%s%s' dG9r LTEy; sleep 0.3; printf '%s%s\\n' MzQt cmVzdA==; echo END$((6*8))`, 'END48');
    for (const leak of [SECRET, '34-rest', B64, 'MzQtcmVzdA']) expect(page.screen).not.toContain(leak);
    // The halves printed by the shell were shown as the mask.
    expect(page.screen.split(MASK).length - 1).toBeGreaterThanOrEqual(3);
    page.ws.close();
  });

  it('in a step run from the page', async () => {
    const page = await open(await start());
    await runStep(page, 'slow', 'slow-key', { apiKey: SECRET });
    expect(page.screen).toContain(`key=${MASK}`);
    for (const leak of [SECRET, '34-rest']) expect(page.screen).not.toContain(leak);
    page.ws.close();
  });
});
