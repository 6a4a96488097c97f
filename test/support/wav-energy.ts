import { readFile, writeFile } from 'node:fs/promises';

/** What a recorded stream sounded like: enough to tell a tone from silence. */
export interface WavEnergy {
  /** Root mean square of all samples, full scale = 1. */
  rms: number;
  /** Largest absolute sample, full scale = 1. */
  peak: number;
  durationSeconds: number;
  sampleRate: number;
  channels: number;
}

/**
 * Reads a 16-bit PCM WAV and measures it. The RIFF chunks are walked
 * (libsndfile and others may put LIST/fact/PEAK chunks before `data`, and a
 * `fmt ` chunk may be longer than 16 bytes), so no 44-byte header is assumed.
 * A file still being written (data size not yet patched) is measured as far as it goes.
 */
export async function wavEnergy(path: string): Promise<WavEnergy> {
  return measureWav(await readFile(path));
}

export function measureWav(file: Buffer): WavEnergy {
  if (file.toString('ascii', 0, 4) !== 'RIFF' || file.toString('ascii', 8, 12) !== 'WAVE') {
    throw new Error('not a RIFF/WAVE file');
  }
  let format: { channels: number; sampleRate: number; bits: number; tag: number } | undefined;
  let data: Buffer | undefined;
  // Chunks: 4-byte id, 4-byte little-endian size, body padded to an even length (RIFF rule).
  for (let at = 12; at + 8 <= file.length; ) {
    const id = file.toString('ascii', at, at + 4);
    const size = file.readUInt32LE(at + 4);
    const body = file.subarray(at + 8, Math.min(at + 8 + size, file.length));
    if (id === 'fmt ') {
      format = { tag: body.readUInt16LE(0), channels: body.readUInt16LE(2), sampleRate: body.readUInt32LE(4), bits: body.readUInt16LE(14) };
      // WAVE_FORMAT_EXTENSIBLE keeps the real format tag in the first two bytes of its sub-format GUID.
      if (format.tag === 0xfffe && body.length >= 26) format.tag = body.readUInt16LE(24);
    } else if (id === 'data') {
      // A writer still streaming (libsndfile before sf_close) has not patched the size yet: take what is there.
      const streaming = size === 0 || size === 0xffffffff || at + 8 + size > file.length;
      data = streaming ? file.subarray(at + 8) : body;
      if (streaming) break;
    }
    at += 8 + size + (size % 2);
  }
  if (!format) throw new Error('WAV has no fmt chunk');
  if (format.tag !== 1 || format.bits !== 16) throw new Error(`only 16-bit PCM is measured (format ${format.tag}, ${format.bits} bits)`);
  if (!data) throw new Error('WAV has no data chunk');
  const samples = Math.floor(data.length / 2);
  let sumSquares = 0;
  let peak = 0;
  for (let i = 0; i < samples; i++) {
    const value = data.readInt16LE(i * 2) / 32768;
    sumSquares += value * value;
    peak = Math.max(peak, Math.abs(value));
  }
  return {
    rms: samples ? Math.sqrt(sumSquares / samples) : 0,
    peak,
    durationSeconds: samples / format.channels / format.sampleRate,
    sampleRate: format.sampleRate,
    channels: format.channels,
  };
}

/** A mono 16-bit PCM sine tone at half full scale (loud, but far from clipping through G.711). */
export async function writeToneWav(path: string, tone: { hz: number; seconds: number; sampleRate: number }): Promise<void> {
  await writeFile(path, toneWav(tone));
}

export function toneWav({ hz, seconds, sampleRate }: { hz: number; seconds: number; sampleRate: number }): Buffer {
  const samples = Math.round(seconds * sampleRate);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + samples * 2, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * 2, 28); // byte rate
  header.writeUInt16LE(2, 32); // block align
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(samples * 2, 40);
  const data = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i++) data.writeInt16LE(Math.round(16384 * Math.sin((2 * Math.PI * hz * i) / sampleRate)), i * 2);
  return Buffer.concat([header, data]);
}
