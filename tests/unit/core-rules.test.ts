// Seam: pure client rules in src/core (no platform, no React).
import type { RankingRow } from '../../shared/contract'
import { windowKey, windowResetNote } from '../../shared/ranking-window'
import { chooseGroupOpenDataApi, compareVersions } from '../../src/core/base-library'
import { classifyEntry } from '../../src/core/group-entry'
import { displayWidth, fitName, PODIUM_NAME_UNITS, ROW_NAME_UNITS } from '../../src/core/name-fit'
import {
  appendRows,
  describeBestBefore,
  describeMemberCount,
  describeRankMove,
  describeRoundResult,
  displayName,
  pinnedMyRow,
  splitPodium,
} from '../../src/core/ranking-view'
import { createSequencer } from '../../src/core/sequence'
import { buildSharePayload } from '../../src/core/share-payload'
import { retryOnceOnNetworkFailure, retryOnceOnWrongScene } from '../../src/platform/retry-policy'

const row = (rank: number, memberKey: string, isMe = false): RankingRow => ({
  rank,
  memberKey,
  nickname: `m${rank}`,
  avatarUrl: null,
  score: 100 - rank,
  isMe,
})

describe('base library', () => {
  test.each([
    ['2.17.3', '2.17.3', 0],
    ['2.17.10', '2.17.3', 1],
    ['2.9.9', '2.10.0', -1],
    ['3', '2.99.99', 1],
    ['2.17', '2.17.0', 0],
  ])('compareVersions(%s, %s) = %d', (a, b, expected) => {
    expect(compareVersions(a, b)).toBe(expected)
  })

  test('getGroupEnterInfo from 2.17.3, getShareInfo below', () => {
    expect(chooseGroupOpenDataApi('2.17.3')).toBe('getGroupEnterInfo')
    expect(chooseGroupOpenDataApi('3.7.8')).toBe('getGroupEnterInfo')
    expect(chooseGroupOpenDataApi('2.17.2')).toBe('getShareInfo')
    expect(chooseGroupOpenDataApi('2.10.4')).toBe('getShareInfo')
  })
})

describe('classifyEntry', () => {
  test('a ticket means a group, keyed by scene and ticket', () => {
    expect(classifyEntry({ scene: 1044, shareTicket: 'T' })).toEqual({
      kind: 'group',
      shareTicket: 'T',
      key: '1044:T',
      singleChat: false,
    })
  })

  test('a ticket opened in a single chat (Android 1044) is flagged by the launch chatType', () => {
    expect(classifyEntry({ scene: 1044, shareTicket: 'T', chatType: 1 })).toMatchObject({
      kind: 'group',
      singleChat: true,
    })
    expect(classifyEntry({ scene: 1044, shareTicket: 'T', chatType: 3 })).toMatchObject({
      singleChat: false,
    })
  })

  test('single chat, ticketless group card and other scenes carry no group', () => {
    expect(classifyEntry({ scene: 1007 })).toMatchObject({
      kind: 'no-group',
      reason: 'single-chat',
    })
    expect(classifyEntry({ scene: 1008 })).toMatchObject({
      kind: 'no-group',
      reason: 'group-without-ticket',
    })
    expect(classifyEntry({ scene: 1044, shareTicket: '' })).toMatchObject({
      reason: 'group-without-ticket',
    })
    expect(classifyEntry({ scene: 1001 })).toMatchObject({ kind: 'no-group', reason: 'elsewhere' })
  })
})

describe('ranking view', () => {
  test('appendRows drops members already shown', () => {
    const merged = appendRows([row(1, 'a'), row(2, 'b')], [row(2, 'b'), row(3, 'c')])
    expect(merged.map((r) => r.memberKey)).toEqual(['a', 'b', 'c'])
  })

  test('podium takes the top three', () => {
    const { podium, rest } = splitPodium([row(1, 'a'), row(2, 'b'), row(3, 'c'), row(4, 'd')])
    expect(podium.map((r) => r.rank)).toEqual([1, 2, 3])
    expect(rest.map((r) => r.rank)).toEqual([4])
  })

  test('my row is pinned only when it is not loaded', () => {
    const me = row(120, 'me', true)
    expect(pinnedMyRow([row(1, 'a')], me)).toBe(me)
    expect(pinnedMyRow([row(1, 'a'), me], me)).toBeNull()
    expect(pinnedMyRow([row(1, 'a')], null)).toBeNull()
  })

  test('members without a nickname get a neutral name', () => {
    expect(displayName({ nickname: null })).toBe('群成员')
    expect(displayName({ nickname: '   ' })).toBe('群成员')
    expect(displayName({ nickname: '小明' })).toBe('小明')
  })

  test('rank moves are described', () => {
    expect(describeRankMove(5, 3)).toBe('上升 2 名，你现在排第 3 名')
    expect(describeRankMove(null, 4)).toBe('你现在排第 4 名')
    expect(describeRankMove(2, 2)).toBe('仍排第 2 名')
    expect(describeRankMove(2, null)).toBeNull()
  })
})

