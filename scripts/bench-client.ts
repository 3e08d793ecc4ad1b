/**
 * `npm run bench:client`: the weapp output size (total, per package, largest files; budget
 * 600 KB), then the card-tap figures measured on the compiled app in miniprogram-simulate
 * (cloud calls per card tap, time to first ranking render for a 500-member group).
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'

const root = path.resolve(__dirname, '..')
const dist = path.join(root, 'dist/weapp')
const BUDGET_BYTES = 600 * 1024

function build(): void {
  const result = spawnSync('npm', ['run', '--silent', 'build:weapp'], {
    cwd: root,
    stdio: 'ignore',
  })
  if (result.status !== 0) throw new Error('npm run build:weapp failed')
}

function listFiles(directory: string): Array<{ file: string; bytes: number }> {
  return fs.readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(directory, entry.name)
    if (entry.isDirectory()) return listFiles(full)
    return [{ file: path.relative(dist, full), bytes: fs.statSync(full).size }]
  })
}

function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`
}

build()
// DevTools uploads neither the project config nor licence notes; they are not part of the package.
const files = listFiles(dist).filter(
  ({ file }) => file !== 'project.config.json' && !file.endsWith('.LICENSE.txt'),
)
const appJson = JSON.parse(fs.readFileSync(path.join(dist, 'app.json'), 'utf8')) as {
  subPackages?: Array<{ root: string }>
  subpackages?: Array<{ root: string }>
}
const subpackageRoots = (appJson.subPackages ?? appJson.subpackages ?? []).map((sub) => sub.root)
const packageOf = (file: string): string =>
  subpackageRoots.find((rootDir) => file.startsWith(rootDir)) ?? 'main'
const perPackage = new Map<string, number>()
for (const { file, bytes } of files) {
  perPackage.set(packageOf(file), (perPackage.get(packageOf(file)) ?? 0) + bytes)
}
const total = files.reduce((sum, { bytes }) => sum + bytes, 0)

console.log('weapp output (dist/weapp)')
console.log(
  `  total: ${kb(total)} (budget ${kb(BUDGET_BYTES)}: ${total <= BUDGET_BYTES ? 'within' : 'OVER'})`,
)
for (const [name, bytes] of perPackage) console.log(`  package ${name}: ${kb(bytes)}`)
console.log('  largest files:')
for (const { file, bytes } of [...files].sort((a, b) => b.bytes - a.bytes).slice(0, 6)) {
  console.log(`    ${kb(bytes).padStart(10)}  ${file}`)
}

const jest = spawnSync(
  'npx',
  ['jest', '--config', 'jest.bench.config.js', '--silent=false', '--verbose=false'],
  { cwd: root, stdio: 'inherit' },
)
process.exit(jest.status ?? 1)
