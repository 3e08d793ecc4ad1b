// Seam: compiled weapp in miniprogram-simulate, `wx` wired to the local WeChat stand-in and the
// real cloud function on SQLite, the cloud switched off and on by the test — rows 7 and 8 of
// issue 10 (a banner claims no saved data; a retry after a CloudID's life gets a fresh one).
import { phoneClockFollowsWorld, phoneInGroups, type World } from './support/group-world'
import { type RenderedPage, waitFor, type WeappApp } from './support/weapp-harness'
import type { WechatHost } from './support/wechat-host'
import type { WxStub } from './support/wx-stub'

let world: World
let host: WechatHost
let weapp: WeappApp
let page: RenderedPage
let stub: WxStub

const SIX_MINUTES = 6 * 60_000

beforeAll(async () => {
  ;({
    world,
    stub,
    host,
    weapp,
    ranking: page,
  } = await phoneInGroups({
    groups: {
      Team: [
        { label: 'alice', nickname: 'Alice', score: 50 },
        { label: 'bob', nickname: 'Bob' },
      ],
    },
    as: 'bob',
    card: 'Team',
    // First launch ever: nothing saved on this phone, and the cloud cannot be reached.
    prepare: ({ host: phone }) => phone.setCloudDown(true),
  }))
})

afterAll(() => {
  jest.restoreAllMocks()
  world.close()
})

function hotStartFromTeamCard(): void {
  weapp.hideApp()
  weapp.showApp(world.openGroupCard('Team', 'alice', 'bob'))
}

test('row 7: first launch with the cloud unreachable claims no saved ranking and offers 重试', async () => {
  await waitFor(() => expect(page.exists('#retry')).toBe(true))
  expect(page.text()).toContain('网络不太好')
  expect(page.text()).not.toContain('上次保存')
  expect(page.text()).not.toContain('离线数据')
  // No group name is known yet: a neutral title, never "的排行榜" without a name.
  expect(page.text()).toContain('群排行榜')
  expect(page.text()).not.toContain('的排行榜')

  host.setCloudDown(false)
  page.tap('#retry')
  await waitFor(() => expect(page.text()).toMatch(/Alice.*50/))
  expect(page.exists('#entry-banner')).toBe(false)
  expect(page.exists('.group-name__open-data')).toBe(true)
})

test('row 8: cloud down for 6 minutes, then 重试 reads the card again for a fresh CloudID', async () => {
  phoneClockFollowsWorld(world)
  host.setCloudDown(true)
  hotStartFromTeamCard()
  await waitFor(() => expect(page.exists('#retry')).toBe(true))
  const reads = stub.callsTo('getGroupEnterInfo').length
  const enters = host.cloudCalls.filter((call) => call.action === 'enterGroup').length

  world.clock.now += SIX_MINUTES
  host.setCloudDown(false)
  await world.play('alice', 66)
  page.tap('#retry')
  await waitFor(() => expect(page.text()).toMatch(/Alice.*66/))
  expect(stub.callsTo('getGroupEnterInfo')).toHaveLength(reads + 1)
  // One more cloud call for the retry, none spent on the dead CloudID.
  expect(host.cloudCalls.filter((call) => call.action === 'enterGroup')).toHaveLength(enters + 1)
  expect(page.exists('#entry-banner')).toBe(false)
  jest.restoreAllMocks()
})

test('row 8: when only the server knows the CloudID expired, 重试 still recovers', async () => {
  // The phone's clock is behind: it believes the CloudID is young; the server says -601006.
  host.setCloudDown(true)
  hotStartFromTeamCard()
  await waitFor(() => expect(page.exists('#retry')).toBe(true))
  const reads = stub.callsTo('getGroupEnterInfo').length

  world.clock.now += SIX_MINUTES
  host.setCloudDown(false)
  await world.play('alice', 81)
  page.tap('#retry')
  await waitFor(() => expect(page.text()).toMatch(/Alice.*81/))
  expect(stub.callsTo('getGroupEnterInfo')).toHaveLength(reads + 1)
  expect(page.exists('#entry-banner')).toBe(false)
})
