// Seam: the local WeChat platform stand-in (local/wechat/stand-in.ts) against platform behaviour.
import { createDecipheriv } from 'node:crypto'

import { WXBizDataCrypt } from '../../cloudfunctions/core/wx-biz-data-crypt'
import { snapshotFromRecords, type StandInRecord } from '../../local/wechat/snapshot'
import {
  CODE2SESSION_LIMIT_PER_MINUTE,
  createWeChatStandIn,
  type EncryptedOpenData,
  isWxApiError,
  type OpenDataCallResult,
  StandInError,
  type StandInSnapshot,
} from '../../local/wechat/stand-in'

const START = Date.UTC(2025, 0, 6, 2, 0, 0)
const FIVE_MINUTES = 5 * 60_000

/** Independent of the project's decryptor: plain node:crypto, as the platform docs describe. */
function decrypt(sessionKey: string, encryptedData: string, iv: string): Record<string, unknown> {
  const decipher = createDecipheriv(
    'aes-128-cbc',
    Buffer.from(sessionKey, 'base64'),
    Buffer.from(iv, 'base64'),
  )
  const plain = Buffer.concat([
    decipher.update(Buffer.from(encryptedData, 'base64')),
    decipher.final(),
  ])
  return JSON.parse(plain.toString('utf8')) as Record<string, unknown>
}

function expectSuccess(result: OpenDataCallResult): EncryptedOpenData {
  if (isWxApiError(result)) throw new Error(`expected success, got ${result.errMsg}`)
  return result
}

function setup() {
  let now = START
  const standIn = createWeChatStandIn({ clock: () => now })
  const { appid, secret } = standIn.registerApp()
  const alice = standIn.createUser(appid, { label: 'Alice' })
  const bob = standIn.createUser(appid, { label: 'Bob' })
  const carol = standIn.createUser(appid, { label: 'Carol' })
  const group = standIn.createGroup(appid, {
    name: 'Runners',
    members: [alice.openid, bob.openid],
  })
  return {
    standIn,
    appid,
    secret,
    alice,
    bob,
    carol,
    group,
    advance: (ms: number) => {
      now += ms
    },
  }
}

/** Bob opens a ticket card Alice shared into the group, as the client would. */
function bobOpensTicketCard(ctx: ReturnType<typeof setup>) {
  const card = ctx.standIn.shareCard(
    ctx.appid,
    ctx.alice.openid,
    { groupChat: ctx.group },
    { withShareTicket: true },
  )
  return ctx.standIn.openCard(card, ctx.bob.openid)
}

describe('apps and users', () => {
  it('issues ids shaped like the platform ones', () => {
    const { appid, secret, alice } = setup()

    expect(appid).toMatch(/^wx[0-9a-f]{16}$/)
    expect(secret).toMatch(/^[0-9a-f]{32}$/)
    expect(alice.openid).toMatch(/^o[A-Za-z0-9_-]{27}$/)
    expect(alice.sessionKey).toHaveLength(24)
    expect(Buffer.from(alice.sessionKey, 'base64')).toHaveLength(16)
  })

  it('gives the same person a different openid in another mini program', () => {
    const { standIn, alice } = setup()
    const other = standIn.registerApp()

    const aliceElsewhere = standIn.createUser(other.appid, { userId: alice.userId })

    expect(aliceElsewhere.openid).not.toBe(alice.openid)
    expect(aliceElsewhere.label).toBe('Alice')
  })

  it('refuses an appid that does not look like one', () => {
    const { standIn } = setup()

    expect(() => standIn.registerApp({ appid: 'not-an-appid' })).toThrow(StandInError)
  })
})

