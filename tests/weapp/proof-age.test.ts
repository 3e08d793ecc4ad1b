// Seam: compiled weapp in miniprogram-simulate with the real cloud function on SQLite and the
// phone's clock following the world's — row 1 of issue 13: a membership proven more than 30
// days ago asks for the group's card again, on the ranking and in "my groups".
import { phoneClockFollowsWorld, phoneInGroups, type World } from './support/group-world'
import { readRanking } from './support/ranking-reader'
import { type RenderedPage, waitFor, type WeappApp } from './support/weapp-harness'

const DAY = 24 * 60 * 60 * 1000

let world: World
let weapp: WeappApp
let ranking: RenderedPage

beforeAll(async () => {
  ;({ world, weapp, ranking } = await phoneInGroups({
    groups: {
      Alpha: [
        { label: 'alice', nickname: 'Alice', score: 30 },
        { label: 'bob', nickname: 'Bob', score: 5 },
      ],
    },
    as: 'bob',
    card: 'Alpha',
  }))
  await waitFor(() => expect(readRanking(ranking).map((row) => row.name)).toEqual(['Alice', 'Bob']))
  phoneClockFollowsWorld(world)
})

afterAll(() => {
  jest.restoreAllMocks()
  world.close()
})

test('31 days after the last card tap the ranking asks for the card, and my groups says so', async () => {
  world.clock.now += 31 * DAY
  ranking.call('onPullDownRefresh')

  await waitFor(() => expect(ranking.text()).toContain('请回到群聊重新点开卡片'))
  expect(readRanking(ranking)).toEqual([])

  const groups = weapp.renderPage('pages/groups/index')
  await waitFor(() => expect(groups.text()).toContain('很久没有从群里打开了'))
  groups.unload()
})
