// Seam: the whole card-tap flow — stand-in client calls → local function runtime → leaderboard createMain on SQLite.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { createCloudId } from '../../local/wechat/cloud-id'
import { createLocalBackend, type LocalBackend } from '../../local/wechat/local-backend'
import {
  createWeChatStandIn,
  type EncryptedOpenData,
  isWxApiError,
  type OpenDataCallResult,
  type ShareCard,
  type WeChatStandIn,
} from '../../local/wechat/stand-in'
import {
  type ActionName,
  type ActionOutput,
  CLOUD_FUNCTION_NAME,
  type Envelope,
  ROUND_DURATION_MS,
} from '../../shared/contract'
import { evenTapTimeline } from '../../shared/tap-timeline'
import { rejection } from './support/rejection'

/** Monday 2025-01-06 10:00 in Shanghai. */
const START = Date.UTC(2025, 0, 6, 2, 0, 0)

function expectSuccess(result: OpenDataCallResult): EncryptedOpenData {
  if (isWxApiError(result)) throw new Error(`expected success, got ${result.errMsg}`)
  return result
}

function setup(options: { dataDir?: string; standIn?: WeChatStandIn } = {}) {
  let now = START
  const clock = () => now
  const standIn = options.standIn ?? createWeChatStandIn({ clock })
  const errors: unknown[] = []
  const backend: LocalBackend = createLocalBackend({
    standIn,
    clock,
    ...(options.dataDir ? { dataDir: options.dataDir } : { dbPath: ':memory:' }),
    logger: { error: (message, detail) => errors.push({ message, detail }) },
  })
  return {
    standIn,
    backend,
    errors,
    advance: (ms: number) => {
      now += ms
    },
  }
}

type Ctx = ReturnType<typeof setup>

/** Calls the leaderboard function as `openid` of `appid`, through the local wire. */
async function call<A extends ActionName>(
  ctx: Ctx,
  appid: string,
  openid: string,
  data: { action: A } & Record<string, unknown>,
): Promise<Envelope<ActionOutput<A>>> {
  const { result } = await ctx.backend.runtime.callFunction<Envelope<ActionOutput<A>>>({
    appid,
    openid,
    name: CLOUD_FUNCTION_NAME,
    data,
  })
  return result
}

async function expectOk<A extends ActionName>(
  ctx: Ctx,
  appid: string,
  openid: string,
  data: { action: A } & Record<string, unknown>,
): Promise<ActionOutput<A>> {
  const envelope = await call(ctx, appid, openid, data)
  if (!envelope.ok) throw new Error(`${data.action}: ${envelope.error.code}`)
  return envelope.data
}

/** A world: one mini program, a group with Alice and Bob (and Dave), Carol outside it. */
function world(ctx: Ctx) {
  const { appid } = ctx.standIn.registerApp()
  const alice = ctx.standIn.createUser(appid, { label: 'Alice' })
  const bob = ctx.standIn.createUser(appid, { label: 'Bob' })
  const dave = ctx.standIn.createUser(appid, { label: 'Dave' })
  const carol = ctx.standIn.createUser(appid, { label: 'Carol' })
  const group = ctx.standIn.createGroup(appid, {
    name: 'Runners',
    members: [alice.openid, bob.openid, dave.openid],
  })
  const card = ctx.standIn.shareCard(
    appid,
    alice.openid,
    { groupChat: group },
    { withShareTicket: true, path: 'pages/ranking/index?from=card' },
  )
  return { appid, alice, bob, dave, carol, group, card }
}

/** Tap the card, then getGroupEnterInfo, as the client does on 1044. */
function tapAndGetGroupEnterInfo(ctx: Ctx, appid: string, card: ShareCard, openid: string) {
  const launch = ctx.standIn.openCard(card, openid)
  expect(launch.scene).toBe(1044)
  return expectSuccess(ctx.standIn.getGroupEnterInfo(appid, openid, launch.shareTicket))
}

async function enterWithCloudId(ctx: Ctx, appid: string, card: ShareCard, openid: string) {
  const info = tapAndGetGroupEnterInfo(ctx, appid, card, openid)
  return expectOk(ctx, appid, openid, {
    action: 'enterGroup',
    groupInfo: createCloudId(info.cloudID),
  })
}

async function playRound(ctx: Ctx, appid: string, openid: string, score: number) {
  const round = await expectOk(ctx, appid, openid, { action: 'startRound' })
  ctx.advance(ROUND_DURATION_MS)
  return expectOk(ctx, appid, openid, {
    action: 'submitScore',
    roundToken: round.roundToken,
    score,
    requestId: `req-${openid.slice(1, 12)}-${round.startedAt}`,
    taps: evenTapTimeline(score, ROUND_DURATION_MS),
  })
}

