/** The last calls, kept in this browser only (localStorage). */
export interface CallRecord {
  direction: 'outgoing' | 'incoming';
  number: string;
  name?: string;
  /** epoch ms */
  startedAt: number;
  /** talk time; 0 when never connected */
  seconds: number;
  outcome: string;
}

const KEY = 'nimbus.softphone.history';
const KEEP = 50;

export class CallHistory {
  constructor(private readonly storage: Storage) {}

  list(): CallRecord[] {
    try {
      const value = JSON.parse(this.storage.getItem(KEY) ?? '[]') as unknown;
      return Array.isArray(value) ? (value as CallRecord[]) : [];
    } catch {
      return [];
    }
  }

  add(record: CallRecord): void {
    this.storage.setItem(KEY, JSON.stringify([record, ...this.list()].slice(0, KEEP)));
  }

  clear(): void {
    this.storage.removeItem(KEY);
  }
}

/** 0 → "0:00", 75 → "1:15", 3725 → "1:02:05" */
export function formatDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const seconds = String(s % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}
