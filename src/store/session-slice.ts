import {
  chooseGroupOpenDataApi,
  type GroupOpenDataApi,
  supportsAllowSingleChat,
} from '../core/base-library'
import {
  classifyCallFailure,
  classifyOpenDataFailure,
  cloudIdMayHaveExpired,
} from '../core/failure'
import { classifyEntry, type EnterOptions } from '../core/group-entry'
import type { GroupCredential, GroupOpenDataResult, PlatformServices } from '../core/platform-port'
import { createSequencer, type Ticket } from '../core/sequence'
import type { SliceCreator } from './app-state'

/** What the ranking page shows instead of (or above) a ranking. */
export type EntryScreen = 'starting' | 'entering' | 'ranking' | 'no-group'

export type EntryError =
  /** 40097 twice, or open data the server cannot use: only a fresh tap on the card helps. */
  | 'reopen-from-card'
  /** 65206: the user left the group the card came from. */
  | 'left-group'
  /** A step failed on the way (network, timeout, busy): 重试 and pull-down redo that step. */
  | 'network'

export type NoGroupReason =
  | 'single-chat'
  | 'group-without-ticket'
  | 'elsewhere'
  | 'not-a-group'
  /** The group named (card path, "my groups") is not one the member belongs to. */
  | 'foreign-group'

/** A group opening that has not reached its ranking yet: where it stopped, to resume there. */
export interface PendingEntry {
  shareTicket: string
  api: GroupOpenDataApi
  allowSingleChat: boolean
  singleChat: boolean
  /** `open-data`: read the card's group again; `enter`: send the credential to the cloud. */
  step: 'open-data' | 'enter'
  credential: GroupCredential | null
  /** When the credential was obtained, on the phone's clock (a CloudID lives five minutes). */
  obtainedAt: number | null
}

export interface SessionSlice {
  entryScreen: EntryScreen
  entryError: EntryError | null
  noGroupReason: NoGroupReason | null
  /** `${scene}:${shareTicket}` of the last card handled, so cold start's onLaunch + onShow run once. */
  lastEntryKey: string | null
  /** The group opening under way or failed, kept so 重试 does not need the card again. */
  pendingEntry: PendingEntry | null
  /** Handles an app opening (cold start or hot start) with its launch/enter options. */
  enterFromOptions(options: EnterOptions): Promise<void>
  /** Opens a group by its id (from "my groups" or a page link); the server checks membership. */
  openGroup(groupId: string): Promise<void>
  /** 重试: redoes the failed step from where it failed. */
  retryEnter(): Promise<void>
  /** Pull-down: the failed step again, or a fresh first page of the list on screen. */
  pullDownRefresh(): Promise<void>
  /** The share prompt, with the reason no ranking can be shown. */
  showNoGroup(reason: NoGroupReason): void
}

const initialSession = {
  entryScreen: 'starting' as EntryScreen,
  entryError: null,
  noGroupReason: null,
  lastEntryKey: null,
  pendingEntry: null,
}

function credentialOf(
  openData: Extract<GroupOpenDataResult, { ok: true }>,
): GroupCredential | null {
  if (openData.cloudID) return { cloudID: openData.cloudID }
  if (openData.encryptedData && openData.iv && openData.code) {
    return { encryptedData: openData.encryptedData, iv: openData.iv, code: openData.code }
  }
  return null
}

