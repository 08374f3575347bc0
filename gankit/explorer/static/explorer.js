// gankit explorer page: plain JavaScript, no build step. Talks to the JSON/PNG API under /api/.
"use strict";

const $ = (id) => document.getElementById(id);
const state = { info: null, moves: [], psi: null };  // psi: null for runs with no normal seeds

function showError(text) { $("status").textContent = text || ""; }

// Load a PNG from the API into an <img>. data-want / data-loaded let tests wait for a picture.
function loadImage(img, path, params) {
  const url = path + "?" + new URLSearchParams(params).toString();
  if (img.dataset.loaded === url) return;
  img.dataset.want = url;
  img.onload = () => { if (img.dataset.want === url) { img.dataset.loaded = url; showError(""); } };
  img.onerror = async () => {
    const answer = await fetch(url).then((r) => r.json()).catch(() => ({}));
    showError(answer.error || "could not load " + url);
  };
  img.src = url;
}

// Seeds are integers 0…2^63−1 on the server; a JavaScript number is exact up to 2^53 − 1.
function seedValue(input) {
  const v = Math.min(Number.MAX_SAFE_INTEGER, Math.max(0, Math.floor(Number(input.value) || 0)));
  input.value = v;
  return v;
}

function labelParams() {
  const v = $("label").value;
  const params = state.info.conditional && v !== "" ? { label: v } : {};
  if (state.psi !== null) params.psi = state.psi.toFixed(2);
  return params;
}

function updateGrid() {
  const params = { seed: seedValue($("seed")), n: $("n").value, ...labelParams() };
  state.moves.forEach((m, k) => { params["d" + k] = m.toFixed(2); });
  loadImage($("grid"), "/api/sample", params);
}

function updateInterpolation() {
  const common = {
    seed_a: seedValue($("seed-a")), seed_b: seedValue($("seed-b")), mode: $("mode").value,
    ...labelParams(),
  };
  const t = Number($("t").value);
  $("t-value").textContent = t.toFixed(2);
  loadImage($("strip"), "/api/strip", { ...common, steps: 10 });
  loadImage($("between"), "/api/interpolate", { ...common, t: t.toFixed(2) });
}

function makeSliders(count, limit) {
  const box = $("sliders");
  state.moves = new Array(count).fill(0);
  for (let k = 0; k < count; k++) {
    const row = document.createElement("div");
    row.className = "row";
    row.innerHTML = `<label>direction ${k + 1} <input id="move-${k}" type="range"
      min="${-limit}" max="${limit}" step="0.1" value="0"></label>
      <span id="move-${k}-value" class="value">0.0</span>`;
    box.appendChild(row);
    const input = row.querySelector("input");
    input.addEventListener("input", () => {
      state.moves[k] = Number(input.value);
      $(`move-${k}-value`).textContent = state.moves[k].toFixed(1);
      updateGrid();
    });
  }
}

function makePsiSlider(info) {
  if (info.latent !== "normal") return;
  state.psi = info.truncation;
  const input = $("psi");
  input.value = info.truncation;
  $("psi-value").textContent = info.truncation.toFixed(2);
  $("psi-default").textContent = `This run samples at ${info.truncation}.`;
  $("psi-box").classList.remove("hidden");
  input.addEventListener("input", () => {
    state.psi = Number(input.value);
    $("psi-value").textContent = state.psi.toFixed(2);
    updateGrid();
    updateInterpolation();
  });
}

function makeLabelPicker(info) {
  if (!info.conditional) return;
  const select = $("label");
  select.add(new Option("each class in turn", ""));
  info.classes.forEach((name, i) => select.add(new Option(`${i}: ${name}`, String(i))));
  $("label-row").classList.remove("hidden");
  select.addEventListener("change", () => { updateGrid(); updateInterpolation(); });
}

