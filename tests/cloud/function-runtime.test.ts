// Seam: the local function runtime (local/wechat/function-runtime.ts) as the wire between client and main.
import * as cloud from 'wx-server-sdk'

import { createCloudId } from '../../local/wechat/cloud-id'
import {
  type CloudFunctionContext,
  createLocalFunctionRuntime,
} from '../../local/wechat/function-runtime'
import { createWeChatStandIn, isWxApiError } from '../../local/wechat/stand-in'
import { rejection } from './support/rejection'

const START = Date.UTC(2025, 0, 6, 2, 0, 0)

function setup(functions: Record<string, (event: never, context: never) => unknown> = {}) {
  let now = START
  const standIn = createWeChatStandIn({ clock: () => now })
  const { appid } = standIn.registerApp()
  const alice = standIn.createUser(appid, { label: 'Alice' })
  const bob = standIn.createUser(appid, { label: 'Bob' })
  const group = standIn.createGroup(appid, { members: [alice.openid, bob.openid] })
  const runtime = createLocalFunctionRuntime({ standIn, functions })
  /** A fresh cloudID of getGroupEnterInfo for `openid`, from a ticket card Alice shared. */
  const cloudIdFor = (openid: string) => {
    const card = standIn.shareCard(
      appid,
      alice.openid,
      { groupChat: group },
      { withShareTicket: true },
    )
    const launch = standIn.openCard(card, openid)
    const info = standIn.getGroupEnterInfo(appid, openid, launch.shareTicket)
    if (isWxApiError(info)) throw new Error(info.errMsg)
    return info.cloudID
  }
  return {
    standIn,
    runtime,
    appid,
    alice,
    bob,
    group,
    cloudIdFor,
    advance: (ms: number) => {
      now += ms
    },
  }
}

const echo = (event: unknown) => event

describe('caller context', () => {
  it('is what the real wx-server-sdk getWXContext() reads inside main', async () => {
    const ctx = setup({ whoami: () => cloud.getWXContext() })

    const { result } = await ctx.runtime.callFunction({
      appid: ctx.appid,
      openid: ctx.alice.openid,
      name: 'whoami',
      clientIp: '10.0.0.7',
    })

    expect(result).toEqual({
      OPENID: ctx.alice.openid,
      APPID: ctx.appid,
      ENV: 'local',
      SOURCE: 'wx_client',
      CLIENTIP: '10.0.0.7',
    })
  })

  it('sets WX_CONTEXT_KEYS for the call and restores the environment afterwards', async () => {
    let seen: string | undefined
    const ctx = setup({
      peek: () => {
        seen = process.env.WX_CONTEXT_KEYS
      },
    })

    await ctx.runtime.callFunction({ appid: ctx.appid, openid: ctx.bob.openid, name: 'peek' })

    expect(seen).toBe('WX_OPENID,WX_APPID,WX_UNIONID,WX_ENV,WX_SOURCE,WX_CLIENTIP')
    expect(process.env.WX_OPENID).toBeUndefined()
    expect(process.env.WX_CONTEXT_KEYS).toBeUndefined()
  })

  it('carries no OPENID for a call without a user, and a UNIONID when there is one', async () => {
    const ctx = setup({ whoami: () => cloud.getWXContext() })

    const anonymous = await ctx.runtime.callFunction({ appid: ctx.appid, name: 'whoami' })
    const withUnion = await ctx.runtime.callFunction({
      appid: ctx.appid,
      openid: ctx.bob.openid,
      unionid: 'oUnion123',
      name: 'whoami',
    })

    expect(anonymous.result).not.toHaveProperty('OPENID')
    expect(withUnion.result).toMatchObject({ OPENID: ctx.bob.openid, UNIONID: 'oUnion123' })
  })

  it('gives each of many concurrent callers their own OPENID when read first', async () => {
    const ctx = setup({
      slow: async () => {
        const early = cloud.getWXContext().OPENID
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 10))
        const late = cloud.getWXContext().OPENID
        return { early, late: late ?? null }
      },
    })
    const users = Array.from({ length: 20 }, () => ctx.standIn.createUser(ctx.appid).openid)

    const answers = await Promise.all(
      users.map((openid) => ctx.runtime.callFunction({ appid: ctx.appid, openid, name: 'slow' })),
    )

    expect(answers.map((a) => (a.result as { early: string }).early)).toEqual(users)
    // A read after an await cannot be trusted locally; it must never name another caller.
    for (const [i, answer] of answers.entries()) {
      expect([null, users[i]]).toContain((answer.result as { late: string | null }).late)
    }
  })

  it('passes an SCF-like context whose environment names the caller', async () => {
    let received: CloudFunctionContext | undefined
    const ctx = setup({
      ctx: (_event: unknown, context: CloudFunctionContext) => {
        received = context
      },
    })

    const { requestID } = await ctx.runtime.callFunction({
      appid: ctx.appid,
      openid: ctx.alice.openid,
      name: 'ctx',
    })

    expect(received).toMatchObject({ request_id: requestID, function_name: 'ctx' })
    expect(JSON.parse(received!.environment)).toMatchObject({ WX_OPENID: ctx.alice.openid })
  })

  it('never runs main inside the caller’s own stack', async () => {
    let callerFinished = false
    let seenByMain: boolean | undefined
    const ctx = setup({
      order: () => {
        seenByMain = callerFinished
      },
    })

    const pending = ctx.runtime.callFunction({ appid: ctx.appid, name: 'order' })
    callerFinished = true
    await pending

    expect(seenByMain).toBe(true)
  })
})

