// What `cgr-playbook doctor` reports: one check per likely cause, each failing one with cause + fix.

export interface DoctorCheck {
  /** Stable id, e.g. "network:cgr.dev:443", "settings:create-proxy", "upstream-pull", "cache-pull". */
  id: string;
  title: string;
  ok: boolean;
  /** One line, never holding a secret. */
  summary: string;
  /** Why it fails (failing checks). */
  cause?: string;
  /** What to change (failing checks). */
  fix?: string;
  /** Set when the check could not run (missing values, nothing to check); such a check is neither pass nor fail. */
  skipped?: string;
  /** Settings a read-back cannot prove (write-only passwords); the pull through the repository proves them. */
  unproven?: string[];
}

export interface DoctorReport {
  guide: string;
  path: 'developer' | 'production';
  ok: boolean;
  checks: DoctorCheck[];
}
