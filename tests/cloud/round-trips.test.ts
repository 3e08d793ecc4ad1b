// Seam: the router on the CloudBase adapter over the stand-in, counting round trips per action.
import { measureRoundTrips, type RoundTripRow } from './support/round-trip-scenarios'

describe('round trips of the card-tap actions on CloudBase', () => {
  let rows: RoundTripRow[]

  beforeAll(async () => {
    rows = await measureRoundTrips({ groupSize: 60 })
  }, 60_000)

  it('meets every sequential-step and call target', () => {
    const targeted = rows.filter((row) => row.maxSteps !== undefined)
    expect(targeted.length).toBeGreaterThanOrEqual(7)
    for (const row of targeted) {
      expect({ action: row.action, steps: Math.min(row.steps, row.maxSteps!) }).toEqual({
        action: row.action,
        steps: row.steps,
      })
      if (row.maxCalls !== undefined) expect(row.calls).toBeLessThanOrEqual(row.maxCalls)
    }
  })

  it('makes a submission cost the same calls whatever the number of groups', () => {
    const submissions = rows.filter((row) => row.action.includes('first in its rate-limit window'))
    const [inFour, inTwenty] = submissions.filter((row) => row.action.startsWith('submitScore'))
    expect(inFour!.calls).toBe(inTwenty!.calls)
  })
})
