/**
 * Runs the compiled weapp (`dist/weapp`, built by `taro build --type weapp`) inside
 * miniprogram-simulate: installs the `wx` stub, boots the app with launch options, renders pages
 * by route, dispatches taps and reads what the user would see.
 *
 * The compiled code runs as it would on a phone; only the host (`wx`, App/Page constructors and
 * the built-in components' properties) is simulated here.
 */
import fs from 'node:fs'
import path from 'node:path'

import type { WxStub } from './wx-stub'

const WEAPP_DIST = path.resolve(__dirname, '../../../dist/weapp')

export interface LaunchOptions {
  scene: number
  path?: string
  query?: Record<string, string>
  shareTicket?: string
}

interface SimulateComponent {
  dom: HTMLElement
  attach(parent: Element): void
  detach(): void
  querySelector(selector: string): SimulateNode | null
  querySelectorAll(selector: string): SimulateNode[]
  instance: Record<string, unknown>
}

interface SimulateNode {
  dom: HTMLElement
  data: Record<string, unknown>
  dispatchEvent(event: string, options?: { detail?: unknown }): void
  querySelector(selector: string): SimulateNode | null
  querySelectorAll(selector: string): SimulateNode[]
}

interface Simulate {
  load(componentPath: string, tagName: string, options: Record<string, unknown>): string
  load(componentPath: string, options: Record<string, unknown>): string
  render(id: string, properties?: Record<string, unknown>): SimulateComponent
}

interface AppInstance {
  onLaunch?(options: LaunchOptions): void
  onShow?(options: LaunchOptions): void
  onHide?(): void
  [key: string]: unknown
}

type PageMethod = (this: Record<string, unknown>, ...args: unknown[]) => unknown

export interface RenderedPage {
  route: string
  component: SimulateComponent
  text(): string
  textOf(selector: string): string | null
  exists(selector: string): boolean
  /** Sources of every avatar image, including those inside Taro's custom wrappers. */
  imageSources(): string[]
  /**
   * Elements with `className`, across custom-component boundaries (j-component's own selectors
   * stop at them): the composed DOM, where every class carries a `<component tag>--` prefix.
   */
  findAll(className: string): Element[]
  tap(selector: string): void
  dispatch(selector: string, event: string, detail?: unknown): void
  /** Calls a page lifecycle / handler (`onPullDownRefresh`, `onShareAppMessage`, …). */
  call(method: string, ...args: unknown[]): unknown
  unload(): void
}

export interface SetDataRecord {
  route: string
  /** The data paths this call set (Taro sends path → value maps). */
  paths: string[]
  bytes: number
  at: number
}

export interface WeappApp {
  app: AppInstance
  /** Every setData the pages made, with its JSON size: what crosses to the view layer. */
  setDataLog: SetDataRecord[]
  showApp(options: LaunchOptions): void
  hideApp(): void
  renderPage(route: string, query?: Record<string, string>): RenderedPage
}

let booted = false

/**
 * Boots the compiled app once per jest module registry (one boot per test file; page modules
 * load once per boot).
 */
export function bootWeapp(stub: WxStub, launch: LaunchOptions): WeappApp {
  if (booted) throw new Error('The weapp is booted once per test file (jest module registry).')
  if (!fs.existsSync(path.join(WEAPP_DIST, 'app.js'))) {
    throw new Error(`No compiled weapp at ${WEAPP_DIST}: run \`npm run build:weapp\` first.`)
  }
  booted = true
  const globals = globalThis as unknown as Record<string, unknown>
  globals.wx = stub.wx
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const simulate = require('miniprogram-simulate') as Simulate
  // miniprogram-simulate merged its own API set under ours; keep ours winning for every key.
  Object.assign(globals.wx as Record<string, unknown>, stub.wx)
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const jComponent = require('j-component') as {
    register(definition: Record<string, unknown>): string
  }
  registerBuiltInsWithProperties(jComponent)

  let app: AppInstance = {}
  const setDataLog: SetDataRecord[] = []
  const pageStack: Array<{ route: string; instance: Record<string, unknown> }> = []
  let loadingRoute = ''
  let loadingQuery: Record<string, string> = {}

  // Every component (pages, Taro's custom wrappers) logs what its setData sends to the view.
  const simulateComponent = globals.Component as (definition: Record<string, unknown>) => void
  globals.Component = (definition: Record<string, unknown>) => {
    const lifetimes = (definition.lifetimes ?? {}) as Record<string, PageMethod | undefined>
    const created = lifetimes.created ?? (definition.created as PageMethod | undefined)
    simulateComponent({
      ...definition,
      lifetimes: {
        ...lifetimes,
        created(this: Record<string, unknown>) {
          const setData = this.setData as (data: unknown, callback?: () => void) => void
          const source = String(definition.path ?? loadingRoute)
          this.setData = (data: unknown, callback?: () => void) => {
            setDataLog.push({
              route: source,
              paths: Object.keys(data as Record<string, unknown>),
              bytes: JSON.stringify(data).length,
              at: performance.now(),
            })
            setData.call(this, data, callback)
          }
          created?.call(this)
        },
      },
    })
  }

  globals.App = (options: AppInstance) => {
    app = options
  }
  globals.getApp = () => app
  globals.getCurrentPages = () => pageStack.map((page) => page.instance)
  globals.requirePlugin = () => ({})
  globals.Page = (options: Record<string, unknown>) => {
    const route = loadingRoute
    const methods: Record<string, PageMethod> = {}
    const fields: Record<string, unknown> = {}
    for (const [key, value] of Object.entries(options)) {
      if (typeof value === 'function') methods[key] = value as PageMethod
      else if (key !== 'data') fields[key] = value
    }
    const Component = globals.Component as (definition: Record<string, unknown>) => void
    Component({
      data: options.data ?? {},
      methods,
      lifetimes: {
        created(this: Record<string, unknown>) {
          Object.assign(this, fields)
        },
        attached(this: Record<string, unknown>) {
          const query = loadingQuery
          this.route = route
          this.options = query
          pageStack.push({ route, instance: this })
          methods.onLoad?.call(this, query)
          methods.onShow?.call(this)
        },
        ready(this: Record<string, unknown>) {
          methods.onReady?.call(this)
        },
        detached(this: Record<string, unknown>) {
          methods.onUnload?.call(this)
          const index = pageStack.findIndex((page) => page.instance === this)
          if (index >= 0) pageStack.splice(index, 1)
        },
      },
      pageLifetimes: {
        show(this: Record<string, unknown>) {
          methods.onShow?.call(this)
        },
        hide(this: Record<string, unknown>) {
          methods.onHide?.call(this)
        },
      },
    })
  }

  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require(path.join(WEAPP_DIST, 'app.js'))
  stub.setEnterOptions({ ...launch }, 'launch')
  app.onLaunch?.(launch)
  app.onShow?.(launch)

  const loadedPages = new Map<string, string>()

  return {
    app,
    setDataLog,
    showApp(options) {
      stub.setEnterOptions({ ...options }, 'show')
      app.onShow?.(options)
    },
    hideApp() {
      app.onHide?.()
    },
    renderPage(route, query = {}) {
      loadingRoute = route
      loadingQuery = query
      // A page module runs once per boot (webpack keeps it installed), so its component
      // definition is registered once and rendered anew for every visit.
      let id = loadedPages.get(route)
      if (id === undefined) {
        id = simulate.load(path.join(WEAPP_DIST, route), {
          rootPath: WEAPP_DIST,
          compiler: 'official',
        })
        loadedPages.set(route, id)
      }
      const component = simulate.render(id)
      const parent = document.createElement('parent-wrapper')
      document.body.appendChild(parent)
      component.attach(parent)
      return wrapPage(route, component)
    },
  }
}

