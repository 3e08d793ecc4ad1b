/**
 * The DingTalk stand-in's lasting state as records — one per corp, user, app and group — in the
 * shape `local/server/state-db.ts` keeps them (table `dingtalk_records`), and the checks that a
 * set of stored records is a state the stand-in can run on. Access tokens and free-login codes
 * are not in it: they expire within hours (codes within 5 minutes), and after a restart the
 * server's adapter fetches a new token and a phone asks for a new code, as with the real DingTalk.
 */

/** Version of the records below; the stored one is `preview_meta.dingtalkFormat`. */
export const DINGTALK_FORMAT = 1

export const DINGTALK_COLLECTIONS = ['corps', 'users', 'apps', 'groups'] as const
export type DingTalkCollection = (typeof DINGTALK_COLLECTIONS)[number]

/** `value` null: the record was deleted. */
export interface DingTalkRecord {
  collection: DingTalkCollection
  key: string
  value: string | null
}

export interface StoredCorp {
  name: string
}

export interface StoredUser {
  corpId: string
  userId: string
  name: string
}

export interface StoredApp {
  appSecret: string
  corpId: string
  coolAppCode: string
  permissions: string[]
}

export interface StoredGroup {
  openConversationId: string
  corpId: string
  name: string
  owner: string
  members: string[]
  /** Codes of the cool apps installed into the group. */
  coolApps: string[]
  /** Creation order (1, 2, …): the simulator lists groups in it. */
  seq: number
}

export interface DingTalkSnapshot {
  corps: Record<string, StoredCorp>
  /** Keyed by `userKey(corpId, userId)`. */
  users: Record<string, StoredUser>
  apps: Record<string, StoredApp>
  /** Keyed by chatid. */
  groups: Record<string, StoredGroup>
}

export function emptyDingTalkSnapshot(): DingTalkSnapshot {
  return { corps: {}, users: {}, apps: {}, groups: {} }
}

/** A user's record key: user ids are unique per corp only. */
export function userKey(corpId: string, userId: string): string {
  return JSON.stringify([corpId, userId])
}

export class DingTalkSnapshotError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'DingTalkSnapshotError'
  }
}

type Fields = Record<string, unknown>

function fail(message: string): never {
  throw new DingTalkSnapshotError(message)
}

function object(value: unknown, where: string): Fields {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return fail(`${where} should be an object, but is ${JSON.stringify(value)}`)
  }
  return value as Fields
}

function text(fields: Fields, name: string, where: string): string {
  const value = fields[name]
  if (typeof value !== 'string' || value === '') fail(`${where}.${name} should be a string`)
  return value as string
}

function texts(fields: Fields, name: string, where: string): string[] {
  const value = fields[name]
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string' || item === '')) {
    fail(`${where}.${name} should be a list of strings`)
  }
  return [...(value as string[])]
}

/**
 * The state stored records describe, checked record by record and as a whole (every user and
 * group belongs to a stored corp; owners and members are users of the group's corp; one group per
 * openConversationId). Throws `DingTalkSnapshotError` naming the first record at fault.
 */
export function dingTalkSnapshotFromRecords(records: readonly DingTalkRecord[]): DingTalkSnapshot {
  const snapshot = emptyDingTalkSnapshot()
  for (const { collection, key, value } of records) {
    if (!(DINGTALK_COLLECTIONS as readonly string[]).includes(collection)) {
      fail(`unknown collection ${JSON.stringify(collection)}`)
    }
    const where = `${collection}[${JSON.stringify(key)}]`
    if (value === null) fail(`${where} has no value`)
    let parsed: unknown
    try {
      parsed = JSON.parse(value!)
    } catch {
      fail(`${where} is not JSON`)
    }
    const fields = object(parsed, where)
    switch (collection) {
      case 'corps':
        snapshot.corps[key] = { name: text(fields, 'name', where) }
        break
      case 'users': {
        const user = {
          corpId: text(fields, 'corpId', where),
          userId: text(fields, 'userId', where),
          name: text(fields, 'name', where),
        }
        if (userKey(user.corpId, user.userId) !== key) fail(`${where} holds another user`)
        snapshot.users[key] = user
        break
      }
      case 'apps':
        snapshot.apps[key] = {
          appSecret: text(fields, 'appSecret', where),
          corpId: text(fields, 'corpId', where),
          coolAppCode: text(fields, 'coolAppCode', where),
          permissions: texts(fields, 'permissions', where),
        }
        break
      case 'groups': {
        const seq = fields.seq
        if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 1) {
          fail(`${where}.seq should be a positive integer`)
        }
        snapshot.groups[key] = {
          openConversationId: text(fields, 'openConversationId', where),
          corpId: text(fields, 'corpId', where),
          name: typeof fields.name === 'string' ? fields.name : fail(`${where}.name`),
          owner: text(fields, 'owner', where),
          members: texts(fields, 'members', where),
          coolApps: texts(fields, 'coolApps', where),
          seq: seq as number,
        }
        break
      }
    }
  }
  checkDingTalkSnapshot(snapshot)
  return snapshot
}

function checkDingTalkSnapshot(snapshot: DingTalkSnapshot): void {
  for (const [key, user] of Object.entries(snapshot.users)) {
    if (!snapshot.corps[user.corpId]) {
      fail(`users[${JSON.stringify(key)}] belongs to the corp ${user.corpId}, which is not stored`)
    }
  }
  const cids = new Set<string>()
  for (const [chatId, group] of Object.entries(snapshot.groups)) {
    const where = `groups[${JSON.stringify(chatId)}]`
    if (!snapshot.corps[group.corpId]) {
      fail(`${where} belongs to the corp ${group.corpId}, which is not stored`)
    }
    for (const userId of [group.owner, ...group.members]) {
      if (!snapshot.users[userKey(group.corpId, userId)]) {
        fail(`${where} names ${userId}, who is not a user of ${group.corpId}`)
      }
    }
    if (cids.has(group.openConversationId)) {
      fail(`${where} has the openConversationId of another group`)
    }
    cids.add(group.openConversationId)
  }
}

/** Every record of a state (its first storing). */
export function dingTalkSnapshotRecords(snapshot: DingTalkSnapshot): DingTalkRecord[] {
  const records: DingTalkRecord[] = []
  for (const collection of DINGTALK_COLLECTIONS) {
    for (const [key, value] of Object.entries(snapshot[collection])) {
      records.push({ collection, key, value: JSON.stringify(value) })
    }
  }
  return records
}
