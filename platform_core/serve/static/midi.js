// recog serve: a small MIDI file player (standard MIDI files, formats 0 and 1) on WebAudio oscillators.
"use strict";

// Notes of a standard MIDI file: [{pitch, velocity, start, end}] in seconds, tempo changes applied.
function parseMidi(buf) {
  const d = new DataView(buf);
  let pos = 0;
  const str = (n) => String.fromCharCode(...new Uint8Array(buf, pos, n));
  const vlq = () => {
    let v = 0, b;
    do { b = d.getUint8(pos++); v = (v << 7) | (b & 0x7f); } while (b & 0x80);
    return v;
  };
  if (str(4) !== "MThd") throw new Error("not a MIDI file");
  const division = d.getUint16(12);
  if (division & 0x8000) throw new Error("SMPTE time division is not supported");
  const ntracks = d.getUint16(10);
  pos = 8 + d.getUint32(4);
  const tempos = [[0, 500000]];  // [tick, microseconds per quarter]
  const raw = [];  // [tick, on (bool), pitch, velocity, channel]
  for (let t = 0; t < ntracks && pos < buf.byteLength; t++) {
    const kind = str(4), len = d.getUint32(pos + 4);
    pos += 8;
    const end = pos + len;
    if (kind !== "MTrk") { pos = end; continue; }
    let tick = 0, status = 0;
    while (pos < end) {
      tick += vlq();
      let b = d.getUint8(pos);
      if (b & 0x80) { status = b; pos++; }
      if (status === 0xff) {
        const type = d.getUint8(pos++), n = vlq();
        if (type === 0x51) tempos.push([tick, (d.getUint8(pos) << 16) | (d.getUint8(pos + 1) << 8) | d.getUint8(pos + 2)]);
        pos += n;
      } else if (status === 0xf0 || status === 0xf7) {
        pos += vlq();
      } else {
        const hi = status & 0xf0, a = d.getUint8(pos++);
        const two = hi !== 0xc0 && hi !== 0xd0;
        const v = two ? d.getUint8(pos++) : 0;
        if (hi === 0x90 || hi === 0x80) raw.push([tick, hi === 0x90 && v > 0, a, v, status & 0x0f]);
      }
    }
    pos = end;
  }
  tempos.sort((x, y) => x[0] - y[0]);
  const seconds = (tick) => {
    let s = 0, lastTick = 0, uspq = 500000;
    for (const [tt, u] of tempos) {
      if (tt > tick) break;
      s += (tt - lastTick) * uspq / division / 1e6;
      lastTick = tt; uspq = u;
    }
    return s + (tick - lastTick) * uspq / division / 1e6;
  };
  raw.sort((x, y) => x[0] - y[0] || (x[1] ? 1 : 0) - (y[1] ? 1 : 0));
  const open = new Map(), notes = [];
  for (const [tick, on, pitch, vel, ch] of raw) {
    const key = ch * 128 + pitch;
    if (on) {
      if (!open.has(key)) open.set(key, []);
      open.get(key).push({pitch, velocity: vel, start: seconds(tick)});
    } else if (open.has(key) && open.get(key).length) {
      const n = open.get(key).shift();
      n.end = seconds(tick);
      notes.push(n);
    }
  }
  return notes.sort((x, y) => x.start - y.start);
}

function midiPlayer(el) {
  const info = el.querySelector(".midi-info");
  let notes = null, ctx = null, timer = null;
  const stop = () => {
    clearInterval(timer);
    if (ctx) ctx.close();
    ctx = null;
  };
  const play = async () => {
    stop();
    if (!notes) {
      try {
        notes = parseMidi(await (await fetch(el.dataset.src)).arrayBuffer());
      } catch (e) {
        info.textContent = `cannot play: ${e.message}`;
        return;
      }
    }
    ctx = new AudioContext();
    const t0 = ctx.currentTime + 0.1, ac = ctx;
    let next = 0;
    const schedule = () => {  // a second ahead at a time, so long files don't create every node at once
      while (next < notes.length && notes[next].start < ac.currentTime - t0 + 1.0) {
        const n = notes[next++];
        const osc = ac.createOscillator(), gain = ac.createGain();
        const on = t0 + n.start, off = t0 + Math.max(n.end, n.start + 0.05);
        osc.type = "triangle";
        osc.frequency.value = 440 * Math.pow(2, (n.pitch - 69) / 12);
        gain.gain.setValueAtTime(0, on);
        gain.gain.linearRampToValueAtTime(0.25 * n.velocity / 127, on + 0.01);
        gain.gain.exponentialRampToValueAtTime(0.001, off + 0.15);
        osc.connect(gain).connect(ac.destination);
        osc.start(on);
        osc.stop(off + 0.2);
      }
      const dur = notes.length ? notes[notes.length - 1].end : 0;
      info.textContent = `${Math.min(dur, Math.max(0, ac.currentTime - t0)).toFixed(1)} / ${dur.toFixed(1)} s`;
      if (next >= notes.length && ac.currentTime - t0 > dur + 0.5) stop();
    };
    schedule();
    timer = setInterval(schedule, 200);
  };
  el.querySelector(".play").addEventListener("click", play);
  el.querySelector(".stop").addEventListener("click", stop);
  fetch(el.dataset.src).then((r) => r.arrayBuffer()).then((b) => {
    notes = parseMidi(b);
    const dur = notes.length ? notes[notes.length - 1].end : 0;
    info.textContent = `${notes.length} notes, ${dur.toFixed(1)} s`;
    el.dataset.notes = notes.length;
  }).catch((e) => { info.textContent = `cannot play: ${e.message}`; });
}

document.addEventListener("DOMContentLoaded", () => document.querySelectorAll(".midi-player").forEach(midiPlayer));
