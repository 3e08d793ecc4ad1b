/**
 * The port between the stores and the platform: platform-free types only. The stores depend on it,
 * `src/platform/` implements it per platform, and `src/store/index.ts` is the one place that
 * wires an implementation into the store (tests pass their own), so neither side imports the other.
 */
import type {
  ActionInput,
  ActionName,
  ActionOutput,
  Period,
  SubscribeResult,
} from '../../shared/contract'
import type { GroupOpenDataApi } from './base-library'
import type { ClientErrorCode } from './error-text'
import type { SubscriptionSetting } from './notice-consent'

export type CallResult<T> =
  | { ok: true; data: T }
  | { ok: false; error: { code: ClientErrorCode; message: string; retryAfterMs?: number } }

/** What `getGroupEnterInfo` / `getShareInfo` gave, or the platform's error code (40097, 65206…). */
export type GroupOpenDataResult =
  | {
      ok: true
      cloudID: string | null
      encryptedData: string | null
      iv: string | null
      code: string | null
    }
  | { ok: false; errCode: number; errMsg: string }

/** How the server will learn the group: a CloudID, or legacy encrypted data + login code. */
export type GroupCredential =
  | { cloudID: string }
  | { encryptedData: string; iv: string; code: string }

/**
 * Everything the stores need from the platform. `src/platform/` implements it per platform
 * (weapp talks to `wx`, H5 to the local server, DingTalk to its HTTP entry); tests pass their own.
 *
 * The one retry policy lives behind this port (`src/platform/retry-policy.ts`): an answer the
 * stores receive has already been retried as far as is safe, so a store never retries on its own.
 */
export interface PlatformServices {
  sdkVersion(): string
  getGroupOpenData(
    shareTicket: string,
    api: GroupOpenDataApi,
    options: { allowSingleChat: boolean },
  ): Promise<GroupOpenDataResult>
  enterGroup(
    credential: GroupCredential,
    options: { period: Period },
  ): Promise<CallResult<ActionOutput<'enterGroup'>>>
  call<A extends Exclude<ActionName, 'enterGroup'>>(
    action: A,
    input: ActionInput<A>,
  ): Promise<CallResult<ActionOutput<A>>>
  uploadAvatar(tempFilePath: string): Promise<CallResult<{ fileId: string }>>
  readCache<T>(key: string): T | null
  writeCache(key: string, value: unknown): void
  newRequestId(): string
  /** The phone's clock (ms since the epoch): ranking windows and CloudID ages are read from it. */
  now(): number
  /**
   * `wx.requestSubscribeMessage({ tmplIds })`. The platform shows its panel only when this runs
   * inside a tap's handler, so callers invoke it synchronously from one (no await before it).
   */
  requestSubscribe(tmplIds: string[]): Promise<SubscribeRequestResult>
  /** `wx.getSetting({ withSubscriptions: true }).subscriptionsSetting`; null when unknown. */
  readSubscriptionSetting(): Promise<SubscriptionSetting | null>
  /** `wx.openSetting({ withSubscriptions: true })` (also tap-only); the setting it leaves. */
  openSubscriptionSetting(): Promise<SubscriptionSetting | null>
}

export type SubscribeRequestResult =
  | { ok: true; results: Record<string, SubscribeResult> }
  | { ok: false; errCode: number; errMsg: string }
