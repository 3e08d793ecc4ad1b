// Seam: the compiled weapp's ranking page (dist/weapp) in miniprogram-simulate: subscribe-message consent from taps.
import type { RankingPage } from '../../shared/contract'
import { openRankingFromTicketCard, scriptCloud } from './support/scripted-cloud'
import { type RenderedPage, waitFor } from './support/weapp-harness'
import { createWxStub } from './support/wx-stub'

const TEMPLATES = { overtaken: 'tmpl-overtaken-0001', weekly: 'tmpl-weekly-0001' }
const ranking: RankingPage = {
  groupId: 'G-notice',
  period: 'all',
  rows: [{ rank: 1, memberKey: 'me', nickname: '我', avatarUrl: null, score: 60, isMe: true }],
  me: { rank: 1, memberKey: 'me', nickname: '我', avatarUrl: null, score: 60, isMe: true },
  memberCount: 1,
  scoredCount: 1,
  nextCursor: null,
}

const stub = createWxStub()
let setting = { mainSwitch: true, itemSettings: {} as Record<string, string> }
let subscribeAnswer: (ids: string[]) => unknown = (ids) =>
  Object.fromEntries(ids.map((id) => [id, 'accept']))
stub.implement('getSetting', () => ({ authSetting: {}, subscriptionsSetting: setting }))
stub.implement('openSetting', () => {
  setting = { mainSwitch: true, itemSettings: { [TEMPLATES.overtaken]: 'accept' } }
  return { authSetting: {}, subscriptionsSetting: setting }
})
stub.implement('requestSubscribeMessage', (options) => subscribeAnswer(options.tmplIds as string[]))
const cloudCalls = scriptCloud(stub, (data) => {
  const accepted = Object.values((data.results ?? {}) as Record<string, string>).filter(
    (r) => r === 'accept',
  ).length
  const result =
    data.action === 'enterGroup'
      ? {
          ok: true,
          data: {
            ranking,
            profile: { nickname: '我', avatarUrl: null },
            joined: false,
            notices: TEMPLATES,
          },
        }
      : data.action === 'subscribe'
        ? { ok: true, data: { credits: { overtaken: accepted, weekly: 0 } } }
        : data.action === 'getLastWeek'
          ? {
              ok: true,
              data: {
                groupId: data.groupId,
                weekStart: '2024-05-13',
                podium: [
                  {
                    rank: 1,
                    memberKey: 'b',
                    nickname: '小明',
                    avatarUrl: null,
                    score: 88,
                    isMe: false,
                  },
                  {
                    rank: 2,
                    memberKey: 'me',
                    nickname: '我',
                    avatarUrl: null,
                    score: 60,
                    isMe: true,
                  },
                ],
                me: {
                  rank: 2,
                  memberKey: 'me',
                  nickname: '我',
                  avatarUrl: null,
                  score: 60,
                  isMe: true,
                },
                scorers: 2,
              },
            }
          : { ok: true, data: ranking }
  return result
})

let page: RenderedPage
const requests = () => stub.callsTo('requestSubscribeMessage')
const status = () => page.textOf('#notify-overtaken-status')

beforeAll(async () => {
  page = openRankingFromTicketCard(stub)
  await waitFor(() => expect(page.exists('#notify-overtaken')).toBe(true))
})

test('offers both messages and asks nothing until a tap', () => {
  expect(page.text()).toContain('有人超过我时提醒我')
  expect(page.text()).toContain('每周战报')
  expect(requests()).toHaveLength(0)
})

test('a tap asks for the configured template and records the acceptance', async () => {
  page.tap('#notify-overtaken')

  await waitFor(() => expect(requests()).toHaveLength(1))
  expect(requests()[0]!.options.tmplIds).toEqual([TEMPLATES.overtaken])
  await waitFor(() => expect(status()).toBe('已订阅一次提醒'))
  expect(cloudCalls.at(-1)).toEqual({
    action: 'subscribe',
    results: { [TEMPLATES.overtaken]: 'accept' },
  })
})

test('reject and ban each show their state and record nothing', async () => {
  const before = cloudCalls.length
  subscribeAnswer = (ids) => ({ [ids[0]!]: 'reject', errMsg: 'requestSubscribeMessage:ok' })
  page.tap('#notify-overtaken')
  await waitFor(() => expect(status()).toBe('未订阅'))

  subscribeAnswer = (ids) => ({ [ids[0]!]: 'ban', errMsg: 'requestSubscribeMessage:ok' })
  page.tap('#notify-weekly')
  await waitFor(() => expect(page.textOf('#notify-weekly-status')).toBe('暂不可用'))
  expect(requests().at(-1)!.options.tmplIds).toEqual([TEMPLATES.weekly])
  expect(cloudCalls.filter((c) => c.action === 'subscribe')).toHaveLength(
    cloudCalls.slice(0, before).filter((c) => c.action === 'subscribe').length,
  )
})

test('"always reject" sends the member to the settings, which turn it back on', async () => {
  subscribeAnswer = (ids) => ({ [ids[0]!]: 'reject', errMsg: 'requestSubscribeMessage:ok' })
  setting = { mainSwitch: true, itemSettings: { [TEMPLATES.overtaken]: 'reject' } }
  page.tap('#notify-overtaken')
  await waitFor(() => expect(status()).toBe('消息提醒已关闭'))
  expect(page.exists('#notify-open-settings')).toBe(true)

  page.tap('#notify-open-settings')
  await waitFor(() => expect(status()).toBe('已订阅'))
  expect(stub.callsTo('openSetting')[0]!.options.withSubscriptions).toBe(true)
  expect(page.exists('#notify-open-settings')).toBe(false)
})

test('with every subscribe message switched off (20004) only the settings are offered', async () => {
  stub.implement('requestSubscribeMessage', () => {
    throw { errCode: 20004, errMsg: 'requestSubscribeMessage:fail main switch is off' }
  })
  page.tap('#notify-weekly')
  await waitFor(() => expect(page.textOf('#notify-weekly-status')).toBe('消息提醒已关闭'))
  expect(page.exists('#notify-open-settings')).toBe(true)
})

test('"上周" shows last week\'s podium and my rank then', async () => {
  page.tap('#last-week-toggle')
  await waitFor(() => expect(page.exists('#last-week')).toBe(true))
  expect(cloudCalls.at(-1)).toEqual({ action: 'getLastWeek', groupId: 'G-notice' })
  expect(page.textOf('#last-week')).toContain('第 1 名 小明 88')
  expect(page.textOf('#last-week-me')).toBe('我上周排第 2 名（60 分）')

  page.tap('#last-week-toggle')
  await waitFor(() => expect(page.exists('#last-week')).toBe(false))
})
