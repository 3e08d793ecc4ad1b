import { ROUND_DURATION_MS, type SubmitResult } from '../../../shared/contract'
import { checkTapTimeline } from '../../../shared/tap-timeline'
import type { Action, ActionDeps, AuthenticatedCaller } from '../deps'
import { dayKey, periodKeys } from '../periods'
import { rateLimited, rateLimitHit, rateRule } from '../rate-limit'
import { earliestSubmitAt } from '../rounds'
import type { RoundRecord } from '../store'
import { Failure } from '../validation'

/** The rate-limit document that counts a player's implausible rounds (one window, never full). */
export const IMPLAUSIBLE_ROUNDS_BUCKET = 'implausibleRounds'

/**
 * Refuses a round whose timeline no person could have tapped, counting it against the player
 * first (one counter per player; nothing else is written, the round stays unused).
 */
async function assertPlausible(
  taps: number[],
  score: number,
  caller: AuthenticatedCaller,
  deps: ActionDeps,
): Promise<void> {
  const verdict = checkTapTimeline(taps, score, ROUND_DURATION_MS)
  if (verdict.ok) return
  await deps.store.takeRateLimit({
    openid: caller.openid,
    bucket: IMPLAUSIBLE_ROUNDS_BUCKET,
    windowStart: 0,
    limit: Number.MAX_SAFE_INTEGER,
  })
  throw new Failure('SCORE_IMPLAUSIBLE', `Implausible round: ${verdict.reason}.`)
}

/**
 * A retry of the request that consumed the round: answer as the first time. The store finishes
 * the round if the first attempt stopped half-way (writes nothing when it had completed).
 */
async function replay(round: RoundRecord, deps: ActionDeps): Promise<SubmitResult> {
  const best = await deps.store.resumeScore(round, periodKeys(round.usedAt ?? round.startedAt))
  return { score: round.usedScore ?? 0, best, applied: false }
}

/**
 * Records a round's score. The round token proves the round was started by this player long
 * enough ago; consuming it and raising the player's bests happen in one store step, so a retry or
 * a concurrent duplicate can never count a round twice.
 *
 * Round trips: the round and the rate-limit window are read together; the hit is counted beside
 * the store's own first step of applying the score (so a refused or invalid submission writes
 * nothing). Two concurrent submissions of one player may both pass the read when one hit is left;
 * both then apply — the window admits at most one extra per concurrent burst, and every round
 * needs a started round, which has its own limit.
 */
export const submitScore: Action<'submitScore'> = async (input, caller, deps) => {
  const { roundToken, requestId, score, taps } = input
  await assertPlausible(taps, score, caller, deps)
  const now = deps.clock.now()

  const rule = rateRule(deps.rateLimits, 'submitScore')
  const hit = rateLimitHit(caller.openid, 'submitScore', rule, now)
  const [round, admissible] = await Promise.all([
    deps.store.getRound(roundToken),
    deps.store.peekRateLimit(hit),
  ])
  if (round === null || round.openid !== caller.openid) {
    throw new Failure('ROUND_NOT_FOUND', 'Unknown round; start a new one.')
  }
  if (round.used) {
    if (round.usedRequestId === requestId) return replay(round, deps)
    throw new Failure('ROUND_ALREADY_USED', 'This round was already submitted.')
  }
  if (now > round.expiresAt) throw new Failure('ROUND_EXPIRED', 'This round has expired.')
  if (now < earliestSubmitAt(round.startedAt)) {
    throw new Failure('SCORE_IMPLAUSIBLE', 'The round has not finished yet.')
  }
  if (!admissible) throw rateLimited(rule, now)

  const [applied] = await Promise.all([
    deps.store.applyScore({
      token: roundToken,
      openid: caller.openid,
      requestId,
      score,
      achievedAt: now,
      periodKeys: periodKeys(now),
      // Queued in the same store step as the raise; sending is the scheduler's, never awaited.
      ...(deps.noticeTemplates?.overtaken ? { notify: { dayKey: dayKey(now) } } : {}),
    }),
    deps.store.takeRateLimit(hit),
  ])
  if (applied.status === 'applied') return { score, best: applied.best, applied: true }
  // Another request consumed the round between our read and our write.
  const current = await deps.store.getRound(roundToken)
  if (current?.used && current.usedRequestId === requestId) return replay(current, deps)
  throw new Failure('ROUND_ALREADY_USED', 'This round was already submitted.')
}
