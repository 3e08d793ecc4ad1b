import type { Period, Profile, RankingPage, RankingRow } from '../../shared/contract'
import type { ActionDeps } from './deps'
import { encodeCursor, type RankingCursor } from './ranking-cursor'
import type { RankedEntry, ScoreEntry } from './store'

export interface RankingRequest {
  groupId: string
  period: Period
  periodKey: string
  cursor: RankingCursor | null
  pageSize: number
  openid: string
  /** The caller's profile when the caller already reads it (enterGroup): not read twice. */
  myProfile?: Promise<Profile>
}

function toRow(entry: RankedEntry, rank: number, openid: string): RankingRow {
  return {
    rank,
    memberKey: entry.memberKey,
    nickname: entry.nickname,
    avatarUrl: entry.avatarUrl,
    score: entry.score,
    isMe: entry.openid === openid,
  }
}

/**
 * One page of a group's ranking plus the caller's own row. Ranks are positions in the total
 * order (`RANKING_ORDER`), so they are unique and the caller's rank is "rows strictly ahead + 1".
 * Two steps at most: the page, the caller's entry and the member count side by side; then, only
 * when the caller is off the page, the count ahead and the caller's profile side by side.
 */
export async function loadRankingPage(
  deps: ActionDeps,
  request: RankingRequest,
): Promise<RankingPage> {
  const { store } = deps
  const { groupId, periodKey, cursor, pageSize, openid } = request
  const [entries, mine, counts] = await Promise.all([
    // One extra row tells whether a next page exists without a count query.
    store.getRankingPage({ groupId, periodKey, after: cursor?.after ?? null, limit: pageSize + 1 }),
    store.getRankingEntry(groupId, periodKey, openid),
    store.countGroup(groupId, periodKey),
  ])
  const firstRank = (cursor?.rank ?? 0) + 1
  const pageEntries = entries.slice(0, pageSize)
  const rows = pageEntries.map((entry, index) => toRow(entry, firstRank + index, openid))
  const last = pageEntries[pageEntries.length - 1]
  const nextCursor =
    entries.length > pageSize && last !== undefined
      ? encodeCursor({
          groupId,
          periodKey,
          rank: firstRank + pageEntries.length - 1,
          after: { score: last.score, achievedAt: last.achievedAt, memberKey: last.memberKey },
        })
      : null
  return {
    groupId,
    period: request.period,
    rows,
    nextCursor,
    me: await myRow(deps, rows, mine, groupId, periodKey, request.myProfile),
    memberCount: counts.members,
    scoredCount: counts.scored,
  }
}

async function myRow(
  deps: ActionDeps,
  rows: RankingRow[],
  mine: ScoreEntry | null,
  groupId: string,
  periodKey: string,
  myProfile: Promise<Profile> | undefined,
): Promise<RankingRow | null> {
  if (mine === null) return null
  const onPage = rows.find((row) => row.isMe)
  if (onPage) return onPage
  const [ahead, profile] = await Promise.all([
    deps.store.countAhead(groupId, periodKey, mine),
    myProfile ?? deps.store.getProfile(mine.openid),
  ])
  return {
    rank: ahead + 1,
    memberKey: mine.memberKey,
    nickname: profile.nickname,
    avatarUrl: profile.avatarUrl,
    score: mine.score,
    isMe: true,
  }
}
