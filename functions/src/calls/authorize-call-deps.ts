/**
 * What authorize-call reads and writes, apart from the request: its own
 * module so the trunk steps (functions/src/trunks/inbound-trunk-call.ts,
 * outbound-trunk-call.ts) can take it without importing authorize-call.ts.
 */
import type { FailToBanDeps } from '../fail-to-ban/record-auth-failure.js';
import type { RegistrarSettings } from '../../../contracts/settings/registrar-settings.js';
import type { BindingStore } from '../registration/binding-repository.js';
import type { DirectoryReader } from '../directory/directory-repository.js';
import type { CarriedCallsStore } from '../edges/carried-calls.js';
import type { EdgeRegistry } from '../edges/edge-registry.js';
import type { HostResolver } from '../trunks/inbound-trunk.js';
import type { TrunkReader } from '../trunks/trunk-repository.js';
import type { TrunkUsageStore } from '../trunks/trunk-usage-repository.js';
import type { CallSlotStore } from './call-slot-repository.js';
import type { DialPlan } from './dial-plan.js';

export interface AuthorizeCallDeps {
  directory: DirectoryReader;
  bindings: Pick<BindingStore, 'loadBindings'>;
  slots: CallSlotStore;
  edges: Pick<EdgeRegistry, 'listEdges'>;
  /** The edges' latest slot audits: a user at the limit gets back entries of calls their edge no longer carries (absent: only dead edges' entries). */
  carriedCalls?: Pick<CarriedCallsStore, 'list'>;
  settings: Pick<RegistrarSettings, 'nonceSecret' | 'nonceTtlSeconds' | 'digestAlgorithms'>;
  /** Defaults to DEFAULT_DIAL_PLAN. */
  dialPlan?: DialPlan;
  /** Epoch ms. */
  now: () => number;
  /** Fail-to-ban: failed authentications are counted per source address (absent = not counted). */
  failToBan?: FailToBanDeps;
  /** SIP trunks (absent = no trunk routes, no inbound trunk calls). */
  trunks?: Pick<TrunkReader, 'listTrunks' | 'findTrunkBySource' | 'findTrunksBySource' | 'listRegisteringTrunks'>;
  /** Trunk admission counters (absent = trunks unlimited). */
  trunkUsage?: Pick<TrunkUsageStore, 'take' | 'release'>;
  /** Resolves a registered line's carrier host to compare with the source (default: DNS). */
  resolveHost?: HostResolver;
}
