// Seam: the DingTalk HTTP entry (createDingTalkMain, as CloudBase HTTP access calls it) with the real DingTalk adapter, the DingTalk stand-in and SQLite.
import { openSqliteStore, type SqliteStore } from '../../cloudfunctions/adapters/sqlite-store'
import { playerIdOf } from '../../cloudfunctions/core/dingtalk-rules'
import { createLocalDingTalk, LOCAL_DINGTALK } from '../../local/dingtalk/local-entry'
import { ROUND_DURATION_MS } from '../../shared/contract'
import { DINGTALK_ENTRY_QUERY } from '../../shared/dingtalk-contract'
import { evenTapTimeline } from '../../shared/tap-timeline'

/** Wednesday 2024-05-15 12:00 in Shanghai. */
const T0 = Date.UTC(2024, 4, 15, 4, 0, 0)
const ENTRY = 'https://leaderboard.example/app/'

interface Answer {
  ok: boolean
  data?: Record<string, unknown>
  error?: { code: string; message: string }
}

interface Row {
  rank: number
  memberKey: string
  nickname: string | null
  score: number
  isMe: boolean
  played?: boolean
}

function world() {
  let now = T0
  const clock = { now: () => now }
  const store: SqliteStore = openSqliteStore({ filename: ':memory:' })
  const waits: number[] = []
  const errors: string[] = []
  const local = createLocalDingTalk({
    store,
    clock,
    memberKeySalt: 'test-salt-0123456789',
    sleep: async (ms) => {
      waits.push(ms)
    },
    logger: { error: (message) => errors.push(message) },
  })
  const users = Array.from({ length: 12 }, (_, i) => `u${String(i + 1).padStart(2, '0')}`)
  users.forEach((userId, i) => local.standIn.addUser(LOCAL_DINGTALK.corpId, userId, `成员${i + 1}`))

  async function post(path: string, body: unknown, token?: string) {
    const result = await local.main({
      path: `/dingtalk${path}`,
      httpMethod: 'POST',
      headers: token ? { Authorization: `Bearer ${token}` } : {},
      body: JSON.stringify(body),
      isBase64Encoded: false,
    })
    expect(result.statusCode).toBe(200)
    return JSON.parse(result.body) as Answer
  }

  async function login(userId: string): Promise<string> {
    const authCode = local.standIn.issueAuthCode(LOCAL_DINGTALK.corpId, userId)
    const answer = await post('/login', { corpId: LOCAL_DINGTALK.corpId, authCode })
    if (!answer.ok) throw new Error(`login ${userId}: ${answer.error?.code}`)
    return String(answer.data?.sessionToken)
  }

  async function play(token: string, score: number) {
    const round = await post('/leaderboard', { action: 'startRound' }, token)
    now += ROUND_DURATION_MS
    const submitted = await post(
      '/leaderboard',
      {
        action: 'submitScore',
        roundToken: round.data?.roundToken,
        score,
        requestId: `req-${now}-${score}`,
        taps: evenTapTimeline(score, ROUND_DURATION_MS),
      },
      token,
    )
    expect(submitted.ok).toBe(true)
  }

  return {
    local,
    store,
    users,
    waits,
    errors,
    post,
    login,
    play,
    advance: (ms: number) => {
      now += ms
    },
  }
}

/** A 12-member group created through the server API, with the cool app installed. */
async function twelveMemberGroup(w: ReturnType<typeof world>) {
  const ids = await w.local.createGroup('产品部排行榜', 'u01', w.users)
  const entryUrl = new URL(w.local.installCoolApp(ids.openConversationId, ENTRY))
  const claim = {
    corpId: entryUrl.searchParams.get(DINGTALK_ENTRY_QUERY.corpId),
    openConversationId: entryUrl.searchParams.get(DINGTALK_ENTRY_QUERY.openConversationId),
  }
  return { ...ids, claim }
}

function rows(answer: Answer): Row[] {
  const ranking = (answer.data?.ranking ?? answer.data) as { rows: Row[] }
  return ranking.rows
}

