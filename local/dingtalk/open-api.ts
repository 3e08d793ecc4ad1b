/**
 * The DingTalk stand-in's open API: the HTTP requests the server's DingTalk adapter sends, routed
 * by path and answered in DingTalk's shapes (legacy `oapi` errcodes, v1.0 HTTP statuses and codes,
 * as cited in `cloudfunctions/adapters/dingtalk-open-api.ts`), on top of the world model
 * (world.ts), with injected failures (faults.ts) answered first.
 */
import type { DingTalkFaults } from './faults'
import type { DingTalkWorld } from './world'
import { TOKEN_TTL_S } from './world'

type Json = Record<string, unknown>

export interface Answer {
  status: number
  json(): Promise<unknown>
}

export interface FetchInit {
  method?: string
  headers?: Record<string, string>
  body?: string
}

function answer(body: unknown, status = 200): Answer {
  return { status, json: async () => body }
}

const ERRMSG: Readonly<Record<number, string>> = {
  0: 'ok',
  [-1]: '系统繁忙',
  40001: '无效的token',
  40016: '无效的chatid',
  43007: '没有调用权限',
  49000: '需要参数chatid',
  70001: '企业不存在',
  40078: '不存在的临时授权码',
}

function legacyError(errcode: number): Answer {
  return answer({ errcode, errmsg: ERRMSG[errcode] ?? 'error' })
}

/** How the v1.0 APIs report what the legacy ones report as an errcode. */
function v1Error(errcode: number, status?: number): Answer {
  const byCode: Record<number, [number, string]> = {
    [-1]: [503, 'ServiceUnavailable'],
    40001: [401, 'InvalidAuthentication'],
    43007: [403, 'Forbidden.AccessDenied.AccessTokenPermissionDenied'],
    70001: [403, 'Forbidden.AccessDenied.CorpNotFound'],
    40016: [400, 'invalidParameter.openConversationId.invalid'],
    49000: [400, 'MissingopenConversationId'],
  }
  const [httpStatus, code] = byCode[errcode] ?? [400, 'invalidParameter']
  return answer({ code, message: ERRMSG[errcode] ?? code }, status ?? httpStatus)
}

const unknownUser = () => answer({ errcode: 60121, errmsg: '找不到该用户' })

