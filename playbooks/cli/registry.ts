// The CLI's commands, one file each, loaded only when used (keeps `--help` fast).
import type { CliCommand } from './io.ts';

export const COMMANDS: Record<string, { summary: string; load: () => Promise<CliCommand> }> = {
  list: { summary: 'List the guides: id, title, paths, number of steps', load: async () => (await import('./commands/list.ts')).default },
  validate: { summary: 'Check guides for errors (file:line:col); exit 1 when any is broken', load: async () => (await import('./commands/validate.ts')).default },
  run: { summary: 'Run a guide: values, commands in a terminal, checks, reports (--ci for CI)', load: async () => (await import('./commands/run.ts')).default },
  lab: { summary: 'Run a local stand-in for cgr.dev (registry, token service, cache): up, status, down, token', load: async () => (await import('./commands/lab.ts')).default },
  doctor: { summary: "Troubleshoot a guide's cache: network to cgr.dev, product settings, direct and cached pulls", load: async () => (await import('./commands/doctor.ts')).default },
  show: { summary: 'Print the whole guide for one path: prose, values filled in, steps; secrets masked', load: async () => (await import('./commands/show.ts')).default },
  ui: { summary: 'Serve the guides in the browser with a terminal that runs their steps (127.0.0.1 only)', load: async () => (await import('./commands/ui.ts')).default },
};
