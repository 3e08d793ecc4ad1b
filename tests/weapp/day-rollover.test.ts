// Seam: compiled weapp in miniprogram-simulate with the real cloud function on SQLite, the phone's
// clock and the server's moved past midnight Asia/Shanghai by the test — rows 13 and 14 of issue
// 10 (the 今日 list moves on to the new day; an ended window's cursor is no dead end).
import {
  bootPhone,
  createWorld,
  type MemberSpec,
  nextShanghaiMidnight,
  phoneClockFollowsWorld,
  populateGroup,
  type World,
} from './support/group-world'
import { readRanking } from './support/ranking-reader'
import { type RenderedPage, waitFor, type WeappApp } from './support/weapp-harness'
import type { WechatHost } from './support/wechat-host'
import type { WxStub } from './support/wx-stub'

const PLAYERS = 60
const NOTE = '新的一天，今日榜已重置'

let world: World
let host: WechatHost
let weapp: WeappApp
let page: RenderedPage
let stub: WxStub
let members: MemberSpec[]

const ranks = () => readRanking(page).map((row) => row.rank)
const firstRanks = (count: number) => Array.from({ length: count }, (_, index) => index + 1)
const getRankingCalls = () => host.cloudCalls.filter((call) => call.action === 'getRanking').length

async function everyonePlays(): Promise<void> {
  for (const member of members) await world.play(member.label, member.score ?? 1)
}

/** 今日, fetched afresh before the test moves the clocks (its answer fully delivered). */
async function showToday(): Promise<void> {
  page.tap('#period-today')
  await waitFor(() => expect(page.text()).not.toContain('正在加载'))
  const today = stub.gate.hold('getRanking', (request) => request.input.period === 'today')
  page.call('onPullDownRefresh')
  await today.arrived
  await today.release()
  await waitFor(() => expect(ranks()).toEqual(firstRanks(50)))
  expect(page.text()).not.toContain(NOTE)
}

function pastMidnight(): void {
  world.clock.now = nextShanghaiMidnight(world.clock.now) + 60_000
}

beforeAll(async () => {
  world = createWorld()
  members = Array.from({ length: PLAYERS }, (_, index) => ({
    label: `p${String(index).padStart(2, '0')}`,
    nickname: `玩家${index}`,
    score: 10 + index,
  }))
  world.createMember('bob')
  await populateGroup(world, 'Night', [...members, { label: 'bob', nickname: 'Bob' }])
  phoneClockFollowsWorld(world)
  ;({
    host,
    stub,
    weapp,
    ranking: page,
  } = bootPhone(world, 'bob', world.openGroupCard('Night', 'p00', 'bob')))
  await waitFor(() => expect(ranks()).toEqual(firstRanks(50)))
}, 30_000)

afterAll(() => {
  jest.restoreAllMocks()
  world.close()
})

test('row 13: scrolling 今日 after midnight loads the new day with a note', async () => {
  await showToday()
  pastMidnight()
  const before = getRankingCalls()
  page.call('onReachBottom')
  await waitFor(() => expect(page.text()).toContain(NOTE))
  expect(page.text()).toContain('还没有人上榜')
  expect(ranks()).toEqual([])
  expect(getRankingCalls()).toBe(before + 1)
  expect(host.cloudCalls.at(-1)).toEqual({ name: 'leaderboard', action: 'getRanking' })
})

test('row 13: the server ending the window (phone clock behind) is no dead end either', async () => {
  await everyonePlays()
  // The phone's own clock does not see midnight pass: only the server's "window ended" tells.
  jest.restoreAllMocks()
  await showToday()
  pastMidnight()
  page.call('onReachBottom')
  await waitFor(() => expect(page.text()).toContain(NOTE))
  expect(page.text()).toContain('还没有人上榜')
  expect(page.exists('#entry-banner')).toBe(false)
  // Scrolling on is not stuck: the new day's list grows as members play in it.
  await world.play('p07', 40)
  page.call('onPullDownRefresh')
  await waitFor(() => expect(readRanking(page)).toEqual([{ rank: 1, name: '玩家7', score: 40 }]))
})

test('row 14: coming back from the home screen after midnight shows the new day', async () => {
  phoneClockFollowsWorld(world)
  await everyonePlays()
  await showToday()
  weapp.hideApp()
  pastMidnight()
  const before = getRankingCalls()
  weapp.showApp({ scene: 1001, path: 'pages/ranking/index', query: {} })
  await waitFor(() => expect(page.text()).toContain(NOTE))
  expect(page.text()).toContain('还没有人上榜')
  expect(ranks()).toEqual([])
  expect(getRankingCalls()).toBe(before + 1)
})
