/**
 * The H5 edge (Taro resolves this file instead of `services.ts` for `--type h5`): the same
 * `PlatformServices` port, answered by the local server of `npm start` instead of `wx`.
 *
 * - Identity: the simulator opens each phone with `?session=<token>`; every request carries it as
 *   `Authorization: Bearer <token>` and the server maps it to (appid, openid), as the platform
 *   attaches the signed-in user to a real `callFunction`.
 * - Cloud calls: `POST /api/cloud/leaderboard` with `{ action, ...input }`. A CloudID travels as
 *   the `{ $cloudID }` marker in a top-level field; the server-side runtime replaces it, exactly
 *   like `wx.cloud.CloudID` on the platform.
 * - Group open data and login: `POST /api/wechat/{getGroupEnterInfo,getShareInfo,login}` against
 *   the WeChat stand-in.
 * - Avatars: `POST /api/files`; the returned `/files/…` URL is what the profile stores (the
 *   backend accepts that prefix as a local file).
 */
import { CLOUD_ID_MARKER_KEY } from '../../local/host-protocol'
import {
  type ActionName,
  CLOUD_FUNCTION_NAME,
  isEnvelope,
  SUBSCRIBE_RESULTS,
  type SubscribeResult,
} from '../../shared/contract'
import type { GroupOpenDataApi } from '../core/base-library'
import { rejectedCallCode } from '../core/failure'
import type { SubscriptionSetting } from '../core/notice-consent'
import type { CallResult, GroupOpenDataResult, PlatformServices } from '../core/platform-port'
import { retryOnceOnNetworkFailure, retryOnceOnWrongScene } from './retry-policy'

/** What the simulator's base-library switch defaults to: new enough for getGroupEnterInfo. */
const DEFAULT_SDK_VERSION = '3.7.8'

function launchQuery(): URLSearchParams {
  return new URLSearchParams(window.location.search)
}

const session = launchQuery().get('session') ?? ''

function authHeaders(extra: Record<string, string> = {}): Record<string, string> {
  return { authorization: `Bearer ${session}`, ...extra }
}

/** POSTs JSON to the local server; `status` 0 means the server could not be reached. */
export async function postLocal<T>(
  path: string,
  body: unknown,
): Promise<{ status: number; body: T | null }> {
  try {
    const response = await fetch(path, {
      method: 'POST',
      headers: authHeaders({ 'content-type': 'application/json' }),
      body: JSON.stringify(body),
    })
    const parsed = (await response.json().catch(() => null)) as T | null
    return { status: response.status, body: parsed }
  } catch {
    return { status: 0, body: null }
  }
}

interface CallFunctionAnswer {
  result?: unknown
  errCode?: number
  errMsg?: string
}

async function callFunctionOnce<T>(data: Record<string, unknown>): Promise<CallResult<T>> {
  const { status, body } = await postLocal<CallFunctionAnswer>(
    `/api/cloud/${CLOUD_FUNCTION_NAME}`,
    data,
  )
  if (status === 200 && isEnvelope(body?.result)) return body.result as CallResult<T>
  if (status === 200) {
    return { ok: false, error: { code: 'INTERNAL', message: '服务返回了无法识别的结果' } }
  }
  // Same mapping as the weapp: a rejected callFunction is a transport failure to the stores,
  // unless the platform says the CloudID did not resolve.
  return {
    ok: false,
    error: {
      code: rejectedCallCode(body?.errCode),
      message: body?.errMsg ?? `云函数调用失败 (${body?.errCode ?? status})`,
    },
  }
}

function callFunction<T>(data: Record<string, unknown>): Promise<CallResult<T>> {
  return retryOnceOnNetworkFailure(() => callFunctionOnce<T>(data))
}

interface OpenDataAnswer {
  errCode?: number
  errMsg?: string
  cloudID?: string
  encryptedData?: string
  iv?: string
}

async function login(): Promise<string | null> {
  const { status, body } = await postLocal<{ code?: string }>('/api/wechat/login', {})
  return status === 200 ? (body?.code ?? null) : null
}

/** `<open-data type="groupName">` semantics: the name, or null when the caller may not see it. */
export async function readGroupName(opengid: string): Promise<string | null> {
  const { status, body } = await postLocal<{ name?: string | null }>('/api/wechat/groupName', {
    opengid,
  })
  return status === 200 ? (body?.name ?? null) : null
}

function cacheKey(key: string): string {
  // Phones of several members share one origin (and localStorage) in the simulator.
  return `group-leaderboard:${session}:${key}`
}

