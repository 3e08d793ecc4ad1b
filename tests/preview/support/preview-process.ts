/**
 * `npm start`'s entry (scripts/start.ts) as a child process, one Node process (no tsx wrapper,
 * so a signal reaches the server itself), on 127.0.0.1 and a free port, without the H5 build.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'

import type { SimOpenResult, SimState } from '../../../local/server/simulator/api-types'

const ROOT = resolve(__dirname, '..', '..', '..')
const READY = /simulator\s+(http:\/\/127\.0\.0\.1:\d+\/(?:\?token=[A-Za-z0-9_-]+)?)/

function spawnStart(dataDir: string, extraArgs: string[]): ChildProcess {
  return spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'scripts/start.ts',
      '--no-build',
      '--port',
      '0',
      '--data-dir',
      dataDir,
      ...extraArgs,
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PORT: '' } },
  )
}

export interface RunningPreview {
  url: string
  child: ChildProcess
  output(): string
  /** SIGKILL, resolved once the process is gone. */
  kill(): Promise<void>
  /** SIGTERM: the normal stop (closes SQLite). */
  stop(): Promise<void>
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolvePromise) => child.once('exit', () => resolvePromise()))
}

/** Starts the server and resolves once it printed its URL; rejects if it exits first. */
export function startPreview(dataDir: string, extraArgs: string[] = []): Promise<RunningPreview> {
  const child = spawnStart(dataDir, extraArgs)
  let output = ''
  return new Promise((resolvePromise, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      const ready = READY.exec(output)
      if (!ready) return
      child.stdout!.off('data', onData)
      child.off('exit', onExit)
      child.stdout!.on('data', (more: Buffer) => (output += more.toString()))
      resolvePromise({
        url: ready[1]!,
        child,
        output: () => output,
        kill: () => {
          child.kill('SIGKILL')
          return exited(child)
        },
        stop: () => {
          child.kill('SIGTERM')
          return exited(child)
        },
      })
    }
    const onExit = (code: number | null) => reject(new Error(`start exited (${code}):\n${output}`))
    child.stdout!.on('data', onData)
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.on('exit', onExit)
  })
}

export interface Exit {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs a start that is expected to end on its own (refused); kills it if it starts serving. */
export function runUntilExit(dataDir: string, extraArgs: string[] = []): Promise<Exit> {
  const child = spawnStart(dataDir, extraArgs)
  let stdout = ''
  let stderr = ''
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString()
    if (READY.test(stdout)) child.kill('SIGKILL')
  })
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  // 'close', not 'exit': 'exit' can come before the last stdout/stderr chunks were read (on a
  // busy machine the refusal's message was still in the pipe), 'close' only after both pipes end.
  return new Promise((resolvePromise) =>
    child.on('close', (code) => resolvePromise({ code, stdout, stderr })),
  )
}

/** Every file under `dir` with the sha256 of its bytes. */
export function fileDigests(dir: string): Record<string, string> {
  const digests: Record<string, string> = {}
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name)
      if (entry.isDirectory()) walk(path)
      else
        digests[relative(dir, path)] = createHash('sha256').update(readFileSync(path)).digest('hex')
    }
  }
  walk(dir)
  return digests
}

/**
 * POST as the simulator page does: the simulator API needs the token that `npm start` printed
 * inside the simulator's URL; `token` is a phone's session (Bearer).
 */
function simulatorHttp(baseUrl: string) {
  const simHeaders = { 'x-simulator-token': new URL(baseUrl).searchParams.get('token') ?? '' }
  const post = async <T>(path: string, body: unknown, token?: string): Promise<T> => {
    const response = await fetch(new URL(path, baseUrl), {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...simHeaders,
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify(body),
    })
    const text = await response.text()
    if (!response.ok) throw new Error(`${path}: ${response.status} ${text}`)
    return JSON.parse(text) as T
  }
  const getJson = async <T>(path: string): Promise<T> =>
    (await (await fetch(new URL(path, baseUrl), { headers: simHeaders })).json()) as T
  return { post, getJson }
}

/** The simulator's and the app's HTTP calls against one running server. */
export function previewClient(baseUrl: string) {
  const { post, getJson } = simulatorHttp(baseUrl)
  const cloud = async <T>(token: string, data: Record<string, unknown>): Promise<T> => {
    const { result } = await post<{
      result: { ok: true; data: T } | { ok: false; error: { code: string } }
    }>('/api/cloud/leaderboard', data, token)
    if (!result.ok) throw new Error(`${String(data.action)}: ${result.error.code}`)
    return result.data
  }
  return {
    post,
    cloud,
    state: (): Promise<SimState> => getJson<SimState>('/api/sim/state'),
    addMember: async (label: string) =>
      (await post<{ openid: string }>('/api/sim/members', { label })).openid,
    openCard: (as: string, cardId: string) =>
      post<SimOpenResult>('/api/sim/open-card', { as, cardId }),
    /** What the app does after a ticket card opened it: getGroupEnterInfo → enterGroup. */
    enterGroup: async (opened: SimOpenResult) => {
      const info = await post<{ cloudID: string }>(
        '/api/wechat/getGroupEnterInfo',
        { shareTicket: opened.launch.shareTicket },
        opened.session,
      )
      return cloud<{ ranking: { groupId: string } }>(opened.session, {
        action: 'enterGroup',
        groupInfo: { $cloudID: info.cloudID },
      })
    },
  }
}

export interface DingTalkSimGroup {
  chatId: string
  openConversationId: string
  name: string
  entryUrl: string
  owner: string | null
  members: string[]
}

export interface DingTalkSimState {
  corpId: string
  users: Array<{ userId: string; name: string }>
  groups: DingTalkSimGroup[]
}

interface Envelope<T> {
  ok: boolean
  data?: T
  error?: { code: string }
}

/** The DingTalk simulator's (/api/dingtalk-sim/*) and the DingTalk entry's (/api/dingtalk/*) calls. */
export function dingtalkPreviewClient(baseUrl: string) {
  const { post, getJson } = simulatorHttp(baseUrl)
  const entry = async <T>(path: string, body: unknown, token?: string): Promise<T> => {
    const answer = await post<Envelope<T>>(`/api/dingtalk${path}`, body, token)
    if (!answer.ok) throw new Error(`${path}: ${answer.error?.code}`)
    return answer.data!
  }
  return {
    post,
    entry,
    state: (): Promise<DingTalkSimState> => getJson<DingTalkSimState>('/api/dingtalk-sim/state'),
    authCode: async (corpId: string, userId: string) =>
      (await post<{ authCode: string }>('/api/dingtalk-sim/auth-code', { corpId, userId }))
        .authCode,
    login: async (corpId: string, authCode: string) =>
      (await entry<{ sessionToken: string }>('/login', { corpId, authCode })).sessionToken,
  }
}
