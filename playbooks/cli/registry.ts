// The CLI's commands, one file each, loaded only when used (keeps `--help` fast).
import type { CliCommand } from './io.ts';

export const COMMANDS: Record<string, { summary: string; load: () => Promise<CliCommand> }> = {
};
