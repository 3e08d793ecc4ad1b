/**
 * The H5 build's line to the preview's simulator, which plays the WeChat client around the app's
 * iframe: messages go to the parent window, and only the parent's messages of this origin are
 * heard. The message types are `HOST_MESSAGE` of local/host-protocol.ts.
 */

/** Sends a message to the simulator; a page opened on its own (no parent) has no one to tell. */
export function postToHost(message: { type: string } & Record<string, unknown>): void {
  if (window.parent !== window) window.parent.postMessage(message, window.location.origin)
}

/** Calls `listener` with each message the simulator sends; others' messages are ignored. */
export function onHostMessage(listener: (data: { type?: unknown }) => void): void {
  window.addEventListener('message', (event: MessageEvent) => {
    if (event.source !== window.parent || event.origin !== window.location.origin) return
    if (typeof event.data === 'object' && event.data !== null)
      listener(event.data as { type?: unknown })
  })
}
