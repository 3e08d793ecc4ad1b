import * as v from 'valibot'

import { groupId } from '../../shared/action-schemas'
import { Failure, ownField } from './validation'

/**
 * How old legacy open data may be. A CloudID lives 5 minutes ("cloudID 有效期五分钟", wx.cloud.CloudID /
 * getGroupEnterInfo docs); encryptedData has no expiry of its own, only `watermark.timestamp` (seconds)
 * and the session_key, which WeChat does not rotate on every login. Holding legacy data to the same
 * lifetime stops a captured encryptedData + iv from being replayed with a fresh login code later.
 */
export const OPEN_DATA_MAX_AGE_MS = 5 * 60 * 1000
/** Phone and server clocks disagree a little; the watermark is stamped by WeChat's server, not the phone. */
export const WATERMARK_CLOCK_SKEW_MS = 60 * 1000

/** chat_type values of getGroupEnterInfo: 1 WeChat single chat, 2 WeCom single chat. */
const SINGLE_CHAT_TYPES = new Set([1, 2])

function isGroupId(value: unknown): value is string {
  return v.is(groupId, value)
}

/**
 * Extracts the group id from decrypted or CloudID-resolved open data.
 *
 * getGroupEnterInfo names the field `opengid`, the older getShareInfo `openGId`; both are
 * accepted. The watermark is checked first: open data minted for another mini program must never
 * bind anyone, whatever group it names.
 */
export function extractGroupId(data: unknown, callerAppid: string): string {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new Failure('OPEN_DATA_INVALID', 'The open data is not an object.')
  }
  const watermark = ownField(data, 'watermark')
  const watermarkAppid =
    typeof watermark === 'object' && watermark !== null ? ownField(watermark, 'appid') : undefined
  if (typeof watermarkAppid !== 'string' || callerAppid === '' || watermarkAppid !== callerAppid) {
    throw new Failure('WATERMARK_MISMATCH', 'The open data was not issued to this mini program.')
  }
  const chatType = ownField(data, 'chat_type')
  if (typeof chatType === 'number' && SINGLE_CHAT_TYPES.has(chatType)) {
    throw new Failure('NOT_A_GROUP', 'The card was opened from a single chat, not a group.')
  }
  const lower = ownField(data, 'opengid')
  const upper = ownField(data, 'openGId')
  if (lower !== undefined && upper !== undefined && lower !== upper) {
    throw new Failure('OPEN_DATA_INVALID', 'The open data names two different groups.')
  }
  const groupId = lower ?? upper
  if (!isGroupId(groupId)) {
    throw new Failure('NOT_A_GROUP', 'The open data carries no group id.')
  }
  return groupId
}

/**
 * Refuses decrypted legacy open data whose watermark is older than a CloudID may live (or stamped
 * in the future beyond the skew allowance). Same error as an expired CloudID: the remedy for the
 * member is the same, open the card again.
 */
export function assertFreshWatermark(data: unknown, nowMs: number): void {
  const watermark =
    typeof data === 'object' && data !== null ? ownField(data, 'watermark') : undefined
  const timestamp =
    typeof watermark === 'object' && watermark !== null
      ? ownField(watermark, 'timestamp')
      : undefined
  if (typeof timestamp !== 'number' || !Number.isFinite(timestamp)) {
    throw new Failure('OPEN_DATA_INVALID', 'The open data carries no watermark timestamp.')
  }
  const issuedAtMs = timestamp * 1000
  if (
    issuedAtMs < nowMs - OPEN_DATA_MAX_AGE_MS - WATERMARK_CLOCK_SKEW_MS ||
    issuedAtMs > nowMs + WATERMARK_CLOCK_SKEW_MS
  ) {
    throw new Failure('CLOUD_ID_EXPIRED', 'The group data is too old; open the card again.')
  }
}