describe('login and code2Session', () => {
  it('exchanges a code once for the openid and the current session_key', () => {
    const { standIn, appid, secret, alice } = setup()

    const { code } = standIn.login(appid, alice.openid)
    const first = standIn.code2Session(appid, secret, code)
    const second = standIn.code2Session(appid, secret, code)

    expect(first).toEqual({
      openid: alice.openid,
      session_key: standIn.getUser(appid, alice.openid).sessionKey,
    })
    expect(second).toEqual({ errcode: 40029, errmsg: 'invalid code' })
  })

  it('rotates the session_key on login unless asked not to', () => {
    const { standIn, appid, alice } = setup()

    standIn.login(appid, alice.openid)
    const rotated = standIn.getUser(appid, alice.openid).sessionKey
    standIn.login(appid, alice.openid, { rotateSessionKey: false })

    expect(rotated).not.toBe(alice.sessionKey)
    expect(standIn.getUser(appid, alice.openid).sessionKey).toBe(rotated)
  })

  it('accepts a code for five minutes and rejects it after', () => {
    const { standIn, appid, secret, alice, advance } = setup()
    const early = standIn.login(appid, alice.openid).code
    const late = standIn.login(appid, alice.openid).code

    advance(FIVE_MINUTES)
    const atLimit = standIn.code2Session(appid, secret, early)
    advance(1)
    const expired = standIn.code2Session(appid, secret, late)

    expect(atLimit).toHaveProperty('openid', alice.openid)
    expect(expired).toEqual({ errcode: 40029, errmsg: 'invalid code' })
  })

  it('answers the documented errors for unknown codes, apps, secrets and foreign codes', () => {
    const { standIn, appid, secret, alice } = setup()
    const other = standIn.registerApp()
    const { code } = standIn.login(appid, alice.openid)

    expect(standIn.code2Session(appid, secret, 'nope')).toEqual({
      errcode: 40029,
      errmsg: 'invalid code',
    })
    expect(standIn.code2Session('wx0000000000000000', secret, code)).toEqual({
      errcode: 40013,
      errmsg: 'invalid appid',
    })
    expect(standIn.code2Session(appid, 'wrong', code)).toEqual({
      errcode: 40125,
      errmsg: 'invalid appsecret',
    })
    expect(standIn.code2Session(other.appid, other.secret, code)).toMatchObject({ errcode: 40029 })
    // None of the failures above used the code up.
    expect(standIn.code2Session(appid, secret, code)).toHaveProperty('openid', alice.openid)
  })

  it('limits code2Session to 100 calls per user per minute', () => {
    const { standIn, appid, secret, alice, bob, advance } = setup()
    for (let i = 0; i < CODE2SESSION_LIMIT_PER_MINUTE; i++) {
      const { code } = standIn.login(appid, alice.openid)
      expect(standIn.code2Session(appid, secret, code)).toHaveProperty('openid')
    }

    const { code } = standIn.login(appid, alice.openid)
    const limited = standIn.code2Session(appid, secret, code)
    const bobStillFine = standIn.code2Session(appid, secret, standIn.login(appid, bob.openid).code)
    advance(60_000)
    const afterAMinute = standIn.code2Session(appid, secret, code)

    expect(limited).toMatchObject({ errcode: 45011 })
    expect(bobStillFine).toHaveProperty('openid', bob.openid)
    expect(afterAMinute).toHaveProperty('openid', alice.openid)
  })

  it('can be told to fail, e.g. a high-risk user, without using the code up', () => {
    const { standIn, appid, secret, alice } = setup()
    standIn.failNext(appid, alice.openid, 'code2Session', 40226)
    const { code } = standIn.login(appid, alice.openid)

    expect(standIn.code2Session(appid, secret, code)).toEqual({
      errcode: 40226,
      errmsg: 'high risk user',
    })
    expect(standIn.code2Session(appid, secret, code)).toHaveProperty('openid', alice.openid)
  })
})

