// Seam: `npm start`'s command line (scripts/start.ts as a child process): the flags the READMEs
// promise are taken, and anything else stops with a usage message and exit code 2.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { DEMO_GROUP_NAME } from '../../local/server/seed'
import { runUntilExit, startPreview } from './support/preview-process'

let root: string

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'leaderboard-flags-'))
})

afterAll(() => rmSync(root, { recursive: true, force: true }))

describe('npm start refuses what it does not know', () => {
  it.each([
    [['--frobnicate'], 'unknown option --frobnicate\n'],
    [['-x'], 'unknown option -x\n'],
    [['stray'], 'unknown option stray\n'],
    [['--port', 'abc'], '--port must be a port number from 1 to 65535'],
    [['--port=70000'], 'not "70000"'],
    [['--data-dir'], '--data-dir needs a value\n'],
    [['--help'], 'usage: npm start -- [--port N]'],
  ])(
    '%j: exit 2 and %j',
    async (args, message) => {
      const dir = join(root, `refused-${args.join('_').replace(/\W/g, '')}`)

      const exit = await runUntilExit(dir, args)

      expect(exit.code).toBe(2)
      expect(exit.stderr).toContain(message)
      expect(exit.stderr).toContain('usage: npm start --')
      expect(exit.stdout).not.toMatch(/simulator\s+http/)
    },
    30_000,
  )
})

describe('npm start takes the documented flags together', () => {
  it('--reset --seed --verbose (and --no-build --port 0 --data-dir from the helper)', async () => {
    const dir = join(root, 'taken')
    mkdirSync(dir)
    writeFileSync(join(dir, 'left-over.txt'), 'an earlier start')

    const preview = await startPreview(dir, ['--reset', '--seed', '--verbose'])
    try {
      const token = new URL(preview.url).searchParams.get('token')!
      const state = (await (
        await fetch(new URL('/api/sim/state', preview.url), {
          headers: { 'x-simulator-token': token },
        })
      ).json()) as { chats: { name: string }[] }

      expect(preview.output()).toContain(`--reset: moved the old data to ${dir}.`)
      expect(preview.output()).toContain('not building the H5 apps (--no-build)')
      expect(state.chats.map((chat) => chat.name)).toContain(DEMO_GROUP_NAME)
    } finally {
      await preview.stop()
    }
  }, 60_000)
})
