// Value records keyed by field id or capture name: look up own properties only. A plain object
// answers `values.constructor` or `values.toString` with Object.prototype's functions, which a
// lookup must never take for a value the reader gave. Browser-safe, no dependencies.

/** The value stored under `key` itself (never one inherited from Object.prototype). */
export function ownValue<T>(record: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  return record !== undefined && record !== null && Object.hasOwn(record, key) ? record[key] : undefined;
}

/** An empty record without a prototype: nothing is found in it that was not put there. */
export function valueRecord<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}