describe('card tap → enterGroup on the local backend', () => {
  let ctx: Ctx

  beforeEach(() => {
    ctx = setup()
  })

  afterEach(() => ctx.backend.close())

  it('binds the member of the shared group through a top-level CloudID', async () => {
    const w = world(ctx)

    const entered = await enterWithCloudId(ctx, w.appid, w.card, w.bob.openid)

    expect(entered.joined).toBe(true)
    expect(entered.ranking).toMatchObject({
      groupId: w.group.opengid,
      period: 'all',
      memberCount: 1,
      rows: [],
      me: null,
    })
    const mine = await expectOk(ctx, w.appid, w.bob.openid, { action: 'listMyGroups' })
    expect(mine.groups.map((g) => g.groupId)).toEqual([w.group.opengid])
    expect(ctx.errors).toEqual([])
  })

  it('ranks scores submitted with startRound/submitScore, marking the caller’s row', async () => {
    const w = world(ctx)
    await enterWithCloudId(ctx, w.appid, w.card, w.alice.openid)
    await enterWithCloudId(ctx, w.appid, w.card, w.bob.openid)

    await playRound(ctx, w.appid, w.alice.openid, 42)
    await playRound(ctx, w.appid, w.bob.openid, 57)
    const ranking = await expectOk(ctx, w.appid, w.bob.openid, {
      action: 'getRanking',
      groupId: w.group.opengid,
    })

    expect(ranking.memberCount).toBe(2)
    expect(ranking.rows.map((r) => [r.rank, r.score, r.isMe])).toEqual([
      [1, 57, true],
      [2, 42, false],
    ])
    expect(ranking.me).toMatchObject({ rank: 1, score: 57, isMe: true })
    // Another member tapping the same card later sees the same ranking.
    const dave = await enterWithCloudId(ctx, w.appid, w.card, w.dave.openid)
    expect(dave.ranking.rows.map((r) => r.score)).toEqual([57, 42])
    expect(dave.ranking.memberCount).toBe(3)
  })

  it('reaches the same group and ranking through the legacy encryptedData path', async () => {
    const w = world(ctx)
    await enterWithCloudId(ctx, w.appid, w.card, w.alice.openid)
    await playRound(ctx, w.appid, w.alice.openid, 30)

    // Legacy order: wx.login first (it may rotate the session_key), then getShareInfo.
    const launch = ctx.standIn.openCard(w.card, w.dave.openid)
    const { code } = ctx.standIn.login(w.appid, w.dave.openid)
    const info = expectSuccess(ctx.standIn.getShareInfo(w.appid, w.dave.openid, launch.shareTicket))
    const entered = await expectOk(ctx, w.appid, w.dave.openid, {
      action: 'enterGroup',
      encryptedData: info.encryptedData,
      iv: info.iv,
      code,
    })

    expect(entered.joined).toBe(true)
    expect(entered.ranking.groupId).toBe(w.group.opengid)
    expect(entered.ranking.rows.map((r) => r.score)).toEqual([30])
    expect(entered.ranking.memberCount).toBe(2)
  })

  it('cannot decrypt legacy data fetched before wx.login rotated the session_key', async () => {
    const w = world(ctx)
    const launch = ctx.standIn.openCard(w.card, w.dave.openid)
    const info = expectSuccess(ctx.standIn.getShareInfo(w.appid, w.dave.openid, launch.shareTicket))
    const { code } = ctx.standIn.login(w.appid, w.dave.openid)

    const envelope = await call(ctx, w.appid, w.dave.openid, {
      action: 'enterGroup',
      encryptedData: info.encryptedData,
      iv: info.iv,
      code,
    })

    expect(envelope).toMatchObject({ ok: false, error: { code: 'OPEN_DATA_INVALID' } })
  })

  it('answers NOT_A_GROUP for a ticket card forwarded into a single chat (Android)', async () => {
    const w = world(ctx)
    const forwarded = ctx.standIn.forwardCard(w.card, w.bob.openid, {
      singleChatWith: w.carol.openid,
    })
    const launch = ctx.standIn.openCard(forwarded, w.carol.openid, { os: 'android' })
    const info = expectSuccess(
      ctx.standIn.getGroupEnterInfo(w.appid, w.carol.openid, launch.shareTicket, {
        allowSingleChat: true,
      }),
    )

    const envelope = await call(ctx, w.appid, w.carol.openid, {
      action: 'enterGroup',
      groupInfo: createCloudId(info.cloudID),
    })

    expect(launch.scene).toBe(1044)
    expect(envelope).toMatchObject({ ok: false, error: { code: 'NOT_A_GROUP' } })
  })
})

