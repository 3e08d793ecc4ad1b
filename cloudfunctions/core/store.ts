import type { NoticeKind, Period, Profile } from '../../shared/contract'
import type { PeriodKeys } from './periods'

/**
 * The storage PORT of the leaderboard. One adapter per backend implements it (SQLite locally,
 * the CloudBase database in production) and both run the same contract tests.
 *
 * Data model. Scores belong to the PLAYER: `bests` holds one best per (openid, period key) with
 * the instant it was first reached. A group's ranking is the join of its memberships with those
 * bests, evaluated at read time by both adapters (SQLite joins in SQL; CloudBase in one aggregate
 * pipeline with `lookup`), so a score counts in every group the player is in, including groups
 * joined later, and a submission writes the player's three bests whatever the number of groups.
 * The order of a ranking is `RANKING_ORDER` below, the one definition both adapters render.
 *
 * Every method is atomic on its own; callers never compose two writes that must both happen.
 * Methods that a caller runs side by side (`Promise.all`) are independent reads or writes of
 * different documents, so a backend with per-call round trips answers them in one step.
 */
export interface LeaderboardStore {
  /**
   * Binds a member idempotently and records the proof: an existing membership keeps its
   * `joinedAt` and member key, and its `provenAt` moves up to the one given (never back).
   * `joined` is true only for the call that created the membership.
   */
  joinGroup(membership: NewMembership): Promise<JoinResult>
  /** Removes the membership (and so the player from that group's rankings); false when none. */
  leaveGroup(groupId: string, openid: string): Promise<boolean>
  getMembership(groupId: string, openid: string): Promise<MembershipRecord | null>
  /** All memberships of a player, oldest first. */
  listMemberships(openid: string): Promise<MembershipRecord[]>
  countMembers(groupId: string): Promise<number>
  /**
   * The group's members, and how many of them have a best in the `periodKey` window: the ranking's
   * count line ("27 人上榜 · 3 人还没有成绩") needs both before the last page is loaded. One query.
   */
  countGroup(groupId: string, periodKey: string): Promise<{ members: number; scored: number }>
  /**
   * Every group of the player, oldest membership first, with its member count and the player's
   * entry in the `periodKey` ranking and the number of rows ahead of it (null without a best).
   */
  listStandings(openid: string, periodKey: string): Promise<GroupStanding[]>

  /**
   * Rows of one group's ranking in `RANKING_ORDER`. With `after`, the rows strictly behind that
   * position (keyset pagination).
   */
  getRankingPage(query: RankingQuery): Promise<RankedEntry[]>
  getRankingEntry(groupId: string, periodKey: string, openid: string): Promise<ScoreEntry | null>
  /** How many rows of the group's ranking are strictly ahead of `position`. */
  countAhead(groupId: string, periodKey: string, position: RankPosition): Promise<number>

  getProfile(openid: string): Promise<Profile>
  /** Applies the fields present in `patch` (null clears) and returns the resulting profile. */
  updateProfile(openid: string, patch: ProfilePatch, now: number): Promise<Profile>

  /** Creates a round; also drops the player's rounds that expired before `pruneBefore`. */
  createRound(round: NewRound, pruneBefore: number): Promise<void>
  getRound(token: string): Promise<RoundRecord | null>
  /**
   * Consumes an unused round of `openid` and raises the player's bests. `conflict` when the round
   * was already used or is not the player's: nothing is written then.
   */
  applyScore(submission: ScoreSubmission): Promise<ApplyScoreResult>
  /**
   * Finishes an already consumed round (a retry whose first attempt may have stopped half-way on
   * a backend without multi-document transactions): raises the bests where they are still lower.
   * Idempotent; writes nothing when the round was fully applied. Returns the recorded result, or
   * the bests when none was recorded.
   */
  resumeScore(round: RoundRecord, periodKeys: PeriodKeys): Promise<Record<Period, number>>

  /**
   * Counts one hit in a fixed window; false (and nothing written) when the window already holds
   * `limit` hits.
   */
  takeRateLimit(hit: RateLimitHit): Promise<boolean>
  /** Whether a hit would be admitted now; reads only. */
  peekRateLimit(hit: RateLimitHit): Promise<boolean>

  /**
   * Removes everything stored about the player: profile, bests, rounds, memberships, limits,
   * send credits and the notices addressed to them.
   */
  deleteUserData(openid: string): Promise<void>

  // Subscribe messages (issue 15). A submission with `notify` set also queues "overtaken"
  // notices inside `applyScore`'s own step; the methods below serve the subscribe action and
  // the scheduled sender.

