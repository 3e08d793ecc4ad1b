// In-process stand-in of the CloudBase database query API (mingo + the real wx-server-sdk
// db.command objects), for running the CloudBase adapter's contract tests offline.
import { randomBytes } from 'node:crypto'

import { Query, update as applyUpdate } from 'mingo'
import * as cloud from 'wx-server-sdk'

import type {
  CloudCollection,
  CloudCommand,
  CloudDatabase,
  CloudDoc,
  CloudQuery,
} from '../../../cloudfunctions/adapters/cloudbase-store'

type Json = Record<string, unknown>

/** The platform caps a server-side page at 1000 documents and defaults to 100. */
export const SERVER_MAX_LIMIT = 1000
const SERVER_DEFAULT_LIMIT = 100

// The typings declare DYNAMIC_CURRENT_ENV a symbol but `init` a string; the SDK accepts both.
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV as unknown as string })
/** The SDK's own command builder: works offline, so the adapter is tested with real commands. */
const realCommand = cloud.database().command as unknown as CloudCommand

/** Errors look like the SDK's: an Error with errCode and errMsg. */
export class CloudDbError extends Error {
  constructor(
    readonly errCode: number,
    readonly errMsg: string,
  ) {
    super(errMsg)
  }
}

const INVALID_PARAM = -501007
const DATABASE_REQUEST_FAIL = -502001

function invalidParam(api: string, detail: string): CloudDbError {
  return new CloudDbError(INVALID_PARAM, `${api}:fail -501007 invalid parameters. ${detail}`)
}

type CommandKind = 'QUERY_COMMAND' | 'LOGIC_COMMAND' | 'UPDATE_COMMAND'

interface SdkCommand {
  operator: string
  operands: unknown[]
}

/** Recognises the SDK's command objects by their internal type tag, as the SDK itself does. */
function commandKind(value: unknown): CommandKind | null {
  if (typeof value !== 'object' || value === null) return null
  const tag = (value as { _internalType?: { target?: unknown } })._internalType?.target
  return tag === 'QUERY_COMMAND' || tag === 'LOGIC_COMMAND' || tag === 'UPDATE_COMMAND' ? tag : null
}

function isPlainObject(value: unknown): value is Json {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    commandKind(value) === null &&
    Object.getPrototypeOf(value) === Object.prototype
  )
}

const QUERY_OPERATORS: Record<string, string> = {
  eq: '$eq',
  neq: '$ne',
  gt: '$gt',
  gte: '$gte',
  lt: '$lt',
  lte: '$lte',
  in: '$in',
  nin: '$nin',
  exists: '$exists',
}

/** A field-level command such as `_.gt(5)` → `{ $gt: 5 }`. */
function fieldCondition(command: unknown): Json {
  const kind = commandKind(command)
  const { operator, operands } = command as SdkCommand
  if (kind === 'QUERY_COMMAND') {
    const op = QUERY_OPERATORS[operator]
    if (!op) throw new Error(`stand-in: query command ${operator} is not implemented`)
    // `in`/`nin` carry the list itself as operands; the others carry [value].
    return { [op]: operator === 'in' || operator === 'nin' ? operands : operands[0] }
  }
  if (kind === 'LOGIC_COMMAND' && (operator === 'and' || operator === 'or')) {
    // `_.gt(1).and(_.lt(3))` on one field.
    return { [`$${operator}`]: operands.map(fieldCondition) }
  }
  throw new Error(`stand-in: ${kind ?? 'value'} ${operator} is not a query condition`)
}

