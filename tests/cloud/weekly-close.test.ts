// Seam: the scheduler's real entry on a timer event: the weekly close (history, weekly notices) and pruning.
import { createCloudbaseStore } from '../../cloudfunctions/adapters/cloudbase-store'
import type { SubscribeMessage } from '../../cloudfunctions/core/deliver-notices'
import { weekKey } from '../../cloudfunctions/core/periods'
import type { LeaderboardStore } from '../../cloudfunctions/core/store'
import { createSchedulerMain, type SchedulerDeps } from '../../cloudfunctions/scheduler/create-main'
import { ROUND_DURATION_MS } from '../../shared/contract'
import { evenTapTimeline } from '../../shared/tap-timeline'
import { createCloudDbStandin } from './support/cloud-db-standin'
import { createRouterHarness, type RouterHarness, T0 } from './support/router-harness'

const TEMPLATES = { overtaken: 'tmpl-overtaken-0001', weekly: 'tmpl-weekly-0001' }
const TIMER = { Type: 'Timer', TriggerName: 'everyMinute', Time: '' }
const MINUTE = 60_000
/** T0 is Wednesday 2024-05-15 12:00 Shanghai; the week ends Sunday 24:00, i.e. Monday 00:00. */
const MONDAY = Date.parse('2024-05-20T00:00:00+08:00')
const WEEK = weekKey(T0)

function setup(adapter: string, options: Partial<SchedulerDeps> = {}) {
  const h: RouterHarness = createRouterHarness()
  h.deps.noticeTemplates = TEMPLATES
  const store: LeaderboardStore =
    adapter === 'SQLite' ? h.store : createCloudbaseStore(createCloudDbStandin().db)
  h.deps.store = store
  const sent: SubscribeMessage[] = []
  const deps: SchedulerDeps = {
    store,
    messages: {
      send: async (message) => {
        sent.push(message)
        return { errCode: 0, errMsg: 'ok' }
      },
    },
    clock: { now: () => h.now() },
    logger: { error: () => undefined },
    templates: TEMPLATES,
    miniprogramState: 'formal',
    ...options,
  }
  const main = createSchedulerMain(deps)
  const run = async () => {
    const answer = await main(TIMER)
    if (!answer.ok) throw new Error(answer.error.message)
    return answer.data
  }
  return { h, store, sent, deps, run }
}

