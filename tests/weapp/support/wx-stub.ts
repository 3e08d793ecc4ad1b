import { createGate, type Gate } from './gate'

/**
 * A `wx` object for the compiled mini program under miniprogram-simulate. Every API the app may
 * call exists from the start (Taro builds `Taro.xxx` from the keys of `wx` when it loads), and
 * each one forwards to a replaceable implementation, so a test can change behaviour after boot.
 */

export interface CallbackOptions {
  success?: (result: unknown) => void
  fail?: (error: unknown) => void
  complete?: (result: unknown) => void
  [key: string]: unknown
}

export type AsyncApi = (options: CallbackOptions) => void | Promise<unknown>
export type ApiImplementation = (options: CallbackOptions) => unknown

export interface ApiCall {
  api: string
  options: CallbackOptions
}

/** Answers a callback-style call with `success` or `fail`, like the real host does. */
export function answer(options: CallbackOptions, outcome: { ok: boolean; value: unknown }): void {
  if (outcome.ok) options.success?.(outcome.value)
  else options.fail?.(outcome.value)
  options.complete?.(outcome.value)
}

export interface CloudStub {
  callFunction(options: CallbackOptions & { name: string; data?: Record<string, unknown> }): unknown
  uploadFile(options: CallbackOptions & { cloudPath: string; filePath: string }): unknown
  CloudID(cloudID: string): unknown
}

export interface WxStub {
  wx: Record<string, unknown>
  /** Replace an API's behaviour: `(options) => value` answers success, a thrown `{ errCode }` fails. */
  implement(api: string, implementation: ApiImplementation): void
  calls: ApiCall[]
  callsTo(api: string): ApiCall[]
  cloud: { implementation: CloudStub }
  /** Holds answers of async wx APIs and cloud actions until the test releases them. */
  gate: Gate
  /** What `getEnterOptionsSync` answers: the harness sets it on every app launch and show. */
  enterOptions(): Record<string, unknown>
  setEnterOptions(options: Record<string, unknown>, kind: 'launch' | 'show'): void
}

const ASYNC_APIS = [
  'getGroupEnterInfo',
  'getShareInfo',
  'login',
  'showShareMenu',
  'hideShareMenu',
  'updateShareMenu',
  'stopPullDownRefresh',
  'startPullDownRefresh',
  'navigateTo',
  'navigateBack',
  'redirectTo',
  'reLaunch',
  'switchTab',
  'showToast',
  'hideToast',
  'showLoading',
  'hideLoading',
  'showModal',
  'openPrivacyContract',
  'requirePrivacyAuthorize',
  'getPrivacySetting',
  'getSystemInfo',
  'getNetworkType',
  'setNavigationBarTitle',
  'pageScrollTo',
  'vibrateShort',
  'requestSubscribeMessage',
  'getSetting',
  'openSetting',
] as const