describe('share payload', () => {
  test('carries no rank, only the best that is true in every group, and no group id', () => {
    expect(buildSharePayload({ myBest: 76, period: 'all' })).toEqual({
      title: '我的最好成绩 76 次，来挑战！',
      path: '/pages/ranking/index?from=share',
    })
    expect(buildSharePayload({ myBest: 55, period: 'week' }).title).toBe(
      '我本周最好成绩 55 次，来挑战！',
    )
    expect(buildSharePayload({ myBest: null, period: 'all' }).title).toBe(
      '群排行榜：10 秒点击挑战，来比一比！',
    )
    for (const period of ['today', 'week', 'all'] as const) {
      expect(buildSharePayload({ myBest: 9, period }).title).not.toMatch(/第 ?\d+ ?名/)
    }
  })
})

describe('count line and round texts', () => {
  const rows = (n: number, unplayed = 0): RankingRow[] => [
    ...Array.from({ length: n }, (_, i) => row(i + 1, `k${i}`)),
    ...Array.from({ length: unplayed }, (_, i) => ({ ...row(n + 1, `u${i}`), played: false })),
  ]

  test('counts every member, scored or not, whatever is loaded', () => {
    expect(
      describeMemberCount({ memberCount: 30, scoredCount: 27, rows: rows(20), nextCursor: 'c' }),
    ).toEqual({ text: '27 人上榜 · 3 人还没有成绩', unscored: 3 })
    expect(
      describeMemberCount({ memberCount: 3, scoredCount: 3, rows: rows(3), nextCursor: null }),
    ).toEqual({ text: '3 人上榜', unscored: 0 })
    expect(
      describeMemberCount({ memberCount: 2, scoredCount: 0, rows: [], nextCursor: null })?.text,
    ).toBe('还没有人上榜 · 2 人还没有成绩')
    // A board saved before scoredCount existed: complete lists are counted, DingTalk's idle rows apart.
    expect(describeMemberCount({ memberCount: 12, rows: rows(5, 7), nextCursor: null })?.text).toBe(
      '5 人上榜 · 7 人还没有成绩',
    )
    expect(describeMemberCount({ memberCount: 60, rows: rows(50), nextCursor: 'c' })).toBeNull()
  })

  test('say whether the best changed and that the ranking counts the best', () => {
    const said = (result: { headline: string; detail: string }) =>
      `${result.headline}，${result.detail}`
    const result = (score: number, bestBefore: number | null, bestAfter: number) =>
      said(describeRoundResult({ score, period: 'all', bestBefore, bestAfter }))
    expect(result(55, 76, 76)).toBe('本局 55 次，最好成绩仍是 76 次，排行榜按最好成绩排名')
    expect(result(80, 76, 80)).toBe('本局 80 次，刷新最好成绩（原来 76 次），排行榜已更新')
    expect(result(76, 76, 76)).toBe('本局 76 次，追平最好成绩，排行榜按最好成绩排名')
    expect(result(30, null, 30)).toBe('本局 30 次，这是你的第一个最好成绩，已记入排行榜')
    expect(
      said(describeRoundResult({ score: 5, period: 'today', bestBefore: 9, bestAfter: 9 })),
    ).toBe('本局 5 次，今日最好成绩仍是 9 次，排行榜按最好成绩排名')
    expect(describeBestBefore('all', 76)).toBe('我的最好成绩 76 次')
    expect(describeBestBefore('week', null)).toBe('还没有本周最好成绩，打完这一局就上榜')
  })
})

