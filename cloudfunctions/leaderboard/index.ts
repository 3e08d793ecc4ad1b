/**
 * The deployable `leaderboard` cloud function: it initialises the SDK and exports `main`, wired to
 * the production deps. Everything else lives in modules without side effects: `create-main.ts`
 * (what the local runtime and the tests wire to their own deps) and `production-deps.ts`.
 * `createMain` is re-exported so the bundle can be driven with other deps (tests/cloud/bundle.test.ts).
 */
import * as cloud from 'wx-server-sdk'

import { createMain } from './create-main'
import { createProductionDeps } from './production-deps'

export { createMain } from './create-main'

// The typings declare DYNAMIC_CURRENT_ENV a symbol but `init` a string; the SDK accepts both.
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV as unknown as string })

// `__dirname` is the bundle's folder, where the build copies server-config.json.
export const main = createMain(() => createProductionDeps(__dirname))
