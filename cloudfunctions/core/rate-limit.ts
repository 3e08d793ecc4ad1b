import type { ActionName } from '../../shared/contract'
import type { LeaderboardStore, RateLimitHit } from './store'
import { Failure } from './validation'

export interface RateRule {
  limit: number
  windowMs: number
}

/** One bucket per action, plus the per-player count of implausible rounds (never refused). */
export type RateLimits = Record<ActionName, RateRule>

const MINUTE = 60_000

/**
 * Per user and action, in fixed one-minute windows. Each limit is several times what a member
 * does by hand in a minute (the figures are the reasoning), so only scripts meet them:
 * - submitScore 12, startRound 20: a round lasts 10 s, so an honest player submits about 6 a
 *   minute; starts are a little higher because abandoned rounds are normal.
 * - enterGroup 30: one per card tap (plus the app's own refresh of an expired CloudID); tapping
 *   30 different cards in a minute is not something people do.
 * - getRanking 120: pages of 50 rows, period tabs, pull-down refresh, and a refresh after each
 *   round; scrolling a 500-member group to the end is 10 pages.
 * - updateProfile 20, getProfile 60, listMyGroups 60: one per save / page show.
 * - leaveGroup 30, deleteMyData 5: deliberate, rare actions.
 * - subscribe 20: one per consent tap (at most three templates a tap); getLastWeek 60: one per
 *   show of the 上周 view.
 */
export const DEFAULT_RATE_LIMITS: RateLimits = {
  enterGroup: { limit: 30, windowMs: MINUTE },
  getRanking: { limit: 120, windowMs: MINUTE },
  startRound: { limit: 20, windowMs: MINUTE },
  submitScore: { limit: 12, windowMs: MINUTE },
  updateProfile: { limit: 20, windowMs: MINUTE },
  getProfile: { limit: 60, windowMs: MINUTE },
  listMyGroups: { limit: 60, windowMs: MINUTE },
  leaveGroup: { limit: 30, windowMs: MINUTE },
  deleteMyData: { limit: 5, windowMs: MINUTE },
  subscribe: { limit: 20, windowMs: MINUTE },
  getLastWeek: { limit: 60, windowMs: MINUTE },
}

/**
 * Fixed-window counter per player and bucket. Chosen over a token bucket because a window hit
 * is a single conditional increment on both backends (no read-modify-write); the price is that
 * a burst straddling a window edge may reach twice the limit, which is harmless here.
 */
export async function takeRateLimit(
  store: LeaderboardStore,
  openid: string,
  bucket: keyof RateLimits,
  rule: RateRule,
  now: number,
): Promise<void> {
  const hit = rateLimitHit(openid, bucket, rule, now)
  if (!(await store.takeRateLimit(hit))) throw rateLimited(rule, now)
}

/**
 * Counts one call of `bucket` for the caller, as one store step that a caller runs beside its
 * own first step. The returned promise resolves to a check to call before anything is written
 * (or before the answer is sent): it throws RATE_LIMITED when the window was full.
 */
export function limitCall(
  deps: { store: LeaderboardStore; rateLimits?: Partial<RateLimits> },
  openid: string,
  bucket: keyof RateLimits,
  now: number,
  options: { expectNewWindow?: boolean } = {},
): Promise<() => void> {
  const rule = rateRule(deps.rateLimits, bucket)
  const hit = rateLimitHit(openid, bucket, rule, now)
  if (options.expectNewWindow) hit.expect = 'new-window'
  return deps.store.takeRateLimit(hit).then((admitted) => () => {
    if (!admitted) throw rateLimited(rule, now)
  })
}

/** The hit of `openid` in `bucket` at `now`: the fixed window that `now` falls in. */
export function rateLimitHit(
  openid: string,
  bucket: string,
  rule: RateRule,
  now: number,
): RateLimitHit {
  return { openid, bucket, windowStart: now - (now % rule.windowMs), limit: rule.limit }
}

/** RATE_LIMITED, with the time until the window that `now` falls in has ended. */
export function rateLimited(rule: RateRule, now: number): Failure {
  const retryAfterMs = rule.windowMs - (now % rule.windowMs)
  return new Failure('RATE_LIMITED', 'Too many requests; wait a moment and try again.', {
    retryAfterMs,
  })
}

export function rateRule(limits: Partial<RateLimits> | undefined, bucket: keyof RateLimits) {
  return limits?.[bucket] ?? DEFAULT_RATE_LIMITS[bucket]
}
