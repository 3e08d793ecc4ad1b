/**
 * A local stand-in of DingTalk's open platform, answering the same HTTP requests the server's
 * DingTalk adapter sends (`fetch` is replaced by `standIn.fetch`, nothing leaves the process):
 * corps with apps and users, groups created through the server API (`POST /chat/create`,
 * `POST /chat/update`), cool-app installs that answer the group's entry URL, free-login codes
 * (single use, 5 minutes), access tokens with expiry, and every error code of seed 004 on demand
 * plus a busy mode. Shapes follow the docs cited in `cloudfunctions/adapters/dingtalk-open-api.ts`.
 *
 * Corps, users, apps and groups last (`snapshot` in, `onChange` out, see snapshot.ts); access
 * tokens, free-login codes, injected failures and call counts live in memory only.
 */
import { randomBytes } from 'node:crypto'

import { DINGTALK_ENTRY_QUERY } from '../../shared/dingtalk-contract'
import {
  type DingTalkCollection,
  type DingTalkRecord,
  type DingTalkSnapshot,
  type StoredApp,
  type StoredGroup,
  userKey,
} from './snapshot'

export const AUTH_CODE_TTL_MS = 5 * 60_000
export const TOKEN_TTL_S = 7200

interface App {
  appKey: string
  appSecret: string
  corpId: string
  coolAppCode: string
  /** Granted permission points; chat/get needs `qyapi_chat_read` (else 43007). */
  permissions: Set<string>
}

interface Group {
  chatId: string
  openConversationId: string
  corpId: string
  name: string
  owner: string
  members: string[]
  /** Cool apps installed into the group. */
  coolApps: Set<string>
  /** Creation order: 1, 2, … */
  seq: number
}

interface Token {
  appKey: string
  expiresAt: number
}

interface AuthCode {
  corpId: string
  userId: string
  expiresAt: number
  used: boolean
}

export interface StandInOptions {
  now?: () => number
  /** The lasting state to start from (already checked, see `dingTalkSnapshotFromRecords`). */
  snapshot?: DingTalkSnapshot
  /**
   * Called before a call that changed corps, users, apps or groups returns (for `fetch`: before
   * its answer is handed back), with the records it wrote. A store that commits them here is
   * never behind what anyone was told. If it throws, the call throws and the records are offered
   * again with the next change.
   */
  onChange?: (records: DingTalkRecord[]) => void
}

/** A legacy errcode, or a v1.0 HTTP failure. */
export interface InjectedFailure {
  errcode: number
  /** For v1.0 APIs: the HTTP status to answer instead (401, 403, 400, 503). */
  status?: number
}

type Json = Record<string, unknown>

