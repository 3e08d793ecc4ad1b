import { randomBytes } from 'node:crypto'

import type { NoticeKind, Period, Profile } from '../../shared/contract'
import { overtakenNoticeId, passes } from '../core/notices'
import type { PeriodKeys } from '../core/periods'
import {
  type ApplyScoreResult,
  BEST_ORDER,
  compareRank,
  type Credits,
  type GroupStanding,
  isBetterBest,
  type JobState,
  type JoinResult,
  keysetTerms,
  type LeaderboardStore,
  type MembershipRecord,
  type NewMembership,
  type NewRound,
  type NoticeOutcome,
  type NoticePayload,
  type NoticeRecord,
  type ProfilePatch,
  type PruneCutoffs,
  type RankedEntry,
  RANKING_ORDER,
  type RankingQuery,
  type RankPosition,
  type RateLimitHit,
  type RoundRecord,
  type ScoreEntry,
  type ScoreSubmission,
  type WeekHistory,
} from '../core/store'

/**
 * The slice of the wx-server-sdk database API this adapter uses, typed structurally: production
 * passes `cloud.database()`, and the tests pass the same real SDK object wired to an in-process
 * stand-in at the SDK's request seam, so every call here is one real request shape.
 */
export type CloudDoc = Record<string, unknown> & { _id: string }
export type Condition = Record<string, unknown>

export interface CloudQuery {
  orderBy(field: string, order: 'asc' | 'desc'): CloudQuery
  skip(offset: number): CloudQuery
  limit(max: number): CloudQuery
  get(): Promise<{ data: CloudDoc[] }>
  count(): Promise<{ total: number }>
  update(options: { data: Record<string, unknown> }): Promise<{ stats: { updated: number } }>
  remove(): Promise<{ stats: { removed: number } }>
}

/** Aggregate pipelines (`Collection.aggregate`), each `end()` one request. */
export interface CloudAggregate {
  match(condition: unknown): CloudAggregate
  project(spec: Record<string, unknown>): CloudAggregate
  lookup(spec: {
    from: string
    localField: string
    foreignField: string
    as: string
  }): CloudAggregate
  unwind(spec: string | { path: string; preserveNullAndEmptyArrays: boolean }): CloudAggregate
  sort(spec: Record<string, 1 | -1>): CloudAggregate
  limit(max: number): CloudAggregate
  group(spec: Record<string, unknown>): CloudAggregate
  count(field: string): CloudAggregate
  end(): Promise<{ list: Array<Record<string, unknown>> }>
}

export interface CloudCollection {
  where(condition: Condition | unknown): CloudQuery
  add(options: { data: Record<string, unknown> }): Promise<{ _id: string | number }>
  aggregate(): CloudAggregate
}

/** Aggregation expression operators (`db.command.aggregate`). */
export interface CloudAggregateCommand {
  concat(parts: unknown[]): unknown
  cond(spec: { if: unknown; then: unknown; else: unknown }): unknown
  and(expressions: unknown[]): unknown
  or(expressions: unknown[]): unknown
  eq(operands: [unknown, unknown]): unknown
  gt(operands: [unknown, unknown]): unknown
  lt(operands: [unknown, unknown]): unknown
  sum(expression: unknown): unknown
}

export interface CloudCommand {
  eq(value: unknown): unknown
  neq(value: unknown): unknown
  lt(value: unknown): unknown
  gt(value: unknown): unknown
  lte(value: unknown): unknown
  in(values: unknown[]): unknown
  and(conditions: unknown[]): unknown
  or(conditions: unknown[]): unknown
  inc(amount: number): unknown
  set(value: unknown): unknown
  pull(condition: unknown): unknown
  exists(present: boolean): unknown
  aggregate: CloudAggregateCommand
}

export interface CloudDatabase {
  collection(name: string): CloudCollection
  command: CloudCommand
}

export interface CloudbaseStoreOptions {
  /** Collection name prefix, so several apps (or test runs) can share one environment. */
  prefix?: string
}

/**
 * The collections; their indexes are declared in `leaderboard/database-indexes.json` (read by
 * the tests' stand-in, which refuses any query those indexes do not serve, and by the README).
 */
export const COLLECTIONS = {
  profiles: 'profiles',
  memberships: 'memberships',
  bests: 'bests',
  rounds: 'rounds',
  rateLimits: 'rate_limits',
  credits: 'credits',
  notices: 'notices',
  overtakes: 'overtakes',
  history: 'history',
  jobs: 'jobs',
} as const

/** The documented guidance keeps query pages at 100 even though the server accepts up to 1000. */
const PAGE = 100
/** Conditional create-or-update loops retry when a concurrent writer got in between. */
const MAX_ATTEMPTS = 5

/**
 * CloudBase reports a duplicate `_id` on add as a database error whose message carries MongoDB's
 * E11000 text (exact wording unverified across SDK versions, so match loosely).
 */
export function isDuplicateKeyError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false
  const { errMsg, message } = error as { errMsg?: unknown; message?: unknown }
  const text = `${typeof errMsg === 'string' ? errMsg : ''} ${typeof message === 'string' ? message : ''}`
  return /E11000|duplicate key|duplicate/i.test(text)
}

const membershipId = (groupId: string, openid: string) => `${groupId}:${openid}`
const bestId = (openid: string, periodKey: string) => `${openid}:${periodKey}`

