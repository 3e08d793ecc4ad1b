/**
 * What every answer of the local server carries, and the simulator's per-start token.
 *
 * - Framing: only the H5 apps (/app/, /app-dd/) may be framed, and only by this server's own
 *   pages (the simulator's phones); everything else refuses to be framed at all. Both the old
 *   header (`X-Frame-Options`) and CSP `frame-ancestors` are sent, for browsers that know either.
 * - Scripts from this origin only. The H5 build's index.html carries one inline script (Taro's
 *   rem sizing, `src/index.html`): it is allowed by its hash, read from the build, not by
 *   'unsafe-inline'. Styles may be inline (React sets style attributes).
 * - The simulator API can act as any member, so it needs the token `npm start` prints inside
 *   the simulator's URL (as local notebook servers do): `/?token=…` stores it in an HttpOnly,
 *   SameSite=Strict cookie and redirects to the bare URL; scripts may send it as a header.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import { readFileSync, statSync } from 'node:fs'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { join } from 'node:path'

export const SIMULATOR_TOKEN_COOKIE = 'simulator_token'
export const SIMULATOR_TOKEN_HEADER = 'x-simulator-token'

/** Paths the simulator frames; nothing else may be framed. */
const FRAMABLE = /^\/app(-dd)?(\/|$)/

/** Hashes of a build's inline scripts, re-read when its index.html changes. */
export function inlineScriptHashes(appDir: string): () => string[] {
  let cached: { mtimeMs: number; hashes: string[] } | null = null
  return () => {
    const file = join(appDir, 'index.html')
    let mtimeMs: number
    try {
      mtimeMs = statSync(file).mtimeMs
    } catch {
      return []
    }
    if (cached?.mtimeMs !== mtimeMs) {
      const html = readFileSync(file, 'utf8')
      const hashes = [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/gi)].map(
        (match) => `'sha256-${createHash('sha256').update(match[1]!).digest('base64')}'`,
      )
      cached = { mtimeMs, hashes }
    }
    return cached.hashes
  }
}

/** Sets the framing and script headers of `path`'s answer (a handler's own may still add). */
export function setSecurityHeaders(
  response: ServerResponse,
  path: string,
  appScriptHashes: () => string[],
): void {
  const framable = FRAMABLE.test(path)
  const scripts = ["'self'", ...(framable ? appScriptHashes() : [])].join(' ')
  response.setHeader('x-frame-options', framable ? 'SAMEORIGIN' : 'DENY')
  response.setHeader(
    'content-security-policy',
    [
      "default-src 'self'",
      `script-src ${scripts}`,
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data: blob:",
      // The profile page reads the picked avatar through its blob: URL before uploading it.
      "connect-src 'self' blob:",
      // Taro's H5 components embed their icon font as a data: URL.
      "font-src 'self' data:",
      "object-src 'none'",
      "base-uri 'self'",
      `frame-ancestors ${framable ? "'self'" : "'none'"}`,
    ].join('; '),
  )
  response.setHeader('x-content-type-options', 'nosniff')
  response.setHeader('referrer-policy', 'no-referrer')
}

function sameSecret(given: string | undefined, token: string): boolean {
  if (given === undefined) return false
  const a = Buffer.from(given)
  const b = Buffer.from(token)
  return a.length === b.length && timingSafeEqual(a, b)
}

function cookieValue(request: IncomingMessage, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=')
    if (key === name) return rest.join('=')
  }
  return undefined
}

/** Whether the request carries this start's simulator token (cookie or header). */
export function hasSimulatorToken(request: IncomingMessage, token: string): boolean {
  const header = request.headers[SIMULATOR_TOKEN_HEADER]
  return (
    sameSecret(typeof header === 'string' ? header : undefined, token) ||
    sameSecret(cookieValue(request, SIMULATOR_TOKEN_COOKIE), token)
  )
}

/**
 * A simulator page (`/`, `/dingtalk`) asked for: with `?token=` it stores the token in the cookie
 * and redirects to the bare page; without a valid token or cookie it explains where to find
 * the URL. Returns true when it answered.
 */
export function gateSimulatorPage(
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
  token: string,
): boolean {
  const given = url.searchParams.get('token')
  if (given !== null && sameSecret(given, token)) {
    const rest = new URLSearchParams(url.searchParams)
    rest.delete('token')
    const query = rest.toString()
    response.writeHead(302, {
      location: query === '' ? url.pathname : `${url.pathname}?${query}`,
      'set-cookie': `${SIMULATOR_TOKEN_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`,
      'cache-control': 'no-store',
    })
    response.end()
    return true
  }
  if (given === null && hasSimulatorToken(request, token)) return false
  response.writeHead(401, { 'content-type': 'text/plain; charset=utf-8' })
  response.end(
    'The simulator needs the token of this start: open the URL that `npm start` printed ' +
      '(http://127.0.0.1:<port>/?token=…).\n',
  )
  return true
}
