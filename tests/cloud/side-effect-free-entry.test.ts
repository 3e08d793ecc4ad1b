// Seam: importing a function's createMain module (what local/ and the tests wire) runs nothing: no cloud.init, no process listener.
import type * as Sdk from 'wx-server-sdk'

const WATCHED_EVENTS = ['unhandledRejection', 'uncaughtException', 'exit'] as const

interface ImportEffects {
  initCalls: number
  addedListeners: Record<string, number>
  exports: string[]
}

/** Requires `path` into a fresh module registry and reports what doing so changed. */
function importEffects(path: string): ImportEffects {
  let effects: ImportEffects | undefined
  jest.isolateModules(() => {
    // The same registry as the module under test, so the spy sits on the SDK it will import.
    const cloud = jest.requireActual<typeof Sdk>('wx-server-sdk')
    const init = jest.spyOn(cloud, 'init').mockImplementation(() => undefined)
    const before = WATCHED_EVENTS.map((event) => process.listenerCount(event))
    const loaded = jest.requireActual<Record<string, unknown>>(path)
    effects = {
      initCalls: init.mock.calls.length,
      addedListeners: Object.fromEntries(
        WATCHED_EVENTS.map((event, i) => [event, process.listenerCount(event) - before[i]!]),
      ),
      exports: Object.keys(loaded).sort(),
    }
    init.mockRestore()
  })
  return effects!
}

const NOTHING_ADDED = { unhandledRejection: 0, uncaughtException: 0, exit: 0 }

describe.each([
  ['leaderboard', 'createMain'],
  ['scheduler', 'createSchedulerMain'],
  ['dingtalk', 'createDingTalkMain'],
])('the %s function', (name, factory) => {
  it(`exports ${factory} from a module that runs nothing on import`, () => {
    const effects = importEffects(`../../cloudfunctions/${name}/create-main`)

    expect(effects.exports).toContain(factory)
    expect(effects.initCalls).toBe(0)
    expect(effects.addedListeners).toEqual(NOTHING_ADDED)
  })

  it('builds its production deps in a module that runs nothing on import', () => {
    const effects = importEffects(`../../cloudfunctions/${name}/production-deps`)

    expect(effects.initCalls).toBe(0)
    expect(effects.addedListeners).toEqual(NOTHING_ADDED)
  })

  it('initialises the SDK in the deployed index.ts, and only there (the spy sees it)', () => {
    const effects = importEffects(`../../cloudfunctions/${name}/index`)

    expect(effects.exports).toEqual(expect.arrayContaining(['main']))
    expect(effects.initCalls).toBe(1)
    expect(effects.addedListeners).toEqual(NOTHING_ADDED)
  })
})
