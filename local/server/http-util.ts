/** Small helpers for node:http handlers: bounded bodies, JSON answers, typed request errors. */
import type { IncomingMessage, ServerResponse } from 'node:http'

import getRawBody, { type RawBodyError } from 'raw-body'

/** A failure the handler answers with `status` and a JSON `{ error, message }`. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message)
    this.name = 'HttpError'
  }
}

export const MAX_JSON_BYTES = 64 * 1024

export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body)
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    'cache-control': 'no-store',
  })
  response.end(text)
}

export function sendText(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' })
  response.end(text)
}

/**
 * Reads the body with raw-body, which refuses a declared length past `limit` before reading and
 * stops counting as soon as the bytes grow past it: either way a 413 with our JSON error.
 */
export async function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  try {
    return await getRawBody(request, { limit, length: request.headers['content-length'] })
  } catch (error) {
    if ((error as RawBodyError).type !== 'entity.too.large') throw error
    // A declared length is bounded by the HTTP parser: drain it so the 413 reaches the client.
    // A chunked body past the limit has no end we know of: drop the connection instead.
    if (request.headers['content-length'] !== undefined) request.resume()
    else request.destroy()
    throw new HttpError(413, 'TOO_LARGE', `the body is limited to ${limit} bytes`)
  }
}

/**
 * A JSON object body. Requiring `application/json` is also the CSRF guard: a page on another
 * origin cannot send that type without a CORS preflight, which this server never approves.
 */
export async function readJsonObject(request: IncomingMessage): Promise<Record<string, unknown>> {
  const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase()
  if (type !== 'application/json') {
    throw new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', 'send the body as application/json')
  }
  const body = await readBody(request, MAX_JSON_BYTES)
  let value: unknown
  try {
    value = body.length === 0 ? {} : JSON.parse(body.toString('utf8'))
  } catch {
    throw new HttpError(400, 'BAD_JSON', 'the body is not valid JSON')
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new HttpError(400, 'BAD_JSON', 'the body must be a JSON object')
  }
  return value as Record<string, unknown>
}

export function stringField(body: Record<string, unknown>, key: string, max = 256): string {
  const value = body[key]
  if (typeof value !== 'string' || value.length === 0 || value.length > max) {
    throw new HttpError(400, 'BAD_REQUEST', `${key} must be a non-empty string`)
  }
  return value
}

export function optionalStringField(
  body: Record<string, unknown>,
  key: string,
  max = 256,
): string | undefined {
  const value = body[key]
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'string' || value.length > max) {
    throw new HttpError(400, 'BAD_REQUEST', `${key} must be a string`)
  }
  return value
}