function registerBuiltInsWithProperties(jComponent: {
  register(definition: Record<string, unknown>): string
}): void {
  // miniprogram-simulate registers built-ins without properties; tests need to read these.
  jComponent.register({
    id: 'image',
    tagName: 'wx-image',
    template: '<slot/>',
    properties: {
      src: { type: String, value: '' },
      mode: { type: String, value: 'scaleToFill' },
      lazyLoad: { type: Boolean, value: false },
    },
  })
  jComponent.register({
    id: 'button',
    tagName: 'wx-button',
    template: '<slot/>',
    properties: {
      openType: { type: String, value: '' },
      formType: { type: String, value: '' },
      loading: { type: Boolean, value: false },
      disabled: { type: Boolean, value: false },
      size: { type: String, value: 'default' },
    },
  })
  jComponent.register({
    id: 'open-data',
    tagName: 'wx-open-data',
    template: '<slot/>',
    properties: {
      type: { type: String, value: '' },
      openGid: { type: String, value: '' },
    },
  })
}

export function findAll(root: Element, className: string): Element[] {
  return Array.from(root.querySelectorAll('*')).filter((element) =>
    Array.from(element.classList).some(
      (token) => token === className || token.endsWith(`--${className}`),
    ),
  )
}

/** The properties of a built-in component (e.g. an image's `src`), kept on its exparser node. */
export function wxData(element: Element): Record<string, unknown> {
  const node = (element as unknown as { __wxElement?: { data?: Record<string, unknown> } })
    .__wxElement
  return node?.data ?? {}
}

function textOfNode(node: Element): string {
  return (node.textContent ?? '').replace(/\s+/g, ' ').trim()
}

function wrapPage(route: string, component: SimulateComponent): RenderedPage {
  const find = (selector: string): SimulateNode => {
    const node = component.querySelector(selector)
    if (!node)
      throw new Error(`No element matches ${selector} on ${route}: ${textOfNode(component.dom)}`)
    return node
  }
  return {
    route,
    component,
    text: () => textOfNode(component.dom),
    textOf(selector) {
      const node = component.querySelector(selector)
      return node ? textOfNode(node.dom) : null
    },
    // j-component answers `undefined`, not null, when nothing matches.
    exists: (selector) => component.querySelector(selector) != null,
    imageSources() {
      return findAll(component.dom, 'avatar').map((element) => String(wxData(element).src ?? ''))
    },
    findAll: (className) => findAll(component.dom, className),
    tap(selector) {
      find(selector).dispatchEvent('tap')
    },
    dispatch(selector, event, detail) {
      find(selector).dispatchEvent(event, { detail })
    },
    call(method, ...args) {
      const handler = component.instance[method]
      if (typeof handler !== 'function') throw new Error(`${route} has no ${method}`)
      return (handler as (...values: unknown[]) => unknown).apply(component.instance, args)
    },
    unload() {
      component.detach()
    },
  }
}

/** Polls until `check` stops throwing (rendering is asynchronous: React 18 + batched setData). */
export async function waitFor<T>(check: () => T, timeoutMs = 3000): Promise<T> {
  // performance.now, not Date.now: tests move the phone's wall clock (midnight, CloudID age).
  const deadline = performance.now() + timeoutMs
  let lastError: unknown = null
  for (;;) {
    try {
      return check()
    } catch (error) {
      lastError = error
    }
    if (performance.now() > deadline) throw lastError
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}
