/**
 * The dial plan: what a dialled number (the Request-URI user) means, as an
 * ordered table of rules { match, rewrite?, action } read top to bottom, the
 * way a PBX admin reads one (Kamailio/Asterisk style). Pure: whether a number
 * is an extension of the tenant is a fact looked up before the plan runs
 * (candidateExtensions tells which numbers to look up).
 *
 * Today the only action is "an extension of the caller's tenant". Trunk
 * routes slot in as more rules: `{ match: { kind: 'prefix', prefix: '0' },
 * rewrite: { strip: 1, prepend: '+49' }, action: { kind: 'trunk', … } }`.
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
