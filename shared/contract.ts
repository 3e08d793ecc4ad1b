/**
 * The client ↔ cloud contract: one module that the mini program, the H5 build and the cloud
 * function all import, so an action's name, input, output and error codes cannot drift apart.
 *
 * Pure TypeScript: no `@tarojs/*`, `react` or `wx-server-sdk` here (enforced by ESLint). Each
 * action's input is inferred from its schema in `action-schemas.ts` (imported here as types only,
 * so the app never loads the validation library).
 */
import type { InferInput } from 'valibot'

import type { ActionSchemas } from './action-schemas'

/** The one deployed cloud function; its action router dispatches on `action`. */
export const CLOUD_FUNCTION_NAME = 'leaderboard'

export const PERIODS = ['today', 'week', 'all'] as const
/** Ranking windows. Days and weeks are counted in Asia/Shanghai; weeks start on Monday. */
export type Period = (typeof PERIODS)[number]

/** Largest ranking page the server returns. */
export const MAX_PAGE_SIZE = 100
/** Page size the server uses when the request names none. */
export const DEFAULT_PAGE_SIZE = 50
export const NICKNAME_MAX_LENGTH = 20
/** Length of a game round in milliseconds (the built-in 10-second tap challenge). */
export const ROUND_DURATION_MS = 10_000
/** 20 taps per second for 10 s is beyond any human; anything above is not a real round. */
export const MAX_SCORE = 200
/**
 * How long a proof of membership (opening the group's card) is honoured by default. WeChat never
 * tells a server who left a group, so membership has to be proven again from time to time.
 */
export const PROOF_MAX_AGE_MS = 30 * 24 * 60 * 60 * 1000

export const ERROR_CODES = [
  /** The input does not have the shape the action expects (types, ranges, lengths). */
  'INVALID_INPUT',
  /** The caller's context carries no OPENID (not called from a signed-in mini program). */
  'UNAUTHENTICATED',
  /** The action name is not one of `ACTIONS`. */
  'UNKNOWN_ACTION',
  /** A CloudID field is missing its open data, is not top-level, or is unknown (SDK -601005). */
  'CLOUD_ID_INVALID',
  /** The CloudID is older than five minutes (SDK -601006). */
  'CLOUD_ID_EXPIRED',
  /** The CloudID was issued to another user (SDK -601007). */
  'CLOUD_ID_NOT_OWNED',
  /** Legacy encryptedData/iv could not be decrypted or parsed (WXBizDataCrypt -41001…-41004). */
  'OPEN_DATA_INVALID',
  /** The open data's watermark names another mini program. */
  'WATERMARK_MISMATCH',
  /** The open data carries no group id (e.g. it came from a single chat). */
  'NOT_A_GROUP',
  /** code2Session failed (invalid or used code, rate limit, risky user). */
  'SESSION_INVALID',
  /** The caller is not (or no longer) a member of the group. */
  'NOT_GROUP_MEMBER',
  /** The round token is unknown or belongs to someone else. */
  'ROUND_NOT_FOUND',
  /** The round token was already used by another request. */
  'ROUND_ALREADY_USED',
  /** The round token is too old to submit. */
  'ROUND_EXPIRED',
  /** The score cannot have been reached in the round's duration. */
  'SCORE_IMPLAUSIBLE',
  /** Too many requests from this user in a short time. */
  'RATE_LIMITED',
  /** An unexpected failure; details are only in the server log. */
  'INTERNAL',
  /** DingTalk kept answering "system busy" (-1) after the bounded retries. */
  'PLATFORM_BUSY',
  /** DingTalk refused the app: no permission (43007), unknown corp (70001), token rejected twice (40001). */
  'PLATFORM_DENIED',
  /**
   * The caller's last proof of membership in this group (a CloudID or legacy open data from the
   * group's card) is older than the server's proof age (`PROOF_MAX_AGE_MS` by default): open the
   * group's card again.
   */
  'PROOF_EXPIRED',
  /** The request lacks what the current app sends (e.g. a round's tap timeline): update the app. */
  'CLIENT_OUTDATED',
] as const
export type ErrorCode = (typeof ERROR_CODES)[number]

export interface ActionError {
  code: ErrorCode
  message: string
  /** With `RATE_LIMITED`: how long until the next call of this action is admitted. */
  retryAfterMs?: number
}

/** Every action answers with this envelope; a handler never throws across the wire. */
export type Envelope<T> = { ok: true; data: T } | { ok: false; error: ActionError }

/** One line of a ranking. `memberKey` is opaque and stable per group; never an openid. */
export interface RankingRow {
  rank: number
  memberKey: string
  /** Null when the member has not set a profile; the client shows a neutral fallback. */
  nickname: string | null
  avatarUrl: string | null
  score: number
  /** True on the caller's own row. */
  isMe: boolean
  /**
   * DingTalk only, where the server knows the whole roster: false for a member without a score in
   * this window (listed after everyone who played, shown as "未参与"). Absent means played.
   */
  played?: boolean
}

export interface RankingPage {
  /** The group's opengid, as resolved by the server; usable with `<open-data type="groupName">`. */
  groupId: string
  period: Period
  rows: RankingRow[]
  /** Pass back as `cursor` to get the next page; null on the last page. */
  nextCursor: string | null
  /** The caller's own row, even when it is not on this page; null when the caller has no score. */
  me: RankingRow | null
  memberCount: number
  /**
   * Members with a score in this window (the rows of all pages together, `played: false` rows
   * excepted): with `memberCount` it gives the count line before the last page is loaded.
   */
  scoredCount: number
}