describe('groups, cards and launch options', () => {
  it('gives the same chat a different opengid per mini program', () => {
    const { standIn, appid, group } = setup()
    const other = standIn.registerApp()

    const otherOpengid = standIn.opengidOf(group, other.appid)

    expect(standIn.opengidOf(group, appid)).toBe(group.opengid)
    expect(otherOpengid).not.toBe(group.opengid)
    expect(group.opengid).toMatch(/^[A-Za-z0-9_-]{28}$/)
    expect(standIn.opengidOf(otherOpengid, other.appid)).toBe(otherOpengid)
  })

  it('opens a ticket card as 1044 with a new shareTicket each time', () => {
    const ctx = setup()
    const card = ctx.standIn.shareCard(
      ctx.appid,
      ctx.alice.openid,
      { groupChat: ctx.group },
      { withShareTicket: true, path: '/pages/group/index?from=card&x=1' },
    )

    const first = ctx.standIn.openCard(card, ctx.bob.openid)
    const second = ctx.standIn.openCard(card.cardId, ctx.bob.openid)

    expect(first).toMatchObject({
      scene: 1044,
      chatType: 3,
      path: 'pages/group/index',
      query: { from: 'card', x: '1' },
    })
    expect(first.shareTicket).toEqual(expect.any(String))
    expect(second.shareTicket).not.toBe(first.shareTicket)
    const opengids = [first, second].map((launch) => {
      const info = expectSuccess(
        ctx.standIn.getGroupEnterInfo(ctx.appid, ctx.bob.openid, launch.shareTicket),
      )
      const key = ctx.standIn.getUser(ctx.appid, ctx.bob.openid).sessionKey
      return decrypt(key, info.encryptedData, info.iv).opengid
    })
    expect(opengids).toEqual([ctx.group.opengid, ctx.group.opengid])
  })

  it('opens a group card without ticket as 1008 and a single-chat card as 1007', () => {
    const { standIn, appid, alice, bob, group } = setup()

    const groupCard = standIn.shareCard(appid, alice.openid, { groupChat: group })
    const dm = standIn.shareCard(
      appid,
      alice.openid,
      { singleChatWith: bob.openid },
      { withShareTicket: true },
    )

    const fromGroup = standIn.openCard(groupCard, bob.openid)
    const fromDm = standIn.openCard(dm, bob.openid)
    expect(fromGroup).toMatchObject({ scene: 1008, chatType: 3 })
    expect(fromGroup).not.toHaveProperty('shareTicket')
    expect(fromDm).toMatchObject({ scene: 1007, chatType: 1 })
    expect(fromDm).not.toHaveProperty('shareTicket')
  })

  it('reproduces the forwarded-ticket-card bug: 1044 on Android, 1007 on iOS', () => {
    const { standIn, appid, alice, bob, group } = setup()
    const card = standIn.shareCard(
      appid,
      alice.openid,
      { groupChat: group },
      { withShareTicket: true },
    )
    const forwarded = standIn.forwardCard(card, bob.openid, { singleChatWith: alice.openid })

    const android = standIn.openCard(forwarded, alice.openid, { os: 'android' })
    const ios = standIn.openCard(forwarded, alice.openid, { os: 'ios' })

    expect(android.scene).toBe(1044)
    expect(ios.scene).toBe(1007)
    expect(standIn.getGroupEnterInfo(appid, alice.openid, android.shareTicket)).toMatchObject({
      errCode: 40097,
    })
    const single = expectSuccess(
      standIn.getGroupEnterInfo(appid, alice.openid, android.shareTicket, {
        allowSingleChat: true,
      }),
    )
    const key = standIn.getUser(appid, alice.openid).sessionKey
    expect(decrypt(key, single.encryptedData, single.iv)).toMatchObject({ chat_type: 1 })
  })

  it('refuses to open or share a group card for someone outside the group', () => {
    const { standIn, appid, alice, carol, group } = setup()
    const card = standIn.shareCard(appid, alice.openid, { groupChat: group })

    expect(() => standIn.openCard(card, carol.openid)).toThrow(
      expect.objectContaining({ code: 'NOT_IN_CHAT' }),
    )
    expect(() => standIn.shareCard(appid, carol.openid, { groupChat: group })).toThrow(
      expect.objectContaining({ code: 'NOT_IN_CHAT' }),
    )
  })
})

