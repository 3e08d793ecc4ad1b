import type { LastWeek } from '../../shared/contract'
import { userText } from '../core/error-text'
import type { PlatformServices } from '../core/platform-port'
import type { SliceCreator } from './app-state'

export type LastWeekStatus = 'hidden' | 'loading' | 'shown' | 'error'

export interface LastWeekSlice {
  /** The "上周" view of the group on screen: last week's podium and my rank then. */
  lastWeek: LastWeek | null
  lastWeekStatus: LastWeekStatus
  lastWeekError: string | null
  showLastWeek(): Promise<void>
  hideLastWeek(): void
}

export function createLastWeekSlice(services: PlatformServices): SliceCreator<LastWeekSlice> {
  return (set, get) => ({
    lastWeek: null,
    lastWeekStatus: 'hidden',
    lastWeekError: null,

    async showLastWeek() {
      const groupId = get().currentGroupId
      if (!groupId) return
      set({ lastWeekStatus: 'loading', lastWeekError: null })
      const result = await services.call('getLastWeek', { groupId })
      // Another group may be on screen by now: its view is not this one.
      if (get().currentGroupId !== groupId || get().lastWeekStatus !== 'loading') return
      if (result.ok) set({ lastWeek: result.data, lastWeekStatus: 'shown' })
      else set({ lastWeekStatus: 'error', lastWeekError: userText(result.error.code) })
    },

    hideLastWeek() {
      set({ lastWeek: null, lastWeekStatus: 'hidden', lastWeekError: null })
    },
  })
}
