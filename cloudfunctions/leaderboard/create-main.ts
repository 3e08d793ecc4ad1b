/**
 * `createMain(deps)` turns the action router into a CloudBase `main`. Importing this module does
 * nothing (no `cloud.init`, no process listener), so the local runtime and the tests wire it to
 * their own deps without touching the deployed entry (`index.ts`).
 */
import * as cloud from 'wx-server-sdk'

import type { ActionName, ActionOutput, Envelope } from '../../shared/contract'
import { fail } from '../../shared/contract'
import type { ActionDeps } from '../core/deps'
import type { CallerContext } from '../core/ports'
import { handle } from '../core/router'
import { lazyDeps } from '../entry/lazy-deps'

export type LeaderboardMain = (
  event: unknown,
  context?: unknown,
) => Promise<Envelope<ActionOutput<ActionName>>>

type WXContext = ReturnType<typeof cloud.getWXContext>

function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null
}

/** Maps `cloud.getWXContext()` to the port type; a missing OPENID means "not a signed-in user". */
function callerFromContext(context: WXContext): CallerContext {
  return {
    openid: text(context.OPENID),
    appid: text(context.APPID) ?? '',
    unionid: text(context.UNIONID),
    env: text(context.ENV),
  }
}

/** Builds `main`. `deps` may be a factory, called on the first request (see cloudfunctions/entry/lazy-deps.ts). */
export function createMain(deps: ActionDeps | (() => ActionDeps)): LeaderboardMain {
  const resolve = lazyDeps(deps, 'leaderboard')
  return async function main(event: unknown) {
    // First statement, before any await: getWXContext reads process.env, which is global and may
    // belong to another invocation once this one yields.
    const caller = callerFromContext(cloud.getWXContext())
    const resolved = resolve()
    if (resolved === null) {
      return fail('INTERNAL', 'The server is not configured; please try again later.')
    }
    return handle(event, caller, resolved)
  }
}
