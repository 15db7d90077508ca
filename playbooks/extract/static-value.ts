// Evaluates a JSX attribute expression that must be a static literal: strings, numbers,
// booleans, null, arrays and plain objects of those. Anything else (identifiers, calls,
// template literals with expressions) is refused: guides must mean the same everywhere.
import type { Node } from 'estree';

export class NotStatic extends Error {}

export function staticValue(node: Node): unknown {
  switch (node.type) {
    case 'Literal':
      if (node.value instanceof RegExp || typeof node.value === 'bigint') throw new NotStatic('regular expression and bigint literals are not allowed');
      return node.value;
    case 'TemplateLiteral':
      if (node.expressions.length > 0) throw new NotStatic('template literals with ${} are not static');
      return node.quasis.map((q) => q.value.cooked ?? q.value.raw).join('');
    case 'UnaryExpression':
      if (node.operator === '-' && node.argument.type === 'Literal' && typeof node.argument.value === 'number') return -node.argument.value;
      throw new NotStatic(`operator ${node.operator} is not static`);
    case 'ArrayExpression':
      return node.elements.map((el) => {
        if (el === null || el.type === 'SpreadElement') throw new NotStatic('holes and spreads are not static');
        return staticValue(el);
      });
    case 'ObjectExpression': {
      const out: Record<string, unknown> = {};
      for (const p of node.properties) {
        if (p.type !== 'Property' || p.computed || p.kind !== 'init' || p.method) throw new NotStatic('only plain `key: value` properties are static');
        const key = p.key.type === 'Identifier' ? p.key.name : p.key.type === 'Literal' ? String(p.key.value) : undefined;
        if (key === undefined) throw new NotStatic('unsupported object key');
        // defineProperty: a key named __proto__ is data like any other, never the object's prototype.
        Object.defineProperty(out, key, { value: staticValue(p.value as Node), enumerable: true, writable: true, configurable: true });
      }
      return out;
    }
    case 'Identifier':
      if (node.name === 'undefined') return undefined;
      throw new NotStatic(`\`${node.name}\` is a variable, not a literal`);
    default:
      throw new NotStatic(`${node.type} is not a literal`);
  }
}
