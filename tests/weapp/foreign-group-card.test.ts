// Seam: compiled weapp in miniprogram-simulate, `wx` wired to the local WeChat stand-in and the
// real cloud function on SQLite — row 12 of issue 10: a single-chat card whose path names a group
// the member is not in lands on the share prompt, never on a nameless header.
import { bootPhone, createWorld, populateGroup, type World } from './support/group-world'
import { type RenderedPage, waitFor } from './support/weapp-harness'
import type { WechatHost } from './support/wechat-host'

let world: World
let host: WechatHost
let page: RenderedPage

beforeAll(async () => {
  world = createWorld()
  await populateGroup(world, 'Secret', [
    { label: 'alice', nickname: 'Alice', score: 50 },
    { label: 'carol', nickname: 'Carol', score: 20 },
  ])
  world.createMember('bob')
  const foreign = world.standIn.opengidOf(world.groups.get('Secret')!, world.appid)
  const launch = world.openSingleChatCard('alice', 'bob', {
    path: `pages/ranking/index?groupId=${encodeURIComponent(foreign)}`,
  })
  expect(launch).toMatchObject({ scene: 1007, query: { groupId: foreign } })
  ;({ host, ranking: page } = bootPhone(world, 'bob', launch))
})

afterAll(() => world.close())

test('row 12: a 1007 card naming a foreign group shows the share prompt with the reason', async () => {
  await waitFor(() => expect(host.cloudCalls).toHaveLength(1))
  await waitFor(() => expect(page.text()).toContain('你不在这张卡片指向的群里'))
  expect(page.text()).toContain('分享到群，看看谁是第一')
  expect(page.text()).not.toContain('的排行榜')
  expect(page.text()).not.toContain('你不在这个群的排行榜中')
  expect(page.text()).not.toContain('Alice')
  expect(page.exists('.group-name__open-data')).toBe(false)
  expect(host.cloudCalls).toEqual([{ name: 'leaderboard', action: 'getRanking' }])
})
