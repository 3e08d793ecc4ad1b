import type { ActionOutput, GroupSummary } from '../../../src/core/contract'
import type { Action } from '../deps'
import { ALL_TIME_KEY } from '../periods'

export const listMyGroups: Action<ActionOutput<'listMyGroups'>> = async (_input, caller, deps) => {
  const { store } = deps
  const memberships = await store.listMemberships(caller.openid)
  const groups = await Promise.all(
    memberships.map(async (membership): Promise<GroupSummary> => {
      const [memberCount, mine] = await Promise.all([
        store.countMembers(membership.groupId),
        store.getRankingEntry(membership.groupId, ALL_TIME_KEY, caller.openid),
      ])
      const ahead = mine ? await store.countAhead(membership.groupId, ALL_TIME_KEY, mine) : null
      return {
        groupId: membership.groupId,
        memberCount,
        myRank: ahead === null ? null : ahead + 1,
        myScore: mine?.score ?? null,
        joinedAt: membership.joinedAt,
      }
    }),
  )
  return { groups }
}
