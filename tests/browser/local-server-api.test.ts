// Seam: the local preview server's HTTP API (local/server), as the H5 app and the simulator call it.
import { mkdtempSync, rmSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { identiconPng } from '../../local/server/avatars'
import { MAX_UPLOAD_BYTES } from '../../local/server/file-storage'
import { type LocalServer, startLocalServer } from '../../local/server/server'
import type { SimOpenResult } from '../../local/server/simulator/api-types'

let server: LocalServer
let dataDir: string

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'leaderboard-api-'))
  // No H5 build is needed for the API; /app/ simply answers 404 here.
  server = await startLocalServer({ dataDir, appDir: join(dataDir, 'no-app'), port: 0 })
})

afterAll(async () => {
  await server?.close()
  rmSync(dataDir, { recursive: true, force: true })
})

const url = (path: string) => new URL(path, server.url).toString()

async function postJson<T>(path: string, body: unknown, token?: string) {
  const response = await fetch(url(path), {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-simulator-token': server.simulatorToken,
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
  })
  return { status: response.status, body: (await response.json()) as T }
}

async function member(label: string): Promise<string> {
  const { body } = await postJson<{ openid: string }>('/api/sim/members', { label })
  return body.openid
}

async function sessionOf(openid: string): Promise<string> {
  const { body } = await postJson<SimOpenResult>('/api/sim/launch', { as: openid })
  return body.session
}

function upload(token: string | null, type: string, bytes: Buffer) {
  return fetch(url('/api/files'), {
    method: 'POST',
    headers: { 'content-type': type, ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: new Uint8Array(bytes),
  })
}

describe('avatar uploads', () => {
  it('stores a PNG and serves it back as an image that is never sniffed', async () => {
    const token = await sessionOf(await member('Uploader'))

    const response = await upload(token, 'image/png', identiconPng('u'))
    const { url: fileUrl } = (await response.json()) as { url: string }
    const served = await fetch(url(fileUrl))

    expect(response.status).toBe(201)
    expect(fileUrl).toMatch(/^\/files\/avatars\/[A-Za-z0-9_-]+\.png$/)
    expect(served.status).toBe(200)
    expect(served.headers.get('content-type')).toBe('image/png')
    expect(served.headers.get('x-content-type-options')).toBe('nosniff')
    expect(Buffer.from(await served.arrayBuffer()).equals(identiconPng('u'))).toBe(true)
  })

  it('refuses SVG, bytes that are not the declared type, oversized files and unsigned callers', async () => {
    const token = await sessionOf(await member('Refused'))
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>')

    const answers = await Promise.all([
      upload(token, 'image/svg+xml', svg),
      upload(token, 'image/jpeg', identiconPng('x')),
      upload(token, 'image/png', Buffer.alloc(MAX_UPLOAD_BYTES + 1)),
      upload(null, 'image/png', identiconPng('x')),
    ])

    expect(answers.map((answer) => answer.status)).toEqual([415, 415, 413, 401])
  })
})

describe('the group name (open-data semantics)', () => {
  it('is shown to members of the group and to nobody else', async () => {
    const inside = await member('Inside')
    const outside = await member('Outside')
    const { chatId } = server.standIn.createGroup(server.appid, { name: 'Secret club' })
    server.standIn.addToGroup(chatId, inside)
    const opengid = server.standIn.opengidOf(chatId, server.appid)

    const asMember = await postJson('/api/wechat/groupName', { opengid }, await sessionOf(inside))
    const asStranger = await postJson(
      '/api/wechat/groupName',
      { opengid },
      await sessionOf(outside),
    )

    expect(asMember).toEqual({ status: 200, body: { name: 'Secret club' } })
    expect(asStranger.status).toBe(403)
  })
})

describe('request guards', () => {
  it('answers only its own host names', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const request = httpRequest(
        url('/api/sim/state'),
        { headers: { host: 'attacker.example:80' } },
        (response) => {
          response.resume()
          resolve(response.statusCode ?? 0)
        },
      )
      request.on('error', reject)
      request.end()
    })

    expect(status).toBe(421)
  })

  it('takes JSON only as application/json, so other sites cannot post forms to it', async () => {
    const response = await fetch(url('/api/sim/members'), {
      method: 'POST',
      headers: { 'content-type': 'text/plain', 'x-simulator-token': server.simulatorToken },
      body: JSON.stringify({ label: 'Forged' }),
    })

    expect(response.status).toBe(415)
  })

  it('answers a cloud call only with a phone session', async () => {
    const anonymous = await postJson('/api/cloud/leaderboard', { action: 'getProfile' })
    const signedIn = await postJson<{ result: { ok: boolean } }>(
      '/api/cloud/leaderboard',
      { action: 'getProfile' },
      await sessionOf(await member('Caller')),
    )

    expect(anonymous.status).toBe(401)
    expect(signedIn.status).toBe(200)
    expect(signedIn.body.result.ok).toBe(true)
  })
})
