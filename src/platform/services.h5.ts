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
import { CLOUD_FUNCTION_NAME } from '../../shared/contract'
import { ALLOW_SINGLE_CHAT_MIN_VERSION, type GroupOpenDataApi } from '../core/base-library'
import type { SubscriptionSetting } from '../core/notice-consent'
import type { PlatformServices } from '../core/platform-port'
import {
  cacheOn,
  clockAndIds,
  type CloudCallOutcome,
  cloudFunctionCalls,
  groupOpenDataReader,
  type RawGroupOpenData,
  subscribeResults,
} from './services-common'

/** What the simulator's base-library switch defaults to: new enough for every group API the app uses. */
const DEFAULT_SDK_VERSION = ALLOW_SINGLE_CHAT_MIN_VERSION

function launchQuery(): URLSearchParams {
  return new URLSearchParams(window.location.search)
}

const session = launchQuery().get('session') ?? ''

function authHeaders(extra: Record<string, string> = {}): Record<string, string> {
  return { authorization: `Bearer ${session}`, ...extra }
}

/** POSTs JSON to the local server; `status` 0 means the server could not be reached. */
async function postLocal<T>(
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

/** A 200 carries the function's answer; any other status is the platform rejecting the call. */
async function callFunctionOnce(data: Record<string, unknown>): Promise<CloudCallOutcome> {
  const { status, body } = await postLocal<CallFunctionAnswer>(
    `/api/cloud/${CLOUD_FUNCTION_NAME}`,
    data,
  )
  if (status === 200) return { answered: true, result: body?.result }
  return { answered: false, errCode: body?.errCode, errMsg: body?.errMsg, detail: status }
}

interface OpenDataAnswer {
  errCode?: number
  errMsg?: string
  cloudID?: string
  encryptedData?: string
  iv?: string
}

async function readOpenData(
  api: GroupOpenDataApi,
  shareTicket: string,
  allowSingleChat: boolean,
): Promise<RawGroupOpenData> {
  const { status, body } = await postLocal<OpenDataAnswer>(`/api/wechat/${api}`, {
    shareTicket,
    ...(api === 'getGroupEnterInfo' && allowSingleChat ? { allowSingleChat: true } : {}),
  })
  if (status !== 200 || body === null) {
    return { errCode: -1, errMsg: `${api}:fail network (${status})` }
  }
  return body
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

  getGroupOpenData: groupOpenDataReader({ login, read: readOpenData }),

  ...cloudFunctionCalls({
    callOnce: callFunctionOnce,
    cloudId: (id) => ({ [CLOUD_ID_MARKER_KEY]: id }),
  }),

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

  ...cacheOn({
    get(key) {
      const text = window.localStorage.getItem(cacheKey(key))
      return text === null ? null : (JSON.parse(text) as unknown)
    },
    set: (key, value) => window.localStorage.setItem(cacheKey(key), JSON.stringify(value)),
  }),

  ...clockAndIds,

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
    return { ok: true, results: subscribeResults(tmplIds, body) }
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
