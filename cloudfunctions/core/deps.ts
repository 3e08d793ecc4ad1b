import type { ParsedInput } from '../../shared/action-schemas'
import type { ActionName, ActionOutput, NoticeTemplates } from '../../shared/contract'
import type { CallerContext, Clock, Logger, WeChatOpenApi } from './ports'
import type { RateLimits } from './rate-limit'
import type { LeaderboardStore } from './store'

/** Everything the actions need from outside; the entry wires it per platform. */
export interface ActionDeps {
  store: LeaderboardStore
  openApi: WeChatOpenApi
  clock: Clock
  logger: Logger
  /** Server secret that keys member keys; changing it only affects members bound afterwards. */
  memberKeySalt: string
  /**
   * Avatar URL prefixes accepted besides `cloud://` file ids, e.g. the local stand-in's
   * `http://127.0.0.1:8787/files/`. Empty in production.
   */
  localFileUrlPrefixes?: readonly string[]
  rateLimits?: Partial<RateLimits>
  /** Unguessable round tokens; replaceable so tests can make them predictable. */
  randomToken?: () => string
  /**
   * Subscribe-message template ids from the server config. Unset: no consent is offered, no
   * credit is recorded and no notice is queued.
   */
  noticeTemplates?: NoticeTemplates
  /**
   * How old a member's last proof (opening the group's card) may be for the group to be read;
   * default `PROOF_MAX_AGE_MS` (30 days), null: no age rule (DingTalk, roster-checked instead).
   */
  proofMaxAgeMs?: number | null
}

/** A caller whose context carries an openid; every action requires one. */
export interface AuthenticatedCaller extends CallerContext {
  openid: string
}

/**
 * An action's handler. The router has parsed its input with the action's schema
 * (`shared/action-schemas.ts`): the handler receives typed, valid data and keeps only the rules
 * that need the store, the server's configuration or the caller.
 */
export type Action<A extends ActionName> = (
  input: ParsedInput<A>,
  caller: AuthenticatedCaller,
  deps: ActionDeps,
) => Promise<ActionOutput<A>>
