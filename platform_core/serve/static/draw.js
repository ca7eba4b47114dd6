// recog serve: draw an input on a canvas (dark ink on white paper) and run the pipeline on it as a PNG.
"use strict";

function drawing(canvas) {
  const ctx = canvas.getContext("2d");
  const clear = () => {
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, canvas.width, canvas.height);
  };
  clear();
  ctx.lineCap = ctx.lineJoin = "round";
  ctx.strokeStyle = "#111";
  ctx.lineWidth = 14;
  let last = null;
  const at = (e) => {
    const r = canvas.getBoundingClientRect();
    return [(e.clientX - r.left) * canvas.width / r.width, (e.clientY - r.top) * canvas.height / r.height];
  };
  canvas.addEventListener("pointerdown", (e) => {
    canvas.setPointerCapture(e.pointerId);
    last = at(e);
  });
  canvas.addEventListener("pointermove", (e) => {
    if (!last) return;
    const p = at(e);
    ctx.beginPath();
    ctx.moveTo(...last);
    ctx.lineTo(...p);
    ctx.stroke();
    last = p;
  });
  const up = () => { last = null; };
  canvas.addEventListener("pointerup", up);
  canvas.addEventListener("pointercancel", up);
  document.getElementById("clear").addEventListener("click", clear);
  document.getElementById("read").addEventListener("click", () => {
    canvas.toBlob((blob) => submitFile(document.getElementById("run-form"),
      new File([blob], "drawing.png", {type: "image/png"})), "image/png");
  });
}

document.addEventListener("DOMContentLoaded", () => {
  const canvas = document.getElementById("canvas");
  if (canvas) drawing(canvas);
});
