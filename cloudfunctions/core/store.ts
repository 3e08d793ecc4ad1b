import type { Period, Profile } from '../../src/core/contract'
import type { PeriodKeys } from './periods'

/**
 * The storage PORT of the leaderboard. One adapter per backend implements it (SQLite locally,
 * the CloudBase database in production) and both run the same contract tests.
 *
 * Data model. Scores belong to the PLAYER: `bests` holds one best per (openid, period key) with
 * the instant it was first reached. A group's ranking is the join of its memberships with those
 * bests, so a score counts in every group the player is in, including groups joined later.
 * How the join is evaluated is the adapter's business: SQLite joins at read time (a group has at
 * most 500 members, and submissions stay cheap); CloudBase cannot join or count across
 * collections, so its adapter materialises the join per (group, period key, member) and keeps it
 * in step (joining seeds it from the player's bests, a submission fans out to every membership,
 * leaving and deleting remove it).
 *
 * Every method is atomic on its own; callers never compose two writes that must both happen.
 */
export interface LeaderboardStore {
  /**
   * Binds a member idempotently. `joined` is true only for the call that created the membership.
   * `periodKeys` are the windows whose rankings must include the player's existing bests at once
   * (adapters that materialise rankings seed those rows).
   */
  joinGroup(membership: MembershipRecord, periodKeys: readonly string[]): Promise<JoinResult>
  /** Removes the membership and its ranking rows; false when there was none. */
  leaveGroup(groupId: string, openid: string): Promise<boolean>
  getMembership(groupId: string, openid: string): Promise<MembershipRecord | null>
  /** All memberships of a player, oldest first. */
  listMemberships(openid: string): Promise<MembershipRecord[]>
  countMembers(groupId: string): Promise<number>

  /**
   * Rows of one group's ranking in order: score desc, achievedAt asc, memberKey asc. With
   * `after`, the rows strictly behind that position (keyset pagination).
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
   * Consumes an unused round of `openid` and raises the player's bests (and every membership's
   * ranking rows) in one step. `conflict` when the round was already used or is not the
   * player's: nothing is written then.
   */
  applyScore(submission: ScoreSubmission): Promise<ApplyScoreResult>
  /**
   * Re-applies an already consumed round (a retry whose first attempt may have stopped half-way
   * on a backend without multi-document transactions). Idempotent; returns the bests.
   */
  resumeScore(round: RoundRecord, periodKeys: PeriodKeys): Promise<Record<Period, number>>

  /**
   * Counts one hit in a fixed window; false (and nothing written) when the window already holds
   * `limit` hits.
   */
  takeRateLimit(hit: RateLimitHit): Promise<boolean>

  /** Removes everything stored about the player: profile, bests, rounds, memberships, limits. */
  deleteUserData(openid: string): Promise<void>
}

export interface MembershipRecord {
  groupId: string
  openid: string
  memberKey: string
  joinedAt: number
}

export interface JoinResult {
  joined: boolean
  membership: MembershipRecord
}

/** A position in a ranking; the total order is score desc, achievedAt asc, memberKey asc. */
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
}

/** Whether `a` ranks strictly ahead of `b`. */
export function isAhead(a: RankPosition, b: RankPosition): boolean {
  if (a.score !== b.score) return a.score > b.score
  if (a.achievedAt !== b.achievedAt) return a.achievedAt < b.achievedAt
  return a.memberKey < b.memberKey
}

/** Whether a new best (score, achievedAt) should replace a stored one. */
export function isBetterBest(
  candidate: { score: number; achievedAt: number },
  stored: { score: number; achievedAt: number },
): boolean {
  return (
    candidate.score > stored.score ||
    (candidate.score === stored.score && candidate.achievedAt < stored.achievedAt)
  )
}