describe.each(['SQLite', 'CloudBase'])('weekly close on %s', (adapter) => {
  it('records the podium at Monday 00:05 and queues one weekly message per subscribed member, once', async () => {
    const { h, store, sent, run } = setup(adapter)
    for (const who of ['alice', 'bob', 'carol', 'dave']) await h.enter(who, 'G1')
    for (const who of ['alice', 'bob', 'carol']) {
      await h.expectOk(who, 'subscribe', { results: { [TEMPLATES.weekly]: 'accept' } })
    }
    await h.play('alice', 30)
    await h.play('bob', 40)
    await h.play('dave', 20)

    h.setNow(MONDAY + 4 * MINUTE)
    expect((await run()).close).toEqual({ weekKey: null, closed: 0, done: true })
    h.setNow(MONDAY + 5 * MINUTE)
    const first = await run()

    expect(first.close).toEqual({ weekKey: WEEK, closed: 1, done: true })
    const history = await store.getHistory('G1', WEEK)
    expect(history?.podium.map((p) => [p.openid, p.score])).toEqual([
      ['bob', 40],
      ['alice', 30],
      ['dave', 20],
    ])
    expect(history?.scorers).toBe(3)
    expect(sent.map((m) => [m.touser, m.templateId, m.data.number2!.value, m.page]).sort()).toEqual(
      [
        ['alice', TEMPLATES.weekly, '2', 'pages/ranking/index?groupId=G1&from=notice'],
        ['bob', TEMPLATES.weekly, '1', 'pages/ranking/index?groupId=G1&from=notice'],
        ['carol', TEMPLATES.weekly, '0', 'pages/ranking/index?groupId=G1&from=notice'],
      ],
    )

    h.advance(MINUTE)
    const second = await run()
    expect(second.close).toEqual({ weekKey: WEEK, closed: 0, done: true })
    expect(sent).toHaveLength(3)

    // The "上周" view: the recorded podium, and my rank then.
    await h.call('alice', 'updateProfile', { nickname: '阿花' })
    const lastWeek = await h.expectOk('alice', 'getLastWeek', { groupId: 'G1' })
    expect(lastWeek).toMatchObject({ groupId: 'G1', weekStart: WEEK.slice(2), scorers: 3 })
    expect(lastWeek.podium.map((r) => [r.rank, r.score, r.isMe, r.nickname])).toEqual([
      [1, 40, false, null],
      [2, 30, true, '阿花'],
      [3, 20, false, null],
    ])
    expect(lastWeek.me).toMatchObject({ rank: 2, score: 30, isMe: true })
    expect((await h.expectOk('carol', 'getLastWeek', { groupId: 'G1' })).me).toBeNull()
    expect(await h.call('eve', 'getLastWeek', { groupId: 'G1' })).toMatchObject({
      ok: false,
      error: { code: 'NOT_GROUP_MEMBER' },
    })

    // Deleting one's data takes one's place out of past podiums too.
    await h.expectOk('bob', 'deleteMyData')
    expect((await store.getHistory('G1', WEEK))?.podium.map((p) => p.openid)).toEqual([
      'alice',
      'dave',
    ])
  })

  it('shows last week from its bests before the close has run', async () => {
    const { h } = setup(adapter)
    for (const who of ['alice', 'bob']) await h.enter(who, 'G1')
    await h.play('alice', 30)
    await h.play('bob', 40)
    h.setNow(MONDAY + 2 * MINUTE)

    const lastWeek = await h.expectOk('bob', 'getLastWeek', { groupId: 'G1' })

    expect(lastWeek.podium.map((r) => r.score)).toEqual([40, 30])
    expect(lastWeek).toMatchObject({ me: { rank: 1 }, scorers: null })
  })

  it('resumes a close stopped half-way, or failed mid-group, with one history and one message each', async () => {
    const { h, store, sent, deps, run } = setup(adapter, { maxGroupsPerRun: 4 })
    const groups = Array.from({ length: 10 }, (_, i) => `G${String(i).padStart(2, '0')}`)
    for (const [i, g] of groups.entries()) {
      await h.enter(`p${i}`, g)
      await h.enter(`q${i}`, g)
      await h.expectOk(`q${i}`, 'subscribe', { results: { [TEMPLATES.weekly]: 'accept' } })
      await h.play(`p${i}`, 10 + i)
    }
    h.setNow(MONDAY + 5 * MINUTE)
    // The sixth group's history fails once after its notices were queued (a crash there).
    const record = store.recordHistory.bind(store)
    let calls = 0
    store.recordHistory = async (history) => {
      if (++calls === 6) throw new Error('timeout')
      return record(history)
    }
    const reports = []
    for (let i = 0; i < 6; i++) {
      try {
        reports.push((await run()).close)
      } catch {
        reports.push('failed')
      }
      h.advance(MINUTE)
    }
    expect(reports.slice(0, 2)).toEqual([{ weekKey: WEEK, closed: 4, done: false }, 'failed'])
    expect(reports.at(-1)).toEqual({ weekKey: WEEK, closed: 0, done: true })
    for (const g of groups) expect(await store.getHistory(g, WEEK)).not.toBeNull()
    expect(sent.map((m) => m.touser).sort()).toEqual(groups.map((_, i) => `q${i}`).sort())
    expect(deps.maxGroupsPerRun).toBe(4)
  })
})

