/**
 * `wx.login` and `auth.code2Session`: one-use login codes valid for five minutes, exchanged by the
 * server (with the app's AppSecret) for the openid and the session_key as it is now.
 */
import { takeFault, takeSessionQuota } from '../faults'
import { requireAccount } from './accounts'
import { b64url, type World } from './context'

export const LOGIN_CODE_TTL_MS = 5 * 60_000

const CODE2SESSION_ERRMSG: Record<number, string> = {
  [-1]: 'system error',
  40013: 'invalid appid',
  40029: 'invalid code',
  40125: 'invalid appsecret',
  40226: 'high risk user',
  45011: 'api minute-quota reach limit  mustslower  retry next minute',
}

export interface LoginOptions {
  /**
   * Whether this login refreshes the session_key. Defaults to true: the strict model, under which
   * "getShareInfo before wx.login" produces data the server cannot decrypt, as it can in reality.
   */
  rotateSessionKey?: boolean
}

/** `jscode2session` answers, field names as on the wire. */
export type Code2SessionResponse =
  | { openid: string; session_key: string }
  | { errcode: number; errmsg: string }

/** `wx.login`: a one-use code valid for five minutes. */
export function login(
  world: World,
  appid: string,
  openid: string,
  options: LoginOptions = {},
): { code: string; errMsg: string } {
  const { state } = world
  const account = requireAccount(world, appid, openid)
  if (options.rotateSessionKey ?? true) account.sessionKey = world.random(16).toString('base64')
  const now = world.clock()
  for (const [code, record] of Object.entries(state.codes)) {
    if (now - record.issuedAt > LOGIN_CODE_TTL_MS) delete state.codes[code]
  }
  const code = b64url(world, 24)
  state.codes[code] = { appid, openid, issuedAt: now }
  return { code, errMsg: 'login:ok' }
}

/** `auth.code2Session` (`jscode2session`). */
export function code2Session(
  world: World,
  appid: string,
  secret: string,
  code: string,
): Code2SessionResponse {
  const { state } = world
  const fail = (errcode: number) => ({ errcode, errmsg: CODE2SESSION_ERRMSG[errcode] ?? '' })
  const app = state.apps[appid]
  if (!app) return fail(40013)
  if (secret !== app.secret) return fail(40125)
  const now = world.clock()
  const record = state.codes[code]
  if (!record || record.appid !== appid) return fail(40029)
  if (now - record.issuedAt > LOGIN_CODE_TTL_MS) {
    delete state.codes[code]
    return fail(40029)
  }
  // Injected and rate-limit failures leave the code unused, so a client may retry with it.
  const injected = takeFault(world, appid, record.openid, 'code2Session')
  if (injected !== null) return fail(injected)
  if (!takeSessionQuota(world, appid, record.openid, now)) return fail(45011)
  delete state.codes[code]
  const account = requireAccount(world, appid, record.openid)
  return { openid: account.openid, session_key: account.sessionKey }
}
