import type { Period, RankingRow } from '../../shared/contract'

export const PODIUM_SIZE = 3

/** Appends a page, dropping rows already shown (a score change can shift a member across pages). */
export function appendRows(
  current: readonly RankingRow[],
  next: readonly RankingRow[],
): RankingRow[] {
  const seen = new Set(current.map((row) => row.memberKey))
  return [...current, ...next.filter((row) => !seen.has(row.memberKey))]
}

export function splitPodium(rows: readonly RankingRow[]): {
  podium: RankingRow[]
  rest: RankingRow[]
} {
  // Only members with a score stand on the podium (DingTalk rosters also list those without).
  const size = Math.min(PODIUM_SIZE, rows.filter((row) => row.played !== false).length)
  return { podium: rows.slice(0, size), rest: rows.slice(size) }
}

/** The caller's row is pinned at the bottom when it is not among the rows already loaded. */
export function pinnedMyRow(rows: readonly RankingRow[], me: RankingRow | null): RankingRow | null {
  if (me === null) return null
  return rows.some((row) => row.memberKey === me.memberKey) ? null : me
}

export const NICKNAME_FALLBACK = '群成员'

export function displayName(row: Pick<RankingRow, 'nickname'>): string {
  const name = row.nickname?.trim()
  return name ? name : NICKNAME_FALLBACK
}

/** "You are now #3" after a round; null when the rank did not change or is unknown. */
export function describeRankMove(before: number | null, after: number | null): string | null {
  if (after === null) return null
  if (before === null) return `你现在排第 ${after} 名`
  if (after < before) return `上升 ${before - after} 名，你现在排第 ${after} 名`
  if (after === before) return `仍排第 ${after} 名`
  return `你现在排第 ${after} 名`
}

/**
 * "27 人上榜 · 3 人还没有成绩": every member of the board is counted, so the line always agrees with
 * the rows. `scoredCount` comes from the server; a board saved by an older version lacks it, and
 * then only a complete list (no next page) can be counted.
 */
export function describeMemberCount(ranking: {
  memberCount: number
  scoredCount?: number
  rows: readonly RankingRow[]
  nextCursor: string | null
}): { text: string; unscored: number } | null {
  const scored =
    ranking.scoredCount ??
    (ranking.nextCursor === null ? ranking.rows.filter((row) => row.played !== false).length : null)
  if (scored === null) return null
  const unscored = Math.max(0, ranking.memberCount - scored)
  const head = scored === 0 ? '还没有人上榜' : `${scored} 人上榜`
  return { text: unscored > 0 ? `${head} · ${unscored} 人还没有成绩` : head, unscored }
}

const BEST_LABELS: Record<Period, string> = {
  today: '今日最好成绩',
  week: '本周最好成绩',
  all: '最好成绩',
}

export function bestLabel(period: Period): string {
  return BEST_LABELS[period]
}

/** What the play page says before a round: my best in the period on screen, or how to get one. */
export function describeBestBefore(period: Period, best: number | null): string {
  return best === null
    ? `还没有${bestLabel(period)}，打完这一局就上榜`
    : `我的${bestLabel(period)} ${best} 次`
}

/**
 * What the page says after a round: the score (headline), then whether the best changed and that
 * the ranking counts only the best; read together, "本局 55 次，最好成绩仍是 76 次，排行榜按最好成绩排名".
 */
export function describeRoundResult(input: {
  score: number
  period: Period
  bestBefore: number | null
  bestAfter: number
}): { headline: string; detail: string } {
  const { score, period, bestBefore, bestAfter } = input
  const label = bestLabel(period)
  const headline = `本局 ${score} 次`
  if (bestBefore === null) return { headline, detail: `这是你的第一个${label}，已记入排行榜` }
  if (bestAfter > bestBefore) {
    return { headline, detail: `刷新${label}（原来 ${bestBefore} 次），排行榜已更新` }
  }
  if (score === bestAfter) return { headline, detail: `追平${label}，排行榜按最好成绩排名` }
  return { headline, detail: `${label}仍是 ${bestAfter} 次，排行榜按最好成绩排名` }
}