export const platformServices: PlatformServices = {
  sdkVersion() {
    return launchQuery().get('sdk') ?? DEFAULT_SDK_VERSION
  },

  getGroupOpenData(shareTicket, api: GroupOpenDataApi, { allowSingleChat }) {
    return retryOnceOnWrongScene(async (): Promise<GroupOpenDataResult> => {
      // wx.login must come before getShareInfo, or the session_key may not match the data.
      const code = api === 'getShareInfo' ? await login() : null
      const { status, body } = await postLocal<OpenDataAnswer>(`/api/wechat/${api}`, {
        shareTicket,
        ...(api === 'getGroupEnterInfo' && allowSingleChat ? { allowSingleChat: true } : {}),
      })
      if (status !== 200 || body === null) {
        return { ok: false, errCode: -1, errMsg: `${api}:fail network (${status})` }
      }
      if (typeof body.errCode === 'number') {
        return { ok: false, errCode: body.errCode, errMsg: body.errMsg ?? '' }
      }
      return {
        ok: true,
        cloudID: body.cloudID ?? null,
        encryptedData: body.encryptedData ?? null,
        iv: body.iv ?? null,
        code,
      }
    })
  },

  enterGroup(credential, { period }) {
    // Top-level only: a nested CloudID would reach the function as a plain string.
    const data =
      'cloudID' in credential
        ? { action: 'enterGroup', period, groupInfo: { [CLOUD_ID_MARKER_KEY]: credential.cloudID } }
        : { action: 'enterGroup', period, ...credential }
    return callFunction(data)
  },

  call(action: ActionName, input) {
    return callFunction({ ...input, action })
  },

  async uploadAvatar(tempFilePath) {
    try {
      const picked = await (await fetch(tempFilePath)).blob()
      const response = await fetch('/api/files', {
        method: 'POST',
        headers: authHeaders({ 'content-type': picked.type || 'application/octet-stream' }),
        body: picked,
      })
      const body = (await response.json().catch(() => null)) as {
        url?: string
        message?: string
      } | null
      if (response.status === 201 && body?.url) return { ok: true, data: { fileId: body.url } }
      // 415: the bytes are not an image of an accepted type; picking again helps, retrying not.
      if (response.status === 415) {
        return {
          ok: false,
          error: { code: 'NOT_AN_IMAGE', message: body?.message ?? 'not an image' },
        }
      }
      return {
        ok: false,
        error: { code: 'INVALID_INPUT', message: body?.message ?? `上传失败 (${response.status})` },
      }
    } catch {
      return { ok: false, error: { code: 'NETWORK', message: '上传失败' } }
    }
  },

  readCache<T>(key: string): T | null {
    try {
      const text = window.localStorage.getItem(cacheKey(key))
      return text === null ? null : (JSON.parse(text) as T)
    } catch {
      return null
    }
  },

  writeCache(key, value) {
    try {
      window.localStorage.setItem(cacheKey(key), JSON.stringify(value))
    } catch {
      // Storage full or unavailable: the cache is a convenience, never a reason to fail.
    }
  },

  newRequestId() {
    return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`
  },

  now() {
    return Date.now()
  },

  // Subscribe messages: the local server's WeChat stand-in plays the panel and the settings.
  async requestSubscribe(tmplIds) {
    const { status, body } = await postLocal<Record<string, unknown>>(
      '/api/wechat/requestSubscribeMessage',
      { tmplIds },
    )
    if (status !== 200 || body === null) {
      return { ok: false, errCode: -1, errMsg: `requestSubscribeMessage:fail network (${status})` }
    }
    if (typeof body.errCode === 'number') {
      return { ok: false, errCode: body.errCode, errMsg: String(body.errMsg ?? '') }
    }
    const results: Record<string, SubscribeResult> = {}
    for (const id of tmplIds) {
      const value = body[id]
      if (typeof value === 'string' && (SUBSCRIBE_RESULTS as readonly string[]).includes(value)) {
        results[id] = value as SubscribeResult
      }
    }
    return { ok: true, results }
  },

  async readSubscriptionSetting() {
    const { status, body } = await postLocal<{ subscriptionsSetting?: SubscriptionSetting }>(
      '/api/wechat/getSetting',
      {},
    )
    return status === 200 ? (body?.subscriptionsSetting ?? null) : null
  },

  async openSubscriptionSetting() {
    const { status, body } = await postLocal<{ subscriptionsSetting?: SubscriptionSetting }>(
      '/api/wechat/openSetting',
      {},
    )
    return status === 200 ? (body?.subscriptionsSetting ?? null) : null
  },
}
