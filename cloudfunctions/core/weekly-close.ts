import { weeklyNoticeId } from './notices'
import { dayKey, weekKey } from './periods'
import type { Clock, Logger } from './ports'
import { ROUND_RETENTION_MS } from './rounds'
import type { LeaderboardStore, NoticeRecord, PruneCutoffs } from './store'

const MINUTE = 60_000
const DAY = 24 * 60 * MINUTE
const WEEK = 7 * DAY
/** The close of a week starts at Monday 00:05 Asia/Shanghai, after the week has ended. */
export const CLOSE_DELAY_MS = 5 * MINUTE
/** A WeChat group has at most 500 members: one page holds a whole week's ranking. */
const GROUP_RANKING_LIMIT = 500

export interface MaintenanceDeps {
  store: LeaderboardStore
  clock: Clock
  logger: Logger
  /** Scorers read per step of the close (default 100). */
  pageSize?: number
}

/** When to stop and leave the rest to the next run (a run has a timeout). */
export interface RunBudget {
  /** Stop before closing a group once the clock has passed this instant. */
  deadline?: number
  /** Stop after this many groups (tests interrupt a close with it). */
  maxGroups?: number
}

export interface CloseReport {
  weekKey: string | null
  /** Groups whose history this run recorded. */
  closed: number
  done: boolean
}

/** Shanghai midnight starting the week that contains `now` (a Monday), in ms. */
export function weekStart(now: number): number {
  const key = weekKey(now)
  return Date.parse(`${key.slice(2)}T00:00:00+08:00`)
}

/** The week to close at `now`: the one that just ended, once it is Monday 00:05 or later. */
export function closingWeek(now: number): string | null {
  const start = weekStart(now)
  return now >= start + CLOSE_DELAY_MS ? weekKey(start - 1) : null
}

/**
 * Records each active group's podium of the week that just ended and queues a "weekly" notice
 * for every member holding a weekly credit (their rank then, and the winner). Resumable and
 * idempotent: the job's cursor (the last scorer whose groups were all closed) is saved after
 * each page; a group's notices are queued under deterministic ids before its history, which is
 * the group's commit mark, so a run stopped anywhere redoes at most the unfinished groups and
 * never queues or records anything twice.
 */
export async function closeWeek(
  deps: MaintenanceDeps,
  budget: RunBudget = {},
): Promise<CloseReport> {
  const now = deps.clock.now()
  const week = closingWeek(now)
  if (week === null) return { weekKey: null, closed: 0, done: true }
  const id = `close:${week}`
  const job = await deps.store.getJob(id)
  if (job?.done) return { weekKey: week, closed: 0, done: true }
  const pageSize = deps.pageSize ?? 100
  let cursor = job?.cursor ?? null
  let closed = 0
  const seen = new Set<string>()
  for (;;) {
    const scorers = await deps.store.listScorers(week, cursor, pageSize)
    for (const groupId of await deps.store.listGroupIdsOf(scorers)) {
      if (seen.has(groupId)) continue
      const outOfTime = budget.deadline !== undefined && deps.clock.now() > budget.deadline
      if (outOfTime || (budget.maxGroups !== undefined && closed >= budget.maxGroups)) {
        return { weekKey: week, closed, done: false }
      }
      if (await closeGroup(deps, week, groupId, now)) closed++
      seen.add(groupId)
    }
    const done = scorers.length < pageSize
    cursor = scorers[scorers.length - 1] ?? cursor
    await deps.store.saveJob({ id, cursor, done, updatedAt: deps.clock.now() })
    if (done) return { weekKey: week, closed, done: true }
  }
}

async function closeGroup(
  deps: MaintenanceDeps,
  week: string,
  groupId: string,
  now: number,
): Promise<boolean> {
  const { store } = deps
  if (await store.getHistory(groupId, week)) return false
  const [rows, holders] = await Promise.all([
    store.getRankingPage({ groupId, periodKey: week, after: null, limit: GROUP_RANKING_LIMIT }),
    store.listCreditHolders(groupId, 'weekly'),
  ])
  const winner = rows[0]
  if (!winner) return false
  const rank = new Map(rows.map((row, i) => [row.openid, i + 1]))
  const notices: NoticeRecord[] = holders.map((openid) => ({
    id: weeklyNoticeId(week, groupId, openid),
    kind: 'weekly',
    openid,
    groupId,
    createdAt: now,
    dueAt: now,
    attempts: 0,
    state: 'pending',
    payload: {
      kind: 'weekly',
      weekKey: week,
      rank: rank.get(openid) ?? null,
      winnerOpenid: winner.openid,
      winnerScore: winner.score,
    },
  }))
  await store.queueNotices(notices)
  return store.recordHistory({
    groupId,
    weekKey: week,
    podium: rows.slice(0, 3).map(({ openid, memberKey, score, achievedAt }) => ({
      openid,
      memberKey,
      score,
      achievedAt,
    })),
    scorers: rows.length,
    closedAt: now,
  })
}

/**
 * What each collection keeps (cloudfunctions/README.md, "Retention"): rounds a day past their
 * expiry (a late retry still replays), rate-limit windows a day, day bests 14 days, week bests
 * of this week and the last one (the "上周" view reads the last), settled notices two days (their
 * ids keep a second notice of the same day out), histories four weeks, finished jobs 14 days.
 */
export function pruneCutoffs(now: number): PruneCutoffs {
  return {
    roundsExpiredBefore: now - ROUND_RETENTION_MS,
    rateWindowsBefore: now - DAY,
    dayKeyBefore: dayKey(now - 14 * DAY),
    weekKeyBefore: weekKey(weekStart(now) - 1),
    settledNoticesBefore: now - 2 * DAY,
    historyWeekKeyBefore: weekKey(now - 4 * WEEK),
    jobsBefore: now - 14 * DAY,
  }
}

/** Prunes once per Shanghai day, after that day's close (if any) is done. */
export async function pruneOnce(deps: MaintenanceDeps): Promise<Record<string, number> | null> {
  const now = deps.clock.now()
  const id = `prune:${dayKey(now)}`
  if ((await deps.store.getJob(id))?.done) return null
  const removed = await deps.store.prune(pruneCutoffs(now))
  await deps.store.saveJob({ id, cursor: null, done: true, updatedAt: now })
  return removed
}
