/**
 * The admin console's shell: sign in with a token, pick a tenant, switch
 * between the views (#/users, #/devices, #/calls, #/trunks, #/bans,
 * #/reports). Each view renders itself from the admin API; the shell shows
 * their errors in one status line and stops their refresh timers when
 * another view is shown.
 */
import { AdminApi } from './api.js';
import { h } from './dom.js';
import { defaultApiBase, forgetSession, savedSession, savedTenant, saveSession, saveTenant, type Session } from './session.js';
import type { View, ViewContext } from './view.js';
import { BANS_VIEW } from './views/bans.js';
import { CALLS_VIEW } from './views/calls.js';
import { DEVICES_VIEW } from './views/devices.js';
import { REPORTS_VIEW } from './views/reports.js';
import { TRUNKS_VIEW } from './views/trunks.js';
import { USERS_VIEW } from './views/users.js';

const VIEWS: View[] = [USERS_VIEW, DEVICES_VIEW, CALLS_VIEW, TRUNKS_VIEW, BANS_VIEW, REPORTS_VIEW];

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const el = {
  status: $('status'),
  signIn: $<HTMLFormElement>('sign-in'),
  token: $<HTMLInputElement>('token'),
  apiUrl: $<HTMLInputElement>('api-url'),
  session: $('session'),
  tenant: $<HTMLSelectElement>('tenant'),
  signOut: $<HTMLButtonElement>('sign-out'),
  app: $('app'),
  tabs: $('tabs'),
  view: $('view'),
};

let api: AdminApi | undefined;
let timers: number[] = [];
/** Bumped on every render: a slow render of a view left behind never replaces the current one. */
let generation = 0;

function notify(message: string, kind: 'error' | 'info' = 'error'): void {
  el.status.textContent = message;
  el.status.className = `status ${kind}`;
  el.status.hidden = message === '';
}

function currentView(): View {
  const id = location.hash.replace(/^#\/?/, '');
  return VIEWS.find((v) => v.id === id) ?? VIEWS[0]!;
}

async function render(): Promise<void> {
  if (!api) return;
  for (const t of timers) clearInterval(t);
  timers = [];
  const mine = ++generation;
  const view = currentView();
  for (const tab of el.tabs.querySelectorAll('a')) tab.setAttribute('aria-current', tab.dataset.view === view.id ? 'page' : 'false');
  const ctx: ViewContext = {
    api,
    tenant: el.tenant.value,
    notify,
    refresh: () => void render(),
    every: (ms, fn) => {
      timers.push(window.setInterval(() => {
        if (mine === generation) void Promise.resolve(fn()).catch((err: unknown) => notify(err instanceof Error ? err.message : String(err)));
      }, ms));
    },
  };
  try {
    const node = await view.render(ctx);
    if (mine === generation) el.view.replaceChildren(h('h2', {}, view.title), node);
  } catch (err) {
    if (mine === generation) {
      el.view.replaceChildren(h('h2', {}, view.title));
      notify(err instanceof Error ? err.message : String(err));
    }
  }
}

/** Checks the token by listing the tenants it reaches; on success the console opens. */
async function signIn(session: Session): Promise<boolean> {
  const candidate = new AdminApi(session.apiBase, session.token);
  let tenants: { id: string }[];
  try {
    tenants = (await candidate.get<{ tenants: { id: string }[] }>('/tenants')).tenants;
  } catch (err) {
    notify(`Sign-in failed: ${err instanceof Error ? err.message : String(err)}`);
    return false;
  }
  if (tenants.length === 0) {
    notify('Sign-in failed: this token reaches no tenant');
    return false;
  }
  api = candidate;
  saveSession(session);
  el.tenant.replaceChildren(...tenants.map((t) => h('option', { value: t.id }, t.id)));
  const remembered = savedTenant();
  if (remembered && tenants.some((t) => t.id === remembered)) el.tenant.value = remembered;
  el.signIn.hidden = true;
  el.session.hidden = false;
  el.app.hidden = false;
  notify('');
  await render();
  return true;
}

el.tabs.replaceChildren(...VIEWS.map((v) => h('a', { href: `#/${v.id}`, 'data-view': v.id, 'data-testid': `tab-${v.id}` }, v.title)));
window.addEventListener('hashchange', () => {
  notify('');
  void render();
});
el.tenant.addEventListener('change', () => {
  saveTenant(el.tenant.value);
  notify('');
  void render();
});
el.signOut.addEventListener('click', () => {
  forgetSession();
  location.reload();
});
el.signIn.addEventListener('submit', (e) => {
  e.preventDefault();
  void (async () => {
    const apiBase = el.apiUrl.value.trim().replace(/\/+$/, '') || (await defaultApiBase());
    if (await signIn({ token: el.token.value.trim(), apiBase })) el.token.value = '';
  })();
});

const saved = savedSession();
if (saved) void signIn(saved);
