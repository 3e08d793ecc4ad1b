// Seam: the build output as WeChat DevTools opens it — project.config.json (root and the copy in
// dist/weapp), app.json and every page's files, and the bundled cloud function folder.
import fs from 'node:fs'
import path from 'node:path'

const root = path.resolve(__dirname, '../..')

interface ProjectConfig {
  miniprogramRoot: string
  cloudfunctionRoot: string
  appid: string
  compileType: string
}

function readJson<T>(file: string): T {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as T
}

const configs: Array<[string, string]> = [
  ['the repository root', root],
  ['dist/weapp', path.join(root, 'dist/weapp')],
]

describe.each(configs)('project.config.json opened from %s', (_name, projectDir) => {
  const config = readJson<ProjectConfig>(path.join(projectDir, 'project.config.json'))
  const miniprogramRoot = path.resolve(projectDir, config.miniprogramRoot)

  test('points at the built mini program, whose pages all exist', () => {
    expect(config.compileType).toBe('miniprogram')
    expect(config.appid).toBe(process.env.TARO_APP_ID ?? 'touristappid')
    const app = readJson<{ pages: string[] }>(path.join(miniprogramRoot, 'app.json'))
    expect(app.pages[0]).toBe('pages/ranking/index')
    for (const page of app.pages) {
      for (const extension of ['js', 'json', 'wxml', 'wxss']) {
        expect(fs.existsSync(path.join(miniprogramRoot, `${page}.${extension}`))).toBe(true)
      }
    }
  })

  test('points at the bundled cloud function with its pinned SDK and permissions', () => {
    const functionDir = path.join(path.resolve(projectDir, config.cloudfunctionRoot), 'leaderboard')
    expect(fs.existsSync(path.join(functionDir, 'index.js'))).toBe(true)
    const manifest = readJson<{ dependencies: Record<string, string> }>(
      path.join(functionDir, 'package.json'),
    )
    expect(manifest.dependencies['wx-server-sdk']).toBe('4.0.2')
    expect(readJson<object>(path.join(functionDir, 'config.json'))).toHaveProperty('permissions')
  })
})
