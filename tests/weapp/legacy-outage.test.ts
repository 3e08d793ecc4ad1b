// Seam: compiled weapp in miniprogram-simulate on a base library without getGroupEnterInfo, `wx`
// wired to the local WeChat stand-in and the real cloud function on SQLite, getShareInfo answers
// held and failed by the test — rows 9 and 10 of issue 10 (a transient failure offers a way on).
import { phoneInGroups, type World } from './support/group-world'
import { readRanking } from './support/ranking-reader'
import { type RenderedPage, waitFor, type WeappApp } from './support/weapp-harness'
import type { WxStub } from './support/wx-stub'

let world: World
let weapp: WeappApp
let page: RenderedPage
let stub: WxStub
let coldShareInfo: ReturnType<WxStub['gate']['hold']>

const names = () => readRanking(page).map((row) => row.name)

beforeAll(async () => {
  ;({
    world,
    stub,
    weapp,
    ranking: page,
  } = await phoneInGroups({
    groups: {
      Alpha: [
        { label: 'alice', nickname: 'Alice', score: 70 },
        { label: 'bob', nickname: 'Bob', score: 5 },
      ],
      Beta: [
        { label: 'erin', nickname: 'Erin', score: 40 },
        { label: 'bob', nickname: 'Bob' },
      ],
    },
    as: 'bob',
    card: 'Alpha',
    sdkVersion: '2.16.1',
    prepare: ({ stub: phone }) => {
      coldShareInfo = phone.gate.hold('getShareInfo')
    },
  }))
})

afterAll(() => world.close())

function expectRetryOffered(): void {
  expect(page.text()).toContain('网络不太好')
  expect(page.text()).not.toContain('请回到群聊重新点开卡片')
  expect(page.exists('#retry')).toBe(true)
  expect(page.text()).toContain('群排行榜')
  expect(page.text()).not.toContain('的排行榜')
}

test('row 9: one getShareInfo network failure on a cold start offers 重试; pull-down retries', async () => {
  await coldShareInfo.arrived
  await coldShareInfo.fail()
  await waitFor(() => expect(page.exists('#retry')).toBe(true))
  expectRetryOffered()
  const reads = stub.callsTo('getShareInfo').length

  page.call('onPullDownRefresh')
  await waitFor(() => expect(names()).toEqual(['Alice', 'Bob']))
  // The same stored ticket, read again from the failed step: no new card tap needed.
  const [first, again] = stub.callsTo('getShareInfo').slice(-2)
  expect(again.options.shareTicket).toBe(first.options.shareTicket)
  expect(stub.callsTo('getShareInfo')).toHaveLength(reads + 1)
  expect(page.exists('#entry-banner')).toBe(false)
})

test('row 10: the same failure on a hot start from A into B shows neither A nor a nameless header', async () => {
  const shareInfo = stub.gate.hold('getShareInfo')
  weapp.hideApp()
  weapp.showApp(world.openGroupCard('Beta', 'erin', 'bob'))
  await shareInfo.arrived
  await shareInfo.fail()
  await waitFor(() => expect(page.exists('#retry')).toBe(true))
  expectRetryOffered()
  expect(page.text()).not.toContain('Alice')

  page.tap('#retry')
  await waitFor(() => expect(names()).toEqual(['Erin', 'Bob']))
  expect(page.exists('#entry-banner')).toBe(false)
  const beta = world.standIn.opengidOf(world.groups.get('Beta')!, world.appid)
  expect(page.component.querySelector('.group-name__open-data')?.data).toMatchObject({
    openGid: beta,
  })
})
