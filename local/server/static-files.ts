/**
 * Serving files from a folder with `send` (the static-file core of Express's serve-static): it
 * refuses paths that leave the folder (`..`, also percent-encoded) and NUL bytes, takes the type
 * from the extension through mime-types (never sniffed), answers conditional GETs, ranges and
 * HEAD, serves a folder's `index.html`, and ignores dotfiles. A missing file (or a refused path,
 * or a folder without index.html) is left to the caller, which falls back or answers its 404.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'

import send from 'send'

export interface ServeOptions {
  /** Cache-Control header value; defaults to revalidating every time. */
  cacheControl?: string
  /** Extra headers, e.g. a stricter content security policy for user uploads. */
  headers?: Record<string, string>
}

/** What `send` reports for a path that names nothing servable: the caller answers instead. */
const NOT_SERVED = new Set([400, 403, 404])

/** `send`'s errors are http-errors: a status, and headers for some (416's Content-Range). */
interface SendFailure extends Error {
  status: number
  headers?: Record<string, string>
}

/**
 * Streams `relativePath` (as in the URL: '/'-separated, percent-encoded) from `root`. Resolves
 * false, with nothing sent, when there is no such file; true once `send` has taken the answer.
 */
export function serveFile(
  request: IncomingMessage,
  response: ServerResponse,
  root: string,
  relativePath: string,
  options: ServeOptions = {},
): Promise<boolean> {
  return new Promise((resolve, reject) => {
    let found = false
    send(request, `/${relativePath}`, { root, cacheControl: false })
      .on('headers', () => {
        found = true
        response.setHeader('cache-control', options.cacheControl ?? 'no-cache')
        response.setHeader('x-content-type-options', 'nosniff')
        for (const [name, value] of Object.entries(options.headers ?? {})) {
          response.setHeader(name, value)
        }
        resolve(true)
      })
      // A folder named without the trailing slash: its index.html, as with one (send would
      // redirect to the slash instead).
      .on('directory', () => {
        serveFile(request, response, root, `${relativePath}/`, options).then(resolve, reject)
      })
      .on('error', (error: SendFailure) => {
        if (!found && NOT_SERVED.has(error.status)) {
          resolve(false)
        } else if (response.headersSent) {
          // The file failed while streaming: end the answer short rather than pretend.
          response.destroy()
        } else if (error.status < 500) {
          // 412 (If-Match) or 416 (Range): send's status and headers, without its HTML page.
          response.writeHead(error.status, error.headers)
          response.end()
        } else {
          reject(error)
        }
      })
      .pipe(response)
  })
}
