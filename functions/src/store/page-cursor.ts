/**
 * Opaque cursors of paged Queries: the LastEvaluatedKey, base64url-encoded.
 * A cursor is only accepted back for the partition it came from and with
 * exactly the key attributes of that Query, so a caller cannot craft one
 * that starts reading another tenant's partition.
 */
export class BadCursorError extends Error {
  override name = 'BadCursorError';
  constructor() {
    super('cursor: not a cursor of this list');
  }
}

export function encodeCursor(key: Record<string, unknown> | undefined): string | undefined {
  return key ? Buffer.from(JSON.stringify(key)).toString('base64url') : undefined;
}

/** The start key the cursor encodes; `names` are the key attributes, `expected` the values they must have (the partition). */
export function decodeCursor(cursor: string, names: readonly string[], expected: Record<string, string>): Record<string, string> {
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new BadCursorError();
  }
  if (typeof key !== 'object' || key === null || Array.isArray(key)) throw new BadCursorError();
  const k = key as Record<string, unknown>;
  if (Object.keys(k).length !== names.length || !names.every((n) => typeof k[n] === 'string')) throw new BadCursorError();
  for (const [name, value] of Object.entries(expected)) if (k[name] !== value) throw new BadCursorError();
  return k as Record<string, string>;
}
