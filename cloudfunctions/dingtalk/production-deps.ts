/** Production wiring of the DingTalk entry: CloudBase database, DingTalk's open API over HTTPS. */
import * as cloud from 'wx-server-sdk'

import { type CloudDatabase, createCloudbaseStore } from '../adapters/cloudbase-store'
import { httpsFetch } from '../adapters/dingtalk-https'
import { createDingTalkOpenApi } from '../adapters/dingtalk-open-api'
import { createDingTalkCache, type DingTalkDeps } from '../core/dingtalk-gateway'
import { loadDingTalkConfig } from './dingtalk-config'
import { noWeChat } from './no-wechat'

/** Reads the configuration next to the bundle (`dir`); throws when it is missing or weak. */
export function createProductionDingTalkDeps(dir: string): DingTalkDeps {
  const config = loadDingTalkConfig(dir)
  const logger = { error: (message: string, detail?: unknown) => console.error(message, detail) }
  const clock = { now: () => Date.now() }
  return {
    actions: {
      store: createCloudbaseStore(cloud.database() as unknown as CloudDatabase, {
        prefix: config.collectionPrefix,
      }),
      openApi: noWeChat,
      clock,
      logger,
      memberKeySalt: config.memberKeySalt,
    },
    dingtalk: createDingTalkOpenApi({
      appKey: config.appKey,
      appSecret: config.appSecret,
      coolAppCode: config.coolAppCode,
      fetch: httpsFetch,
      clock,
    }),
    corpId: config.corpId,
    appKey: config.appKey,
    sessionSecret: config.sessionSecret,
    cache: createDingTalkCache(),
  }
}