export function createSessionSlice(services: PlatformServices): SliceCreator<SessionSlice> {
  // One slot: a card tap, "my groups" or 重试 each supersede whatever entry is still on its way.
  const sequence = createSequencer<'entry'>()

  return (set, get) => {
    /** Whether a stored credential can be sent again as it is. */
    const reusable = (pending: PendingEntry): boolean => {
      if (pending.credential === null || pending.obtainedAt === null) return false
      // A login code is single-use, and the lost request may have spent it.
      if (!('cloudID' in pending.credential)) return false
      return !cloudIdMayHaveExpired(pending.obtainedAt, services.now())
    }

    const failTransient = (pending: PendingEntry): void => {
      set({ entryScreen: 'ranking', entryError: 'network', pendingEntry: pending })
    }

    const failTerminal = (error: EntryError): void => {
      set({ entryScreen: 'ranking', entryError: error, pendingEntry: null })
    }

    /** Runs an entry from `pending.step`; every answer is dropped once a later entry started. */
    const runEntry = async (ticket: Ticket, start: PendingEntry): Promise<void> => {
      let pending = start
      let refreshedAfterExpiry = false
      for (;;) {
        if (pending.step === 'open-data' || !reusable(pending)) {
          set({ pendingEntry: { ...pending, step: 'open-data' } })
          const openData = await services.getGroupOpenData(pending.shareTicket, pending.api, {
            allowSingleChat: pending.allowSingleChat,
          })
          if (!sequence.isCurrent(ticket)) return
          if (!openData.ok) {
            const kind = classifyOpenDataFailure(openData.errCode)
            if (kind === 'transient') failTransient({ ...pending, step: 'open-data' })
            else if (kind === 'left-group') failTerminal('left-group')
            // The host said single chat: a wrong scene is the Android 1044 case, not a bad tap.
            else if (pending.singleChat) get().showNoGroup('single-chat')
            else failTerminal('reopen-from-card')
            return
          }
          const credential = credentialOf(openData)
          if (credential === null) {
            failTerminal('reopen-from-card')
            return
          }
          pending = { ...pending, step: 'enter', credential, obtainedAt: services.now() }
        }
        set({ pendingEntry: pending })
        const requestedAt = services.now()
        const result = await services.enterGroup(pending.credential as GroupCredential, {
          period: get().period,
        })
        if (!sequence.isCurrent(ticket)) return
        if (result.ok) {
          set({
            entryScreen: 'ranking',
            entryError: null,
            noGroupReason: null,
            pendingEntry: null,
          })
          get().setCurrentGroup(result.data.ranking.groupId)
          get().receiveProfile(result.data.profile)
          get().receiveNoticeTemplates(result.data.notices)
          get().showEnteredRanking(result.data.ranking, requestedAt)
          return
        }
        const kind = classifyCallFailure(result.error.code)
        if (kind === 'stale-credential' && !refreshedAfterExpiry) {
          // The CloudID aged out on the way: read the card's group again with the stored ticket.
          refreshedAfterExpiry = true
          pending = { ...pending, step: 'open-data', credential: null, obtainedAt: null }
          continue
        }
        if (kind === 'transient') failTransient(pending)
        else if (kind === 'not-a-group') get().showNoGroup('not-a-group')
        else failTerminal('reopen-from-card')
        return
      }
    }

    /** A new group is about to be shown: what was on screen belongs to another one. */
    const leaveScreen = (): void => {
      get().setCurrentGroup(null)
      get().clearRanking()
    }

    return {
      ...initialSession,

      async enterFromOptions(options) {
        const entry = classifyEntry(options)
        if (entry.kind === 'group') {
          // Cold start hands the same card to onLaunch and onShow; every other tap has a new ticket.
          if (entry.key === get().lastEntryKey) return
          const ticket = sequence.begin('entry')
          set({
            lastEntryKey: entry.key,
            entryScreen: 'entering',
            entryError: null,
            noGroupReason: null,
          })
          leaveScreen()
          const sdk = services.sdkVersion()
          const api = chooseGroupOpenDataApi(sdk)
          await runEntry(ticket, {
            shareTicket: entry.shareTicket,
            api,
            allowSingleChat: api === 'getGroupEnterInfo' && supportsAllowSingleChat(sdk),
            singleChat: entry.singleChat,
            step: 'open-data',
            credential: null,
            obtainedAt: null,
          })
          return
        }
        // Coming back from elsewhere (home screen, recent list) keeps the group on screen, and
        // its list moves on to the new day or week if the old one ended meanwhile.
        if (entry.reason === 'elsewhere' && get().currentGroupId !== null) {
          await get().ensureCurrentWindow()
          return
        }
        if (entry.reason === 'elsewhere' && get().pendingEntry !== null) return
        set({ lastEntryKey: entry.key })
        get().showNoGroup(entry.reason)
      },

      async openGroup(groupId) {
        sequence.begin('entry')
        set({ entryScreen: 'ranking', entryError: null, noGroupReason: null, pendingEntry: null })
        if (get().currentGroupId !== groupId) {
          get().clearRanking()
          get().setCurrentGroup(groupId)
        }
        await get().refreshRanking()
      },

      async retryEnter() {
        const pending = get().pendingEntry
        if (pending !== null && get().entryError === 'network') {
          const ticket = sequence.begin('entry')
          set({ entryScreen: 'entering', entryError: null })
          await runEntry(ticket, pending)
          return
        }
        await get().retryRanking()
      },

      async pullDownRefresh() {
        // A failed step is redone from where it failed, as 重试 does.
        if (get().entryError === 'network' && get().pendingEntry !== null) {
          await get().retryEnter()
          return
        }
        // Still entering: the entry's own answer is what the member waits for.
        if (get().entryScreen !== 'ranking' || get().currentGroupId === null) return
        if (get().moreError !== null) {
          await get().retryRanking()
          return
        }
        await get().refreshRanking()
      },

      showNoGroup(reason) {
        sequence.begin('entry')
        set({
          entryScreen: 'no-group',
          noGroupReason: reason,
          entryError: null,
          pendingEntry: null,
        })
        // No list belongs under the prompt: one still on its way must not land behind it.
        leaveScreen()
      },
    }
  }
}
