// recog serve: progress while a run goes, files dropped on the page, and inputs recorded with the browser's
// microphone or camera.
"use strict";

function pollRun(status) {
  const tick = async () => {
    let s;
    try {
      s = await (await fetch(status.dataset.api, {cache: "no-store"})).json();
    } catch (e) {
      setTimeout(tick, 2000);
      return;
    }
    document.getElementById("state").textContent = s.state;
    document.getElementById("progress-text").textContent =
      `${s.done} of ${s.total} inputs processed` + (s.packets ? `, ${s.packets} packets` : "");
    const bar = document.getElementById("progress");
    if (bar) bar.value = s.done;
    if (s.state === "done" || s.state === "failed") location.reload();
    else setTimeout(tick, 500);
  };
  tick();
}

function submitFile(form, file) {
  const dt = new DataTransfer();
  dt.items.add(file);
  form.querySelector("input[type=file]").files = dt.files;
  form.submit();
}

function recorder(button) {
  const form = document.getElementById("run-form");
  const status = document.getElementById("record-status");
  const video = button.dataset.capture === "video";
  let rec = null;
  button.addEventListener("click", async () => {
    if (rec) {
      rec.stop();
      return;
    }
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia(video ? {video: true, audio: false} : {audio: true});
    } catch (e) {
      status.textContent = `no ${video ? "camera" : "microphone"}: ${e.message}`;
      return;
    }
    const chunks = [];
    rec = new MediaRecorder(stream, {mimeType: video ? "video/webm" : "audio/webm"});
    rec.ondataavailable = (e) => chunks.push(e.data);
    rec.onstop = () => {
      stream.getTracks().forEach((t) => t.stop());
      status.textContent = "uploading…";
      submitFile(form, new File(chunks, "recording.webm", {type: rec.mimeType}));
    };
    rec.start();
    button.textContent = "Stop and run";
    status.textContent = "recording…";
  });
}

function dropZone(zone) {
  const input = zone.querySelector("input[type=file]");
  zone.addEventListener("dragover", (e) => e.preventDefault());
  zone.addEventListener("drop", (e) => {
    e.preventDefault();
    input.files = e.dataTransfer.files;
  });
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll(".drop").forEach(dropZone);
  const status = document.getElementById("status");
  if (status && (status.dataset.state === "queued" || status.dataset.state === "running")) pollRun(status);
  const rec = document.getElementById("record");
  if (rec) recorder(rec);
});
