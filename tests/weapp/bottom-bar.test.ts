// Seam: compiled weapp in miniprogram-simulate on the real cloud function — the ranking page's
// bottom bar, its count line and names cut by display width, as rank 22 of 27 in a 30-member group.
import { type MemberSpec, phoneInGroups, type World } from './support/group-world'
import { readBottomBar, readRanking } from './support/ranking-reader'
import { type RenderedPage, waitFor } from './support/weapp-harness'
import type { WxStub } from './support/wx-stub'

const LONG_NAME = '这是一个二十个字的很长很长很长的群昵称啊'

let world: World
let ranking: RenderedPage
let stub: WxStub

beforeAll(async () => {
  const members: MemberSpec[] = Array.from({ length: 30 }, (_, i) => ({
    label: `m${i + 1}`,
    nickname: i === 0 ? '八个字的中文昵称' : i === 4 ? LONG_NAME : `成员${i + 1}`,
    // m1…m27 have a score (m1 highest), m28…m30 opened the card but never played.
    score: i < 27 ? 140 - i * 5 : undefined,
  }))
  ;({ world, stub, ranking } = await phoneInGroups({
    groups: { Runners: members },
    as: 'm22',
    card: 'Runners',
  }))
  await waitFor(() => expect(readRanking(ranking)).toHaveLength(27))
})

afterAll(() => world.close())

test('the bottom bar holds my row (rank 22) and the two actions', () => {
  const bar = readBottomBar(ranking)
  expect(bar.me).toEqual({ rank: 22, name: '成员22', score: 35 })
  expect(bar.actions).toEqual(['开始挑战', '分享到群'])
  expect(ranking.component.querySelector('#share')!.data).toMatchObject({ openType: 'share' })
})

test('tapping my row in the bar scrolls the list to my own row', async () => {
  ranking.tap('#my-row')
  await waitFor(() => expect(stub.callsTo('pageScrollTo')).toHaveLength(1))
  expect(stub.callsTo('pageScrollTo')[0]!.options).toMatchObject({ selector: '#my-rank-row' })
  expect(ranking.exists('#my-rank-row')).toBe(true)
})

test('the count line counts every member, and those without a score get a share nudge', () => {
  expect(ranking.textOf('#count-line')).toBe('27 人上榜 · 3 人还没有成绩')
  expect(ranking.textOf('#invite')).toBe('叫上他们')
  expect(ranking.component.querySelector('#invite')!.data).toMatchObject({ openType: 'share' })
  expect(ranking.text()).not.toContain('位群成员')
})

test('names: 8 CJK characters whole on the podium, a 20-character one cut with an ellipsis', () => {
  const shown = readRanking(ranking)
  expect(shown[0]).toEqual({ rank: 1, name: '八个字的中文昵称', score: 140 })
  expect(shown[4]!.name).toMatch(/^这是一个二十个字.*…$/)
  expect(shown[4]!.name.length).toBeLessThan(LONG_NAME.length)
})
