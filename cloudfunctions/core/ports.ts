/**
 * The seams between the pure action code and the platform it runs on. The deployed function wires
 * them to CloudBase (`wx-server-sdk`); the local runtime and the tests wire them to SQLite and to the
 * local WeChat stand-in. Action code receives them as arguments and never imports a platform.
 */

/** Who is calling, read from `cloud.getWXContext()` before anything else in the entry. */
export interface CallerContext {
  /** Null when the function was not invoked by a signed-in mini program user. */
  openid: string | null
  appid: string
  unionid: string | null
  env: string | null
}

/** SDK error codes of CloudID resolution, as contract codes (shared/wechat-facts.ts). */
export type { CloudIdFailure } from '../../shared/wechat-facts'
import type { CloudIdFailure } from '../../shared/wechat-facts'

export type OpenDataResult =
  | { ok: true; data: Record<string, unknown> }
  | { ok: false; reason: CloudIdFailure }

export type SessionResult =
  | { ok: true; openid: string; sessionKey: string }
  | { ok: false; errcode: number; errmsg: string }

/** The WeChat open APIs the actions need. */
export interface WeChatOpenApi {
  /**
   * Resolves a CloudID on the platform (production: `cloud.getOpenData`). Authoritative: the
   * `data` that arrived next to a CloudID in the event is never trusted on its own, because a
   * client can send a plain object of the same shape.
   */
  getOpenData(cloudID: string, caller: CallerContext): Promise<OpenDataResult>
  /** `auth.code2Session`; the AppSecret lives only in server config. */
  code2Session(code: string, caller: CallerContext): Promise<SessionResult>
}

export interface Clock {
  now(): number
}

export interface Logger {
  error(message: string, detail?: unknown): void
}