/** A mongo sort spec of the ranking order, rendered from the one definition in core. */
const RANK_SORT = Object.fromEntries(
  RANKING_ORDER.map(({ key, direction }) => [key, direction === 'desc' ? -1 : 1]),
) as Record<string, 1 | -1>

type Best = { score: number; achievedAt: number }

function chunk<T>(items: T[], size: number): T[][] {
  const chunks: T[][] = []
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size))
  return chunks
}

/** One bucket's field of a player's rate-limit document. */
interface BucketWindow {
  windowStart: number
  hits: number
  startedBy: string
}

function bucketWindow(doc: CloudDoc | undefined, bucket: string): BucketWindow | null {
  const value = doc && Object.hasOwn(doc, bucket) ? doc[bucket] : undefined
  if (typeof value !== 'object' || value === null) return null
  const fields = value as Record<string, unknown>
  return { windowStart: num(fields, 'windowStart'), hits: num(fields, 'hits'), startedBy: '' }
}

function str(doc: Record<string, unknown>, key: string): string {
  const value = doc[key]
  if (typeof value !== 'string') throw new Error(`Document lacks string ${key}`)
  return value
}

function num(doc: Record<string, unknown>, key: string): number {
  const value = doc[key]
  if (typeof value !== 'number') throw new Error(`Document lacks number ${key}`)
  return value
}

function nullableStr(doc: Record<string, unknown> | undefined, key: string): string | null {
  const value = doc?.[key]
  return typeof value === 'string' ? value : null
}

function toMembership(doc: Record<string, unknown>): MembershipRecord {
  return {
    groupId: str(doc, 'groupId'),
    openid: str(doc, 'openid'),
    memberKey: str(doc, 'memberKey'),
    joinedAt: num(doc, 'joinedAt'),
    // Documents from before proofs were kept: proven when they joined.
    provenAt: typeof doc.provenAt === 'number' ? doc.provenAt : num(doc, 'joinedAt'),
  }
}

function toEntry(doc: Record<string, unknown>): ScoreEntry {
  return {
    openid: str(doc, 'openid'),
    memberKey: str(doc, 'memberKey'),
    score: num(doc, 'score'),
    achievedAt: num(doc, 'achievedAt'),
  }
}

function toBest(doc: Record<string, unknown>): Best {
  return { score: num(doc, 'score'), achievedAt: num(doc, 'achievedAt') }
}

function toRound(doc: CloudDoc): RoundRecord {
  const result = doc.result
  return {
    token: doc._id,
    openid: str(doc, 'openid'),
    startedAt: num(doc, 'startedAt'),
    expiresAt: num(doc, 'expiresAt'),
    used: doc.used === true,
    usedRequestId: nullableStr(doc, 'usedRequestId'),
    usedScore: typeof doc.usedScore === 'number' ? doc.usedScore : null,
    usedAt: typeof doc.usedAt === 'number' ? doc.usedAt : null,
    result:
      typeof result === 'object' && result !== null ? (result as Record<Period, number>) : null,
  }
}

/**
 * The store on the CloudBase document database. Each method is a few requests issued side by
 * side, because every request is a network round trip from the function (tens of ms):
 *
 * - Rankings are joined at read time, like the SQLite adapter: one aggregate pipeline per read,
 *   memberships ⋈ bests (`lookup` on the best's deterministic `_id`, `openid:periodKey`) ⋈
 *   profiles. Aggregates with `lookup` run in cloud functions (wx-server-sdk ≥ 1.3.0; official
 *   guide "联表查询", `Aggregate.lookup`). So a submission writes the player's three bests and
 *   nothing per group, and a join, a leave or a deletion cannot leave a ranking row out of step.
 * - There is no multi-document transaction worth having (`runTransaction` allows single-record
 *   operations only), so every write is a single conditional operation on a deterministic `_id`:
 *   raising a best is `where({ _id, <stored is worse> }).update()`, else `add`, and on any lost
 *   race it re-reads and compares again (never assumes the other writer's value is the better
 *   one), so every raise is monotone under any interleaving.
 * - A round is consumed by `where({ _id, used: false }).update({ used: true })`, which decides the
 *   one winner; a rate-limit hit is two conditional updates sent together (see takeRateLimit).
 */
export class CloudbaseStore implements LeaderboardStore {
  private readonly _: CloudCommand
  private readonly names: Record<keyof typeof COLLECTIONS, string>

  constructor(
    private readonly db: CloudDatabase,
    options: CloudbaseStoreOptions = {},
  ) {
    this._ = db.command
    const prefix = options.prefix ?? 'lb_'
    this.names = {
      profiles: prefix + COLLECTIONS.profiles,
      memberships: prefix + COLLECTIONS.memberships,
      bests: prefix + COLLECTIONS.bests,
      rounds: prefix + COLLECTIONS.rounds,
      rateLimits: prefix + COLLECTIONS.rateLimits,
      credits: prefix + COLLECTIONS.credits,
      notices: prefix + COLLECTIONS.notices,
      overtakes: prefix + COLLECTIONS.overtakes,
      history: prefix + COLLECTIONS.history,
      jobs: prefix + COLLECTIONS.jobs,
    }
  }

  private col(name: keyof typeof COLLECTIONS): CloudCollection {
    return this.db.collection(this.names[name])
  }

