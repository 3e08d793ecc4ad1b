/**
 * The half of `PlatformServices` that is the same on every platform. Each platform's services file
 * (`services.ts` for weapp, `.h5.ts`, `.dd.ts`) composes these with its own transport, so a new
 * platform writes only how it stores, sends and asks: never how an answer becomes a `CallResult`,
 * how a credential becomes `enterGroup`'s call, or where the retry policy applies.
 */
import { isEnvelope, SUBSCRIBE_RESULTS, type SubscribeResult } from '../../shared/contract'
import type { GroupOpenDataApi } from '../core/base-library'
import { rejectedCallCode } from '../core/failure'
import type { CallResult, GroupOpenDataResult, PlatformServices } from '../core/platform-port'
import { retryOnceOnNetworkFailure, retryOnceOnWrongScene } from './retry-policy'

/** Ids and time: every platform's phone clock is `Date.now()`. */
export const clockAndIds: Pick<PlatformServices, 'newRequestId' | 'now'> = {
  newRequestId() {
    return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`
  },
  now() {
    return Date.now()
  },
}

/** A platform's key-value storage; it may throw (full, unavailable). */
export interface CacheStorage {
  /** The stored value; `''`, null or undefined for a missing key. */
  get(key: string): unknown
  set(key: string, value: unknown): void
}

/** The cache over a platform's storage: a convenience, never a reason to fail. */
export function cacheOn(storage: CacheStorage): Pick<PlatformServices, 'readCache' | 'writeCache'> {
  return {
    readCache<T>(key: string): T | null {
      try {
        const value = storage.get(key)
        return value === '' || value === undefined || value === null ? null : (value as T)
      } catch {
        return null
      }
    },
    writeCache(key, value) {
      try {
        storage.set(key, value)
      } catch {
        // Storage full or unavailable: the cache is a convenience, never a reason to fail.
      }
    },
  }
}

/** What one send of a cloud function call came back with. */
export type CloudCallOutcome =
  | { answered: true; result: unknown }
  /** The platform rejected the call; `detail` names it when there is no errCode (status, 'unknown'). */
  | { answered: false; errCode?: number; errMsg?: string; detail: string | number }

/** How a platform sends the `leaderboard` function's calls (`wx.cloud` on the phone, HTTP in H5). */
export interface CloudFunctionTransport {
  callOnce(data: Record<string, unknown>): Promise<CloudCallOutcome>
  /** How a CloudID travels in a top-level field (`wx.cloud.CloudID(id)` on the phone). */
  cloudId(id: string): unknown
}

function callResultOf<T>(outcome: CloudCallOutcome): CallResult<T> {
  if (outcome.answered) {
    if (isEnvelope(outcome.result)) return outcome.result as CallResult<T>
    return { ok: false, error: { code: 'INTERNAL', message: '服务返回了无法识别的结果' } }
  }
  // A rejected callFunction is a transport failure to the stores, unless the platform says the
  // CloudID did not resolve.
  return {
    ok: false,
    error: {
      code: rejectedCallCode(outcome.errCode),
      message: outcome.errMsg ?? `云函数调用失败 (${outcome.errCode ?? outcome.detail})`,
    },
  }
}

/** `enterGroup` and `call` over a cloud function transport, with the one retry policy. */
export function cloudFunctionCalls(
  transport: CloudFunctionTransport,
): Pick<PlatformServices, 'enterGroup' | 'call'> {
  function callFunction<T>(data: Record<string, unknown>): Promise<CallResult<T>> {
    return retryOnceOnNetworkFailure(async () => callResultOf<T>(await transport.callOnce(data)))
  }
  return {
    enterGroup(credential, { period }) {
      // The CloudID must be a top-level field: only those are replaced by the open data in the
      // function (a nested one would reach it as a plain string).
      const data =
        'cloudID' in credential
          ? { action: 'enterGroup', period, groupInfo: transport.cloudId(credential.cloudID) }
          : { action: 'enterGroup', period, ...credential }
      return callFunction(data)
    },
    call(action, input) {
      return callFunction({ ...input, action })
    },
  }
}

/** What `getGroupEnterInfo` / `getShareInfo` answered: open data, or the platform's error. */
export type RawGroupOpenData =
  | { errCode: number; errMsg?: string }
  | { cloudID?: string; encryptedData?: string; iv?: string }

/** How a platform reads the group's open data and logs in. */
export interface GroupOpenDataTransport {
  login(): Promise<string | null>
  read(
    api: GroupOpenDataApi,
    shareTicket: string,
    allowSingleChat: boolean,
  ): Promise<RawGroupOpenData>
}

export function groupOpenDataReader(
  transport: GroupOpenDataTransport,
): PlatformServices['getGroupOpenData'] {
  return (shareTicket, api, { allowSingleChat }) =>
    retryOnceOnWrongScene(async (): Promise<GroupOpenDataResult> => {
      // wx.login must come before getShareInfo, or the session_key may not match the data.
      const code = api === 'getShareInfo' ? await transport.login() : null
      const result = await transport.read(api, shareTicket, allowSingleChat)
      if ('errCode' in result && typeof result.errCode === 'number') {
        return { ok: false, errCode: result.errCode, errMsg: result.errMsg ?? '' }
      }
      const success = result as { cloudID?: string; encryptedData?: string; iv?: string }
      return {
        ok: true,
        cloudID: success.cloudID ?? null,
        encryptedData: success.encryptedData ?? null,
        iv: success.iv ?? null,
        code,
      }
    })
}

/** The per-template answers of `requestSubscribeMessage` (its answer carries errMsg too). */
export function subscribeResults(
  tmplIds: string[],
  answer: Record<string, unknown>,
): Record<string, SubscribeResult> {
  const results: Record<string, SubscribeResult> = {}
  for (const id of tmplIds) {
    const value = answer[id]
    if (typeof value === 'string' && (SUBSCRIBE_RESULTS as readonly string[]).includes(value)) {
      results[id] = value as SubscribeResult
    }
  }
  return results
}
