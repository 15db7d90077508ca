// Default services for runs started by the CLI: the probe runner and the fields applier. The
// probes and adapters modules register themselves here when they are present:
//   playbooks/probes/services.ts    -> setDefaultServices({ probeRunner })
//   playbooks/adapters/services.ts  -> setDefaultServices({ fieldsApplier })
// loadDefaultServices() imports whichever of those exists. runPlaybook() itself never reads this
// registry: callers pass services explicitly (the CLI passes getDefaultServices()).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FieldsApplier, ProbeRunner } from '../contracts.ts';

export interface RunnerServices {
  probeRunner?: ProbeRunner;
  fieldsApplier?: FieldsApplier;
}

let defaults: RunnerServices = {};

/** Sets (merges) the default services; pass `undefined` for a key to remove it. */
export function setDefaultServices(services: RunnerServices): void {
  defaults = { ...defaults, ...services };
  for (const k of Object.keys(defaults) as (keyof RunnerServices)[]) if (defaults[k] === undefined) delete defaults[k];
}

export function getDefaultServices(): RunnerServices {
  return { ...defaults };
}

/** Modules that register default services, relative to this folder, without extension. */
export const SERVICE_MODULES = ['../probes/services', '../adapters/services'];

/** Imports every service module that exists (.js when built, .ts from source). Returns the ones loaded. */
export async function loadDefaultServices(): Promise<string[]> {
  const loaded: string[] = [];
  for (const base of SERVICE_MODULES) {
    for (const ext of ['.js', '.ts']) {
      const url = new URL(base + ext, import.meta.url);
      if (existsSync(fileURLToPath(url))) {
        await import(url.href);
        loaded.push(base);
        break;
      }
    }
  }
  return loaded;
}
