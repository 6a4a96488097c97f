import type { AdminApi } from './api.js';

/** What a view gets from the shell (main.ts). */
export interface ViewContext {
  api: AdminApi;
  tenant: string;
  /** The status line: an error (red) or a notice. */
  notify(message: string, kind?: 'error' | 'info'): void;
  /** Renders the current view again (after a change). */
  refresh(): void;
  /** Calls `fn` every `ms` while this view is shown (live lists). */
  every(ms: number, fn: () => void | Promise<void>): void;
}

export interface View {
  id: string;
  title: string;
  render(ctx: ViewContext): Promise<Node>;
}

/** Runs an API call from a button or form; a refusal goes to the status line, nothing is thrown. */
export async function attempt(ctx: ViewContext, action: () => Promise<void>): Promise<boolean> {
  try {
    await action();
    return true;
  } catch (err) {
    ctx.notify(err instanceof Error ? err.message : String(err), 'error');
    return false;
  }
}

/** A password a person can copy: 18 random bytes as base64url (24 characters). */
export function generatePassword(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(18));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
