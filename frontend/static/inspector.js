// Live "expires in" countdown for every token card (exp is a Unix time).
(function () {
  "use strict";
  function fmt(seconds) {
    const s = Math.abs(seconds), h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
    const pad = (n) => String(n).padStart(2, "0");
    return (seconds < 0 ? "-" : "") + (h ? h + "h " + pad(m) + "m " : m + "m ") + pad(r) + "s";
  }
  function tick() {
    const now = Math.floor(Date.now() / 1000);
    document.querySelectorAll("[data-exp]").forEach((chip) => {
      const left = Number(chip.dataset.exp) - now;
      const span = chip.querySelector(".left");
      if (span) span.textContent = fmt(left);
      chip.classList.toggle("warn", left > 0 && left < 300);
      chip.classList.toggle("bad", left <= 0);
    });
  }
  setInterval(tick, 1000);
})();