describe('DingTalk entry: roster ranking', () => {
  test('a 12-member group where 5 played lists 12 rows: 5 scored in order, then 7 未参与', async () => {
    const w = world()
    const group = await twelveMemberGroup(w)
    const scores = [40, 120, 75, 10, 99]
    for (const [i, score] of scores.entries()) {
      const token = await w.login(w.users[i]!)
      expect(
        (await w.post('/leaderboard', { action: 'enterGroup', dingtalk: group.claim }, token)).ok,
      ).toBe(true)
      await w.play(token, score)
    }
    const viewer = await w.login('u12')
    const entered = await w.post(
      '/leaderboard',
      { action: 'enterGroup', dingtalk: group.claim },
      viewer,
    )
    expect(entered.ok).toBe(true)
    const listed = rows(entered)
    expect(listed).toHaveLength(12)
    expect(listed.slice(0, 5).map((row) => [row.score, row.nickname])).toEqual([
      [120, '成员2'],
      [99, '成员5'],
      [75, '成员3'],
      [40, '成员1'],
      [10, '成员4'],
    ])
    expect(listed.slice(0, 5).every((row) => row.played !== false)).toBe(true)
    const idle = listed.slice(5)
    expect(idle.every((row) => row.played === false && row.rank === 6)).toBe(true)
    expect(idle.map((row) => row.nickname)).toEqual([
      '成员6',
      '成员7',
      '成员8',
      '成员9',
      '成员10',
      '成员11',
      '成员12',
    ])
    expect(idle.filter((row) => row.isMe).map((row) => row.nickname)).toEqual(['成员12'])
    const ranking = entered.data?.ranking as { memberCount: number; groupId: string }
    expect(ranking.memberCount).toBe(12)

    const info = await w.post('/group', { groupId: ranking.groupId }, viewer)
    expect(info).toEqual({
      ok: true,
      data: { groupId: ranking.groupId, name: '产品部排行榜', ownerName: '成员1', memberCount: 12 },
    })
    const again = await w.post(
      '/leaderboard',
      { action: 'getRanking', groupId: ranking.groupId },
      viewer,
    )
    expect(rows(again)).toHaveLength(12)
  })

  test('a group the app created is entered by its chatid (chat/get) with the same roster', async () => {
    const w = world()
    const group = await twelveMemberGroup(w)
    const token = await w.login('u03')
    const entered = await w.post(
      '/leaderboard',
      { action: 'enterGroup', dingtalk: { corpId: LOCAL_DINGTALK.corpId, chatId: group.chatId } },
      token,
    )
    expect(entered.ok).toBe(true)
    expect(rows(entered)).toHaveLength(12)
    expect(w.local.standIn.calls('/chat/get')).toBe(1)
  })
})

