// Prompts on a TTY: typed fields (defaults and examples shown, enums as numbered choices, secrets
// hidden), yes/no confirmations and choices. Validation and re-prompting live in the runner.
import type { Field } from '../../model/field.ts';
import type { Choice, Prompter } from '../../runner/types.ts';
import type { Style } from './style.ts';
import type { TerminalInput } from './terminal-input.ts';

export function createTtyPrompter(input: TerminalInput, write: (s: string) => void, style: Style): Prompter {
  const asked = new Set<string>();
  const pick = <T extends string>(answer: string, options: readonly T[]): T | undefined => {
    const n = Number(answer);
    if (/^\d+$/.test(answer) && n >= 1 && n <= options.length) return options[n - 1];
    return options.find((o) => o === answer);
  };
  return {
    async askField(field: Field, { error, signal }) {
      if (error) write(style.red(`  ✘ ${error}`) + '\n');
      if (!asked.has(field.id)) {
        asked.add(field.id);
        const bits = [field.type, field.default !== undefined ? `default ${field.default}` : '', field.example !== undefined ? `e.g. ${field.example}` : '', `or set ${field.envVar}`].filter(Boolean);
        write(`${style.cyan('?')} ${style.bold(field.label)} ${style.dim(`(${bits.join(', ')})`)}\n`);
        if (field.help) write(style.dim(`  ${field.help}`) + '\n');
        if (field.type === 'enum') field.options!.forEach((o, i) => write(`  ${i + 1}) ${o}\n`));
      }
      const hint = field.type === 'secret' ? style.dim(' (hidden)') : field.type === 'boolean' ? style.dim(' (y/n)') : field.default !== undefined ? style.dim(` [${field.default}]`) : '';
      const answer = await input.readLine({ hidden: field.type === 'secret', signal, prompt: `${style.cyan('›')}${hint} ` });
      if (field.type === 'enum' && field.options) return pick(answer.trim(), field.options) ?? answer;
      return answer;
    },
    async confirm(message, { defaultYes = true, signal }) {
      for (;;) {
        const a = (await input.readLine({ hidden: false, signal, prompt: `${style.cyan('?')} ${message} ${style.dim(defaultYes ? '(Y/n)' : '(y/N)')} ` })).trim().toLowerCase();
        if (a === '') return defaultYes;
        if (a === 'y' || a === 'yes') return true;
        if (a === 'n' || a === 'no') return false;
        write(style.red('  ✘ answer y or n') + '\n');
      }
    },
    async choose<T extends string>(message: string, choices: Choice<T>[], { signal }: { signal: AbortSignal }) {
      write(`${style.cyan('?')} ${style.bold(message)}\n`);
      choices.forEach((c, i) => write(`  ${i + 1}) ${c.label || c.value}\n`));
      for (;;) {
        const a = pick((await input.readLine({ hidden: false, signal, prompt: `${style.cyan('›')} ${style.dim(`[1-${choices.length}]`)} ` })).trim(), choices.map((c) => c.value));
        if (a) return a;
        write(style.red(`  ✘ answer a number from 1 to ${choices.length} or one of ${choices.map((c) => c.value).join(', ')}`) + '\n');
      }
    },
  };
}
