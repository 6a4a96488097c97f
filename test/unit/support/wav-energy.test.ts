import { describe, expect, it } from 'vitest';
import { measureWav, toneWav } from '../../support/wav-energy.js';

/** Inserts a chunk between `fmt ` and `data`, as libsndfile and editors do (LIST, fact, PEAK …). */
function withChunkBeforeData(wav: Buffer, id: string, body: Buffer): Buffer {
  const chunk = Buffer.alloc(8 + body.length + (body.length % 2));
  chunk.write(id, 0, 'ascii');
  chunk.writeUInt32LE(body.length, 4);
  body.copy(chunk, 8);
  const out = Buffer.concat([wav.subarray(0, 36), chunk, wav.subarray(36)]);
  out.writeUInt32LE(out.length - 8, 4);
  return out;
}

describe('WAV energy', () => {
  it('measures a tone: RMS of a sine is peak / √2, duration from the data chunk', () => {
    const energy = measureWav(toneWav({ hz: 440, seconds: 2, sampleRate: 8000 }));
    expect(energy.sampleRate).toBe(8000);
    expect(energy.channels).toBe(1);
    expect(energy.durationSeconds).toBeCloseTo(2, 3);
    expect(energy.peak).toBeCloseTo(0.5, 2);
    expect(energy.rms).toBeCloseTo(0.5 / Math.SQRT2, 2);
  });

  it('walks the RIFF chunks instead of assuming a 44-byte header (odd-sized chunk, padded)', () => {
    const tone = toneWav({ hz: 440, seconds: 1, sampleRate: 8000 });
    const energy = measureWav(withChunkBeforeData(tone, 'LIST', Buffer.from('INFOISFT\x03\x00\x00\x00ab\x00')));
    expect(energy.durationSeconds).toBeCloseTo(1, 3);
    expect(energy.rms).toBeCloseTo(0.5 / Math.SQRT2, 2);
  });

  it('measures a file still being written: data size 0 until the writer closes it', () => {
    const streaming = toneWav({ hz: 440, seconds: 0.5, sampleRate: 8000 });
    streaming.writeUInt32LE(0, 4);
    streaming.writeUInt32LE(0, 40);
    expect(measureWav(streaming).durationSeconds).toBeCloseTo(0.5, 3);
  });

  it('measures silence as zero energy', () => {
    const silence = toneWav({ hz: 0, seconds: 1, sampleRate: 8000 });
    expect(measureWav(silence)).toMatchObject({ rms: 0, peak: 0 });
  });

  it('refuses what it cannot measure rather than returning a wrong number', () => {
    const tone = toneWav({ hz: 440, seconds: 0.1, sampleRate: 8000 });
    const eightBit = Buffer.from(tone);
    eightBit.writeUInt16LE(8, 34);
    expect(() => measureWav(eightBit)).toThrow(/16-bit PCM/);
    expect(() => measureWav(Buffer.from('not a wav file at all'))).toThrow(/RIFF/);
  });
});