describe('DingTalk entry: one ranking per group, by chatid or openConversationId', () => {
  test('the chatid is converted to its openConversationId server-side: both ways name one store group', async () => {
    const w = world()
    const group = await twelveMemberGroup(w)
    const convert = `/v1.0/im/chat/${encodeURIComponent(group.chatId)}/convertToOpenConversationId`
    const byCid = await w.login('u01')
    const viaCid = await w.post(
      '/leaderboard',
      { action: 'enterGroup', dingtalk: group.claim },
      byCid,
    )
    await w.play(byCid, 70)

    const byChat = await w.login('u02')
    const chatClaim = { corpId: LOCAL_DINGTALK.corpId, chatId: group.chatId }
    const viaChat = await w.post(
      '/leaderboard',
      { action: 'enterGroup', dingtalk: chatClaim },
      byChat,
    )
    const groupId = (viaCid.data?.ranking as { groupId: string }).groupId
    expect((viaChat.data?.ranking as { groupId: string }).groupId).toBe(groupId)
    expect(rows(viaChat)[0]).toMatchObject({ score: 70, nickname: '成员1' })
    expect(w.local.standIn.calls(convert)).toBe(1)
    // One group, one cached roster: the entry by chatid reads none.
    expect(w.local.standIn.calls('/chat/get')).toBe(0)
    // The pair is fixed: a second entry by the chatid converts nothing again.
    await w.post('/leaderboard', { action: 'enterGroup', dingtalk: chatClaim }, byChat)
    expect(w.local.standIn.calls(convert)).toBe(1)
    expect(await w.store.listMemberships(playerIdOf(LOCAL_DINGTALK.corpId, 'u02'))).toEqual([
      expect.objectContaining({ groupId }),
    ])
  })

  test('a group the app created, without the cool app, is read through chat/get on every path', async () => {
    const w = world()
    const ids = await w.local.createGroup('项目群', 'u01', w.users.slice(0, 4))
    const chatClaim = { corpId: LOCAL_DINGTALK.corpId, chatId: ids.chatId }
    const token = await w.login('u03')
    const entered = await w.post(
      '/leaderboard',
      { action: 'enterGroup', dingtalk: chatClaim },
      token,
    )
    expect(rows(entered)).toHaveLength(4)
    const groupId = (entered.data?.ranking as { groupId: string }).groupId
    expect(groupId.startsWith('ddo_')).toBe(true)

    // The same instance remembers how it was entered.
    w.advance(4 * 60_000)
    expect((await w.post('/group', { groupId }, token)).data).toMatchObject({ name: '项目群' })
    // Another instance (empty cache) is told by the claim the client sends along.
    const freshInstance = () => {
      const other = createLocalDingTalk({
        store: w.store,
        clock: { now: () => T0 + 4 * 60_000 },
        memberKeySalt: 'test-salt-0123456789',
        standIn: w.local.standIn,
      })
      return async (body: unknown) =>
        JSON.parse(
          (
            await other.main({
              path: '/dingtalk/leaderboard',
              httpMethod: 'POST',
              headers: { Authorization: `Bearer ${token}` },
              body: JSON.stringify(body),
              isBase64Encoded: false,
            })
          ).body,
        ) as Answer
    }
    const withClaim = await freshInstance()({ action: 'getRanking', groupId, dingtalk: chatClaim })
    expect(rows(withClaim)).toHaveLength(4)
    // Without it, the scene-group API does not know a group without the cool app.
    const without = await freshInstance()({ action: 'getRanking', groupId })
    expect(without.error?.code).toBe('NOT_A_GROUP')
    // A claim for another group is no key to this one.
    const otherGroup = await w.local.createGroup('别的群', 'u03', ['u03'])
    const mismatched = await freshInstance()({
      action: 'getRanking',
      groupId,
      dingtalk: { corpId: LOCAL_DINGTALK.corpId, chatId: otherGroup.chatId },
    })
    expect(mismatched.error?.code).toBe('NOT_A_GROUP')
  })

  test('conversion failures are typed and write nothing: a forged chatid, no permission', async () => {
    const w = world()
    const group = await twelveMemberGroup(w)
    const token = await w.login('u02')
    const forged = await w.post(
      '/leaderboard',
      { action: 'enterGroup', dingtalk: { corpId: LOCAL_DINGTALK.corpId, chatId: 'chat-forged' } },
      token,
    )
    expect(forged.error?.code).toBe('NOT_A_GROUP')
    w.local.standIn.revokePermission(LOCAL_DINGTALK.appKey, 'qyapi_chat_read')
    const denied = await w.post(
      '/leaderboard',
      { action: 'enterGroup', dingtalk: { corpId: LOCAL_DINGTALK.corpId, chatId: group.chatId } },
      token,
    )
    expect(denied.error?.code).toBe('PLATFORM_DENIED')
    expect(await w.store.listMemberships(playerIdOf(LOCAL_DINGTALK.corpId, 'u02'))).toEqual([])
  })
})

describe('DingTalk entry: access token', () => {
  test('is fetched once, reused until shortly before expiry, then fetched again', async () => {
    const w = world()
    const group = await twelveMemberGroup(w)
    const before = w.local.openApi.tokenFetches()
    for (const userId of ['u01', 'u02', 'u03']) {
      const token = await w.login(userId)
      await w.post('/leaderboard', { action: 'enterGroup', dingtalk: group.claim }, token)
    }
    expect(w.local.openApi.tokenFetches() - before).toBe(1)
    w.advance(7200_000 - 5 * 60_000)
    await w.login('u04')
    expect(w.local.openApi.tokenFetches() - before).toBe(2)
  })

  test('40001 drops the token and retries once with a new one', async () => {
    const w = world()
    await w.login('u01')
    const fetches = w.local.openApi.tokenFetches()
    w.local.standIn.revokeTokens()
    await w.login('u02')
    expect(w.local.openApi.tokenFetches()).toBe(fetches + 1)
  })

  test('40001 twice in a row is PLATFORM_DENIED and nothing is written', async () => {
    const w = world()
    w.local.standIn.failNext('/topapi/v2/user/getuserinfo', { errcode: 40001 }, 2)
    const authCode = w.local.standIn.issueAuthCode(LOCAL_DINGTALK.corpId, 'u01')
    const answer = await w.post('/login', { corpId: LOCAL_DINGTALK.corpId, authCode })
    expect(answer.error?.code).toBe('PLATFORM_DENIED')
    expect(await w.store.getProfile(playerIdOf(LOCAL_DINGTALK.corpId, 'u01'))).toEqual({
      nickname: null,
      avatarUrl: null,
    })
  })
})