describe('getGroupEnterInfo and getShareInfo', () => {
  it('seals { opengid, chat_type: 3, watermark } with the current session_key', () => {
    const ctx = setup()
    const launch = bobOpensTicketCard(ctx)

    const info = expectSuccess(
      ctx.standIn.getGroupEnterInfo(ctx.appid, ctx.bob.openid, launch.shareTicket),
    )

    expect(info.errMsg).toBe('getGroupEnterInfo:ok')
    expect(Buffer.from(info.iv, 'base64')).toHaveLength(16)
    expect(decrypt(ctx.bob.sessionKey, info.encryptedData, info.iv)).toEqual({
      opengid: ctx.group.opengid,
      chat_type: 3,
      watermark: { appid: ctx.appid, timestamp: Math.floor(START / 1000) },
    })
  })

  it('names the group openGId (capital G, I) in getShareInfo', () => {
    const ctx = setup()
    const launch = bobOpensTicketCard(ctx)

    const info = expectSuccess(
      ctx.standIn.getShareInfo(ctx.appid, ctx.bob.openid, launch.shareTicket),
    )

    const payload = decrypt(ctx.bob.sessionKey, info.encryptedData, info.iv)
    expect(payload).toEqual({
      openGId: ctx.group.opengid,
      watermark: { appid: ctx.appid, timestamp: Math.floor(START / 1000) },
    })
    expect(payload).not.toHaveProperty('opengid')
  })

  it('is decryptable by the project WXBizDataCrypt', () => {
    const ctx = setup()
    const launch = bobOpensTicketCard(ctx)
    const info = expectSuccess(
      ctx.standIn.getShareInfo(ctx.appid, ctx.bob.openid, launch.shareTicket),
    )

    const result = new WXBizDataCrypt(ctx.appid, ctx.bob.sessionKey).decryptData(
      info.encryptedData,
      info.iv,
    )

    expect(result).toMatchObject({ ok: true, data: { openGId: ctx.group.opengid } })
  })

  it('seals with the key a later login rotated to, so getShareInfo-before-login breaks', () => {
    const ctx = setup()
    const launch = bobOpensTicketCard(ctx)
    const before = expectSuccess(
      ctx.standIn.getShareInfo(ctx.appid, ctx.bob.openid, launch.shareTicket),
    )

    ctx.standIn.login(ctx.appid, ctx.bob.openid)
    const newKey = ctx.standIn.getUser(ctx.appid, ctx.bob.openid).sessionKey
    const after = expectSuccess(
      ctx.standIn.getShareInfo(ctx.appid, ctx.bob.openid, launch.shareTicket),
    )

    expect(() => decrypt(newKey, before.encryptedData, before.iv)).toThrow()
    expect(decrypt(newKey, after.encryptedData, after.iv)).toHaveProperty('openGId')
  })

  it('answers 40097 for an unknown, missing or someone else’s ticket', () => {
    const ctx = setup()
    const launch = bobOpensTicketCard(ctx)

    for (const [openid, ticket] of [
      [ctx.bob.openid, 'made-up-ticket'],
      [ctx.bob.openid, undefined],
      [ctx.alice.openid, launch.shareTicket],
    ] as const) {
      expect(ctx.standIn.getGroupEnterInfo(ctx.appid, openid, ticket)).toEqual({
        errCode: 40097,
        errMsg: 'getGroupEnterInfo:fail scene error',
      })
      expect(ctx.standIn.getShareInfo(ctx.appid, openid, ticket)).toMatchObject({
        errCode: 40097,
      })
    }
  })

  it('answers 65206 once the user has left the group', () => {
    const ctx = setup()
    const launch = bobOpensTicketCard(ctx)

    ctx.standIn.removeFromGroup(ctx.group, ctx.bob.openid)

    expect(ctx.standIn.getGroupEnterInfo(ctx.appid, ctx.bob.openid, launch.shareTicket)).toEqual({
      errCode: 65206,
      errMsg: 'getGroupEnterInfo:fail user is not in the group',
    })
  })

  it('fails on demand the given number of times, then recovers', () => {
    const ctx = setup()
    const launch = bobOpensTicketCard(ctx)
    ctx.standIn.failNext(ctx.appid, ctx.bob.openid, 'getGroupEnterInfo', 40097, 2)

    const calls = [1, 2, 3].map(() =>
      ctx.standIn.getGroupEnterInfo(ctx.appid, ctx.bob.openid, launch.shareTicket),
    )

    expect(calls.map((c) => ('errCode' in c ? c.errCode : 'ok'))).toEqual([40097, 40097, 'ok'])
  })
})

describe('cloudIDs', () => {
  it('resolves to the sealed payload for its user for five minutes', () => {
    const ctx = setup()
    const info = expectSuccess(
      ctx.standIn.getGroupEnterInfo(ctx.appid, ctx.bob.openid, bobOpensTicketCard(ctx).shareTicket),
    )

    ctx.advance(FIVE_MINUTES)
    const atLimit = ctx.standIn.resolveCloudId(ctx.appid, ctx.bob.openid, info.cloudID)
    ctx.advance(1000)
    const expired = ctx.standIn.resolveCloudId(ctx.appid, ctx.bob.openid, info.cloudID)

    expect(atLimit).toEqual({
      ok: true,
      data: decrypt(ctx.bob.sessionKey, info.encryptedData, info.iv),
    })
    expect(expired).toEqual({ ok: false, errCode: -601006, errMsg: 'cloudID expired' })
  })

  it('refuses unknown ids, other users and other apps with the SDK codes', () => {
    const ctx = setup()
    const other = ctx.standIn.registerApp()
    const info = expectSuccess(
      ctx.standIn.getGroupEnterInfo(ctx.appid, ctx.bob.openid, bobOpensTicketCard(ctx).shareTicket),
    )

    expect(ctx.standIn.resolveCloudId(ctx.appid, ctx.bob.openid, 'guess')).toEqual({
      ok: false,
      errCode: -601005,
      errMsg: 'invalid cloudID',
    })
    expect(ctx.standIn.resolveCloudId(ctx.appid, ctx.alice.openid, info.cloudID)).toEqual({
      ok: false,
      errCode: -601007,
      errMsg: 'cloudID and calling user does not match',
    })
    expect(ctx.standIn.resolveCloudId(ctx.appid, null, info.cloudID)).toMatchObject({
      errCode: -601007,
    })
    expect(ctx.standIn.resolveCloudId(other.appid, ctx.bob.openid, info.cloudID)).toMatchObject({
      errCode: -601005,
    })
  })
})

