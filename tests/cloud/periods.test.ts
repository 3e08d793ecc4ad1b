// Seam: period keys (Asia/Shanghai days, weeks from Monday) and the ranking cursor codec.
import fc from 'fast-check'

import { dayKey, periodKeys, weekKey } from '../../cloudfunctions/core/periods'
import { decodeCursor, encodeCursor } from '../../cloudfunctions/core/ranking-cursor'

const shanghai = (iso: string) => Date.parse(`${iso}+08:00`)

describe('period keys', () => {
  it.each([
    ['2024-05-15T23:59:59.999', 'd:2024-05-15'],
    ['2024-05-16T00:00:00.000', 'd:2024-05-16'],
    ['2024-12-31T23:59:59.999', 'd:2024-12-31'],
    ['2025-01-01T00:00:00.000', 'd:2025-01-01'],
  ])('counts %s Shanghai time in day %s', (local, key) => {
    expect(dayKey(shanghai(local))).toBe(key)
  })

  it.each([
    ['2024-05-19T23:59:59.999', 'w:2024-05-13'], // Sunday still belongs to the week of Monday 13th
    ['2024-05-20T00:00:00.000', 'w:2024-05-20'], // Monday starts a new week
    ['2024-05-13T00:00:00.000', 'w:2024-05-13'],
    ['2025-01-01T12:00:00.000', 'w:2024-12-30'], // weeks straddle the new year
  ])('counts %s Shanghai time in week %s', (local, key) => {
    expect(weekKey(shanghai(local))).toBe(key)
  })

  it('always starts a week on a Monday within the last seven days', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4_102_444_800_000 }), (now) => {
        const monday = Date.parse(`${weekKey(now).slice(2)}T00:00:00+08:00`)
        expect(new Date(monday + 8 * 3600e3).getUTCDay()).toBe(1)
        expect(now - monday).toBeGreaterThanOrEqual(0)
        expect(now - monday).toBeLessThan(7 * 24 * 3600e3)
        expect(periodKeys(now).all).toBe('all')
      }),
    )
  })
})

describe('ranking cursor', () => {
  it('round-trips what it encodes', () => {
    fc.assert(
      fc.property(
        fc.record({
          groupId: fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/),
          periodKey: fc.constantFrom('all', 'd:2024-05-15', 'w:2024-05-13'),
          rank: fc.integer({ min: 1, max: 10_000 }),
          after: fc.record({
            score: fc.integer({ min: 0, max: 200 }),
            achievedAt: fc.integer({ min: 0, max: 4_102_444_800_000 }),
            memberKey: fc.stringMatching(/^[A-Za-z0-9_-]{22}$/),
          }),
        }),
        (cursor) => {
          expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor)
        },
      ),
    )
  })
})
