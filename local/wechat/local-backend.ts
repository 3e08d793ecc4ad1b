/**
 * One call that stands up the whole backend locally: the real `leaderboard` entry (`createMain`)
 * on the SQLite store, answering through the local function runtime, with the WeChat stand-in as
 * the platform (CloudIDs, code2Session). The weapp test harness, the local preview server and the
 * end-to-end cloud tests all start here, so they exercise the same wiring.
 */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'

import { openSqliteStore, type SqliteStore } from '../../cloudfunctions/adapters/sqlite-store'
import type { ActionDeps } from '../../cloudfunctions/core/deps'
import type { Logger } from '../../cloudfunctions/core/ports'
import type { RateLimits } from '../../cloudfunctions/core/rate-limit'
import { createMain } from '../../cloudfunctions/leaderboard/create-main'
import { createSchedulerMain } from '../../cloudfunctions/scheduler/create-main'
import { CLOUD_FUNCTION_NAME, type NoticeTemplates } from '../../shared/contract'
import { createLocalFunctionRuntime, type LocalFunctionRuntime } from './function-runtime'
import { createLocalSubscribeMessageApi } from './open-api'
import type { WeChatStandIn } from './stand-in'
import { createTimerDriver, readTimerTriggers, type TimerDriver } from './timer-triggers'

/** The scheduled function, run by its timer trigger from `cloudfunctions/scheduler/config.json`. */
export const SCHEDULER_FUNCTION_NAME = 'scheduler'
const FUNCTIONS_DIR = join(__dirname, '../../cloudfunctions')

/** The subscribe-message templates of the local server config (the stand-in accepts any id). */
export const LOCAL_NOTICE_TEMPLATES: NoticeTemplates = {
  overtaken: 'local-template-overtaken',
  weekly: 'local-template-weekly',
}

/** File name of the database inside `dataDir`. */
export const LOCAL_DB_FILE = 'leaderboard.sqlite'

// Not a secret: member keys of a local database only need to be stable across restarts.
const LOCAL_MEMBER_KEY_SALT = 'local-stand-in-member-key-salt'

export interface LocalBackendOptions {
  standIn: WeChatStandIn
  /** Directory that holds `leaderboard.sqlite`; created when missing. */
  dataDir?: string
  /** The SQLite file itself, or ':memory:'. Wins over `dataDir`; ':memory:' when neither is set. */
  dbPath?: string
  /** The function's clock. Defaults to the stand-in's, so CloudID and round times agree. */
  clock?: () => number
  /** URL prefix of the local file server, accepted as an avatar URL besides `cloud://` ids. */
  localFilePrefix?: string
  memberKeySalt?: string
  /**
   * The mini program whose AppSecret the function's server config holds (used by code2Session).
   * Defaults to the caller's APPID, so one local backend can serve several registered apps.
   */
  appid?: string
  /** Environment id the function sees as ENV. */
  env?: string
  /** Defaults to console.error. */
  logger?: Logger
  rateLimits?: Partial<RateLimits>
  /** Subscribe-message templates; default `LOCAL_NOTICE_TEMPLATES`, null for none. */
  noticeTemplates?: NoticeTemplates | null
}

export interface LocalBackend {
  /** Call `runtime.callFunction({ appid, openid, name: CLOUD_FUNCTION_NAME, data })`. */
  runtime: LocalFunctionRuntime
  standIn: WeChatStandIn
  /** The store behind the function, for seeding and inspection. */
  store: SqliteStore
  /** The database file in use, or ':memory:'. */
  dbPath: string
  /** Runs the timer triggers that came due on the backend's clock (the server ticks it). */
  timers: TimerDriver
  /** Closes the database. The stand-in is the caller's to persist (`standIn.toJSON()`). */
  close(): void
}

function resolveDbPath(options: LocalBackendOptions): string {
  if (options.dbPath !== undefined) return options.dbPath
  if (options.dataDir === undefined) return ':memory:'
  mkdirSync(options.dataDir, { recursive: true })
  return join(options.dataDir, LOCAL_DB_FILE)
}

export function createLocalBackend(options: LocalBackendOptions): LocalBackend {
  const { standIn } = options
  const dbPath = resolveDbPath(options)
  const store = openSqliteStore({ filename: dbPath })
  const now = options.clock ?? standIn.clock
  const templates =
    options.noticeTemplates === undefined ? LOCAL_NOTICE_TEMPLATES : options.noticeTemplates
  const logger: Logger = options.logger ?? {
    error: (message, detail) => console.error(message, detail),
  }
  const deps: ActionDeps = {
    store,
    openApi: standIn.openApiFor(options.appid),
    clock: { now },
    logger,
    memberKeySalt: options.memberKeySalt ?? LOCAL_MEMBER_KEY_SALT,
    localFileUrlPrefixes: options.localFilePrefix ? [options.localFilePrefix] : [],
    rateLimits: options.rateLimits,
    ...(templates ? { noticeTemplates: templates } : {}),
  }
  // The app whose server config the scheduler has: the one registered in the stand-in.
  const senderApp = () => options.appid ?? standIn.appIds()[0] ?? ''
  const scheduler = createSchedulerMain({
    store,
    messages: createLocalSubscribeMessageApi(standIn, senderApp),
    clock: { now },
    logger,
    templates: templates ?? { overtaken: null, weekly: null },
    miniprogramState: 'developer',
  })
  const runtime = createLocalFunctionRuntime({
    standIn,
    functions: { [CLOUD_FUNCTION_NAME]: createMain(deps), [SCHEDULER_FUNCTION_NAME]: scheduler },
    env: options.env,
  })
  const timers = createTimerDriver({
    runtime,
    triggers: readTimerTriggers(FUNCTIONS_DIR, [SCHEDULER_FUNCTION_NAME]),
    clock: now,
    onError: (trigger, error) => logger.error(`timer ${trigger.name} failed`, error),
  })
  return {
    runtime,
    standIn,
    store,
    dbPath,
    timers,
    close: () => store.close(),
  }
}
