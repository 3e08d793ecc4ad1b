import type { Period } from '../../shared/contract'

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
 *
 * The sharer cannot know which chat the card will land in, so the title carries nothing that
 * belongs to one group (a rank): only the sharer's own best, which is the same in every group.
 */
export function buildSharePayload(input: { myBest: number | null; period: Period }): SharePayload {
  const best = `${input.period === 'all' ? '的' : periodLabel(input.period)}最好成绩`
  const title =
    input.myBest === null
      ? '群排行榜：10 秒点击挑战，来比一比！'
      : `我${best} ${input.myBest} 次，来挑战！`
  return { title, path: `${RANKING_PAGE_PATH}?from=share` }
}
