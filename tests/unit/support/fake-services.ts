/** A scripted PlatformServices for store tests: the same port the weapp and H5 edges implement. */
import type { ActionName, RankingPage, RankingRow } from '../../../shared/contract'
import type { GroupOpenDataApi } from '../../../src/core/base-library'
import type {
  CallResult,
  GroupCredential,
  GroupOpenDataResult,
  PlatformServices,
} from '../../../src/core/platform-port'

export interface FakeServices extends PlatformServices {
  sdk: string
  openDataResults: GroupOpenDataResult[]
  openDataCalls: Array<{ shareTicket: string; api: GroupOpenDataApi; allowSingleChat: boolean }>
  enterResults: Array<CallResult<unknown>>
  enterCalls: GroupCredential[]
  callResults: Partial<Record<ActionName, Array<CallResult<unknown>>>>
  calls: Array<{ action: ActionName; input: unknown }>
  cache: Map<string, unknown>
  /** What `now()` answers; tests move it instead of waiting. */
  clock: number
}

export function makeRow(rank: number, memberKey: string, score: number, isMe = false): RankingRow {
  return { rank, memberKey, nickname: `n-${memberKey}`, avatarUrl: null, score, isMe }
}

export function makePage(
  groupId: string,
  rows: RankingRow[],
  me: RankingRow | null = null,
): RankingPage {
  return {
    groupId,
    period: 'all',
    rows,
    nextCursor: null,
    me,
    memberCount: rows.length,
    scoredCount: rows.length,
  }
}

/** enterGroup's answer on `ranking` for a member who has set no profile yet. */
export function enteredAnswer(ranking: RankingPage, joined: boolean) {
  return {
    ok: true as const,
    data: { ranking, profile: { nickname: null, avatarUrl: null }, joined },
  }
}

export function createFakeServices(): FakeServices {
  const fake: FakeServices = {
    sdk: '3.7.8',
    openDataResults: [],
    openDataCalls: [],
    enterResults: [],
    enterCalls: [],
    callResults: {},
    calls: [],
    cache: new Map(),
    clock: 1_700_000_000_000,
    sdkVersion: () => fake.sdk,
    async getGroupOpenData(shareTicket, api, { allowSingleChat }) {
      fake.openDataCalls.push({ shareTicket, api, allowSingleChat })
      const next = fake.openDataResults.shift()
      if (!next) throw new Error('no scripted open data result')
      return next
    },
    async enterGroup(credential) {
      fake.enterCalls.push(credential)
      const next = fake.enterResults.shift()
      if (!next) throw new Error('no scripted enterGroup result')
      return next as never
    },
    async call(action, input) {
      fake.calls.push({ action, input })
      const next = fake.callResults[action]?.shift()
      if (!next) throw new Error(`no scripted result for ${action}`)
      return next as never
    },
    async uploadAvatar(path) {
      return { ok: true, data: { fileId: `cloud://env/avatars/${path.split('/').pop()}` } }
    },
    readCache<T>(key: string) {
      return (fake.cache.get(key) as T | undefined) ?? null
    },
    writeCache(key, value) {
      fake.cache.set(key, JSON.parse(JSON.stringify(value)))
    },
    newRequestId: () => `req-${fake.calls.length}`,
    now: () => fake.clock,
    async requestSubscribe() {
      return { ok: false, errCode: -1, errMsg: 'requestSubscribeMessage:fail not scripted' }
    },
    async readSubscriptionSetting() {
      return null
    },
    async openSubscriptionSetting() {
      return null
    },
  }
  return fake
}
