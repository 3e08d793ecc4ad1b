import type { Period, RankingPage, RankingRow } from '../../shared/contract'
import { windowKey, windowResetNote } from '../../shared/ranking-window'
import { errorText } from '../core/error-text'
import { classifyCallFailure } from '../core/failure'
import type { PlatformServices } from '../core/platform-port'
import { appendRows } from '../core/ranking-view'
import { createSequencer } from '../core/sequence'
import type { SliceCreator } from './app-state'

/**
 * - `loading`: the first page of the list on screen is on its way (rows may still show);
 * - `stale`: the server could not be reached; the rows shown are the last ones saved;
 * - `error`: the server could not be reached and nothing is saved for this list.
 */
export type RankingStatus = 'idle' | 'loading' | 'ready' | 'stale' | 'error'

export interface RankingData {
  groupId: string
  period: Period
  /** The day / week the rows belong to (`core/ranking-window`), read from the phone's clock. */
  windowKey: string
  rows: RankingRow[]
  me: RankingRow | null
  memberCount: number
  /** Absent in a board saved by an older version: the count line then counts the rows. */
  scoredCount?: number
  nextCursor: string | null
  fetchedAt: number
}

export interface RankingSlice {
  period: Period
  ranking: RankingData | null
  rankingStatus: RankingStatus
  rankingError: string | null
  loadingMore: boolean
  /** The next page could not be loaded; the rows stay and 重试 loads it again. */
  moreError: string | null
  /** "新的一天，今日榜已重置" after the window on screen ended. */
  rankingNote: string | null
  /**
   * Shows the first page the entry answered with (the entry checked that it is still wanted);
   * `requestedAt` is when it was asked for, which decides the day or week it belongs to.
   */
  showEnteredRanking(page: RankingPage, requestedAt: number): void
  /** Takes the list off the screen and discards every answer still on its way for it. */
  clearRanking(): void
  /** A fresh first page of the group and period on screen; resolves with what it showed. */
  refreshRanking(): Promise<RankingData | null>
  loadMoreRanking(): Promise<void>
  selectPeriod(period: Period): Promise<void>
  /** Reloads the first page when the day or week on screen has ended (page shown again). */
  ensureCurrentWindow(): Promise<void>
  /** 重试 / pull-down for the list: the failed page again, or the first page. */
  retryRanking(): Promise<void>
}

/** The last ranking seen, per group and period, shown marked stale when the server is out of reach. */
export const rankingCacheKey = (groupId: string, period: Period): string =>
  `ranking:${groupId}:${period}`

const initialRanking = {
  period: 'all' as Period,
  ranking: null,
  rankingStatus: 'idle' as RankingStatus,
  rankingError: null,
  loadingMore: false,
  moreError: null,
  rankingNote: null,
}

