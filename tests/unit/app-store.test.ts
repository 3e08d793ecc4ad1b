// Seam: zustand store slices (src/store) driven without React, through a scripted PlatformServices.
import { evenTapTimeline } from '../../shared/tap-timeline'
import { createAppStore } from '../../src/store/create-app-store'
import { createFakeServices, enteredAnswer, makePage, makeRow } from './support/fake-services'

const okOpenData = { ok: true as const, cloudID: 'cid', encryptedData: null, iv: null, code: null }

function setup() {
  const services = createFakeServices()
  const store = createAppStore(services)
  return { services, store }
}

describe('entering from a card', () => {
  test('a 1044 card with a ticket resolves the group through one enterGroup call', async () => {
    const { services, store } = setup()
    services.openDataResults.push(okOpenData)
    const page = makePage(
      'G1',
      [makeRow(1, 'a', 30), makeRow(2, 'me', 20, true)],
      makeRow(2, 'me', 20, true),
    )
    services.enterResults.push(enteredAnswer(page, true))

    await store.getState().enterFromOptions({ scene: 1044, shareTicket: 'T1' })

    const state = store.getState()
    expect(services.openDataCalls).toEqual([
      { shareTicket: 'T1', api: 'getGroupEnterInfo', allowSingleChat: true },
    ])
    expect(services.enterCalls).toEqual([{ cloudID: 'cid' }])
    expect(state.entryScreen).toBe('ranking')
    expect(state.currentGroupId).toBe('G1')
    expect(state.ranking?.rows.map((r) => r.memberKey)).toEqual(['a', 'me'])
  })

  test('the same opening seen by onLaunch and onShow is handled once', async () => {
    const { services, store } = setup()
    services.openDataResults.push(okOpenData)
    services.enterResults.push(enteredAnswer(makePage('G1', []), false))
    await store.getState().enterFromOptions({ scene: 1044, shareTicket: 'T1' })
    await store.getState().enterFromOptions({ scene: 1044, shareTicket: 'T1' })
    expect(services.enterCalls).toHaveLength(1)
  })

  test('old base libraries use getShareInfo and may send encrypted data with a login code', async () => {
    const { services, store } = setup()
    services.sdk = '2.16.0'
    services.openDataResults.push({
      ok: true,
      cloudID: null,
      encryptedData: 'enc',
      iv: 'iv',
      code: 'code',
    })
    services.enterResults.push(enteredAnswer(makePage('G2', []), true))
    await store.getState().enterFromOptions({ scene: 1044, shareTicket: 'T2' })
    expect(services.openDataCalls[0].api).toBe('getShareInfo')
    expect(services.enterCalls).toEqual([{ encryptedData: 'enc', iv: 'iv', code: 'code' }])
    expect(store.getState().currentGroupId).toBe('G2')
  })

  test('40097 (already retried at the platform edge) asks to reopen from the card', async () => {
    const { services, store } = setup()
    services.openDataResults.push({ ok: false, errCode: 40097, errMsg: 'scene error' })
    await store.getState().enterFromOptions({ scene: 1044, shareTicket: 'T3' })
    // The store never retries by itself: one retry policy lives behind the platform port.
    expect(services.openDataCalls).toHaveLength(1)
    expect(services.enterCalls).toHaveLength(0)
    expect(store.getState().entryError).toBe('reopen-from-card')
  })

  test('40097 for a ticket opened in a single chat shows the share prompt', async () => {
    const { services, store } = setup()
    services.sdk = '3.0.0'
    services.openDataResults.push({ ok: false, errCode: 40097, errMsg: 'scene error' })
    await store.getState().enterFromOptions({ scene: 1044, shareTicket: 'T4', chatType: 1 })
    expect(services.openDataCalls[0]).toMatchObject({ allowSingleChat: false })
    expect(store.getState().entryScreen).toBe('no-group')
    expect(store.getState().noGroupReason).toBe('single-chat')
  })

  test('65206 says the user left the group', async () => {
    const { services, store } = setup()
    services.openDataResults.push({ ok: false, errCode: 65206, errMsg: 'not in group' })
    await store.getState().enterFromOptions({ scene: 1044, shareTicket: 'T5' })
    expect(store.getState().entryError).toBe('left-group')
  })

  test('a single-chat card shows the share prompt', async () => {
    const { store } = setup()
    await store.getState().enterFromOptions({ scene: 1007 })
    expect(store.getState().entryScreen).toBe('no-group')
    expect(store.getState().noGroupReason).toBe('single-chat')
  })

  test('a failed enterGroup keeps the step, claims no saved ranking, and retry resends it', async () => {
    const { services, store } = setup()
    services.openDataResults.push(okOpenData, okOpenData)
    const page = makePage('G1', [makeRow(1, 'a', 30)])
    services.enterResults.push(enteredAnswer(page, true))
    await store.getState().enterFromOptions({ scene: 1044, shareTicket: 'first' })
    services.enterResults.push({ ok: false, error: { code: 'NETWORK', message: 'timeout' } })

    await store.getState().enterFromOptions({ scene: 1044, shareTicket: 'second' })

    expect(store.getState().entryError).toBe('network')
    expect(store.getState().ranking).toBeNull()
    expect(store.getState().currentGroupId).toBeNull()
    expect(store.getState().pendingEntry).toMatchObject({ step: 'enter', shareTicket: 'second' })

    services.enterResults.push(enteredAnswer(makePage('G1', [makeRow(1, 'b', 50)]), false))
    await store.getState().retryEnter()
    // The CloudID is still young: the same credential again, no new open data.
    expect(services.openDataCalls).toHaveLength(2)
    expect(services.enterCalls[2]).toEqual({ cloudID: 'cid' })
    expect(store.getState().entryError).toBeNull()
    expect(store.getState().rankingStatus).toBe('ready')
    expect(store.getState().ranking?.rows[0].memberKey).toBe('b')
  })

  test('a retry after the CloudID may have expired reads the card again first', async () => {
    const { services, store } = setup()
    services.openDataResults.push(okOpenData, { ...okOpenData, cloudID: 'cid-2' })
    services.enterResults.push({ ok: false, error: { code: 'NETWORK', message: 'timeout' } })
    await store.getState().enterFromOptions({ scene: 1044, shareTicket: 'T' })
    services.clock += 6 * 60_000
    services.enterResults.push(enteredAnswer(makePage('G1', []), false))
    await store.getState().retryEnter()
    expect(services.openDataCalls.map((call) => call.shareTicket)).toEqual(['T', 'T'])
    expect(services.enterCalls).toEqual([{ cloudID: 'cid' }, { cloudID: 'cid-2' }])
    expect(store.getState().currentGroupId).toBe('G1')
  })

  test('an answer to an entry the member already left is dropped', async () => {
    const { services, store } = setup()
    services.openDataResults.push(okOpenData, okOpenData)
    let answerFirst!: (value: unknown) => void
    services.enterResults.push(
      new Promise((resolve) => {
        answerFirst = resolve
      }) as never,
    )
    services.enterResults.push(enteredAnswer(makePage('GB', [makeRow(1, 'b', 5)]), false))
    const first = store.getState().enterFromOptions({ scene: 1044, shareTicket: 'A' })
    await Promise.resolve()
    await store.getState().enterFromOptions({ scene: 1044, shareTicket: 'B' })
    answerFirst(enteredAnswer(makePage('GA', [makeRow(1, 'a', 9)]), false))
    await first
    expect(store.getState().currentGroupId).toBe('GB')
    expect(store.getState().ranking?.rows[0].memberKey).toBe('b')
  })
})