// Loss curves against images seen, with the ideal losses as dashed lines (appendix A).
function drawLosses(data) {
  const canvas = $("losses");
  // draw at the size shown, in device pixels, so that the text stays sharp and readable
  const dpr = window.devicePixelRatio || 1, W = canvas.clientWidth || 640, H = 260;
  canvas.width = W * dpr; canvas.height = H * dpr; canvas.style.height = H + "px";
  const ctx = canvas.getContext("2d");
  ctx.scale(dpr, dpr);
  const pad = { l: 48, r: 12, t: 12, b: 46 };
  ctx.clearRect(0, 0, W, H);
  if (!data.rows.length) { ctx.fillText("no metrics logged yet", pad.l, H / 2); return; }
  const xs = data.rows.map((r) => r.images_seen);
  const all = data.rows.flatMap((r) => [r.d_loss, r.g_loss]).concat([data.ideal_d, data.ideal_g]);
  const x0 = Math.min(...xs), x1 = Math.max(...xs, x0 + 1);
  const y0 = Math.min(0, ...all), y1 = Math.max(...all) * 1.05 || 1;
  const px = (x) => pad.l + ((x - x0) / (x1 - x0)) * (W - pad.l - pad.r);
  const py = (y) => H - pad.b - ((y - y0) / (y1 - y0)) * (H - pad.t - pad.b);
  ctx.strokeStyle = "#999"; ctx.lineWidth = 1; ctx.setLineDash([]);
  ctx.strokeRect(pad.l, pad.t, W - pad.l - pad.r, H - pad.t - pad.b);
  ctx.fillStyle = "#444"; ctx.font = "12px sans-serif";
  ctx.fillText(y1.toFixed(2), 4, pad.t + 10); ctx.fillText(y0.toFixed(2), 4, H - pad.b);
  ctx.textAlign = "right";
  ctx.fillText("images seen: " + x1.toLocaleString(), W - pad.r, H - pad.b + 16);
  ctx.textAlign = "left";
  const series = [["d_loss", "ideal_d", "#1f77b4", "D loss"], ["g_loss", "ideal_g", "#ff7f0e", "G loss"]];
  series.forEach(([key, ideal, colour, name], i) => {
    ctx.strokeStyle = colour; ctx.lineWidth = 1.5; ctx.setLineDash([]);
    ctx.beginPath();
    data.rows.forEach((r, j) => (j ? ctx.lineTo : ctx.moveTo).call(ctx, px(r.images_seen), py(r[key])));
    ctx.stroke();
    ctx.setLineDash([6, 4]); ctx.beginPath();
    ctx.moveTo(pad.l, py(data[ideal])); ctx.lineTo(W - pad.r, py(data[ideal])); ctx.stroke();
    ctx.fillStyle = colour;
    ctx.fillText(`${name} (ideal ${data[ideal].toFixed(3)})`, pad.l + i * 130, H - 8);
  });
}

function describe(info) {
  $("run-name").textContent = info.run;
  const kind = info.conditional ? `conditional on ${info.classes.length} classes` : "unconditional";
  const psi = info.truncation;  // the truncation trick: seeds scaled at sampling
  const scaled = psi !== 1 ? ` scaled by ${psi}` : "";
  $("run-info").textContent = `recipe ${info.recipe || "(custom)"} · ${info.steps} steps · ` +
    `samples of shape ${info.shape.join("×")} · ${kind} · seeds: ${info.latent_dim} ` +
    `${info.latent} numbers${scaled} · loss ${info.loss}`;
  const top = String(Math.min(info.limits.seed, Number.MAX_SAFE_INTEGER));
  $("seed").max = $("seed-a").max = $("seed-b").max = top;
}

async function start() {
  const answer = await fetch("/api/info");
  const info = await answer.json();
  if (!answer.ok) { showError(info.error || "cannot read the run"); return; }
  state.info = info;
  describe(info);
  makeLabelPicker(info);
  makePsiSlider(info);
  makeSliders(info.limits.directions, info.limits.move);
  ["seed", "n"].forEach((id) => $(id).addEventListener("change", updateGrid));
  $("new-samples").addEventListener("click", () => {
    $("seed").value = Math.floor(Math.random() * 1e9);
    updateGrid();
  });
  $("reset-moves").addEventListener("click", () => {
    state.moves.forEach((_, k) => { $(`move-${k}`).value = 0; $(`move-${k}-value`).textContent = "0.0"; });
    state.moves.fill(0);
    updateGrid();
  });
  ["seed-a", "seed-b", "mode"].forEach((id) => $(id).addEventListener("change", updateInterpolation));
  $("t").addEventListener("input", updateInterpolation);
  updateGrid();
  updateInterpolation();
  drawLosses(await fetch("/api/metrics").then((r) => r.json()));
}

start().catch((e) => showError(String(e)));
