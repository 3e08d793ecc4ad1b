import type { GroupSummary } from '../../../shared/contract'
import type { Action } from '../deps'
import { isProofExpired, proofMaxAge } from '../membership-proof'
import { ALL_TIME_KEY } from '../periods'
import { limitCall } from '../rate-limit'

/** Lists every group, saying per group when its proof has aged out (instead of failing). */
export const listMyGroups: Action<'listMyGroups'> = async (_input, caller, deps) => {
  const now = deps.clock.now()
  const [admit, standings] = await Promise.all([
    // Opened once per visit of the groups page: usually the first call of its window, which
    // the CloudBase adapter then counts with one request (the budget of issue 11: ≤ 5 calls).
    limitCall(deps, caller.openid, 'listMyGroups', now, { expectNewWindow: true }),
    deps.store.listStandings(caller.openid, ALL_TIME_KEY),
  ])
  admit()
  const maxAge = proofMaxAge(deps)
  return {
    groups: standings.map(
      ({ membership, memberCount, mine, ahead }): GroupSummary => ({
        groupId: membership.groupId,
        memberCount,
        myRank: ahead === null ? null : ahead + 1,
        myScore: mine?.score ?? null,
        joinedAt: membership.joinedAt,
        ...(isProofExpired(membership, now, maxAge) ? { proofExpired: true as const } : {}),
      }),
    ),
  }
}
