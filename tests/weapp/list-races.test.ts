// Seam: compiled weapp in miniprogram-simulate with the real cloud function on SQLite, getRanking
// answers held and released by the test — rows 3, 4 and 5 of issue 10 (a list reset discards
// every answer still on its way for the old list).
import {
  bootPhone,
  createWorld,
  type MemberSpec,
  populateGroup,
  type World,
} from './support/group-world'
import { readRanking } from './support/ranking-reader'
import { type RenderedPage, waitFor } from './support/weapp-harness'
import type { WechatHost } from './support/wechat-host'
import type { WxStub } from './support/wx-stub'

const MEMBERS = 500
const WEEK_MS = 7 * 24 * 60 * 60 * 1000

let world: World
let host: WechatHost
let page: RenderedPage
let stub: WxStub

const ranks = () => readRanking(page).map((row) => row.rank)
const names = () => readRanking(page).map((row) => row.name)
const firstRanks = (count: number) => Array.from({ length: count }, (_, index) => index + 1)
const isNextPage = (request: { input: Record<string, unknown> }) =>
  request.input.action === 'getRanking' && typeof request.input.cursor === 'string'
const isFirstPage = (period: string) => (request: { input: Record<string, unknown> }) =>
  request.input.cursor === undefined && request.input.period === period

beforeAll(async () => {
  world = createWorld()
  const members: MemberSpec[] = Array.from({ length: MEMBERS - 1 }, (_, index) => ({
    label: `m${String(index).padStart(3, '0')}`,
    nickname: `成员${index}`,
    score: 5 + ((index * 37) % 190),
  }))
  // Bob leads, so no pinned row of his own joins the list read below.
  members.push({ label: 'bob', nickname: 'Bob', score: 199 })
  await populateGroup(world, 'Big', members)
  // A new week: only three members have played in it so far.
  world.clock.now += WEEK_MS
  await world.play('m001', 70)
  await world.play('m002', 60)
  await world.play('m003', 50)
  ;({
    stub,
    host,
    ranking: page,
  } = bootPhone(world, 'bob', world.openGroupCard('Big', 'm000', 'bob')))
  await waitFor(() => expect(ranks()).toEqual(firstRanks(50)))
}, 60_000)

afterAll(() => world.close())

test('row 3: 本周 → 今日 → 本周 with the first 本周 answer last keeps the newer rows', async () => {
  const firstWeek = stub.gate.hold('getRanking', isFirstPage('week'))
  page.tap('#period-week')
  await firstWeek.arrived
  page.tap('#period-today')
  await waitFor(() => expect(names()).toEqual(['成员1', '成员2', '成员3']))
  await world.play('m004', 90)
  page.tap('#period-week')
  await waitFor(() => expect(names()).toEqual(['成员4', '成员1', '成员2', '成员3']))
  await firstWeek.release()
  expect(names()).toEqual(['成员4', '成员1', '成员2', '成员3'])
})

test('row 4: a pull-down refresh while the next page loads discards that page', async () => {
  page.tap('#period-all')
  await waitFor(() => expect(ranks()).toEqual(firstRanks(50)))
  const nextPage = stub.gate.hold('getRanking', isNextPage)
  page.call('onReachBottom')
  await nextPage.arrived
  const stops = stub.callsTo('stopPullDownRefresh').length
  page.call('onPullDownRefresh')
  await waitFor(() => expect(stub.callsTo('stopPullDownRefresh')).toHaveLength(stops + 1))
  await nextPage.release()
  expect(ranks()).toEqual(firstRanks(50))

  // Scrolling on continues the refreshed list, rank after rank.
  page.call('onReachBottom')
  await waitFor(() => expect(ranks()).toEqual(firstRanks(100)))
  page.call('onReachBottom')
  await waitFor(() => expect(ranks()).toEqual(firstRanks(150)))
})

test('row 5: switching tabs while the next page loads keeps the old tab out of the new one', async () => {
  page.tap('#period-today')
  await waitFor(() => expect(ranks()).toEqual(firstRanks(4)))
  page.tap('#period-all')
  await waitFor(() => expect(ranks()).toEqual(firstRanks(50)))
  const nextPage = stub.gate.hold('getRanking', isNextPage)
  page.call('onReachBottom')
  await nextPage.arrived
  page.tap('#period-week')
  await waitFor(() => expect(names()).toEqual(['成员4', '成员1', '成员2', '成员3']))
  await nextPage.release()
  expect(names()).toEqual(['成员4', '成员1', '成员2', '成员3'])
  expect(page.text()).not.toContain('加载更多')
  expect(host.cloudCalls.at(-1)).toEqual({ name: 'leaderboard', action: 'getRanking' })
})
