import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';
import { wavEnergy, writeToneWav, type WavEnergy } from './wav-energy.js';

/**
 * A real desk phone for tests: headless baresip 1.0.0 speaking plain RTP/AVP
 * with G.711 and RFC 4733 telephone-events, driven over its ctrl_tcp socket.
 *
 * What baresip 1.0.0 offers, found by experiment (Debian package 1.0.0):
 * - `aufile` is an audio *source* only; received audio is written by the
 *   `sndfile` audio filter, which dumps every stream to
 *   `<snd_path>/dump-<time>-dec.wav` (received, decoded) and `-enc.wav` (sent).
 *   No `audio_player` is configured: the rx pipeline still decodes and
 *   filters, so no sound card (alsa/pulse) is needed.
 * - When the aufile WAV ends, baresip reports AUDIO_ERROR "end of file" and
 *   the menu hangs the call up: the tone must outlast the call.
 * - ctrl_tcp carries JSON in netstrings (`len:{json},`); commands are the
 *   menu's (`dial`, `hangup`, `accept`, and, only while a call exists,
 *   `hold`, `resume`, `sndcode`). Events are `{event:true,type,…}`.
 * - Received telephone-events come as CALL_DTMF_START (param = the digit)
 *   and CALL_DTMF_END.
 * - Without a UA (account) `dial` answers "Invalid argument". An account in
 *   the `accounts` file registers the moment baresip is ready, before we can
 *   connect to ctrl_tcp, and those events are lost: the account is created
 *   with `uanew` after connecting instead.
 * - Auto-answered calls emit no CALL_INCOMING (manual answer mode does).
 * - Its Contact user is `USER-0x<pointer>`, not USER: match bindings on host:port.
 * - Digest (libre of 2020) supports MD5 only and fails the whole REGISTER
 *   ("Function not implemented") when a 401 also offers SHA-256 (RFC 7616,
 *   RFC 8760): run the stack with PBX_DIGEST_ALGORITHMS=MD5 for baresip.
 */

export interface BaresipOptions {
  /** The account is sip:USER@DOMAIN; USER is also the digest user name. */
  user: string;
  domain: string;
  /** Where REGISTER goes (an outbound proxy, RFC 3261 §8.1.2). Without it the phone never registers (regint=0). */
  registrar?: { host: string; port: number };
  password?: string;
  /** auto: answers every INVITE at once; manual (default): call answer(). */
  answerMode?: 'auto' | 'manual';
  /** The tone it sends, 8 kHz mono 16-bit. Long by default: the call ends when the file ends. */
  toneHz?: number;
  toneSeconds?: number;
  sipPort?: number;
}

export interface BaresipEvent {
  type: string;
  class?: string;
  accountaor?: string;
  direction?: string;
  peeruri?: string;
  id?: string;
  param?: string;
  [key: string]: unknown;
}

interface Response {
  ok: boolean;
  data: string;
}

/** Where Debian's baresip-core puts its modules; BARESIP_MODULES for another layout. */
const MODULES = process.env.BARESIP_MODULES ?? '/usr/lib/baresip/modules';

export class Baresip {
  /** Every event in arrival order. */
  readonly events: BaresipEvent[] = [];
  private buffer = Buffer.alloc(0);
  private readonly waiters = new Set<() => void>();
  /** Per event type, how many waitFor() calls already consumed: each call returns the next one. */
  private readonly consumed = new Map<string, number>();
  private readonly pending = new Map<string, (response: Response) => void>();
  private nextToken = 1;
  private exited = false;

  private constructor(
    private readonly child: ChildProcess,
    private readonly control: net.Socket,
    readonly dir: string,
    private readonly log: { text: string },
    /** Where to dial this phone directly, bypassing any registrar. */
    readonly contactUri: string,
    readonly aor: string,
  ) {
    control.on('data', (chunk: Buffer) => this.onData(chunk));
    control.on('error', () => undefined);
    this.exited = child.exitCode !== null;
    child.on('exit', () => {
      this.exited = true;
      for (const resolve of this.pending.values()) resolve({ ok: false, data: 'baresip exited' });
      this.pending.clear();
      this.wake();
    });
  }

