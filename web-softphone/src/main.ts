import { CallHistory, formatDuration, type CallRecord } from './call-history.js';
import { audioConstraints, canChooseSpeaker, listAudioDevices, loadDeviceChoice, routeToSpeaker, saveDeviceChoice } from './media-devices.js';
import { Phone, type CallInfo, type DtmfMode, type RegistrationState } from './phone.js';
import { Ringer } from './ringer.js';
import { forget, loadLaunchOptions, remember, type LaunchOptions, type SignInSettings } from './settings.js';
import { loadSiteConfig } from './site-config.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const el = {
  registrationState: $('registration-state'),
  registrationError: $('registration-error'),
  signIn: $<HTMLFormElement>('sign-in'),
  extension: $<HTMLInputElement>('extension'),
  password: $<HTMLInputElement>('password'),
  displayName: $<HTMLInputElement>('display-name'),
  server: $<HTMLInputElement>('server'),
  domain: $<HTMLInputElement>('domain'),
  remember: $<HTMLInputElement>('remember'),
  phone: $('phone'),
  identity: $('identity'),
  signOut: $<HTMLButtonElement>('sign-out'),
  peer: $('peer'),
  callState: $('call-state'),
  callTimer: $('call-timer'),
  callMessage: $('call-message'),
  dial: $<HTMLInputElement>('dial'),
  backspace: $<HTMLButtonElement>('backspace'),
  keypad: $('keypad'),
  call: $<HTMLButtonElement>('call'),
  answer: $<HTMLButtonElement>('answer'),
  reject: $<HTMLButtonElement>('reject'),
  hangup: $<HTMLButtonElement>('hangup'),
  inCall: $('in-call'),
  mute: $<HTMLButtonElement>('mute'),
  hold: $<HTMLButtonElement>('hold'),
  transfer: $<HTMLButtonElement>('transfer'),
  transferForm: $<HTMLFormElement>('transfer-form'),
  transferTarget: $<HTMLInputElement>('transfer-target'),
  microphone: $<HTMLSelectElement>('microphone'),
  speaker: $<HTMLSelectElement>('speaker'),
  dtmfMode: $<HTMLSelectElement>('dtmf-mode'),
  history: $<HTMLOListElement>('history'),
  clearHistory: $<HTMLButtonElement>('clear-history'),
  remoteAudio: $<HTMLAudioElement>('remote-audio'),
};

const KEYS: Array<[string, string]> = [
  ['1', ''], ['2', 'ABC'], ['3', 'DEF'], ['4', 'GHI'], ['5', 'JKL'], ['6', 'MNO'],
  ['7', 'PQRS'], ['8', 'TUV'], ['9', 'WXYZ'], ['*', ''], ['0', '+'], ['#', ''],
];

const history = new CallHistory(localStorage);
const ringer = new Ringer();
let devices = loadDeviceChoice(localStorage);
let current: CallInfo | undefined;
let timer: ReturnType<typeof setInterval> | undefined;
let pendingDial: string | undefined;
/** The settings the phone signed in with (Remember me adds the HA1 to them once registered). */
let signedIn: SignInSettings | undefined;
/** Remembered HA1 + realm, for signing in again from the form without retyping the password. */
let rememberedDigest: Pick<SignInSettings, 'extension' | 'domain' | 'ha1' | 'realm'> | undefined;

const phone = new Phone({
  remoteAudio: el.remoteAudio,
  mediaConstraints: () => audioConstraints(devices),
  failureMemory: sessionStorage,
  listener: {
    registration: showRegistration,
    call: showCall,
    callEnded: (info, outcome) => {
      const record: CallRecord = {
        direction: info.direction,
        number: info.number,
        name: info.name,
        startedAt: info.startedAt,
        seconds: info.answeredAt ? Math.round((Date.now() - info.answeredAt) / 1000) : 0,
        outcome: info.answeredAt ? 'answered' : outcome,
      };
      history.add(record);
      renderHistory();
    },
    credentials: (ha1, realm) => {
      // Remember me keeps the digest HA1 for this realm, never the password.
      if (!signedIn?.remember) return;
      signedIn = { ...signedIn, password: '', ha1, realm };
      remember(localStorage, signedIn);
      rememberedDigest = signedIn;
    },
  },
});

// Tests and kiosk integrations reach the live JsSIP objects here (session.connection is the RTCPeerConnection).
Object.defineProperty(window, '__nimbus', {
  value: {
    get ua() { return phone.userAgent; },
    get session() { return phone.currentSession; },
    get pc() { return phone.currentSession?.connection; },
    get receivedDtmf() { return phone.receivedDtmf; },
  },
});

function showRegistration(state: RegistrationState, error?: string): void {
  el.registrationState.textContent = state;
  document.body.dataset.registration = state.replace(' ', '-');
  el.registrationError.textContent = error ?? '';
  el.registrationError.hidden = !error;
  const signedIn = state !== 'signed out' && !(state === 'not registered' && !phone.userAgent);
  el.signIn.hidden = signedIn;
  el.phone.hidden = !signedIn;
  if (state === 'registered' && pendingDial) {
    const number = pendingDial;
    pendingDial = undefined;
    el.dial.value = number;
    phone.call(number);
  }
  updateButtons();
}

