// Seam: compiled weapp in miniprogram-simulate with the real cloud function on SQLite — prints the
// card-tap figures for `npm run bench:client` (cloud calls per tap, first render of 500 members).
import { bootPhone, createWorld, populateGroup } from '../support/group-world'
import { waitFor } from '../support/weapp-harness'

const MEMBERS = 500

async function until(check: () => boolean, timeoutMs = 10_000): Promise<number> {
  const start = performance.now()
  while (!check()) {
    if (performance.now() - start > timeoutMs) throw new Error('timed out')
    await new Promise((resolve) => setTimeout(resolve, 1))
  }
  return performance.now()
}

test(`first ranking render for a ${MEMBERS}-member group`, async () => {
  const world = createWorld()
  const members = Array.from({ length: MEMBERS }, (_, index) => ({
    label: `m${String(index).padStart(3, '0')}`,
    nickname: `成员${index}`,
    score: (index * 37) % 200,
  }))
  const seedStart = performance.now()
  await populateGroup(world, 'Big', members)
  const seedMs = performance.now() - seedStart

  const phoneUser = members[MEMBERS - 1].label
  const launch = world.openGroupCard('Big', members[0].label, phoneUser)

  const tapped = performance.now()
  const { host, weapp, ranking: page } = bootPhone(world, phoneUser, launch)
  const rendered = await until(() => page.findAll('ranking-row').length >= 47)
  const firstRenderMs = rendered - tapped
  const firstRows = page.findAll('ranking-row').length
  const firstSetData = weapp.setDataLog.filter((record) => record.at <= rendered)
  const callsPerTap = host.cloudCalls.map((call) => call.action)

  const moreStart = performance.now()
  const logBefore = weapp.setDataLog.length
  page.call('onReachBottom')
  const moreDone = await until(() => page.findAll('ranking-row').length >= firstRows + 50)
  const moreSetData = weapp.setDataLog.slice(logBefore)

  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`
  const sum = (records: typeof moreSetData) => records.reduce((total, r) => total + r.bytes, 0)
  const lines = [
    `card tap → ranking (${MEMBERS}-member group, seeded in ${(seedMs / 1000).toFixed(1)} s)`,
    `  cloud calls per card tap: ${callsPerTap.length} (${callsPerTap.join(', ')})`,
    `  time to first ranking render: ${firstRenderMs.toFixed(0)} ms (app boot + getGroupEnterInfo + enterGroup on SQLite + render of ${firstRows} rows and the podium)`,
    `  setData before first render: ${firstSetData.length} calls, ${kb(sum(firstSetData))} total`,
    `  next page (50 rows) on scroll: ${(moreDone - moreStart).toFixed(0)} ms, ${moreSetData.length} setData calls, ${kb(sum(moreSetData))} (largest ${kb(Math.max(0, ...moreSetData.map((r) => r.bytes)))})`,
  ]
  process.stdout.write(`\n${lines.join('\n')}\n\n`)
  if (process.env.BENCH_VERBOSE) {
    for (const record of moreSetData)
      console.log(record.route, record.bytes, record.paths.slice(0, 8))
  }
  expect(callsPerTap).toEqual(['enterGroup'])
  await waitFor(() => expect(page.text()).toContain('成员'))
  world.close()
}, 120_000)
