import type { Action } from '../deps'
import { assertFreshProof, proofMaxAge } from '../membership-proof'
import { periodKey } from '../periods'
import { loadRankingPage } from '../ranking'
import { decodeCursor } from '../ranking-cursor'
import { limitCall } from '../rate-limit'
import { Failure, invalid } from '../validation'

export const getRanking: Action<'getRanking'> = async (input, caller, deps) => {
  const { groupId, period, pageSize } = input
  const now = deps.clock.now()
  const key = periodKey(period, now)
  const cursor = input.cursor == null ? null : decodeCursor(input.cursor)
  if (cursor && cursor.groupId !== groupId) throw invalid('cursor belongs to another group.')
  if (cursor && cursor.periodKey !== key) {
    // A day or week ended between two pages; continuing would mix two rankings.
    throw invalid('cursor belongs to a ranking window that has ended; load the first page again.')
  }
  // The membership check and the rate-limit hit go out beside the page reads (one round trip,
  // not three); a non-member's page is read and discarded, which costs reads but shows nothing.
  const [admit, membership, page] = await Promise.all([
    limitCall(deps, caller.openid, 'getRanking', now),
    deps.store.getMembership(groupId, caller.openid),
    loadRankingPage(deps, {
      groupId,
      period,
      periodKey: key,
      cursor,
      pageSize,
      openid: caller.openid,
    }),
  ])
  admit()
  if (membership === null) {
    throw new Failure('NOT_GROUP_MEMBER', 'Open the group card first to join this ranking.')
  }
  assertFreshProof(membership, now, proofMaxAge(deps))
  return page
}
