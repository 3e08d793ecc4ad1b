import type { SubscribeMessage, SubscribeMessageApi } from '../core/deliver-notices'

/** The part of wx-server-sdk this adapter calls (`cloud.openapi`), typed structurally. */
export interface OpenApiSdk {
  openapi: {
    subscribeMessage: {
      send(message: SubscribeMessage): Promise<{ errCode?: number; errMsg?: string }>
    }
  }
}

/**
 * `cloud.openapi.subscribeMessage.send` (needs `"openapi": ["subscribeMessage.send"]` in the
 * function's config.json). The SDK rejects a platform refusal with an error carrying `errCode`;
 * that becomes the answer. A rejection without one (network, timeout) is rethrown: no answer.
 */
export function createSubscribeMessageApi(sdk: OpenApiSdk): SubscribeMessageApi {
  return {
    async send(message) {
      try {
        const answer = await sdk.openapi.subscribeMessage.send(message)
        return { errCode: answer.errCode ?? 0, errMsg: answer.errMsg ?? 'ok' }
      } catch (error) {
        const { errCode, errMsg } = (error ?? {}) as { errCode?: unknown; errMsg?: unknown }
        if (typeof errCode !== 'number') throw error
        return { errCode, errMsg: typeof errMsg === 'string' ? errMsg : '' }
      }
    },
  }
}
