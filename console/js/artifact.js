// @ts-check
/** The artifact viewer: one file of the run's build as numbered lines, the finding's line marked and scrolled to. */
import { api, messageOf } from "./api.js";
import { h, replace } from "./dom.js";

/**
 * @param {HTMLElement} view
 * @param {import("./runs.js").Context} context
 * @param {string} threadId
 * @param {string} path the artifact's path as /artifacts lists it
 * @param {number | null} line the line to mark
 * @returns {() => void}
 */
export function artifactView(view, context, threadId, path, line) {
  const back = h("p", { class: "back" }, h("a", { href: `#/runs/${encodeURIComponent(threadId)}` }, "← Back to the run"));
  replace(view, back, h("h1", {}, path), h("p", { role: "status" }, "Loading…"));
  let cancelled = false;
  const url = `/architect/plan/${encodeURIComponent(threadId)}/artifacts/${path.split("/").map(encodeURIComponent).join("/")}`;
  api(url, { text: true }).then(
    (/** @type {string} */ text) => {
      if (cancelled) return;
      const lines = text.replace(/\n$/, "").split("\n");
      const code = h(
        "code",
        {},
        lines.map((content, index) => {
          const number = index + 1;
          return h(
            "span",
            { class: number === line ? "line marked" : "line", id: `L${number}` },
            h("span", { class: "ln", "aria-hidden": "true" }, String(number)),
            `${content}\n`,
          );
        }),
      );
      replace(
        view,
        back,
        h("h1", {}, path),
        line ? h("p", { class: "hint" }, `Line ${line} is marked.`) : null,
        h("pre", { class: "code", tabindex: "0", "aria-label": `${path}, ${lines.length} lines` }, code),
      );
      if (line) document.getElementById(`L${line}`)?.scrollIntoView({ block: "center" });
    },
    (error) => {
      if (cancelled || context.onUnauthenticated(error)) return;
      replace(view, back, h("h1", {}, path), h("p", { class: "error", role: "alert" }, messageOf(error)));
    },
  );
  return () => {
    cancelled = true;
  };
}
