// Seam: the WeChat stand-in's subscribe messages, and the local runtime's timer triggers.
import { createLocalFunctionRuntime } from '../../local/wechat/function-runtime'
import { snapshotFromRecords, snapshotRecords } from '../../local/wechat/snapshot'
import { createWeChatStandIn } from '../../local/wechat/stand-in'
import { createTimerDriver, parseCron } from '../../local/wechat/timer-triggers'
import { SCENE } from '../../shared/wechat-facts'

const DATA = { thing1: { value: '小明 在总榜超过了你' }, number2: { value: '88' } }

function world() {
  let now = Date.parse('2024-05-15T12:00:00+08:00')
  const standIn = createWeChatStandIn({ clock: () => now })
  const { appid } = standIn.registerApp()
  const alice = standIn.createUser(appid, { label: 'alice' }).openid
  const send = (overrides: Record<string, unknown> = {}) =>
    standIn.sendSubscribeMessage(appid, {
      touser: alice,
      templateId: 'T1',
      page: 'pages/ranking/index?groupId=G1&from=notice',
      data: DATA,
      miniprogramState: 'developer',
      ...overrides,
    })
  return { standIn, appid, alice, send, advance: (ms: number) => (now += ms) }
}

describe('stand-in: subscribe messages', () => {
  it('delivers one message per acceptance into 服务通知, then answers 43101', () => {
    const { standIn, appid, alice, send } = world()
    expect(send()).toMatchObject({ errCode: 43101 })
    expect(standIn.requestSubscribeMessage(appid, alice, ['T1'])).toEqual({ T1: 'accept' })

    expect(send()).toEqual({ errCode: 0, errMsg: 'openapi.subscribeMessage.send:ok' })
    expect(send()).toMatchObject({ errCode: 43101 })
    const [notice] = standIn.listServiceNotices(appid, alice)
    expect(notice).toMatchObject({ templateId: 'T1', data: DATA })
    expect(standIn.openServiceNotice(notice!.id, alice)).toMatchObject({
      scene: SCENE.subscribeMessage,
      path: 'pages/ranking/index',
      query: { groupId: 'G1', from: 'notice' },
    })
  })

  it('answers 40003, 41030, 47003 and injected -1 without spending the credit', () => {
    const { standIn, appid, alice, send } = world()
    standIn.requestSubscribeMessage(appid, alice, ['T1'])
    expect(send({ touser: 'nobody' })).toMatchObject({ errCode: 40003 })
    expect(send({ page: 'https://example.com' })).toMatchObject({ errCode: 41030 })
    expect(
      send({ data: { thing1: { value: '一二三四五六七八九十一二三四五六七八九十一' } } }),
    ).toMatchObject({ errCode: 47003 })
    standIn.failNext(appid, alice, 'subscribeMessage.send', -1)
    expect(send()).toMatchObject({ errCode: -1 })
    expect(send()).toMatchObject({ errCode: 0 })
  })

  it('keeps "always" choices in getSetting until the settings page turns them back', () => {
    const { standIn, appid, alice } = world()
    standIn.setSubscribeChoice(appid, alice, 'always-reject')
    expect(standIn.requestSubscribeMessage(appid, alice, ['T1', 'T2'])).toEqual({
      T1: 'reject',
      T2: 'reject',
    })
    expect(standIn.getSubscriptionSetting(appid, alice)).toEqual({
      mainSwitch: true,
      itemSettings: { T1: 'reject', T2: 'reject' },
    })
    expect(standIn.openSetting(appid, alice).itemSettings).toEqual({})
    expect(standIn.requestSubscribeMessage(appid, alice, ['T1'])).toEqual({ T1: 'accept' })
  })

  it('keeps credits and notices in its stored state, and reads older state without them', () => {
    const { standIn, appid, alice, send } = world()
    standIn.requestSubscribeMessage(appid, alice, ['T1', 'T1'])
    send()
    const stored = snapshotFromRecords(snapshotRecords(standIn.toJSON()))
    const restored = createWeChatStandIn({ snapshot: stored })
    expect(restored.listServiceNotices(appid, alice)).toHaveLength(1)
    expect(
      restored.sendSubscribeMessage(appid, {
        touser: alice,
        templateId: 'T1',
        page: 'pages/ranking/index',
        data: DATA,
        miniprogramState: 'formal',
      }).errCode,
    ).toBe(0)

    const older = standIn.toJSON() as unknown as Record<string, unknown>
    delete older.subscriptions
    delete older.serviceNotices
    delete older.subscribeChoices
    expect(() => createWeChatStandIn({ snapshot: older as never })).not.toThrow()
  })
})

describe('local timer triggers', () => {
  it('reads 7-field crons in UTC+8', () => {
    const mondayClose = parseCron('0 5 0 * * MON *')
    expect(mondayClose.firesInMinute(Date.parse('2024-05-20T00:05:00+08:00'))).toBe(true)
    expect(mondayClose.firesInMinute(Date.parse('2024-05-20T00:05:00Z'))).toBe(false)
    expect(parseCron('0 * * * * * *').firesInMinute(Date.parse('2024-05-20T13:37:00Z'))).toBe(true)
    expect(() => parseCron('0 * * * *')).toThrow(/7 fields/)
  })

  it('runs a due trigger once per tick, coalescing a jump of the clock', async () => {
    let now = Date.parse('2024-05-15T12:00:30+08:00')
    const events: unknown[] = []
    const runtime = createLocalFunctionRuntime({
      standIn: createWeChatStandIn(),
      functions: {
        scheduler: ((event: unknown) => {
          events.push(event)
          return { ok: true }
        }) as never,
      },
    })
    const driver = createTimerDriver({
      runtime,
      triggers: [{ functionName: 'scheduler', name: 'everyMinute', cron: '0 * * * * * *' }],
      clock: () => now,
    })

    expect(await driver.tick()).toEqual([])
    now += 60_000
    expect(await driver.tick()).toEqual([{ trigger: 'everyMinute', result: { ok: true } }])
    now += 24 * 3_600_000
    await driver.tick()
    expect(events).toHaveLength(2)
    expect(events[1]).toMatchObject({ Type: 'Timer', TriggerName: 'everyMinute' })
  })
})
