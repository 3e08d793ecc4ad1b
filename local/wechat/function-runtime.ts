/**
 * A local stand-in for CloudBase's function runtime: `wx.cloud.callFunction` as the platform
 * performs it, in process. What it reproduces, because code that passes here must pass there:
 * - the event and the result cross a JSON wire (`undefined` dropped, Dates become strings);
 * - a top-level CloudID field becomes `{ cloudID, data }`, resolved for the caller through the
 *   stand-in; a nested one arrives as the plain id string; a CloudID that does not resolve fails
 *   the whole call with the SDK code (-601005/-601006/-601007), before the function runs;
 * - the caller's identity reaches the function through `process.env` (`WX_CONTEXT_KEYS` and the
 *   `WX_*` variables), which is what `cloud.getWXContext()` in wx-server-sdk 4.0.2 reads;
 * - an unknown function (-501000) and a function that throws (-504002) reject the call.
 *
 * process.env is global and calls run concurrently here (one instance per call there), so the
 * variables are set immediately before `main` is invoked — synchronously, no await in between —
 * and restored as soon as `main` returns its promise. A handler that reads the context as its
 * first statement sees its own caller; one that reads it after an await sees no caller at all,
 * rather than silently seeing someone else.
 */
import { randomUUID } from 'node:crypto'

import { cloudIdSdkError } from '../../shared/wechat-facts'
import { cloudIdOf } from './cloud-id'
import type { WeChatStandIn } from './stand-in'

/** Keys `cloud.getWXContext()` is told to read, in the platform's order. */
export const WX_CONTEXT_KEYS = 'WX_OPENID,WX_APPID,WX_UNIONID,WX_ENV,WX_SOURCE,WX_CLIENTIP'

// Every variable a call may set; all are restored afterwards. getWXContext takes ENV from TCB_ENV
// (not WX_ENV), so that one is set too.
const CONTEXT_VARIABLES = [
  'WX_CONTEXT_KEYS',
  'WX_OPENID',
  'WX_APPID',
  'WX_UNIONID',
  'WX_ENV',
  'WX_SOURCE',
  'WX_CLIENTIP',
  'TCB_ENV',
] as const

export const FUNCTION_NOT_FOUND = -501000
export const FUNCTION_EXECUTE_FAIL = -504002

// Descriptions as in wx-server-sdk's ERR_CODE table (-501000 has none there).
function errDescription(errCode: number): string {
  if (errCode === FUNCTION_EXECUTE_FAIL) return 'functions execute fail'
  return cloudIdSdkError(errCode)?.errMsg ?? ''
}

/** The second argument of `main`, shaped like the SCF context (values are local stand-ins). */
export interface CloudFunctionContext {
  callbackWaitsForEmptyEventLoop: boolean
  memory_limit_in_mb: number
  time_limit_in_ms: number
  request_id: string
  function_name: string
  function_version: string
  namespace: string
  /** JSON of the caller's context variables, as @cloudbase/node-sdk's parseContext expects. */
  environment: string
}

/**
 * Any `exports.main`. Parameters are typed `never` so that a main with a narrower event type
 * (whatever the backend declares) is accepted; the runtime passes a JSON object and a context.
 */
export type CloudFunctionMain = (event: never, context: never) => unknown

export interface LocalFunctionRuntimeOptions {
  standIn: WeChatStandIn
  functions: Record<string, CloudFunctionMain>
  /** The environment id the function sees as ENV. Defaults to 'local'. */
  env?: string
  /**
   * Add `userInfo: { appId, openId }` to the event, as the platform documents for calls from a
   * mini program (overwriting any client-sent `userInfo`). Defaults to true, so strict input
   * validation meets the same extra field it will meet in production.
   */
  injectUserInfo?: boolean
}

export interface CallFunctionRequest {
  appid: string
  /** The signed-in caller; omit for a call without a user (the context then has no OPENID). */
  openid?: string | null
  unionid?: string | null
  name: string
  data?: unknown
  clientIp?: string
}

export interface CallFunctionResult<T = unknown> {
  result: T
  requestID: string
  errMsg: 'cloud.callFunction:ok'
}

/** How `wx.cloud.callFunction` fails: an Error carrying the SDK's `errCode` and `errMsg`. */
export class CallFunctionError extends Error {
  readonly errCode: number
  readonly errMsg: string
  readonly requestID: string

  constructor(errCode: number, detail: string, requestID: string, cause?: unknown) {
    const errMsg = `cloud.callFunction:fail Error: errCode: ${errCode} ${errDescription(errCode)} | errMsg: ${detail}`
    super(errMsg, cause === undefined ? undefined : { cause })
    this.name = 'CallFunctionError'
    this.errCode = errCode
    this.errMsg = errMsg
    this.requestID = requestID
  }
}

export interface LocalFunctionRuntime {
  readonly standIn: WeChatStandIn
  callFunction<T = unknown>(request: CallFunctionRequest): Promise<CallFunctionResult<T>>
  /** Deploys (or replaces) a function. */
  register(name: string, main: CloudFunctionMain): void
  /**
   * Runs a function the way its timer trigger does: the timer event, no caller (no OPENID).
   * Rejects when the function throws, as a failed timer run is logged, never answered.
   */
  trigger(name: string, event: TimerEvent): Promise<unknown>
}

