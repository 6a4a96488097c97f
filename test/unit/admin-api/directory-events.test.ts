/** The directory.changed bus event: built by the admin API, checked by consumers. */
import { describe, expect, it } from 'vitest';
import { directoryChangedEvent, parseDirectoryChanged } from '../../../contracts/bus/directory-events.js';

describe('directory.changed', () => {
  it('is a functions event whose detail says what changed, never the new value', () => {
    const event = directoryChangedEvent({ tenantId: 'acme', kind: 'tenant', id: 'acme', op: 'updated', domains: ['a.test', 'b.test', 'a.test'] }, new Date('2026-03-01T12:00:00Z'));
    expect(event).toEqual({
      source: 'nimbus.functions',
      detailType: 'directory.changed',
      time: '2026-03-01T12:00:00.000Z',
      detail: { tenantId: 'acme', kind: 'tenant', id: 'acme', op: 'updated', domains: ['a.test', 'b.test'], changedAt: '2026-03-01T12:00:00.000Z' },
    });
    expect(parseDirectoryChanged(event.detail)).toEqual(event.detail);
  });

  it('has no tenant for system settings', () => {
    const { detail } = directoryChangedEvent({ kind: 'settings', id: 'system', op: 'updated' });
    expect(parseDirectoryChanged(detail)).not.toHaveProperty('tenantId');
  });

  it.each([
    [{ kind: 'phone', id: 'x', op: 'updated', changedAt: '2026-03-01T12:00:00Z' }, /kind/],
    [{ kind: 'user', id: '', op: 'updated', changedAt: '2026-03-01T12:00:00Z' }, /id/],
    [{ kind: 'user', id: '1001', op: 'renamed', changedAt: '2026-03-01T12:00:00Z' }, /op/],
    [{ kind: 'user', id: '1001', op: 'created', changedAt: 'yesterday' }, /changedAt: must be an ISO-8601 time/],
  ])('refuses a malformed detail %j naming the field', (detail, message) => {
    expect(() => parseDirectoryChanged(detail)).toThrow(message);
  });
});
