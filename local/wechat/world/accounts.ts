/**
 * Mini program accounts and the people behind them: registered apps (with their AppSecret),
 * persons, and one account per person and app. openids are per mini program: the same person has
 * a different openid (and session_key) in every app they use.
 */
import { b64url, hex, type World } from './context'
import { StandInError } from './errors'
import type { AccountRecord, AppRecord, PersonRecord } from './records'

export interface UserInfo {
  openid: string
  sessionKey: string
  /** The person behind the openid; pass it to `createUser` to enrol them in another app. */
  userId: string
  label: string | null
}

export function requireApp(world: World, appid: string): AppRecord {
  const app = world.state.apps[appid]
  if (!app) throw new StandInError('UNKNOWN_APP', `unknown appid ${appid}`)
  return app
}

export function requireAccount(world: World, appid: string, openid: string): AccountRecord {
  requireApp(world, appid)
  const account = world.state.accounts[openid]
  if (!account || account.appid !== appid) {
    throw new StandInError('UNKNOWN_USER', `no user ${openid} in ${appid}`)
  }
  return account
}

function toUserInfo(world: World, account: AccountRecord): UserInfo {
  return {
    openid: account.openid,
    sessionKey: account.sessionKey,
    userId: account.userId,
    label: world.state.persons[account.userId]?.label ?? null,
  }
}

export function registerApp(
  world: World,
  options: { appid?: string; secret?: string } = {},
): { appid: string; secret: string } {
  const appid = options.appid ?? `wx${hex(world, 8)}`
  if (!/^wx[0-9a-f]{16}$/.test(appid)) {
    throw new StandInError('INVALID_ARGUMENT', `appid must look like wx + 16 hex: ${appid}`)
  }
  if (world.state.apps[appid]) throw new StandInError('ALREADY_EXISTS', `app ${appid} exists`)
  const secret = options.secret ?? hex(world, 16)
  world.state.apps[appid] = { appid, secret }
  return { appid, secret }
}

/** The registered apps' ids, in the order they were registered. */
export function appIds(world: World): string[] {
  return Object.keys(world.state.apps)
}

/** The AppSecret, as the server's config would hold it; null for an unknown app. */
export function appSecret(world: World, appid: string): string | null {
  return world.state.apps[appid]?.secret ?? null
}

export function createUser(
  world: World,
  appid: string,
  options: { label?: string; userId?: string } = {},
): UserInfo {
  const { state } = world
  requireApp(world, appid)
  let person: PersonRecord | undefined
  if (options.userId !== undefined) {
    person = state.persons[options.userId]
    if (!person) throw new StandInError('UNKNOWN_USER', `unknown person ${options.userId}`)
    const taken = Object.values(state.accounts).some(
      (a) => a.appid === appid && a.userId === options.userId,
    )
    if (taken) {
      throw new StandInError('ALREADY_EXISTS', `${options.userId} already uses ${appid}`)
    }
  } else {
    person = { userId: `wxid_${hex(world, 8)}`, label: options.label ?? null }
    state.persons[person.userId] = person
  }
  const account: AccountRecord = {
    appid,
    openid: `o${b64url(world, 21).slice(0, 27)}`,
    userId: person.userId,
    sessionKey: world.random(16).toString('base64'),
  }
  state.accounts[account.openid] = account
  return toUserInfo(world, account)
}

export function getUser(world: World, appid: string, openid: string): UserInfo {
  return toUserInfo(world, requireAccount(world, appid, openid))
}

export function listUsers(world: World, appid: string): UserInfo[] {
  requireApp(world, appid)
  return Object.values(world.state.accounts)
    .filter((a) => a.appid === appid)
    .map((account) => toUserInfo(world, account))
}
