/**
 * The weapp edge: the only module that touches `wx` group, share, login and cloud APIs. The H5
 * build resolves `services.h5.ts` instead (Taro picks platform-suffixed files at build time).
 */
import Taro from '@tarojs/taro'

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
import type {
  CallResult,
  GroupOpenDataResult,
  PlatformServices,
  SubscribeRequestResult,
} from '../core/platform-port'
import { retryOnceOnNetworkFailure, retryOnceOnWrongScene } from './retry-policy'

let cloudReady = false

function ensureCloud(): void {
  if (cloudReady) return
  Taro.cloud.init({ env: process.env.TARO_APP_CLOUD_ENV, traceUser: true })
  cloudReady = true
}

interface PlatformError {
  errCode?: number
  errMsg?: string
}

function asPlatformError(error: unknown): PlatformError {
  return typeof error === 'object' && error !== null ? (error as PlatformError) : {}
}

async function callFunctionOnce<T>(data: Record<string, unknown>): Promise<CallResult<T>> {
  ensureCloud()
  try {
    const response = await Taro.cloud.callFunction({ name: CLOUD_FUNCTION_NAME, data })
    const result: unknown = response.result
    if (isEnvelope(result)) return result as CallResult<T>
    return { ok: false, error: { code: 'INTERNAL', message: '服务返回了无法识别的结果' } }
  } catch (error) {
    const { errCode, errMsg } = asPlatformError(error)
    return {
      ok: false,
      error: {
        code: rejectedCallCode(errCode),
        message: errMsg ?? `云函数调用失败 (${errCode ?? 'unknown'})`,
      },
    }
  }
}

function callFunction<T>(data: Record<string, unknown>): Promise<CallResult<T>> {
  return retryOnceOnNetworkFailure(() => callFunctionOnce<T>(data))
}

interface GroupOpenDataSuccess {
  cloudID?: string
  encryptedData?: string
  iv?: string
}

/**
 * Callback style on purpose: getGroupEnterInfo has no promise form on the base libraries that
 * matter. getGroupEnterInfo reads the group from how the app was entered and takes no ticket;
 * getShareInfo is given the ticket. `allowSingleChat` (base library 3.7.8) makes a ticket card
 * opened in a single chat answer with single-chat open data instead of 40097, so the server can
 * say NOT_A_GROUP.
 */
function callGroupApi(
  api: GroupOpenDataApi,
  shareTicket: string,
  allowSingleChat: boolean,
): Promise<GroupOpenDataSuccess | PlatformError> {
  return new Promise((resolve) => {
    const success = (result: GroupOpenDataSuccess) => resolve(result)
    const fail = (error: PlatformError) =>
      resolve({ errCode: error.errCode ?? -1, errMsg: error.errMsg })
    const pending =
      api === 'getGroupEnterInfo'
        ? Taro.getGroupEnterInfo({
            ...(allowSingleChat ? { allowSingleChat: true } : {}),
            success,
            fail,
          } as Parameters<typeof Taro.getGroupEnterInfo>[0])
        : Taro.getShareInfo({ shareTicket, success, fail })
    // Taro also returns a promise that rejects on `fail`; the callbacks above already answered.
    pending.catch(() => undefined)
  })
}

function login(): Promise<string | null> {
  return Taro.login()
    .then((result) => result.code ?? null)
    .catch(() => null)
}

/** The per-template answers of requestSubscribeMessage (its success result has errMsg too). */
function subscribeResults(tmplIds: string[], answer: Record<string, unknown>) {
  const results: Record<string, SubscribeResult> = {}
  for (const id of tmplIds) {
    const value = answer[id]
    if (typeof value === 'string' && (SUBSCRIBE_RESULTS as readonly string[]).includes(value)) {
      results[id] = value as SubscribeResult
    }
  }
  return results
}

