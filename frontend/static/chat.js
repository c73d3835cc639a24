// Chat: POST the message, read the Server-Sent Events stream as it arrives,
// render text deltas, tool calls and tool results. Text is inserted with
// textContent only (never innerHTML), so tool output cannot inject markup.
(function () {
  "use strict";
  const root = document.getElementById("chat");
  const log = document.getElementById("log");
  const form = document.getElementById("chat-form");
  const input = document.getElementById("message");
  const status = document.getElementById("chat-status");
  const label = (name) => root.dataset[name] || name;
  const maxChars = Number(input.getAttribute("maxlength")) || 2000;

  // Follow the newest line while it grows, unless the reader scrolled up to read.
  const nearEnd = () => log.scrollHeight - log.scrollTop - log.clientHeight < 48;
  function follow(stick) {
    if (!stick) return;
    log.scrollTop = log.scrollHeight;
    // The log ends right above the composer: keep that in the window too.
    if (form.getBoundingClientRect().bottom > window.innerHeight) form.scrollIntoView({ block: "end" });
  }

  function say(text) {
    status.textContent = text || "";
  }

  function add(cls, who, text) {
    const stick = nearEnd();
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
    follow(stick);
    return body;
  }

  function toolBlock(cls, title, data) {
    const stick = nearEnd();
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
    follow(stick);
  }

  function failure(data) {
    if (data.source !== "model") return label("backendError") + " (" + data.detail + ")";
    return data.status === 429 ? label("modelBusy") : label("modelError") + " (" + data.detail + ")";
  }

  function handle(event, data, state) {
    if (event === "text") {
      if (!state.answer) state.answer = add("assistant", label("agent"), "");
      const stick = nearEnd();
      state.answer.textContent += data.delta;
      follow(stick); // every delta: the bubble grows below the fold otherwise
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
      add("notice", "⚠", failure(data));
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
      add("notice", "⚠", body.text || label("backendError") + " (HTTP " + response.status + ")");
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

  // The server's limit is the input's maxlength; say so when a paste or typing reaches it.
  input.addEventListener("input", () => say(input.value.length >= maxChars ? label("tooLong") : ""));

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    if (root.getAttribute("aria-busy") === "true") return; // one turn at a time
    const message = input.value.trim();
    if (!message) { say(label("empty")); input.focus(); return; }
    say("");
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

  // Suggestions are questions to ask: a click asks it.
  document.querySelectorAll("button.suggestion").forEach((button) => {
    button.addEventListener("click", () => {
      input.value = button.dataset.message;
      form.requestSubmit();
    });
  });

  // A reloaded page opens at its newest row, not at the top of the history.
  log.scrollTop = log.scrollHeight;
})();
