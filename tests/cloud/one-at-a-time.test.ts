// Seam: local/one-at-a-time.ts, which keeps the preview's demo seeds and timer runs from overlapping.
import { oneAtATime } from '../../local/one-at-a-time'

/** A task whose runs are held until the test releases them, in an order it chooses. */
function heldTask() {
  const started: number[] = []
  const releases: Array<(outcome: 'ok' | 'fail') => void> = []
  let calls = 0
  const task = () => {
    const call = (calls += 1)
    started.push(call)
    return new Promise<number>((resolve, reject) => {
      releases.push((outcome) => (outcome === 'ok' ? resolve(call) : reject(new Error(`#${call}`))))
    })
  }
  return {
    task,
    started,
    release: (index: number, outcome: 'ok' | 'fail') => releases[index]!(outcome),
  }
}

const settle = () => new Promise((resolve) => setImmediate(resolve))

describe('oneAtATime', () => {
  it('starts a call only once the one before has settled, failed ones included', async () => {
    const held = heldTask()
    const serial = oneAtATime(held.task)

    const first = serial.run()
    const second = serial.run()
    const third = serial.run()
    await settle()
    expect(held.started).toEqual([1])

    held.release(0, 'fail')
    await expect(first).rejects.toThrow('#1')
    await settle()
    expect(held.started).toEqual([1, 2])

    held.release(1, 'ok')
    await expect(second).resolves.toBe(2)
    await settle()
    expect(held.started).toEqual([1, 2, 3])
    held.release(2, 'ok')
    await expect(third).resolves.toBe(3)
  })

  it('is idle only when no call runs or waits', async () => {
    const held = heldTask()
    const serial = oneAtATime(held.task)
    await serial.idle()

    const first = serial.run()
    let idle = false
    const whenIdle = serial.idle().then(() => (idle = true))
    const second = serial.run()
    await settle()
    held.release(0, 'ok')
    await first
    await settle()
    expect(idle).toBe(false)

    held.release(1, 'fail')
    await expect(second).rejects.toThrow('#2')
    await whenIdle
    expect(idle).toBe(true)
  })
})
