// Seam: compiled weapp in miniprogram-simulate, `wx` wired to the local WeChat stand-in and
// `wx.cloud.callFunction` to the real cloud function on SQLite — cold and hot start from cards.
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

beforeAll(async () => {
  ;({
    world,
    stub,
    host,
    weapp,
    ranking: page,
  } = await phoneInGroups({
    groups: {
      Family: [
        { label: 'alice', nickname: 'Alice', score: 88 },
        { label: 'carol', nickname: 'Carol', score: 120 },
        { label: 'dave', score: 40 },
        { label: 'bob' },
      ],
      Office: [{ label: 'erin', nickname: 'Erin', score: 64 }, { label: 'bob' }],
    },
    as: 'bob',
    card: 'Family',
    sdkVersion: '3.7.8',
  }))
})

afterAll(() => world.close())

test('a cold start from a 1044 card shows that group after exactly one cloud call', async () => {
  await waitFor(() => expect(page.text()).toContain('Carol'))
  const text = page.text()
  expect(text).toMatch(/Carol.*120/)
  expect(text).toMatch(/Alice.*88/)
  // dave never set a profile: a neutral name, never an openid
  expect(text).toMatch(/群成员.*40/)
  expect(text).not.toContain(world.users.get('dave')!)
  expect(page.imageSources()).toEqual(
    expect.arrayContaining([
      'cloud://local-env.6c6f-local-env/avatars/carol.png',
      'cloud://local-env.6c6f-local-env/avatars/alice.png',
      '/assets/avatar-fallback.png',
    ]),
  )
  expect(host.cloudCalls).toEqual([{ name: 'leaderboard', action: 'enterGroup' }])
  expect(stub.callsTo('getGroupEnterInfo')).toHaveLength(1)
  expect(stub.callsTo('getShareInfo')).toHaveLength(0)
})

test('the ranking page enables sharing with a ticket on load', () => {
  expect(stub.callsTo('showShareMenu')[0].options).toMatchObject({ withShareTicket: true })
})

test('the group name is shown through open-data with the resolved opengid', () => {
  const openData = page.component.querySelector('.group-name__open-data')!
  const opengid = world.standIn.opengidOf(world.groups.get('Family')!, world.appid)
  expect(openData.data).toMatchObject({ type: 'groupName', openGid: opengid })
})

test('a hot start from another group card switches to that group', async () => {
  const launch = world.openGroupCard('Office', 'erin', 'bob')
  weapp.hideApp()
  weapp.showApp(launch)
  await waitFor(() => expect(page.text()).toContain('Erin'))
  expect(page.text()).not.toContain('Carol')
  expect(host.cloudCalls.map((call) => call.action)).toEqual(['enterGroup', 'enterGroup'])
})

test('coming back from the home screen keeps the group on screen', async () => {
  weapp.hideApp()
  weapp.showApp({ scene: 1001, path: 'pages/ranking/index', query: {} })
  await new Promise((resolve) => setTimeout(resolve, 50))
  expect(page.text()).toContain('Erin')
  expect(host.cloudCalls).toHaveLength(2)
})

test('my groups lists each group with my rank, and tapping one opens its ranking', async () => {
  await world.play('bob', 99)
  const groups = weapp.renderPage('pages/groups/index')
  await waitFor(() => expect(groups.component.querySelectorAll('.group-item')).toHaveLength(2))
  // bob: 99 ranks 2nd in Family (Carol 120) and 1st in Office (Erin 64)
  expect(groups.text()).toContain('第 2 名 · 99 分')
  expect(groups.text()).toContain('第 1 名 · 99 分')
  const family = world.standIn.opengidOf(world.groups.get('Family')!, world.appid)
  const items = groups.component.querySelectorAll('.group-item')
  const names = groups.component.querySelectorAll('.group-name__open-data')
  const familyIndex = names.findIndex((name) => name.data.openGid === family)
  items[familyIndex].dispatchEvent('tap')
  await waitFor(() => expect(page.text()).toContain('Carol'))
  expect(readRanking(page).slice(0, 2)).toEqual([
    { rank: 1, name: 'Carol', score: 120 },
    { rank: 2, name: '群成员', score: 99 },
  ])
  expect(stub.callsTo('navigateBack')).toHaveLength(1)
  groups.unload()
})
