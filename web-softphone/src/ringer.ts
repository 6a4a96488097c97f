/**
 * The incoming-call ring and the caller's ringback, synthesized with Web Audio
 * (no audio files to ship): ring 0.4 s on, 0.2 off, 0.4 on, 2 s pause (a
 * UK-style double ring), ringback 425 Hz 1 s on, 4 s off (ITU-T E.180).
 */
export class Ringer {
  private context?: AudioContext;
  private timer?: ReturnType<typeof setInterval>;

  ring(): void {
    this.play(3000, (ctx, at) => {
      this.tone(ctx, [440, 480], at, 0.4);
      this.tone(ctx, [440, 480], at + 0.6, 0.4);
    });
  }

  ringback(): void {
    this.play(5000, (ctx, at) => this.tone(ctx, [425], at, 1));
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    void this.context?.close().catch(() => undefined);
    this.context = undefined;
  }

  private play(periodMs: number, cadence: (ctx: AudioContext, at: number) => void): void {
    this.stop();
    try {
      const ctx = new AudioContext();
      this.context = ctx;
      cadence(ctx, ctx.currentTime);
      this.timer = setInterval(() => cadence(ctx, ctx.currentTime), periodMs);
    } catch {
      // No audio output (or autoplay refused): the visual ring still shows.
    }
  }

  private tone(ctx: AudioContext, frequencies: number[], at: number, seconds: number): void {
    const gain = ctx.createGain();
    gain.gain.value = 0.08;
    gain.connect(ctx.destination);
    for (const frequency of frequencies) {
      const osc = ctx.createOscillator();
      osc.frequency.value = frequency;
      osc.connect(gain);
      osc.start(at);
      osc.stop(at + seconds);
    }
  }
}
