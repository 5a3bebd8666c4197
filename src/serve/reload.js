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
      if (state.errors.length > 0) show(state.errors, state.more || 0); else hide();
    });
  };
  // Browsers allow few connections per host: let go of this one when leaving.
  addEventListener("pagehide", () => { if (source) { source.close(); source = null; } });
  addEventListener("pageshow", () => { if (!source) connect(); });
  connect();

  const HOST_ID = "explainer-serve-problems";
  const hide = () => { const host = document.getElementById(HOST_ID); if (host) host.remove(); };
  // `errors` are the first few; `more` counts the rest, which only the terminal lists.
  const show = (errors, more) => {
    hide();
    const host = document.createElement("div");
    host.id = HOST_ID;
    const root = host.attachShadow({ mode: "open" });
    const style = document.createElement("style");
    style.textContent = `
      section { position: fixed; inset: auto 0 0 0; max-height: 70vh; overflow: auto; z-index: 2147483647;
        margin: 0; padding: 1rem 1.25rem; background: #1d1d1f; color: #f5f5f7; border-top: 4px solid #e5484d;
        font: 15px/1.45 system-ui, sans-serif; box-shadow: 0 -4px 24px rgba(0,0,0,.35); }
      h2 { margin: 0 0 .25rem; font-size: 1.1rem; }
      p { margin: 0 0 .75rem; color: #d0d0d5; }
      ol { margin: 0; padding: 0 0 0 1.25rem; }
      li { margin: 0 0 .75rem; }
      .where { font-weight: 600; color: #ffb3b5; }
      code { font: 13px/1.4 ui-monospace, Menlo, Consolas, monospace; }
      pre { margin: .35rem 0 0; padding: .5rem .75rem; overflow-x: auto; background: #000; color: #f5f5f7;
        font: 13px/1.4 ui-monospace, Menlo, Consolas, monospace; white-space: pre; }
      button { position: absolute; top: .75rem; right: 1rem; font: inherit; color: inherit; background: #3a3a3c;
        border: 1px solid #8e8e93; border-radius: 4px; padding: .15rem .6rem; cursor: pointer; }
      button:focus-visible { outline: 3px solid #ffb3b5; outline-offset: 2px; }`;
    const section = document.createElement("section");
    section.setAttribute("role", "alert");
    section.setAttribute("aria-labelledby", "title");
    const title = document.createElement("h2");
    title.id = "title";
    const count = errors.length + more;
    title.textContent = count === 1 ? "The story has an error" : "The story has " + count + " errors";
    const note = document.createElement("p");
    note.textContent = "This page is the last good build. Fix the problem and save: the page reloads by itself.";
    const list = document.createElement("ol");
    for (const error of errors) {
      const item = document.createElement("li");
      const where = document.createElement("span");
      where.className = "where";
      where.textContent = error.path + (error.line > 0 ? ":" + error.line + ":" + error.column : "");
      const what = document.createTextNode(" " + error.message);
      const text = document.createElement("pre");
      text.textContent = error.text;
      item.append(where, what, text);
      list.append(item);
    }
    const close = document.createElement("button");
    close.type = "button";
    close.textContent = "Hide";
    close.setAttribute("aria-label", "Hide the errors");
    close.addEventListener("click", hide);
    section.append(title, note, list);
    if (more > 0) {
      const rest = document.createElement("p");
      const command = document.createElement("code");
      command.textContent = "explainer check";
      rest.append("and " + more + " more: run ", command);
      section.append(rest);
    }
    section.append(close);
    root.append(style, section);
    document.body.append(host);
  };
})();
