// Seam: compiled weapp in miniprogram-simulate, `wx` wired to the local WeChat stand-in and the
// real cloud function on SQLite — playing a round, the share payload, and the profile form.
import { phoneInGroups, type World } from './support/group-world'
import { readRanking } from './support/ranking-reader'
import { type RenderedPage, waitFor, type WeappApp } from './support/weapp-harness'
import type { WechatHost } from './support/wechat-host'
import type { WxStub } from './support/wx-stub'

let world: World
let host: WechatHost
let weapp: WeappApp
let ranking: RenderedPage
let profile: RenderedPage
let stub: WxStub

beforeAll(async () => {
  ;({ world, stub, host, weapp, ranking } = await phoneInGroups({
    groups: {
      Friends: [
        { label: 'alice', nickname: 'Alice', score: 30 },
        { label: 'carol', nickname: 'Carol', score: 20 },
        { label: 'dave', nickname: 'Dave', score: 10 },
        { label: 'bob', nickname: 'Bob', score: 5 },
      ],
    },
    as: 'bob',
    card: 'Friends',
  }))
  await waitFor(() => expect(ranking.text()).toMatch(/Bob.*5/))
})

afterAll(() => {
  jest.restoreAllMocks()
  world.close()
})

function shareTitle(): string {
  const payload = ranking.call('onShareAppMessage', { from: 'menu' }) as {
    title: string
    path: string
  }
  expect(payload.path).toBe('/pages/ranking/index?from=share')
  return payload.title
}

test('the share payload carries the player best, never a rank (it may land in another group)', () => {
  expect(shareTitle()).toBe('我的最好成绩 5 次，来挑战！')
})

test('playing a round moves the player up in the ranking shown', async () => {
  const play = weapp.renderPage('pages/play/index')
  await waitFor(() => expect(play.text()).toContain('开始'))
  // Before the round: the rules, that only the best counts, and my best.
  expect(play.textOf('#rules')).toContain('10 秒内尽量多点圆圈')
  expect(play.textOf('#rules')).toContain('排行榜只按你的最好成绩排名')
  expect(play.textOf('#best-before')).toBe('我的最好成绩 5 次')
  play.tap('#start')
  await waitFor(() => expect(play.text()).toContain('尽可能快地点击圆圈'))
  // Taps paced like a person (one every 150 ms on the phone's clock): the page sends their
  // timeline and the server checks it.
  const phoneNow = Date.now.bind(Date)
  let paced = 0
  const pacing = jest.spyOn(Date, 'now').mockImplementation(() => phoneNow() + paced)
  for (let tap = 1; tap <= 25; tap += 1) {
    paced += 150
    play.tap('#tap-target')
    await waitFor(() => expect(play.textOf('#taps')).toBe(String(tap)))
  }
  pacing.mockRestore()
  await waitFor(() => expect(play.textOf('#taps')).toBe('25'))

  // Ten seconds pass on the phone and on the server, without waiting for them.
  const realNow = Date.now.bind(Date)
  const offset = 10_500
  jest.spyOn(Date, 'now').mockImplementation(() => realNow() + offset)
  world.clock.now += offset

  await waitFor(() => expect(play.text()).toContain('你现在排第 2 名'), 5000)
  expect(play.text()).toContain('本局 25 次')
  expect(play.textOf('#round-verdict')).toBe('刷新最好成绩（原来 5 次），排行榜已更新')
  expect(play.text()).toContain('上升 2 名')
  await waitFor(() =>
    expect(readRanking(ranking)).toEqual([
      { rank: 1, name: 'Alice', score: 30 },
      { rank: 2, name: 'Bob', score: 25 },
      { rank: 3, name: 'Carol', score: 20 },
      { rank: 4, name: 'Dave', score: 10 },
    ]),
  )
  expect(host.cloudCalls.map((call) => call.action)).toEqual([
    'enterGroup',
    'startRound',
    'submitScore',
    'getRanking',
  ])
  expect(shareTitle()).toBe('我的最好成绩 25 次，来挑战！')

  // A second round below the best: the page says the best stands and what the ranking counts.
  play.tap('#start')
  await waitFor(() => expect(play.exists('#tap-target')).toBe(true))
  // Paced too: taps within the same millisecond are one touch to the page's timeline.
  const roundClock = Date.now()
  let pacedAgain = 0
  jest.spyOn(Date, 'now').mockImplementation(() => roundClock + pacedAgain)
  for (let tap = 1; tap <= 12; tap += 1) {
    pacedAgain += 150
    play.tap('#tap-target')
    await waitFor(() => expect(play.textOf('#taps')).toBe(String(tap)))
  }
  await waitFor(() => expect(play.textOf('#taps')).toBe('12'))
  world.clock.now += 60_000
  const later = Date.now() + 60_000
  jest.spyOn(Date, 'now').mockImplementation(() => later)
  await waitFor(() => expect(play.exists('#round-result')).toBe(true), 5000)
  expect(play.textOf('#round-result')).toContain('本局 12 次')
  expect(play.textOf('#round-verdict')).toBe('最好成绩仍是 25 次，排行榜按最好成绩排名')
  expect(play.textOf('#rank-move')).toBe('仍排第 2 名')
  expect(play.text()).not.toContain('你现在排第')
  play.unload()
})

test('the profile form updates the name and avatar shown in the ranking', async () => {
  profile = weapp.renderPage('pages/profile/index')
  await waitFor(() => expect(profile.text()).toContain('点击头像从微信选择'))
  profile.dispatch('#choose-avatar', 'chooseavatar', { avatarUrl: 'http://tmp/wx-avatar-bob.jpeg' })
  profile.dispatch('#profile-form', 'submit', { value: { nickname: '  Bobby  ' } })

  await waitFor(() => expect(profile.text()).toContain('已保存'))
  const [fileId] = [...host.uploadedFiles.keys()]
  expect(fileId).toMatch(/^cloud:\/\/.+\.jpeg$/)
  expect(host.uploadedFiles.get(fileId)).toBe('http://tmp/wx-avatar-bob.jpeg')
  await waitFor(() =>
    expect(readRanking(ranking)[1]).toEqual({ rank: 2, name: 'Bobby', score: 25 }),
  )
  expect(ranking.imageSources()).toContain(fileId)
})

test('the privacy popup answers the base library with the agree button', async () => {
  const listeners = stub.callsTo('onNeedPrivacyAuthorization')
  const listener = listeners.at(-1)!.options.args as [(resolve: (answer: unknown) => void) => void]
  const answers: unknown[] = []
  listener[0]((answer) => answers.push(answer))
  await waitFor(() => expect(profile.exists('#privacy-popup')).toBe(true))
  expect(profile.text()).toContain('《隐私保护指引》')

  profile.tap('#privacy-contract')
  await waitFor(() => expect(stub.callsTo('openPrivacyContract')).toHaveLength(1))
  profile.dispatch('#privacy-agree', 'agreeprivacyauthorization', {})
  await waitFor(() => expect(profile.exists('#privacy-popup')).toBe(false))
  expect(answers).toEqual([
    { event: 'exposureAuthorization' },
    { event: 'agree', buttonId: 'privacy-agree' },
  ])
})