describe('the WeChatOpenApi port', () => {
  it('maps getOpenData onto the port reasons', async () => {
    const ctx = setup()
    const info = expectSuccess(
      ctx.standIn.getGroupEnterInfo(ctx.appid, ctx.bob.openid, bobOpensTicketCard(ctx).shareTicket),
    )
    const api = ctx.standIn.openApiFor(ctx.appid)
    const caller = (openid: string | null) => ({
      openid,
      appid: ctx.appid,
      unionid: null,
      env: null,
    })

    const found = await api.getOpenData(info.cloudID, caller(ctx.bob.openid))
    const notOwned = await api.getOpenData(info.cloudID, caller(ctx.alice.openid))
    const invalid = await api.getOpenData('nope', caller(ctx.bob.openid))
    ctx.advance(FIVE_MINUTES + 1000)
    const expired = await api.getOpenData(info.cloudID, caller(ctx.bob.openid))

    expect(found).toEqual({
      ok: true,
      data: expect.objectContaining({ opengid: ctx.group.opengid }),
    })
    expect(notOwned).toEqual({ ok: false, reason: 'CLOUD_ID_NOT_OWNED' })
    expect(invalid).toEqual({ ok: false, reason: 'CLOUD_ID_INVALID' })
    expect(expired).toEqual({ ok: false, reason: 'CLOUD_ID_EXPIRED' })
  })

  it('maps code2Session onto SessionResult using the app secret', async () => {
    const ctx = setup()
    const api = ctx.standIn.openApiFor(ctx.appid)
    const caller = { openid: ctx.alice.openid, appid: ctx.appid, unionid: null, env: null }
    const { code } = ctx.standIn.login(ctx.appid, ctx.alice.openid)

    const session = await api.code2Session(code, caller)
    const reused = await api.code2Session(code, caller)

    expect(session).toEqual({
      ok: true,
      openid: ctx.alice.openid,
      sessionKey: ctx.standIn.getUser(ctx.appid, ctx.alice.openid).sessionKey,
    })
    expect(reused).toEqual({ ok: false, errcode: 40029, errmsg: 'invalid code' })
  })
})

describe('snapshots', () => {
  it('survives a JSON round trip with users, groups, codes, cards and cloudIDs intact', () => {
    const ctx = setup()
    const card = ctx.standIn.shareCard(
      ctx.appid,
      ctx.alice.openid,
      { groupChat: ctx.group },
      { withShareTicket: true },
    )
    const launch = ctx.standIn.openCard(card, ctx.bob.openid)
    const info = expectSuccess(
      ctx.standIn.getGroupEnterInfo(ctx.appid, ctx.bob.openid, launch.shareTicket),
    )
    const { code } = ctx.standIn.login(ctx.appid, ctx.alice.openid)

    const restored = createWeChatStandIn({
      clock: ctx.standIn.clock,
      snapshot: JSON.parse(JSON.stringify(ctx.standIn.toJSON())),
    })

    expect(restored.resolveCloudId(ctx.appid, ctx.bob.openid, info.cloudID)).toMatchObject({
      ok: true,
    })
    expect(restored.code2Session(ctx.appid, ctx.secret, code)).toHaveProperty(
      'openid',
      ctx.alice.openid,
    )
    expect(restored.opengidOf(ctx.group.chatId, ctx.appid)).toBe(ctx.group.opengid)
    expect(restored.getGroup(ctx.group.opengid, ctx.appid).memberOpenids.sort()).toEqual(
      [ctx.alice.openid, ctx.bob.openid].sort(),
    )
    expect(restored.openCard(card.cardId, ctx.bob.openid)).toMatchObject({ scene: 1044 })
    expect(
      restored.getGroupEnterInfo(ctx.appid, ctx.bob.openid, launch.shareTicket),
    ).toHaveProperty('cloudID')
    expect(restored.toJSON()).toEqual(expect.objectContaining({ version: 1 }))
  })

  it('rejects a snapshot of an unknown version', () => {
    expect(() =>
      createWeChatStandIn({ snapshot: { version: 2 } as unknown as StandInSnapshot }),
    ).toThrow(StandInError)
  })
})

