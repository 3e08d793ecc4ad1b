/**
 * What both simulator pages (this folder's WeChat one and local/dingtalk/simulator) do the same
 * way: find their elements, and call their server's JSON API. Browser code, bundled into each
 * page by esbuild; dependency-free like the pages.
 */

export function byId<T extends HTMLElement>(id: string): T {
  const element = document.getElementById(id)
  if (!element) throw new Error(`#${id} missing`)
  return element as T
}

/** A call of the simulator API; a failure throws with the server's `message` (http-util.ts). */
export async function api<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const response = await fetch(path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const json = (await response.json()) as T & { message?: string }
  if (!response.ok) throw new Error(json.message ?? `${response.status}`)
  return json
}