export function createWxStub(options: { sdkVersion?: string } = {}): WxStub {
  const calls: ApiCall[] = []
  const gate = createGate()
  let launchOptions: Record<string, unknown> = { scene: 1001, query: {} }
  let enterOptions: Record<string, unknown> = launchOptions
  const storage = new Map<string, unknown>()
  const implementations = new Map<string, ApiImplementation>()
  const systemInfo = {
    SDKVersion: options.sdkVersion ?? '3.7.8',
    platform: 'devtools',
    windowWidth: 375,
    windowHeight: 812,
    screenWidth: 375,
    screenHeight: 812,
    pixelRatio: 2,
    statusBarHeight: 44,
    language: 'zh_CN',
    version: '8.0.50',
    system: 'iOS 17.0',
    model: 'iPhone 15',
    brand: 'Apple',
  }

  const asyncApi =
    (api: string): AsyncApi =>
    (callOptions) => {
      calls.push({ api, options: callOptions })
      const implementation = implementations.get(api)
      if (gate.wants(api)) {
        gate
          .pass({ name: api, input: callOptions }, async () =>
            implementation ? implementation(callOptions) : { errMsg: `${api}:ok` },
          )
          .then(
            (value) => answer(callOptions, { ok: true, value }),
            (error: unknown) => answer(callOptions, { ok: false, value: error }),
          )
        return
      }
      try {
        const value = implementation ? implementation(callOptions) : { errMsg: `${api}:ok` }
        if (value instanceof Promise) {
          value.then(
            (resolved) => answer(callOptions, { ok: true, value: resolved }),
            (error: unknown) => answer(callOptions, { ok: false, value: error }),
          )
          return
        }
        answer(callOptions, { ok: true, value })
      } catch (error) {
        answer(callOptions, { ok: false, value: error })
      }
    }

  const syncApi =
    (api: string, fallback: (...args: unknown[]) => unknown) =>
    (...args: unknown[]) => {
      calls.push({ api, options: { args } })
      return fallback(...args)
    }

  const cloud: { implementation: CloudStub } = {
    implementation: {
      callFunction: () => {
        throw { errCode: -1, errMsg: 'cloud.callFunction:fail no cloud backend in this test' }
      },
      uploadFile: () => {
        throw { errCode: -1, errMsg: 'cloud.uploadFile:fail no storage in this test' }
      },
      CloudID: (cloudID: string) => ({ cloudID }),
    },
  }

  const promiseOrCallback = (api: string, run: (options: CallbackOptions) => unknown) => {
    return (callOptions: CallbackOptions) => {
      calls.push({ api, options: callOptions })
      const promise = (async () => run(callOptions))()
      promise.then(
        (value) => answer(callOptions, { ok: true, value }),
        (error: unknown) => answer(callOptions, { ok: false, value: error }),
      )
      // wx.cloud APIs return a promise when no callback is given.
      if (!callOptions.success && !callOptions.fail) return promise
      return undefined
    }
  }

  const wx: Record<string, unknown> = {
    ...Object.fromEntries(ASYNC_APIS.map((api) => [api, asyncApi(api)])),
    getSystemInfoSync: syncApi('getSystemInfoSync', () => ({ ...systemInfo })),
    getAppBaseInfo: syncApi('getAppBaseInfo', () => ({ ...systemInfo })),
    getWindowInfo: syncApi('getWindowInfo', () => ({ ...systemInfo })),
    getDeviceInfo: syncApi('getDeviceInfo', () => ({ ...systemInfo })),
    getStorageSync: syncApi('getStorageSync', (key) => storage.get(String(key)) ?? ''),
    setStorageSync: syncApi('setStorageSync', (key, value) => {
      // Storage keeps JSON-compatible data, like the host's.
      storage.set(String(key), JSON.parse(JSON.stringify(value)))
    }),
    removeStorageSync: syncApi('removeStorageSync', (key) => storage.delete(String(key))),
    getEnterOptionsSync: syncApi('getEnterOptionsSync', () => ({ ...enterOptions })),
    getLaunchOptionsSync: syncApi('getLaunchOptionsSync', () => ({ ...launchOptions })),
    canIUse: syncApi('canIUse', () => true),
    onNeedPrivacyAuthorization: syncApi('onNeedPrivacyAuthorization', () => undefined),
    onAppShow: syncApi('onAppShow', () => undefined),
    onAppHide: syncApi('onAppHide', () => undefined),
    offAppShow: syncApi('offAppShow', () => undefined),
    offAppHide: syncApi('offAppHide', () => undefined),
    nextTick: (callback: () => void) => setTimeout(callback, 0),
    cloud: {
      init: () => undefined,
      CloudID: (cloudID: string) => cloud.implementation.CloudID(cloudID),
      callFunction: promiseOrCallback('cloud.callFunction', (callOptions) => {
        const options = callOptions as CallbackOptions & {
          name: string
          data?: Record<string, unknown>
        }
        const action = String(options.data?.action ?? '')
        const run = async () => cloud.implementation.callFunction(options)
        return gate.wants(action)
          ? gate.pass({ name: action, input: options.data ?? {} }, run)
          : run()
      }),
      uploadFile: promiseOrCallback('cloud.uploadFile', (callOptions) =>
        cloud.implementation.uploadFile(
          callOptions as CallbackOptions & { cloudPath: string; filePath: string },
        ),
      ),
    },
  }

  return {
    wx,
    calls,
    cloud,
    gate,
    callsTo: (api) => calls.filter((call) => call.api === api),
    enterOptions: () => enterOptions,
    setEnterOptions(options, kind) {
      if (kind === 'launch') launchOptions = options
      enterOptions = options
    },
    implement(api, implementation) {
      implementations.set(api, implementation)
    },
  }
}
