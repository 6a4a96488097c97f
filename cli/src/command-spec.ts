/**
 * A CLI command as data: `nimbus <resource> <verb> [args] [options]` is one
 * admin API request and one way to print its reply. The resource files
 * (resources/*.ts) are lists of these; main.ts turns them into commander
 * commands, so every verb gets the same flags, errors and --json.
 */
import type { ApiRequest } from './api-client.js';
import type { Rendering } from './output.js';

export interface OptionSpec {
  /** commander flags, e.g. '--max-calls <n>' or '--multi-device'. */
  flags: string;
  description: string;
  /** How the text becomes the value put in the body; default: the text. */
  parse?: (value: string) => unknown;
}

export interface VerbInput {
  /** Positional arguments by name (without <> or []). */
  args: Record<string, string | undefined>;
  /** Variadic arguments ('<pairs...>') by name. */
  lists: Record<string, string[]>;
  /** Options by commander's camelCase name, parsed. */
  options: Record<string, unknown>;
  /** --tenant (or NIMBUS_TENANT) for verbs of a tenant's resources. */
  tenant: string;
}

export interface VerbSpec {
  verb: string;
  summary: string;
  /** commander argument syntax: '<ext>', '[file]'. */
  args?: string[];
  options?: OptionSpec[];
  /** The verb works inside one tenant (--tenant required). */
  tenant?: boolean;
  request(input: VerbInput): ApiRequest | Promise<ApiRequest>;
  render: Rendering | ((input: VerbInput) => Rendering);
  /** Something to say after the output (e.g. a generated password). */
  afterOutput?: (input: VerbInput, body: unknown) => string | undefined;
}

export interface ResourceSpec {
  resource: string;
  summary: string;
  verbs: VerbSpec[];
}

/** Encodes one path segment (an extension, an address, a trunk id). */
export const seg = (value: string | undefined): string => encodeURIComponent(value ?? '');

/** The tenant part of a path. */
export const tenantPath = (input: VerbInput): string => `/tenants/${seg(input.tenant)}`;

/** Option values that were given, under the body's field names (commander's camelCase is the API's). */
export function bodyOf(options: Record<string, unknown>, fields: readonly string[]): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const name of fields) if (options[name] !== undefined) body[name] = options[name];
  return body;
}

export class InputError extends Error {
  override name = 'InputError';
}

export function wholeNumber(flag: string): (value: string) => number {
  return (value) => {
    if (!/^\d+$/.test(value)) throw new InputError(`${flag}: must be a whole number (got "${value}")`);
    return Number(value);
  };
}

/** A limit that may be lifted: a whole number, or "none" for unlimited (the API's null). */
export function limit(flag: string): (value: string) => number | null {
  return (value) => (value === 'none' ? null : wholeNumber(flag)(value));
}

export function yesNo(flag: string): (value: string) => boolean {
  return (value) => {
    if (['yes', 'true', 'on', '1'].includes(value)) return true;
    if (['no', 'false', 'off', '0'].includes(value)) return false;
    throw new InputError(`${flag}: must be yes or no (got "${value}")`);
  };
}
