// A lab per test file: its own temp directory, free ports, stopped by pid in afterAll.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labDown, labUp, type LabState, type LabUpOptions } from '../../playbooks/lab/index.ts';

export interface TestLab {
  dir: string;
  stateDir: string;
  state: LabState;
  /** Stops every lab process by pid and deletes the temp directory. */
  dispose(): Promise<void>;
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `cgr-${prefix}-`));
}

export async function startTestLab(prefix: string, opts: Omit<LabUpOptions, 'stateDir'> = {}): Promise<TestLab> {
  const dir = tempDir(prefix);
  const stateDir = join(dir, 'lab');
  try {
    const state = await labUp({ stateDir, ...opts });
    return {
      dir,
      stateDir,
      state,
      async dispose() {
        await labDown({ stateDir });
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await labDown({ stateDir }).catch(() => {});
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}