interface Answer {
  status: number
  json(): Promise<unknown>
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

export function createDingTalkStandIn(options: StandInOptions = {}) {
  const now = options.now ?? (() => Date.now())
  const apps = new Map<string, App>()
  const corps = new Map<string, { name: string; users: Map<string, string> }>()
  const groups = new Map<string, Group>()
  const byCid = new Map<string, Group>()
  const tokens = new Map<string, Token>()
  const codes = new Map<string, AuthCode>()
  /** Failures to answer on the next calls of a path, in order. */
  const injected = new Map<string, InjectedFailure[]>()
  let busyCalls = 0
  const counts = new Map<string, number>()
  let serial = 0
  /** Records changed since the last successful `onChange`. */
  const dirty = new Map<DingTalkCollection, Set<string>>()

  for (const [corpId, corp] of Object.entries(options.snapshot?.corps ?? {})) {
    corps.set(corpId, { name: corp.name, users: new Map() })
  }
  for (const user of Object.values(options.snapshot?.users ?? {})) {
    corps.get(user.corpId)?.users.set(user.userId, user.name)
  }
  for (const [appKey, app] of Object.entries(options.snapshot?.apps ?? {})) {
    apps.set(appKey, { ...app, appKey, permissions: new Set(app.permissions) })
  }
  for (const [chatId, stored] of Object.entries(options.snapshot?.groups ?? {})) {
    const group: Group = {
      ...stored,
      chatId,
      members: [...stored.members],
      coolApps: new Set(stored.coolApps),
    }
    groups.set(chatId, group)
    byCid.set(group.openConversationId, group)
  }

  const touch = (collection: DingTalkCollection, key: string): void => {
    let keys = dirty.get(collection)
    if (!keys) dirty.set(collection, (keys = new Set()))
    keys.add(key)
  }
  const touchGroup = (group: Group) => touch('groups', group.chatId)

  function recordValue(collection: DingTalkCollection, key: string): unknown {
    switch (collection) {
      case 'corps': {
        const corp = corps.get(key)
        return corp ? { name: corp.name } : undefined
      }
      case 'users': {
        const [corpId, userId] = JSON.parse(key) as [string, string]
        const name = corps.get(corpId)?.users.get(userId)
        return name === undefined ? undefined : { corpId, userId, name }
      }
      case 'apps': {
        const app = apps.get(key)
        if (!app) return undefined
        const stored: StoredApp = {
          appSecret: app.appSecret,
          corpId: app.corpId,
          coolAppCode: app.coolAppCode,
          permissions: [...app.permissions],
        }
        return stored
      }
      case 'groups': {
        const group = groups.get(key)
        if (!group) return undefined
        const stored: StoredGroup = {
          openConversationId: group.openConversationId,
          corpId: group.corpId,
          name: group.name,
          owner: group.owner,
          members: [...group.members],
          coolApps: [...group.coolApps],
          seq: group.seq,
        }
        return stored
      }
    }
  }

  /** Hands what changed to `onChange`; runs on the way out of every call. */
  function commit(): void {
    if (!options.onChange || dirty.size === 0) {
      dirty.clear()
      return
    }
    const records: DingTalkRecord[] = []
    for (const [collection, keys] of dirty) {
      for (const key of keys) {
        const value = recordValue(collection, key)
        records.push({ collection, key, value: value === undefined ? null : JSON.stringify(value) })
      }
    }
    options.onChange(records)
    dirty.clear()
  }

  function committing<A extends unknown[], R>(method: (...args: A) => R): (...args: A) => R {
    return (...args) => {
      try {
        return method(...args)
      } finally {
        commit()
      }
    }
  }

  const id = (prefix: string) =>
    `${prefix}${(++serial).toString(36)}${randomBytes(6).toString('hex')}`

  function tokenApp(token: string | null): App | null {
    const entry = token ? tokens.get(token) : undefined
    if (!entry || entry.expiresAt <= now()) return null
    return apps.get(entry.appKey) ?? null
  }

  function takeInjected(path: string): InjectedFailure | null {
    if (busyCalls > 0 && path !== '/gettoken') {
      busyCalls -= 1
      return { errcode: -1 }
    }
    const queue = injected.get(path)
    return queue?.shift() ?? null
  }

  async function legacy(path: string, url: URL, body: Json): Promise<Answer> {
    if (path === '/gettoken') {
      const app = apps.get(url.searchParams.get('appkey') ?? '')
      if (!app || app.appSecret !== url.searchParams.get('appsecret')) {
        return answer({ errcode: 40089, errmsg: '不合法的corpid或corpsecret' })
      }
      const token = id('tok-')
      tokens.set(token, { appKey: app.appKey, expiresAt: now() + TOKEN_TTL_S * 1000 })
      return answer({ errcode: 0, errmsg: 'ok', access_token: token, expires_in: TOKEN_TTL_S })
    }
    const forced = takeInjected(path)
    if (forced) return legacyError(forced.errcode)
    const app = tokenApp(url.searchParams.get('access_token'))
    if (!app) return legacyError(40001)
    const corp = corps.get(app.corpId)
    if (!corp) return legacyError(70001)
    switch (path) {
      case '/topapi/v2/user/getuserinfo': {
        const code = codes.get(String(body.code ?? ''))
        if (!code || code.used || code.expiresAt <= now() || code.corpId !== app.corpId) {
          return legacyError(40078)
        }
        code.used = true
        return answer({
          errcode: 0,
          errmsg: 'ok',
          result: { userid: code.userId, name: corp.users.get(code.userId) ?? null },
        })
      }
      case '/topapi/v2/user/get': {
        const name = corp.users.get(String(body.userid ?? ''))
        if (name === undefined) return answer({ errcode: 60121, errmsg: '找不到该用户' })
        return answer({ errcode: 0, errmsg: 'ok', result: { userid: body.userid, name } })
      }
      case '/chat/get': {
        if (!app.permissions.has('qyapi_chat_read')) return legacyError(43007)
        const chatId = url.searchParams.get('chatid') ?? ''
        if (chatId === '') return legacyError(49000)
        const group = groups.get(chatId)
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
          return answer({ errcode: 60121, errmsg: '找不到该用户' })
        }
        const group: Group = {
          chatId: id('chat'),
          openConversationId: `cid${randomBytes(12).toString('base64')}`,
          corpId: app.corpId,
          name: String(body.name ?? ''),
          owner,
          members: [...new Set([owner, ...members])],
          coolApps: new Set(),
          seq: groups.size + 1,
        }
        groups.set(group.chatId, group)
        byCid.set(group.openConversationId, group)
        touchGroup(group)
        return answer({
          errcode: 0,
          errmsg: 'ok',
          chatid: group.chatId,
          openConversationId: group.openConversationId,
          conversationTag: 2,
        })
      }
      case '/chat/update': {
        const group = groups.get(String(body.chatid ?? ''))
        if (!group || group.corpId !== app.corpId) return legacyError(40016)
        const add = Array.isArray(body.add_useridlist) ? body.add_useridlist.map(String) : []
        const remove = new Set(
          Array.isArray(body.del_useridlist) ? body.del_useridlist.map(String) : [],
        )
        if (add.some((user) => !corp.users.has(user))) {
          return answer({ errcode: 60121, errmsg: '找不到该用户' })
        }
        group.members = [...new Set([...group.members, ...add])].filter((user) => !remove.has(user))
        touchGroup(group)
        return answer({ errcode: 0, errmsg: 'ok' })
      }
      default:
        return answer({ errcode: 404, errmsg: 'unknown api' }, 404)
    }
  }