  private async byId(name: keyof typeof COLLECTIONS, id: string): Promise<CloudDoc | undefined> {
    // where({ _id }) instead of doc(id).get(): the latter rejects when the document is missing.
    const { data } = await this.col(name).where({ _id: id }).limit(1).get()
    return data[0]
  }

  /** Adds a document; false when the `_id` already exists. */
  private async addIfAbsent(name: keyof typeof COLLECTIONS, doc: CloudDoc): Promise<boolean> {
    try {
      await this.col(name).add({ data: doc })
      return true
    } catch (error) {
      if (isDuplicateKeyError(error)) return false
      throw error
    }
  }

  /**
   * A condition on `fields` that holds for positions strictly `side` of `position` in `order`
   * ('ahead' or 'behind'): the keyset terms of the core order rendered as database commands.
   */
  private positionCondition<K extends string>(
    order: ReadonlyArray<{ key: K; direction: 'asc' | 'desc' }>,
    position: Record<K, number | string>,
    side: 'ahead' | 'behind',
  ): unknown {
    const _ = this._
    return _.or(
      keysetTerms(order).map(({ equal, key, direction }) => {
        const clause: Condition = {}
        for (const k of equal) clause[k] = position[k]
        const larger = (direction === 'desc') === (side === 'ahead')
        clause[key] = larger ? _.gt(position[key]) : _.lt(position[key])
        return clause
      }),
    )
  }

  /** The same "ahead of" test as an aggregation expression over a row's fields. */
  private aheadExpression<K extends string>(
    order: ReadonlyArray<{ key: K; direction: 'asc' | 'desc' }>,
    position: Record<K, number | string>,
  ): unknown {
    const $ = this._.aggregate
    return $.or(
      keysetTerms(order).map(({ equal, key, direction }) =>
        $.and([
          ...equal.map((k) => $.eq([`$${k}`, position[k]])),
          (direction === 'desc' ? $.gt : $.lt)([`$${key}`, position[key]]),
        ]),
      ),
    )
  }

  /**
   * memberships ⋈ bests for one period key, as rows { groupId, openid, memberKey, score,
   * achievedAt }. `preserve` keeps members without a best (score and achievedAt absent).
   */
  private rankingRows(match: unknown, periodKey: string, preserve = false): CloudAggregate {
    const $ = this._.aggregate
    return this.col('memberships')
      .aggregate()
      .match(match)
      .project({
        _id: 0,
        groupId: 1,
        openid: 1,
        memberKey: 1,
        bestId: $.concat(['$openid', `:${periodKey}`]),
      })
      .lookup({ from: this.names.bests, localField: 'bestId', foreignField: '_id', as: 'best' })
      .unwind(preserve ? { path: '$best', preserveNullAndEmptyArrays: true } : '$best')
      .project({
        groupId: 1,
        openid: 1,
        memberKey: 1,
        score: '$best.score',
        achievedAt: '$best.achievedAt',
      })
  }

  /**
   * The proof rides on the membership document. Both requests go out together (one step): the
   * conditional update moves an existing membership's `provenAt` forward (it matches nothing
   * when there is none yet, or when a later proof is already stored), and the add creates a
   * missing one (a duplicate `_id` means it existed).
   */
  async joinGroup(membership: NewMembership): Promise<JoinResult> {
    const { groupId, openid } = membership
    const provenAt = membership.provenAt ?? membership.joinedAt
    const _id = membershipId(groupId, openid)
    // Nothing to seed: rankings read the player's bests through the join.
    const [, joined] = await Promise.all([
      this.col('memberships')
        .where(
          this._.and([{ _id }, this._.or([{ provenAt: this._.lt(provenAt) }, { provenAt: null }])]),
        )
        .update({ data: { provenAt } }),
      this.addIfAbsent('memberships', { _id, ...membership, provenAt }),
    ])
    return { joined }
  }

  async leaveGroup(groupId: string, openid: string): Promise<boolean> {
    const { stats } = await this.col('memberships')
      .where({ _id: membershipId(groupId, openid) })
      .remove()
    return stats.removed > 0
  }

  async getMembership(groupId: string, openid: string): Promise<MembershipRecord | null> {
    const doc = await this.byId('memberships', membershipId(groupId, openid))
    return doc ? toMembership(doc) : null
  }

  async listMemberships(openid: string): Promise<MembershipRecord[]> {
    const docs: CloudDoc[] = []
    for (;;) {
      // Served by the { openid, joinedAt } index, in its order.
      const { data } = await this.col('memberships')
        .where({ openid })
        .orderBy('joinedAt', 'asc')
        .skip(docs.length)
        .limit(PAGE)
        .get()
      docs.push(...data)
      if (data.length < PAGE) break
    }
    return docs
      .map(toMembership)
      .sort((a, b) => a.joinedAt - b.joinedAt || (a.groupId < b.groupId ? -1 : 1))
  }

  async countMembers(groupId: string): Promise<number> {
    return (await this.col('memberships').where({ groupId }).count()).total
  }

  async countGroup(
    groupId: string,
    periodKey: string,
  ): Promise<{ members: number; scored: number }> {
    const $ = this._.aggregate
    // One aggregate in place of the member count: same calls, same sequential steps.
    const { list } = await this.rankingRows({ groupId }, periodKey, true)
      .group({
        _id: null,
        members: $.sum(1),
        // A member without a best has no score after the preserving unwind (missing sorts below numbers).
        scored: $.sum($.cond({ if: $.gt(['$score', -1]), then: 1, else: 0 })),
      })
      .limit(1)
      .end()
    const row = list[0]
    return row
      ? { members: num(row, 'members'), scored: num(row, 'scored') }
      : { members: 0, scored: 0 }
  }

