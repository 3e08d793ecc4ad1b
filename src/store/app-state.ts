import type { StateCreator } from 'zustand'

import type { GroupSlice } from './group-slice'
import type { LastWeekSlice } from './last-week-slice'
import type { NoticeSlice } from './notice-slice'
import type { PlaySlice } from './play-slice'
import type { ProfileSlice } from './profile-slice'
import type { RankingSlice } from './ranking-slice'
import type { SessionSlice } from './session-slice'

export type AppState = SessionSlice &
  GroupSlice &
  RankingSlice &
  ProfileSlice &
  PlaySlice &
  NoticeSlice &
  LastWeekSlice

export type SliceCreator<Slice> = StateCreator<AppState, [], [], Slice>
