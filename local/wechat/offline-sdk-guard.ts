/**
 * For running a production function entry outside CloudBase (the bundle tests, a local run of
 * `dist/cloudfunctions/*`): there every wx-server-sdk call also raises an unhandled "missing
 * secretId or secretKey" rejection that kills Node ≥ 15. The call itself still rejects (and is
 * answered as INTERNAL), so only that stray rejection is swallowed; any other unhandled rejection
 * keeps Node's default of crashing. On CloudBase the credentials are present and this is not
 * needed, which is why the deployed entries do not install it themselves.
 */
const MISSING_CREDENTIALS = /missing secretId or secretKey/

let guardInstalled = false

export function guardOfflineSdkRejection(): void {
  if (guardInstalled) return
  guardInstalled = true
  const listener = (reason: unknown) => {
    const message = reason instanceof Error ? reason.message : String(reason)
    if (MISSING_CREDENTIALS.test(message)) return
    if (process.listenerCount('unhandledRejection') === 1) throw reason
  }
  process.on('unhandledRejection', listener)
}
