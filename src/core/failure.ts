import { CLOUD_ID_LIFE_MS, cloudIdSdkError } from '../../shared/wechat-facts'
import type { ClientErrorCode } from './error-text'

/**
 * What a failed step means for the member, and so what the screen offers:
 * - `transient`: the network, a timeout or a busy server; the same step may work in a moment, so
 *   the screen keeps the member's place and offers 重试 and pull-down;
 * - `stale-credential`: the group's open data expired before the server read it; a fresh
 *   `getGroupEnterInfo` / `getShareInfo` with the stored ticket fixes it;
 * - `reopen-from-card`: the card's open data cannot be used; only a fresh tap on the card helps;
 * - `not-a-group`, `not-a-member`: no ranking can be shown here; the share prompt says why.
 */
export type FailureKind =
  | 'transient'
  | 'stale-credential'
  | 'reopen-from-card'
  | 'not-a-group'
  | 'not-a-member'
  | 'refused'

export function classifyCallFailure(code: ClientErrorCode): FailureKind {
  switch (code) {
    case 'NETWORK':
    case 'INTERNAL':
    case 'RATE_LIMITED':
      return 'transient'
    case 'CLOUD_ID_EXPIRED':
      return 'stale-credential'
    case 'CLOUD_ID_INVALID':
    case 'CLOUD_ID_NOT_OWNED':
    case 'OPEN_DATA_INVALID':
    case 'WATERMARK_MISMATCH':
    case 'SESSION_INVALID':
    case 'PROOF_EXPIRED':
      return 'reopen-from-card'
    case 'NOT_A_GROUP':
      return 'not-a-group'
    case 'NOT_GROUP_MEMBER':
      return 'not-a-member'
    default:
      return 'refused'
  }
}

/** 40097: the opening is not a group scene (or the ticket is not this user's). */
export const ERR_WRONG_SCENE = 40097
/** 65206: the user is no longer in the group the card came from. */
export const ERR_NOT_IN_GROUP = 65206

export type OpenDataFailureKind = 'wrong-scene' | 'left-group' | 'transient'

/** getGroupEnterInfo / getShareInfo errors: anything but the two documented codes is transport. */
export function classifyOpenDataFailure(errCode: number): OpenDataFailureKind {
  if (errCode === ERR_WRONG_SCENE) return 'wrong-scene'
  if (errCode === ERR_NOT_IN_GROUP) return 'left-group'
  return 'transient'
}

/** Resend a CloudID only with this much life left: the request itself takes time to arrive. */
const CLOUD_ID_MARGIN_MS = 30_000

export function cloudIdMayHaveExpired(obtainedAt: number, now: number): boolean {
  return now - obtainedAt >= CLOUD_ID_LIFE_MS - CLOUD_ID_MARGIN_MS
}

/**
 * The client error of a rejected cloud call. A CloudID that does not resolve fails the whole
 * `wx.cloud.callFunction` before the function runs, with the SDK's code: that is an answer about
 * the credential, not a transport failure, and must not be retried as one.
 */
export function rejectedCallCode(errCode: number | undefined): ClientErrorCode {
  return cloudIdSdkError(errCode)?.code ?? 'NETWORK'
}
