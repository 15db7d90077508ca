// The CLI's keyboard: a prompt is shown only once the terminal is in raw mode (a key typed the
// moment the prompt appears is never echoed by the tty), hidden lines echo nothing, and raw mode
// ends with the line.
import { describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { TerminalInput } from '../../playbooks/cli/render/terminal-input.ts';

function fakeTty() {
  const events: string[] = [];
  const input = Object.assign(new PassThrough(), {
    isTTY: true,
    setRawMode(raw: boolean) {
      events.push(`raw:${raw}`);
    },
  });
  let interrupts = 0;
  const keyboard = new TerminalInput(input, (s) => events.push(`echo:${s}`), () => interrupts++);
  return { input, events, keyboard, interrupts: () => interrupts };
}

describe('TerminalInput.readLine', () => {
  it('enters raw mode before it writes the prompt, and leaves it after the line', async () => {
    const t = fakeTty();
    const line = t.keyboard.readLine({ hidden: true, signal: new AbortController().signal, prompt: '› (hidden) ' });
    expect(t.events).toEqual(['raw:true', 'echo:› (hidden) ']);
    t.input.write('s3cret\x7fT\r');
    expect(await line).toBe('s3creT');
    // Nothing of the hidden value was echoed; only the newline that ends the line.
    expect(t.events).toEqual(['raw:true', 'echo:› (hidden) ', 'raw:false', 'echo:\n']);
  });

  it('echoes a visible line, drops arrow keys, and Ctrl-C rejects and interrupts', async () => {
    const t = fakeTty();
    const line = t.keyboard.readLine({ hidden: false, signal: new AbortController().signal });
    t.input.write('ab\x1b[Dc\r');
    expect(await line).toBe('abc');
    expect(t.events.filter((e) => e.startsWith('echo:')).join('')).toBe('echo:aecho:becho:cecho:\n');
    const second = t.keyboard.readLine({ hidden: false, signal: new AbortController().signal });
    t.input.write('x\x03');
    await expect(second).rejects.toThrow('interrupted');
    expect(t.interrupts()).toBe(1);
    expect(t.events.at(-2)).toBe('raw:false');
  });

  it('an abort rejects the line and leaves raw mode', async () => {
    const t = fakeTty();
    const ac = new AbortController();
    const line = t.keyboard.readLine({ hidden: false, signal: ac.signal });
    ac.abort();
    await expect(line).rejects.toThrow('cancelled');
    expect(t.events).toEqual(['raw:true', 'raw:false', 'echo:\n']);
  });
});
