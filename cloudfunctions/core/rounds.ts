import { ROUND_DURATION_MS } from '../../shared/contract'

/**
 * A round token stays valid for two minutes from its start: the 10 s game plus generous slack for
 * a slow network or a retry, short enough that hoarded tokens are useless.
 */
export const ROUND_TTL_MS = 120_000
/** Submissions may arrive this much before the nominal end (timer granularity on devices). */
export const EARLY_SUBMIT_TOLERANCE_MS = 500
/** Used and expired rounds are kept this long so that late retries still replay. */
export const ROUND_RETENTION_MS = 24 * 60 * 60 * 1000

export function earliestSubmitAt(startedAt: number): number {
  return startedAt + ROUND_DURATION_MS - EARLY_SUBMIT_TOLERANCE_MS
}
