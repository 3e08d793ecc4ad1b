/**
 * The DingTalk edge (Taro resolves this file for `--type dd`; the simulator's H5 DingTalk build
 * uses it too): the same `PlatformServices` port, answered by the DingTalk HTTP entry
 * (`cloudfunctions/dingtalk`, CloudBase HTTP access) instead of `wx.cloud`.
 *
 * - Identity: `dd.getAuthCode({ corpId })` gives a free-login code (single use, 5 minutes); the
 *   server exchanges it for the userid and answers a session token, sent as a Bearer token.
 *   https://help.dingtalk.io/open/development/obtain-the-userid-of-a-user-by-using-the-log-free
 * - Group: the cool-app entry's claim (enter-options.dd.ts) is sent with `enterGroup`; the server
 *   decides membership from the group's roster. A chatid claim also goes with `getRanking` and
 *   `group`: the server keys the group by its openConversationId and reads the roster of a group
 *   without the cool app through `chat/get`, which needs the chatid.
 * - Transport: `Taro.request` (dd.httpRequest in DingTalk, fetch in H5) to
 *   `TARO_APP_DINGTALK_API` (the HTTP access URL; relative `/api/dingtalk` in the local preview).
 */
import Taro from '@tarojs/taro'

import { type ActionName, isEnvelope } from '../../shared/contract'
import {
  DINGTALK_PATHS,
  type DingTalkCallBody,
  type DingTalkGroupClaim,
  type DingTalkGroupInfo,
  type DingTalkLoginRequest,
  type DingTalkRequestBody,
  type DingTalkSession,
} from '../../shared/dingtalk-contract'
import { ALLOW_SINGLE_CHAT_MIN_VERSION } from '../core/base-library'
import type { CallResult, GroupOpenDataResult, PlatformServices } from '../core/platform-port'
import { decodeClaim } from './dingtalk-claim'
import { retryOnceOnNetworkFailure } from './retry-policy'
import { cacheOn, clockAndIds } from './services-common'

interface DdAuthCodeApi {
  getAuthCode(options: {
    corpId: string
    success: (result: { authCode: string }) => void
    fail: (error: { errorCode?: number; errorMessage?: string }) => void
  }): void
}

/** DingTalk's global JSAPI object (the mini program's, or the container's in an H5 page). */
declare const dd: DdAuthCodeApi | undefined

const API_BASE = process.env.TARO_APP_DINGTALK_API || '/api/dingtalk'
/** Renew a little before the server's expiry rather than fail a call. */
const SESSION_MARGIN_MS = 60_000
/** The error code this module reports when `dd.getAuthCode` fails (not a DingTalk code). */
const AUTH_CODE_FAILED = -2

let session: DingTalkSession | null = null
let corpId: string | null = null
/** The chatid claim the app was last opened with; the server ignores it for other groups. */
let chatClaim: DingTalkGroupClaim | null = null

function requestAuthCode(corp: string): Promise<string | null> {
  if (typeof dd === 'undefined') return Promise.resolve(null)
  return new Promise((resolve) => {
    dd.getAuthCode({
      corpId: corp,
      success: (result) => resolve(result.authCode),
      fail: () => resolve(null),
    })
  })
}

async function post<T>(path: string, data: unknown, token?: string): Promise<CallResult<T>> {
  try {
    const response = await Taro.request({
      url: `${API_BASE}${path}`,
      method: 'POST',
      data: data as Record<string, unknown>,
      header: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
    })
    const body: unknown = response.data
    if (response.statusCode === 200 && isEnvelope(body)) return body as CallResult<T>
    return {
      ok: false,
      error: { code: 'NETWORK', message: `请求失败 (${response.statusCode})` },
    }
  } catch {
    return { ok: false, error: { code: 'NETWORK', message: '网络请求失败' } }
  }
}

/**
 * Kept in memory only: a reopened app signs in again with a fresh free-login code, which costs one
 * request and never hands one member's session to another on a shared device or origin.
 */
function storedSession(now: number): DingTalkSession | null {
  return session && session.expiresAt - SESSION_MARGIN_MS > now ? session : null
}

