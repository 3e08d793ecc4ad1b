/**
 * The deployable DingTalk entry (CloudBase HTTP access): it initialises the SDK and exports
 * `main`, wired to the production deps. The request handling is in `create-main.ts`;
 * `createDingTalkMain` is re-exported so the bundle can be driven with other deps.
 */
import * as cloud from 'wx-server-sdk'

import { createDingTalkMain } from './create-main'
import { createProductionDingTalkDeps } from './production-deps'

export { createDingTalkMain } from './create-main'

cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV as unknown as string })

// `__dirname` is the bundle's folder, where the build copies the server configuration.
export const main = createDingTalkMain(() => createProductionDingTalkDeps(__dirname))