describe('names by display width', () => {
  test('CJK and emoji count double, emoji sequences stay whole', () => {
    expect(displayWidth('abc')).toBe(3)
    expect(displayWidth('小林')).toBe(4)
    expect(displayWidth('小林🐱')).toBe(6)
    expect(displayWidth('👨‍👩‍👧')).toBe(2)
    expect(displayWidth('👍🏽')).toBe(2)
  })

  test('a name that fits stays whole; a longer one is cut at a character with an ellipsis', () => {
    expect(fitName('八个字的中文昵称', PODIUM_NAME_UNITS)).toBe('八个字的中文昵称')
    expect(fitName('小林🐱', PODIUM_NAME_UNITS)).toBe('小林🐱')
    const long = '这是一个非常非常长的二十个字中文昵称啊'
    const fitted = fitName(long, 12)
    expect(fitted).toBe('这是一个非…')
    expect(displayWidth(fitted)).toBeLessThanOrEqual(12)
    expect(fitName('ab👨‍👩‍👧cd', 5)).toBe('ab…')
    expect(fitName('abcdefghijklmnopqrstuvwxyz0123', ROW_NAME_UNITS)).toHaveLength(25)
  })
})

describe('ranking windows (Asia/Shanghai)', () => {
  const shanghai = (iso: string) => Date.parse(`${iso}+08:00`)

  test('the day turns at midnight in Shanghai, not UTC', () => {
    expect(windowKey('today', shanghai('2026-11-18T23:59:59'))).toBe('d:2026-11-18')
    expect(windowKey('today', shanghai('2026-11-19T00:00:00'))).toBe('d:2026-11-19')
    expect(windowKey('today', Date.UTC(2026, 10, 18, 16, 0, 0))).toBe('d:2026-11-19')
  })

  test('weeks start on Monday; the all-time board never ends', () => {
    // 2026-11-22 is a Sunday, 2026-11-23 a Monday.
    expect(windowKey('week', shanghai('2026-11-22T23:59:59'))).toBe('w:2026-11-16')
    expect(windowKey('week', shanghai('2026-11-23T00:00:00'))).toBe('w:2026-11-23')
    expect(windowKey('all', 0)).toBe(windowKey('all', shanghai('2030-01-01T00:00:00')))
  })

  test('a reset note names the window that started', () => {
    expect(windowResetNote('today')).toBe('新的一天，今日榜已重置')
    expect(windowResetNote('week')).toBe('新的一周，本周榜已重置')
    expect(windowResetNote('all')).toBeNull()
  })
})

describe('sequence tickets', () => {
  test('a later action of the same slot makes the earlier answer stale, whatever it carries', () => {
    const sequence = createSequencer<'entry'>()
    const first = sequence.begin('entry')
    const second = sequence.begin('entry')
    expect(sequence.isCurrent(first)).toBe(false)
    expect(sequence.isCurrent(second)).toBe(true)
  })

  test('resetting a list discards its pages in flight, a page leaves the list alone', () => {
    const sequence = createSequencer<'list' | 'page'>({ page: 'list' })
    const list = sequence.begin('list')
    const page = sequence.begin('page')
    expect(sequence.isCurrent(list)).toBe(true)
    expect(sequence.isCurrent(page)).toBe(true)
    sequence.begin('list')
    expect(sequence.isCurrent(page)).toBe(false)
  })
})

describe('the one retry policy (platform edge)', () => {
  test('40097 is asked again once; a transport failure of the group API is not', async () => {
    const answers = [
      { ok: false as const, errCode: 40097, errMsg: 'scene error' },
      { ok: true as const, cloudID: 'c', encryptedData: null, iv: null, code: null },
    ]
    let reads = 0
    const read = async () => answers[reads++]
    await expect(retryOnceOnWrongScene(read)).resolves.toMatchObject({ ok: true })
    expect(reads).toBe(2)

    let failures = 0
    const timeout = async () => {
      failures += 1
      return { ok: false as const, errCode: -1, errMsg: 'timeout' }
    }
    await expect(retryOnceOnWrongScene(timeout)).resolves.toMatchObject({ errCode: -1 })
    expect(failures).toBe(1)
  })

  test('a cloud call is sent at most twice, and only again after a transport failure', async () => {
    let sends = 0
    const lost = async () => {
      sends += 1
      return { ok: false as const, error: { code: 'NETWORK' as const, message: 'lost' } }
    }
    await retryOnceOnNetworkFailure(lost)
    expect(sends).toBe(2)

    sends = 0
    const refused = async () => {
      sends += 1
      return { ok: false as const, error: { code: 'CLOUD_ID_EXPIRED' as const, message: 'old' } }
    }
    await retryOnceOnNetworkFailure(refused)
    expect(sends).toBe(1)
  })
})
