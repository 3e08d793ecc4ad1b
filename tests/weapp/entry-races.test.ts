// Seam: compiled weapp in miniprogram-simulate, `wx` wired to the local WeChat stand-in and the
// real cloud function on SQLite, with enterGroup answers held and released by the test — rows 1
// and 2 of issue 10 (a later card tap wins, whatever order the answers arrive in).
import { phoneInGroups, type World } from './support/group-world'
import { readRanking } from './support/ranking-reader'
import { type RenderedPage, waitFor, type WeappApp } from './support/weapp-harness'
import type { WechatHost } from './support/wechat-host'
import type { WxStub } from './support/wx-stub'

let world: World
let host: WechatHost
let weapp: WeappApp
let page: RenderedPage
let stub: WxStub
let heldColdA: ReturnType<WxStub['gate']['hold']>

const names = () => readRanking(page).map((row) => row.name)

function hotStart(group: string): void {
  weapp.hideApp()
  weapp.showApp(world.openGroupCard(group, group === 'Alpha' ? 'alice' : 'erin', 'bob'))
}

beforeAll(async () => {
  ;({
    world,
    stub,
    host,
    weapp,
    ranking: page,
  } = await phoneInGroups({
    groups: {
      Alpha: [
        { label: 'alice', nickname: 'Alice', score: 30 },
        { label: 'bob', nickname: 'Bob', score: 5 },
      ],
      Beta: [
        { label: 'erin', nickname: 'Erin', score: 60 },
        { label: 'bob', nickname: 'Bob' },
      ],
    },
    as: 'bob',
    card: 'Alpha',
    // Cold start on A's card, whose enterGroup answer the test keeps back.
    prepare: ({ stub: phone }) => {
      heldColdA = phone.gate.hold('enterGroup')
    },
  }))
})

afterAll(() => world.close())

test('row 1 (cold start): A tapped, then B; A answering last still shows B', async () => {
  await heldColdA.arrived
  hotStart('Beta')
  await waitFor(() => expect(names()).toEqual(['Erin', 'Bob']))
  await heldColdA.release()
  expect(names()).toEqual(['Erin', 'Bob'])
  expect(page.text()).not.toContain('Alice')
  expect(host.cloudCalls.map((call) => call.action)).toEqual(['enterGroup', 'enterGroup'])
})

test('row 1 (hot start): A tapped, back to the chat, B tapped; A answering last still shows B', async () => {
  const heldA = stub.gate.hold('enterGroup')
  hotStart('Alpha')
  await heldA.arrived
  hotStart('Beta')
  await waitFor(() => expect(page.text()).toContain('Erin'))
  await heldA.release()
  expect(names()).toEqual(['Erin', 'Bob'])
  expect(page.text()).not.toContain('Alice')
})

test('row 2: A → B → A with B answering last shows A', async () => {
  // A on screen, its answer fully delivered before the race starts.
  const heldFirstA = stub.gate.hold('enterGroup')
  hotStart('Alpha')
  await heldFirstA.arrived
  await heldFirstA.release()
  await waitFor(() => expect(names()).toEqual(['Alice', 'Bob']))
  const heldB = stub.gate.hold('enterGroup')
  const heldSecondA = stub.gate.hold('enterGroup')
  hotStart('Beta')
  await heldB.arrived
  hotStart('Alpha')
  await heldSecondA.arrived
  // A answers first, B last: the order is the test's, not the database's.
  await heldSecondA.release()
  await waitFor(() => expect(names()).toEqual(['Alice', 'Bob']))
  await heldB.release()
  expect(names()).toEqual(['Alice', 'Bob'])
  expect(page.text()).not.toContain('Erin')
  const alpha = world.standIn.opengidOf(world.groups.get('Alpha')!, world.appid)
  expect(page.component.querySelector('.group-name__open-data')?.data).toMatchObject({
    openGid: alpha,
  })
})
