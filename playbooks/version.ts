// The package version, read from its package.json (the one place it is written).
import { packageVersion } from './package-root.ts';

export const VERSION: string = packageVersion();