describe('DingTalk entry: every error code of chat/get', () => {
  async function enterByChat(w: ReturnType<typeof world>, chatId: string, userId = 'u02') {
    const token = await w.login(userId)
    return w.post(
      '/leaderboard',
      { action: 'enterGroup', dingtalk: { corpId: LOCAL_DINGTALK.corpId, chatId } },
      token,
    )
  }

  test.each([
    [43007, 'PLATFORM_DENIED'],
    [49000, 'INVALID_INPUT'],
    [70001, 'PLATFORM_DENIED'],
    [40016, 'NOT_A_GROUP'],
  ])('%i → %s, nothing written', async (errcode, code) => {
    const w = world()
    const group = await twelveMemberGroup(w)
    w.local.standIn.failNext('/chat/get', { errcode })
    const answer = await enterByChat(w, group.chatId)
    expect(answer).toMatchObject({ ok: false, error: { code } })
    expect(await w.store.listMemberships(playerIdOf(LOCAL_DINGTALK.corpId, 'u02'))).toEqual([])
  })

  test('43007 when the app lost its chat permission', async () => {
    const w = world()
    const group = await twelveMemberGroup(w)
    w.local.standIn.revokePermission(LOCAL_DINGTALK.appKey, 'qyapi_chat_read')
    expect((await enterByChat(w, group.chatId)).error?.code).toBe('PLATFORM_DENIED')
  })

  test('-1 busy twice is retried with backoff and then succeeds', async () => {
    const w = world()
    const group = await twelveMemberGroup(w)
    const token = await w.login('u02')
    w.local.standIn.failNext('/chat/get', { errcode: -1 }, 2)
    const answer = await w.post(
      '/leaderboard',
      { action: 'enterGroup', dingtalk: { corpId: LOCAL_DINGTALK.corpId, chatId: group.chatId } },
      token,
    )
    expect(answer.ok).toBe(true)
    expect(w.waits).toEqual([200, 800])
  })

  test('-1 busy beyond the bounded retries is PLATFORM_BUSY, nothing written', async () => {
    const w = world()
    const group = await twelveMemberGroup(w)
    const token = await w.login('u02')
    w.local.standIn.setBusy(3)
    const answer = await w.post(
      '/leaderboard',
      { action: 'enterGroup', dingtalk: group.claim },
      token,
    )
    expect(answer.error?.code).toBe('PLATFORM_BUSY')
    expect(w.local.standIn.calls('/v1.0/im/sceneGroups/query')).toBe(3)
    expect(await w.store.listMemberships(playerIdOf(LOCAL_DINGTALK.corpId, 'u02'))).toEqual([])
  })
})

describe('DingTalk entry: the same failures on the scene-group (cool-app) path', () => {
  test.each([
    [43007, 'PLATFORM_DENIED'],
    [70001, 'PLATFORM_DENIED'],
    [40016, 'NOT_A_GROUP'],
    [49000, 'NOT_A_GROUP'],
  ])('v1.0 form of %i → %s, nothing written', async (errcode, code) => {
    const w = world()
    const group = await twelveMemberGroup(w)
    const token = await w.login('u02')
    w.local.standIn.failNext('/v1.0/im/sceneGroups/query', { errcode })
    const answer = await w.post(
      '/leaderboard',
      { action: 'enterGroup', dingtalk: group.claim },
      token,
    )
    expect(answer).toMatchObject({ ok: false, error: { code } })
    expect(await w.store.listMemberships(playerIdOf(LOCAL_DINGTALK.corpId, 'u02'))).toEqual([])
  })

  test('HTTP 401 twice (token rejected) is PLATFORM_DENIED after one refresh', async () => {
    const w = world()
    const group = await twelveMemberGroup(w)
    const token = await w.login('u02')
    const fetches = w.local.openApi.tokenFetches()
    w.local.standIn.failNext('/v1.0/im/sceneGroups/query', { errcode: 40001 }, 2)
    const answer = await w.post(
      '/leaderboard',
      { action: 'enterGroup', dingtalk: group.claim },
      token,
    )
    expect(answer.error?.code).toBe('PLATFORM_DENIED')
    expect(w.local.openApi.tokenFetches()).toBe(fetches + 1)
  })

  test('a group without the cool app installed is not readable through the scene-group API', async () => {
    const w = world()
    const ids = await w.local.createGroup('没装应用的群', 'u01', w.users)
    const token = await w.login('u01')
    const answer = await w.post(
      '/leaderboard',
      {
        action: 'enterGroup',
        dingtalk: { corpId: LOCAL_DINGTALK.corpId, openConversationId: ids.openConversationId },
      },
      token,
    )
    expect(answer.error?.code).toBe('NOT_A_GROUP')
  })
})

