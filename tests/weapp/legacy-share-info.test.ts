// Seam: compiled weapp in miniprogram-simulate on an old base library (< 2.17.3), `wx` wired to the
// local WeChat stand-in and the real cloud function on SQLite — the getShareInfo fallback.
import { phoneInGroups, type World } from './support/group-world'
import { type RenderedPage, waitFor, type WeappApp } from './support/weapp-harness'
import type { WechatHost } from './support/wechat-host'
import type { WxStub } from './support/wx-stub'

let world: World
let host: WechatHost
let weapp: WeappApp
let page: RenderedPage
let stub: WxStub

beforeAll(async () => {
  ;({
    world,
    stub,
    host,
    weapp,
    ranking: page,
  } = await phoneInGroups({
    groups: { Club: [{ label: 'alice', nickname: 'Alice', score: 70 }, { label: 'bob' }] },
    as: 'bob',
    card: 'Club',
    sdkVersion: '2.16.1',
  }))
})

afterAll(() => world.close())

test('an old base library logs in, reads getShareInfo and reaches the same ranking', async () => {
  await waitFor(() => expect(page.text()).toMatch(/Alice.*70/))
  expect(stub.callsTo('getGroupEnterInfo')).toHaveLength(0)
  expect(stub.callsTo('getShareInfo')).toHaveLength(1)
  const loginIndex = stub.calls.findIndex((call) => call.api === 'login')
  const shareInfoIndex = stub.calls.findIndex((call) => call.api === 'getShareInfo')
  expect(loginIndex).toBeGreaterThanOrEqual(0)
  expect(loginIndex).toBeLessThan(shareInfoIndex)
  expect(host.cloudCalls).toEqual([{ name: 'leaderboard', action: 'enterGroup' }])
})

test('without a cloudID the encrypted data and login code reach the same ranking', async () => {
  // Base libraries before 2.7.0 return no cloudID: the server decrypts with the session_key.
  stub.implement('getShareInfo', (options) => {
    const result = world.standIn.getShareInfo(
      world.appid,
      world.users.get('bob')!,
      options.shareTicket as string,
    )
    if ('errCode' in result) throw result
    return { errMsg: result.errMsg, encryptedData: result.encryptedData, iv: result.iv }
  })
  await world.play('alice', 95)
  weapp.hideApp()
  weapp.showApp(world.openGroupCard('Club', 'alice', 'bob'))
  await waitFor(() => expect(page.text()).toMatch(/Alice.*95/))
  expect(host.cloudCalls).toHaveLength(2)
  expect(page.exists('#entry-banner')).toBe(false)
})