  /** Adds one send credit per entry of `kinds`; returns the player's credits afterwards. */
  addCredits(openid: string, kinds: readonly NoticeKind[], now: number): Promise<Credits>
  getCredits(openid: string): Promise<Credits>
  /**
   * Pending notices due at `now`, oldest first, at most `limit`. Queued "overtaken" work that a
   * backend keeps in another shape is turned into notices first (idempotent).
   */
  listDueNotices(now: number, limit: number): Promise<NoticeRecord[]>
  /** Records what became of one delivery attempt (see `NoticeOutcome`). Idempotent. */
  settleNotice(id: string, outcome: NoticeOutcome): Promise<void>

  // The weekly close and pruning (issue 15), run by the scheduler.

  /** Openids holding a best for `periodKey`, in openid order, strictly after `after`. */
  listScorers(periodKey: string, after: string | null, limit: number): Promise<string[]>
  /** The distinct groups the players are members of. */
  listGroupIdsOf(openids: readonly string[]): Promise<string[]>
  /** Members of the group holding at least one credit of `kind`. */
  listCreditHolders(groupId: string, kind: NoticeKind): Promise<string[]>
  /** Adds notices under their ids; an id that exists (in any state) is left as it is. */
  queueNotices(notices: readonly NoticeRecord[]): Promise<void>
  getHistory(groupId: string, weekKey: string): Promise<WeekHistory | null>
  /** Records a group's closed week once; false when it was already recorded. */
  recordHistory(history: WeekHistory): Promise<boolean>
  getJob(id: string): Promise<JobState | null>
  saveJob(job: JobState): Promise<void>
  /** Removes what the retention rules no longer need; counts per collection. */
  prune(cutoffs: PruneCutoffs): Promise<Record<string, number>>
}

/** A group's podium of one closed week (`w:` key of its Monday). */
export interface WeekHistory {
  groupId: string
  weekKey: string
  /** The first three of the week's ranking, in order. */
  podium: ScoreEntry[]
  /** Members with a score that week. */
  scorers: number
  closedAt: number
}

/** Progress of a resumable scheduled job, e.g. `close:w:2024-05-13`. */
export interface JobState {
  id: string
  /** Where to resume (job-specific), null at the start. */
  cursor: string | null
  done: boolean
  updatedAt: number
}

/** Everything strictly older than these goes (see cloudfunctions/README.md, retention). */
export interface PruneCutoffs {
  /** Rounds that expired before this instant. */
  roundsExpiredBefore: number
  /** Rate-limit windows that started before this instant. */
  rateWindowsBefore: number
  /** Day bests of days before this `d:` key. */
  dayKeyBefore: string
  /** Week bests of weeks before this `w:` key. */
  weekKeyBefore: string
  /** Settled (sent or dropped) notices last due before this instant. */
  settledNoticesBefore: number
  /** Histories of weeks before this `w:` key. */
  historyWeekKeyBefore: string
  /** Finished jobs last updated before this instant. */
  jobsBefore: number
}

export type Credits = Record<NoticeKind, number>

/**
 * One message to one member about one group. Its id is deterministic (`kind:day-or-week:group:
 * openid`) and the record stays after delivery until pruned, so at most one per id is ever sent.
 */
export interface NoticeRecord {
  id: string
  kind: NoticeKind
  /** The recipient. */
  openid: string
  groupId: string
  createdAt: number
  dueAt: number
  attempts: number
  state: 'pending' | 'sent' | 'dropped'
  payload: NoticePayload
}

export type NoticePayload =
  | {
      kind: 'overtaken'
      /** Who passed the recipient, and with what score, in which window. */
      byOpenid: string
      score: number
      period: 'week' | 'all'
    }
  | {
      kind: 'weekly'
      weekKey: string
      /** The recipient's rank in the week just ended, null without a score that week. */
      rank: number | null
      winnerOpenid: string
      winnerScore: number
    }

export type NoticeOutcome =
  /** Delivered: one credit of the kind is spent. */
  | { status: 'sent' }
  /** 43101 (refused or no credit left): the player's credits of the kind are cleared. */
  | { status: 'refused' }
  /** Will not be delivered (bad template data, bad page, attempts used up): kept as dropped. */
  | { status: 'dropped' }
  /** A transient failure: tried again at `retryAt`. */
  | { status: 'retry'; retryAt: number }

/** What `applyScore` queues when the submission passes someone (see `ScoreSubmission.notify`). */
export interface OvertakeNotice {
  /** The Shanghai day key (`d:…`): at most one notice per recipient, group and day. */
  dayKey: string
}

export interface MembershipRecord {
  groupId: string
  openid: string
  memberKey: string
  joinedAt: number
  /**
   * When the member last proved membership (enterGroup with a verified CloudID or open data).
   * Memberships stored before proofs were kept read as proven when they joined.
   */
  provenAt: number
}

