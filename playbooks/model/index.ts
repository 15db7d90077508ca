export * from './field.ts';
export * from './step.ts';
export * from './guide.ts';
export * from './props.ts';
export * from './when.ts';
export * from './friendly.ts';
export * from './doc.ts';
