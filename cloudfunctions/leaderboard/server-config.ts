import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

import type { NoticeTemplates } from '../../shared/contract'
import { MINIPROGRAM_STATES, type MiniprogramState } from '../core/notices'
import { weakSecretReason } from '../core/secret-strength'

/**
 * Server-side settings of the leaderboard function. Environment variables (set in the CloudBase
 * console, "函数配置 → 环境变量") win over `server-config.json` next to the deployed index.js.
 * Neither ever lives in the repository: copy `server-config.example.json`.
 */
export interface ServerConfig {
  /**
   * Keys member keys (HMAC). Required; at least 128 bits of entropy (`secret-strength.ts`), never
   * the example's placeholder; never change it casually.
   */
  memberKeySalt: string
  /** The mini program's AppSecret, for code2Session on the legacy encryptedData path. */
  appSecret: string | null
  /** Collection name prefix; default `lb_`. */
  collectionPrefix: string
  /**
   * Subscribe-message template ids (mini program console → 订阅消息); a null one is not offered.
   * The `leaderboard` function hands them to the client in the enterGroup answer, so changing a
   * template needs no new client build; the `scheduler` function sends with them.
   */
  noticeTemplates: NoticeTemplates
  /** `miniprogramState` of sent messages: which version a notice opens; default `formal`. */
  miniprogramState: MiniprogramState
}

export const ENV_VARS = {
  memberKeySalt: 'LEADERBOARD_MEMBER_KEY_SALT',
  appSecret: 'LEADERBOARD_APP_SECRET',
  collectionPrefix: 'LEADERBOARD_COLLECTION_PREFIX',
  templateOvertaken: 'LEADERBOARD_TEMPLATE_OVERTAKEN',
  templateWeekly: 'LEADERBOARD_TEMPLATE_WEEKLY',
  miniprogramState: 'LEADERBOARD_MINIPROGRAM_STATE',
} as const

export const CONFIG_FILE = 'server-config.json'

type Environment = Readonly<Record<string, string | undefined>>

function readFile(dir: string): Partial<Record<keyof typeof ENV_VARS, unknown>> {
  const path = join(dir, CONFIG_FILE)
  if (!existsSync(path)) return {}
  const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'))
  if (typeof parsed !== 'object' || parsed === null)
    throw new Error(`${CONFIG_FILE} is not an object`)
  return parsed as Partial<Record<keyof typeof ENV_VARS, unknown>>
}

function pick(env: Environment, file: Record<string, unknown>, key: keyof typeof ENV_VARS) {
  const fromEnv = env[ENV_VARS[key]]
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv
  const fromFile = file[key]
  return typeof fromFile === 'string' && fromFile !== '' ? fromFile : null
}

/** Where a secret came from, for the message: the environment variable or the file's key. */
export function secretSource(env: Environment, dir: string, envVar: string, key: string): string {
  const fromEnv = env[envVar]
  return fromEnv !== undefined && fromEnv !== ''
    ? `The environment variable ${envVar}`
    : `${key} in ${join(dir, CONFIG_FILE)}`
}

export function loadServerConfig(dir: string, env: Environment = process.env): ServerConfig {
  const file = readFile(dir)
  const memberKeySalt = pick(env, file, 'memberKeySalt')
  if (memberKeySalt === null) {
    throw new Error(
      `${ENV_VARS.memberKeySalt} (or memberKeySalt in ${CONFIG_FILE}) must be set to a secret ` +
        'of at least 128 bits',
    )
  }
  const weak = weakSecretReason(memberKeySalt)
  if (weak !== null) {
    throw new Error(`${secretSource(env, dir, ENV_VARS.memberKeySalt, 'memberKeySalt')} ${weak}`)
  }
  return {
    memberKeySalt,
    appSecret: pick(env, file, 'appSecret'),
    collectionPrefix: pick(env, file, 'collectionPrefix') ?? 'lb_',
    noticeTemplates: {
      overtaken: pick(env, file, 'templateOvertaken'),
      weekly: pick(env, file, 'templateWeekly'),
    },
    miniprogramState: parseMiniprogramState(pick(env, file, 'miniprogramState')),
  }
}

function parseMiniprogramState(value: string | null): MiniprogramState {
  if (value === null) return 'formal'
  if ((MINIPROGRAM_STATES as readonly string[]).includes(value)) return value as MiniprogramState
  throw new Error(
    `${ENV_VARS.miniprogramState} (or miniprogramState in ${CONFIG_FILE}) must be one of ` +
      MINIPROGRAM_STATES.join(', '),
  )
}
