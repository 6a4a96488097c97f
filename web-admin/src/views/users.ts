/**
 * Users of the tenant: list, add, edit, reset password, delete
 * (/v1/tenants/{tenant}/users). Passwords are write-only: a reset shows the
 * new one once, here, and the API keeps only its digest HA1s.
 */
import { seg } from '../api.js';
import { field, h, numberOrUndefined, table, text } from '../dom.js';
import { attempt, generatePassword, type View, type ViewContext } from '../view.js';

interface User {
  ext: string;
  displayName?: string;
  multiDevice: boolean;
  maxDevices: number;
  maxCalls?: number;
  maxOutgoingCalls?: number;
}

const input = (testId: string, attrs: Record<string, string | boolean> = {}) => h('input', { 'data-testid': testId, name: testId, ...attrs });

function addForm(ctx: ViewContext): HTMLFormElement {
  const ext = input('new-ext', { required: true, inputmode: 'numeric', autocomplete: 'off' });
  const password = input('new-password', { type: 'text', placeholder: 'empty: generate one', autocomplete: 'off' });
  const displayName = input('new-display-name');
  const multiDevice = input('new-multi-device', { type: 'checkbox' });
  const maxCalls = input('new-max-calls', { type: 'number', min: '0', step: '1', placeholder: 'unlimited' });
  const form = h(
    'form',
    { class: 'card inline', 'data-testid': 'add-user' },
    h('h3', {}, 'Add a user'),
    field('Extension', ext),
    field('Password', password),
    field('Name', displayName),
    field('Multi-device', multiDevice),
    field('Max calls', maxCalls),
    h('button', { type: 'submit', 'data-testid': 'add-user-submit' }, 'Add'),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const chosen = password.value || generatePassword();
    void attempt(ctx, async () => {
      const calls = numberOrUndefined(maxCalls);
      await ctx.api.post(`/tenants/${seg(ctx.tenant)}/users`, {
        ext: ext.value.trim(),
        password: chosen,
        ...(displayName.value.trim() ? { displayName: displayName.value.trim() } : {}),
        multiDevice: multiDevice.checked,
        ...(calls !== undefined ? { maxCalls: calls } : {}),
      });
      ctx.notify(password.value ? `added ${ext.value}` : `added ${ext.value} with password ${chosen} (shown once)`, 'info');
      ctx.refresh();
    });
  });
  return form;
}

function editForm(ctx: ViewContext, user: User, close: () => void): HTMLFormElement {
  const displayName = input('edit-display-name', { value: user.displayName ?? '' });
  const multiDevice = input('edit-multi-device', { type: 'checkbox', checked: user.multiDevice });
  const maxDevices = input('edit-max-devices', { type: 'number', min: '1', step: '1', value: String(user.maxDevices) });
  const maxCalls = input('edit-max-calls', { type: 'number', min: '0', step: '1', placeholder: 'unlimited', value: user.maxCalls?.toString() ?? '' });
  const maxOut = input('edit-max-outgoing-calls', { type: 'number', min: '0', step: '1', placeholder: 'unlimited', value: user.maxOutgoingCalls?.toString() ?? '' });
  const form = h(
    'form',
    { class: 'card inline', 'data-testid': 'edit-user' },
    h('h3', {}, `Edit ${user.ext}`),
    field('Name', displayName),
    field('Multi-device', multiDevice),
    field('Max devices', maxDevices),
    field('Max calls', maxCalls),
    field('Max outgoing', maxOut),
    h('button', { type: 'submit', 'data-testid': 'edit-user-submit' }, 'Save'),
    h('button', { type: 'button', onclick: close }, 'Cancel'),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void attempt(ctx, async () => {
      await ctx.api.patch(`/tenants/${seg(ctx.tenant)}/users/${seg(user.ext)}`, {
        displayName: displayName.value.trim() === '' ? null : displayName.value.trim(),
        multiDevice: multiDevice.checked,
        maxDevices: Number(maxDevices.value),
        // Empty = unlimited (the API's null).
        maxCalls: numberOrUndefined(maxCalls) ?? null,
        maxOutgoingCalls: numberOrUndefined(maxOut) ?? null,
      });
      ctx.notify(`saved ${user.ext}`, 'info');
      ctx.refresh();
    });
  });
  return form;
}

function resetForm(ctx: ViewContext, user: User, close: () => void): HTMLFormElement {
  const password = input('reset-password', { type: 'text', placeholder: 'empty: generate one', autocomplete: 'off' });
  const shown = h('p', { class: 'secret', 'data-testid': 'reset-password-result' });
  const form = h(
    'form',
    { class: 'card inline', 'data-testid': 'reset-user' },
    h('h3', {}, `New password for ${user.ext}`),
    field('Password', password),
    h('button', { type: 'submit', 'data-testid': 'reset-password-submit' }, 'Set password'),
    h('button', { type: 'button', onclick: close }, 'Close'),
    shown,
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const chosen = password.value || generatePassword();
    void attempt(ctx, async () => {
      await ctx.api.patch(`/tenants/${seg(ctx.tenant)}/users/${seg(user.ext)}`, { password: chosen });
      // Shown once: the API cannot give it back.
      shown.textContent = `New password of ${user.ext}: ${chosen}`;
      password.value = '';
      ctx.notify(`password of ${user.ext} changed; the old one no longer works`, 'info');
    });
  });
  return form;
}

export const USERS_VIEW: View = {
  id: 'users',
  title: 'Users',
  async render(ctx) {
    const { users } = await ctx.api.get<{ users: User[] }>(`/tenants/${seg(ctx.tenant)}/users`, { limit: '1000' });
    const panel = h('div', { 'data-testid': 'user-panel' });
    const open = (form: (ctx: ViewContext, user: User, close: () => void) => HTMLFormElement, user: User) =>
      panel.replaceChildren(form(ctx, user, () => panel.replaceChildren()));
    const remove = (user: User) => {
      if (!confirm(`Delete ${user.ext}? Its devices are unregistered at once.`)) return;
      void attempt(ctx, async () => {
        await ctx.api.delete(`/tenants/${seg(ctx.tenant)}/users/${seg(user.ext)}`);
        ctx.notify(`deleted ${user.ext}`, 'info');
        ctx.refresh();
      });
    };
    return h(
      'section',
      {},
      table<User>(
        'users',
        [
          { header: 'Extension', cell: (u) => u.ext },
          { header: 'Name', cell: (u) => text(u.displayName) },
          { header: 'Multi-device', cell: (u) => (u.multiDevice ? `yes, up to ${u.maxDevices}` : 'no') },
          { header: 'Max calls', cell: (u) => text(u.maxCalls ?? 'unlimited') },
          { header: 'Max outgoing', cell: (u) => text(u.maxOutgoingCalls ?? 'unlimited') },
          {
            header: '',
            cell: (u) =>
              h(
                'span',
                { class: 'actions' },
                h('button', { type: 'button', 'data-testid': 'edit', onclick: () => open(editForm, u) }, 'Edit'),
                h('button', { type: 'button', 'data-testid': 'reset', onclick: () => open(resetForm, u) }, 'Reset password'),
                h('button', { type: 'button', class: 'danger', 'data-testid': 'delete', onclick: () => remove(u) }, 'Delete'),
              ),
          },
        ],
        users,
        (u) => u.ext,
        'No users yet.',
      ),
      panel,
      addForm(ctx),
    );
  },
};