async function signIn(corp: string): Promise<DingTalkSession | null> {
  const authCode = await requestAuthCode(corp)
  if (authCode === null) return null
  const answer = await post<DingTalkSession>(DINGTALK_PATHS.login, {
    corpId: corp,
    authCode,
  } satisfies DingTalkLoginRequest)
  if (!answer.ok) return null
  session = answer.data
  return session
}

async function ensureSession(): Promise<DingTalkSession | null> {
  const current = storedSession(Date.now())
  if (current) return current
  return corpId ? signIn(corpId) : null
}

/** Calls the entry with the session; signs in again once when the server no longer accepts it. */
async function callEntry<T>(path: string, data: unknown): Promise<CallResult<T>> {
  const current = await ensureSession()
  if (current === null) {
    return { ok: false, error: { code: 'UNAUTHENTICATED', message: '请在钉钉群中打开应用' } }
  }
  const answer = await retryOnceOnNetworkFailure(() => post<T>(path, data, current.sessionToken))
  if (answer.ok || answer.error.code !== 'UNAUTHENTICATED' || corpId === null) return answer
  session = null
  const renewed = await signIn(corpId)
  return renewed ? post<T>(path, data, renewed.sessionToken) : answer
}

/** The group's real name and owner, as DingTalk lets the app show them (members only). */
export async function readGroupInfo(groupId: string): Promise<DingTalkGroupInfo | null> {
  const answer = await callEntry<DingTalkGroupInfo>(DINGTALK_PATHS.group, {
    groupId,
    ...(chatClaim ? { dingtalk: chatClaim } : {}),
  } satisfies DingTalkRequestBody<'group'>)
  return answer.ok ? answer.data : null
}

export const platformServices: PlatformServices = {
  sdkVersion() {
    // Only WeChat's base-library choice reads this; DingTalk has one entry path.
    return ALLOW_SINGLE_CHAT_MIN_VERSION
  },

  async getGroupOpenData(ticket): Promise<GroupOpenDataResult> {
    const claim = decodeClaim(ticket)
    if (claim === null) return { ok: false, errCode: AUTH_CODE_FAILED, errMsg: 'no group claim' }
    corpId = claim.corpId
    // Always a fresh sign-in on a group opening: the user may have switched accounts.
    session = null
    const signedIn = await signIn(claim.corpId)
    if (signedIn === null) {
      return { ok: false, errCode: AUTH_CODE_FAILED, errMsg: 'getAuthCode:fail' }
    }
    // The shared flow's "legacy" credential: the claim stands in for the encrypted group data and
    // the session for the login code; services.enterGroup below turns it back into the claim.
    return { ok: true, cloudID: null, encryptedData: ticket, iv: claim.corpId, code: 'session' }
  },

  async enterGroup(credential, { period }) {
    const claim: DingTalkGroupClaim | null =
      'encryptedData' in credential ? decodeClaim(credential.encryptedData) : null
    if (claim === null) {
      return { ok: false, error: { code: 'NOT_A_GROUP', message: '请从钉钉群的应用入口打开' } }
    }
    chatClaim = claim.chatId === undefined ? null : claim
    return callEntry(DINGTALK_PATHS.call, {
      action: 'enterGroup',
      period,
      dingtalk: claim,
    } satisfies DingTalkCallBody<'enterGroup'>)
  },

  call(action: ActionName, input) {
    const claim = action === 'getRanking' && chatClaim ? { dingtalk: chatClaim } : {}
    return callEntry(DINGTALK_PATHS.call, { ...input, ...claim, action })
  },

  async uploadAvatar() {
    // DingTalk members are shown with their DingTalk name; avatar upload needs a file store the
    // DingTalk entry does not have yet.
    return { ok: false, error: { code: 'INVALID_INPUT', message: '钉钉版暂不支持上传头像' } }
  },

  ...cacheOn({
    get: (key) => Taro.getStorageSync(key),
    set: (key, value) => Taro.setStorageSync(key, value),
  }),

  ...clockAndIds,

  // Subscribe messages are a WeChat capability; this platform offers no consent.
  async requestSubscribe() {
    return { ok: false, errCode: -1, errMsg: 'requestSubscribeMessage:fail not supported' }
  },

  async readSubscriptionSetting() {
    return null
  },

  async openSubscriptionSetting() {
    return null
  },
}
