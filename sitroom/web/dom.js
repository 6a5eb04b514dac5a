// DOM building that never parses HTML: every piece of text becomes a text node.

const SVG_NS = "http://www.w3.org/2000/svg";

function apply(node, props) {
  for (const [key, value] of Object.entries(props)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.setAttribute("class", value);
    else if (key === "text") node.textContent = String(value);
    else if (key === "dataset") Object.assign(node.dataset, value);
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  return node;
}

function append(node, children) {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function el(tag, props = {}, ...children) {
  return append(apply(document.createElement(tag), props), children);
}

export function svg(tag, props = {}, ...children) {
  return append(apply(document.createElementNS(SVG_NS, tag), props), children);
}

// A link only for http(s) URLs; anything else (javascript:, data:) stays plain text.
export function safeLink(url, label) {
  try {
    const parsed = new URL(url);
    if (parsed.protocol === "http:" || parsed.protocol === "https:") {
      return el("a", { href: parsed.href, rel: "noopener noreferrer", target: "_blank" }, label || parsed.href);
    }
  } catch {
    // not a URL: fall through to text
  }
  return document.createTextNode(label || String(url));
}
