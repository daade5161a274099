import { age, localTime, localTimeInFull } from '../model/format.ts';

type Child = Node | string | number | null | undefined | false | readonly Child[];
type Props = Record<string, unknown> & { dataset?: Record<string, string> };

/** A DOM element with properties (or attributes) and children; text children are escaped by construction. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null) continue;
    if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key in node) (node as unknown as Record<string, unknown>)[key] = value;
    else node.setAttribute(key, String(value));
  }
  append(node, children);
  return node;
}

function append(node: Node & ParentNode, children: readonly Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(node, child);
    else node.append(child instanceof Node ? child : String(child));
  }
}

export function $<T extends Element = HTMLElement>(selector: string): T {
  const found = document.querySelector<T>(selector);
  if (!found) throw new Error(`the page lacks ${selector}`);
  return found;
}

/** "23:51 · 4 min ago", local, with the full date and zone on hover; refreshAges keeps the age current. */
export function timeOf(iso: string | null | undefined, prefix = ''): HTMLElement | string {
  if (!iso) return '—';
  return el('time', { dateTime: iso, title: localTimeInFull(iso), dataset: { prefix } }, timeText(iso, prefix));
}

const timeText = (iso: string, prefix: string) => `${prefix}${localTime(iso)} · ${age(iso)}`;

export function refreshAges(): void {
  for (const node of document.querySelectorAll<HTMLTimeElement>('time[datetime]')) {
    node.textContent = timeText(node.dateTime, node.dataset.prefix ?? '');
  }
}
