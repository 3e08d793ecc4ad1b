import type { RankingRow } from '../../../shared/contract'
import type { Action } from '../deps'
import { weekKey } from '../periods'
import { limitCall } from '../rate-limit'
import type { ScoreEntry } from '../store'
import { Failure } from '../validation'
import { weekStart } from '../weekly-close'

/**
 * Last week's podium from the history the weekly close recorded; before the close has run
 * (Monday 00:00–00:05, or a close still under way) the same three rows are read from that
 * week's bests, which the retention keeps until the next week ends.
 */
export const getLastWeek: Action<'getLastWeek'> = async ({ groupId }, caller, deps) => {
  const now = deps.clock.now()
  const week = weekKey(weekStart(now) - 1)
  const [admit, membership, history, mine] = await Promise.all([
    limitCall(deps, caller.openid, 'getLastWeek', now),
    deps.store.getMembership(groupId, caller.openid),
    deps.store.getHistory(groupId, week),
    deps.store.getRankingEntry(groupId, week, caller.openid),
  ])
  admit()
  if (membership === null) {
    throw new Failure('NOT_GROUP_MEMBER', 'Open the group card first to join this ranking.')
  }
  const [podium, ahead, scorers] = await Promise.all([
    history
      ? Promise.all(
          history.podium.map(async (entry: ScoreEntry) => ({
            ...entry,
            ...(await deps.store.getProfile(entry.openid)),
          })),
        )
      : deps.store.getRankingPage({ groupId, periodKey: week, after: null, limit: 3 }),
    mine ? deps.store.countAhead(groupId, week, mine) : Promise.resolve(0),
    history ? Promise.resolve(history.scorers) : null,
  ])
  const row = (
    entry: ScoreEntry & { nickname: string | null; avatarUrl: string | null },
    rank: number,
  ): RankingRow => ({
    rank,
    memberKey: entry.memberKey,
    nickname: entry.nickname,
    avatarUrl: entry.avatarUrl,
    score: entry.score,
    isMe: entry.openid === caller.openid,
  })
  const myProfile = mine ? await deps.store.getProfile(caller.openid) : null
  return {
    groupId,
    weekStart: week.slice(2),
    podium: podium.map((entry, i) => row(entry, i + 1)),
    me: mine && myProfile ? row({ ...mine, ...myProfile }, ahead + 1) : null,
    scorers,
  }
}
