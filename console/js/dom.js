// @ts-check
/** Small DOM helpers: the console builds its pages with these, never with HTML strings. */

/** @typedef {Node | string | number | null | undefined | false} Child */

/**
 * An element with attributes and children. `on<event>` attributes become listeners; boolean
 * values set or remove the attribute (`disabled`, `hidden`, `required`); text is always text.
 * @param {string} tag
 * @param {Record<string, unknown>} [attrs]
 * @param {...(Child | Child[])} children
 * @returns {HTMLElement}
 */
export function h(tag, attrs = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") element.addEventListener(name.slice(2), /** @type {EventListener} */ (value));
    else if (value === true) element.setAttribute(name, "");
    else element.setAttribute(name, String(value));
  }
  append(element, children);
  return element;
}

/**
 * @param {Element} parent
 * @param {(Child | Child[])[]} children
 */
export function append(parent, children) {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(typeof child === "number" ? String(child) : child);
  }
}

/**
 * Replaces an element's content.
 * @param {Element} parent
 * @param {...(Child | Child[])} children
 */
export function replace(parent, ...children) {
  parent.replaceChildren();
  append(parent, children);
}

/** @param {string | null | undefined} iso */
export function when(iso) {
  if (!iso) return "";
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}

/**
 * A status badge: the status as text (never colour alone), styled by its class.
 * @param {string} status
 */
export const badge = (status) => h("span", { class: `badge status-${status.toLowerCase().replaceAll("_", "-")}` }, status.replaceAll("_", " "));

/**
 * A section with a heading, labelled by it for screen readers.
 * @param {string} id
 * @param {string} title
 * @param {...(Child | Child[])} children
 */
export function section(id, title, ...children) {
  return h("section", { id, "aria-labelledby": `${id}-heading`, class: "card" }, h("h2", { id: `${id}-heading` }, title), ...children);
}
