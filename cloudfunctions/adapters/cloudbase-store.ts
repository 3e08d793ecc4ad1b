import type { Period, Profile } from '../../src/core/contract'
import type { PeriodKeys } from '../core/periods'
import type {
  ApplyScoreResult,
  JoinResult,
  LeaderboardStore,
  MembershipRecord,
  NewRound,
  ProfilePatch,
  RankedEntry,
  RankingQuery,
  RankPosition,
  RateLimitHit,
  RoundRecord,
  ScoreEntry,
  ScoreSubmission,
} from '../core/store'

/**
 * The slice of the wx-server-sdk database API this adapter uses, typed structurally so tests can
 * pass the in-process stand-in and production passes `cloud.database()`.
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

export interface CloudCollection {
  where(condition: Condition | unknown): CloudQuery
  add(options: { data: Record<string, unknown> }): Promise<{ _id: string | number }>
}

export interface CloudCommand {
  eq(value: unknown): unknown
  lt(value: unknown): unknown
  gt(value: unknown): unknown
  in(values: unknown[]): unknown
  and(conditions: Condition[]): unknown
  or(conditions: Condition[]): unknown
  inc(amount: number): unknown
  set(value: unknown): unknown
}

export interface CloudDatabase {
  collection(name: string): CloudCollection
  command: CloudCommand
}

export interface CloudbaseStoreOptions {
  /** Collection name prefix, so several apps (or test runs) can share one environment. */
  prefix?: string
}

/** The collections and their compound indexes; `cloudfunctions/README.md` lists the same. */
export const COLLECTIONS = {
  profiles: 'profiles',
  memberships: 'memberships',
  bests: 'bests',
  groupScores: 'group_scores',
  rounds: 'rounds',
  rateLimits: 'rate_limits',
} as const

/** The documented guidance keeps pages at 100 even though the server accepts up to 1000. */
const PAGE = 100
/** Conditional create-or-update loops retry when a concurrent writer created the same _id. */
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
const groupScoreId = (groupId: string, periodKey: string, openid: string) =>
  `${groupId}:${periodKey}:${openid}`

function str(doc: CloudDoc, key: string): string {
  const value = doc[key]
  if (typeof value !== 'string') throw new Error(`Document ${doc._id} lacks string ${key}`)
  return value
}

function num(doc: CloudDoc, key: string): number {
  const value = doc[key]
  if (typeof value !== 'number') throw new Error(`Document ${doc._id} lacks number ${key}`)
  return value
}

function nullableStr(doc: CloudDoc | undefined, key: string): string | null {
  const value = doc?.[key]
  return typeof value === 'string' ? value : null
}

function toMembership(doc: CloudDoc): MembershipRecord {
  return {
    groupId: str(doc, 'groupId'),
    openid: str(doc, 'openid'),
    memberKey: str(doc, 'memberKey'),
    joinedAt: num(doc, 'joinedAt'),
  }
}

