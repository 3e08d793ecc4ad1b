/**
 * Base library version rules. `wx.getGroupEnterInfo` opens group cards from base library 2.17.3;
 * below it the app falls back to `wx.login` + `wx.getShareInfo`, which is unmaintained but works.
 */
export const GROUP_ENTER_INFO_MIN_VERSION = '2.17.3'

/** Compares dotted versions numerically ("2.10.0" > "2.9.9"); missing parts count as 0. */
export function compareVersions(a: string, b: string): number {
  const left = a.split('.').map((part) => Number.parseInt(part, 10) || 0)
  const right = b.split('.').map((part) => Number.parseInt(part, 10) || 0)
  const length = Math.max(left.length, right.length)
  for (let index = 0; index < length; index += 1) {
    const difference = (left[index] ?? 0) - (right[index] ?? 0)
    if (difference !== 0) return difference < 0 ? -1 : 1
  }
  return 0
}

export type GroupOpenDataApi = 'getGroupEnterInfo' | 'getShareInfo'

export function chooseGroupOpenDataApi(sdkVersion: string): GroupOpenDataApi {
  return compareVersions(sdkVersion, GROUP_ENTER_INFO_MIN_VERSION) >= 0
    ? 'getGroupEnterInfo'
    : 'getShareInfo'
}

/** From 3.7.8 getGroupEnterInfo takes `allowSingleChat` and answers single chats with open data. */
export const ALLOW_SINGLE_CHAT_MIN_VERSION = '3.7.8'

export function supportsAllowSingleChat(sdkVersion: string): boolean {
  return compareVersions(sdkVersion, ALLOW_SINGLE_CHAT_MIN_VERSION) >= 0
}
