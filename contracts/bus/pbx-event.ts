/**
 * Events on the PBX bus (EventBridge in the cloud, in-process locally). The
 * envelope mirrors an EventBridge entry (Source, DetailType, Detail, Time) so
 * the same routing patterns work on both.
 */
export type PbxEventSource = 'nimbus.edge' | 'nimbus.functions';

export type PbxEventType =
  | 'call.attempt'
  | 'call.alert'
  | 'call.answer'
  | 'call.end'
  | 'ban.added'
  | 'ban.lifted'
  | 'trunk.status'
  | 'directory.changed';

export interface PbxEvent<D = Record<string, unknown>> {
  source: PbxEventSource;
  detailType: PbxEventType;
  /** ISO-8601 time of the event. */
  time: string;
  detail: D;
}

/** An EventBridge-style pattern: every listed field must match one of its values. */
export interface EventPattern {
  source?: PbxEventSource[];
  detailType?: PbxEventType[];
}

export function matchesPattern(event: PbxEvent, pattern: EventPattern): boolean {
  if (pattern.source && !pattern.source.includes(event.source)) return false;
  if (pattern.detailType && !pattern.detailType.includes(event.detailType)) return false;
  return true;
}
