/** Production wiring of `scheduler`: the CloudBase database and `cloud.openapi.subscribeMessage.send`. */
import * as cloud from 'wx-server-sdk'

import { type CloudDatabase, createCloudbaseStore } from '../adapters/cloudbase-store'
import { createSubscribeMessageApi, type OpenApiSdk } from '../adapters/subscribe-message-api'
import { loadServerConfig } from '../leaderboard/server-config'
import type { SchedulerDeps } from './create-main'

/** Reads the server config next to the bundle (`dir`); throws when it is missing or weak. */
export function createProductionSchedulerDeps(dir: string): SchedulerDeps {
  const config = loadServerConfig(dir)
  return {
    store: createCloudbaseStore(cloud.database() as unknown as CloudDatabase, {
      prefix: config.collectionPrefix,
    }),
    messages: createSubscribeMessageApi(cloud as unknown as OpenApiSdk),
    clock: { now: () => Date.now() },
    logger: { error: (message, detail) => console.error(message, detail) },
    templates: config.noticeTemplates,
    miniprogramState: config.miniprogramState,
  }
}
