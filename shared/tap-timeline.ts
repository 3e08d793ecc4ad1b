/**
 * The tap timeline of a round: what the play page records and `submitScore` checks, so a score
 * stands for taps a person could have made rather than a number a script posted.
 *
 * A timeline is one whole number per tap: milliseconds since the round started on the phone,
 * strictly increasing, within the round. It is compact on purpose (a JSON array of integers, at
 * most 200 entries of at most 5 digits: under 1.3 KB).
 *
 * Pure and platform-free: the play page records with it, the cloud function enforces it.
 */

/**
 * The human bound: at most this many taps in any one-second stretch of the round. Fast human
 * tapping on a phone, one finger, runs at 6–8 taps per second, alternating two thumbs at 10–14;
 * the fastest tappers reach about 16. Twenty leaves headroom for the fastest and for touch events
 * that the phone delivers in bursts, and agrees with the all-round cap (200 in 10 s). The local
 * simulator's measurement (README, Security) shows the page itself registers taps far faster
 * than that, so the bound is the person's, not the page's.
 */
export const MAX_TAPS_PER_SECOND = 20
export const TAP_RATE_WINDOW_MS = 1000

export type TimelineVerdict = { ok: true } | { ok: false; reason: string }

/**
 * Whether `taps` is a plausible timeline of a round of `durationMs` that scored `score`. The
 * caller has already checked that `taps` is an array of non-negative integers.
 */
export function checkTapTimeline(
  taps: readonly number[],
  score: number,
  durationMs: number,
): TimelineVerdict {
  if (taps.length !== score) {
    return { ok: false, reason: `the timeline holds ${taps.length} taps for a score of ${score}` }
  }
  for (let i = 0; i < taps.length; i++) {
    const at = taps[i]!
    if (at > durationMs) return { ok: false, reason: `tap ${i + 1} comes after the round ended` }
    if (i > 0 && at <= taps[i - 1]!) {
      return { ok: false, reason: `tap ${i + 1} does not come after tap ${i}` }
    }
    // The window ending at this tap: with taps increasing, tap i - MAX is the oldest that
    // could still share a one-second stretch with it.
    const earlier = i - MAX_TAPS_PER_SECOND
    if (earlier >= 0 && at - taps[earlier]! < TAP_RATE_WINDOW_MS) {
      return {
        ok: false,
        reason: `more than ${MAX_TAPS_PER_SECOND} taps within one second (taps ${earlier + 1}–${i + 1})`,
      }
    }
  }
  return { ok: true }
}

/**
 * An evenly paced timeline of `count` taps in a round of `durationMs`: what the demo seed and the
 * tests send for rounds they did not tap by hand. Stays inside the human bound for any count up
 * to the round's cap.
 */
export function evenTapTimeline(count: number, durationMs: number): number[] {
  // One tap in the middle of each of `count` equal slices: any 20 in a row span 20 slices, at
  // least a second whenever the count is within the cap.
  const step = durationMs / count
  return Array.from({ length: count }, (_, i) => Math.floor(step * i + step / 2))
}
