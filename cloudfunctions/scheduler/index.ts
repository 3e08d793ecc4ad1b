/**
 * The deployable `scheduler` cloud function: it initialises the SDK and exports `main`, wired to
 * the production deps. What a run does, and its timer trigger, is in `create-main.ts`.
 */
import * as cloud from 'wx-server-sdk'

import { createSchedulerMain } from './create-main'
import { createProductionSchedulerDeps } from './production-deps'

cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV as unknown as string })

// `__dirname` is the bundle's folder, where the build copies server-config.json.
export const main = createSchedulerMain(() => createProductionSchedulerDeps(__dirname))