/** Translates a `where` condition built with the SDK into a mingo (MongoDB) query. */
export function toMingoQuery(condition: unknown): Json {
  const kind = commandKind(condition)
  if (kind === 'LOGIC_COMMAND') {
    const { operator, operands } = condition as SdkCommand
    if (operator !== 'and' && operator !== 'or' && operator !== 'nor') {
      throw new Error(`stand-in: top-level ${operator} is not implemented`)
    }
    return { [`$${operator}`]: operands.map(toMingoQuery) }
  }
  if (!isPlainObject(condition)) throw invalidParam('collection.where', 'query must be an object')
  const clauses: Json[] = []
  for (const [field, value] of Object.entries(condition)) {
    const valueKind = commandKind(value)
    if (valueKind === 'UPDATE_COMMAND') {
      throw invalidParam('collection.where', `update command in query field ${field}`)
    }
    if (valueKind !== null) {
      const translated = fieldCondition(value)
      // A field-level and/or becomes a top-level clause over that field.
      if ('$and' in translated || '$or' in translated) {
        const [op, parts] = Object.entries(translated)[0]!
        clauses.push({ [op]: (parts as Json[]).map((part) => ({ [field]: part })) })
      } else {
        clauses.push({ [field]: translated })
      }
    } else if (isPlainObject(value)) {
      // The platform flattens nested objects into dotted paths; the adapter never relies on it.
      throw new Error(`stand-in: nested object query on ${field} is not implemented`)
    } else {
      clauses.push({ [field]: { $eq: value } })
    }
  }
  return clauses.length === 0 ? {} : { $and: clauses }
}

const UPDATE_OPERATORS: Record<string, string> = {
  set: '$set',
  remove: '$unset',
  inc: '$inc',
  mul: '$mul',
  max: '$max',
  min: '$min',
}

/**
 * Translates `update({ data })` into mingo update operators. Like the platform, a plain nested
 * object is merged field by field (dotted paths); `_.set(obj)` replaces the field whole.
 */
export function toMingoUpdate(data: unknown, api: string): Record<string, Json> {
  if (!isPlainObject(data)) throw invalidParam(api, 'data must be an object')
  if ('_id' in data) throw invalidParam(api, 'data must not contain _id')
  const ops: Record<string, Json> = {}
  const put = (op: string, path: string, value: unknown) => {
    ops[op] = { ...ops[op], [path]: value }
  }
  const walk = (object: Json, prefix: string) => {
    for (const [key, value] of Object.entries(object)) {
      const path = prefix + key
      const kind = commandKind(value)
      if (kind === 'UPDATE_COMMAND') {
        const { operator, operands } = value as SdkCommand
        const op = UPDATE_OPERATORS[operator]
        if (!op) throw new Error(`stand-in: update command ${operator} is not implemented`)
        put(op, path, operator === 'remove' ? '' : operands[0])
      } else if (kind !== null) {
        throw invalidParam(api, `query command in update field ${path}`)
      } else if (isPlainObject(value) && Object.keys(value).length > 0) {
        walk(value, `${path}.`)
      } else {
        put('$set', path, value)
      }
    }
  }
  walk(data, '')
  return ops
}

function clone<T>(value: T): T {
  // The wire is JSON: callers never share object identity with stored documents.
  return JSON.parse(JSON.stringify(value)) as T
}

/** Yields to the event loop so that concurrent callers interleave as they would over a network. */
const tick = () => new Promise<void>((resolve) => setImmediate(resolve))

interface QueryState {
  where: Json
  orderBy: Array<[string, 1 | -1]>
  skip: number
  limit: number | null
}

export interface OperationRecord {
  collection: string
  op: string
  limit?: number
}

export class CloudDbStandin implements CloudDatabase {
  readonly command = realCommand
  readonly operations: OperationRecord[] = []
  private readonly collections = new Map<string, Map<string, CloudDoc>>()

  collection(name: string): CloudCollection & {
    doc(id: string): StandinDocRef
  } {
    return new StandinCollection(this, name)
  }

  /** @internal */
  docs(name: string): Map<string, CloudDoc> {
    let docs = this.collections.get(name)
    if (!docs) {
      docs = new Map()
      this.collections.set(name, docs)
    }
    return docs
  }

  /** @internal */
  record(operation: OperationRecord): void {
    this.operations.push(operation)
  }

  /** Every collection's documents in `_id` order: lets tests prove nothing was written. */
  dump(): Record<string, CloudDoc[]> {
    const names = [...this.collections.keys()].sort()
    return Object.fromEntries(
      names
        .map((name) => [
          name,
          [...this.docs(name).values()].sort((a, b) => (a._id < b._id ? -1 : 1)),
        ])
        .filter(([, docs]) => (docs as CloudDoc[]).length > 0)
        .map(([name, docs]) => [name, clone(docs)]),
    )
  }

  runTransaction(): never {
    throw new Error('stand-in: runTransaction is not implemented (the adapter does not use it)')
  }
}

class StandinQuery implements CloudQuery {
  constructor(
    protected readonly db: CloudDbStandin,
    protected readonly name: string,
    protected readonly state: QueryState,
  ) {}

