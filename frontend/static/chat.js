// Chat: POST the message, read the Server-Sent Events stream as it arrives,
// render text deltas, tool calls and tool results. Text is inserted with
// textContent only (never innerHTML), so tool output cannot inject markup.
(function () {
  "use strict";
  const root = document.getElementById("chat");
  const log = document.getElementById("log");
  const form = document.getElementById("chat-form");
  const input = document.getElementById("message");
  const label = (name) => root.dataset[name] || name;

  function add(cls, who, text) {
    const li = document.createElement("li");
    li.className = "msg " + cls;
    const w = document.createElement("span");
    w.className = "who";
    w.textContent = who;
    const body = document.createElement("div");
    body.className = "text";
    body.textContent = text || "";
    li.append(w, body);
    log.append(li);
    li.scrollIntoView({ block: "end" });
    return body;
  }

  function toolBlock(cls, title, data) {
    const li = document.createElement("li");
    li.className = "msg tool " + cls;
    const d = document.createElement("details");
    d.open = false; // compact: the answer stays in view; details on demand
    const s = document.createElement("summary");
    s.textContent = title;
    const pre = document.createElement("pre");
    pre.className = "json";
    pre.textContent = typeof data === "string" ? data : JSON.stringify(data, null, 2);
    d.append(s, pre);
    li.append(d);
    log.append(li);
    li.scrollIntoView({ block: "end" });
  }

  function handle(event, data, state) {
    if (event === "text") {
      if (!state.answer) state.answer = add("assistant", label("agent"), "");
      state.answer.textContent += data.delta;
    } else if (event === "tool_call") {
      toolBlock("tool-call", label("toolCall") + ": " + data.name + " " + JSON.stringify(data.arguments), data.arguments);
      state.answer = null;
    } else if (event === "tool_result") {
      toolBlock("tool-result" + (data.error ? " failed" : ""), (data.error ? "✗ " : "✓ ") + label("toolResult") + ": " + data.name, data.result);
      state.answer = null;
    } else if (event === "challenge") {
      const body = add("notice", "⚠", (data.message ? data.message + " — " : "") + data.text);
      if (data.reauth_url) {
        const a = document.createElement("a");
        a.href = data.reauth_url;
        a.className = "button";
        a.dataset.testid = "reauth";
        a.textContent = label("reauth");
        body.append(document.createElement("br"), a);
      }
    } else if (event === "error") {
      add("notice", "⚠", label("backendError") + " (" + data.detail + ")");
    }
  }

  async function send(message) {
    add("user", label("you"), message);
    const state = { answer: null };
    const response = await fetch("/chat/stream", {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": root.dataset.csrf },
      body: JSON.stringify({ message }),
      credentials: "same-origin",
    });
    if (!response.ok) {
      const body = await response.json().catch(() => ({}));
      if (response.status === 401 && body.login) { window.location.assign(body.login); return; }
      add("notice", "⚠", label("backendError") + " (HTTP " + response.status + ")");
      return;
    }
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let cut;
      while ((cut = buffer.indexOf("\n\n")) >= 0) {
        const chunk = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const event = (chunk.match(/^event: (.*)$/m) || [])[1];
        const data = (chunk.match(/^data: (.*)$/m) || [])[1];
        if (event && data) handle(event, JSON.parse(data), state);
      }
    }
  }

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const message = input.value.trim();
    if (!message) return;
    input.value = "";
    form.querySelector("button").disabled = true;
    root.setAttribute("aria-busy", "true");
    try { await send(message); }
    catch (err) { add("notice", "⚠", label("backendError")); }
    finally {
      form.querySelector("button").disabled = false;
      root.setAttribute("aria-busy", "false");
      root.dataset.turns = String(Number(root.dataset.turns || 0) + 1);
      input.focus();
    }
  });
})();