  async function v1(path: string, token: string | null, body: Json): Promise<Answer> {
    const forced = takeInjected(path)
    if (forced) return v1Error(forced.errcode, forced.status)
    const app = tokenApp(token)
    if (!app) return v1Error(40001)
    if (!corps.has(app.corpId)) return v1Error(70001)
    const convert = /^\/v1\.0\/im\/chat\/([^/]*)\/convertToOpenConversationId$/.exec(path)
    if (convert) {
      if (!app.permissions.has('qyapi_chat_read')) return v1Error(43007)
      const group = groups.get(decodeURIComponent(convert[1]!))
      // Any group of the app's corp, cool app or not: the chatid came from the server API.
      if (!group || group.corpId !== app.corpId) return v1Error(40016)
      return answer({ openConversationId: group.openConversationId })
    }
    const cid = String(body.openConversationId ?? '')
    if (cid === '') return v1Error(49000)
    const group = byCid.get(cid)
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

  const standIn = {
    /** `fetch` for the server's DingTalk adapter: any host, routed by path. */
    async fetch(
      url: string,
      init: { method?: string; headers?: Record<string, string>; body?: string } = {},
    ): Promise<Answer> {
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
        commit()
      }
    },

    /** Idempotent: a second call keeps the corp's users. */
    createCorp: committing((corpId: string, name: string) => {
      if (corps.has(corpId)) return
      corps.set(corpId, { name, users: new Map() })
      touch('corps', corpId)
    }),

    /** Idempotent: a second call keeps the app's permissions. */
    createApp: committing(
      (app: { appKey: string; appSecret: string; corpId: string; coolAppCode: string }) => {
        if (apps.has(app.appKey)) return
        apps.set(app.appKey, { ...app, permissions: new Set(['qyapi_base', 'qyapi_chat_read']) })
        touch('apps', app.appKey)
      },
    ),

    revokePermission: committing((appKey: string, permission: string) => {
      if (apps.get(appKey)?.permissions.delete(permission)) touch('apps', appKey)
    }),

    /** The corp leaves DingTalk, with its users and groups. */
    removeCorp: committing((corpId: string) => {
      const corp = corps.get(corpId)
      if (!corp) return
      for (const userId of corp.users.keys()) touch('users', userKey(corpId, userId))
      for (const group of [...groups.values()].filter((g) => g.corpId === corpId)) {
        groups.delete(group.chatId)
        byCid.delete(group.openConversationId)
        touchGroup(group)
      }
      corps.delete(corpId)
      touch('corps', corpId)
    }),

    addUser: committing((corpId: string, userId: string, name: string) => {
      const corp = corps.get(corpId)
      if (!corp) return
      corp.users.set(userId, name)
      touch('users', userKey(corpId, userId))
    }),

    users(corpId: string): Array<{ userId: string; name: string }> {
      return [...(corps.get(corpId)?.users ?? new Map<string, string>())].map(([userId, name]) => ({
        userId,
        name,
      }))
    },

    /** What the DingTalk client does for `dd.getAuthCode({ corpId })` of a signed-in user. */
    issueAuthCode(corpId: string, userId: string): string {
      const code = id('code')
      codes.set(code, { corpId, userId, expiresAt: now() + AUTH_CODE_TTL_MS, used: false })
      return code
    },

    /**
     * Installs the app's cool app into a group (once) and answers the entry URL with DingTalk's
     * placeholders filled ($CORPID$, $ENCCID$), as the group's app bar opens it.
     */
    installCoolApp: committing(
      (appKey: string, openConversationId: string, entryBase: string): string => {
        const app = apps.get(appKey)
        const group = byCid.get(openConversationId)
        if (!app || !group || group.corpId !== app.corpId) throw new Error('no such app or group')
        if (!group.coolApps.has(app.coolAppCode)) {
          group.coolApps.add(app.coolAppCode)
          touchGroup(group)
        }
        return entryUrl(group, entryBase)
      },
    ),

    /** The entry URL of a group's cool app, as `installCoolApp` answered it. */
    entryUrl(openConversationId: string, entryBase: string): string | null {
      const group = byCid.get(openConversationId)
      return group ? entryUrl(group, entryBase) : null
    },

    group(chatIdOrCid: string) {
      const group = groups.get(chatIdOrCid) ?? byCid.get(chatIdOrCid)
      return group ? { ...group, members: [...group.members] } : null
    },

    /** The corp's groups, in the order they were created. */
    groups(corpId: string) {
      return [...groups.values()]
        .filter((group) => group.corpId === corpId)
        .sort((a, b) => a.seq - b.seq)
        .map((group) => ({ ...group, members: [...group.members] }))
    },

    /** Answers `errcode` (or its v1.0 form) to the next call(s) of `path`. */
    failNext(path: string, failure: InjectedFailure, times = 1) {
      const queue = injected.get(path) ?? []
      for (let i = 0; i < times; i += 1) queue.push(failure)
      injected.set(path, queue)
    },

    /** Busy mode: the next `calls` API calls (token fetches aside) answer -1 / HTTP 503. */
    setBusy(calls: number) {
      busyCalls = calls
    },

    /** Invalidates every token issued so far (DingTalk then answers 40001). */
    revokeTokens() {
      tokens.clear()
    },

    calls(path: string): number {
      return counts.get(path) ?? 0
    },
  }
  return standIn
}

function entryUrl(group: Group, entryBase: string): string {
  const query = new URLSearchParams({
    [DINGTALK_ENTRY_QUERY.corpId]: group.corpId,
    [DINGTALK_ENTRY_QUERY.openConversationId]: group.openConversationId,
  })
  return `${entryBase}${entryBase.includes('?') ? '&' : '?'}${query.toString()}`
}

export type DingTalkStandIn = ReturnType<typeof createDingTalkStandIn>
