// Field value types. Browser-safe, no dependencies.
export const FIELD_TYPES = ['text', 'url', 'host', 'port', 'enum', 'boolean', 'secret'] as const;
export type FieldType = (typeof FIELD_TYPES)[number];
