import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

import { weakSecretReason } from '../core/secret-strength'
import {
  CONFIG_FILE,
  loadServerConfig,
  secretSource,
  type ServerConfig,
} from '../leaderboard/server-config'

/**
 * Server-side settings of the DingTalk entry: the leaderboard's (member-key salt, collection
 * prefix) plus the DingTalk app's. Environment variables win over `server-config.json` next to the
 * deployed index.js; neither lives in the repository (copy `server-config.example.json`).
 */
export interface DingTalkConfig extends ServerConfig {
  corpId: string
  appKey: string
  appSecret: string
  coolAppCode: string | null
  sessionSecret: string
}

export const DINGTALK_ENV_VARS = {
  corpId: 'DINGTALK_CORP_ID',
  appKey: 'DINGTALK_APP_KEY',
  appSecret: 'DINGTALK_APP_SECRET',
  coolAppCode: 'DINGTALK_COOL_APP_CODE',
  sessionSecret: 'DINGTALK_SESSION_SECRET',
} as const

const FILE_KEYS = {
  corpId: 'dingtalkCorpId',
  appKey: 'dingtalkAppKey',
  appSecret: 'dingtalkAppSecret',
  coolAppCode: 'dingtalkCoolAppCode',
  sessionSecret: 'dingtalkSessionSecret',
} as const

type Environment = Readonly<Record<string, string | undefined>>

export function loadDingTalkConfig(dir: string, env: Environment = process.env): DingTalkConfig {
  const base = loadServerConfig(dir, env)
  const path = join(dir, CONFIG_FILE)
  const file = existsSync(path)
    ? (JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>)
    : {}
  const pick = (key: keyof typeof FILE_KEYS): string | null => {
    const fromEnv = env[DINGTALK_ENV_VARS[key]]
    if (fromEnv !== undefined && fromEnv !== '') return fromEnv
    const fromFile = file[FILE_KEYS[key]]
    return typeof fromFile === 'string' && fromFile !== '' ? fromFile : null
  }
  const required = (key: keyof typeof FILE_KEYS): string => {
    const value = pick(key)
    if (value === null) {
      throw new Error(
        `${DINGTALK_ENV_VARS[key]} (or ${FILE_KEYS[key]} in ${CONFIG_FILE}) must be set`,
      )
    }
    return value
  }
  const sessionSecret = required('sessionSecret')
  const weak = weakSecretReason(sessionSecret)
  if (weak !== null) {
    const where = secretSource(env, dir, DINGTALK_ENV_VARS.sessionSecret, FILE_KEYS.sessionSecret)
    throw new Error(`${where} ${weak}`)
  }
  return {
    ...base,
    corpId: required('corpId'),
    appKey: required('appKey'),
    appSecret: required('appSecret'),
    coolAppCode: pick('coolAppCode'),
    sessionSecret,
  }
}
