// Seam: compiled weapp in miniprogram-simulate with the real cloud function on SQLite, the phone's
// clock following the world's and submitScore answers held by the test — row 6 of issue 10 (a
// rank change belongs to the round's group) and the one retry policy for submissions.
import { phoneClockFollowsWorld, phoneInGroups, type World } from './support/group-world'
import { readRanking } from './support/ranking-reader'
import { type RenderedPage, waitFor, type WeappApp } from './support/weapp-harness'
import type { WechatHost } from './support/wechat-host'
import type { WxStub } from './support/wx-stub'

let world: World
let host: WechatHost
let weapp: WeappApp
let ranking: RenderedPage
let stub: WxStub

beforeAll(async () => {
  ;({ world, stub, host, weapp, ranking } = await phoneInGroups({
    groups: {
      Alpha: [
        { label: 'alice', nickname: 'Alice', score: 30 },
        { label: 'carol', nickname: 'Carol', score: 20 },
        { label: 'bob', nickname: 'Bob', score: 5 },
      ],
      Beta: [
        { label: 'erin', nickname: 'Erin', score: 60 },
        { label: 'dave', nickname: 'Dave', score: 50 },
        { label: 'bob', nickname: 'Bob' },
      ],
    },
    as: 'bob',
    card: 'Beta',
  }))
  await waitFor(() => expect(readRanking(ranking).map((row) => row.name)).toContain('Erin'))
  phoneClockFollowsWorld(world)
})

afterAll(() => {
  jest.restoreAllMocks()
  world.close()
})

async function playRound(taps: number): Promise<RenderedPage> {
  const play = weapp.renderPage('pages/play/index')
  await waitFor(() => expect(play.exists('#start')).toBe(true))
  play.tap('#start')
  await waitFor(() => expect(play.exists('#tap-target')).toBe(true))
  // Paced like a person, one tap every 150 ms on the phone's (the world's) clock: the page
  // sends the round's tap timeline and the server checks it.
  for (let tap = 1; tap <= taps; tap += 1) {
    world.clock.now += 150
    play.tap('#tap-target')
    await waitFor(() => expect(play.textOf('#taps')).toBe(String(tap)))
  }
  return play
}

test('row 6: a round played in B, submitted while A opens, shows no rank change in A', async () => {
  const play = await playRound(55)
  const submit = stub.gate.hold('submitScore')
  // The round's ten seconds pass on the phone and on the server.
  world.clock.now += 10_500
  await submit.arrived

  weapp.hideApp()
  weapp.showApp(world.openGroupCard('Alpha', 'alice', 'bob'))
  await waitFor(() => expect(readRanking(ranking).map((row) => row.name)).toContain('Alice'))
  await submit.release()

  await waitFor(() => expect(play.text()).toContain('本局 55 次'))
  expect(play.exists('#rank-move')).toBe(false)
  expect(play.text()).not.toContain('上升')
  expect(play.text()).not.toContain('排第')
  // The bests are the player's own, across groups: those are shown.
  expect(play.text()).toContain('今日最佳 55 次')
  // A's list stays A's: the submission did not put B's ranking on screen.
  expect(readRanking(ranking).map((row) => row.name)).toEqual(['Bob', 'Alice', 'Carol'])
  play.unload()
})

test('a submission that keeps failing is sent twice at most (one retry policy)', async () => {
  const play = await playRound(12)
  const before = host.cloudCalls.filter((call) => call.action === 'submitScore').length
  host.failCloudCalls(4)
  world.clock.now += 10_500
  await waitFor(() => expect(play.exists('#play-error')).toBe(true))
  host.failCloudCalls(0)
  const sent = host.cloudCalls.filter((call) => call.action === 'submitScore').length - before
  expect(sent).toBe(2)
  expect(play.text()).toContain('网络不太好')
  play.unload()
})
