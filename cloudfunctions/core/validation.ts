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
  const proto: unknown = Object.getPrototypeOf(value)
  if (proto !== Object.prototype && proto !== null) {
    throw invalid(`${label} must be a plain object.`)
  }
  return value as Fields
}

/**
 * Reads an own data property. Accessors and inherited properties read as absent, so reading
 * input never runs code the caller supplied.
 */
export function ownField(fields: Fields, key: string): unknown {
  const descriptor = Object.getOwnPropertyDescriptor(fields, key)
  return descriptor && 'value' in descriptor ? descriptor.value : undefined
}

/** Absent means undefined or null: JSON clients send either for "not given". */
export function isAbsent(value: unknown): value is undefined | null {
  return value === undefined || value === null
}

export interface StringRule {
  min?: number
  max: number
  pattern?: RegExp
  /** Shown in the error when the pattern does not match, e.g. "letters, digits, - and _". */
  patternHint?: string
}

export function parseString(value: unknown, label: string, rule: StringRule): string {
  if (typeof value !== 'string') throw invalid(`${label} must be a string.`)
  const min = rule.min ?? 1
  if (value.length < min) {
    throw invalid(min === 1 ? `${label} must not be empty.` : `${label} is too short.`)
  }
  if (value.length > rule.max) throw invalid(`${label} must be at most ${rule.max} characters.`)
  if (rule.pattern && !rule.pattern.test(value)) {
    throw invalid(`${label} may only contain ${rule.patternHint ?? 'the documented characters'}.`)
  }
  return value
}

export function stringField(fields: Fields, key: string, rule: StringRule): string {
  const value = ownField(fields, key)
  if (isAbsent(value)) throw invalid(`${key} is required.`)
  return parseString(value, key, rule)
}

export function optionalStringField(
  fields: Fields,
  key: string,
  rule: StringRule,
): string | undefined {
  const value = ownField(fields, key)
  return isAbsent(value) ? undefined : parseString(value, key, rule)
}

export interface IntRule {
  min: number
  max: number
}

export function parseInteger(value: unknown, label: string, rule: IntRule): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw invalid(`${label} must be an integer.`)
  }
  if (value < rule.min || value > rule.max) {
    throw invalid(`${label} must be between ${rule.min} and ${rule.max}.`)
  }
  // -0 is an integer in range but would survive into storage as a surprising value.
  return value === 0 ? 0 : value
}

export function optionalIntegerField(
  fields: Fields,
  key: string,
  rule: IntRule,
  fallback: number,
): number {
  const value = ownField(fields, key)
  return isAbsent(value) ? fallback : parseInteger(value, key, rule)
}

export function optionalEnumField<T extends string>(
  fields: Fields,
  key: string,
  values: readonly T[],
  fallback: T,
): T {
  const value = ownField(fields, key)
  if (isAbsent(value)) return fallback
  if (typeof value === 'string' && (values as readonly string[]).includes(value)) return value as T
  throw invalid(`${key} must be one of ${values.join(', ')}.`)
}

/** Identifiers minted by WeChat (openid, opengid) and by this server: URL-safe base64 alphabet. */
export const ID_PATTERN = /^[A-Za-z0-9_-]+$/
export const ID_HINT = 'letters, digits, - and _'

/** A group id as the client echoes it back (an opengid resolved earlier by `enterGroup`). */
export const GROUP_ID_RULE: StringRule = { max: 64, pattern: ID_PATTERN, patternHint: ID_HINT }