  async listStandings(openid: string, periodKey: string): Promise<GroupStanding[]> {
    const [memberships, bestDoc] = await Promise.all([
      this.listMemberships(openid),
      this.byId('bests', bestId(openid, periodKey)),
    ])
    const best = bestDoc ? toBest(bestDoc) : null
    const chunks: string[][] = []
    for (let i = 0; i < memberships.length; i += PAGE) {
      chunks.push(memberships.slice(i, i + PAGE).map((m) => m.groupId))
    }
    const $ = this._.aggregate
    const counts = new Map<string, { members: number; ahead: number }>()
    const ties: ScoreEntry[] = []
    await Promise.all(
      chunks.flatMap((groupIds) => {
        const inGroups = { groupId: this._.in(groupIds) }
        // Per group: members, and rows ahead of the player's best by score and time. Rows tied
        // on both fall to the member key, which differs per group: they come back as rows.
        const perGroup = this.rankingRows(inGroups, periodKey, true)
          .group({
            _id: '$groupId',
            members: $.sum(1),
            ahead: best
              ? $.sum($.cond({ if: this.aheadExpression(BEST_ORDER, best), then: 1, else: 0 }))
              : $.sum(0),
          })
          .limit(groupIds.length)
          .end()
          .then(({ list }) => {
            for (const row of list) {
              counts.set(str(row, '_id'), {
                members: num(row, 'members'),
                ahead: num(row, 'ahead'),
              })
            }
          })
        if (!best) return [perGroup]
        const tied = this.rankingRows(inGroups, periodKey)
          .match({ score: best.score, achievedAt: best.achievedAt })
          .limit(1000)
          .end()
          .then(({ list }) => {
            for (const row of list) ties.push({ ...toEntry(row), openid: str(row, 'groupId') })
          })
        return [perGroup, tied]
      }),
    )
    return memberships.map((membership) => {
      const count = counts.get(membership.groupId) ?? { members: 0, ahead: 0 }
      const mine = best ? { openid, memberKey: membership.memberKey, ...best } : null
      return {
        membership,
        memberCount: count.members,
        mine,
        ahead:
          mine &&
          count.ahead +
            ties.filter((tie) => tie.openid === membership.groupId && compareRank(tie, mine) < 0)
              .length,
      }
    })
  }

  async getRankingPage(query: RankingQuery): Promise<RankedEntry[]> {
    let rows = this.rankingRows({ groupId: query.groupId }, query.periodKey)
    if (query.after) rows = rows.match(this.positionCondition(RANKING_ORDER, query.after, 'behind'))
    const { list } = await rows
      .sort(RANK_SORT)
      .limit(query.limit)
      .lookup({
        from: this.names.profiles,
        localField: 'openid',
        foreignField: '_id',
        as: 'profile',
      })
      .end()
    return list.map((row) => {
      const profile = (row.profile as Array<Record<string, unknown>> | undefined)?.[0]
      return {
        openid: str(row, 'openid'),
        memberKey: str(row, 'memberKey'),
        score: num(row, 'score'),
        achievedAt: num(row, 'achievedAt'),
        nickname: nullableStr(profile, 'nickname'),
        avatarUrl: nullableStr(profile, 'avatarUrl'),
      }
    })
  }

  async getRankingEntry(
    groupId: string,
    periodKey: string,
    openid: string,
  ): Promise<ScoreEntry | null> {
    const { list } = await this.rankingRows({ _id: membershipId(groupId, openid) }, periodKey)
      .limit(1)
      .end()
    return list[0] ? toEntry(list[0]) : null
  }

  async countAhead(groupId: string, periodKey: string, position: RankPosition): Promise<number> {
    const { list } = await this.rankingRows({ groupId }, periodKey)
      .match(this.positionCondition(RANKING_ORDER, position, 'ahead'))
      .count('n')
      .end()
    return list[0] ? num(list[0], 'n') : 0
  }

  async getProfile(openid: string): Promise<Profile> {
    const doc = await this.byId('profiles', openid)
    return { nickname: nullableStr(doc, 'nickname'), avatarUrl: nullableStr(doc, 'avatarUrl') }
  }

