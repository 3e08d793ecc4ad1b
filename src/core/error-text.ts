import type { ErrorCode } from '../../shared/contract'

/**
 * Failures the client names itself: no network, timeout, SDK failure (NETWORK); a picked file the
 * file store refuses as not an image (NOT_AN_IMAGE, HTTP 415 mapped at the platform edge).
 */
export type ClientErrorCode = ErrorCode | 'NETWORK' | 'NOT_AN_IMAGE'

/**
 * What the user reads for each error. The server's `message` is for developers (logs, DevTools);
 * the screen shows these.
 */
const USER_TEXT: Record<ClientErrorCode, string> = {
  NETWORK: '网络不太好，请稍后重试',
  NOT_AN_IMAGE: '选的文件不是图片，请换一张照片',
  INVALID_INPUT: '提交的内容不符合要求',
  UNAUTHENTICATED: '请在微信中打开小程序',
  UNKNOWN_ACTION: '小程序版本过旧，请更新后重试',
  CLOUD_ID_INVALID: '群信息无效，请回到群聊重新点开卡片',
  CLOUD_ID_EXPIRED: '群信息已过期，请回到群聊重新点开卡片',
  CLOUD_ID_NOT_OWNED: '群信息不属于你，请从自己的微信点开卡片',
  OPEN_DATA_INVALID: '没能读取群信息，请回到群聊重新点开卡片',
  WATERMARK_MISMATCH: '群信息来自其他小程序',
  NOT_A_GROUP: '这张卡片不是从群聊打开的',
  SESSION_INVALID: '登录已失效，请重新打开小程序',
  NOT_GROUP_MEMBER: '你不在这个群的排行榜中',
  ROUND_NOT_FOUND: '这一局已失效，请重新开始',
  ROUND_ALREADY_USED: '这一局的成绩已经提交过了',
  ROUND_EXPIRED: '这一局已超时，请重新开始',
  SCORE_IMPLAUSIBLE: '成绩异常，未被记录',
  RATE_LIMITED: '操作太频繁，请稍后再试',
  INTERNAL: '服务暂时出了点问题，请稍后重试',
  PLATFORM_BUSY: '钉钉繁忙，请稍后重试',
  PLATFORM_DENIED: '应用没有读取这个群的权限，请联系管理员',
  PROOF_EXPIRED: '很久没有从群里打开了，请回到群聊重新点开卡片',
  CLIENT_OUTDATED: '小程序版本过旧，请更新后再玩',
}

export function userText(code: ClientErrorCode): string {
  return USER_TEXT[code]
}

/**
 * The text of a failed call. A rate-limited call says when to try again (the server's
 * `retryAfterMs`, rounded up to whole seconds).
 */
export function errorText(error: { code: ClientErrorCode; retryAfterMs?: number }): string {
  const { code, retryAfterMs } = error
  if (code === 'RATE_LIMITED' && typeof retryAfterMs === 'number' && retryAfterMs > 0) {
    return `操作太频繁，请 ${Math.ceil(retryAfterMs / 1000)} 秒后再试`
  }
  return USER_TEXT[code]
}
