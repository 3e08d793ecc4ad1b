/**
 * The seam between the DingTalk entry and DingTalk's open platform. Production wires it to HTTPS
 * (`adapters/dingtalk-open-api.ts`); locally and in tests the same adapter talks to the stand-in
 * in `local/dingtalk`. Every DingTalk failure arrives typed, never as a bare errcode.
 */

/**
 * Failure kinds. The first six are the error codes of `chat/get` (seed 004):
 * 43007 → NO_PERMISSION, 49000 → MISSING_CHAT_ID, 40001 → TOKEN_INVALID, 70001 → CORP_NOT_FOUND,
 * 40016 → INVALID_CHAT_ID, -1 → BUSY. AUTH_CODE_INVALID is any refusal of a free-login code
 * (unknown, used or older than 5 minutes).
 */
export type DingTalkFailureKind =
  | 'NO_PERMISSION'
  | 'MISSING_CHAT_ID'
  | 'TOKEN_INVALID'
  | 'CORP_NOT_FOUND'
  | 'INVALID_CHAT_ID'
  | 'BUSY'
  | 'AUTH_CODE_INVALID'
  | 'UNEXPECTED'

export class DingTalkApiError extends Error {
  constructor(
    readonly kind: DingTalkFailureKind,
    /** DingTalk's errcode (legacy APIs) or HTTP status + code (v1.0 APIs), for the log. */
    readonly detail: string,
  ) {
    super(`DingTalk ${kind} (${detail})`)
    this.name = 'DingTalkApiError'
  }
}

export interface DingTalkUser {
  userId: string
  name: string | null
}

export interface DingTalkGroup {
  name: string
  ownerUserId: string | null
  userIds: string[]
}

export interface DingTalkOpenApi {
  /** Free-login code → user (`POST /topapi/v2/user/getuserinfo`). */
  userByAuthCode(code: string): Promise<DingTalkUser>
  /** A group the app created (`GET /chat/get`): name, owner and `useridlist`. */
  getChat(chatId: string): Promise<DingTalkGroup>
  /** A group with the cool app installed (`/v1.0/im/sceneGroups/query` + `members/batchQuery`). */
  getSceneGroup(openConversationId: string): Promise<DingTalkGroup>
  /**
   * The openConversationId of a group known by its chatid
   * (`POST /v1.0/im/chat/{chatId}/convertToOpenConversationId`).
   */
  openConversationIdOf(chatId: string): Promise<string>
  /** A user's display name (`POST /topapi/v2/user/get`); null when DingTalk has none. */
  userName(userId: string): Promise<string | null>
}
