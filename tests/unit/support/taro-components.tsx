/**
 * `@tarojs/components` as plain host elements for jsdom: each Taro component renders a div/span/img
 * with its props, and Taro's `onClick`/`onError` map to DOM events.
 */
import { createElement, type ReactNode } from 'react'

type Props = Record<string, unknown> & { children?: ReactNode; className?: string }

function host(tag: string, name: string) {
  const Component = ({ children, className, ...rest }: Props) => {
    const domProps: Record<string, unknown> = { className, 'data-taro': name }
    for (const [key, value] of Object.entries(rest)) {
      if (key === 'onClick' || key === 'onError' || key === 'id') domProps[key] = value
      else if (key === 'src') domProps.src = value
      else if (typeof value === 'string' || typeof value === 'number') {
        domProps[`data-${key.toLowerCase()}`] = value
      }
    }
    return createElement(tag, domProps, children)
  }
  Component.displayName = name
  return Component
}

export const View = host('div', 'View')
export const Text = host('span', 'Text')
export const Image = host('img', 'Image')
export const Button = host('button', 'Button')
export const Input = host('input', 'Input')
export const Form = host('form', 'Form')
export const OpenData = host('span', 'OpenData')
