import { Failure, GROUP_ID_RULE } from './validation'

/** chat_type values of getGroupEnterInfo: 1 WeChat single chat, 2 WeCom single chat. */
const SINGLE_CHAT_TYPES = new Set([1, 2])

function dataField(data: object, key: string): unknown {
  const descriptor = Object.getOwnPropertyDescriptor(data, key)
  return descriptor && 'value' in descriptor ? descriptor.value : undefined
}

function isGroupId(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    value.length >= 1 &&
    value.length <= GROUP_ID_RULE.max &&
    (GROUP_ID_RULE.pattern?.test(value) ?? true)
  )
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
  const watermark = dataField(data, 'watermark')
  const watermarkAppid =
    typeof watermark === 'object' && watermark !== null ? dataField(watermark, 'appid') : undefined
  if (typeof watermarkAppid !== 'string' || callerAppid === '' || watermarkAppid !== callerAppid) {
    throw new Failure('WATERMARK_MISMATCH', 'The open data was not issued to this mini program.')
  }
  const chatType = dataField(data, 'chat_type')
  if (typeof chatType === 'number' && SINGLE_CHAT_TYPES.has(chatType)) {
    throw new Failure('NOT_A_GROUP', 'The card was opened from a single chat, not a group.')
  }
  const lower = dataField(data, 'opengid')
  const upper = dataField(data, 'openGId')
  if (lower !== undefined && upper !== undefined && lower !== upper) {
    throw new Failure('OPEN_DATA_INVALID', 'The open data names two different groups.')
  }
  const groupId = lower ?? upper
  if (!isGroupId(groupId)) {
    throw new Failure('NOT_A_GROUP', 'The open data carries no group id.')
  }
  return groupId
}
