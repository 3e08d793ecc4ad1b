import { randomBytes } from 'node:crypto'

import { ROUND_DURATION_MS } from '../../../shared/contract'
import type { Action } from '../deps'
import { rateRule, takeRateLimit } from '../rate-limit'
import { ROUND_RETENTION_MS, ROUND_TTL_MS } from '../rounds'

/** 192 random bits, URL-safe: unguessable and safe in any id position. */
export function randomRoundToken(): string {
  return randomBytes(24).toString('base64url')
}

export const startRound: Action<'startRound'> = async (_input, caller, deps) => {
  const now = deps.clock.now()
  await takeRateLimit(
    deps.store,
    caller.openid,
    'startRound',
    rateRule(deps.rateLimits, 'startRound'),
    now,
  )
  const round = {
    token: (deps.randomToken ?? randomRoundToken)(),
    openid: caller.openid,
    startedAt: now,
    expiresAt: now + ROUND_TTL_MS,
  }
  await deps.store.createRound(round, now - ROUND_RETENTION_MS)
  return {
    roundToken: round.token,
    startedAt: round.startedAt,
    durationMs: ROUND_DURATION_MS,
    expiresAt: round.expiresAt,
  }
}
