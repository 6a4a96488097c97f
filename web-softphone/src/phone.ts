import JsSIP from 'jssip';
import type { RTCSession } from 'jssip/lib/RTCSession';
import type { IncomingRequest, IncomingResponse } from 'jssip/lib/SIPMessage';
import { describeCallEnd, describeConnectionFailure, describeRegistrationFailure, MESSAGES } from './plain-words.js';
import type { SignInSettings } from './settings.js';

/** The registration-state text; exactly `registered` while registered (tests and kiosks read it). */
export type RegistrationState = 'signed out' | 'connecting' | 'registering' | 'registered' | 'not registered';
/** The call-state text: idle, calling (we placed it), ringing (someone calls us), connected, held. */
export type CallState = 'idle' | 'calling' | 'ringing' | 'connected' | 'held';
/** How DTMF leaves the phone: RFC 4733 telephone-events in the media path, or SIP INFO (application/dtmf-relay). */
export type DtmfMode = 'auto' | 'info';

export interface CallInfo {
  direction: 'outgoing' | 'incoming';
  number: string;
  name?: string;
  state: CallState;
  muted: boolean;
  /** We put the call on hold (re-INVITE a=sendonly, RFC 3264 §8.4). */
  localHold: boolean;
  /** The other side put us on hold. */
  remoteHold: boolean;
  startedAt: number;
  answeredAt?: number;
}

export interface PhoneListener {
  registration(state: RegistrationState, error?: string): void;
  call(info: CallInfo | undefined, message?: string): void;
  callEnded(info: CallInfo, outcome: string): void;
  /** After a registration: the digest HA1 and realm the PBX accepted (what Remember me keeps instead of the password). */
  credentials?(ha1: string, realm: string): void;
}

export interface PhoneOptions {
  listener: PhoneListener;
  /** The element the far end's audio plays in. */
  remoteAudio: HTMLAudioElement;
  /** getUserMedia constraints for the next call (the chosen microphone). */
  mediaConstraints: () => MediaStreamConstraints;
  /** Counts wrong-password answers across reloads of this tab (to tell a ban from an outage). */
  failureMemory: Storage;
}

const WRONG_PASSWORDS_KEY = 'nimbus.softphone.wrongPasswords';
/** No STUN/TURN by default: the edge only relays signalling, and this stays offline-friendly. */
const PC_CONFIG: RTCConfiguration = { iceServers: [] };

/**
 * One line of a SIP phone over WebSocket (RFC 7118) with WebRTC audio: a
 * JsSIP user agent that registers, places and takes one call at a time, and
 * reports its state in the words the screen shows.
 */
export class Phone {
  private ua?: JsSIP.UA;
  private settings?: SignInSettings;
  private session?: RTCSession;
  private info?: CallInfo;
  private state: RegistrationState = 'signed out';
  dtmfMode: DtmfMode = 'auto';
  /** Key tones the far end sent as SIP INFO during the current call (RFC 4733 tones stay in the audio). */
  receivedDtmf = '';

  constructor(private readonly options: PhoneOptions) {}

  get currentSession(): RTCSession | undefined {
    return this.session;
  }

  get userAgent(): JsSIP.UA | undefined {
    return this.ua;
  }

  get domain(): string {
    return this.settings?.domain ?? '';
  }