describe('weekly close of 10,000 groups on SQLite', () => {
  it('resumed after stopping half-way, records 10,000 histories and queues each message once', async () => {
    const { h, store, run } = setup('SQLite', { maxGroupsPerRun: 5_000 })
    const achievedAt = T0
    const groups = Array.from({ length: 10_000 }, (_, i) => `g${String(i).padStart(5, '0')}`)
    h.store.bulkSeed({
      memberships: groups.flatMap((g, i) => [
        { groupId: g, openid: `a${i}`, memberKey: `ka${i}`.padEnd(22, '0'), joinedAt: T0 },
        { groupId: g, openid: `b${i}`, memberKey: `kb${i}`.padEnd(22, '0'), joinedAt: T0 },
      ]),
      bests: groups.map((_, i) => ({ openid: `a${i}`, periodKey: WEEK, score: 5, achievedAt })),
    })
    for (let i = 0; i < groups.length; i += 2) await store.addCredits(`b${i}`, ['weekly'], T0)
    h.setNow(MONDAY + 5 * MINUTE)

    const first = await run()
    h.advance(MINUTE)
    const second = await run()
    h.advance(MINUTE)
    const third = await run()

    expect([first.close, second.close, third.close]).toEqual([
      { weekKey: WEEK, closed: 5_000, done: false },
      { weekKey: WEEK, closed: 5_000, done: true },
      { weekKey: WEEK, closed: 0, done: true },
    ])
    const counts = h.store.rowCounts()
    expect(counts.history).toBe(10_000)
    expect(
      h.store.db.prepare(`SELECT count(*) FROM notices WHERE kind = 'weekly'`).pluck().get(),
    ).toBe(5_000)
  }, 120_000)
})

describe.each(['SQLite', 'CloudBase'])('pruning on %s', (adapter) => {
  it('removes expired rows but nothing a ranking, a replayed submission or the history reads', async () => {
    const { h, store, run } = setup(adapter)
    await h.enter('alice', 'G1')
    await h.enter('bob', 'G1')
    const oldRound = await h.expectOk('alice', 'startRound')
    h.advance(10_000)
    await h.expectOk('alice', 'submitScore', {
      roundToken: oldRound.roundToken,
      score: 30,
      requestId: 'req-old-round-0001',
      taps: evenTapTimeline(30, ROUND_DURATION_MS),
    }) // Wed 05-15: d:2024-05-15, w:2024-05-13
    h.setNow(Date.parse('2024-05-22T12:00:00+08:00'))
    await h.play('bob', 50) // d:2024-05-22, w:2024-05-20
    h.setNow(Date.parse('2024-05-29T12:00:00+08:00'))
    await h.play('alice', 12) // w:2024-05-27, the week the run below closes
    h.setNow(Date.parse('2024-06-02T23:05:00+08:00'))
    const recent = await h.expectOk('bob', 'startRound')
    h.advance(10_000)
    const submitted = {
      roundToken: recent.roundToken,
      score: 7,
      requestId: 'req-recent-0001',
      taps: evenTapTimeline(7, ROUND_DURATION_MS),
    }
    await h.expectOk('bob', 'submitScore', submitted) // Sunday: still w:2024-05-27
    h.setNow(Date.parse('2024-06-03T00:05:00+08:00'))

    const report = await run()

    expect(report.close).toMatchObject({ weekKey: 'w:2024-05-27', closed: 1, done: true })
    expect(report.pruned).toEqual(
      expect.objectContaining({ day_bests: 1, week_bests: 2, rounds: 1 }),
    )
    // Gone: the 05-15 day best, the weeks before last, the long-expired round.
    expect(await store.getRankingEntry('G1', 'd:2024-05-15', 'alice')).toBeNull()
    expect(await store.getRankingEntry('G1', 'w:2024-05-20', 'bob')).toBeNull()
    expect(await store.getRound(oldRound.roundToken)).toBeNull()
    // Kept: the all-time ranking, last week's ranking and history, 14 days of day bests, and a
    // retry of a submission made an hour ago.
    const all = await h.expectOk('alice', 'getRanking', { groupId: 'G1', period: 'all' })
    expect(all.rows.map((r) => r.score)).toEqual([50, 30])
    const lastWeek = ['alice', 'bob'].map((who) => store.getRankingEntry('G1', 'w:2024-05-27', who))
    expect((await Promise.all(lastWeek)).map((e) => e?.score)).toEqual([12, 7])
    expect((await store.getHistory('G1', 'w:2024-05-27'))?.podium).toHaveLength(2)
    expect(await store.getRankingEntry('G1', 'd:2024-05-22', 'bob')).not.toBeNull()
    expect(await h.expectOk('bob', 'submitScore', submitted)).toEqual({
      score: 7,
      best: { today: 7, week: 7, all: 50 },
      applied: false,
    })
  })
})
