// Names a value may not have: field ids and capture names become keys of value records, and a
// name such as `constructor` or `toString` is already there on every plain object; and names whose
// environment variable would be one of the tool's own settings (CGR_PLAYBOOK_*). Lookups are
// own-property only (see plan/own.ts); refusing the names too gives the author a clear error.
// Browser-safe, no dependencies.

const RESERVED = new Set(Object.getOwnPropertyNames(Object.prototype));

/** Why `name` cannot name a value, or undefined when it can. */
export function reservedNameError(name: string): string | undefined {
  if (RESERVED.has(name)) return `"${name}" is the name of a built-in property of every JavaScript object and cannot name a value`;
  // A value's environment variable is CGR_<NAME>; CGR_PLAYBOOK_* are cgr-playbook's own settings
  // (playbooks/config.ts), so no value may be named playbook<Something>.
  if (/^playbook([A-Z]|$)/.test(name)) return `names starting with "playbook" are reserved: their CGR_PLAYBOOK_* environment variables are cgr-playbook's own settings`;
  return undefined;
}