  signIn(settings: SignInSettings): void {
    this.signOut();
    this.settings = settings;
    let ua: JsSIP.UA;
    try {
      ua = new JsSIP.UA({
        sockets: [new JsSIP.WebSocketInterface(settings.server)],
        uri: `sip:${settings.extension}@${settings.domain}`,
        // The password when typed; else the remembered HA1, usable only for the realm it was made for.
        ...(settings.password ? { password: settings.password } : { ha1: settings.ha1, realm: settings.realm }),
        ...(settings.displayName ? { display_name: settings.displayName } : {}),
        register: true,
        register_expires: 300,
        session_timers: false,
        user_agent: 'Nimbus Softphone',
        connection_recovery_min_interval: 2,
        connection_recovery_max_interval: 30,
      });
    } catch (err) {
      this.setRegistration('not registered', `Check the server and extension (${(err as Error).message})`);
      return;
    }
    this.ua = ua;
    ua.on('connecting', () => {
      if (this.state !== 'registered') this.setRegistration('connecting');
    });
    ua.on('connected', () => {
      this.setRegistration('registering');
    });
    ua.on('disconnected', (e) => {
      if (this.ua !== ua) return;
      const message = describeConnectionFailure(this.wrongPasswords());
      this.setRegistration('not registered', message);
      // Retrying cannot lift a ban; it only keeps the address on the edge's radar.
      if (message === MESSAGES.blocked) this.stopUa();
    });
    ua.on('registered', () => {
      this.options.failureMemory.removeItem(WRONG_PASSWORDS_KEY);
      const ha1 = ua.get('ha1');
      const realm = ua.get('realm');
      if (ha1 && realm) this.options.listener.credentials?.(ha1, realm);
      this.setRegistration('registered');
    });
    ua.on('unregistered', () => {
      if (this.ua === ua) this.setRegistration('not registered');
    });
    ua.on('registrationFailed', (e) => {
      const status = (e.response as IncomingResponse | undefined)?.status_code;
      let message = describeRegistrationFailure({ cause: String(e.cause), status });
      // The edge bans on the failure that crosses the limit and drops the connection under the REGISTER.
      if (message === MESSAGES.unreachable) message = describeConnectionFailure(this.wrongPasswords());
      if (message === MESSAGES.blocked) this.stopUa();
      if (message === MESSAGES.wrongCredentials) {
        // Each retry with the same password is another failure towards fail-to-ban: stop here.
        this.options.failureMemory.setItem(WRONG_PASSWORDS_KEY, String(this.wrongPasswords() + 1));
        this.stopUa();
      }
      this.setRegistration('not registered', message);
    });
    ua.on('newRTCSession', (e: { session: unknown; originator: string; request: unknown }) =>
      this.onNewSession(e.session as RTCSession, e.originator === 'remote' ? 'incoming' : 'outgoing', e.request as IncomingRequest),
    );
    ua.start();
  }

  signOut(): void {
    if (this.session) this.session.terminate();
    this.stopUa();
    this.setRegistration('signed out');
  }

  /** Digits go to the tenant's domain; a full SIP URI (or user@host) is dialled as written. */
  call(number: string): void {
    if (!this.ua || this.session) return;
    const target = toTarget(number, this.domain);
    if (!target) return;
    try {
      this.ua.call(target, { mediaConstraints: this.options.mediaConstraints(), pcConfig: PC_CONFIG });
    } catch (err) {
      this.options.listener.call(undefined, `Cannot call ${number}: ${(err as Error).message}`);
    }
  }

  answer(): void {
    if (this.session && this.info?.state === 'ringing') {
      // A caller with a late offer (no SDP in the INVITE, RFC 3261 §13.2.1: desk phones, carriers) gets our offer
      // in the 200; without offerToReceiveAudio JsSIP would offer no audio at all.
      this.session.answer({ mediaConstraints: this.options.mediaConstraints(), pcConfig: PC_CONFIG, rtcOfferConstraints: { offerToReceiveAudio: true } });
    }
  }

  /** 486 Busy Here: the caller's PBX may still reach another of our devices or voicemail. */
  reject(): void {
    if (this.session && this.info?.state === 'ringing') this.session.terminate({ status_code: 486, reason_phrase: 'Busy Here' });
  }

  /** CANCEL before an answer, BYE after (RFC 3261 §9, §15). */
  hangUp(): void {
    this.session?.terminate();
  }

  toggleMute(): void {
    if (!this.session || !this.isEstablished()) return;
    if (this.session.isMuted().audio) this.session.unmute({ audio: true });
    else this.session.mute({ audio: true });
  }

  toggleHold(): void {
    if (!this.session || !this.isEstablished()) return;
    if (this.session.isOnHold().local) this.session.unhold();
    else this.session.hold();
  }

  /**
   * RFC 4733 telephone-events through the media path (RTCDTMFSender) when the
   * audio sender can insert them; SIP INFO with application/dtmf-relay otherwise.
   */
  sendDtmf(tone: string): void {
    if (!this.session || !this.isEstablished()) return;
    const sender = this.session.connection?.getSenders().find((s) => s.track?.kind === 'audio');
    const rfc4733 = this.dtmfMode === 'auto' && Boolean(sender?.dtmf?.canInsertDTMF);
    this.session.sendDTMF(tone, {
      transportType: rfc4733 ? JsSIP.C.DTMF_TRANSPORT.RFC2833 : JsSIP.C.DTMF_TRANSPORT.INFO,
      duration: 100,
      interToneGap: 70,
    });
  }

  /** Blind transfer (RFC 3515 REFER): once the far end accepts the REFER, this phone leaves the call. */
  transfer(number: string): void {
    const target = toTarget(number, this.domain);
    if (!this.session || !target || !this.isEstablished()) return;
    const session = this.session;
    session.refer(target, {
      eventHandlers: {
        requestSucceeded: () => session.terminate(),
        requestFailed: () => this.options.listener.call(this.info, `Transfer to ${number} was refused`),
      },
    });
  }

