// Drives the real router on a private in-memory SQLite store with an injected clock and a fake
// WeChatOpenApi; the seam shared by the action tests.
import { openSqliteStore, type SqliteStore } from '../../../cloudfunctions/adapters/sqlite-store'
import type { ActionDeps } from '../../../cloudfunctions/core/deps'
import type { CallerContext } from '../../../cloudfunctions/core/ports'
import type { RateLimits } from '../../../cloudfunctions/core/rate-limit'
import { handle } from '../../../cloudfunctions/core/router'
import {
  type ActionName,
  type ActionOutput,
  type Envelope,
  ROUND_DURATION_MS,
} from '../../../shared/contract'
import { evenTapTimeline } from '../../../shared/tap-timeline'
import { FakeOpenApi } from './fake-open-api'

export const APPID = 'wxtestapp0000001'
/** Wednesday 2024-05-15 12:00 in Shanghai. */
export const T0 = Date.UTC(2024, 4, 15, 4, 0, 0)

export interface HarnessOptions {
  now?: number
  rateLimits?: Partial<RateLimits>
  localFileUrlPrefixes?: string[]
  filename?: string
}

export function caller(openid: string | null, appid = APPID): CallerContext {
  return { openid, appid, unionid: null, env: 'test-env' }
}

export function createRouterHarness(options: HarnessOptions = {}) {
  let now = options.now ?? T0
  const clock = { now: () => now }
  const store: SqliteStore = openSqliteStore({ filename: options.filename ?? ':memory:' })
  const openApi = new FakeOpenApi(APPID, clock)
  const errors: Array<{ message: string; detail: unknown }> = []
  const deps: ActionDeps = {
    store,
    openApi,
    clock,
    logger: { error: (message, detail) => errors.push({ message, detail }) },
    memberKeySalt: 'test-salt',
    localFileUrlPrefixes: options.localFileUrlPrefixes ?? [],
    rateLimits: options.rateLimits ?? {
      submitScore: { limit: 1000, windowMs: 60_000 },
      startRound: { limit: 1000, windowMs: 60_000 },
    },
  }

  /** Calls an action as `openid` would through the runtime (event JSON round-tripped). */
  async function call<A extends ActionName>(
    openid: string | null,
    action: A,
    input: Record<string, unknown> = {},
  ): Promise<Envelope<ActionOutput<A>>> {
    const event = JSON.parse(JSON.stringify({ action, ...input })) as unknown
    return (await handle(event, caller(openid), deps)) as Envelope<ActionOutput<A>>
  }

  async function expectOk<A extends ActionName>(
    openid: string | null,
    action: A,
    input: Record<string, unknown> = {},
  ): Promise<ActionOutput<A>> {
    const result = await call(openid, action, input)
    if (!result.ok)
      throw new Error(`${action} failed: ${result.error.code} ${result.error.message}`)
    return result.data
  }

  /** Opens the group card: a fresh CloudID resolved by the fake platform. */
  async function enter(openid: string, groupId: string, extra: Record<string, unknown> = {}) {
    const cloudID = openApi.issueGroupCloudId(openid, { opengid: groupId, chat_type: 3 })
    return expectOk(openid, 'enterGroup', { groupInfo: { cloudID, data: {} }, ...extra })
  }

  /** Plays one full round: start, wait the round's duration, submit. */
  async function play(openid: string, score: number, requestId = `req-${openid}-${now}-${score}`) {
    const round = await expectOk(openid, 'startRound')
    now += ROUND_DURATION_MS
    const taps = evenTapTimeline(score, ROUND_DURATION_MS)
    return expectOk(openid, 'submitScore', { roundToken: round.roundToken, score, requestId, taps })
  }

  return {
    store,
    openApi,
    deps,
    errors,
    call,
    expectOk,
    enter,
    play,
    now: () => now,
    setNow: (value: number) => {
      now = value
    },
    advance: (ms: number) => {
      now += ms
    },
    snapshot: () => store.snapshot(),
    close: () => store.close(),
  }
}

export type RouterHarness = ReturnType<typeof createRouterHarness>
