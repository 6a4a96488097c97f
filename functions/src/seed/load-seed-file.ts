/** Reads and validates a seed JSON file; errors name the file and the bad field. */
import { readFile } from 'node:fs/promises';
import { parseSeed, SeedError, type Seed } from './seed-schema.js';

export async function loadSeedFile(path: string): Promise<Seed> {
  const text = await readFile(path, 'utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new SeedError([{ path: '(root)', message: `not valid JSON: ${(err as Error).message}` }], path);
  }
  return parseSeed(json, path);
}
