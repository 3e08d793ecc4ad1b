/**
 * WeChat platform facts that the app, the functions and the local stand-ins all depend on, each
 * written once. Values come from the official pages cited next to them.
 */

/**
 * Launch scenes (https://developers.weixin.qq.com/miniprogram/dev/reference/scene-list.html).
 * Only 1044 carries a shareTicket, so only it can prove a group.
 */
export const SCENE = {
  /** 1001: the recently used list of 发现栏小程序主入口. */
  recentList: 1001,
  /** 1007: a card opened in a single chat. */
  singleChatCard: 1007,
  /** 1008: a card opened in a group chat, shared without a ticket. */
  groupCardWithoutTicket: 1008,
  /** 1014: a subscribe message in 服务通知 ("小程序订阅消息（与1107相同）"). */
  subscribeMessage: 1014,
  /** 1044: a card with a shareTicket (a group chat; Android also reports it for a forwarded one). */
  groupCardWithTicket: 1044,
} as const

/** The SDK codes of a CloudID that does not resolve, by name. */
export const CLOUD_ID_SDK_ERROR = { invalid: -601005, expired: -601006, notOwned: -601007 } as const

/**
 * wx-server-sdk's `ERR_CODE` for a CloudID that does not resolve. A client sees the code when its
 * `wx.cloud.callFunction` fails before the function runs; a function sees it from
 * `cloud.getOpenData`. `errMsg` is the SDK's description, `code` this contract's error code.
 */
export const CLOUD_ID_SDK_ERRORS = {
  [CLOUD_ID_SDK_ERROR.invalid]: { code: 'CLOUD_ID_INVALID', errMsg: 'invalid cloudID' },
  [CLOUD_ID_SDK_ERROR.expired]: { code: 'CLOUD_ID_EXPIRED', errMsg: 'cloudID expired' },
  [CLOUD_ID_SDK_ERROR.notOwned]: {
    code: 'CLOUD_ID_NOT_OWNED',
    errMsg: 'cloudID and calling user does not match',
  },
} as const
export type CloudIdSdkErrorCode = keyof typeof CLOUD_ID_SDK_ERRORS
export type CloudIdFailure = (typeof CLOUD_ID_SDK_ERRORS)[CloudIdSdkErrorCode]['code']

/** The CloudID error of an SDK code, or null for any other code. */
export function cloudIdSdkError(
  errCode: number | null | undefined,
): (typeof CLOUD_ID_SDK_ERRORS)[CloudIdSdkErrorCode] | null {
  if (errCode === null || errCode === undefined) return null
  return Object.hasOwn(CLOUD_ID_SDK_ERRORS, errCode)
    ? CLOUD_ID_SDK_ERRORS[errCode as CloudIdSdkErrorCode]
    : null
}

/** A CloudID is valid for five minutes after it was issued (wx.cloud.CloudID, SDK -601006). */
export const CLOUD_ID_LIFE_MS = 5 * 60_000
