import type { Period, RankingPage, RankingRow } from '../core/contract'
import { userText } from '../core/error-text'
import { appendRows } from '../core/ranking-view'
import type { SliceCreator } from './app-state'
import type { PlatformServices } from './services'

export type RankingStatus = 'idle' | 'loading' | 'ready' | 'stale' | 'error'

export interface RankingData {
  groupId: string
  period: Period
  rows: RankingRow[]
  me: RankingRow | null
  memberCount: number
  nextCursor: string | null
  fetchedAt: number
}

export interface RankingSlice {
  period: Period
  ranking: RankingData | null
  rankingStatus: RankingStatus
  rankingError: string | null
  loadingMore: boolean
  /** Replaces the ranking with a fresh first page from the server (enterGroup or refresh). */
  showRankingPage(page: RankingPage): void
  refreshRanking(): Promise<void>
  loadMoreRanking(): Promise<void>
  selectPeriod(period: Period): Promise<void>
  resetRanking(): void
}

/** The last ranking seen, per group and period, shown marked stale when the server is out of reach. */
export const rankingCacheKey = (groupId: string, period: Period): string =>
  `ranking:${groupId}:${period}`
export const LAST_RANKING_CACHE_KEY = 'ranking:last'

const initialRanking = {
  period: 'all' as Period,
  ranking: null,
  rankingStatus: 'idle' as RankingStatus,
  rankingError: null,
  loadingMore: false,
}

export function createRankingSlice(services: PlatformServices): SliceCreator<RankingSlice> {
  const toData = (page: RankingPage): RankingData => ({
    groupId: page.groupId,
    period: page.period,
    rows: page.rows,
    me: page.me,
    memberCount: page.memberCount,
    nextCursor: page.nextCursor,
    fetchedAt: services.now(),
  })

  const remember = (data: RankingData): void => {
    // Only the first page is cached: enough to show something useful when offline, small to store.
    services.writeCache(rankingCacheKey(data.groupId, data.period), data)
    services.writeCache(LAST_RANKING_CACHE_KEY, data)
  }

  return (set, get) => ({
    ...initialRanking,

    showRankingPage(page) {
      const data = toData(page)
      remember(data)
      set({ ranking: data, period: page.period, rankingStatus: 'ready', rankingError: null })
    },

    async refreshRanking() {
      const groupId = get().currentGroupId
      if (groupId === null) return
      const period = get().period
      set({ rankingStatus: 'loading' })
      const result = await services.call('getRanking', { groupId, period })
      if (get().currentGroupId !== groupId || get().period !== period) return
      if (result.ok) {
        get().showRankingPage(result.data)
        return
      }
      if (result.error.code === 'NOT_GROUP_MEMBER') {
        set({ ranking: null, rankingStatus: 'error', rankingError: userText('NOT_GROUP_MEMBER') })
        return
      }
      const cached = services.readCache<RankingData>(rankingCacheKey(groupId, period))
      set({
        ranking: cached ?? get().ranking,
        rankingStatus: cached || get().ranking ? 'stale' : 'error',
        rankingError: userText(result.error.code),
      })
    },

    async loadMoreRanking() {
      const { ranking, loadingMore } = get()
      if (ranking === null || ranking.nextCursor === null || loadingMore) return
      set({ loadingMore: true })
      const result = await services.call('getRanking', {
        groupId: ranking.groupId,
        period: ranking.period,
        cursor: ranking.nextCursor,
      })
      const current = get().ranking
      if (!result.ok || current === null || current.groupId !== ranking.groupId) {
        set({ loadingMore: false })
        return
      }
      set({
        loadingMore: false,
        ranking: {
          ...current,
          rows: appendRows(current.rows, result.data.rows),
          me: result.data.me,
          nextCursor: result.data.nextCursor,
          memberCount: result.data.memberCount,
        },
      })
    },

    async selectPeriod(period) {
      if (period === get().period && get().rankingStatus === 'ready') return
      const groupId = get().currentGroupId
      const cached =
        groupId === null ? null : services.readCache<RankingData>(rankingCacheKey(groupId, period))
      set({ period, ranking: cached ?? null })
      await get().refreshRanking()
    },

    resetRanking() {
      set(initialRanking)
    },
  })
}
