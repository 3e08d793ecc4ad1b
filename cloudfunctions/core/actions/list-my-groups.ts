import type { ActionOutput, GroupSummary } from '../../../src/core/contract'
import type { Action } from '../deps'
import { ALL_TIME_KEY } from '../periods'

export const listMyGroups: Action<ActionOutput<'listMyGroups'>> = async (_input, caller, deps) => {
  const standings = await deps.store.listStandings(caller.openid, ALL_TIME_KEY)
  return {
    groups: standings.map(
      ({ membership, memberCount, mine, ahead }): GroupSummary => ({
        groupId: membership.groupId,
        memberCount,
        myRank: ahead === null ? null : ahead + 1,
        myScore: mine?.score ?? null,
        joinedAt: membership.joinedAt,
      }),
    ),
  }
}