/** A membership to bind; without `provenAt` the join itself counts as the proof. */
export type NewMembership = Omit<MembershipRecord, 'provenAt'> & { provenAt?: number }

export interface JoinResult {
  joined: boolean
}

export interface GroupStanding {
  membership: MembershipRecord
  memberCount: number
  /** The player's entry in the ranking, null when the player has no best for the period. */
  mine: ScoreEntry | null
  /** Rows strictly ahead of `mine`; null when `mine` is. */
  ahead: number | null
}

/** A position in a ranking; `RANKING_ORDER` orders positions totally. */
export interface RankPosition {
  score: number
  achievedAt: number
  memberKey: string
}

export interface ScoreEntry extends RankPosition {
  openid: string
}

export interface RankedEntry extends ScoreEntry {
  nickname: string | null
  avatarUrl: string | null
}

export interface RankingQuery {
  groupId: string
  periodKey: string
  after: RankPosition | null
  limit: number
}

export interface ProfilePatch {
  nickname?: string | null
  avatarUrl?: string | null
}

export interface NewRound {
  token: string
  openid: string
  startedAt: number
  expiresAt: number
}

export interface RoundRecord extends NewRound {
  used: boolean
  usedRequestId: string | null
  usedScore: number | null
  usedAt: number | null
  /** The bests right after the round was applied; null until recorded. */
  result: Record<Period, number> | null
}

export interface ScoreSubmission {
  token: string
  openid: string
  requestId: string
  score: number
  /** When the score was reached; the tie-breaker between equal scores. */
  achievedAt: number
  periodKeys: PeriodKeys
  /**
   * When set, members of the player's groups whom this score passes (weekly or all-time best)
   * and who hold an "overtaken" credit get a notice, queued in the same store step as the raise.
   */
  notify?: OvertakeNotice
}

export type ApplyScoreResult =
  | { status: 'applied'; best: Record<Period, number> }
  | { status: 'conflict' }

export interface RateLimitHit {
  openid: string
  /** What is limited, e.g. `submit`. */
  bucket: string
  windowStart: number
  limit: number
  /**
   * A hint for backends that pay per request: the caller expects this to be the bucket's first
   * hit in its window (a rarely called action). Never changes the outcome.
   */
  expect?: 'new-window'
}

/**
 * THE ranking order, the one definition both adapters build their queries from: higher score
 * first, then the earlier achievement, then the member key (which makes the order total, so ranks
 * are unique and keyset pagination never skips or repeats a row). The first two keys alone order
 * a player's bests: a new best replaces the stored one when it comes first in that order.
 */
export const RANKING_ORDER = [
  { key: 'score', direction: 'desc' },
  { key: 'achievedAt', direction: 'asc' },
  { key: 'memberKey', direction: 'asc' },
] as const satisfies ReadonlyArray<{ key: keyof RankPosition; direction: 'asc' | 'desc' }>

/** The part of the ranking order that compares two bests of one player. */
export const BEST_ORDER = RANKING_ORDER.slice(0, 2) as ReadonlyArray<
  (typeof RANKING_ORDER)[number] & { key: 'score' | 'achievedAt' }
>

/**
 * The order as a disjunction of keyset terms: `a` comes before `b` when, for some i, the first
 * i - 1 keys are equal and key i is strictly better. Adapters render each term in their own
 * query language (SQL, the cloud database's commands), so "ahead of" and "behind" are written once.
 */
export function keysetTerms<K extends string>(
  order: ReadonlyArray<{ key: K; direction: 'asc' | 'desc' }>,
): Array<{ equal: K[]; key: K; direction: 'asc' | 'desc' }> {
  return order.map((term, i) => ({
    equal: order.slice(0, i).map((t) => t.key),
    key: term.key,
    direction: term.direction,
  }))
}

function compareBy<T extends object>(
  order: ReadonlyArray<{ key: keyof T & string; direction: 'asc' | 'desc' }>,
  a: T,
  b: T,
): number {
  for (const { key, direction } of order) {
    const x = a[key]
    const y = b[key]
    if (x !== y) return (x < y ? -1 : 1) * (direction === 'asc' ? 1 : -1)
  }
  return 0
}

/** Negative when `a` ranks ahead of `b`, positive when behind, 0 for the same position. */
export function compareRank(a: RankPosition, b: RankPosition): number {
  return compareBy(RANKING_ORDER, a, b)
}

/** Whether a new best (score, achievedAt) should replace a stored one. */
export function isBetterBest(
  candidate: { score: number; achievedAt: number },
  stored: { score: number; achievedAt: number },
): boolean {
  return compareBy(BEST_ORDER, candidate, stored) < 0
}
