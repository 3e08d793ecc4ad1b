import { ACTION_SCHEMAS } from '../../shared/action-schemas'
import {
  type ActionName,
  type ActionOutput,
  type Envelope,
  fail,
  isActionName,
  ok,
} from '../../shared/contract'
import { deleteMyData } from './actions/delete-my-data'
import { enterGroup } from './actions/enter-group'
import { getLastWeek } from './actions/get-last-week'
import { getProfile } from './actions/get-profile'
import { getRanking } from './actions/get-ranking'
import { leaveGroup } from './actions/leave-group'
import { listMyGroups } from './actions/list-my-groups'
import { startRound } from './actions/start-round'
import { submitScore } from './actions/submit-score'
import { subscribe } from './actions/subscribe'
import { updateProfile } from './actions/update-profile'
import type { Action, ActionDeps, AuthenticatedCaller } from './deps'
import type { CallerContext } from './ports'
import { Failure, type Fields, ownField, parseInput, requireObject } from './validation'

export type { ActionDeps } from './deps'

/** One handler per action, each receiving its action's parsed input. */
export type ActionHandlers = { [A in ActionName]: Action<A> }

export const ACTION_HANDLERS: ActionHandlers = {
  enterGroup,
  getRanking,
  startRound,
  submitScore,
  updateProfile,
  getProfile,
  listMyGroups,
  leaveGroup,
  deleteMyData,
  subscribe,
  getLastWeek,
}

const MAX_OPENID_LENGTH = 128

function authenticated(caller: CallerContext): AuthenticatedCaller | null {
  const { openid } = caller
  if (typeof openid !== 'string' || openid.length === 0 || openid.length > MAX_OPENID_LENGTH) {
    return null
  }
  return { ...caller, openid }
}

/** Parses the input with the action's schema, then runs its handler on what the schema gave. */
function dispatch<A extends ActionName>(
  handlers: ActionHandlers,
  action: A,
  event: Fields,
  caller: AuthenticatedCaller,
  deps: ActionDeps,
): Promise<ActionOutput<A>> {
  const handler: Action<A> = handlers[action]
  return handler(parseInput(ACTION_SCHEMAS[action], event), caller, deps)
}

export type Handle = (
  event: unknown,
  caller: CallerContext,
  deps: ActionDeps,
) => Promise<Envelope<ActionOutput<ActionName>>>

/**
 * The router over `handlers`: parses `action`, checks the caller, parses the input with the
 * action's schema (`shared/action-schemas.ts`) so a handler only ever sees input its schema
 * accepts, dispatches, and wraps the outcome in an envelope. Never throws: expected failures
 * become their error code, anything else becomes INTERNAL with the detail only in the server log.
 */
export function createRouter(handlers: ActionHandlers): Handle {
  return async (event, caller, deps) => {
    let action: unknown
    try {
      const fields = requireObject(event, 'The request')
      action = ownField(fields, 'action')
      if (!isActionName(action)) {
        return fail('UNKNOWN_ACTION', 'action must name one of the leaderboard actions.')
      }
      const who = authenticated(caller)
      if (who === null) {
        return fail('UNAUTHENTICATED', 'Call this function from the signed-in mini program.')
      }
      return ok(await dispatch(handlers, action, fields, who, deps))
    } catch (error) {
      if (error instanceof Failure) return fail(error.code, error.message, error.retryAfterMs)
      try {
        deps.logger.error(`leaderboard: ${String(action)} failed unexpectedly`, error)
      } catch {
        // A broken logger must not turn a handled failure into a thrown one.
      }
      return fail('INTERNAL', 'Something went wrong on the server; please try again.')
    }
  }
}

/** The single entry of every action. */
export const handle: Handle = createRouter(ACTION_HANDLERS)
