/**
 * The weapp edge: the only module that touches `wx` group, share, login and cloud APIs. The H5
 * build resolves `services.h5.ts` instead (Taro picks platform-suffixed files at build time).
 */
import Taro from '@tarojs/taro'

import { CLOUD_FUNCTION_NAME } from '../../shared/contract'
import type { GroupOpenDataApi } from '../core/base-library'
import type { SubscriptionSetting } from '../core/notice-consent'
import type { PlatformServices, SubscribeRequestResult } from '../core/platform-port'
import {
  cacheOn,
  clockAndIds,
  type CloudCallOutcome,
  cloudFunctionCalls,
  groupOpenDataReader,
  type RawGroupOpenData,
  subscribeResults,
} from './services-common'

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

async function callFunctionOnce(data: Record<string, unknown>): Promise<CloudCallOutcome> {
  ensureCloud()
  try {
    const response = await Taro.cloud.callFunction({ name: CLOUD_FUNCTION_NAME, data })
    return { answered: true, result: response.result }
  } catch (error) {
    const { errCode, errMsg } = asPlatformError(error)
    return { answered: false, errCode, errMsg, detail: 'unknown' }
  }
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
): Promise<RawGroupOpenData> {
  return new Promise((resolve) => {
    const success = (result: RawGroupOpenData) => resolve(result)
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

/** `wx.getSetting` / `wx.openSetting` with subscriptions: the setting they answer, or null. */
function askSubscriptionSetting(
  api: 'getSetting' | 'openSetting',
): Promise<SubscriptionSetting | null> {
  return new Promise((resolve) => {
    void Taro[api]({
      withSubscriptions: true,
      success: (result: unknown) => resolve(subscriptionSetting(result)),
      fail: () => resolve(null),
    }).catch(() => undefined)
  })
}

export const platformServices: PlatformServices = {
  sdkVersion() {
    try {
      return Taro.getAppBaseInfo().SDKVersion ?? '0.0.0'
    } catch {
      return Taro.getSystemInfoSync().SDKVersion ?? '0.0.0'
    }
  },

  getGroupOpenData: groupOpenDataReader({ login, read: callGroupApi }),

  ...cloudFunctionCalls({
    callOnce: callFunctionOnce,
    cloudId(id) {
      ensureCloud()
      return Taro.cloud.CloudID(id)
    },
  }),

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

  ...cacheOn({
    get: (key) => Taro.getStorageSync(key),
    set: (key, value) => Taro.setStorageSync(key, value),
  }),

  ...clockAndIds,

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

  readSubscriptionSetting: () => askSubscriptionSetting('getSetting'),

  openSubscriptionSetting: () => askSubscriptionSetting('openSetting'),
}
