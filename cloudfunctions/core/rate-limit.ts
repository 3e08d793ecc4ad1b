import type { LeaderboardStore, RateLimitHit } from './store'
import { Failure } from './validation'

export interface RateRule {
  limit: number
  windowMs: number
}

export interface RateLimits {
  /** Score submissions; a round lasts 10 s, so an honest player needs about 6 a minute. */
  submitScore: RateRule
  /** Round starts; a little above submissions because abandoned rounds are normal. */
  startRound: RateRule
}

export const DEFAULT_RATE_LIMITS: RateLimits = {
  submitScore: { limit: 12, windowMs: 60_000 },
  startRound: { limit: 20, windowMs: 60_000 },
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
  if (!(await store.takeRateLimit(rateLimitHit(openid, bucket, rule, now)))) throw rateLimited()
}

/** The hit of `openid` in `bucket` at `now`: the fixed window that `now` falls in. */
export function rateLimitHit(
  openid: string,
  bucket: keyof RateLimits,
  rule: RateRule,
  now: number,
): RateLimitHit {
  return { openid, bucket, windowStart: now - (now % rule.windowMs), limit: rule.limit }
}

export function rateLimited(): Failure {
  return new Failure('RATE_LIMITED', 'Too many requests; wait a moment and try again.')
}

export function rateRule(limits: Partial<RateLimits> | undefined, bucket: keyof RateLimits) {
  return limits?.[bucket] ?? DEFAULT_RATE_LIMITS[bucket]
}