describe('the JSON wire', () => {
  it('drops undefined and turns Dates into strings, both ways', async () => {
    const ctx = setup({
      echo: (event: { at: string }) => ({ got: event, at: new Date(event.at), gone: undefined }),
    })

    const { result, errMsg } = await ctx.runtime.callFunction({
      appid: ctx.appid,
      name: 'echo',
      data: { at: new Date(START), missing: undefined, list: [1, undefined] },
    })

    expect(errMsg).toBe('cloud.callFunction:ok')
    expect(result).toEqual({
      got: { at: new Date(START).toISOString(), list: [1, null] },
      at: new Date(START).toISOString(),
    })
  })

  it('answers null for a function that returns nothing, with a fresh requestID each call', async () => {
    const ctx = setup({ nothing: () => undefined })

    const first = await ctx.runtime.callFunction({ appid: ctx.appid, name: 'nothing' })
    const second = await ctx.runtime.callFunction({ appid: ctx.appid, name: 'nothing' })

    expect(first.result).toBeNull()
    expect(first.requestID).not.toBe(second.requestID)
  })

  it('injects userInfo { appId, openId }, overriding what the client sent', async () => {
    const ctx = setup({ echo })

    const { result } = await ctx.runtime.callFunction({
      appid: ctx.appid,
      openid: ctx.bob.openid,
      name: 'echo',
      data: { userInfo: { openId: ctx.alice.openid } },
    })
    const plain = createLocalFunctionRuntime({
      standIn: ctx.standIn,
      functions: { echo },
      injectUserInfo: false,
    })
    const withoutInjection = await plain.callFunction({
      appid: ctx.appid,
      openid: ctx.bob.openid,
      name: 'echo',
      data: { a: 1 },
    })

    expect(result).toEqual({ userInfo: { appId: ctx.appid, openId: ctx.bob.openid } })
    expect(withoutInjection.result).toEqual({ a: 1 })
  })
})