function toEntry(doc: CloudDoc): ScoreEntry {
  return {
    openid: str(doc, 'openid'),
    memberKey: str(doc, 'memberKey'),
    score: num(doc, 'score'),
    achievedAt: num(doc, 'achievedAt'),
  }
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
 * The store on the CloudBase document database. There is no multi-document transaction worth
 * having here (`runTransaction` allows single-record operations only), so every write is a
 * single conditional operation on a deterministic `_id`:
 *
 * - raise a best: `where({ _id, <stored is worse> }).update(...)`; when nothing matched and the
 *   document does not exist yet, `add` it, and retry if a concurrent writer added it first;
 * - consume a round: `where({ _id, used: false }).update({ used: true })` decides the one winner;
 * - rate limit: `where({ _id, hits: _.lt(limit) }).update({ hits: _.inc(1) })`.
 *
 * Raising a best is monotone (the better of two values wins whatever the order), so a submission
 * and a concurrent join converge: the submission raises the player's best before it reads the
 * memberships to fan out; the join creates the membership before it reads the bests to seed.
 * Whichever reads second sees the other's write.
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
      groupScores: prefix + COLLECTIONS.groupScores,
      rounds: prefix + COLLECTIONS.rounds,
      rateLimits: prefix + COLLECTIONS.rateLimits,
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

  /** Reads every match in pages of at most PAGE, in a stable order. */
  private async all(name: keyof typeof COLLECTIONS, condition: Condition): Promise<CloudDoc[]> {
    const docs: CloudDoc[] = []
    for (;;) {
      const { data } = await this.col(name)
        .where(condition)
        .orderBy('_id', 'asc')
        .skip(docs.length)
        .limit(PAGE)
        .get()
      docs.push(...data)
      if (data.length < PAGE) return docs
    }
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
   * Stores (score, achievedAt) under `_id` when it is better than what is stored (higher score,
   * or the same score reached earlier). Lock-free: conditional update, else create, else retry.
   */
  private async raise(
    name: 'bests' | 'groupScores',
    id: string,
    fields: Record<string, unknown>,
    value: { score: number; achievedAt: number },
  ): Promise<void> {
    const _ = this._
    const { score, achievedAt } = value
    const worse = _.or([{ score: _.lt(score) }, { score, achievedAt: _.gt(achievedAt) }])
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const { stats } = await this.col(name)
        .where(_.and([{ _id: id }, worse as Condition]))
        .update({ data: { score, achievedAt } })
      if (stats.updated > 0) return
      if (await this.byId(name, id)) return // stored value is at least as good
      if (await this.addIfAbsent(name, { _id: id, ...fields, score, achievedAt })) return
    }
    throw new Error(`Could not raise ${name}/${id}: too much contention`)
  }

  async joinGroup(
    membership: MembershipRecord,
    periodKeys: readonly string[],
  ): Promise<JoinResult> {
    const { groupId, openid } = membership
    const id = membershipId(groupId, openid)
    const joined = await this.addIfAbsent('memberships', { _id: id, ...membership })
    const stored = joined
      ? membership
      : toMembership((await this.byId('memberships', id)) ?? { _id: id, ...membership })
    // Seed after the membership exists (see the class comment for why this order matters).
    const { data: bests } = await this.col('bests')
      .where({ openid, periodKey: this._.in([...periodKeys]) })
      .limit(PAGE)
      .get()
    await Promise.all(
      bests.map((best) => {
        const periodKey = str(best, 'periodKey')
        return this.raise(
          'groupScores',
          groupScoreId(groupId, periodKey, openid),
          { groupId, periodKey, openid, memberKey: stored.memberKey },
          { score: num(best, 'score'), achievedAt: num(best, 'achievedAt') },
        )
      }),
    )
    return { joined, membership: stored }
  }

  async leaveGroup(groupId: string, openid: string): Promise<boolean> {
    const { stats } = await this.col('memberships')
      .where({ _id: membershipId(groupId, openid) })
      .remove()
    await this.col('groupScores').where({ groupId, openid }).remove()
    return stats.removed > 0
  }

  async getMembership(groupId: string, openid: string): Promise<MembershipRecord | null> {
    const doc = await this.byId('memberships', membershipId(groupId, openid))
    return doc ? toMembership(doc) : null
  }

  async listMemberships(openid: string): Promise<MembershipRecord[]> {
    const docs = await this.all('memberships', { openid })
    return docs
      .map(toMembership)
      .sort((a, b) => a.joinedAt - b.joinedAt || (a.groupId < b.groupId ? -1 : 1))
  }

  async countMembers(groupId: string): Promise<number> {
    return (await this.col('memberships').where({ groupId }).count()).total
  }

  private behind(groupId: string, periodKey: string, after: RankPosition | null): unknown {
    const _ = this._
    const base = { groupId, periodKey }
    if (after === null) return base
    const { score, achievedAt, memberKey } = after
    return _.and([
      base,
      _.or([
        { score: _.lt(score) },
        { score, achievedAt: _.gt(achievedAt) },
        { score, achievedAt, memberKey: _.gt(memberKey) },
      ]) as Condition,
    ])
  }

  async getRankingPage(query: RankingQuery): Promise<RankedEntry[]> {
    const entries: ScoreEntry[] = []
    let after = query.after
    // Keyset pages of at most PAGE rows until `limit` rows are collected.
    while (entries.length < query.limit) {
      const want = Math.min(PAGE, query.limit - entries.length)
      const { data } = await this.col('groupScores')
        .where(this.behind(query.groupId, query.periodKey, after))
        .orderBy('score', 'desc')
        .orderBy('achievedAt', 'asc')
        .orderBy('memberKey', 'asc')
        .limit(want)
        .get()
      entries.push(...data.map(toEntry))
      const last = entries[entries.length - 1]
      if (data.length < want || last === undefined) break
      after = last
    }
    const profiles = await this.profiles(entries.map((entry) => entry.openid))
    return entries.map((entry) => {
      const profile = profiles.get(entry.openid)
      return {
        ...entry,
        nickname: nullableStr(profile, 'nickname'),
        avatarUrl: nullableStr(profile, 'avatarUrl'),
      }
    })
  }

  private async profiles(openids: string[]): Promise<Map<string, CloudDoc>> {
    const found = new Map<string, CloudDoc>()
    const chunks: string[][] = []
    for (let i = 0; i < openids.length; i += PAGE) chunks.push(openids.slice(i, i + PAGE))
    const pages = await Promise.all(
      chunks.map((chunk) =>
        this.col('profiles')
          .where({ _id: this._.in(chunk) })
          .limit(PAGE)
          .get(),
      ),
    )
    for (const { data } of pages) for (const doc of data) found.set(doc._id, doc)
    return found
  }

  async getRankingEntry(
    groupId: string,
    periodKey: string,
    openid: string,
  ): Promise<ScoreEntry | null> {
    const doc = await this.byId('groupScores', groupScoreId(groupId, periodKey, openid))
    return doc ? toEntry(doc) : null
  }

  async countAhead(groupId: string, periodKey: string, position: RankPosition): Promise<number> {
    const _ = this._
    const { score, achievedAt, memberKey } = position
    const scores = this.col('groupScores')
    // Each count is a prefix range of the (groupId, periodKey, score, achievedAt, memberKey) index.
    const counts = await Promise.all([
      scores.where({ groupId, periodKey, score: _.gt(score) }).count(),
      scores.where({ groupId, periodKey, score, achievedAt: _.lt(achievedAt) }).count(),
      scores.where({ groupId, periodKey, score, achievedAt, memberKey: _.lt(memberKey) }).count(),
    ])
    return counts.reduce((sum, { total }) => sum + total, 0)
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
    await this.col('rounds')
      .where({ openid: round.openid, expiresAt: this._.lt(pruneBefore) })
      .remove()
    await this.col('rounds').add({
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
    })
  }

  async getRound(token: string): Promise<RoundRecord | null> {
    const doc = await this.byId('rounds', token)
    return doc ? toRound(doc) : null
  }

  /** Raises the three bests, fans them out to every membership, and records the round result. */
  private async settle(
    token: string,
    openid: string,
    value: { score: number; achievedAt: number },
    keys: PeriodKeys,
  ): Promise<Record<Period, number>> {
    const periodKeys = [keys.today, keys.week, keys.all]
    await Promise.all(
      periodKeys.map((periodKey) =>
        this.raise('bests', bestId(openid, periodKey), { openid, periodKey }, value),
      ),
    )
    const [{ data: bests }, memberships] = await Promise.all([
      this.col('bests')
        .where({ openid, periodKey: this._.in(periodKeys) })
        .limit(PAGE)
        .get(),
      this.all('memberships', { openid }),
    ])
    await Promise.all(
      memberships.flatMap((membership) =>
        bests.map((best) => {
          const groupId = str(membership, 'groupId')
          const periodKey = str(best, 'periodKey')
          return this.raise(
            'groupScores',
            groupScoreId(groupId, periodKey, openid),
            { groupId, periodKey, openid, memberKey: str(membership, 'memberKey') },
            { score: num(best, 'score'), achievedAt: num(best, 'achievedAt') },
          )
        }),
      ),
    )
    const byKey = new Map(bests.map((best) => [str(best, 'periodKey'), num(best, 'score')]))
    const best = {
      today: byKey.get(keys.today) ?? value.score,
      week: byKey.get(keys.week) ?? value.score,
      all: byKey.get(keys.all) ?? value.score,
    }
    // _.set replaces the field; a plain object would be merged field by field.
    await this.col('rounds')
      .where({ _id: token })
      .update({ data: { result: this._.set(best) } })
    return best
  }

  async applyScore(submission: ScoreSubmission): Promise<ApplyScoreResult> {
    const { token, openid, requestId, score, achievedAt } = submission
    // The single conditional write that decides which request owns the round.
    const { stats } = await this.col('rounds')
      .where({ _id: token, openid, used: false })
      .update({
        data: { used: true, usedRequestId: requestId, usedScore: score, usedAt: achievedAt },
      })
    if (stats.updated === 0) return { status: 'conflict' }
    const best = await this.settle(token, openid, { score, achievedAt }, submission.periodKeys)
    return { status: 'applied', best }
  }

  async resumeScore(round: RoundRecord, periodKeys: PeriodKeys): Promise<Record<Period, number>> {
    return this.settle(
      round.token,
      round.openid,
      { score: round.usedScore ?? 0, achievedAt: round.usedAt ?? round.startedAt },
      periodKeys,
    )
  }

  async takeRateLimit(hit: RateLimitHit): Promise<boolean> {
    if (hit.limit < 1) return false
    const { openid, bucket, windowStart, limit } = hit
    const id = `${openid}:${bucket}:${windowStart}`
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const { stats } = await this.col('rateLimits')
        .where({ _id: id, hits: this._.lt(limit) })
        .update({ data: { hits: this._.inc(1) } })
      if (stats.updated > 0) return true
      if (await this.byId('rateLimits', id)) return false
      if (await this.addIfAbsent('rateLimits', { _id: id, openid, bucket, windowStart, hits: 1 })) {
        // A new window started: earlier windows of this bucket are dead weight.
        await this.col('rateLimits')
          .where({ openid, bucket, windowStart: this._.lt(windowStart) })
          .remove()
        return true
      }
    }
    throw new Error(`Could not count rate limit ${id}: too much contention`)
  }

  async deleteUserData(openid: string): Promise<void> {
    // Memberships and ranking rows first, so the player disappears from rankings even if a later
    // step fails; every step is idempotent, so a retry finishes the job.
    await this.col('memberships').where({ openid }).remove()
    await this.col('groupScores').where({ openid }).remove()
    await Promise.all([
      this.col('bests').where({ openid }).remove(),
      this.col('rounds').where({ openid }).remove(),
      this.col('rateLimits').where({ openid }).remove(),
      this.col('profiles').where({ _id: openid }).remove(),
    ])
  }
}

export function createCloudbaseStore(
  db: CloudDatabase,
  options?: CloudbaseStoreOptions,
): CloudbaseStore {
  return new CloudbaseStore(db, options)
}
