/**
 * The DingTalk stand-in's world model: corps and their users, apps with their permission points,
 * groups (by chatid and by openConversationId) with the cool apps installed into them, access
 * tokens and free-login codes. Corps, users, apps and groups last: each change is noted and
 * offered to `onChange` as records (snapshot.ts) on the way out of the call that made it; tokens
 * and codes live in memory only. Nothing here knows the HTTP shapes of the open API
 * (open-api.ts) or the injected failures (faults.ts).
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

export interface App {
  appKey: string
  appSecret: string
  corpId: string
  coolAppCode: string
  /** Granted permission points; chat/get needs `qyapi_chat_read` (else 43007). */
  permissions: Set<string>
}

export interface Group {
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

export interface Corp {
  name: string
  /** userId → name */
  users: Map<string, string>
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

export interface WorldOptions {
  now?: () => number
  /** The lasting state to start from (already checked, see `dingTalkSnapshotFromRecords`). */
  snapshot?: DingTalkSnapshot
  /** Receives the records a call wrote, before the call returns (see `StandInOptions`). */
  onChange?: (records: DingTalkRecord[]) => void
}

export type DingTalkWorld = ReturnType<typeof createDingTalkWorld>

export function createDingTalkWorld(options: WorldOptions = {}) {
  const now = options.now ?? (() => Date.now())
  const apps = new Map<string, App>()
  const corps = new Map<string, Corp>()
  const groups = new Map<string, Group>()
  const byCid = new Map<string, Group>()
  const tokens = new Map<string, Token>()
  const codes = new Map<string, AuthCode>()
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

  return {
    commit,

    corp: (corpId: string): Corp | undefined => corps.get(corpId),
    app: (appKey: string): App | undefined => apps.get(appKey),
    /** A group by its chatid. */
    groupById: (chatId: string): Group | undefined => groups.get(chatId),
    groupByCid: (openConversationId: string): Group | undefined => byCid.get(openConversationId),

    /** A new access token of the app, valid `TOKEN_TTL_S`. */
    issueToken(app: App): string {
      const token = id('tok-')
      tokens.set(token, { appKey: app.appKey, expiresAt: now() + TOKEN_TTL_S * 1000 })
      return token
    },

    /** The app a live token was issued to; null for an unknown or expired one. */
    tokenApp(token: string | null): App | null {
      const entry = token ? tokens.get(token) : undefined
      if (!entry || entry.expiresAt <= now()) return null
      return apps.get(entry.appKey) ?? null
    },

    /** Uses up a free-login code of the corp: its user, or null (unknown, used, expired). */
    redeemAuthCode(code: string, corpId: string): string | null {
      const found = codes.get(code)
      if (!found || found.used || found.expiresAt <= now() || found.corpId !== corpId) return null
      found.used = true
      return found.userId
    },

    /** A new group of the corp; `members` are users of it (the caller checked). */
    createGroup(corpId: string, name: string, owner: string, members: string[]): Group {
      const group: Group = {
        chatId: id('chat'),
        openConversationId: `cid${randomBytes(12).toString('base64')}`,
        corpId,
        name,
        owner,
        members: [...new Set([owner, ...members])],
        coolApps: new Set(),
        seq: groups.size + 1,
      }
      groups.set(group.chatId, group)
      byCid.set(group.openConversationId, group)
      touchGroup(group)
      return group
    },

    updateMembers(group: Group, add: string[], remove: ReadonlySet<string>): void {
      group.members = [...new Set([...group.members, ...add])].filter((user) => !remove.has(user))
      touchGroup(group)
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

    /** Invalidates every token issued so far (DingTalk then answers 40001). */
    revokeTokens() {
      tokens.clear()
    },
  }
}

function entryUrl(group: Group, entryBase: string): string {
  const query = new URLSearchParams({
    [DINGTALK_ENTRY_QUERY.corpId]: group.corpId,
    [DINGTALK_ENTRY_QUERY.openConversationId]: group.openConversationId,
  })
  return `${entryBase}${entryBase.includes('?') ? '&' : '?'}${query.toString()}`
}
