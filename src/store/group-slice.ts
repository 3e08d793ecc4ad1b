import type { GroupSummary } from '../core/contract'
import type { SliceCreator } from './app-state'
import type { PlatformServices } from './services'

export interface GroupSlice {
  /** The opengid of the group on screen, as the server resolved it. */
  currentGroupId: string | null
  myGroups: GroupSummary[]
  myGroupsStatus: 'idle' | 'loading' | 'ready' | 'error'
  loadMyGroups(): Promise<void>
  /** Opens a group the caller already belongs to (from "my groups"). */
  openGroup(groupId: string): Promise<void>
  leaveGroup(groupId: string): Promise<boolean>
  resetGroups(): void
}

const initialGroups = {
  currentGroupId: null,
  myGroups: [] as GroupSummary[],
  myGroupsStatus: 'idle' as const,
}

export function createGroupSlice(services: PlatformServices): SliceCreator<GroupSlice> {
  return (set, get) => ({
    ...initialGroups,

    async loadMyGroups() {
      set({ myGroupsStatus: 'loading' })
      const result = await services.call('listMyGroups', {})
      set(
        result.ok
          ? { myGroups: result.data.groups, myGroupsStatus: 'ready' }
          : { myGroupsStatus: 'error' },
      )
    },

    async openGroup(groupId) {
      if (get().currentGroupId !== groupId) {
        set({ currentGroupId: groupId, ranking: null })
      }
      set({ entryScreen: 'ranking', entryError: null })
      await get().refreshRanking()
    },

    async leaveGroup(groupId) {
      const result = await services.call('leaveGroup', { groupId })
      if (!result.ok) return false
      set({ myGroups: get().myGroups.filter((group) => group.groupId !== groupId) })
      if (get().currentGroupId === groupId) {
        set({ currentGroupId: null, ranking: null, entryScreen: 'no-group' })
      }
      return true
    },

    resetGroups() {
      set(initialGroups)
    },
  })
}