describe('DingTalk entry: membership', () => {
  test('a member removed from the group keeps access only until the cached roster is re-read', async () => {
    const w = world()
    const group = await twelveMemberGroup(w)
    const token = await w.login('u07')
    const entered = await w.post(
      '/leaderboard',
      { action: 'enterGroup', dingtalk: group.claim },
      token,
    )
    const groupId = (entered.data?.ranking as { groupId: string }).groupId
    await w.local.removeMember(group.chatId, 'u07')

    w.advance(60_000)
    expect((await w.post('/leaderboard', { action: 'getRanking', groupId }, token)).ok).toBe(true)

    w.advance(3 * 60_000)
    const denied = await w.post('/leaderboard', { action: 'getRanking', groupId }, token)
    expect(denied.error?.code).toBe('NOT_GROUP_MEMBER')
    expect((await w.post('/group', { groupId }, token)).error?.code).toBe('NOT_GROUP_MEMBER')
    // The others' ranking no longer lists the removed member.
    const other = await w.login('u01')
    await w.post('/leaderboard', { action: 'enterGroup', dingtalk: group.claim }, other)
    const seen = await w.post('/leaderboard', { action: 'getRanking', groupId }, other)
    expect(rows(seen)).toHaveLength(11)
  })

  test('the roster, not the 30-day proof age of WeChat cards, decides (issue 13)', async () => {
    const w = world()
    const group = await twelveMemberGroup(w)
    const entered = await w.post(
      '/leaderboard',
      { action: 'enterGroup', dingtalk: group.claim },
      await w.login('u03'),
    )
    const groupId = (entered.data?.ranking as { groupId: string }).groupId

    w.advance(31 * 24 * 60 * 60_000)
    const token = await w.login('u03') // sessions last 2 h
    const ranking = await w.post('/leaderboard', { action: 'getRanking', groupId }, token)
    const groups = await w.post('/leaderboard', { action: 'listMyGroups' }, token)

    expect(ranking.ok).toBe(true)
    expect(groups.data?.groups).toEqual([expect.not.objectContaining({ proofExpired: true })])
  })
})

describe('DingTalk entry: membership of someone added to the group', () => {
  test('a member added after the roster was cached enters at once; an outsider is refused after one fresh read', async () => {
    const w = world()
    const group = await twelveMemberGroup(w)
    const first = await w.login('u01')
    await w.post('/leaderboard', { action: 'enterGroup', dingtalk: group.claim }, first)
    w.local.standIn.addUser(LOCAL_DINGTALK.corpId, 'u13', '新同事')
    w.local.standIn.addUser(LOCAL_DINGTALK.corpId, 'u14', '外人')
    await w.local.addMember(group.chatId, 'u13')
    const reads = () => w.local.standIn.calls('/v1.0/im/sceneGroups/members/batchQuery')
    const before = reads()

    // The cached roster is seconds old and does not list u13: it is read again, not trusted.
    const newcomer = await w.login('u13')
    const entered = await w.post(
      '/leaderboard',
      { action: 'enterGroup', dingtalk: group.claim },
      newcomer,
    )
    expect(entered.ok).toBe(true)
    expect(rows(entered)).toHaveLength(13)
    expect(reads()).toBe(before + 1)

    const outsider = await w.login('u14')
    const denied = await w.post(
      '/leaderboard',
      { action: 'enterGroup', dingtalk: group.claim },
      outsider,
    )
    expect(denied.error?.code).toBe('NOT_GROUP_MEMBER')
    expect(reads()).toBe(before + 2)
    expect(await w.store.listMemberships(playerIdOf(LOCAL_DINGTALK.corpId, 'u14'))).toEqual([])
  })
})

