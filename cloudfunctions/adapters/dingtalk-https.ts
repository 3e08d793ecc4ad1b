/**
 * A minimal `fetch` over `node:https` for the DingTalk adapter: the CloudBase runtime the bundle
 * targets (Node 16) has no global fetch. JSON in, JSON out, 10 s timeout.
 */
import { request } from 'node:https'

import type { FetchLike } from './dingtalk-open-api'

const TIMEOUT_MS = 10_000

export const httpsFetch: FetchLike = (url, init = {}) =>
  new Promise((resolve, reject) => {
    const outgoing = request(
      url,
      { method: init.method ?? 'GET', headers: init.headers, timeout: TIMEOUT_MS },
      (response) => {
        const chunks: Buffer[] = []
        response.on('data', (chunk: Buffer) => chunks.push(chunk))
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8')
          resolve({
            status: response.statusCode ?? 0,
            json: async () => JSON.parse(text) as unknown,
          })
        })
        response.on('error', reject)
      },
    )
    outgoing.on('timeout', () => outgoing.destroy(new Error(`timeout after ${TIMEOUT_MS} ms`)))
    outgoing.on('error', reject)
    if (init.body !== undefined) outgoing.write(init.body)
    outgoing.end()
  })
