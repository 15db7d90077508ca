// Placeholder: the runner UI (terminal, Run/Apply buttons) replaces this module.
import type { AttachRunner } from './contract.ts';

export const attach: AttachRunner = () => {};
