// Seam: the local preview server's plumbing over HTTP (local/server): API routing (404 vs 405,
// the DingTalk mode's too), static files (folder confinement, types, caching), and the body limit.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { type LocalServer, startLocalServer } from '../../local/server/server'

let server: LocalServer
let dataDir: string

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'leaderboard-plumbing-'))
  // A tiny stand-in for dist/h5, with a secret beside it that no URL may reach.
  const appDir = join(dataDir, 'h5')
  mkdirSync(join(appDir, 'js'), { recursive: true })
  writeFileSync(join(appDir, 'index.html'), '<html><head></head><body>app</body></html>')
  writeFileSync(join(appDir, 'js', 'app.js'), 'console.log(1)')
  writeFileSync(join(dataDir, 'secret.txt'), 'secret')
  server = await startLocalServer({ dataDir, appDir, port: 0 })
})

afterAll(async () => {
  await server?.close()
  rmSync(dataDir, { recursive: true, force: true })
})

/** One request exactly as written: fetch would normalise `..` and `%2e%2e` away. */
function raw(method: string, path: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>(
    (resolve, reject) => {
      const request = httpRequest(
        { host: '127.0.0.1', port: server.port, method, path, headers },
        (response) => {
          let body = ''
          response.on('data', (chunk: Buffer) => (body += chunk.toString()))
          response.on('end', () =>
            resolve({ status: response.statusCode ?? 0, headers: response.headers, body }),
          )
        },
      )
      request.on('error', reject)
      request.end()
    },
  )
}

const sim = () => ({ 'x-simulator-token': server.simulatorToken })

describe('API routing', () => {
  it.each([
    ['GET', '/api/sim/state', 200],
    ['POST', '/api/sim/state', 405],
    ['HEAD', '/api/sim/state', 405],
    ['GET', '/api/sim/state/', 404],
    ['GET', '/api/sim/STATE', 404],
    ['GET', '/api/sim/nothing', 404],
    ['GET', '/api/cloud/leaderboard', 405],
    ['POST', '/api/cloud/leaderboard', 401],
    ['POST', '/api/cloud/bad!name', 404],
    ['POST', `/api/cloud/${'a'.repeat(65)}`, 404],
    ['GET', '/api/wechat/login', 405],
    ['PUT', '/api/files', 405],
    ['POST', '/api/nowhere', 404],
  ])('%s %s answers %i', async (method, path, status) => {
    const answer = await raw(method, path, { ...sim(), 'content-type': 'application/json' })

    expect(answer.status).toBe(status)
    if (status === 404 || status === 405) {
      expect(method === 'HEAD' ? {} : JSON.parse(answer.body)).toEqual(
        method === 'HEAD' ? {} : { error: 'NOT_FOUND', message: path },
      )
    }
  })
})

describe('API routing in the DingTalk mode', () => {
  it.each([
    ['GET', '/api/dingtalk-sim/state', 200],
    ['POST', '/api/dingtalk-sim/state', 405],
    ['GET', '/api/dingtalk-sim/users', 405],
    ['GET', '/api/dingtalk-sim/auth-code', 405],
    ['GET', '/api/dingtalk-sim/state/', 404],
    ['GET', '/api/dingtalk-sim/STATE', 404],
    ['POST', '/api/dingtalk-sim/nothing', 404],
    ['POST', '/api/dingtalk/nothing', 404],
    ['POST', '/api/dingtalk/login/', 404],
  ])('%s %s answers %i', async (method, path, status) => {
    const answer = await raw(method, path, { ...sim(), 'content-type': 'application/json' })

    expect(answer.status).toBe(status)
    if (status !== 200)
      expect(JSON.parse(answer.body)).toEqual({ error: 'NOT_FOUND', message: path })
  })

  it('leaves a wrong method on the DingTalk entry to the entry, as its HTTP trigger does', async () => {
    const answer = await raw('GET', '/api/dingtalk/login', { 'content-type': 'application/json' })

    expect(answer.status).toBe(405)
    expect(JSON.parse(answer.body)).toEqual({ message: 'POST only' })
  })

  it('still asks for the simulator token before routing', async () => {
    const answer = await raw('GET', '/api/dingtalk-sim/nothing')

    expect(answer.status).toBe(401)
    expect(JSON.parse(answer.body)).toMatchObject({ error: 'NO_SIMULATOR_TOKEN' })
  })
})

describe('static files', () => {
  it.each([
    '/app/..%2fsecret.txt',
    '/app/%2e%2e/secret.txt',
    '/app/js/%2e%2e%2f..%2fsecret.txt',
    '/app/a%00b',
    '/app/%E0%A4%A',
    '/files/..%2fsecret.txt',
    '/js/..%2f..%2fsecret.txt',
  ])('refuses %s with a plain 404', async (path) => {
    const answer = await raw('GET', path)

    expect(answer.status).toBe(404)
    expect(answer.body).not.toContain('secret')
  })

  it('serves the build with its type, no sniffing, and revalidation by ETag', async () => {
    const first = await raw('GET', '/app/js/app.js')
    const again = await raw('GET', '/js/app.js', { 'if-none-match': String(first.headers.etag) })
    const head = await raw('HEAD', '/app/?session=s')

    expect(first.status).toBe(200)
    expect(first.headers['content-type']).toBe('text/javascript; charset=utf-8')
    expect(first.headers['x-content-type-options']).toBe('nosniff')
    expect(first.headers['cache-control']).toBe('no-cache')
    expect(first.body).toBe('console.log(1)')
    expect(again.status).toBe(304)
    expect(head.status).toBe(200)
    expect(head.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(head.body).toBe('')
  })
})

describe('the body limit', () => {
  it('answers 413 with the JSON error past 64 KiB, and takes 64 KiB', async () => {
    const post = (bytes: number) =>
      fetch(new URL('/api/sim/members', server.url), {
        method: 'POST',
        headers: { ...sim(), 'content-type': 'application/json' },
        body: `{"label":"${'x'.repeat(bytes - 12)}"}`,
      })

    const over = await post(64 * 1024 + 1)
    const limit = await post(64 * 1024)

    expect(over.status).toBe(413)
    expect(await over.json()).toEqual({
      error: 'TOO_LARGE',
      message: 'the body is limited to 65536 bytes',
    })
    expect(limit.status).toBe(400) // read in full; the name rule refuses it
  })
})
