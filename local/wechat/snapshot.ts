/**
 * The stand-in's state as stored data: its shape check, and its split into records (one per
 * account, chat, card, ticket…) so that a change is written as the few records it touched rather
 * than the whole world. The local preview keeps these records in SQLite (local/server/state-db.ts).
 */
import { FAULTABLE_APIS, type StandInSnapshot } from './world/records'

/** Version of `StandInSnapshot`; a snapshot of another version is refused, never guessed at. */
export const SNAPSHOT_VERSION = 1

/** Collections keyed by id. */
export const KEYED_COLLECTIONS = [
  'apps',
  'persons',
  'accounts',
  'chats',
  'cards',
  'codes',
  'tickets',
  'cloudIds',
  'groupOpenids',
  'sessionCalls',
  'subscriptions',
  'serviceNotices',
  'subscribeChoices',
] as const
/** Collections added after version 1 was released: absent in older snapshots, read as empty. */
const ADDED_COLLECTIONS = ['subscriptions', 'serviceNotices', 'subscribeChoices'] as const
/** `faults` is a short list; it is stored whole, as one record under this key. */
export const WHOLE_COLLECTION_KEY = ''
export type StandInCollection = (typeof KEYED_COLLECTIONS)[number] | 'faults'
export const COLLECTIONS: readonly StandInCollection[] = [...KEYED_COLLECTIONS, 'faults']

/** One stored record: its JSON text, or null when the record was deleted. */
export interface StandInRecord {
  collection: StandInCollection
  key: string
  value: string | null
}

export class SnapshotError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'SnapshotError'
  }
}

type Check = (value: unknown, at: string) => void

const fail = (at: string, expected: string): never => {
  throw new SnapshotError(`${at} should be ${expected}`)
}
const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

const str: Check = (value, at) => {
  if (typeof value !== 'string') fail(at, 'a string')
}
const strOrNull: Check = (value, at) => {
  if (value !== null && typeof value !== 'string') fail(at, 'a string or null')
}
const num: Check = (value, at) => {
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(at, 'a number')
}
const int: Check = (value, at) => {
  if (!Number.isInteger(value)) fail(at, 'an integer')
}
const bool: Check = (value, at) => {
  if (typeof value !== 'boolean') fail(at, 'true or false')
}
const oneOf =
  (...allowed: string[]): Check =>
  (value, at) => {
    if (!allowed.includes(value as string)) fail(at, `one of ${allowed.join(', ')}`)
  }
const listOf =
  (item: Check): Check =>
  (value, at) => {
    if (!Array.isArray(value)) fail(at, 'a list')
    ;(value as unknown[]).forEach((element, index) => item(element, `${at}[${index}]`))
  }
const mapOf =
  (item: Check): Check =>
  (value, at) => {
    if (!isObject(value)) fail(at, 'an object')
    for (const [key, element] of Object.entries(value as object)) {
      item(element, `${at}[${JSON.stringify(key)}]`)
    }
  }
const record =
  (
    fields: Record<string, Check>,
    idField?: string,
  ): ((value: unknown, at: string, key: string) => void) =>
  (value, at, key) => {
    if (!isObject(value)) fail(at, 'an object')
    const object = value as Record<string, unknown>
    for (const [field, check] of Object.entries(fields)) check(object[field], `${at}.${field}`)
    if (idField !== undefined && object[idField] !== key) fail(`${at}.${idField}`, `its key ${key}`)
  }