/** The event of a timer run (https://www.tencentcloud.com/document/product/583/9708). */
export interface TimerEvent {
  Type: 'Timer'
  TriggerName: string
  Time: string
  Message: string
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** The JSON wire; a CloudID instance turns into its `{ $cloudID }` marker here. */
function throughWire(value: unknown): unknown {
  const text = JSON.stringify(value)
  return text === undefined ? null : (JSON.parse(text) as unknown)
}

/** Below the top level a CloudID is not resolved: it arrives as the plain id string. */
function flattenNestedCloudIds(value: unknown): unknown {
  const id = cloudIdOf(value)
  if (id !== null) return id
  if (Array.isArray(value)) return value.map(flattenNestedCloudIds)
  if (isPlainObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, flattenNestedCloudIds(v)]))
  }
  return value
}

function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`
  return String(error)
}

export function createLocalFunctionRuntime(
  options: LocalFunctionRuntimeOptions,
): LocalFunctionRuntime {
  const { standIn } = options
  const functions = new Map(Object.entries(options.functions))
  const env = options.env ?? 'local'
  const injectUserInfo = options.injectUserInfo ?? true

  /** Turns client data into the event the function receives, or fails the call. */
  function buildEvent(request: CallFunctionRequest, requestID: string): unknown {
    let wire: unknown
    try {
      wire = throughWire(request.data ?? {})
    } catch (error) {
      // The client SDK cannot serialise it either (cycles, BigInt).
      throw new CallFunctionError(
        -1,
        `data is not serialisable: ${describeError(error)}`,
        requestID,
      )
    }
    if (!isPlainObject(wire)) return wire
    const event: Record<string, unknown> = {}
    for (const [key, value] of Object.entries(wire)) {
      const cloudID = cloudIdOf(value)
      if (cloudID === null) {
        event[key] = flattenNestedCloudIds(value)
        continue
      }
      const resolved = standIn.resolveCloudId(request.appid, request.openid ?? null, cloudID)
      if (!resolved.ok) {
        throw new CallFunctionError(
          resolved.errCode,
          `${resolved.errMsg} (field "${key}")`,
          requestID,
        )
      }
      event[key] = { cloudID, data: resolved.data }
    }
    if (injectUserInfo && request.openid) {
      event.userInfo = { appId: request.appid, openId: request.openid }
    }
    return event
  }

  function contextVariables(request: CallFunctionRequest): Record<string, string | undefined> {
    return {
      WX_CONTEXT_KEYS,
      WX_OPENID: request.openid ?? undefined,
      WX_APPID: request.appid,
      WX_UNIONID: request.unionid ?? undefined,
      WX_ENV: env,
      WX_SOURCE: 'wx_client',
      WX_CLIENTIP: request.clientIp ?? '127.0.0.1',
      TCB_ENV: env,
    }
  }

  /** Sets the caller's variables, calls `main`, restores them — all in one synchronous step. */
  function invokeWithContext(
    main: CloudFunctionMain,
    event: unknown,
    context: CloudFunctionContext,
    variables: Record<string, string | undefined>,
  ): unknown {
    const saved = CONTEXT_VARIABLES.map((key) => [key, process.env[key]] as const)
    const assign = (key: string, value: string | undefined) => {
      if (value === undefined) delete process.env[key]
      else process.env[key] = value
    }
    for (const key of CONTEXT_VARIABLES) assign(key, variables[key])
    try {
      return (main as (event: unknown, context: unknown) => unknown)(event, context)
    } finally {
      for (const [key, value] of saved) assign(key, value)
    }
  }

  async function callFunction<T>(request: CallFunctionRequest): Promise<CallFunctionResult<T>> {
    // The wire is asynchronous: the function never runs inside the caller's stack.
    await Promise.resolve()
    const requestID = randomUUID()
    const main = functions.get(request.name)
    if (!main) {
      throw new CallFunctionError(
        FUNCTION_NOT_FOUND,
        '[ResourceNotFound.FunctionName] FunctionName parameter could not be found.',
        requestID,
      )
    }
    const event = buildEvent(request, requestID)
    const variables = contextVariables(request)
    const context: CloudFunctionContext = {
      callbackWaitsForEmptyEventLoop: false,
      memory_limit_in_mb: 256,
      time_limit_in_ms: 3000,
      request_id: requestID,
      function_name: request.name,
      function_version: '$LATEST',
      namespace: env,
      environment: JSON.stringify(variables),
    }
    let result: unknown
    try {
      result = await invokeWithContext(main, event, context, variables)
    } catch (error) {
      throw new CallFunctionError(FUNCTION_EXECUTE_FAIL, describeError(error), requestID, error)
    }
    let wired: unknown
    try {
      wired = throughWire(result)
    } catch (error) {
      throw new CallFunctionError(FUNCTION_EXECUTE_FAIL, describeError(error), requestID, error)
    }
    return { result: wired as T, requestID, errMsg: 'cloud.callFunction:ok' }
  }

  async function trigger(name: string, event: TimerEvent): Promise<unknown> {
    await Promise.resolve()
    const main = functions.get(name)
    if (!main) throw new Error(`no function ${name} to trigger`)
    const requestID = randomUUID()
    const variables = {
      WX_CONTEXT_KEYS,
      WX_ENV: env,
      WX_SOURCE: 'wx_trigger',
      TCB_ENV: env,
    } as Record<string, string | undefined>
    const context: CloudFunctionContext = {
      callbackWaitsForEmptyEventLoop: false,
      memory_limit_in_mb: 256,
      time_limit_in_ms: 60_000,
      request_id: requestID,
      function_name: name,
      function_version: '$LATEST',
      namespace: env,
      environment: JSON.stringify(variables),
    }
    return throughWire(await invokeWithContext(main, throughWire(event), context, variables))
  }

  return {
    standIn,
    callFunction,
    register(name, main) {
      functions.set(name, main)
    },
    trigger,
  }
}
