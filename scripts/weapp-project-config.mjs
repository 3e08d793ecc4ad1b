// Taro copies project.config.json into dist/weapp (applying TARO_APP_ID) so that folder can be
// opened in DevTools on its own. Paths in that copy are relative to dist/weapp, so point its
// cloudfunctionRoot back at the bundled functions and drop the root-only source mapping.
import { existsSync, readFileSync, writeFileSync } from 'node:fs'

const file = new URL('../dist/weapp/project.config.json', import.meta.url)
if (!existsSync(file)) {
  console.error('dist/weapp/project.config.json is missing: did `taro build --type weapp` run?')
  process.exit(1)
}
const config = JSON.parse(readFileSync(file, 'utf8'))
config.miniprogramRoot = './'
config.cloudfunctionRoot = '../cloudfunctions/'
delete config.srcMiniprogramRoot
writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`)
