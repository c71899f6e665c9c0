// @ts-check
/**
 * The plan's Mermaid diagram rendered to SVG in the browser by the Mermaid package this server
 * serves (/console/vendor/mermaid/, no CDN). Loaded on first use: the runs list never pays for it.
 * `securityLevel: "strict"` makes Mermaid sanitise labels and refuse click handlers.
 */

const MERMAID_URL = "/console/vendor/mermaid/mermaid.esm.min.mjs";

/** @type {Promise<any> | null} */
let loading = null;

function mermaid() {
  loading ??= import(MERMAID_URL).then((module) => {
    const instance = module.default;
    instance.initialize({ startOnLoad: false, securityLevel: "strict", theme: "neutral", flowchart: { useMaxWidth: true } });
    return instance;
  });
  return loading;
}

let counter = 0;

/**
 * Renders `text` into `target`; on a diagram Mermaid cannot parse, shows the error and the source.
 * @param {HTMLElement} target
 * @param {string} text
 */
export async function renderDiagram(target, text) {
  try {
    const instance = await mermaid();
    counter += 1;
    const { svg } = await instance.render(`plan-diagram-${counter}`, text);
    // Mermaid's output, sanitised by Mermaid itself (securityLevel strict)
    target.innerHTML = svg;
    const drawn = target.querySelector("svg");
    drawn?.setAttribute("aria-label", "Architecture diagram of the plan");
    drawn?.setAttribute("role", "img");
    // Mermaid caps the width inline; the stylesheet decides instead (scrolls sideways on a phone)
    drawn?.style.removeProperty("max-width");
  } catch (error) {
    target.replaceChildren();
    const message = document.createElement("p");
    message.className = "error";
    message.textContent = `The diagram could not be drawn: ${error instanceof Error ? error.message : String(error)}`;
    const source = document.createElement("pre");
    source.textContent = text;
    target.append(message, source);
  }
}