export function createDingTalkOpenApi(world: DingTalkWorld, faults: DingTalkFaults) {
  const counts = new Map<string, number>()

  async function legacy(path: string, url: URL, body: Json): Promise<Answer> {
    if (path === '/gettoken') {
      const app = world.app(url.searchParams.get('appkey') ?? '')
      if (!app || app.appSecret !== url.searchParams.get('appsecret')) {
        return answer({ errcode: 40089, errmsg: '不合法的corpid或corpsecret' })
      }
      const token = world.issueToken(app)
      return answer({ errcode: 0, errmsg: 'ok', access_token: token, expires_in: TOKEN_TTL_S })
    }
    const forced = faults.take(path)
    if (forced) return legacyError(forced.errcode)
    const app = world.tokenApp(url.searchParams.get('access_token'))
    if (!app) return legacyError(40001)
    const corp = world.corp(app.corpId)
    if (!corp) return legacyError(70001)
    switch (path) {
      case '/topapi/v2/user/getuserinfo': {
        const userId = world.redeemAuthCode(String(body.code ?? ''), app.corpId)
        if (userId === null) return legacyError(40078)
        return answer({
          errcode: 0,
          errmsg: 'ok',
          result: { userid: userId, name: corp.users.get(userId) ?? null },
        })
      }
      case '/topapi/v2/user/get': {
        const name = corp.users.get(String(body.userid ?? ''))
        if (name === undefined) return unknownUser()
        return answer({ errcode: 0, errmsg: 'ok', result: { userid: body.userid, name } })
      }
      case '/chat/get': {
        if (!app.permissions.has('qyapi_chat_read')) return legacyError(43007)
        const chatId = url.searchParams.get('chatid') ?? ''
        if (chatId === '') return legacyError(49000)
        const group = world.groupById(chatId)
        if (!group || group.corpId !== app.corpId) return legacyError(40016)
        return answer({
          errcode: 0,
          errmsg: 'ok',
          chat_info: {
            chatid: group.chatId,
            name: group.name,
            owner: group.owner,
            useridlist: [...group.members],
            conversationTag: 2,
            status: 1,
          },
        })
      }
      case '/chat/create': {
        const owner = String(body.owner ?? '')
        const members = Array.isArray(body.useridlist) ? body.useridlist.map(String) : []
        if (!corp.users.has(owner) || members.some((user) => !corp.users.has(user))) {
          return unknownUser()
        }
        const group = world.createGroup(app.corpId, String(body.name ?? ''), owner, members)
        return answer({
          errcode: 0,
          errmsg: 'ok',
          chatid: group.chatId,
          openConversationId: group.openConversationId,
          conversationTag: 2,
        })
      }
      case '/chat/update': {
        const group = world.groupById(String(body.chatid ?? ''))
        if (!group || group.corpId !== app.corpId) return legacyError(40016)
        const add = Array.isArray(body.add_useridlist) ? body.add_useridlist.map(String) : []
        const remove = new Set(
          Array.isArray(body.del_useridlist) ? body.del_useridlist.map(String) : [],
        )
        if (add.some((user) => !corp.users.has(user))) return unknownUser()
        world.updateMembers(group, add, remove)
        return answer({ errcode: 0, errmsg: 'ok' })
      }
      default:
        return answer({ errcode: 404, errmsg: 'unknown api' }, 404)
    }
  }

  async function v1(path: string, token: string | null, body: Json): Promise<Answer> {
    const forced = faults.take(path)
    if (forced) return v1Error(forced.errcode, forced.status)
    const app = world.tokenApp(token)
    if (!app) return v1Error(40001)
    if (!world.corp(app.corpId)) return v1Error(70001)
    const convert = /^\/v1\.0\/im\/chat\/([^/]*)\/convertToOpenConversationId$/.exec(path)
    if (convert) {
      if (!app.permissions.has('qyapi_chat_read')) return v1Error(43007)
      const group = world.groupById(decodeURIComponent(convert[1]!))
      // Any group of the app's corp, cool app or not: the chatid came from the server API.
      if (!group || group.corpId !== app.corpId) return v1Error(40016)
      return answer({ openConversationId: group.openConversationId })
    }
    const cid = String(body.openConversationId ?? '')
    if (cid === '') return v1Error(49000)
    const group = world.groupByCid(cid)
    // Scene-group APIs read only groups of the app's corp where its cool app is installed.
    if (!group || group.corpId !== app.corpId || !group.coolApps.has(app.coolAppCode)) {
      return v1Error(40016)
    }
    if (path === '/v1.0/im/sceneGroups/query') {
      return answer({
        success: true,
        openConversationId: cid,
        title: group.name,
        ownerUserId: group.owner,
        status: 1,
      })
    }
    if (path === '/v1.0/im/sceneGroups/members/batchQuery') {
      const size = Math.min(Number(body.maxResults) || 100, 1000)
      const start = Number(body.nextToken ?? 0) || 0
      const page = group.members.slice(start, start + size)
      const hasMore = start + size < group.members.length
      return answer({
        success: true,
        memberUserIds: page,
        hasMore,
        nextToken: hasMore ? String(start + size) : undefined,
      })
    }
    return answer({ code: 'NotFound' }, 404)
  }

  return {
    /** `fetch` for the server's DingTalk adapter: any host, routed by path. */
    async fetch(url: string, init: FetchInit = {}): Promise<Answer> {
      const parsed = new URL(url)
      const path = parsed.pathname
      counts.set(path, (counts.get(path) ?? 0) + 1)
      let body: Json = {}
      if (init.body) {
        try {
          body = JSON.parse(init.body) as Json
        } catch {
          return answer({ errcode: 40035, errmsg: '不合法的参数' }, 400)
        }
      }
      try {
        if (path.startsWith('/v1.0/')) {
          return await v1(path, init.headers?.['x-acs-dingtalk-access-token'] ?? null, body)
        }
        return await legacy(path, parsed, body)
      } finally {
        // Stored before the answer reaches the caller, which may write cloud rows on it.
        world.commit()
      }
    },

    /** How often `path` was called. */
    calls(path: string): number {
      return counts.get(path) ?? 0
    },
  }
}