describe('DingTalk entry: member names', () => {
  test('a 60-member roster costs at most 20 name reads per request, each name is read once, and a re-read roster reads none', async () => {
    const w = world()
    const more = Array.from({ length: 48 }, (_, i) => `u${i + 13}`)
    more.forEach((userId) =>
      w.local.standIn.addUser(LOCAL_DINGTALK.corpId, userId, `同事${userId}`),
    )
    const ids = await w.local.createGroup('全员排行榜', 'u01', [...w.users, ...more])
    const url = new URL(w.local.installCoolApp(ids.openConversationId, ENTRY))
    const claim = {
      corpId: LOCAL_DINGTALK.corpId,
      openConversationId: url.searchParams.get(DINGTALK_ENTRY_QUERY.openConversationId),
    }
    const nameReads = () => w.local.standIn.calls('/topapi/v2/user/get')
    const rosterReads = () => w.local.standIn.calls('/v1.0/im/sceneGroups/members/batchQuery')
    // u01 is the owner and the caller; the free-login answer already named them.
    const token = await w.login('u01')
    const named = (answer: Answer) => rows(answer).filter((row) => row.nickname !== null).length

    const entered = await w.post('/leaderboard', { action: 'enterGroup', dingtalk: claim }, token)
    expect(rows(entered)).toHaveLength(60)
    expect(nameReads()).toBe(20)
    expect(named(entered)).toBe(21)
    const groupId = (entered.data?.ranking as { groupId: string }).groupId

    const perRead: number[] = []
    const namedAfter: number[] = []
    for (let read = 0; read < 3; read++) {
      const before = nameReads()
      const ranking = await w.post('/leaderboard', { action: 'getRanking', groupId }, token)
      perRead.push(nameReads() - before)
      namedAfter.push(named(ranking))
    }
    expect(perRead).toEqual([20, 19, 0])
    expect(namedAfter).toEqual([41, 60, 60])

    // The roster is read again once stale; the names it lists are all known.
    const rosters = rosterReads()
    w.advance(3 * 60_000)
    const again = await w.post('/leaderboard', { action: 'getRanking', groupId }, token)
    expect(rosterReads()).toBe(rosters + 1)
    expect(nameReads()).toBe(59)
    expect(named(again)).toBe(60)
  })
})

