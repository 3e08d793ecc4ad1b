// Seam: the compiled weapp's ranking page (dist/weapp) in miniprogram-simulate, with a scripted
// cloud function answering in the contract's envelope — what the page renders from the store.
import type { Period, RankingPage, RankingRow } from '../../shared/contract'
import { openRankingFromTicketCard, scriptCloud } from './support/scripted-cloud'
import { type RenderedPage, waitFor } from './support/weapp-harness'
import { createWxStub } from './support/wx-stub'

const row = (rank: number, key: string, nickname: string | null, score: number): RankingRow => ({
  rank,
  memberKey: key,
  nickname,
  avatarUrl: nickname ? `https://avatars.test/${key}.png` : null,
  score,
  isMe: key === 'me',
})

const rankings: Record<Period, RankingRow[]> = {
  all: [
    row(1, 'a', '阿花', 142),
    row(2, 'b', 'Bob', 97),
    row(3, 'me', '我', 60),
    row(4, 'd', null, 12),
  ],
  week: [row(1, 'b', 'Bob', 55)],
  today: [],
}

const pageFor = (period: Period): RankingPage => ({
  groupId: 'G-weapp',
  period,
  rows: rankings[period],
  me: rankings[period].find((r) => r.isMe) ?? null,
  memberCount: 4,
  scoredCount: rankings[period].length,
  nextCursor: null,
})

const stub = createWxStub()
const cloudCalls = scriptCloud(stub, (data) => {
  const period = (data.period as Period | undefined) ?? 'all'
  const ranking = pageFor(period)
  const result =
    data.action === 'enterGroup'
      ? { ok: true, data: { ranking, profile: { nickname: '我', avatarUrl: null }, joined: false } }
      : { ok: true, data: ranking }
  return result
})

let page: RenderedPage

beforeAll(async () => {
  page = openRankingFromTicketCard(stub)
  await waitFor(() => expect(page.text()).toContain('阿花'))
})

test('renders every row of the ranking with nickname, score and avatar', () => {
  const text = page.text()
  for (const expected of ['阿花', '142', 'Bob', '97', '我', '60', '群成员', '12']) {
    expect(text).toContain(expected)
  }
  expect(page.imageSources()).toEqual(
    expect.arrayContaining([
      'https://avatars.test/a.png',
      'https://avatars.test/b.png',
      'https://avatars.test/me.png',
      '/assets/avatar-fallback.png',
    ]),
  )
  expect(page.component.querySelector('.group-name__open-data')?.data).toMatchObject({
    type: 'groupName',
    openGid: 'G-weapp',
  })
})

test('the group card passed its CloudID as a top-level field of enterGroup', () => {
  expect(cloudCalls[0]).toMatchObject({
    action: 'enterGroup',
    groupInfo: { cloudID: 'cloud-id-1' },
  })
  expect(cloudCalls).toHaveLength(1)
})

test('tapping a period tab renders that period', async () => {
  page.tap('#period-week')
  await waitFor(() => expect(page.text()).not.toContain('阿花'))
  expect(page.text()).toContain('Bob')
  expect(page.text()).toContain('55')
  expect(cloudCalls.at(-1)).toMatchObject({
    action: 'getRanking',
    groupId: 'G-weapp',
    period: 'week',
  })

  page.tap('#period-today')
  await waitFor(() => expect(page.text()).toContain('还没有人上榜'))
  expect(page.text()).not.toContain('Bob')
})