function showCall(info: CallInfo | undefined, message?: string): void {
  const previous = current?.state;
  current = info;
  el.callState.textContent = info?.state ?? 'idle';
  document.body.dataset.call = info?.state ?? 'idle';
  el.peer.textContent = info ? (info.name ? `${info.name} · ${info.number}` : info.number) : '\u00a0';
  el.callMessage.textContent = message ?? (info?.remoteHold && !info.localHold ? 'The other side put you on hold' : '');
  el.mute.setAttribute('aria-pressed', String(info?.muted ?? false));
  el.mute.textContent = info?.muted ? 'Unmute' : 'Mute';
  el.hold.setAttribute('aria-pressed', String(info?.localHold ?? false));
  el.hold.textContent = info?.localHold ? 'Resume' : 'Hold';
  if (info?.state === 'ringing' && previous !== 'ringing') {
    ringer.ring();
    el.answer.focus();
  } else if (info?.state === 'calling' && previous !== 'calling') ringer.ringback();
  else if (info?.state !== 'ringing' && info?.state !== 'calling') ringer.stop();
  if (info?.answeredAt && !timer) timer = setInterval(tick, 1000);
  if (!info) {
    clearInterval(timer);
    timer = undefined;
    el.transferForm.hidden = true;
  }
  tick();
  updateButtons();
}

function tick(): void {
  el.callTimer.textContent = current?.answeredAt ? formatDuration((Date.now() - current.answeredAt) / 1000) : '';
}

function updateButtons(): void {
  const registered = el.registrationState.textContent === 'registered';
  const state = current?.state ?? 'idle';
  const established = state === 'connected' || state === 'held';
  el.call.hidden = state !== 'idle';
  el.call.disabled = !registered;
  el.answer.hidden = state !== 'ringing';
  el.reject.hidden = state !== 'ringing';
  el.hangup.hidden = state === 'idle' || state === 'ringing';
  el.inCall.hidden = !established;
}

function renderHistory(): void {
  el.history.replaceChildren(
    ...history.list().map((record) => {
      const item = document.createElement('li');
      const redial = document.createElement('button');
      redial.type = 'button';
      redial.className = 'link';
      redial.textContent = record.name ? `${record.name} (${record.number})` : record.number;
      redial.setAttribute('aria-label', `Call ${redial.textContent} again`);
      redial.addEventListener('click', () => {
        el.dial.value = record.number;
        el.dial.focus();
      });
      const detail = document.createElement('span');
      detail.className = 'detail';
      const when = new Date(record.startedAt).toLocaleString([], { dateStyle: 'short', timeStyle: 'short' });
      const arrow = record.direction === 'outgoing' ? '↗ outgoing' : '↙ incoming';
      detail.textContent = `${arrow} · ${when} · ${record.seconds > 0 ? formatDuration(record.seconds) : record.outcome}`;
      item.append(redial, detail);
      return item;
    }),
  );
}

function pressKey(key: string): void {
  if (current && (current.state === 'connected' || current.state === 'held')) phone.sendDtmf(key);
  el.dial.value += key;
}

function buildKeypad(): void {
  for (const [digit, letters] of KEYS) {
    const button = document.createElement('button');
    button.type = 'button';
    button.dataset.testid = `key-${digit === '*' ? 'star' : digit === '#' ? 'hash' : digit}`;
    button.setAttribute('aria-label', digit === '*' ? 'star' : digit === '#' ? 'hash' : digit);
    button.innerHTML = `<span class="digit">${digit}</span><span class="letters">${letters || '&nbsp;'}</span>`;
    button.addEventListener('click', () => pressKey(digit));
    el.keypad.append(button);
  }
}

async function fillDeviceLists(): Promise<void> {
  const { inputs, outputs } = await listAudioDevices().catch(() => ({ inputs: [], outputs: [] }));
  const fill = (select: HTMLSelectElement, list: MediaDeviceInfo[], chosen: string | undefined, fallback: string) => {
    select.replaceChildren(new Option('System default', ''));
    list.forEach((d, i) => {
      if (d.deviceId !== 'default') select.append(new Option(d.label || `${fallback} ${i + 1}`, d.deviceId));
    });
    select.value = chosen ?? '';
  };
  fill(el.microphone, inputs, devices.microphone, 'Microphone');
  fill(el.speaker, outputs, devices.speaker, 'Speaker');
  el.speaker.disabled = !canChooseSpeaker();
}

function readForm(): SignInSettings {
  const settings: SignInSettings = {
    extension: el.extension.value.trim(),
    password: el.password.value,
    displayName: el.displayName.value.trim(),
    server: el.server.value.trim(),
    domain: el.domain.value.trim(),
    remember: el.remember.checked,
  };
  // No password typed: the remembered HA1 of the same extension@domain signs in.
  const digest = rememberedDigest;
  if (!settings.password && digest && digest.extension === settings.extension && digest.domain === settings.domain) {
    return { ...settings, ha1: digest.ha1, realm: digest.realm };
  }
  return settings;
}

