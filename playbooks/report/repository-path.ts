// Paths in CI reports (GitHub annotations, GitLab Code Quality, JUnit file attributes): relative to
// the repository's checkout, which the CI system names.
import { isAbsolute, relative, resolve, sep } from 'node:path';

/** A path as CI annotations need it: relative to the repository's checkout when the CI system names
 * it ($GITHUB_WORKSPACE on GitHub Actions, $CI_PROJECT_DIR on GitLab CI), since the job may run
 * in a subfolder; otherwise as given (relative to the working folder). Always with `/`. */
export function repositoryPath(file: string, cwd: string, checkout: string | undefined): string {
  if (!checkout) return file.split(sep).join('/');
  const abs = isAbsolute(file) ? file : resolve(cwd, file);
  const rel = relative(checkout, abs);
  return (rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file).split(sep).join('/');
}

/** The repository's checkout as the CI system names it: $GITHUB_WORKSPACE, $CI_PROJECT_DIR. */
export function ciCheckout(env: NodeJS.ProcessEnv): string | undefined {
  return env.GITHUB_WORKSPACE || env.CI_PROJECT_DIR || undefined;
}
