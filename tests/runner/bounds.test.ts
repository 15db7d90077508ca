// Run-time bounds a guide cannot escape: a regex that backtracks catastrophically is stopped (it
// used to block the event loop, so --timeout never fired), and a duration past what a timer holds
// is clamped (600h used to fire after a millisecond: 32-bit timer overflow).
import { describe, expect, it } from 'vitest';
import { loadGuideSource } from '../../playbooks/extract/load.ts';
import type { Guide } from '../../playbooks/model/guide.ts';
import { runPlaybook } from '../../playbooks/runner/run.ts';
import { boundedDelay, MAX_TIMER_MS, realClock } from '../../playbooks/runner/clock.ts';
import { execBounded } from '../../playbooks/runner/regex-match.ts';
import { workDirs } from './helpers.ts';

const work = workDirs();

// 24 "a"s then "b": `(a+)+$` takes seconds on this machine in the main thread (twice as long per
// extra "a"). Validation refuses the pattern, so the guide is written with a safe one and swapped.
const SLOW = '(a+)+$';
const SOURCE = `---
id: slow
title: Slow
product: Test
summary: A guide whose patterns are swapped for catastrophic ones below.
---

<Command id="hello" title="Say hello">
  \`\`\`sh
  echo ${'a'.repeat(24)}b
  \`\`\`
  <Capture name="greeting" regex="(SAFE-CAPTURE)" />
</Command>

<Verify id="said-hello" title="It said hello" step="hello">
  <Check regex="SAFE-CHECK" success="The greeting is there" />
</Verify>
`;

function slowGuide(where: 'check' | 'capture'): Guide {
  const source = where === 'check' ? SOURCE.replace('<Capture name="greeting" regex="(SAFE-CAPTURE)" />', '') : SOURCE;
  const g = loadGuideSource(source, 'slow.mdx').guide!;
  return JSON.parse(JSON.stringify(g).replace(where === 'check' ? 'SAFE-CHECK' : '(SAFE-CAPTURE)', where === 'check' ? SLOW : `(${SLOW})`)) as Guide;
}

describe('a catastrophic regex is stopped, not waited for', () => {
  it('a <Check regex> fails its step, naming the check and where it is written', async () => {
    const result = await runPlaybook(slowGuide('check'), { path: 'developer', ci: true, cwd: work(), regexDeadlineMs: 200 }).done;
    expect(result.steps.map((s) => [s.id, s.verdict])).toEqual([
      ['hello', 'passed'],
      ['said-hello', 'failed'],
    ]);
    expect(result.steps[1]!.reason).toBe(
      '<Check regex="(a+)+$"> (check 1 of step said-hello, slow.mdx:16:3) was stopped after 200ms on 26 characters of output: the pattern backtracks catastrophically; rewrite it without a repetition inside a repetition, e.g. (a+)+ as a+',
    );
  });

  it('a <Capture regex> fails its command step the same way', async () => {
    const result = await runPlaybook(slowGuide('capture'), { path: 'developer', ci: true, cwd: work(), regexDeadlineMs: 200 }).done;
    expect(result.steps[0]).toMatchObject({ id: 'hello', verdict: 'failed' });
    expect(result.steps[0]!.reason).toMatch(/^<Capture regex="\(\(a\+\)\+\$\)"> \(capture 1 of step hello, slow\.mdx:12:3\) was stopped after 200ms/);
  });

  it('the matcher keeps working after a stopped match, and parallel matches do not wait for each other', async () => {
    const stuck = execBounded(SLOW, 'm', 'a'.repeat(30) + 'b', 300);
    const quick = await execBounded('to(k)en', 'm', 'a token', 5000);
    expect(quick).toEqual({ ok: true, match: ['token', 'k'] });
    expect(await stuck).toEqual({ ok: false, timedOut: true });
    expect(await execBounded('(x)?y', '', 'y', 5000)).toEqual({ ok: true, match: ['y', undefined] });
    expect(await execBounded('z', '', 'y', 5000)).toEqual({ ok: true, match: null });
  });
});

describe('durations past what a timer holds are clamped', () => {
  const H600 = 600 * 3_600_000;

  it('boundedDelay keeps a delay inside the timer range', () => {
    expect(boundedDelay(H600)).toBe(MAX_TIMER_MS);
    expect(boundedDelay(Infinity)).toBe(MAX_TIMER_MS);
    expect(boundedDelay(-5)).toBe(0);
    expect(boundedDelay(1500)).toBe(1500);
  });

  it('a 600h sleep does not end at once', async () => {
    const ac = new AbortController();
    let ended = false;
    const sleeping = realClock.sleep(H600, ac.signal).then(
      () => (ended = true),
      () => undefined,
    );
    await new Promise((r) => setTimeout(r, 200));
    expect(ended).toBe(false);
    ac.abort(new Error('done'));
    await sleeping;
  });

  it('--timeout 600h (runner option) lets a command finish instead of timing it out at once', async () => {
    const g = loadGuideSource(SOURCE.replace('<Capture name="greeting" regex="(SAFE-CAPTURE)" />', '').replace(/echo a+b/, 'sleep 0.3; echo done'), 'slow.mdx').guide!;
    const result = await runPlaybook({ ...g, steps: [g.steps[0]!] }, { path: 'developer', ci: true, cwd: work(), timeout: H600 }).done;
    expect(result.steps.map((s) => [s.id, s.verdict, s.reason])).toEqual([['hello', 'passed', undefined]]);
  });
});