describe('CloudID fields', () => {
  it('replaces a top-level CloudID with { cloudID, data } resolved for the caller', async () => {
    const ctx = setup({ echo })
    const cloudID = ctx.cloudIdFor(ctx.bob.openid)

    const { result } = await ctx.runtime.callFunction({
      appid: ctx.appid,
      openid: ctx.bob.openid,
      name: 'echo',
      data: { action: 'enterGroup', groupInfo: createCloudId(cloudID) },
    })

    expect(result).toMatchObject({
      action: 'enterGroup',
      groupInfo: {
        cloudID,
        data: {
          opengid: ctx.group.opengid,
          chat_type: 3,
          watermark: { appid: ctx.appid, timestamp: Math.floor(START / 1000) },
        },
      },
    })
  })

  it('treats the JSON marker that arrives over HTTP like an in-process CloudID', async () => {
    const ctx = setup({ echo })
    const cloudID = ctx.cloudIdFor(ctx.bob.openid)
    const overHttp = JSON.parse(JSON.stringify({ groupInfo: createCloudId(cloudID) })) as unknown

    const { result } = await ctx.runtime.callFunction({
      appid: ctx.appid,
      openid: ctx.bob.openid,
      name: 'echo',
      data: overHttp,
    })

    expect(result).toMatchObject({ groupInfo: { cloudID, data: { opengid: ctx.group.opengid } } })
  })

  it('leaves a nested CloudID as the plain id string, and a plain string as it is', async () => {
    const ctx = setup({ echo })
    const cloudID = ctx.cloudIdFor(ctx.bob.openid)

    const { result } = await ctx.runtime.callFunction({
      appid: ctx.appid,
      openid: ctx.bob.openid,
      name: 'echo',
      data: {
        payload: { groupInfo: createCloudId(cloudID) },
        list: [createCloudId(cloudID)],
        raw: cloudID,
      },
    })

    expect(result).toMatchObject({ payload: { groupInfo: cloudID }, list: [cloudID], raw: cloudID })
  })

  it('fails the whole call with the SDK code when a CloudID does not resolve', async () => {
    const invoked = jest.fn()
    const ctx = setup({ fn: invoked })
    const bobsID = ctx.cloudIdFor(ctx.bob.openid)
    const call = (openid: string, cloudID: string) =>
      ctx.runtime.callFunction({
        appid: ctx.appid,
        openid,
        name: 'fn',
        data: { groupInfo: createCloudId(cloudID) },
      })

    const unknown = await rejection(call(ctx.bob.openid, 'made-up'))
    const notOwned = await rejection(call(ctx.alice.openid, bobsID))
    ctx.advance(5 * 60_000 + 1000)
    const expired = await rejection(call(ctx.bob.openid, bobsID))

    expect([unknown.errCode, notOwned.errCode, expired.errCode]).toEqual([
      -601005, -601007, -601006,
    ])
    expect(expired.errMsg).toMatch(/^cloud\.callFunction:fail .*-601006 cloudID expired/)
    expect(expired).toBeInstanceOf(Error)
    expect(invoked).not.toHaveBeenCalled()
  })
})

describe('platform failures', () => {
  it('rejects an unknown function name with -501000', async () => {
    const ctx = setup({ echo })

    const error = await rejection(ctx.runtime.callFunction({ appid: ctx.appid, name: 'nope' }))

    expect(error.errCode).toBe(-501000)
    expect(error.errMsg).toContain('FunctionName parameter could not be found')
  })

  it('rejects with -504002 when main throws or rejects, restoring the environment', async () => {
    const ctx = setup({
      throws: () => {
        throw new TypeError('boom')
      },
      rejects: async () => {
        throw new Error('later boom')
      },
      bigint: () => ({ n: BigInt(1) }),
    })

    const sync = await rejection(
      ctx.runtime.callFunction({ appid: ctx.appid, openid: ctx.bob.openid, name: 'throws' }),
    )
    const async = await rejection(ctx.runtime.callFunction({ appid: ctx.appid, name: 'rejects' }))
    const unserialisable = await rejection(
      ctx.runtime.callFunction({ appid: ctx.appid, name: 'bigint' }),
    )

    expect([sync.errCode, async.errCode, unserialisable.errCode]).toEqual([
      -504002, -504002, -504002,
    ])
    expect(sync.errMsg).toContain('functions execute fail')
    expect(sync.errMsg).toContain('TypeError: boom')
    expect(process.env.WX_OPENID).toBeUndefined()
  })

  it('serves a function registered after start', async () => {
    const ctx = setup()
    ctx.runtime.register('late', () => 'here')

    const { result } = await ctx.runtime.callFunction({ appid: ctx.appid, name: 'late' })

    expect(result).toBe('here')
  })
})
