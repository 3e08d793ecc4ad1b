// Seam: router.handle's envelope: action parsing, authentication, and never throwing.
import { handle } from '../../cloudfunctions/core/router'
import type { LeaderboardStore } from '../../cloudfunctions/core/store'
import { caller, createRouterHarness, type RouterHarness } from './support/router-harness'

describe('router.handle', () => {
  let h: RouterHarness

  beforeEach(() => {
    h = createRouterHarness()
  })

  afterEach(() => h.close())

  it.each([
    ['an unknown action', { action: 'dropTables' }, 'UNKNOWN_ACTION'],
    ['a missing action', {}, 'UNKNOWN_ACTION'],
    ['an inherited action name', { action: 'toString' }, 'UNKNOWN_ACTION'],
    ['a non-object event', 'getProfile', 'INVALID_INPUT'],
    ['a null event', null, 'INVALID_INPUT'],
    ['an array event', [{ action: 'getProfile' }], 'INVALID_INPUT'],
  ])('answers %s with a typed error', async (_name, event, code) => {
    const result = await handle(event, caller('alice'), h.deps)

    expect(result).toMatchObject({ ok: false, error: { code } })
  })

  it.each([null, '', 'x'.repeat(200)])(
    'refuses caller openid %p as UNAUTHENTICATED',
    async (openid) => {
      const result = await handle({ action: 'getProfile' }, caller(openid), h.deps)

      expect(result).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } })
    },
  )

  it('turns an unexpected failure into INTERNAL, logs it, and hides the detail', async () => {
    const broken = new Proxy(h.store, {
      get: (target, property) =>
        property === 'getProfile'
          ? () => Promise.reject(new Error('disk on fire'))
          : Reflect.get(target, property),
    }) as LeaderboardStore

    const result = await handle({ action: 'getProfile' }, caller('alice'), {
      ...h.deps,
      store: broken,
    })

    expect(result).toEqual({
      ok: false,
      error: { code: 'INTERNAL', message: expect.not.stringContaining('disk') },
    })
    expect(h.errors).toHaveLength(1)
    expect(String(h.errors[0]!.detail)).toContain('disk on fire')
  })

  it('still answers when the logger itself throws', async () => {
    const deps = {
      ...h.deps,
      store: { getProfile: () => Promise.reject(new Error('boom')) } as unknown as LeaderboardStore,
      logger: {
        error: () => {
          throw new Error('logger down')
        },
      },
    }

    await expect(handle({ action: 'getProfile' }, caller('alice'), deps)).resolves.toMatchObject({
      ok: false,
      error: { code: 'INTERNAL' },
    })
  })

  it('ignores accessor properties on the event instead of running them', async () => {
    const event = {}
    Object.defineProperty(event, 'action', {
      enumerable: true,
      get: () => {
        throw new Error('getter ran')
      },
    })

    const result = await handle(event, caller('alice'), h.deps)

    expect(result).toMatchObject({ ok: false, error: { code: 'UNKNOWN_ACTION' } })
  })
})