describe('ranking', () => {
  async function entered() {
    const context = setup()
    context.services.openDataResults.push(okOpenData)
    context.services.enterResults.push(
      enteredAnswer(
        { ...makePage('G1', [makeRow(1, 'a', 30)]), nextCursor: 'c1', memberCount: 2 },
        true,
      ),
    )
    await context.store.getState().enterFromOptions({ scene: 1044, shareTicket: 'T' })
    return context
  }

  test('the next page is appended', async () => {
    const { services, store } = await entered()
    services.callResults.getRanking = [{ ok: true, data: makePage('G1', [makeRow(2, 'b', 10)]) }]
    await store.getState().loadMoreRanking()
    expect(services.calls[0]).toEqual({
      action: 'getRanking',
      input: { groupId: 'G1', period: 'all', cursor: 'c1' },
    })
    expect(store.getState().ranking?.rows.map((r) => r.memberKey)).toEqual(['a', 'b'])
    expect(store.getState().ranking?.nextCursor).toBeNull()
  })

  test('switching period asks the server for that period', async () => {
    const { services, store } = await entered()
    services.callResults.getRanking = [
      { ok: true, data: { ...makePage('G1', [makeRow(1, 'z', 3)]), period: 'today' } },
    ]
    await store.getState().selectPeriod('today')
    expect(services.calls[0].input).toEqual({ groupId: 'G1', period: 'today' })
    expect(store.getState().period).toBe('today')
    expect(store.getState().ranking?.rows[0].memberKey).toBe('z')
  })
})

