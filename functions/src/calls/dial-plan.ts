/**
 * The dial plan: what a dialled number (the Request-URI user) means, as an
 * ordered table of rules { match, rewrite?, action } read top to bottom, the
 * way a PBX admin reads one (Kamailio/Asterisk style). Pure: whether a number
 * is an extension of the tenant is a fact looked up before the plan runs
 * (candidateExtensions tells which numbers to look up).
 *
 * The only rule action is "an extension of the caller's tenant". Trunk
 * prefix routes are resolved after the plan (resolveDialPlanWithTrunks, at
 * the end of this file), from the routes each trunk carries.
 */

/** Which dialled numbers a rule looks at. */
export type DialMatch =
  /** Every number. */
  | { kind: 'any' }
  /** Numbers starting with `prefix`, optionally within a length range (prefix included). */
  | { kind: 'prefix'; prefix: string; minLength?: number; maxLength?: number };

/** Number manipulation before the action (MSS "strip/prepend" on outbound routes). */
export interface DialRewrite {
  /** Leading characters removed. */
  strip?: number;
  /** Prepended after stripping. */
  prepend?: string;
}

export type DialAction =
  /** Route to the user whose extension is the (rewritten) number; a number that is none falls through to the next rule. */
  { kind: 'extension' };

export interface DialRule {
  /** For logs and tests: which rule routed a call. */
  name: string;
  match: DialMatch;
  rewrite?: DialRewrite;
  action: DialAction;
}

export type DialPlan = readonly DialRule[];

/** Every tenant's plan until tenants get their own: dial an extension. */
export const DEFAULT_DIAL_PLAN: DialPlan = [{ name: 'extension', match: { kind: 'any' }, action: { kind: 'extension' } }];

/** What the plan needs to know about the tenant, looked up beforehand. */
export interface DialPlanFacts {
  isExtension(number: string): boolean;
}

export type DialOutcome =
  | { kind: 'extension'; ext: string; rule: string }
  /** Nothing matched: 404 Not Found (RFC 3261 §21.4.5). */
  | { kind: 'no-route' };

/**
 * Characters a dialled number may have: digits, letters (named extensions),
 * `+` (E.164), `*` and `#` (feature codes), and the separators of
 * extensions. Anything else never matches a rule.
 */
const DIALABLE_RE = /^[A-Za-z0-9+*#._-]{1,64}$/;

export function isDialable(number: string): boolean {
  return DIALABLE_RE.test(number);
}

export function matches(match: DialMatch, number: string): boolean {
  switch (match.kind) {
    case 'any':
      return true;
    case 'prefix':
      return (
        number.startsWith(match.prefix) &&
        (match.minLength === undefined || number.length >= match.minLength) &&
        (match.maxLength === undefined || number.length <= match.maxLength)
      );
  }
}

export function applyRewrite(rewrite: DialRewrite | undefined, number: string): string {
  if (!rewrite) return number;
  return (rewrite.prepend ?? '') + number.slice(rewrite.strip ?? 0);
}

/** The rules that apply to a number, each with the number it hands to its action. */
function* applicableRules(plan: DialPlan, number: string): Generator<{ rule: DialRule; target: string }> {
  if (!isDialable(number)) return;
  for (const rule of plan) {
    if (!matches(rule.match, number)) continue;
    const target = applyRewrite(rule.rewrite, number);
    if (isDialable(target)) yield { rule, target };
  }
}

/** Numbers whose "is an extension" fact resolveDialPlan may ask for, in rule order, without duplicates. */
export function candidateExtensions(plan: DialPlan, number: string): string[] {
  const out: string[] = [];
  for (const { rule, target } of applicableRules(plan, number)) {
    if (rule.action.kind === 'extension' && !out.includes(target)) out.push(target);
  }
  return out;
}

/** The first rule that routes the number wins. */
export function resolveDialPlan(plan: DialPlan, number: string, facts: DialPlanFacts): DialOutcome {
  for (const { rule, target } of applicableRules(plan, number)) {
    switch (rule.action.kind) {
      case 'extension':
        if (facts.isExtension(target)) return { kind: 'extension', ext: target, rule: rule.name };
        break;
    }
  }
  return { kind: 'no-route' };
}

// ---------------------------------------------------------------------------
// Trunk prefix routes (issue 3, SIP trunks)
//
// Each trunk lists prefix routes { prefix, strip, prepend } (trunks/trunk.ts).
// A number that the tenant plan does not route to an extension goes out
// through every trunk with a matching prefix, in failover order: the longest
// matching prefix first (the most specific route, as in MSS and Asterisk
// pattern ranking), trunks with equally long prefixes in seed order. The edge
// tries the first, and the next when admission finds it full or the carrier
// fails the call. A trunk appears once, with its longest matching route.
//
// An exact extension of the tenant always wins over trunk prefixes: with a
// route "9" and an extension "9001", dialling 9001 rings the extension (the
// plan is resolved first); dialling 91234 goes out as 1234.

/** What the trunk routing needs of a trunk (trunks/trunk.ts Trunk fits). */
export interface TrunkRouteSource {
  id: string;
  routes: readonly { prefix: string; strip: number; prepend: string }[];
}

/** One trunk a number may leave through. */
export interface TrunkChoice {
  trunkId: string;
  /** The route's prefix that matched. */
  prefix: string;
  /** The number to send to the carrier (after strip/prepend). */
  number: string;
}

export type DialOutcomeWithTrunks =
  | DialOutcome
  /** Out through a trunk: `trunks` in failover order, never empty. */
  | { kind: 'trunk'; trunks: TrunkChoice[] };

/** Every trunk whose routes match the number, in failover order (see above). Pure. */
export function resolveTrunkRoutes(trunks: readonly TrunkRouteSource[], number: string): TrunkChoice[] {
  if (!isDialable(number)) return [];
  const found: { choice: TrunkChoice; order: number }[] = [];
  trunks.forEach((trunk, order) => {
    let best: TrunkChoice | undefined;
    for (const route of trunk.routes) {
      if (!number.startsWith(route.prefix) || (best && best.prefix.length >= route.prefix.length)) continue;
      const target = applyRewrite({ strip: route.strip, prepend: route.prepend }, number);
      if (isDialable(target)) best = { trunkId: trunk.id, prefix: route.prefix, number: target };
    }
    if (best) found.push({ choice: best, order });
  });
  found.sort((a, b) => b.choice.prefix.length - a.choice.prefix.length || a.order - b.order);
  return found.map((f) => f.choice);
}

/** The tenant plan first (an exact extension wins), then the trunk routes, else no route. */
export function resolveDialPlanWithTrunks(
  plan: DialPlan,
  number: string,
  facts: DialPlanFacts,
  trunks: readonly TrunkRouteSource[],
): DialOutcomeWithTrunks {
  const internal = resolveDialPlan(plan, number, facts);
  if (internal.kind !== 'no-route') return internal;
  const choices = resolveTrunkRoutes(trunks, number);
  return choices.length > 0 ? { kind: 'trunk', trunks: choices } : internal;
}