describe('change records (onChange)', () => {
  /** A store that keeps the last record per key, as the preview's SQLite table does. */
  function recordingStandIn(fail = { next: false }) {
    let now = START
    const stored = new Map<string, StandInRecord>()
    const calls: StandInRecord[][] = []
    const standIn = createWeChatStandIn({
      clock: () => now,
      onChange: (records) => {
        if (fail.next) {
          fail.next = false
          throw new Error('disk full')
        }
        calls.push(records)
        for (const record of records) stored.set(`${record.collection}|${record.key}`, record)
      },
    })
    return {
      standIn,
      calls,
      fail,
      rebuilt: () => snapshotFromRecords(stored.values()),
      advance: (ms: number) => {
        now += ms
      },
    }
  }

  it('hands over, call by call, exactly what rebuilds the whole state', () => {
    const { standIn, calls, rebuilt, advance } = recordingStandIn()
    const { appid, secret } = standIn.registerApp()
    const alice = standIn.createUser(appid, { label: 'Alice' })
    const bob = standIn.createUser(appid, { label: 'Bob' })
    const group = standIn.createGroup(appid, { name: 'Runners', members: [alice.openid] })
    standIn.addToGroup(group, bob.openid)
    const card = standIn.shareCard(
      appid,
      alice.openid,
      { groupChat: group },
      { withShareTicket: true },
    )
    const launch = standIn.openCard(card, bob.openid)
    expectSuccess(standIn.getGroupEnterInfo(appid, bob.openid, launch.shareTicket))
    standIn.failNext(appid, bob.openid, 'getShareInfo', 40097, 2)
    standIn.getShareInfo(appid, bob.openid, launch.shareTicket)
    const { code } = standIn.login(appid, alice.openid)
    standIn.code2Session(appid, secret, code)
    advance(FIVE_MINUTES + 1)
    standIn.login(appid, alice.openid)
    standIn.removeFromGroup(group, bob.openid)

    expect(rebuilt()).toEqual(standIn.toJSON())
    // Only what a call wrote: tapping a card stores one ticket, nothing else.
    const callsBefore = calls.length
    standIn.openCard(card, alice.openid)
    expect(calls.slice(callsBefore)).toEqual([
      [{ collection: 'tickets', key: expect.any(String), value: expect.any(String) }],
    ])
    expect(rebuilt()).toEqual(standIn.toJSON())
    // Reads that write nothing hand over nothing.
    const quiet = calls.length
    standIn.getUser(appid, alice.openid)
    standIn.isMember(group, alice.openid)
    expect(calls).toHaveLength(quiet)
  })

  it('hands over a change also when the call fails after making it', () => {
    const { standIn, rebuilt } = recordingStandIn()
    const { appid } = standIn.registerApp()
    const alice = standIn.createUser(appid)

    expect(() =>
      standIn.createGroup(appid, { name: 'Half made', members: [alice.openid, 'oUnknown'] }),
    ).toThrow(StandInError)
    expect(Object.values(standIn.toJSON().chats).map((chat) => chat.name)).toEqual(['Half made'])
    expect(rebuilt()).toEqual(standIn.toJSON())
  })

  it('fails the call when the store fails, and hands the records over again with the next change', () => {
    const { standIn, fail, rebuilt } = recordingStandIn()
    const { appid } = standIn.registerApp()
    fail.next = true

    expect(() => standIn.createUser(appid, { label: 'Lost?' })).toThrow('disk full')
    standIn.createUser(appid, { label: 'Next' })
    expect(Object.keys(rebuilt().accounts)).toHaveLength(2)
    expect(rebuilt()).toEqual(standIn.toJSON())
  })

  it.each([
    ['{}', {}],
    ['a wrong version', { version: 2 }],
    ['a version without collections', { version: 1 }],
    ['an account without its app', { ...emptyWorld(), accounts: { o1: account('o1') } }],
  ])('refuses a snapshot that is %s, saying why', (_name, snapshot) => {
    expect(() => createWeChatStandIn({ snapshot: snapshot as unknown as StandInSnapshot })).toThrow(
      StandInError,
    )
  })
})

function emptyWorld() {
  return createWeChatStandIn().toJSON()
}

function account(openid: string) {
  return { appid: 'wx0000000000000000', openid, userId: 'wxid_1', sessionKey: 'k' }
}
