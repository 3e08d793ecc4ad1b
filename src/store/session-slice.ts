import { chooseGroupOpenDataApi } from '../core/base-library'
import type { ActionOutput } from '../core/contract'
import { userText } from '../core/error-text'
import { classifyEntry, type EnterOptions } from '../core/group-entry'
import type { SliceCreator } from './app-state'
import { LAST_RANKING_CACHE_KEY, type RankingData } from './ranking-slice'
import type { GroupCredential, PlatformServices } from './services'

/** What the ranking page shows instead of (or above) a ranking. */
export type EntryScreen = 'starting' | 'entering' | 'ranking' | 'no-group'

export type EntryError =
  /** 40097 twice, or an expired CloudID: only a fresh tap on the card helps. */
  | 'reopen-from-card'
  /** 65206: the user left the group the card came from. */
  | 'left-group'
  /** The cloud call failed; a cached ranking may be shown, marked stale. */
  | 'network'

export type NoGroupReason = 'single-chat' | 'group-without-ticket' | 'elsewhere' | 'not-a-group'

export interface SessionSlice {
  entryScreen: EntryScreen
  entryError: EntryError | null
  noGroupReason: NoGroupReason | null
  /** `${scene}:${shareTicket}` of the last opening handled, so cold start's onLaunch + onShow run once. */
  lastEntryKey: string | null
  /** Credential of the last group opening, kept so "retry" does not need the card again. */
  pendingCredential: GroupCredential | null
  /** Handles an app opening (cold start or hot start) with its launch/enter options. */
  enterFromOptions(options: EnterOptions): Promise<void>
  retryEnter(): Promise<void>
  resetSession(): void
}

const ERR_WRONG_SCENE = 40097
const ERR_NOT_IN_GROUP = 65206

const initialSession = {
  entryScreen: 'starting' as EntryScreen,
  entryError: null,
  noGroupReason: null,
  lastEntryKey: null,
  pendingCredential: null,
}

export function createSessionSlice(services: PlatformServices): SliceCreator<SessionSlice> {
  return (set, get) => {
    const applyEntered = (data: ActionOutput<'enterGroup'>): void => {
      set({
        currentGroupId: data.ranking.groupId,
        entryScreen: 'ranking',
        entryError: null,
        noGroupReason: null,
        profile: data.profile,
      })
      get().showRankingPage(data.ranking)
    }

    const submitCredential = async (credential: GroupCredential): Promise<void> => {
      set({ pendingCredential: credential, entryScreen: 'entering', entryError: null })
      const result = await services.enterGroup(credential, { period: get().period })
      if (result.ok) {
        set({ pendingCredential: null })
        applyEntered(result.data)
        return
      }
      switch (result.error.code) {
        case 'NOT_A_GROUP':
          set({ entryScreen: 'no-group', noGroupReason: 'not-a-group', pendingCredential: null })
          return
        case 'CLOUD_ID_EXPIRED':
        case 'CLOUD_ID_INVALID':
        case 'CLOUD_ID_NOT_OWNED':
        case 'OPEN_DATA_INVALID':
        case 'WATERMARK_MISMATCH':
        case 'SESSION_INVALID':
          set({ entryScreen: 'ranking', entryError: 'reopen-from-card', pendingCredential: null })
          return
        default: {
          const cached = services.readCache<RankingData>(LAST_RANKING_CACHE_KEY)
          set({
            entryScreen: 'ranking',
            entryError: 'network',
            currentGroupId: cached?.groupId ?? get().currentGroupId,
            ranking: cached ?? get().ranking,
            rankingStatus: cached ? 'stale' : get().rankingStatus,
            rankingError: userText(result.error.code),
          })
        }
      }
    }

    const readGroupOpenData = async (shareTicket: string): Promise<void> => {
      const api = chooseGroupOpenDataApi(services.sdkVersion())
      let openData = await services.getGroupOpenData(shareTicket, api)
      // 40097 is reported to fail spuriously on a first open: one retry, then ask for a fresh tap.
      if (!openData.ok && openData.errCode === ERR_WRONG_SCENE) {
        openData = await services.getGroupOpenData(shareTicket, api)
      }
      if (!openData.ok) {
        set({
          entryScreen: 'ranking',
          entryError: openData.errCode === ERR_NOT_IN_GROUP ? 'left-group' : 'reopen-from-card',
        })
        return
      }
      if (openData.cloudID) {
        await submitCredential({ cloudID: openData.cloudID })
      } else if (openData.encryptedData && openData.iv && openData.code) {
        await submitCredential({
          encryptedData: openData.encryptedData,
          iv: openData.iv,
          code: openData.code,
        })
      } else {
        set({ entryScreen: 'ranking', entryError: 'reopen-from-card' })
      }
    }

    return {
      ...initialSession,

      async enterFromOptions(options) {
        const entry = classifyEntry(options)
        if (entry.key === get().lastEntryKey) return
        set({ lastEntryKey: entry.key })
        if (entry.kind === 'group') {
          await readGroupOpenData(entry.shareTicket)
          return
        }
        // Coming back from elsewhere (home screen, recent list) keeps the group already on screen.
        if (entry.reason === 'elsewhere' && get().currentGroupId !== null) return
        set({ entryScreen: 'no-group', noGroupReason: entry.reason, entryError: null })
      },

      async retryEnter() {
        const credential = get().pendingCredential
        if (credential !== null) {
          await submitCredential(credential)
          return
        }
        await get().refreshRanking()
        if (get().rankingStatus === 'ready') set({ entryError: null })
      },

      resetSession() {
        set(initialSession)
      },
    }
  }
}