  private onNewSession(session: RTCSession, direction: 'outgoing' | 'incoming', request: IncomingRequest): void {
    // One line: a second incoming call while busy gets 486 (the PBX may try the user's other devices).
    if (direction === 'incoming' && this.session) {
      session.terminate({ status_code: 486, reason_phrase: 'Busy Here' });
      return;
    }
    this.receivedDtmf = '';
    const peer = direction === 'incoming' ? (assertedIdentity(request) ?? session.remote_identity) : session.remote_identity;
    this.session = session;
    this.info = {
      direction,
      number: peer.uri.user ?? peer.uri.toString(),
      name: peer.display_name || undefined,
      state: direction === 'incoming' ? 'ringing' : 'calling',
      muted: false,
      localHold: false,
      remoteHold: false,
      startedAt: Date.now(),
    };
    const update = (message?: string) => {
      if (this.session !== session || !this.info) return;
      const hold = session.isOnHold();
      this.info.localHold = hold.local;
      this.info.remoteHold = hold.remote;
      this.info.muted = session.isMuted().audio ?? false;
      if (this.info.answeredAt) this.info.state = hold.local || hold.remote ? 'held' : 'connected';
      this.options.listener.call({ ...this.info }, message);
    };
    const finish = (e: { originator: string; cause?: unknown }) => {
      if (this.session !== session || !this.info) return;
      const ended = { ...this.info };
      this.session = undefined;
      this.info = undefined;
      this.options.remoteAudio.srcObject = null;
      const outcome = describeCallEnd(String(e.cause), e.originator);
      this.options.listener.callEnded(ended, outcome);
      this.options.listener.call(undefined, outcome);
    };
    if (session.connection) this.playRemoteAudio(session.connection);
    session.on('peerconnection', (e) => this.playRemoteAudio(e.peerconnection));
    session.on('accepted', () => {
      if (this.info && this.session === session) this.info.answeredAt ??= Date.now();
      update();
    });
    session.on('confirmed', () => update());
    session.on('hold', () => update());
    session.on('unhold', () => update());
    session.on('muted', () => update());
    session.on('unmuted', () => update());
    session.on('newDTMF', (e: { originator: string; dtmf: { tone: string } }) => {
      if (e.originator === 'remote' && this.session === session) this.receivedDtmf += e.dtmf.tone;
    });
    session.on('ended', finish);
    session.on('failed', finish);
    // We are the transferee of a blind transfer: call the target, then the old call ends.
    session.on('refer', (e) => {
      if (this.info && this.session === session) this.options.listener.callEnded({ ...this.info }, 'Transferred');
      this.session = undefined;
      this.info = undefined;
      e.accept(undefined, { mediaConstraints: this.options.mediaConstraints(), pcConfig: PC_CONFIG });
    });
    update();
  }

  private playRemoteAudio(pc: RTCPeerConnection): void {
    pc.addEventListener('track', (e) => {
      if (e.track.kind !== 'audio') return;
      this.options.remoteAudio.srcObject = e.streams[0] ?? new MediaStream([e.track]);
      void this.options.remoteAudio.play().catch(() => undefined);
    });
  }

  private isEstablished(): boolean {
    return this.info?.answeredAt !== undefined;
  }

  private stopUa(): void {
    const ua = this.ua;
    this.ua = undefined;
    ua?.stop();
  }

  private wrongPasswords(): number {
    return Number(this.options.failureMemory.getItem(WRONG_PASSWORDS_KEY) ?? 0) || 0;
  }

  private setRegistration(state: RegistrationState, error?: string): void {
    this.state = state;
    this.options.listener.registration(state, error);
  }
}

/** "1002", "+44 20 7946 0000", "bob@example.com" or "sip:bob@example.com" → a SIP URI. */
export function toTarget(number: string, domain: string): string | undefined {
  const trimmed = number.trim();
  if (!trimmed) return undefined;
  if (/^sips?:/i.test(trimmed)) return trimmed;
  if (trimmed.includes('@')) return `sip:${trimmed}`;
  const dialled = trimmed.replace(/[\s().-]/g, '');
  return dialled ? `sip:${dialled}@${domain}` : undefined;
}

/**
 * The caller as the PBX vouches for it (RFC 3325 P-Asserted-Identity), when
 * the PBX adds one; else the From header the caller's phone wrote.
 */
function assertedIdentity(request: IncomingRequest | undefined): JsSIP.NameAddrHeader | undefined {
  const value = request?.getHeader?.('P-Asserted-Identity');
  if (!value) return undefined;
  const parsed = JsSIP.NameAddrHeader.parse(value);
  return parsed && parsed.uri ? parsed : undefined;
}
