/**
 * The deployable `leaderboard` cloud function: wiring only. `createMain(deps)` turns the action
 * router into a CloudBase `main`; the exported `main` wires it to the CloudBase database and the
 * production open API. The local runtime and tests call `createMain` with their own deps.
 */
import * as cloud from 'wx-server-sdk'

import type { ActionName, ActionOutput, Envelope } from '../../shared/contract'
import { fail } from '../../shared/contract'
import { createCloudOpenApi, type OpenDataSdk } from '../adapters/cloud-open-api'
import { type CloudDatabase, createCloudbaseStore } from '../adapters/cloudbase-store'
import type { ActionDeps } from '../core/deps'
import type { CallerContext } from '../core/ports'
import { handle } from '../core/router'
import { loadServerConfig } from './server-config'

export type LeaderboardMain = (
  event: unknown,
  context?: unknown,
) => Promise<Envelope<ActionOutput<ActionName>>>

type WXContext = ReturnType<typeof cloud.getWXContext>

function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null
}

/** Maps `cloud.getWXContext()` to the port type; a missing OPENID means "not a signed-in user". */
export function callerFromContext(context: WXContext): CallerContext {
  return {
    openid: text(context.OPENID),
    appid: text(context.APPID) ?? '',
    unionid: text(context.UNIONID),
    env: text(context.ENV),
  }
}

/**
 * Builds `main`. `deps` may be a factory: it is called on the first request (and again after a
 * failure), so a configuration error becomes an INTERNAL answer plus a log line, not a crash at
 * cold start.
 */
export function createMain(deps: ActionDeps | (() => ActionDeps)): LeaderboardMain {
  let resolved: ActionDeps | null = typeof deps === 'function' ? null : deps
  return async function main(event: unknown) {
    // First statement, before any await: getWXContext reads process.env, which is global and may
    // belong to another invocation once this one yields.
    const caller = callerFromContext(cloud.getWXContext())
    if (resolved === null) {
      try {
        resolved = (deps as () => ActionDeps)()
      } catch (error) {
        console.error('leaderboard: cannot start', error)
        return fail('INTERNAL', 'The server is not configured; please try again later.')
      }
    }
    return handle(event, caller, resolved)
  }
}

const MISSING_CREDENTIALS = /missing secretId or secretKey/

let guardInstalled = false

/**
 * Outside CloudBase (a local run of the production entry) every SDK call also raises an
 * unhandled "missing secretId or secretKey" rejection that kills Node ≥ 15. The call itself
 * still rejects (and is answered as INTERNAL), so only that stray rejection is swallowed; any
 * other unhandled rejection keeps Node's default of crashing.
 */
export function guardOfflineSdkRejection(): void {
  if (guardInstalled) return
  guardInstalled = true
  const listener = (reason: unknown) => {
    const message = reason instanceof Error ? reason.message : String(reason)
    if (MISSING_CREDENTIALS.test(message)) return
    if (process.listenerCount('unhandledRejection') === 1) throw reason
  }
  process.on('unhandledRejection', listener)
}

/** The production wiring: CloudBase database, cloud.getOpenData, code2Session over HTTPS. */
export function createProductionDeps(): ActionDeps {
  guardOfflineSdkRejection()
  const config = loadServerConfig(__dirname)
  const logger = { error: (message: string, detail?: unknown) => console.error(message, detail) }
  return {
    store: createCloudbaseStore(cloud.database() as unknown as CloudDatabase, {
      prefix: config.collectionPrefix,
    }),
    openApi: createCloudOpenApi({
      sdk: cloud as unknown as OpenDataSdk,
      appSecret: config.appSecret,
      logger,
    }),
    clock: { now: () => Date.now() },
    logger,
    memberKeySalt: config.memberKeySalt,
    noticeTemplates: config.noticeTemplates,
  }
}

// The typings declare DYNAMIC_CURRENT_ENV a symbol but `init` a string; the SDK accepts both.
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV as unknown as string })

export const main = createMain(createProductionDeps)
