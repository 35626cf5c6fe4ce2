// DOM helpers shared by the cards and the steps view.

export const $ = (id) => document.getElementById(id);

/** Builds an element; children may be strings, nodes, arrays, or null (skipped). */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') node.className = value;
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** A definition list of [key, value, check?] rows; rows whose value is undefined are left out. */
export function kv(rows) {
  const list = el('dl', { class: 'kv' });
  for (const [key, value, check] of rows) {
    if (value === undefined) continue;
    list.append(el('dt', {}, key), el('dd', {}, value instanceof Node ? value : String(value), check ? [' ', check] : null));
  }
  return list;
}

export const ok = (text) => el('span', { class: 'check ok' }, `✓ ${text}`);
export const bad = (text) => el('span', { class: 'check bad' }, `✗ ${text}`);

/** The status pill in the header. */
export function setStatus(text, state) {
  $('status').textContent = text;
  if (state) $('status').dataset.state = state;
  else delete $('status').dataset.state;
}

/** Disables `button` (with `label`) while `task` runs. */
export async function busy(button, label, task) {
  const before = button.textContent;
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  if (label) button.textContent = label;
  try {
    return await task();
  } finally {
    button.disabled = false;
    button.removeAttribute('aria-busy');
    button.textContent = before;
  }
}
