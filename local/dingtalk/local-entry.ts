/**
 * The DingTalk entry wired for local use (tests, `npm start`): the real `createDingTalkMain` and
 * DingTalk adapter, talking to the stand-in instead of DingTalk, on the store it is given.
 */
import { createDingTalkOpenApi } from '../../cloudfunctions/adapters/dingtalk-open-api'
import type { ActionDeps } from '../../cloudfunctions/core/deps'
import { createDingTalkCache, type DingTalkDeps } from '../../cloudfunctions/core/dingtalk-gateway'
import type { Clock } from '../../cloudfunctions/core/ports'
import type { LeaderboardStore } from '../../cloudfunctions/core/store'
import { createDingTalkMain } from '../../cloudfunctions/dingtalk/create-main'
import { noWeChat } from '../../cloudfunctions/dingtalk/no-wechat'
import { createDingTalkStandIn, type DingTalkStandIn } from './stand-in'

/** The local corp and app; the secrets are local-only values, not credentials. */
export const LOCAL_DINGTALK = {
  corpId: 'dinglocalcorp0001',
  corpName: '本地示例公司',
  appKey: 'dinglocalapp0001',
  appSecret: 'local-app-secret',
  coolAppCode: 'COOLAPP-1-LOCAL',
  sessionSecret: 'local-session-secret-not-for-production',
} as const

export interface LocalDingTalkOptions {
  store: LeaderboardStore
  clock: Clock
  memberKeySalt: string
  logger?: ActionDeps['logger']
  standIn?: DingTalkStandIn
  /** Backoff waits of the busy retry; tests record them instead of waiting. */
  sleep?: (ms: number) => Promise<void>
  rosterMaxAgeMs?: number
}

export function createLocalDingTalk(options: LocalDingTalkOptions) {
  const standIn = options.standIn ?? createDingTalkStandIn({ now: () => options.clock.now() })
  standIn.createCorp(LOCAL_DINGTALK.corpId, LOCAL_DINGTALK.corpName)
  standIn.createApp({
    appKey: LOCAL_DINGTALK.appKey,
    appSecret: LOCAL_DINGTALK.appSecret,
    corpId: LOCAL_DINGTALK.corpId,
    coolAppCode: LOCAL_DINGTALK.coolAppCode,
  })
  const openApi = createDingTalkOpenApi({
    appKey: LOCAL_DINGTALK.appKey,
    appSecret: LOCAL_DINGTALK.appSecret,
    coolAppCode: LOCAL_DINGTALK.coolAppCode,
    fetch: standIn.fetch,
    clock: options.clock,
    sleep: options.sleep,
  })
  const deps: DingTalkDeps = {
    actions: {
      store: options.store,
      openApi: noWeChat,
      clock: options.clock,
      logger: options.logger ?? { error: (message, detail) => console.error(message, detail) },
      memberKeySalt: options.memberKeySalt,
    },
    dingtalk: openApi,
    corpId: LOCAL_DINGTALK.corpId,
    appKey: LOCAL_DINGTALK.appKey,
    sessionSecret: LOCAL_DINGTALK.sessionSecret,
    rosterMaxAgeMs: options.rosterMaxAgeMs,
    cache: createDingTalkCache(),
  }

  /** A server-side call of the stand-in's API with the app's own token (as an admin tool would). */
  async function serverApi(path: string, body: Record<string, unknown>) {
    const query = new URLSearchParams({
      appkey: LOCAL_DINGTALK.appKey,
      appsecret: LOCAL_DINGTALK.appSecret,
    })
    const tokenAnswer = (await (
      await standIn.fetch(`https://oapi.dingtalk.com/gettoken?${query.toString()}`)
    ).json()) as { access_token: string }
    const response = await standIn.fetch(
      `https://oapi.dingtalk.com${path}?access_token=${tokenAnswer.access_token}`,
      { method: 'POST', body: JSON.stringify(body) },
    )
    return (await response.json()) as Record<string, unknown>
  }

  return {
    standIn,
    openApi,
    deps,
    main: createDingTalkMain(deps),

    /** Creates a group through DingTalk's create-chat API; answers its chatid and cid. */
    async createGroup(name: string, owner: string, members: readonly string[]) {
      const created = await serverApi('/chat/create', { name, owner, useridlist: members })
      if (created.errcode !== 0) throw new Error(`chat/create: ${JSON.stringify(created)}`)
      return {
        chatId: String(created.chatid),
        openConversationId: String(created.openConversationId),
      }
    },

    async removeMember(chatId: string, userId: string) {
      await serverApi('/chat/update', { chatid: chatId, del_useridlist: [userId] })
    },

    async addMember(chatId: string, userId: string) {
      await serverApi('/chat/update', { chatid: chatId, add_useridlist: [userId] })
    },

    /** Installs the cool app; answers the group's entry URL with the placeholders filled. */
    installCoolApp(openConversationId: string, entryBase: string): string {
      return standIn.installCoolApp(LOCAL_DINGTALK.appKey, openConversationId, entryBase)
    },
  }
}

export type LocalDingTalk = ReturnType<typeof createLocalDingTalk>
