import type { Period } from './contract'

export const RANKING_PAGE_PATH = '/pages/ranking/index'

export interface SharePayload {
  title: string
  path: string
}

const PERIOD_LABELS: Record<Period, string> = {
  today: '今日',
  week: '本周',
  all: '总',
}

export function periodLabel(period: Period): string {
  return PERIOD_LABELS[period]
}

/**
 * The card a member shares. Built ahead of time and kept in the store, because Taro falls back to
 * a default card when the share handler answers asynchronously. The path carries no group id: the
 * receiver's group always comes from the share ticket, never from the card's query.
 */
export function buildSharePayload(input: { myRank: number | null; period: Period }): SharePayload {
  const board = `群${periodLabel(input.period)}排行榜`
  const title =
    input.myRank === null
      ? `来${board}一较高下！`
      : `我在${board}排第 ${input.myRank} 名，来挑战我！`
  return { title, path: `${RANKING_PAGE_PATH}?from=share` }
}
