// Seam: compiled weapp in miniprogram-simulate, `wx` wired to the local WeChat stand-in and the
// real cloud function on SQLite — row 11 of issue 10: a ticket card forwarded into a single chat
// opens as scene 1044 on Android and lands on the share prompt (src/core/group-entry.ts).
import { bootPhone, createWorld, populateGroup, type World } from './support/group-world'
import { type RenderedPage, waitFor, type WeappApp } from './support/weapp-harness'
import type { WechatHost } from './support/wechat-host'
import type { WxStub } from './support/wx-stub'

let world: World
let host: WechatHost
let weapp: WeappApp
let page: RenderedPage
let stub: WxStub

beforeAll(async () => {
  world = createWorld()
  await populateGroup(world, 'Team', [
    { label: 'alice', nickname: 'Alice', score: 50 },
    { label: 'bob', nickname: 'Bob' },
  ])
  const launch = world.openSingleChatCard('alice', 'bob', { os: 'android' })
  expect(launch).toMatchObject({ scene: 1044, chatType: 1 })
  expect(launch.shareTicket).toBeTruthy()
  ;({ stub, host, weapp, ranking: page } = bootPhone(world, 'bob', launch))
})

afterAll(() => world.close())

function expectSharePrompt(): void {
  expect(page.text()).toContain('分享到群，看看谁是第一')
  expect(page.text()).not.toContain('请回到群聊重新点开卡片')
  expect(page.text()).not.toContain('的排行榜')
  expect(page.exists('#retry')).toBe(false)
  expect(page.component.querySelector('#share-to-group')!.data).toMatchObject({
    openType: 'share',
  })
}

test('row 11: Android 1044 from a single chat shows the share prompt (base library 3.7.8)', async () => {
  await waitFor(() => expect(page.text()).toContain('分享到群，看看谁是第一'))
  expectSharePrompt()
  expect(page.text()).toContain('这张卡片不是从群聊打开的')
  // allowSingleChat lets the server read the single chat and say NOT_A_GROUP: one cloud call.
  expect(stub.callsTo('getGroupEnterInfo')[0].options).toMatchObject({ allowSingleChat: true })
  expect(host.cloudCalls).toEqual([{ name: 'leaderboard', action: 'enterGroup' }])
})

test('row 11: the same card from a group first, then Android 1044 again, lands on the prompt', async () => {
  weapp.hideApp()
  weapp.showApp(world.openGroupCard('Team', 'alice', 'bob'))
  await waitFor(() => expect(page.text()).toMatch(/Alice.*50/))
  weapp.hideApp()
  weapp.showApp(world.openSingleChatCard('alice', 'bob', { os: 'android' }))
  await waitFor(() => expect(page.text()).toContain('分享到群，看看谁是第一'))
  expectSharePrompt()
  expect(page.text()).not.toContain('Alice')
})
