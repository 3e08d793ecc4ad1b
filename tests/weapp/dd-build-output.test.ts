// Seam: the DingTalk build output (`taro build --type dd` → dist/dd) as DingTalk's developer tool opens it — app.json, every page's files, and the DingTalk platform modules in place of WeChat's.
import fs from 'node:fs'
import path from 'node:path'

const root = path.resolve(__dirname, '../..')
const dd = path.join(root, 'dist/dd')
const weapp = path.join(root, 'dist/weapp')

function read(file: string): string {
  return fs.readFileSync(file, 'utf8')
}

/** The pages the app declares, read from the source so both builds are held to the same list. */
function declaredPages(): string[] {
  const config = read(path.join(root, 'src/app.config.ts'))
  const list = /pages:\s*\[([^\]]*)\]/.exec(config)?.[1] ?? ''
  return [...list.matchAll(/'([^']+)'/g)].map((match) => match[1]!)
}

function bundleText(dir: string): string {
  return ['app.js', 'common.js', 'taro.js', 'vendors.js']
    .map((file) => path.join(dir, file))
    .filter((file) => fs.existsSync(file))
    .map(read)
    .join('\n')
}

describe('dist/dd (DingTalk mini program)', () => {
  test('app.json lists the same pages as the source, ranking first', () => {
    const app = JSON.parse(read(path.join(dd, 'app.json'))) as { pages: string[] }
    expect(app.pages).toEqual(declaredPages())
    expect(app.pages[0]).toBe('pages/ranking/index')
  })

  test('every page has its DingTalk files (axml, acss, js, json)', () => {
    for (const page of declaredPages()) {
      for (const extension of ['js', 'json', 'axml', 'acss']) {
        expect(fs.existsSync(path.join(dd, `${page}.${extension}`))).toBe(true)
      }
    }
    expect(fs.existsSync(path.join(dd, 'base.axml'))).toBe(true)
  })

  test('is built from the DingTalk platform modules, not the WeChat ones', () => {
    const bundle = bundleText(dd)
    // services.dd.ts: free-login code and the DingTalk HTTP entry; enter-options.dd.ts's claim.
    expect(bundle).toContain('getAuthCode')
    expect(bundle).toContain('/leaderboard')
    expect(bundle).toContain('dingtalk:')
    // services.ts (weapp) would bring wx.cloud.callFunction and CloudID.
    expect(bundle).not.toContain('callFunction')
    expect(bundle).not.toContain('CloudID')
    // group-name.dd.tsx shows the real group name and owner; no <open-data> in DingTalk.
    expect(bundle).not.toContain('groupName')
    const ranking = read(path.join(dd, 'pages/ranking/index.js'))
    expect(ranking).toMatch(/未参与|\\u672a\\u53c2\\u4e0e/)
  })
})

describe('dist/weapp keeps the WeChat modules', () => {
  const built = fs.existsSync(path.join(weapp, 'app.js'))
  ;(built ? test : test.skip)('no DingTalk module leaks into the WeChat build', () => {
    const bundle = bundleText(weapp)
    expect(bundle).toContain('callFunction')
    expect(bundle).not.toContain('getAuthCode')
  })
})
