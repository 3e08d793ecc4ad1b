import type { RankingRow } from './contract'

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
  return `你现在排第 ${after} 名`
}
