import type { GroupOpenDataApi } from '../core/base-library'
import type { ActionInput, ActionName, ActionOutput, Period } from '../core/contract'
import type { ClientErrorCode } from '../core/error-text'

export type CallResult<T> =
  | { ok: true; data: T }
  | { ok: false; error: { code: ClientErrorCode; message: string } }

/** One retry on a transport failure: a lost packet should not cost the user a screen. */
export async function retryOnceOnNetworkFailure<T>(
  call: () => Promise<CallResult<T>>,
): Promise<CallResult<T>> {
  const first = await call()
  if (first.ok || first.error.code !== 'NETWORK') return first
  return call()
}

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
 * (weapp talks to `wx`, H5 to the local server); tests pass their own.
 */
export interface PlatformServices {
  sdkVersion(): string
  getGroupOpenData(shareTicket: string, api: GroupOpenDataApi): Promise<GroupOpenDataResult>
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
  now(): number
}
