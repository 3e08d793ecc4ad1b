// Seam: the pure display-name rule in shared/display-name.ts, shared by the app and the function.
import { normalizeDisplayName } from '../../shared/display-name'

describe('display names', () => {
  test.each([
    ['  Alice  ', 'Alice'],
    ['A\u200Bli\u202Ece\uFEFF', 'Alice'],
    ['Cafe\u0301', 'Caf\u00E9'],
    ['小\u3000\u3000林 \t 跑团', '小 林 跑团'],
    ['\u3164小林\u00AD', '小林'],
    ['👨\u200D👩\u200D👧', '👨\u200D👩\u200D👧'],
    ['❤\uFE0F', '❤\uFE0F'],
  ])('%j is shown as %j', (typed, shown) => {
    expect(normalizeDisplayName(typed, 20)).toEqual({ ok: true, name: shown })
  })

  test.each([
    ['\u200B\u200B'],
    ['\u3164'],
    ['\uFEFF\u00AD'],
    ['\u202E\u2066\u2069\u200E\u200F\u061C'],
    ['\u3000 \u200D'],
    ['\u2800\u2800'],
    ['\u0301'],
  ])('%j has nothing to see and is refused', (typed) => {
    expect(normalizeDisplayName(typed, 20)).toMatchObject({ ok: false, problem: 'blank' })
  })

  test.each([['a\nb'], ['a\u0000b'], ['a\u2028b'], ['a\uD800b']])(
    '%j is refused for its control character',
    (typed) => {
      expect(normalizeDisplayName(typed, 20)).toMatchObject({ ok: false, problem: 'control' })
    },
  )

  test('length counts what the member sees, after normalising', () => {
    expect(normalizeDisplayName('😀'.repeat(20), 20)).toMatchObject({ ok: true })
    expect(normalizeDisplayName(`${'长'.repeat(20)}\u200B\u200B`, 20)).toMatchObject({ ok: true })
    expect(normalizeDisplayName('长'.repeat(21), 20)).toMatchObject({
      ok: false,
      problem: 'tooLong',
    })
  })
})