function subscriptionSetting(result: unknown): SubscriptionSetting | null {
  const setting = (result as { subscriptionsSetting?: unknown } | null)?.subscriptionsSetting
  if (typeof setting !== 'object' || setting === null) return null
  const { mainSwitch, itemSettings } = setting as { mainSwitch?: unknown; itemSettings?: unknown }
  return {
    mainSwitch: mainSwitch !== false,
    itemSettings:
      typeof itemSettings === 'object' && itemSettings !== null
        ? (itemSettings as Record<string, string>)
        : {},
  }
}

export const platformServices: PlatformServices = {
  sdkVersion() {
    try {
      return Taro.getAppBaseInfo().SDKVersion ?? '0.0.0'
    } catch {
      return Taro.getSystemInfoSync().SDKVersion ?? '0.0.0'
    }
  },

  getGroupOpenData(shareTicket, api, { allowSingleChat }) {
    return retryOnceOnWrongScene(async (): Promise<GroupOpenDataResult> => {
      // wx.login must come before getShareInfo, or the session_key may not match the data.
      const code = api === 'getShareInfo' ? await login() : null
      const result = await callGroupApi(api, shareTicket, allowSingleChat)
      if ('errCode' in result && typeof result.errCode === 'number') {
        return { ok: false, errCode: result.errCode, errMsg: result.errMsg ?? '' }
      }
      const success = result as GroupOpenDataSuccess
      return {
        ok: true,
        cloudID: success.cloudID ?? null,
        encryptedData: success.encryptedData ?? null,
        iv: success.iv ?? null,
        code,
      }
    })
  },

  enterGroup(credential, { period }) {
    ensureCloud()
    // The CloudID must be a top-level field: only those are replaced by the open data in the function.
    const data =
      'cloudID' in credential
        ? { action: 'enterGroup', period, groupInfo: Taro.cloud.CloudID(credential.cloudID) }
        : { action: 'enterGroup', period, ...credential }
    return callFunction(data)
  },

  call(action: ActionName, input) {
    return callFunction({ ...input, action })
  },

  async uploadAvatar(tempFilePath) {
    ensureCloud()
    const extension = /\.(\w{1,5})$/.exec(tempFilePath)?.[1] ?? 'png'
    const cloudPath = `avatars/${Date.now()}-${Math.random().toString(36).slice(2)}.${extension}`
    try {
      const result = await Taro.cloud.uploadFile({ cloudPath, filePath: tempFilePath })
      return { ok: true, data: { fileId: result.fileID } }
    } catch (error) {
      return {
        ok: false,
        error: { code: 'NETWORK', message: asPlatformError(error).errMsg ?? '上传失败' },
      }
    }
  },

  readCache<T>(key: string): T | null {
    try {
      const value: unknown = Taro.getStorageSync(key)
      return value === '' || value === undefined ? null : (value as T)
    } catch {
      return null
    }
  },

  writeCache(key, value) {
    try {
      Taro.setStorageSync(key, value)
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

  requestSubscribe(tmplIds) {
    // The executor runs synchronously, so the call happens inside the caller's tap handler.
    return new Promise<SubscribeRequestResult>((resolve) => {
      void Taro.requestSubscribeMessage({
        tmplIds,
        success: (answer) =>
          resolve({
            ok: true,
            results: subscribeResults(tmplIds, answer as unknown as Record<string, unknown>),
          }),
        fail: (error: PlatformError) =>
          resolve({ ok: false, errCode: error.errCode ?? -1, errMsg: error.errMsg ?? '' }),
      } as Parameters<typeof Taro.requestSubscribeMessage>[0]).catch(() => undefined)
    })
  },

  readSubscriptionSetting() {
    return new Promise<SubscriptionSetting | null>((resolve) => {
      void Taro.getSetting({
        withSubscriptions: true,
        success: (result) => resolve(subscriptionSetting(result)),
        fail: () => resolve(null),
      }).catch(() => undefined)
    })
  },

  openSubscriptionSetting() {
    return new Promise<SubscriptionSetting | null>((resolve) => {
      void Taro.openSetting({
        withSubscriptions: true,
        success: (result) => resolve(subscriptionSetting(result)),
        fail: () => resolve(null),
      }).catch(() => undefined)
    })
  },
}