export interface Profile {
  nickname: string | null
  avatarUrl: string | null
}

export interface GroupSummary {
  groupId: string
  memberCount: number
  /** The caller's all-time rank in the group, null without a score. */
  myRank: number | null
  myScore: number | null
  joinedAt: number
  /**
   * Present (true) when the caller's last proof of membership is older than the server's proof
   * age: the group's ranking answers `PROOF_EXPIRED` until the member opens its card again.
   */
  proofExpired?: true
}

export interface Round {
  roundToken: string
  startedAt: number
  durationMs: number
  /** After this instant the round can no longer be submitted. */
  expiresAt: number
}

export interface SubmitResult {
  /** The submitted score, counted once even when the request is retried. */
  score: number
  /** The player's best per period after this submission. */
  best: Record<Period, number>
  /** False when this request id had already been applied (a retry). */
  applied: boolean
}

/**
 * Subscribe messages (one-time templates). Each acceptance in \`wx.requestSubscribeMessage\` lets the
 * server send one message of that template; the server counts them as credits per player.
 */
export const NOTICE_KINDS = ['overtaken', 'weekly'] as const
/** `overtaken`: someone passed you in a group; `weekly`: a group's results of the week just ended. */
export type NoticeKind = (typeof NOTICE_KINDS)[number]

/** Template ids per kind, from the server config (null: that message is not configured). */
export type NoticeTemplates = Record<NoticeKind, string | null>

/** What `wx.requestSubscribeMessage` answers per template id (`filter`: same-title template). */
export const SUBSCRIBE_RESULTS = ['accept', 'reject', 'ban', 'filter'] as const
export type SubscribeResult = (typeof SUBSCRIBE_RESULTS)[number]

/** The page a notice opens, with the group whose ranking it shows. */
export const NOTICE_PAGE = 'pages/ranking/index'

/** What the app sends for action `A`: inferred from the schema the router parses it with. */
type SchemaInput<A extends keyof ActionSchemas> = InferInput<ActionSchemas[A]>

/** Inputs (the schemas in `action-schemas.ts` document each field) and outputs of every action. */
export interface ActionMap {
  enterGroup: {
    input: SchemaInput<'enterGroup'>
    output: {
      ranking: RankingPage
      profile: Profile
      joined: boolean
      /** The subscribe-message template ids, present when the server has any configured. */
      notices?: NoticeTemplates
    }
  }
  getRanking: { input: SchemaInput<'getRanking'>; output: RankingPage }
  startRound: { input: SchemaInput<'startRound'>; output: Round }
  submitScore: { input: SchemaInput<'submitScore'>; output: SubmitResult }
  updateProfile: { input: SchemaInput<'updateProfile'>; output: Profile }
  getProfile: { input: SchemaInput<'getProfile'>; output: Profile }
  listMyGroups: { input: SchemaInput<'listMyGroups'>; output: { groups: GroupSummary[] } }
  leaveGroup: { input: SchemaInput<'leaveGroup'>; output: { left: boolean } }
  deleteMyData: { input: SchemaInput<'deleteMyData'>; output: { deleted: boolean } }
  /**
   * Records what \`wx.requestSubscribeMessage\` answered (its success result without \`errMsg\`):
   * each \`accept\` of a configured template is one more message the server may send.
   */
  subscribe: {
    input: SchemaInput<'subscribe'>
    output: { credits: Record<NoticeKind, number> }
  }
  /** The "上周" view: the group's podium of the week that ended last Sunday, and my rank then. */
  getLastWeek: { input: SchemaInput<'getLastWeek'>; output: LastWeek }
}

export interface LastWeek {
  groupId: string
  /** `YYYY-MM-DD` of the Monday that started that week (Shanghai). */
  weekStart: string
  /** First three of that week's ranking (ranks 1–3); empty when nobody played. */
  podium: RankingRow[]
  /** My row of that week, null without a score that week. */
  me: RankingRow | null
  /** Members with a score that week, once the week is closed (null before). */
  scorers: number | null
}

export type ActionName = keyof ActionMap
export type ActionInput<A extends ActionName> = ActionMap[A]['input']
export type ActionOutput<A extends ActionName> = ActionMap[A]['output']

export const ACTIONS = [
  'enterGroup',
  'getRanking',
  'startRound',
  'submitScore',
  'updateProfile',
  'getProfile',
  'listMyGroups',
  'leaveGroup',
  'deleteMyData',
  'subscribe',
  'getLastWeek',
] as const satisfies readonly ActionName[]

export function isActionName(value: unknown): value is ActionName {
  return typeof value === 'string' && (ACTIONS as readonly string[]).includes(value)
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value)
}

/** True for anything shaped like this contract's envelope, as a client receives it over the wire. */
export function isEnvelope(value: unknown): value is Envelope<unknown> {
  if (typeof value !== 'object' || value === null || !('ok' in value)) return false
  const candidate = value as { ok: unknown; error?: { code?: unknown } }
  return candidate.ok === true || (candidate.ok === false && isErrorCode(candidate.error?.code))
}

export function ok<T>(data: T): Envelope<T> {
  return { ok: true, data }
}

export function fail<T = never>(
  code: ErrorCode,
  message: string,
  retryAfterMs?: number,
): Envelope<T> {
  return {
    ok: false,
    error: retryAfterMs === undefined ? { code, message } : { code, message, retryAfterMs },
  }
}
