import { describe, expect, it } from 'vitest';
import { EdgeLiveness } from '../../../functions/src/calls/edge-liveness.js';
import { selectTargets } from '../../../functions/src/calls/call-targets.js';
import type { EdgeRecord } from '../../../functions/src/edges/edge-registry.js';
import { binding, EDGE, NOW } from './fixtures.js';

const edgeB = (o: Partial<EdgeRecord> = {}): EdgeRecord => ({
  edgeId: 'edge-b',
  bootId: 'b-boot-1',
  sipHost: '10.0.0.2',
  sipPort: 5070,
  bootedAt: NOW - 60_000,
  lastSeen: NOW - 1_000,
  expiresAt: NOW + 30_000,
  ...o,
});

const keys = (bindings: Parameters<typeof selectTargets>[0], edges: EdgeRecord[]) =>
  selectTargets(bindings, EDGE, new EdgeLiveness(edges, NOW, EDGE)).map((t) => t.bindingKey);

describe('call targets (RFC 3261 §16.5 target set)', () => {
  it('reaches bindings of this edge directly, without viaEdge', () => {
    const [t] = selectTargets([binding({ key: 'udp-here' })], EDGE, new EdgeLiveness([], NOW, EDGE));
    expect(t).toEqual({
      contact: 'sip:device@198.51.100.7:5060',
      bindingKey: 'udp-here',
      edgeId: EDGE.id,
      bootId: EDGE.bootId,
      protocol: 'udp',
      address: '198.51.100.7',
      port: 5060,
    });
  });

  it('skips a flow binding of an earlier boot of this edge, keeps an older UDP one', () => {
    const bindings = [
      binding({ key: 'old-flow', bootId: 'boot-1', flowId: 'f1', protocol: 'tcp' }),
      binding({ key: 'old-udp', bootId: 'boot-1' }),
      binding({ key: 'flow-now', flowId: 'f2', protocol: 'ws' }),
    ];
    expect(keys(bindings, [])).toEqual(['old-udp', 'flow-now']);
  });

  it('routes a device held by another live edge through that edge', () => {
    const [t] = selectTargets([binding({ key: 'far', edgeId: 'edge-b', bootId: 'b-boot-1', flowId: 'f9', protocol: 'wss' })], EDGE, new EdgeLiveness([edgeB()], NOW, EDGE));
    expect(t).toMatchObject({ bindingKey: 'far', flowId: 'f9', viaEdge: { edgeId: 'edge-b', host: '10.0.0.2', port: 5070 } });
  });

  it.each<[string, EdgeRecord[], boolean]>([
    ['a dead edge (lease expired)', [edgeB({ expiresAt: NOW - 1 })], false],
    ['an edge without heartbeat', [], false],
    ['an edge that restarted (flow binding)', [edgeB({ bootId: 'b-boot-2' })], false],
    ['a live edge of the same boot', [edgeB()], true],
  ])('for a flow binding held by %s: target = %s', (_name, edges, kept) => {
    expect(keys([binding({ key: 'far', edgeId: 'edge-b', bootId: 'b-boot-1', flowId: 'f9', protocol: 'tcp' })], edges)).toEqual(kept ? ['far'] : []);
  });

  it('keeps a UDP binding of another edge that restarted (no flow died), via that edge', () => {
    expect(keys([binding({ key: 'far-udp', edgeId: 'edge-b', bootId: 'b-boot-1' })], [edgeB({ bootId: 'b-boot-2' })])).toEqual(['far-udp']);
  });
});
