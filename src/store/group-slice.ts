import type { GroupSummary } from '../../shared/contract'
import type { PlatformServices } from '../core/platform-port'
import { createSequencer } from '../core/sequence'
import type { SliceCreator } from './app-state'

export interface GroupSlice {
  /** The opengid of the group on screen, as the server resolved it (or as "my groups" named it). */
  currentGroupId: string | null
  myGroups: GroupSummary[]
  myGroupsStatus: 'idle' | 'loading' | 'ready' | 'error'
  /** The entry decides which group is on screen; this slice only keeps it. */
  setCurrentGroup(groupId: string | null): void
  loadMyGroups(): Promise<void>
  leaveGroup(groupId: string): Promise<boolean>
}

const initialGroups = {
  currentGroupId: null,
  myGroups: [] as GroupSummary[],
  myGroupsStatus: 'idle' as const,
}

export function createGroupSlice(services: PlatformServices): SliceCreator<GroupSlice> {
  const sequence = createSequencer<'list'>()

  return (set, get) => ({
    ...initialGroups,

    setCurrentGroup(groupId) {
      set({ currentGroupId: groupId })
    },

    async loadMyGroups() {
      const ticket = sequence.begin('list')
      set({ myGroupsStatus: 'loading' })
      const result = await services.call('listMyGroups', {})
      if (!sequence.isCurrent(ticket)) return
      set(
        result.ok
          ? { myGroups: result.data.groups, myGroupsStatus: 'ready' }
          : { myGroupsStatus: 'error' },
      )
    },

    async leaveGroup(groupId) {
      const result = await services.call('leaveGroup', { groupId })
      if (!result.ok) return false
      set({ myGroups: get().myGroups.filter((group) => group.groupId !== groupId) })
      if (get().currentGroupId === groupId) {
        get().clearRanking()
        get().showNoGroup('elsewhere')
      }
      return true
    },
  })
}