  async updateProfile(openid: string, patch: ProfilePatch, now: number): Promise<Profile> {
    const data: Record<string, unknown> = { updatedAt: now }
    if (patch.nickname !== undefined) data.nickname = patch.nickname
    if (patch.avatarUrl !== undefined) data.avatarUrl = patch.avatarUrl
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const { stats } = await this.col('profiles').where({ _id: openid }).update({ data })
      if (stats.updated > 0) break
      const created = await this.addIfAbsent('profiles', {
        _id: openid,
        openid,
        nickname: patch.nickname ?? null,
        avatarUrl: patch.avatarUrl ?? null,
        updatedAt: now,
      })
      // Not created: it exists. A second "0 updated" then means it already held these values.
      if (created || attempt > 0) break
    }
    return this.getProfile(openid)
  }

  async createRound(round: NewRound, pruneBefore: number): Promise<void> {
    // Independent documents: pruning and creating go out together.
    await Promise.all([
      this.col('rounds')
        .where({ openid: round.openid, expiresAt: this._.lt(pruneBefore) })
        .remove(),
      this.col('rounds').add({
        data: {
          _id: round.token,
          openid: round.openid,
          startedAt: round.startedAt,
          expiresAt: round.expiresAt,
          used: false,
          usedRequestId: null,
          usedScore: null,
          usedAt: null,
          result: null,
        },
      }),
    ])
  }

  async getRound(token: string): Promise<RoundRecord | null> {
    const doc = await this.byId('rounds', token)
    return doc ? toRound(doc) : null
  }

  /** The player's stored bests of the three period keys, by key (one request). */
  private async readBests(openid: string, keys: PeriodKeys): Promise<Map<string, Best>> {
    const ids = [keys.today, keys.week, keys.all].map((key) => bestId(openid, key))
    const { data } = await this.col('bests')
      .where({ _id: this._.in(ids) })
      .limit(ids.length)
      .get()
    return new Map(data.map((doc) => [str(doc, 'periodKey'), toBest(doc)]))
  }

  /**
   * Raises one best to `value` unless the stored one is at least as good. `known` is what a read
   * just saw (null: absent). Monotone under any interleaving: a conditional update that matches
   * nothing, or an add that finds the `_id` taken, re-reads and compares again.
   */
  private async raiseBest(
    openid: string,
    periodKey: string,
    value: Best,
    known: Best | null,
  ): Promise<void> {
    const id = bestId(openid, periodKey)
    let state: Best | null | 'exists' = known
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      if (state !== null && state !== 'exists' && !isBetterBest(value, state)) return
      if (state === null) {
        if (await this.addIfAbsent('bests', { _id: id, openid, periodKey, ...value })) return
        state = 'exists'
        continue
      }
      const { stats } = await this.col('bests')
        .where(this._.and([{ _id: id }, this.positionCondition(BEST_ORDER, value, 'behind')]))
        .update({ data: { score: value.score, achievedAt: value.achievedAt } })
      if (stats.updated > 0) return
      const doc = await this.byId('bests', id)
      state = doc ? toBest(doc) : null
    }
    throw new Error(`Could not raise best ${id}: too much contention`)
  }

  /**
   * Raises the bests that `value` beats (all side by side) and records the round's result in the
   * same step. The result is the bests as read plus this score: what the player is told.
   */
  private async settle(
    round: { token: string; openid: string; result: Record<Period, number> | null },
    value: Best,
    keys: PeriodKeys,
    stored: Map<string, Best>,
  ): Promise<Record<Period, number>> {
    const after = (key: string) => {
      const best = stored.get(key)
      return best && !isBetterBest(value, best) ? best.score : value.score
    }
    const best = { today: after(keys.today), week: after(keys.week), all: after(keys.all) }
    await Promise.all([
      ...[keys.today, keys.week, keys.all].map((key) =>
        this.raiseBest(round.openid, key, value, stored.get(key) ?? null),
      ),
      round.result === null
        ? this.col('rounds')
            .where({ _id: round.token })
            // _.set replaces the field; a plain object would be merged field by field.
            .update({ data: { result: this._.set(best) } })
        : null,
    ])
    return round.result ?? best
  }

  async applyScore(submission: ScoreSubmission): Promise<ApplyScoreResult> {
    const { token, openid, requestId, score, achievedAt, periodKeys: keys } = submission
    const [{ stats }, stored, candidates] = await Promise.all([
      // The single conditional write that decides which request owns the round.
      this.col('rounds')
        .where({ _id: token, openid, used: false })
        .update({
          data: { used: true, usedRequestId: requestId, usedScore: score, usedAt: achievedAt },
        }),
      this.readBests(openid, keys),
      submission.notify ? this.overtakeCandidates(openid, keys, { score, achievedAt }) : null,
    ])
    if (stats.updated === 0) return { status: 'conflict' }
    const value = { score, achievedAt }
    const targets = candidates
      ? candidates.flatMap((row) => {
          // All-time first: when both windows are passed, the one notice names the all-time one.
          const period = (['all', 'week'] as const).find((p) => {
            const theirs = row[p]
            return theirs !== null && passes(stored.get(keys[p]) ?? null, value, theirs)
          })
          return period ? [{ openid: row.openid, groupId: row.groupId, period }] : []
        })
      : []
    const [best] = await Promise.all([
      this.settle({ token, openid, result: null }, value, keys, stored),
      targets.length > 0 && submission.notify
        ? // One document per submission whatever the number of groups or recipients; the
          // sender turns it into one notice per recipient, group and day (listDueNotices).
          this.addIfAbsent('overtakes', {
            _id: `ovt:${token}`,
            byOpenid: openid,
            score,
            dayKey: submission.notify.dayKey,
            createdAt: achievedAt,
            targets,
          })
        : null,
    ])
    return { status: 'applied', best }
  }

  /**
   * Members of the player's groups who hold an "overtaken" credit and whose weekly or all-time
   * best the value passes, with those bests: one aggregate (memberships of the player ⋈ the
   * memberships of those groups ⋈ credits ⋈ bests). Whether the player's earlier best had
   * already passed them is decided by the caller, which reads that best beside this.
   */
  private async overtakeCandidates(
    openid: string,
    keys: PeriodKeys,
    value: Best,
  ): Promise<Array<{ openid: string; groupId: string } & Record<'week' | 'all', Best | null>>> {
    const _ = this._
    const $ = _.aggregate
    const behind = (field: string) =>
      _.or(
        keysetTerms(BEST_ORDER).map(({ equal, key, direction }) => {
          const clause: Condition = {}
          for (const k of equal) clause[`${field}.${k}`] = value[k]
          clause[`${field}.${key}`] = direction === 'desc' ? _.lt(value[key]) : _.gt(value[key])
          return clause
        }),
      )
    const { list } = await this.col('memberships')
      .aggregate()
      .match({ openid })
      .project({ _id: 0, groupId: 1 })
      .lookup({
        from: this.names.memberships,
        localField: 'groupId',
        foreignField: 'groupId',
        as: 'peer',
      })
      .unwind('$peer')
      .project({
        groupId: 1,
        openid: '$peer.openid',
        weekId: $.concat(['$peer.openid', `:${keys.week}`]),
        allId: $.concat(['$peer.openid', `:${keys.all}`]),
      })
      .match({ openid: _.neq(openid) })
      .lookup({ from: this.names.credits, localField: 'openid', foreignField: '_id', as: 'credit' })
      .match({ 'credit.overtaken': _.gt(0) })
      .lookup({ from: this.names.bests, localField: 'weekId', foreignField: '_id', as: 'week' })
      .lookup({ from: this.names.bests, localField: 'allId', foreignField: '_id', as: 'all' })
      .match(_.or([behind('week'), behind('all')]))
      .project({ groupId: 1, openid: 1, week: 1, all: 1 })
      .limit(1000)
      .end()
    const first = (row: Record<string, unknown>, key: string) => {
      const docs = row[key] as Array<Record<string, unknown>> | undefined
      return docs?.[0] ? toBest(docs[0]) : null
    }
    return list.map((row) => ({
      openid: str(row, 'openid'),
      groupId: str(row, 'groupId'),
      week: first(row, 'week'),
      all: first(row, 'all'),
    }))
  }

  async resumeScore(round: RoundRecord, periodKeys: PeriodKeys): Promise<Record<Period, number>> {
    const value = { score: round.usedScore ?? 0, achievedAt: round.usedAt ?? round.startedAt }
    return this.settle(round, value, periodKeys, await this.readBests(round.openid, periodKeys))
  }

  /**
   * One document per player (`_id` = openid) with one field per bucket holding its current
   * window and hits, so that a player's first hit of a bucket finds the document already there
   * (any earlier call created it). A hit sends two conditional updates together: A counts it in
   * the bucket's current window while below the limit; B starts a new window (hits = 1) when the
   * stored one is older or absent, tagging it with this call's nonce so that A, if the server
   * applies it after B, does not count the same hit twice. Neither matching means: no document
   * yet (add it), the window is full, or a concurrent call started the window first (re-read
   * and retry). With the `new-window` hint, B goes out alone first: one request when it holds.
   */
  async takeRateLimit(hit: RateLimitHit): Promise<boolean> {
    if (hit.limit < 1) return false
    const _ = this._
    const { openid, bucket, windowStart, limit } = hit
    const field = (name: keyof BucketWindow) => `${bucket}.${name}`
    const nonce = randomBytes(9).toString('base64url')
    const limits = this.col('rateLimits')
    const window: BucketWindow = { windowStart, hits: 1, startedBy: nonce }
    const count = () =>
      limits
        .where({
          _id: openid,
          [field('windowStart')]: windowStart,
          [field('hits')]: _.lt(limit),
          [field('startedBy')]: _.neq(nonce),
        })
        .update({ data: { [field('hits')]: _.inc(1) } })
    const start = () =>
      limits
        .where(
          _.and([
            { _id: openid },
            _.or([
              { [field('windowStart')]: _.lt(windowStart) },
              { [field('windowStart')]: _.exists(false) },
            ]),
          ]),
        )
        // _.set replaces the bucket's field as a whole (a plain object would be merged).
        .update({ data: { [bucket]: _.set(window) } })
    const fresh = { _id: openid, openid, [bucket]: window }
    if (hit.expect === 'new-window') {
      if ((await start()).stats.updated > 0) return true
      const [counted, created] = await Promise.all([count(), this.addIfAbsent('rateLimits', fresh)])
      if (counted.stats.updated > 0 || created) return true
    }
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const [counted, started] = await Promise.all([count(), start()])
      if (counted.stats.updated + started.stats.updated > 0) return true
      // A player's first hit ever finds no document: create it before reading anything.
      if (await this.addIfAbsent('rateLimits', fresh)) return true
      const stored = bucketWindow(await this.byId('rateLimits', openid), bucket)
      if (!stored) continue
      if (stored.windowStart > windowStart) return false // another instance's clock is ahead
      if (stored.windowStart === windowStart && stored.hits >= limit) return false
    }
    throw new Error(`Could not count rate limit ${openid}.${bucket}: too much contention`)
  }

  async peekRateLimit(hit: RateLimitHit): Promise<boolean> {
    if (hit.limit < 1) return false
    const stored = bucketWindow(await this.byId('rateLimits', hit.openid), hit.bucket)
    if (!stored) return true
    return (
      stored.windowStart < hit.windowStart ||
      (stored.windowStart === hit.windowStart && stored.hits < hit.limit)
    )
  }

  async deleteUserData(openid: string): Promise<void> {
    // All independent, so all at once; each is idempotent, so a retry finishes a partial run.
    // A submission racing this can still add a best after its removal: that best is in no
    // ranking (the memberships are gone) and the next deleteUserData removes it.
    await Promise.all([
      this.col('memberships').where({ openid }).remove(),
      this.col('bests').where({ openid }).remove(),
      this.col('rounds').where({ openid }).remove(),
      this.col('rateLimits').where({ openid }).remove(),
      this.col('profiles').where({ _id: openid }).remove(),
      this.col('credits').where({ _id: openid }).remove(),
      this.col('notices').where({ openid }).remove(),
      // The player's passings not yet turned into notices (the recipients' are kept).
      this.col('overtakes').where({ byOpenid: openid }).remove(),
      // Past podiums keep the other places; the player's own is taken out.
      this.col('history')
        .where({ 'podium.openid': openid })
        .update({ data: { podium: this._.pull({ openid }) } }),
    ])
  }

  async addCredits(openid: string, kinds: readonly NoticeKind[], now: number): Promise<Credits> {
    const count = (kind: NoticeKind) => kinds.filter((k) => k === kind).length
    const add = { overtaken: count('overtaken'), weekly: count('weekly') }
    if (kinds.length > 0) {
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        const { stats } = await this.col('credits')
          .where({ _id: openid })
          .update({
            data: {
              overtaken: this._.inc(add.overtaken),
              weekly: this._.inc(add.weekly),
              updatedAt: now,
            },
          })
        if (stats.updated > 0) break
        if (await this.addIfAbsent('credits', { _id: openid, ...add, updatedAt: now })) break
      }
    }
    return this.getCredits(openid)
  }

  async getCredits(openid: string): Promise<Credits> {
    const doc = await this.byId('credits', openid)
    const count = (key: string) => (typeof doc?.[key] === 'number' ? (doc[key] as number) : 0)
    return { overtaken: count('overtaken'), weekly: count('weekly') }
  }

  /**
   * First turns queued overtakes (one document per submission) into notices, each added under
   * its deterministic id so a second overtake of the same member, group and day adds nothing,
   * then removes them; then reads the pending notices that are due.
   */
  async listDueNotices(now: number, limit: number): Promise<NoticeRecord[]> {
    const { data: overtakes } = await this.col('overtakes')
      .where({ createdAt: this._.lte(now) })
      .orderBy('createdAt', 'asc')
      .limit(PAGE)
      .get()
    type Target = { openid: string; groupId: string; period: string }
    // A recipient who left the group or deleted their data since gets nothing.
    const wanted = overtakes.flatMap((doc) =>
      (doc.targets as Target[]).map((t) => membershipId(t.groupId, t.openid)),
    )
    const still = new Set<string>()
    await Promise.all(
      chunk([...new Set(wanted)], PAGE).map(async (ids) => {
        const { data } = await this.col('memberships')
          .where({ _id: this._.in(ids) })
          .limit(ids.length)
          .get()
        for (const doc of data) still.add(doc._id)
      }),
    )
    await Promise.all(
      overtakes.map(async (doc) => {
        const targets = (doc.targets as Target[]).filter((t) =>
          still.has(membershipId(t.groupId, t.openid)),
        )
        const dayKey = str(doc, 'dayKey')
        const createdAt = num(doc, 'createdAt')
        await Promise.all(
          targets.map((target) =>
            this.addIfAbsent('notices', {
              _id: overtakenNoticeId(dayKey, target.groupId, target.openid),
              kind: 'overtaken',
              openid: target.openid,
              groupId: target.groupId,
              createdAt,
              dueAt: createdAt,
              attempts: 0,
              state: 'pending',
              payload: {
                kind: 'overtaken',
                byOpenid: str(doc, 'byOpenid'),
                score: num(doc, 'score'),
                period: target.period,
              },
            }),
          ),
        )
        await this.col('overtakes').where({ _id: doc._id }).remove()
      }),
    )
    const { data } = await this.col('notices')
      .where({ state: 'pending', dueAt: this._.lte(now) })
      .orderBy('dueAt', 'asc')
      .limit(Math.min(limit, PAGE))
      .get()
    return data.map((doc) => ({
      id: doc._id,
      kind: str(doc, 'kind') as NoticeKind,
      openid: str(doc, 'openid'),
      groupId: str(doc, 'groupId'),
      createdAt: num(doc, 'createdAt'),
      dueAt: num(doc, 'dueAt'),
      attempts: num(doc, 'attempts'),
      state: str(doc, 'state') as NoticeRecord['state'],
      payload: doc.payload as NoticePayload,
    }))
  }

  async settleNotice(id: string, outcome: NoticeOutcome): Promise<void> {
    const doc = await this.byId('notices', id)
    if (!doc || doc.state !== 'pending') return
    const pending = this.col('notices').where({ _id: id, state: 'pending' })
    const kind = str(doc, 'kind')
    const credits = this.col('credits')
    switch (outcome.status) {
      case 'sent': {
        // Only the call that moved it out of pending spends the credit.
        const { stats } = await pending.update({ data: { state: 'sent' } })
        if (stats.updated > 0) {
          await credits
            .where({ _id: str(doc, 'openid'), [kind]: this._.gt(0) })
            .update({ data: { [kind]: this._.inc(-1) } })
        }
        return
      }
      case 'refused':
        await Promise.all([
          pending.update({ data: { state: 'dropped' } }),
          credits.where({ _id: str(doc, 'openid') }).update({ data: { [kind]: 0 } }),
        ])
        return
      case 'dropped':
        await pending.update({ data: { state: 'dropped' } })
        return
      case 'retry':
        await pending.update({ data: { attempts: this._.inc(1), dueAt: outcome.retryAt } })
    }
  }

  async listScorers(periodKey: string, after: string | null, limit: number): Promise<string[]> {
    // Served by the { periodKey, openid } index, in its order.
    const { data } = await this.col('bests')
      .where({ periodKey, openid: this._.gt(after ?? '') })
      .orderBy('openid', 'asc')
      .limit(Math.min(limit, PAGE))
      .get()
    return data.map((doc) => str(doc, 'openid'))
  }

  async listGroupIdsOf(openids: readonly string[]): Promise<string[]> {
    const groups = new Set<string>()
    await Promise.all(
      chunk([...openids], 10).map(async (players) => {
        for (let skip = 0; ; skip += PAGE) {
          const { data } = await this.col('memberships')
            .where({ openid: this._.in(players) })
            .orderBy('joinedAt', 'asc')
            .skip(skip)
            .limit(PAGE)
            .get()
          for (const doc of data) groups.add(str(doc, 'groupId'))
          if (data.length < PAGE) break
        }
      }),
    )
    return [...groups].sort()
  }

  async listCreditHolders(groupId: string, kind: NoticeKind): Promise<string[]> {
    const { list } = await this.col('memberships')
      .aggregate()
      .match({ groupId })
      .lookup({ from: this.names.credits, localField: 'openid', foreignField: '_id', as: 'credit' })
      .match({ [`credit.${kind}`]: this._.gt(0) })
      .project({ _id: 0, openid: 1 })
      .limit(1000)
      .end()
    return list.map((row) => str(row, 'openid')).sort()
  }

  async queueNotices(notices: readonly NoticeRecord[]): Promise<void> {
    await Promise.all(
      notices.map(({ id, ...notice }) => this.addIfAbsent('notices', { _id: id, ...notice })),
    )
  }

  async getHistory(groupId: string, weekKey: string): Promise<WeekHistory | null> {
    const doc = await this.byId('history', `${weekKey}:${groupId}`)
    return doc
      ? {
          groupId: str(doc, 'groupId'),
          weekKey: str(doc, 'weekKey'),
          podium: (doc.podium as Array<Record<string, unknown>>).map(toEntry),
          scorers: num(doc, 'scorers'),
          closedAt: num(doc, 'closedAt'),
        }
      : null
  }

  async recordHistory(history: WeekHistory): Promise<boolean> {
    return this.addIfAbsent('history', { _id: `${history.weekKey}:${history.groupId}`, ...history })
  }

  async getJob(id: string): Promise<JobState | null> {
    const doc = await this.byId('jobs', id)
    return doc
      ? {
          id,
          cursor: nullableStr(doc, 'cursor'),
          done: doc.done === true,
          updatedAt: num(doc, 'updatedAt'),
        }
      : null
  }

  async saveJob(job: JobState): Promise<void> {
    const { id, ...fields } = job
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const { stats } = await this.col('jobs').where({ _id: id }).update({ data: fields })
      if (stats.updated > 0 || (await this.addIfAbsent('jobs', { _id: id, ...fields }))) return
      // Present but unchanged: the same state was already saved.
      if (attempt > 0) return
    }
  }

  async prune(cutoffs: PruneCutoffs): Promise<Record<string, number>> {
    const _ = this._
    const removed = async (query: CloudQuery) => (await query.remove()).stats.removed
    const keyRange = (prefix: string, before: string) =>
      _.and([{ periodKey: _.gt(prefix) }, { periodKey: _.lt(before) }])
    // Independent collections: all at once. Each is a multi-document remove (one request).
    // Rate limits need no pruning here: one document per player holds a field per action, each
    // overwritten when its next window starts, so they stay one per player (deleteMyData removes it).
    const [rounds, dayBests, weekBests, notices, history, jobs] = await Promise.all([
      removed(this.col('rounds').where({ expiresAt: _.lt(cutoffs.roundsExpiredBefore) })),
      removed(this.col('bests').where(keyRange('d:', cutoffs.dayKeyBefore))),
      removed(this.col('bests').where(keyRange('w:', cutoffs.weekKeyBefore))),
      removed(
        this.col('notices').where({
          state: _.in(['sent', 'dropped']),
          dueAt: _.lt(cutoffs.settledNoticesBefore),
        }),
      ),
      removed(this.col('history').where({ weekKey: _.lt(cutoffs.historyWeekKeyBefore) })),
      removed(this.col('jobs').where({ done: true, updatedAt: _.lt(cutoffs.jobsBefore) })),
    ])
    return {
      rounds,
      rate_limits: 0,
      day_bests: dayBests,
      week_bests: weekBests,
      notices,
      history,
      jobs,
    }
  }
}

export function createCloudbaseStore(
  db: CloudDatabase,
  options?: CloudbaseStoreOptions,
): CloudbaseStore {
  return new CloudbaseStore(db, options)
}
