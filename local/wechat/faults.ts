/**
 * Fault injection for the WeChat stand-in: what lets tests and the simulator make platform calls
 * fail. Two kinds, both kept in the stand-in's state so they survive a restart of the preview:
 * - injected failures (`failNext`): the next calls of one API by one user answer a chosen errCode;
 * - the code2Session minute quota (45011), which a client meets by calling too often.
 * The world model asks here before answering; nothing in this file knows what the calls do.
 */
import { requireAccount } from './world/accounts'
import type { World } from './world/context'
import { StandInError } from './world/errors'
import type { FaultableApi } from './world/records'

export type { FaultableApi, FaultRecord } from './world/records'

/** code2Session calls one user may make per app and minute before the platform answers 45011. */
export const CODE2SESSION_LIMIT_PER_MINUTE = 100
const QUOTA_WINDOW_MS = 60_000

/** Make the next `times` calls of `api` by this user fail with `errCode`. */
export function failNext(
  world: World,
  appid: string,
  openid: string,
  api: FaultableApi,
  errCode: number,
  times = 1,
): void {
  requireAccount(world, appid, openid)
  if (!Number.isInteger(times) || times < 1) {
    throw new StandInError('INVALID_ARGUMENT', 'times must be a positive integer')
  }
  world.state.faults.push({ appid, openid, api, errCode, remaining: times })
}

/** The errCode this call must fail with, using up one injected failure; null when none is due. */
export function takeFault(
  world: World,
  appid: string,
  openid: string,
  api: FaultableApi,
): number | null {
  const { faults } = world.state
  const fault = faults.find(
    (f) => f.appid === appid && f.openid === openid && f.api === api && f.remaining > 0,
  )
  if (!fault) return null
  fault.remaining -= 1
  if (fault.remaining === 0) faults.splice(faults.indexOf(fault), 1)
  return fault.errCode
}

/**
 * Counts one code2Session call of this user against the minute quota. False when the quota is
 * spent: the call is then refused and not counted.
 */
export function takeSessionQuota(
  world: World,
  appid: string,
  openid: string,
  now: number,
): boolean {
  const { sessionCalls } = world.state
  const key = `${appid}|${openid}`
  const recent = (sessionCalls[key] ?? []).filter((t) => now - t < QUOTA_WINDOW_MS)
  if (recent.length >= CODE2SESSION_LIMIT_PER_MINUTE) {
    sessionCalls[key] = recent
    return false
  }
  sessionCalls[key] = [...recent, now]
  return true
}
