import { type ActionOutput } from '../../../shared/contract'
import type { Action } from '../deps'
import { assertFreshProof, proofMaxAge } from '../membership-proof'
import { periodKey } from '../periods'
import { loadRankingPage, parseRankingWindow } from '../ranking'
import { decodeCursor } from '../ranking-cursor'
import { limitCall } from '../rate-limit'
import { Failure, GROUP_ID_RULE, invalid, optionalStringField, stringField } from '../validation'

export const getRanking: Action<ActionOutput<'getRanking'>> = async (input, caller, deps) => {
  const groupId = stringField(input, 'groupId', GROUP_ID_RULE)
  const { period, pageSize } = parseRankingWindow(input)
  const rawCursor = optionalStringField(input, 'cursor', { max: 512 })
  const now = deps.clock.now()
  const key = periodKey(period, now)
  const cursor = rawCursor === undefined ? null : decodeCursor(rawCursor)
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
