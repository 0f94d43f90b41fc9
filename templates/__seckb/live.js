// seckb serve: reloads the page when the site is rebuilt, and shows validation errors
// as an overlay until they are fixed. Served only by `seckb serve`, never built.
(() => {
  let seen = null;
  const overlayId = "seckb-errors";

  function showErrors(errors) {
    let box = document.getElementById(overlayId);
    if (errors.length === 0) {
      if (box) box.remove();
      return;
    }
    if (!box) {
      box = document.createElement("div");
      box.id = overlayId;
      box.setAttribute("role", "alert");
      Object.assign(box.style, {
        position: "fixed", inset: "0", overflow: "auto", zIndex: "2147483647",
        background: "rgba(20, 0, 0, 0.92)", color: "#fff", padding: "2rem",
        font: "14px/1.5 ui-monospace, Menlo, Consolas, monospace",
      });
      document.body.appendChild(box);
    }
    box.replaceChildren();
    const h = document.createElement("h2");
    h.textContent = `seckb: ${errors.length} error(s); the page shows the last good build`;
    box.appendChild(h);
    for (const e of errors) {
      const p = document.createElement("pre");
      p.style.whiteSpace = "pre-wrap";
      p.textContent = `${e.file}:${e.line}:${e.column}: error[${e.code}]: ${e.message}` + (e.hint ? `\n  help: ${e.hint}` : "");
      box.appendChild(p);
    }
  }

  async function poll() {
    try {
      const res = await fetch("/__seckb/status", { cache: "no-store" });
      const status = await res.json();
      if (seen !== null && status.version !== seen && status.errors.length === 0) {
        location.reload();
        return;
      }
      seen = status.version;
      showErrors(status.errors);
    } catch (_) {
      // The server is restarting; try again.
    }
    setTimeout(poll, 500);
  }
  poll();
})();
