/**
 * The embedded store's expression parsing, done once per expression rather
 * than on every request (issue 14, docs/benchmarks.md).
 *
 * dynalite validates each request's ConditionExpression, UpdateExpression,
 * KeyConditionExpression, FilterExpression and ProjectionExpression with a
 * PEG parser. A profile of the store's thread put 17–19 % of its busy time
 * there, under REGISTER load (`attribute_not_exists(pk)`, `#version =
 * :expected`) and under call load (the CDR's UpdateItem with ~30 `SET`s). Our
 * expressions are a few fixed strings; only their values change.
 *
 * The parse of an expression depends on the expression, the attribute names,
 * whether it is a key condition, and — through the type checks — the type of
 * each value (`S`, `N`, `M`…): that is the cache key. Two checks read a
 * value's content too (BETWEEN's bounds in order, `attribute_type`'s type
 * name), so an expression with either keeps the values themselves in its key.
 *
 * What the parser hands back, dynalite changes (`SET` sections are resolved
 * against the item in place), so the cache keeps a template in which each
 * value is a marker, and every request gets its own copy with its own values
 * put in. The parse also marks the names and values it used (dynalite refuses
 * unused ones); a cached parse marks the same ones. Expressions that fail to
 * parse are not kept: they get dynalite's error every time.
 *
 * Patched on the parser modules dynalite itself loads (resolved from
 * dynalite's folder), once. Bounded: the store is also reachable over HTTP.
 */
import { createRequire } from 'node:module';

type AttributeValue = Record<string, unknown>;

interface ParseContext {
  attrNames?: Record<string, string> | null;
  attrVals?: Record<string, AttributeValue> | null;
  unusedAttrNames?: Record<string, boolean>;
  unusedAttrVals?: Record<string, boolean>;
  isKeyCondition?: boolean;
  [other: string]: unknown;
}

interface PegParser {
  parse(input: string, options?: { context?: ParseContext }): unknown;
}

interface Template {
  /** The parse with every value replaced by a ValueMarker. */
  shape: unknown;
  usedNames: string[];
  usedValues: string[];
}

/** Where a request's value goes in a template. */
class ValueMarker {
  constructor(readonly placeholder: string) {}
}

const PARSERS = ['conditionParser', 'updateParser', 'projectionParser'] as const;
const PATCHED = Symbol.for('nimbus.dynalite-expression-cache');
/** Expressions kept per parser; when full the cache starts again empty. */
const MAX_ENTRIES = 1024;
/** DynamoDB's own limit on an expression's length: longer ones are refused anyway, not kept. */
const MAX_EXPRESSION_LENGTH = 4096;
/** Checks that read a value's content, not only its type. */
const READS_VALUE_CONTENT = /between|attribute_type/i;

/** Returns whether dynalite's parsers are now cached (false: a dynalite without these modules, left as it was). */
export function useExpressionCache(): boolean {
  const fromDynalite = createRequire(createRequire(import.meta.url).resolve('dynalite'));
  let patched = 0;
  for (const name of PARSERS) {
    let parser: PegParser & { [PATCHED]?: true };
    try {
      parser = fromDynalite(`./db/${name}`) as PegParser;
    } catch {
      continue;
    }
    if (typeof parser.parse !== 'function') continue;
    if (!parser[PATCHED]) {
      parser.parse = cachedParse(parser.parse.bind(parser));
      parser[PATCHED] = true;
    }
    patched++;
  }
  return patched === PARSERS.length;
}

/** `parse` with its successful answers kept by expression key. */
function cachedParse(parse: PegParser['parse']): PegParser['parse'] {
  const templates = new Map<string, Template>();
  return (input, options) => {
    const context = options?.context;
    if (typeof input !== 'string' || !context || input.length > MAX_EXPRESSION_LENGTH) return parse(input, options);
    const key = cacheKey(input, context);
    const known = templates.get(key);
    if (known) {
      markUsed(context, known.usedNames, known.usedValues);
      return instantiate(known.shape, context.attrVals ?? {});
    }
    // Parsed against fresh "unused" sets, so what this expression uses is known whatever came before it.
    const names = Object.keys(context.attrNames ?? {});
    const values = Object.keys(context.attrVals ?? {});
    const probe: ParseContext = { ...context, unusedAttrNames: trueFor(names), unusedAttrVals: trueFor(values) };
    const result = parse(input, { ...options, context: probe });
    const usedNames = names.filter((n) => !(n in probe.unusedAttrNames!));
    const usedValues = values.filter((v) => !(v in probe.unusedAttrVals!));
    markUsed(context, usedNames, usedValues);
    if (result !== null && typeof result === 'object') {
      if (templates.size >= MAX_ENTRIES) templates.clear();
      templates.set(key, { shape: toTemplate(result, context.attrVals ?? {}), usedNames, usedValues });
    }
    return result;
  };
}

function cacheKey(input: string, context: ParseContext): string {
  const values = context.attrVals ?? {};
  const valueKey = READS_VALUE_CONTENT.test(input)
    ? JSON.stringify(values)
    : Object.keys(values)
        .map((k) => `${k}:${typeOf(values[k])}`)
        .join(',');
  return `${context.isKeyCondition ? 'k' : '-'}\u0000${input}\u0000${JSON.stringify(context.attrNames ?? null)}\u0000${valueKey}`;
}

/** An AttributeValue's type as the parser's checks see it: its one key (`S`, `N`, `M`…). */
function typeOf(value: unknown): string {
  if (value === null || typeof value !== 'object') return typeof value;
  return Object.keys(value).join('|');
}

function trueFor(keys: string[]): Record<string, boolean> {
  const out: Record<string, boolean> = {};
  for (const k of keys) out[k] = true;
  return out;
}

function markUsed(context: ParseContext, names: string[], values: string[]): void {
  if (context.unusedAttrNames) for (const n of names) delete context.unusedAttrNames[n];
  if (context.unusedAttrVals) for (const v of values) delete context.unusedAttrVals[v];
}

/** What `swap` answers for a node it leaves as it is. */
const KEEP = Symbol('keep');

/**
 * A deep copy of the plain objects and arrays of a parse, with each node
 * `swap` answers for replaced by that answer (other objects are shared).
 */
function copyTree(node: unknown, swap: (node: object) => unknown): unknown {
  if (node === null || typeof node !== 'object') return node;
  const swapped = swap(node);
  if (swapped !== KEEP) return swapped;
  if (Array.isArray(node)) return node.map((n) => copyTree(n, swap));
  const proto = Object.getPrototypeOf(node);
  if (proto !== Object.prototype && proto !== null) return node;
  const copy: Record<string, unknown> = Object.create(proto);
  for (const k of Object.keys(node)) copy[k] = copyTree((node as Record<string, unknown>)[k], swap);
  return copy;
}

/** The parse with each of the request's value objects (by identity) as a marker. */
function toTemplate(parsed: unknown, values: Record<string, AttributeValue>): unknown {
  const placeholderOf = new Map<unknown, string>(Object.entries(values).map(([k, v]) => [v, k]));
  return copyTree(parsed, (node) => {
    const placeholder = placeholderOf.get(node);
    return placeholder === undefined ? KEEP : new ValueMarker(placeholder);
  });
}

/** A fresh copy of a template with this request's values in place of the markers. */
function instantiate(shape: unknown, values: Record<string, AttributeValue>): unknown {
  return copyTree(shape, (node) => (node instanceof ValueMarker ? values[node.placeholder] : KEEP));
}
