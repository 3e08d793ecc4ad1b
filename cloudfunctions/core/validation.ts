import * as v from 'valibot'

import { MAX_ARRAY_LENGTH, refusalOf } from '../../shared/action-schemas'
import type { ErrorCode } from '../../shared/contract'

/**
 * A typed, expected failure of an action. Thrown only before anything is written (parsing,
 * authorization, rule checks) — the per-user counters of rate limits and implausible rounds
 * aside — and turned into an error envelope by the router.
 */
export class Failure extends Error {
  /** With RATE_LIMITED: when the caller may try again (sent as `error.retryAfterMs`). */
  readonly retryAfterMs?: number

  constructor(
    readonly code: ErrorCode,
    message: string,
    extra: { retryAfterMs?: number } = {},
  ) {
    super(message)
    this.name = 'Failure'
    if (extra.retryAfterMs !== undefined) this.retryAfterMs = extra.retryAfterMs
  }
}

export function invalid(message: string): Failure {
  return new Failure('INVALID_INPUT', message)
}

export type Fields = Readonly<Record<string, unknown>>

/**
 * Accepts only a plain data object. Arrays, class instances and primitives are rejected so that
 * a crafted event cannot smuggle in getters or prototype tricks.
 */
export function requireObject(value: unknown, label: string): Fields {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid(`${label} must be an object.`)
  }
  if (!isPlainObject(value)) throw invalid(`${label} must be a plain object.`)
  return value as Fields
}

function isPlainObject(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

/**
 * Reads an own data property. Accessors and inherited properties read as absent, so reading
 * input never runs code the caller supplied.
 */
export function ownField(fields: object, key: string): unknown {
  const descriptor = Object.getOwnPropertyDescriptor(fields, key)
  return descriptor && 'value' in descriptor ? descriptor.value : undefined
}

/** Stands for an object that is neither plain nor an array: none of its properties is read. */
class Opaque {}

/** How deep the action schemas read: the event, its fields, and their entries (`taps[i]`). */
const READ_DEPTH = 2

/**
 * A copy of `value` made of own data properties only, in prototype-free objects, down to the
 * depth the schemas read; below it, a container is an empty one of the same kind (schemas only
 * ask what kind of value sits there). A schema library reads `input[key]`, which would run an
 * accessor or find an inherited property: on this copy an accessor is a field holding
 * `undefined` (absent, as `ownField` reads it), and nothing inherited exists.
 */
function dataCopy(value: unknown, depth: number): unknown {
  if (typeof value !== 'object' || value === null) return value
  if (Array.isArray(value)) {
    if (depth >= READ_DEPTH) return []
    // Longer than any schema accepts: one entry past the longest is refused alike, uncopied.
    const length = Math.min(value.length, MAX_ARRAY_LENGTH + 1)
    return Array.from({ length }, (_, i) => dataCopy(ownField(value, String(i)), depth + 1))
  }
  if (!isPlainObject(value)) return new Opaque()
  const copy: Record<string, unknown> = Object.create(null)
  if (depth >= READ_DEPTH) return copy
  for (const key of Object.getOwnPropertyNames(value)) {
    const descriptor = Object.getOwnPropertyDescriptor(value, key)!
    Object.defineProperty(copy, key, {
      value: 'value' in descriptor ? dataCopy(descriptor.value, depth + 1) : undefined,
      enumerable: descriptor.enumerable,
      writable: true,
      configurable: true,
    })
  }
  return copy
}

/**
 * Parses `input` (a plain object) with `schema` and answers its output, or throws the first
 * refusal as a Failure: INVALID_INPUT naming the field, or the code the schema gives it.
 */
export function parseInput<S extends v.GenericSchema>(schema: S, input: Fields): v.InferOutput<S> {
  const result = v.safeParse(schema, dataCopy(input, 0), { abortEarly: true })
  if (result.success) return result.output
  const { code, message } = refusalOf(result.issues[0])
  throw new Failure(code, message)
}
