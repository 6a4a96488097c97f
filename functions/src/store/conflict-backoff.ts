/**
 * Pause before retrying an optimistic write that lost a race. Without it,
 * N writers of one item (a burst of calls to one user) re-read and collide
 * again in lock-step; a random, growing pause spreads them out (full-jitter
 * exponential backoff), so a burst settles within the attempt budget.
 */
export function conflictBackoff(attempt: number, random: () => number = Math.random): Promise<void> {
  const ceilingMs = Math.min(200, 5 * 2 ** attempt);
  return new Promise((resolve) => setTimeout(resolve, Math.floor(random() * ceilingMs)));
}
