// Names a value may not have: field ids and capture names become keys of value records, and a
// name such as `constructor` or `toString` is already there on every plain object. Lookups are
// own-property only (see plan/own.ts); refusing the names too gives the author a clear error.
// Browser-safe, no dependencies.

const RESERVED = new Set(Object.getOwnPropertyNames(Object.prototype));

/** Why `name` cannot name a value, or undefined when it can. */
export function reservedNameError(name: string): string | undefined {
  return RESERVED.has(name) ? `"${name}" is the name of a built-in property of every JavaScript object and cannot name a value` : undefined;
}
