/** How often a failed delivery is tried before it is given up and an admin is asked to retry. */
export const MAX_DELIVERY_ATTEMPTS = 8;

/**
 * Exponential backoff: 30 s, 1 min, 2 min … capped at an hour. `attempts` counts the tries so far.
 */
export function nextAttemptDelayMs(attempts: number, baseMs = 30_000, capMs = 3_600_000): number {
  const exponent = Math.max(0, attempts - 1);
  return Math.min(capMs, baseMs * 2 ** Math.min(exponent, 20));
}