  private next(change: Partial<QueryState>): StandinQuery {
    return new StandinQuery(this.db, this.name, { ...this.state, ...change })
  }

  where(condition: unknown): StandinQuery {
    return this.next({ where: toMingoQuery(condition) })
  }

  orderBy(field: string, order: 'asc' | 'desc'): StandinQuery {
    if (typeof field !== 'string' || (order !== 'asc' && order !== 'desc')) {
      throw invalidParam('collection.orderBy', '"order" must be asc or desc')
    }
    return this.next({ orderBy: [...this.state.orderBy, [field, order === 'asc' ? 1 : -1]] })
  }

  skip(offset: number): StandinQuery {
    if (!Number.isInteger(offset) || offset < 0) {
      throw invalidParam('collection.skip', 'offset must be a non-negative integer')
    }
    return this.next({ skip: offset })
  }

  limit(max: number): StandinQuery {
    if (!Number.isInteger(max) || max < 1) {
      throw invalidParam('collection.limit', 'limit must be a positive integer')
    }
    return this.next({ limit: max })
  }

  /**
   * Documents the query can match: by `_id` when it pins one (like the primary index), then
   * narrowed by plain equality conjuncts (like a secondary index) before mingo sees them. Only a
   * speed-up: mingo still evaluates the whole query on what is left.
   */
  private candidates(): CloudDoc[] {
    const docs = this.db.docs(this.name)
    const ids = pinnedIds(this.state.where)
    const pool =
      ids === null
        ? [...docs.values()]
        : ids.flatMap((id) => {
            const doc = docs.get(id)
            return doc ? [doc] : []
          })
    const equalities = equalityConjuncts(this.state.where)
    return equalities.length === 0
      ? pool
      : pool.filter((doc) => equalities.every(([field, value]) => doc[field] === value))
  }

  private matches(): CloudDoc[] {
    return new Query(this.state.where).find<CloudDoc>(this.candidates()).all()
  }

  async get(): Promise<{ data: CloudDoc[] }> {
    const limit = this.state.limit ?? SERVER_DEFAULT_LIMIT
    this.db.record({ collection: this.name, op: 'get', limit })
    await tick()
    if (limit > SERVER_MAX_LIMIT) {
      throw new CloudDbError(
        INVALID_PARAM,
        `collection.get:fail -501007 invalid parameters. limit must not exceed ${SERVER_MAX_LIMIT}`,
      )
    }
    let cursor = new Query(this.state.where).find<CloudDoc>(this.candidates())
    if (this.state.orderBy.length > 0) cursor = cursor.sort(Object.fromEntries(this.state.orderBy))
    return { data: clone(cursor.skip(this.state.skip).limit(limit).all()) }
  }

  async count(): Promise<{ total: number }> {
    this.db.record({ collection: this.name, op: 'count' })
    await tick()
    return { total: this.matches().length }
  }

  async update(options: {
    data: Record<string, unknown>
  }): Promise<{ stats: { updated: number } }> {
    this.db.record({ collection: this.name, op: 'update' })
    const ops = toMingoUpdate(options?.data, 'collection.update')
    await tick()
    const matched = this.matches()
    for (const doc of matched) applyAll(doc, ops)
    return { stats: { updated: matched.length } }
  }

  async remove(): Promise<{ stats: { removed: number } }> {
    this.db.record({ collection: this.name, op: 'remove' })
    await tick()
    const docs = this.db.docs(this.name)
    const matched = this.matches()
    for (const doc of matched) docs.delete(doc._id)
    return { stats: { removed: matched.length } }
  }
}

/** The `_id`s a translated query is restricted to by a top-level conjunct, or null. */
function pinnedIds(query: Json): string[] | null {
  const id = query._id
  if (typeof id === 'object' && id !== null) {
    const { $eq, $in } = id as { $eq?: unknown; $in?: unknown }
    if (typeof $eq === 'string') return [$eq]
    if (Array.isArray($in)) return $in.filter((value): value is string => typeof value === 'string')
  }
  if (Array.isArray(query.$and)) {
    for (const clause of query.$and as Json[]) {
      const ids = pinnedIds(clause)
      if (ids !== null) return ids
    }
  }
  return null
}

