import { createStore } from 'zustand/vanilla'

import type { PlatformServices } from '../core/platform-port'
import type { AppState } from './app-state'
import { createGroupSlice } from './group-slice'
import { createLastWeekSlice } from './last-week-slice'
import { createNoticeSlice } from './notice-slice'
import { createPlaySlice } from './play-slice'
import { createProfileSlice } from './profile-slice'
import { createRankingSlice } from './ranking-slice'
import { createSessionSlice } from './session-slice'

/** One bound store of typed slices, with the platform passed in so tests can supply their own. */
export function createAppStore(services: PlatformServices) {
  return createStore<AppState>()((...args) => ({
    ...createSessionSlice(services)(...args),
    ...createGroupSlice(services)(...args),
    ...createRankingSlice(services)(...args),
    ...createProfileSlice(services)(...args),
    ...createPlaySlice(services)(...args),
    ...createNoticeSlice(services)(...args),
    ...createLastWeekSlice(services)(...args),
  }))
}