const RECORD_CHECKS: Record<StandInCollection, (value: unknown, at: string, key: string) => void> =
  {
    apps: record({ appid: str, secret: str }, 'appid'),
    persons: record({ userId: str, label: strOrNull }, 'userId'),
    accounts: record({ appid: str, openid: str, userId: str, sessionKey: str }, 'openid'),
    chats: record(
      {
        chatId: str,
        kind: oneOf('group', 'single'),
        name: strOrNull,
        members: listOf(str),
        opengids: mapOf(str),
      },
      'chatId',
    ),
    cards: record(
      {
        cardId: str,
        appid: str,
        fromOpenid: str,
        chatId: str,
        chatKind: oneOf('group', 'single'),
        withShareTicket: bool,
        path: str,
        query: mapOf(str),
        title: strOrNull,
        sharedAt: num,
      },
      'cardId',
    ),
    codes: record({ appid: str, openid: str, issuedAt: num }),
    tickets: record({ appid: str, openid: str, chatId: str, cardId: str, issuedAt: num }),
    cloudIds: record({
      appid: str,
      openid: str,
      data: (value, at) => {
        if (!isObject(value)) fail(at, 'an object')
      },
      issuedAt: num,
    }),
    groupOpenids: (value, at) => str(value, at),
    subscriptions: record({
      appid: str,
      openid: str,
      templateId: str,
      credits: int,
      always: (value, at) => {
        if (value !== null && value !== 'accept' && value !== 'reject') {
          fail(at, 'accept, reject or null')
        }
      },
    }),
    serviceNotices: record(
      {
        id: str,
        appid: str,
        openid: str,
        templateId: str,
        page: str,
        data: (value, at) => {
          if (!isObject(value)) fail(at, 'an object')
        },
        miniprogramState: str,
        sentAt: num,
      },
      'id',
    ),
    subscribeChoices: (value, at) =>
      oneOf('accept', 'reject', 'always-accept', 'always-reject')(value, at),
    sessionCalls: (value, at) => listOf(num)(value, at),
    faults: (value, at) =>
      listOf((fault, faultAt) =>
        record({
          appid: str,
          openid: str,
          api: oneOf(...FAULTABLE_APIS),
          errCode: int,
          remaining: int,
        })(fault, faultAt, ''),
      )(value, at),
  }

/**
 * Checks that `value` is a whole stand-in snapshot of the known version: every collection present
 * and every record of the right shape, ids matching their keys and accounts pointing at known apps
 * and persons. Throws a `SnapshotError` naming the first thing that is wrong.
 */
export function parseSnapshot(value: unknown): StandInSnapshot {
  if (!isObject(value)) fail('the snapshot', 'an object')
  const snapshot = value as Record<string, unknown>
  if (snapshot.version !== SNAPSHOT_VERSION) {
    throw new SnapshotError(
      snapshot.version === undefined
        ? 'the snapshot has no version'
        : `the snapshot is version ${JSON.stringify(snapshot.version)}; this code reads version ${SNAPSHOT_VERSION}`,
    )
  }
  for (const collection of ADDED_COLLECTIONS) snapshot[collection] ??= {}
  for (const collection of KEYED_COLLECTIONS) {
    const entries = snapshot[collection]
    if (!isObject(entries)) fail(collection, 'an object')
    for (const [key, entry] of Object.entries(entries as object)) {
      RECORD_CHECKS[collection](entry, `${collection}[${JSON.stringify(key)}]`, key)
    }
  }
  RECORD_CHECKS.faults(snapshot.faults, 'faults', WHOLE_COLLECTION_KEY)
  const typed = value as unknown as StandInSnapshot
  for (const [openid, account] of Object.entries(typed.accounts)) {
    if (!typed.apps[account.appid]) {
      fail(`accounts[${JSON.stringify(openid)}].appid`, `a known app (no app ${account.appid})`)
    }
    if (!typed.persons[account.userId]) {
      fail(`accounts[${JSON.stringify(openid)}].userId`, `a known person (no ${account.userId})`)
    }
  }
  return typed
}

/** The snapshot as records, e.g. to store a snapshot read from elsewhere. */
export function snapshotRecords(snapshot: StandInSnapshot): StandInRecord[] {
  const records: StandInRecord[] = []
  for (const collection of KEYED_COLLECTIONS) {
    for (const [key, value] of Object.entries(snapshot[collection])) {
      records.push({ collection, key, value: JSON.stringify(value) })
    }
  }
  records.push({
    collection: 'faults',
    key: WHOLE_COLLECTION_KEY,
    value: JSON.stringify(snapshot.faults),
  })
  return records
}

/**
 * Rebuilds a snapshot from stored records and checks it. A record that is not JSON, or that
 * belongs to no known collection, is reported by collection and key.
 */
export function snapshotFromRecords(records: Iterable<StandInRecord>): StandInSnapshot {
  const snapshot: Record<string, unknown> = { version: SNAPSHOT_VERSION, faults: [] }
  for (const collection of KEYED_COLLECTIONS) snapshot[collection] = {}
  for (const { collection, key, value } of records) {
    const at = `${collection}[${JSON.stringify(key)}]`
    if (!COLLECTIONS.includes(collection)) throw new SnapshotError(`${at}: unknown collection`)
    if (value === null) continue
    let parsed: unknown
    try {
      parsed = JSON.parse(value)
    } catch {
      throw new SnapshotError(`${at} is not JSON`)
    }
    if (collection === 'faults') snapshot.faults = parsed
    else (snapshot[collection] as Record<string, unknown>)[key] = parsed
  }
  return parseSnapshot(snapshot)
}