function start(settings: SignInSettings): void {
  signedIn = settings;
  remember(localStorage, settings);
  el.identity.textContent = `${settings.displayName ? `${settings.displayName} · ` : ''}${settings.extension}@${settings.domain}`;
  phone.signIn(settings);
}

// --- wiring ---
buildKeypad();
renderHistory();
void fillDeviceLists();
navigator.mediaDevices?.addEventListener?.('devicechange', () => void fillDeviceLists());

el.signIn.addEventListener('submit', (e) => {
  e.preventDefault();
  start(readForm());
});
el.signOut.addEventListener('click', () => {
  phone.signOut();
  forget(localStorage);
  signedIn = undefined;
  rememberedDigest = undefined;
  el.remember.checked = false;
  el.password.value = '';
});
el.call.addEventListener('click', () => phone.call(el.dial.value));
el.dial.addEventListener('keydown', (e) => {
  if (e.key === 'Enter') {
    e.preventDefault();
    if (!current) phone.call(el.dial.value);
  }
});
// Digits typed into the field during a call are key tones too.
el.dial.addEventListener('beforeinput', (e) => {
  const data = (e as InputEvent).data;
  if (data && /^[0-9*#]$/.test(data) && current && (current.state === 'connected' || current.state === 'held')) phone.sendDtmf(data);
});
el.backspace.addEventListener('click', () => {
  el.dial.value = el.dial.value.slice(0, -1);
  el.dial.focus();
});
el.answer.addEventListener('click', () => phone.answer());
el.reject.addEventListener('click', () => phone.reject());
el.hangup.addEventListener('click', () => phone.hangUp());
el.mute.addEventListener('click', () => phone.toggleMute());
el.hold.addEventListener('click', () => phone.toggleHold());
el.transfer.addEventListener('click', () => {
  el.transferForm.hidden = !el.transferForm.hidden;
  if (!el.transferForm.hidden) el.transferTarget.focus();
});
el.transferForm.addEventListener('submit', (e) => {
  e.preventDefault();
  phone.transfer(el.transferTarget.value);
  el.transferForm.hidden = true;
});
el.microphone.addEventListener('change', () => {
  devices = { ...devices, microphone: el.microphone.value || undefined };
  saveDeviceChoice(localStorage, devices);
});
el.speaker.addEventListener('change', () => {
  devices = { ...devices, speaker: el.speaker.value || undefined };
  saveDeviceChoice(localStorage, devices);
  void routeToSpeaker(el.remoteAudio, devices.speaker).catch(() => undefined);
});
el.dtmfMode.addEventListener('change', () => {
  phone.dtmfMode = el.dtmfMode.value as DtmfMode;
});
el.clearHistory.addEventListener('click', () => {
  history.clear();
  renderHistory();
});
// Escape hangs up or rejects, from anywhere on the page.
document.addEventListener('keydown', (e) => {
  if (e.key !== 'Escape' || !current) return;
  if (current.state === 'ringing') phone.reject();
  else phone.hangUp();
});

const launch = confirmLaunch(loadLaunchOptions(location, localStorage, await loadSiteConfig()));
el.extension.value = launch.settings.extension;
el.password.value = launch.settings.password;
el.displayName.value = launch.settings.displayName;
el.server.value = launch.settings.server;
el.domain.value = launch.settings.domain;
el.remember.checked = launch.settings.remember;
if (launch.settings.ha1) rememberedDigest = launch.settings;
pendingDial = launch.dial;
void routeToSpeaker(el.remoteAudio, devices.speaker).catch(() => undefined);
if (new URLSearchParams(location.search).has('password')) {
  // Keep the password out of the address bar and the browser history.
  const url = new URL(location.href);
  url.searchParams.delete('password');
  window.history.replaceState(null, '', url);
}
if (launch.autoSignIn) start(launch.settings);
else el.extension.focus();
showCall(undefined);

/**
 * A link can carry ?server= and ?dial=: anyone can send one. Remembered
 * credentials go to another server, and a call is placed, only when the user
 * says yes; no keeps the remembered server, and no call.
 */
function confirmLaunch(options: LaunchOptions): LaunchOptions {
  let result = options;
  if (options.foreignServer) {
    const { server, fallback } = options.foreignServer;
    const ok = window.confirm(
      `This link wants to sign you in at ${server}, not at your saved server ${fallback.server}. ` +
        `Send your saved sign-in for ${fallback.extension} to ${server}?`,
    );
    if (!ok) result = { ...result, settings: { ...fallback, displayName: result.settings.displayName || fallback.displayName } };
  }
  if (result.dial !== undefined && result.dial.trim() !== '') {
    if (!window.confirm(`This link wants to call ${result.dial.trim()}. Place the call?`)) result = { ...result, dial: undefined };
  } else result = { ...result, dial: undefined };
  return { ...result, foreignServer: undefined };
}