describe('CloudIDs that must not bind anyone', () => {
  let ctx: Ctx

  beforeEach(() => {
    ctx = setup()
  })

  afterEach(() => ctx.backend.close())

  async function groupsOf(appid: string, openid: string) {
    return (await expectOk(ctx, appid, openid, { action: 'listMyGroups' })).groups
  }

  it('rejects a nested CloudID (it arrives as a plain string) and a bare id string', async () => {
    const w = world(ctx)
    const info = tapAndGetGroupEnterInfo(ctx, w.appid, w.card, w.bob.openid)

    const nested = await call(ctx, w.appid, w.bob.openid, {
      action: 'enterGroup',
      params: { groupInfo: createCloudId(info.cloudID) },
    })
    const bare = await call(ctx, w.appid, w.bob.openid, {
      action: 'enterGroup',
      groupInfo: info.cloudID,
    })

    expect(nested).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } })
    expect(bare).toMatchObject({ ok: false, error: { code: 'CLOUD_ID_INVALID' } })
    expect(await groupsOf(w.appid, w.bob.openid)).toEqual([])
  })

  it('fails the call with -601006 once the CloudID is older than five minutes', async () => {
    const w = world(ctx)
    const info = tapAndGetGroupEnterInfo(ctx, w.appid, w.card, w.bob.openid)

    ctx.advance(5 * 60_000 + 1000)
    const error = await rejection(
      call(ctx, w.appid, w.bob.openid, {
        action: 'enterGroup',
        groupInfo: createCloudId(info.cloudID),
      }),
    )

    expect(error.errCode).toBe(-601006)
    expect(error.errMsg).toMatch(/^cloud\.callFunction:fail/)
    expect(await groupsOf(w.appid, w.bob.openid)).toEqual([])
  })

  it('fails the call with -601007 for another user’s CloudID', async () => {
    const w = world(ctx)
    const bobs = tapAndGetGroupEnterInfo(ctx, w.appid, w.card, w.bob.openid)

    const error = await rejection(
      call(ctx, w.appid, w.carol.openid, {
        action: 'enterGroup',
        groupInfo: createCloudId(bobs.cloudID),
      }),
    )

    expect(error.errCode).toBe(-601007)
    expect(await groupsOf(w.appid, w.carol.openid)).toEqual([])
  })

  it('ignores forged data next to a cloudID that is not a CloudID field', async () => {
    const w = world(ctx)
    const bobs = tapAndGetGroupEnterInfo(ctx, w.appid, w.card, w.bob.openid)

    // A plain object shaped like a resolved CloudID passes the platform untouched; the server
    // must re-resolve the id (and find it belongs to Bob) instead of trusting `data`.
    const envelope = await call(ctx, w.appid, w.carol.openid, {
      action: 'enterGroup',
      groupInfo: {
        cloudID: bobs.cloudID,
        data: { opengid: w.group.opengid, chat_type: 3, watermark: { appid: w.appid } },
      },
    })

    expect(envelope).toMatchObject({ ok: false, error: { code: 'CLOUD_ID_NOT_OWNED' } })
    expect(await groupsOf(w.appid, w.carol.openid)).toEqual([])
  })
})

describe('a local backend on disk', () => {
  let dataDir: string

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'local-backend-'))
  })

  afterEach(() => rmSync(dataDir, { recursive: true, force: true }))

  it('keeps memberships and scores across a restart with the stand-in snapshot', async () => {
    const first = setup({ dataDir })
    const w = world(first)
    await enterWithCloudId(first, w.appid, w.card, w.bob.openid)
    await playRound(first, w.appid, w.bob.openid, 12)
    const snapshot = JSON.parse(JSON.stringify(first.standIn.toJSON()))
    first.backend.close()

    const second = setup({
      dataDir,
      standIn: createWeChatStandIn({ clock: () => START + 60_000, snapshot }),
    })
    const again = await enterWithCloudId(second, w.appid, w.card, w.bob.openid)
    second.backend.close()

    expect(second.backend.dbPath).toBe(join(dataDir, 'leaderboard.sqlite'))
    expect(again.joined).toBe(false)
    expect(again.ranking.me).toMatchObject({ score: 12, isMe: true })
  })
})
