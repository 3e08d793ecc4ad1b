/**
 * The client ↔ server contract of the DingTalk build: how the app reaches the DingTalk HTTP entry
 * (`cloudfunctions/dingtalk`) and what the entry answers besides the leaderboard actions, whose
 * inputs, outputs and error codes stay those of `contract.ts`.
 *
 * Pure TypeScript: imported by `*.dd.ts` platform modules, the server and the local stand-in. The
 * request types are inferred from the schemas the entry parses them with (`dingtalk-schemas.ts`,
 * imported here as types only, so valibot never reaches the dd app).
 */
import type { InferInput } from 'valibot'

import type { ActionError, ActionInput, ActionName } from './contract'
import type { DingTalkRequestSchemas } from './dingtalk-schemas'

/**
 * Query parameters of the cool app's group entry URL. DingTalk fills `$CORPID$` with the corp id
 * and `$ENCCID$` with the group's openConversationId when the entry is opened from a group
 * (group shortcut entry "地址动参"; `$DOUBLE_ENCCID$` when the URL goes through a
 * `dingtalk://` redirect): https://help.dingtalk.io/open/development/create-a-group-plug-in
 * `chatId` is for groups the app created itself through the server-side create-chat API.
 */
export const DINGTALK_ENTRY_QUERY = {
  corpId: 'corpId',
  openConversationId: 'cid',
  chatId: 'chatId',
} as const

/** The entry URL registered for the cool app, with DingTalk's placeholders. */
export function coolAppEntryQuery(): string {
  return `${DINGTALK_ENTRY_QUERY.corpId}=$CORPID$&${DINGTALK_ENTRY_QUERY.openConversationId}=$ENCCID$`
}

/** Paths under the DingTalk HTTP entry's base URL. */
export const DINGTALK_PATHS = {
  /** `{ corpId, authCode }` → `DingTalkSession` (free-login code → userid, server-side). */
  login: '/login',
  /** `{ action, ...input }` of `contract.ts`, with `Authorization: Bearer <sessionToken>`. */
  call: '/leaderboard',
  /** `{ groupId }` → `DingTalkGroupInfo`, members only. */
  group: '/group',
} as const

export interface DingTalkSession {
  /** Signed by the server; the only identity the entry accepts after login. */
  sessionToken: string
  expiresAt: number
  /** The DingTalk name of the signed-in user. */
  name: string | null
}

/** What the group's title line shows: DingTalk lets the app show the real name and owner. */
export interface DingTalkGroupInfo {
  groupId: string
  name: string
  ownerName: string | null
  memberCount: number
}

/** What the dd app sends as the body of request `R` (besides `action` on `DINGTALK_PATHS.call`). */
export type DingTalkRequestBody<R extends keyof DingTalkRequestSchemas> = InferInput<
  DingTalkRequestSchemas[R]
>

/** `DINGTALK_PATHS.login`. */
export type DingTalkLoginRequest = DingTalkRequestBody<'login'>

/**
 * The group claim of `enterGroup` on DingTalk, in place of a CloudID. Exactly one of
 * `openConversationId` (cool-app entry) or `chatId` (a group the app created). Only a claim:
 * the server resolves the group's roster itself and admits the caller only when their userid,
 * taken from the session, is in it.
 */
export type DingTalkGroupClaim = DingTalkRequestBody<'enterGroup'>['dingtalk']

/**
 * The body of each leaderboard action sent to `DINGTALK_PATHS.call`: `enterGroup` carries the
 * claim in place of a CloudID, `getRanking` may carry one (a chatid claim); every other action
 * is the router's input unchanged.
 */
export type DingTalkCallBody<A extends ActionName> = { action: A } & (A extends 'enterGroup'
  ? DingTalkRequestBody<'enterGroup'>
  : A extends 'getRanking'
    ? DingTalkRequestBody<'getRanking'>
    : ActionInput<A>)

/** Envelope of the non-leaderboard paths (`login`, `group`), same shape as the actions'. */
export type DingTalkAnswer<T> = { ok: true; data: T } | { ok: false; error: ActionError }
