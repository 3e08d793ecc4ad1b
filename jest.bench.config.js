// Benchmarks that need the simulated mini program host (jsdom + miniprogram-simulate). They print
// figures instead of asserting timings; `npm run bench:client` runs them after the size report.
const base = require('./jest.config.js').projects.find((project) => project.displayName === 'weapp')

module.exports = {
  ...base,
  displayName: 'weapp-bench',
  testMatch: ['<rootDir>/tests/weapp/bench/**/*.bench.ts'],
}
