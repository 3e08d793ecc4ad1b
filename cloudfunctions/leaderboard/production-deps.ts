/** The production wiring of `leaderboard`: CloudBase database, cloud.getOpenData, code2Session over HTTPS. */
import * as cloud from 'wx-server-sdk'

import { createCloudOpenApi, type OpenDataSdk } from '../adapters/cloud-open-api'
import { type CloudDatabase, createCloudbaseStore } from '../adapters/cloudbase-store'
import type { ActionDeps } from '../core/deps'
import { loadServerConfig } from './server-config'

/** Reads the server config next to the bundle (`dir`); throws when it is missing or weak. */
export function createProductionDeps(dir: string): ActionDeps {
  const config = loadServerConfig(dir)
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