export function createRankingSlice(services: PlatformServices): SliceCreator<RankingSlice> {
  // `list`: what the list is (group, period, window) — entry, tab switch, refresh, day reset.
  // `page`: the next page of that list; a new list discards every page still in flight.
  const sequence = createSequencer<'list' | 'page'>({ page: 'list' })

  const toData = (page: RankingPage, now: number): RankingData => ({
    groupId: page.groupId,
    period: page.period,
    windowKey: windowKey(page.period, now),
    rows: page.rows,
    me: page.me,
    memberCount: page.memberCount,
    scoredCount: page.scoredCount,
    nextCursor: page.nextCursor,
    fetchedAt: now,
  })

  const readSaved = (groupId: string, period: Period): RankingData | null => {
    const saved = services.readCache<RankingData>(rankingCacheKey(groupId, period))
    // A saved board of an ended day or week is not this window's ranking, even marked stale.
    return saved && saved.windowKey === windowKey(period, services.now()) ? saved : null
  }

  return (set, get) => {
    const showFirstPage = (
      page: RankingPage,
      requestedAt: number,
      note: string | null,
    ): RankingData => {
      // The window is the one of the moment of asking: an answer that crosses midnight on its
      // way still holds the old day's rows, and must read as such.
      const data = toData(page, requestedAt)
      // Only the first page is saved: enough to show something useful offline, small to store.
      services.writeCache(rankingCacheKey(data.groupId, data.period), data)
      set({
        ranking: data,
        period: page.period,
        rankingStatus: 'ready',
        rankingError: null,
        loadingMore: false,
        moreError: null,
        rankingNote: note,
      })
      return data
    }

    const loadFirstPage = async (note: string | null): Promise<RankingData | null> => {
      const groupId = get().currentGroupId
      if (groupId === null) return null
      const period = get().period
      const ticket = sequence.begin('list')
      set({ rankingStatus: 'loading', loadingMore: false, moreError: null })
      const requestedAt = services.now()
      const result = await services.call('getRanking', { groupId, period })
      if (!sequence.isCurrent(ticket)) return null
      if (result.ok) return showFirstPage(result.data, requestedAt, note)
      const kind = classifyCallFailure(result.error.code)
      if (kind === 'not-a-member') {
        set({ ...initialRanking, period })
        get().showNoGroup('foreign-group')
        return null
      }
      if (result.error.code === 'PROOF_EXPIRED') {
        // Membership must be proven again: no saved rows, only the way back (the group's card).
        set({
          ...initialRanking,
          period,
          rankingStatus: 'error',
          rankingError: errorText(result.error),
        })
        return null
      }
      // The one "show the saved ranking as stale" rule: the rows on screen when they are this
      // list's, else the rows saved for it, else nothing — and the status says which.
      const current = get().ranking
      const onScreen =
        current && current.groupId === groupId && current.period === period ? current : null
      const shown = onScreen ?? readSaved(groupId, period)
      set({
        ranking: shown,
        rankingStatus: shown ? 'stale' : 'error',
        rankingError: errorText(result.error),
        rankingNote: note,
      })
      return null
    }

    const windowEnded = (data: RankingData): boolean =>
      data.windowKey !== windowKey(data.period, services.now())

    return {
      ...initialRanking,

      showEnteredRanking(page, requestedAt) {
        sequence.begin('list')
        const data = showFirstPage(page, requestedAt, null)
        // The member switched tabs while the entry was on its way: show the tab they chose.
        if (data.period !== get().period) void loadFirstPage(null)
      },

      clearRanking() {
        sequence.begin('list')
        set({ ...initialRanking, period: get().period })
      },

      refreshRanking() {
        return loadFirstPage(null)
      },

      async loadMoreRanking() {
        const { ranking, loadingMore } = get()
        if (ranking === null || loadingMore) return
        if (windowEnded(ranking)) {
          await loadFirstPage(windowResetNote(ranking.period))
          return
        }
        if (ranking.nextCursor === null) return
        const ticket = sequence.begin('page')
        set({ loadingMore: true, moreError: null })
        const result = await services.call('getRanking', {
          groupId: ranking.groupId,
          period: ranking.period,
          cursor: ranking.nextCursor,
        })
        if (!sequence.isCurrent(ticket)) return
        if (!result.ok) {
          if (result.error.code === 'INVALID_INPUT') {
            // The server refuses a cursor of a window that has ended (the phone's clock may
            // disagree with it): the list starts again from the new window's first page.
            await loadFirstPage(windowResetNote(ranking.period))
            return
          }
          if (classifyCallFailure(result.error.code) === 'not-a-member') {
            set({ ...initialRanking, period: ranking.period })
            get().showNoGroup('foreign-group')
            return
          }
          set({ loadingMore: false, moreError: errorText(result.error) })
          return
        }
        const current = get().ranking ?? ranking
        set({
          loadingMore: false,
          ranking: {
            ...current,
            rows: appendRows(current.rows, result.data.rows),
            me: result.data.me,
            nextCursor: result.data.nextCursor,
            memberCount: result.data.memberCount,
            scoredCount: result.data.scoredCount,
          },
        })
      },

      async selectPeriod(period) {
        const { ranking, rankingStatus } = get()
        const sameList = period === get().period && ranking !== null && ranking.period === period
        if (sameList && rankingStatus === 'ready' && !windowEnded(ranking)) return
        const groupId = get().currentGroupId
        set({
          period,
          ranking: groupId === null ? null : readSaved(groupId, period),
          rankingNote: null,
        })
        await loadFirstPage(null)
      },

      async ensureCurrentWindow() {
        const ranking = get().ranking
        if (ranking === null || !windowEnded(ranking)) return
        await loadFirstPage(windowResetNote(ranking.period))
      },

      async retryRanking() {
        if (get().moreError !== null && get().ranking !== null) {
          set({ moreError: null })
          await get().loadMoreRanking()
          return
        }
        await loadFirstPage(get().rankingNote)
      },
    }
  }
}
