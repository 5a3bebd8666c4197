// explainer serve: live reload and build problems. Not part of built sites.
(() => {
  "use strict";
  const me = document.currentScript;
  const pageBuild = me ? new URL(me.src, location.href).searchParams.get("build") : null;
  const scrollKey = "explainer-serve-scroll:" + location.pathname;
  const saved = sessionStorage.getItem(scrollKey);
  if (saved !== null) {
    sessionStorage.removeItem(scrollKey);
    const [x, y] = saved.split(",").map(Number);
    // Instantly: a smooth-scrolling site would otherwise glide there on every reload.
    const restore = () => window.scrollTo({ left: x, top: y, behavior: "instant" });
    restore();
    // Images and fonts can move the page after this script runs.
    addEventListener("load", restore, { once: true });
  }

  let source = null;
  const connect = () => {
    source = new EventSource("/__explainer/events");
    source.addEventListener("build", (message) => {
      const state = JSON.parse(message.data);
      if (state.build !== pageBuild) {
        sessionStorage.setItem(scrollKey, window.scrollX + "," + window.scrollY);
        location.reload();
        return;
      }
      const warnings = state.warnings || [];
      if (state.errors.length > 0 || warnings.length > 0) {
        show(state.errors, state.more || 0, warnings, state.more_warnings || 0);
      } else {
        hide();
      }
    });
  };
  // Browsers allow few connections per host: let go of this one when leaving.
  addEventListener("pagehide", () => { if (source) { source.close(); source = null; } });
  addEventListener("pageshow", () => { if (!source) connect(); });
  connect();

  const HOST_ID = "explainer-serve-problems";
  const hide = () => { const host = document.getElementById(HOST_ID); if (host) host.remove(); };
  // `errors` and `warnings` are the first few; `more` and `moreWarnings` count
  // the rest, which only the terminal lists. Warnings are collapsed.
  const show = (errors, more, warnings, moreWarnings) => {
    hide();
    const host = document.createElement("div");
    host.id = HOST_ID;
    const root = host.attachShadow({ mode: "open" });
    const style = document.createElement("style");
    const failed = errors.length > 0;
    style.textContent = `
      section { position: fixed; inset: auto 0 0 0; max-height: 70vh; overflow: auto; z-index: 2147483647;
        margin: 0; padding: 1rem 1.25rem; background: #1d1d1f; color: #f5f5f7;
        border-top: 4px solid ${failed ? "#e5484d" : "#f5a524"};
        font: 15px/1.45 system-ui, sans-serif; box-shadow: 0 -4px 24px rgba(0,0,0,.35); }
      section.quiet { padding: .5rem 1.25rem; }
      h2 { margin: 0 0 .25rem; font-size: 1.1rem; }
      p { margin: 0 0 .75rem; color: #d0d0d5; }
      ol { margin: .5rem 0 0; padding: 0 0 0 1.25rem; }
      li { margin: 0 0 .75rem; }
      .where { font-weight: 600; color: #ffb3b5; }
      .warnings .where { color: #ffd28a; }
      summary { cursor: pointer; font-weight: 600; padding: .25rem 5rem .25rem 0; }
      summary:focus-visible { outline: 3px solid #ffd28a; outline-offset: 2px; }
      code { font: 13px/1.4 ui-monospace, Menlo, Consolas, monospace; }
      pre { margin: .35rem 0 0; padding: .5rem .75rem; overflow-x: auto; background: #000; color: #f5f5f7;
        font: 13px/1.4 ui-monospace, Menlo, Consolas, monospace; white-space: pre; }
      button { position: absolute; top: .75rem; right: 1rem; font: inherit; color: inherit; background: #3a3a3c;
        border: 1px solid #8e8e93; border-radius: 4px; padding: .15rem .6rem; cursor: pointer; }
      section.quiet button { top: .4rem; }
      button:focus-visible { outline: 3px solid #ffb3b5; outline-offset: 2px; }`;
    const list = (problems) => {
      const ol = document.createElement("ol");
      for (const problem of problems) {
        const item = document.createElement("li");
        const where = document.createElement("span");
        where.className = "where";
        where.textContent = problem.path + (problem.line > 0 ? ":" + problem.line + ":" + problem.column : "");
        const what = document.createTextNode(" " + problem.message);
        const text = document.createElement("pre");
        text.textContent = problem.text;
        item.append(where, what, text);
        ol.append(item);
      }
      return ol;
    };
    const rest = (count, what) => {
      const line = document.createElement("p");
      const command = document.createElement("code");
      command.textContent = "explainer check";
      line.append("and " + count + " more " + what + ": run ", command);
      return line;
    };
    const section = document.createElement("section");
    const close = document.createElement("button");
    close.type = "button";
    close.textContent = "Hide";
    close.addEventListener("click", hide);
    if (failed) {
      section.setAttribute("role", "alert");
      section.setAttribute("aria-labelledby", "title");
      const title = document.createElement("h2");
      title.id = "title";
      const count = errors.length + more;
      title.textContent = count === 1 ? "The story has an error" : "The story has " + count + " errors";
      const note = document.createElement("p");
      note.textContent = "This page is the last good build. Fix the problem and save: the page reloads by itself.";
      section.append(title, note, list(errors));
      if (more > 0) section.append(rest(more, "errors"));
      close.setAttribute("aria-label", "Hide the problems");
    } else {
      section.className = "quiet";
      section.setAttribute("role", "status");
      close.setAttribute("aria-label", "Hide the warnings");
    }
    if (warnings.length > 0) {
      const details = document.createElement("details");
      details.className = "warnings";
      const summary = document.createElement("summary");
      const count = warnings.length + moreWarnings;
      summary.textContent = count === 1 ? "1 warning" : count + " warnings";
      if (!failed) summary.textContent = "The story builds, with " + summary.textContent;
      details.append(summary, list(warnings));
      if (moreWarnings > 0) details.append(rest(moreWarnings, "warnings"));
      section.append(details);
    }
    section.append(close);
    root.append(style, section);
    document.body.append(host);
  };
})();