/** Top-level `{ field: { $eq: string | number | boolean } }` conjuncts of a translated query. */
function equalityConjuncts(query: Json): Array<[string, unknown]> {
  const found: Array<[string, unknown]> = []
  for (const [field, condition] of Object.entries(query)) {
    if (field === '$and' && Array.isArray(condition)) {
      for (const clause of condition as Json[]) found.push(...equalityConjuncts(clause))
    } else if (!field.startsWith('$') && !field.includes('.') && typeof condition === 'object') {
      const keys = condition === null ? [] : Object.keys(condition)
      const value = keys.length === 1 ? (condition as Json).$eq : undefined
      if (['string', 'number', 'boolean'].includes(typeof value)) found.push([field, value])
    }
  }
  return found
}

function applyAll(doc: CloudDoc, ops: Record<string, Json>): void {
  for (const [op, fields] of Object.entries(ops)) {
    applyUpdate(doc, { [op]: clone(fields) } as unknown as Parameters<typeof applyUpdate>[1])
  }
}

function duplicateKey(api: string, name: string, id: string): CloudDbError {
  return new CloudDbError(
    DATABASE_REQUEST_FAIL,
    `${api}:fail -502001 database request fail. [FailedOperation] E11000 duplicate key error ` +
      `collection: ${name} index: _id_ dup key: { _id: "${id}" }`,
  )
}

class StandinCollection extends StandinQuery implements CloudCollection {
  constructor(db: CloudDbStandin, name: string) {
    super(db, name, { where: {}, orderBy: [], skip: 0, limit: null })
  }

  doc(id: string): StandinDocRef {
    return new StandinDocRef(this.db, this.name, id)
  }

  async add(options: { data: Record<string, unknown> }): Promise<{ _id: string }> {
    this.db.record({ collection: this.name, op: 'add' })
    const data = options?.data
    if (!isPlainObject(data)) throw invalidParam('collection.add', 'data must be an object')
    const doc = clone(data) as Json
    const id = typeof doc._id === 'string' ? doc._id : randomBytes(16).toString('hex')
    await tick()
    const docs = this.db.docs(this.name)
    if (docs.has(id)) throw duplicateKey('collection.add', this.name, id)
    docs.set(id, { ...doc, _id: id })
    return { _id: id }
  }
}

export class StandinDocRef {
  constructor(
    private readonly db: CloudDbStandin,
    private readonly name: string,
    private readonly id: string,
  ) {}

  async get(): Promise<{ data: CloudDoc }> {
    this.db.record({ collection: this.name, op: 'doc.get' })
    await tick()
    const doc = this.db.docs(this.name).get(this.id)
    if (!doc) {
      throw new CloudDbError(
        DATABASE_REQUEST_FAIL,
        `document.get:fail document with _id ${this.id} does not exist`,
      )
    }
    return { data: clone(doc) }
  }

  async set(options: {
    data: Record<string, unknown>
  }): Promise<{ _id: string; stats: { updated: number; created: number } }> {
    this.db.record({ collection: this.name, op: 'doc.set' })
    const data = options?.data
    if (!isPlainObject(data)) throw invalidParam('document.set', 'data must be an object')
    if ('_id' in data) throw invalidParam('document.set', 'data must not contain _id')
    await tick()
    const docs = this.db.docs(this.name)
    const existed = docs.has(this.id)
    docs.set(this.id, { ...clone(data), _id: this.id })
    return { _id: this.id, stats: { updated: existed ? 1 : 0, created: existed ? 0 : 1 } }
  }

  async update(options: {
    data: Record<string, unknown>
  }): Promise<{ stats: { updated: number } }> {
    this.db.record({ collection: this.name, op: 'doc.update' })
    const ops = toMingoUpdate(options?.data, 'document.update')
    await tick()
    const doc = this.db.docs(this.name).get(this.id)
    if (doc) applyAll(doc, ops)
    return { stats: { updated: doc ? 1 : 0 } }
  }

  async remove(): Promise<{ stats: { removed: number } }> {
    this.db.record({ collection: this.name, op: 'doc.remove' })
    await tick()
    return { stats: { removed: this.db.docs(this.name).delete(this.id) ? 1 : 0 } }
  }
}

export function createCloudDbStandin(): CloudDbStandin {
  return new CloudDbStandin()
}