  /**
   * Starts baresip; on a port it picked itself, again on other ports when
   * one was taken meanwhile: baresip also binds TLS on the SIP port + 1, and
   * parallel test files take ports between our probe and its bind.
   */
  static async start(options: BaresipOptions): Promise<Baresip> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await Baresip.startOnce(options);
      } catch (error) {
        const taken = error instanceof Error && error.message.includes('Address already in use');
        if (!taken || options.sipPort !== undefined || attempt === 3) throw error;
      }
    }
  }

  private static async startOnce(options: BaresipOptions): Promise<Baresip> {
    const dir = await mkdtemp(join(tmpdir(), 'nimbus-baresip-'));
    const sipPort = options.sipPort ?? (await freePort());
    const controlPort = await freePort();
    const tone = join(dir, 'tone.wav');
    await writeToneWav(tone, { hz: options.toneHz ?? 440, seconds: options.toneSeconds ?? 60, sampleRate: 8000 });
    const recordings = join(dir, 'recordings');
    await mkdir(recordings);
    await writeFile(join(dir, 'config'), configFile({ sipPort, controlPort, tone, recordings }));
    // No account at start: its first REGISTER would race our ctrl_tcp connection and its events would be lost.
    // The account is created over ctrl_tcp (`uanew`) once we listen.
    await writeFile(join(dir, 'accounts'), '');
    // An empty contacts file: baresip would otherwise write a template (and the contact module is not loaded anyway).
    await writeFile(join(dir, 'contacts'), '');

    const child = spawn('baresip', ['-f', dir], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    const log = { text: '' };
    const collect = (chunk: Buffer) => (log.text = (log.text + chunk.toString()).slice(-200_000));
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });
    let control: net.Socket;
    try {
      // "baresip is ready." comes after every module and the accounts are loaded.
      await until(() => log.text.includes('baresip is ready.'), child, log, 'it was ready');
      control = await connectWhenListening(controlPort, child, log);
    } catch (error) {
      child.kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
    const phone = new Baresip(child, control, dir, log, `sip:${options.user}@127.0.0.1:${sipPort}`, `sip:${options.user}@${options.domain}`);
    // A module that failed to load is only a log line: fail here, clearly, instead of with silent audio later.
    for (const needed of ['aucodec: PCMU/8000/1', 'ausrc: aufile', 'aufilt: sndfile']) {
      if (!log.text.includes(needed)) {
        await phone.stop();
        throw new Error(`baresip did not load what the harness needs (${needed}):\n${log.text}`);
      }
    }
    try {
      await phone.command('uanew', accountLine(options));
    } catch (error) {
      await phone.stop();
      throw error;
    }
    return phone;
  }

  /** What baresip printed (its log, the last 200 kB), for failure messages. */
  get output(): string {
    return this.log.text;
  }

  /** Resolves on REGISTER_OK; rejects on REGISTER_FAIL (e.g. a wrong password). */
  async registered(timeoutMs = 10_000): Promise<BaresipEvent> {
    const event = await this.waitFor(['REGISTER_OK', 'REGISTER_FAIL'], timeoutMs);
    if (event.type === 'REGISTER_FAIL') throw new Error(`baresip registration failed: ${event.param}`);
    return event;
  }

  async dial(uri: string): Promise<void> {
    await this.command('dial', uri);
  }

  /** Answers the ringing call (answerMode manual). */
  async answer(): Promise<void> {
    await this.command('accept');
  }

  async hangup(): Promise<void> {
    await this.command('hangup');
  }

  /** Puts the call on hold with a re-INVITE (RFC 3264 §8.4); `resume` takes it off again. */
  async hold(): Promise<void> {
    await this.command('hold');
  }

  async resume(): Promise<void> {
    await this.command('resume');
  }

  /** Sends each digit as an RFC 4733 telephone-event (press and release). */
  async sendDtmf(digits: string): Promise<void> {
    for (const digit of digits) await this.command('sndcode', digit);
  }

  /** The digits received as telephone-events, in order. */
  dtmfReceived(): string {
    return this.events
      .filter((e) => e.type === 'CALL_DTMF_START')
      .map((e) => e.param ?? '')
      .join('');
  }

  /**
   * The WAV files of received (decoded) audio, one per audio stream. sndfile
   * finalizes a file's header when the stream closes: measure after CALL_CLOSED.
   */
  async receivedAudio(): Promise<string[]> {
    const recordings = join(this.dir, 'recordings');
    return (await readdir(recordings))
      .filter((f) => f.endsWith('-dec.wav'))
      .sort()
      .map((f) => join(recordings, f));
  }

  /**
   * Waits until the newest received-audio recording holds sound: at least
   * `minSeconds` of it, with RMS at least `minRms` (the harness tone is
   * ≈ 0.35; silence is ≈ 0). Polls the file while sndfile is still writing it, so a
   * test can wait for audio during the call instead of sleeping.
   */
  async waitForAudio(options: { minRms?: number; minSeconds?: number; timeoutMs?: number } = {}): Promise<WavEnergy> {
    const minRms = options.minRms ?? 0.1;
    const minSeconds = options.minSeconds ?? 0.5;
    const deadline = Date.now() + (options.timeoutMs ?? 10_000);
    let last: WavEnergy | undefined;
    for (;;) {
      const newest = (await this.receivedAudio()).at(-1);
      // Right after the file is opened its header may not even be complete.
      if (newest) last = await wavEnergy(newest).catch(() => last);
      if (last && last.rms >= minRms && last.durationSeconds >= minSeconds) return last;
      if (this.exited || Date.now() > deadline) {
        throw new Error(`no ${minSeconds} s of audio (RMS ≥ ${minRms}) received by ${this.aor}: ${JSON.stringify(last ?? 'no recording')}\n${this.log.text.slice(-4000)}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /**
   * The next event of one of `types` not yet returned by an earlier waitFor
   * of that type (events that already arrived count): two waitFor('CALL_CLOSED')
   * wait for two calls to close.
   */
  async waitFor(types: string | string[], timeoutMs = 10_000): Promise<BaresipEvent> {
    const wanted = Array.isArray(types) ? types : [types];
    const key = wanted.join('|');
    const find = () => {
      const matches = this.events.filter((e) => wanted.includes(e.type));
      return matches[this.consumed.get(key) ?? 0];
    };
    return new Promise<BaresipEvent>((resolve, reject) => {
      const check = () => {
        const event = find();
        if (event) {
          done();
          this.consumed.set(key, (this.consumed.get(key) ?? 0) + 1);
          resolve(event);
        } else if (this.exited) {
          done();
          reject(new Error(`baresip exited while waiting for ${key}:\n${this.log.text.slice(-4000)}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        const seen = this.events.map((e) => e.type).join(', ');
        reject(new Error(`no ${key} from baresip ${this.aor} within ${timeoutMs} ms (events: ${seen})\n${this.log.text.slice(-4000)}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }

  /** Kills baresip (SIGTERM, then SIGKILL) and removes its folder, recordings included. */
  async stop(): Promise<void> {
    this.control.destroy();
    if (!this.exited) {
      const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 2_000);
      await exited;
      clearTimeout(timer);
    }
    await rm(this.dir, { recursive: true, force: true });
  }

  /** One menu command over ctrl_tcp; rejects when baresip answers ok:false (e.g. `hold` with no call). */
  private async command(command: string, params = ''): Promise<string> {
    const token = String(this.nextToken++);
    const json = Buffer.from(JSON.stringify({ command, params, token }));
    const response = new Promise<Response>((resolve) => this.pending.set(token, resolve));
    this.control.write(Buffer.concat([Buffer.from(`${json.length}:`), json, Buffer.from(',')]));
    const { ok, data } = await response;
    if (!ok) throw new Error(`baresip ${command} ${params} failed: ${data.trim()}`);
    return data;
  }

  /** Netstrings (`<length>:<bytes>,`): a TCP chunk may hold several messages or part of one. */
  private onData(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const colon = this.buffer.indexOf(':');
      if (colon < 0) return;
      const length = Number(this.buffer.subarray(0, colon).toString());
      if (this.buffer.length < colon + 1 + length + 1) return;
      const message = JSON.parse(this.buffer.subarray(colon + 1, colon + 1 + length).toString()) as Record<string, unknown>;
      this.buffer = this.buffer.subarray(colon + 1 + length + 1);
      if (message.response) {
        const resolve = this.pending.get(String(message.token));
        this.pending.delete(String(message.token));
        resolve?.({ ok: message.ok === true, data: String(message.data ?? '') });
      } else if (message.event) {
        this.events.push(message as BaresipEvent);
        this.wake();
      }
    }
  }

  private wake(): void {
    for (const check of [...this.waiters]) check();
  }
}

/**
 * Only the modules a plain-RTP desk phone needs: no UI reading stdin, no
 * sound card driver, no NAT helpers, no SRTP, no video.
 */
function configFile(c: { sipPort: number; controlPort: number; tone: string; recordings: string }): string {
  return [
    'poll_method epoll',
    `sip_listen 127.0.0.1:${c.sipPort}`,
    // Media on loopback too: otherwise baresip offers the first interface's address in its SDP.
    'net_interface 127.0.0.1',
    `audio_source aufile,${c.tone}`,
    'ausrc_srate 8000',
    'ausrc_channels 1',
    'auplay_srate 8000',
    'auplay_channels 1',
    'rtp_ports 40000-49999',
    'statmode_default off',
    `module_path ${MODULES}`,
    'module g711.so',
    'module aufile.so',
    'module sndfile.so',
    'module_app account.so',
    'module_app menu.so',
    'module ctrl_tcp.so',
    `ctrl_tcp_listen 127.0.0.1:${c.controlPort}`,
    `snd_path ${c.recordings}`,
    '',
  ].join('\n');
}

/**
 * One accounts line: `<sip:user@domain>;param=value;…`. Values cannot hold
 * `;` (baresip splits on it), so test passwords stay simple.
 */
function accountLine(o: BaresipOptions): string {
  const params = [
    `audio_codecs=PCMU,PCMA`,
    `answermode=${o.answerMode ?? 'manual'}`,
    o.registrar ? 'regint=60' : 'regint=0',
  ];
  if (o.registrar) params.push(`outbound="sip:${o.registrar.host}:${o.registrar.port};transport=udp"`);
  if (o.password) params.push(`auth_user=${o.user}`, `auth_pass=${o.password}`);
  return `<sip:${o.user}@${o.domain};transport=udp>;${params.join(';')}`;
}

/** Polls `ready` until true; fails with baresip's log when it exits or takes more than 10 s. */
async function until(ready: () => boolean, child: ChildProcess, log: { text: string }, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!ready()) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`baresip exited before ${what}:\n${log.text}`);
    if (Date.now() > deadline) throw new Error(`baresip took more than 10 s before ${what}:\n${log.text}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** ctrl_tcp is listening once baresip is ready; a refused connection is still retried for a while. */
async function connectWhenListening(port: number, child: ChildProcess, log: { text: string }): Promise<net.Socket> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const socket = await new Promise<net.Socket | undefined>((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => resolve(s));
      s.once('error', () => resolve(undefined));
    });
    if (socket) return socket;
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`baresip ctrl_tcp did not accept on port ${port}:\n${log.text}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
