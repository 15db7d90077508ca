// GitLab Code Quality report (a subset of the Code Climate issue format; GitLab docs, "Code
// Quality", report format): one issue per problem with description, check_name, a fingerprint
// unique per issue, severity and location.path + location.lines.begin. Used with
// `artifacts: reports: codequality:` so merge requests show each problem on its line.
// location.path is relative to the repository: the job may run in a subfolder ($CI_PROJECT_DIR is
// the checkout), and the fingerprint is made from that path, so an issue is the same issue
// wherever the job ran.
import { createHash } from 'node:crypto';
import type { Diagnostic } from '../extract/diagnostics.ts';
import { repositoryPath } from './repository-path.ts';

export interface CodeQualityIssue {
  description: string;
  check_name: string;
  fingerprint: string;
  severity: 'info' | 'minor' | 'major' | 'critical' | 'blocker';
  location: { path: string; lines: { begin: number } };
}

/** A guide problem as validate reports it (file:line:col, code, message, hint). */
export type Problem = Diagnostic;

/** `cwd`: the folder the problems' paths are relative to; `checkout`: the repository's folder ($CI_PROJECT_DIR). */
export function codeQualityIssues(problems: readonly Problem[], where: { cwd: string; checkout?: string | undefined } = { cwd: '.' }): CodeQualityIssue[] {
  return problems.map((p) => {
    const path = repositoryPath(p.file, where.cwd, where.checkout).replace(/^\.\//, '');
    return {
      description: p.hint ? `${p.message} (hint: ${p.hint})` : p.message,
      check_name: `cgr-playbook/${p.code}`,
      fingerprint: createHash('sha256').update(`${path}\0${p.line}\0${p.column}\0${p.code}\0${p.message}`).digest('hex').slice(0, 32),
      severity: 'major',
      location: { path, lines: { begin: p.line } },
    };
  });
}
