/** Small helpers for node:http handlers: bounded bodies, JSON answers, typed request errors. */
import type { IncomingMessage, ServerResponse } from 'node:http'

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

/** Reads the body, failing with 413 as soon as it grows past `limit` bytes. */
export function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(request.headers['content-length'] ?? '0')
    if (declared > limit) {
      reject(new HttpError(413, 'TOO_LARGE', `the body is limited to ${limit} bytes`))
      request.resume()
      return
    }
    const chunks: Buffer[] = []
    let size = 0
    request.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > limit) {
        reject(new HttpError(413, 'TOO_LARGE', `the body is limited to ${limit} bytes`))
        request.destroy()
        return
      }
      chunks.push(chunk)
    })
    request.on('end', () => resolve(Buffer.concat(chunks)))
    request.on('error', reject)
  })
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
