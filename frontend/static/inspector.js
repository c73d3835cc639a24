// Live times on the token cards: the "expires in" countdown, and every exp/iat/nbf as
// the browser's local time plus "in 42 min" / "5 min ago" (texts from the page, so the
// script and the server say it the same way in English and Japanese).
(function () {
  "use strict";
  const lang = document.documentElement.lang || "en";
  const source = document.getElementById("time-texts");
  const texts = source ? JSON.parse(source.textContent) : null;
  const fill = (template, values) => template.replace(/\{(\w+)\}/g, (_, k) => String(values[k]));

  function countdown(seconds) {
    const s = Math.abs(seconds), h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
    const pad = (n) => String(n).padStart(2, "0");
    return (seconds < 0 ? "-" : "") + (h ? h + "h " + pad(m) + "m " : m + "m ") + pad(r) + "s";
  }

  // The same rule as frontend.i18n.relative_time: the largest whole unit.
  function relative(seconds) {
    const span = Math.abs(Math.trunc(seconds));
    const units = [["d", 86400], ["h", 3600], ["min", 60]];
    const found = units.find(([, size]) => span >= size);
    const amount = found ? fill(texts[found[0]], { n: Math.floor(span / found[1]) }) : fill(texts.s, { n: span });
    return fill(seconds >= 0 ? texts.future : texts.past, { span: amount });
  }

  function localTime(epoch) {
    return new Date(epoch * 1000).toLocaleString(lang, {
      year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", second: "2-digit", timeZoneName: "short",
    });
  }

  document.querySelectorAll(".moment[data-epoch]").forEach((el) => {
    el.querySelector(".local").textContent = localTime(Number(el.dataset.epoch));
  });

  function tick() {
    const now = Math.floor(Date.now() / 1000);
    document.querySelectorAll("[data-exp]").forEach((chip) => {
      const left = Number(chip.dataset.exp) - now;
      const span = chip.querySelector(".left");
      if (span) span.textContent = countdown(left);
      chip.classList.toggle("warn", left > 0 && left < 300);
      chip.classList.toggle("bad", left <= 0);
    });
    if (!texts) return;
    document.querySelectorAll(".moment[data-epoch]").forEach((el) => {
      el.querySelector(".relative").textContent = relative(Number(el.dataset.epoch) - now);
    });
  }
  tick();
  setInterval(tick, 1000);
})();