describe('playing and profile', () => {
  test('a round is submitted with its tap timeline; refusals read as the user should act', async () => {
    const { services, store } = setup()
    const round = { roundToken: 'r1', startedAt: 0, durationMs: 10_000, expiresAt: 1 }
    services.callResults.startRound = [
      { ok: true, data: round },
      { ok: true, data: round },
    ]
    services.callResults.submitScore = [
      {
        ok: false,
        error: { code: 'RATE_LIMITED', message: 'slow down', retryAfterMs: 44_200 },
      },
      { ok: false, error: { code: 'CLIENT_OUTDATED', message: 'no timeline' } },
    ]
    const taps = [120, 380, 700]

    await store.getState().startRound()
    await store.getState().finishRound(taps)
    const limited = store.getState().playError
    await store.getState().startRound()
    await store.getState().finishRound(taps)

    const submit = services.calls.find((call) => call.action === 'submitScore')
    expect(submit?.input).toMatchObject({ roundToken: 'r1', score: 3, taps })
    expect(limited).toBe('操作太频繁，请 45 秒后再试')
    expect(store.getState().playError).toContain('请更新')
  })

  test('a finished round is sent once (the edge resends) and reports the rank move', async () => {
    const { services, store } = setup()
    store.setState({
      currentGroupId: 'G1',
      ranking: {
        ...makePage('G1', []),
        me: makeRow(5, 'me', 1, true),
        fetchedAt: 0,
        windowKey: 'all',
      },
    })
    services.callResults.startRound = [
      { ok: true, data: { roundToken: 'r1', startedAt: 0, durationMs: 10_000, expiresAt: 1 } },
    ]
    services.callResults.submitScore = [
      { ok: true, data: { score: 40, best: { today: 40, week: 40, all: 40 }, applied: true } },
    ]
    services.callResults.getRanking = [
      { ok: true, data: makePage('G1', [makeRow(2, 'me', 40, true)], makeRow(2, 'me', 40, true)) },
    ]
    await store.getState().startRound()
    await store.getState().finishRound(evenTapTimeline(40, 10_000))

    const submits = services.calls.filter((call) => call.action === 'submitScore')
    expect(submits).toHaveLength(1)
    expect(store.getState().rankMove).toEqual({ groupId: 'G1', text: '上升 3 名，你现在排第 2 名' })
    expect(store.getState().bests).toEqual({ today: 40, week: 40, all: 40 })
  })

  test('saving a profile uploads the avatar first and refreshes the ranking', async () => {
    const { services, store } = setup()
    store.setState({ currentGroupId: 'G1' })
    services.callResults.updateProfile = [
      { ok: true, data: { nickname: '小明', avatarUrl: 'cloud://env/avatars/a.png' } },
    ]
    services.callResults.getRanking = [{ ok: true, data: makePage('G1', []) }]
    const saved = await store
      .getState()
      .saveProfile({ nickname: '  小明 ', avatarTempPath: 'wxfile://tmp/a.png' })
    expect(saved).toBe(true)
    expect(services.calls[0]).toEqual({
      action: 'updateProfile',
      input: { nickname: '小明', avatarUrl: 'cloud://env/avatars/a.png' },
    })
    expect(services.calls[1].action).toBe('getRanking')
  })

  test('a too-long nickname is refused before any call', async () => {
    const { services, store } = setup()
    const saved = await store
      .getState()
      .saveProfile({ nickname: '长'.repeat(21), avatarTempPath: null })
    expect(saved).toBe(false)
    expect(store.getState().profileError).toContain('20')
    expect(services.calls).toHaveLength(0)
  })

  test('a nickname with nothing to see is refused before any call', async () => {
    const { services, store } = setup()
    const saved = await store
      .getState()
      .saveProfile({ nickname: '\u200B\u3164\uFEFF', avatarTempPath: null })
    expect(saved).toBe(false)
    expect(store.getState().profileError).toBe('昵称需要至少一个看得见的字')
    expect(services.calls).toHaveLength(0)
  })
})

describe('errors the user reads', () => {
  test('a server error shows its user text, not the developer message', async () => {
    const { services, store } = setup()
    services.callResults.startRound = [
      { ok: false, error: { code: 'RATE_LIMITED', message: 'startRound: 31 calls in 60000 ms' } },
    ]
    expect(await store.getState().startRound()).toBe(false)
    expect(store.getState().playStatus).toBe('error')
    expect(store.getState().playError).toBe('操作太频繁，请稍后再试')
  })

  test('a group the member is not in shows the share prompt with why, and no ranking', async () => {
    const { services, store } = setup()
    services.callResults.getRanking = [
      { ok: false, error: { code: 'NOT_GROUP_MEMBER', message: 'not a member of G1' } },
    ]
    await store.getState().openGroup('G1')
    expect(store.getState().ranking).toBeNull()
    expect(store.getState().currentGroupId).toBeNull()
    expect(store.getState().entryScreen).toBe('no-group')
    expect(store.getState().noGroupReason).toBe('foreign-group')
  })
})