describe('DingTalk entry: bad input is a typed error and writes nothing', () => {
  async function expectNothingWritten(w: ReturnType<typeof world>, userId: string) {
    expect(await w.store.listMemberships(playerIdOf(LOCAL_DINGTALK.corpId, userId))).toEqual([])
  }

  test('a caller outside the roster is refused, whatever userid the request names', async () => {
    const w = world()
    w.local.standIn.addUser(LOCAL_DINGTALK.corpId, 'outsider', '外人')
    const group = await twelveMemberGroup(w)
    const token = await w.login('outsider')
    const answer = await w.post(
      '/leaderboard',
      {
        action: 'enterGroup',
        dingtalk: { ...group.claim, userId: 'u01' },
        userId: 'u01',
        openid: 'u01',
      },
      token,
    )
    expect(answer.error?.code).toBe('NOT_GROUP_MEMBER')
    await expectNothingWritten(w, 'outsider')
    await expectNothingWritten(w, 'u01')
  })

  test('a forged chatid or openConversationId is NOT_A_GROUP', async () => {
    const w = world()
    await twelveMemberGroup(w)
    const token = await w.login('u01')
    for (const claim of [
      { corpId: LOCAL_DINGTALK.corpId, chatId: 'chat-forged' },
      { corpId: LOCAL_DINGTALK.corpId, openConversationId: 'cidForged==' },
    ]) {
      const answer = await w.post('/leaderboard', { action: 'enterGroup', dingtalk: claim }, token)
      expect(answer.error?.code).toBe('NOT_A_GROUP')
    }
    await expectNothingWritten(w, 'u01')
  })

  test("another corp's chatid is refused: by the claim's corp, and by DingTalk (40016)", async () => {
    const w = world()
    const otherCorp = 'dingothercorp'
    w.local.standIn.createCorp(otherCorp, '别的公司')
    w.local.standIn.createApp({
      appKey: 'other-app',
      appSecret: 'other-secret',
      corpId: otherCorp,
      coolAppCode: 'C2',
    })
    w.local.standIn.addUser(otherCorp, 'x1', '外司成员')
    const tokenAnswer = (await (
      await w.local.standIn.fetch(
        'https://oapi.dingtalk.com/gettoken?appkey=other-app&appsecret=other-secret',
      )
    ).json()) as { access_token: string }
    const created = (await (
      await w.local.standIn.fetch(
        `https://oapi.dingtalk.com/chat/create?access_token=${tokenAnswer.access_token}`,
        {
          method: 'POST',
          body: JSON.stringify({ name: '外司群', owner: 'x1', useridlist: ['x1'] }),
        },
      )
    ).json()) as { chatid: string }
    const token = await w.login('u01')
    const claimed = await w.post(
      '/leaderboard',
      { action: 'enterGroup', dingtalk: { corpId: otherCorp, chatId: created.chatid } },
      token,
    )
    expect(claimed.error?.code).toBe('NOT_A_GROUP')
    const disguised = await w.post(
      '/leaderboard',
      { action: 'enterGroup', dingtalk: { corpId: LOCAL_DINGTALK.corpId, chatId: created.chatid } },
      token,
    )
    expect(disguised.error?.code).toBe('NOT_A_GROUP')
    await expectNothingWritten(w, 'u01')
  })

  test('an expired or reused free-login code is SESSION_INVALID', async () => {
    const w = world()
    const authCode = w.local.standIn.issueAuthCode(LOCAL_DINGTALK.corpId, 'u01')
    w.advance(5 * 60_000 + 1)
    const expired = await w.post('/login', { corpId: LOCAL_DINGTALK.corpId, authCode })
    expect(expired.error?.code).toBe('SESSION_INVALID')
    const fresh = w.local.standIn.issueAuthCode(LOCAL_DINGTALK.corpId, 'u01')
    expect((await w.post('/login', { corpId: LOCAL_DINGTALK.corpId, authCode: fresh })).ok).toBe(
      true,
    )
    const reused = await w.post('/login', { corpId: LOCAL_DINGTALK.corpId, authCode: fresh })
    expect(reused.error?.code).toBe('SESSION_INVALID')
  })

  test('a tampered, expired or missing session token is UNAUTHENTICATED', async () => {
    const w = world()
    const group = await twelveMemberGroup(w)
    const token = await w.login('u01')
    const [payload, signature] = token.split('.')
    const forgedPayload = Buffer.from(
      JSON.stringify({ c: LOCAL_DINGTALK.corpId, u: 'u02', e: Date.UTC(2030, 0, 1) }),
    ).toString('base64url')
    for (const bad of [`${forgedPayload}.${signature}`, `${payload}.x${signature}`, undefined]) {
      const answer = await w.post(
        '/leaderboard',
        { action: 'enterGroup', dingtalk: group.claim },
        bad,
      )
      expect(answer.error?.code).toBe('UNAUTHENTICATED')
    }
    w.advance(2 * 60 * 60_000)
    const late = await w.post(
      '/leaderboard',
      { action: 'enterGroup', dingtalk: group.claim },
      token,
    )
    expect(late.error?.code).toBe('UNAUTHENTICATED')
    await expectNothingWritten(w, 'u01')
    await expectNothingWritten(w, 'u02')
  })

  test('malformed claims are INVALID_INPUT', async () => {
    const w = world()
    const token = await w.login('u01')
    for (const dingtalk of [
      undefined,
      'cid',
      { corpId: LOCAL_DINGTALK.corpId },
      { corpId: LOCAL_DINGTALK.corpId, chatId: 'a', openConversationId: 'b' },
      { corpId: LOCAL_DINGTALK.corpId, chatId: 42 },
      { corpId: LOCAL_DINGTALK.corpId, chatId: 'x'.repeat(200) },
    ]) {
      const answer = await w.post('/leaderboard', { action: 'enterGroup', dingtalk }, token)
      expect(answer.error?.code).toBe('INVALID_INPUT')
    }
    await expectNothingWritten(w, 'u01')
  })
})
