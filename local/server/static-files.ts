/**
 * Serving files from a folder with plain node:http: no path escapes the folder, types come from
 * the extension (never sniffed), and a missing file is a 404 the caller may fall back from.
 */
import { createReadStream, type Stats, statSync } from 'node:fs'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { extname, join, resolve, sep } from 'node:path'

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
}

export function contentTypeOf(file: string): string {
  return CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream'
}

/**
 * The file under `root` that `relativePath` (URL-decoded, '/'-separated) names, or null when it
 * would leave `root`, contains a NUL, or does not exist as a regular file.
 */
export function resolveInside(
  root: string,
  relativePath: string,
): { path: string; stats: Stats } | null {
  if (relativePath.includes('\0')) return null
  const base = resolve(root)
  const target = resolve(join(base, relativePath))
  if (target !== base && !target.startsWith(base + sep)) return null
  try {
    const stats = statSync(target)
    if (stats.isFile()) return { path: target, stats }
    if (stats.isDirectory()) {
      const index = join(target, 'index.html')
      const indexStats = statSync(index)
      return indexStats.isFile() ? { path: index, stats: indexStats } : null
    }
  } catch {
    // Missing: fall through.
  }
  return null
}

export interface ServeOptions {
  /** Cache-Control header value; defaults to revalidating every time. */
  cacheControl?: string
  /** Extra headers, e.g. a stricter content type policy for user uploads. */
  headers?: Record<string, string>
}

/** Streams `relativePath` from `root`; false (nothing sent) when there is no such file. */
export function serveFile(
  request: IncomingMessage,
  response: ServerResponse,
  root: string,
  relativePath: string,
  options: ServeOptions = {},
): boolean {
  let decoded: string
  try {
    decoded = decodeURIComponent(relativePath)
  } catch {
    return false
  }
  const found = resolveInside(root, decoded)
  if (!found) return false
  const etag = `W/"${found.stats.size.toString(16)}-${Math.floor(found.stats.mtimeMs).toString(16)}"`
  const headers: Record<string, string> = {
    'content-type': contentTypeOf(found.path),
    'cache-control': options.cacheControl ?? 'no-cache',
    'x-content-type-options': 'nosniff',
    etag,
    ...options.headers,
  }
  if (request.headers['if-none-match'] === etag) {
    response.writeHead(304, headers)
    response.end()
    return true
  }
  response.writeHead(200, { ...headers, 'content-length': String(found.stats.size) })
  if (request.method === 'HEAD') {
    response.end()
    return true
  }
  createReadStream(found.path).pipe(response)
  return true
}
