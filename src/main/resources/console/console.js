// The operator console: a WebSocket brings JPEG frames (binary) and step summaries (JSON); controls and corrections
// go back as JSON POSTs. Everything from the server is shown with textContent, never parsed as HTML.
'use strict';
const token = new URLSearchParams(location.search).get('token');
const $ = id => document.getElementById(id);
const canvas = $('canvas'), g = canvas.getContext('2d');
let step = null, frames = 0, fpsCount = 0, lastCorrection = null;

function headers(json) {
  const h = {};
  if (json) h['Content-Type'] = 'application/json';
  if (token) h['X-Embody-Token'] = token;
  return h;
}
async function api(path, body) {
  const r = await fetch(path, body === undefined ? {headers: headers(false)}
    : {method: 'POST', headers: headers(true), body: JSON.stringify(body)});
  const data = await r.json().catch(() => ({error: r.statusText}));
  if (!r.ok) throw new Error(data.error || r.statusText);
  return data;
}

// ---- live view ----
function connect() {
  const ws = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws' + (token ? '?token=' + encodeURIComponent(token) : ''));
  ws.binaryType = 'blob';
  ws.onmessage = ev => {
    if (typeof ev.data === 'string') { onText(JSON.parse(ev.data)); return; }
    createImageBitmap(ev.data).then(img => {
      g.drawImage(img, 0, 0, canvas.width, canvas.height);
      overlay();
      frames++; fpsCount++;
      $('frame-count').textContent = frames;
    });
  };
  ws.onclose = () => { setStatus('disconnected, retrying'); setTimeout(connect, 1000); };
}
function onText(m) {
  if (m.type === 'hello') { $('episode').textContent = m.episode || '-'; setStatus(m.status); if (m.step && m.step.index >= 0) showStep(m.step); }
  else if (m.type === 'step') showStep(m.step);
  else if (m.type === 'end') setStatus('ended: ' + m.outcome);
  else if (m.type === 'operator') { logEntry(m.entry); setStatus(m.status); }
  else if (m.type === 'notice') { $('applied').textContent = m.text; $('applied').className = /refused|not taught|cannot/.test(m.text) ? 'bad' : 'ok'; }
}
function setStatus(s) {
  const b = $('status');
  b.textContent = s;
  b.className = 'badge' + (/stop|ended/.test(s) ? ' stopped' : /pause/.test(s) ? ' paused' : '');
}
setInterval(() => { $('fps').textContent = fpsCount; fpsCount = 0; }, 1000);

function showStep(s) {
  step = s;
  $('step-index').textContent = s.index;
  $('reflection').textContent = s.reflection;
  $('subtask').textContent = s.subtask;
  $('chosen').textContent = s.chosen;
  $('by').textContent = s.by;
  $('why').textContent = s.why;
  $('memory-used').textContent = (s.memory_used && s.memory_used.length) ? s.memory_used.map(u => u.module + ': ' + u.what).join('; ') : 'nothing';
  if (s.model) showModel(s.model);
  $('override').textContent = s.overridden ? 'overrode the policy: "' + s.correction + '"' : 'none';
  const ol = $('candidates');
  ol.replaceChildren(...s.candidates.map(c => {
    const li = document.createElement('li');
    li.textContent = c.command + (c.score == null ? '' : '  ' + c.score.toFixed(3));
    if (c.command === s.chosen) li.className = 'chosen';
    return li;
  }));
  if (s.overridden && lastCorrection) {
    $('applied').textContent = 'applied at step ' + s.index + ': ' + s.chosen + ' (the policy wanted: ' + (s.why.split('policy wanted ')[1] || '?').replace(/\)$/, '') + ')';
    $('applied').className = 'ok';
    lastCorrection = null;
  }
}
// ---- the model behind some modules: its last thought, how old it is, and the skills it proposes ----
let modelLast = null;
function showModel(m) {
  modelLast = m.last ? {module: m.last.module, thought: m.last.thought, ok: m.last.ok, at: Date.now() - m.last.age_s * 1000,
    took: m.last.took_s, perStep: m.calls_per_step, model: m.model, mode: m.mode} : {model: m.model, mode: m.mode};
  tickModel();
  const waiting = (m.proposals || []).filter(p => p.state === 'waiting');
  $('proposals').replaceChildren(...(waiting.length ? waiting.map(p => {
    const li = document.createElement('li'), pre = document.createElement('pre');
    pre.textContent = p.yaml;
    const yes = document.createElement('button'), no = document.createElement('button');
    yes.textContent = 'Approve'; no.textContent = 'Reject';
    yes.onclick = () => api('/api/model/skills', {id: String(p.id), verdict: 'approve'}).then(r => li.textContent = p.skill + ': ' + r.state).catch(e => li.textContent = e.message);
    no.onclick = () => api('/api/model/skills', {id: String(p.id), verdict: 'reject'}).then(r => li.textContent = p.skill + ': ' + r.state).catch(e => li.textContent = e.message);
    li.append(p.skill + ': ' + p.why, pre, yes, ' ', no);
    return li;
  }) : [Object.assign(document.createElement('li'), {textContent: 'none', className: 'muted'})]));
}
function tickModel() {
  const m = modelLast;
  if (!m) return;
  if (!m.module) { $('model-thought').textContent = m.model + ' (' + m.mode + '): no answer yet'; return; }
  const age = ((Date.now() - m.at) / 1000).toFixed(1);
  $('model-thought').textContent = m.module + ': "' + m.thought + '" ' + age + ' s ago' + (m.took == null ? '' : ' (took ' + m.took + ' s)')
    + ' | ' + m.model + ', ' + m.mode + (m.perStep == null ? '' : ', ' + m.perStep + ' calls a step');
  $('model-thought').className = m.ok ? '' : 'bad';
}
setInterval(tickModel, 250);

function overlay() {
  if (!step) return;
  const sx = canvas.width / step.scene.width, sy = canvas.height / step.scene.height;
  g.lineWidth = 1.5;
  const colours = {player: '#00e5ff', coin: '#ffd600', flag: '#76ff03', lava: '#ff3d00'};
  for (const e of step.entities) {
    g.strokeStyle = colours[e.kind] || '#e0e0e0';
    g.strokeRect((e.x - e.w / 2) * sx, (e.y - e.h / 2) * sy, e.w * sx, e.h * sy);
  }
  if (step.path && step.path.length > 1) {
    g.strokeStyle = '#ff4081'; g.beginPath();
    step.path.forEach((p, i) => i ? g.lineTo(p[0] * sx, p[1] * sy) : g.moveTo(p[0] * sx, p[1] * sy));
    g.stroke();
  }
  if (step.target) {
    const x = step.target.x * sx, y = step.target.y * sy;
    g.strokeStyle = '#ff4081'; g.beginPath(); g.arc(x, y, 9, 0, 2 * Math.PI); g.moveTo(x - 12, y); g.lineTo(x + 12, y); g.moveTo(x, y - 12); g.lineTo(x, y + 12); g.stroke();
  }
  g.fillStyle = 'rgba(0,0,0,.6)'; g.fillRect(0, canvas.height - 18, canvas.width, 18);
  g.fillStyle = step.overridden ? '#ffab40' : '#fff'; g.font = '12px sans-serif';
  g.fillText('step ' + step.index + ': ' + step.chosen + ' by ' + step.by, 6, canvas.height - 5);
}

// ---- controls ----
function control(action, extra) {
  return api('/api/control', Object.assign({action}, extra || {})).catch(e => { $('applied').textContent = action + ' refused: ' + e.message; $('applied').className = 'bad'; });
}
$('pause').onclick = () => control('pause');
$('resume').onclick = () => control('resume');
$('single-step').onclick = () => control('step');
$('estop').onclick = () => control('estop');
$('set-goal').onclick = () => { const v = $('goal').value.trim(); if (v) control('goal', {goal: v}); };
document.addEventListener('keydown', e => { if (e.key === 'Escape') control('estop'); });

// ---- corrections: understood before (live as you type) and after (applied) ----
function showUnderstanding(u, el) {
  el.textContent = u.understood ? 'understood as ' + u.kind + (u.command ? ': ' + u.command : u.argument ? ': ' + u.argument : '') + ' (' + u.explanation + ', confidence ' + u.confidence.toFixed(2) + ')'
    : 'not understood: ' + u.explanation;
  el.className = u.understood ? 'ok' : 'bad';
}
let parseTimer = null;
$('correction').addEventListener('input', () => {
  clearTimeout(parseTimer);
  const text = $('correction').value.trim();
  if (!text) { $('understood').textContent = ''; return; }
  parseTimer = setTimeout(() => api('/api/parse?text=' + encodeURIComponent(text)).then(u => showUnderstanding(u, $('understood')))
    .catch(e => { $('understood').textContent = e.message; $('understood').className = 'bad'; }), 120);
});
async function send() {
  const text = $('correction').value.trim();
  if (!text) return;
  try {
    const u = await api('/api/correct', {text});
    showUnderstanding(u, $('understood'));
    if (u.applied) { lastCorrection = u; $('applied').textContent = 'sent: waiting for the next step ...'; $('applied').className = 'muted'; $('correction').value = ''; }
    else { $('applied').textContent = 'not applied: the sentence was not understood'; $('applied').className = 'bad'; }
  } catch (e) { $('applied').textContent = 'refused: ' + e.message; $('applied').className = 'bad'; }
}
$('send').onclick = send;
$('correction').addEventListener('keydown', e => { if (e.key === 'Enter') send(); });

// ---- push-to-talk: record with WebAudio, send 16 kHz mono 16-bit WAV ----
let rec = null;
async function startTalk() {
  if (rec) return;
  try {
    const stream = await navigator.mediaDevices.getUserMedia({audio: true});
    const ctx = new AudioContext();
    const src = ctx.createMediaStreamSource(stream);
    const proc = ctx.createScriptProcessor(4096, 1, 1);
    const chunks = [];
    proc.onaudioprocess = ev => chunks.push(new Float32Array(ev.inputBuffer.getChannelData(0)));
    src.connect(proc); proc.connect(ctx.destination);
    rec = {stream, ctx, proc, chunks};
    $('talk').classList.add('recording'); $('talk').textContent = 'Listening ... release to send';
  } catch (e) { $('applied').textContent = 'no microphone: ' + e.message; $('applied').className = 'bad'; }
}
async function stopTalk() {
  if (!rec) return;
  const {stream, ctx, proc, chunks} = rec; rec = null;
  proc.disconnect(); stream.getTracks().forEach(t => t.stop());
  $('talk').classList.remove('recording'); $('talk').textContent = 'Hold to talk';
  const rate = ctx.sampleRate; ctx.close();
  const wav = toWav(chunks, rate);
  const r = await fetch('/api/speech', {method: 'POST', headers: Object.assign(headers(false), {'Content-Type': 'audio/wav'}), body: wav});
  const u = await r.json().catch(() => ({error: r.statusText}));
  if (!r.ok) { $('applied').textContent = 'speech refused: ' + u.error; $('applied').className = 'bad'; return; }
  $('understood').textContent = 'heard "' + u.heard + '": ' + u.why; $('understood').className = u.applied ? 'ok' : 'bad';
  if (u.applied) lastCorrection = u;
}
function toWav(chunks, rate) {
  const n = chunks.reduce((a, c) => a + c.length, 0), all = new Float32Array(n);
  let o = 0; for (const c of chunks) { all.set(c, o); o += c.length; }
  const out = Math.floor(n * 16000 / rate), buf = new ArrayBuffer(44 + out * 2), v = new DataView(buf);
  const str = (p, s) => { for (let i = 0; i < s.length; i++) v.setUint8(p + i, s.charCodeAt(i)); };
  str(0, 'RIFF'); v.setUint32(4, 36 + out * 2, true); str(8, 'WAVE'); str(12, 'fmt '); v.setUint32(16, 16, true);
  v.setUint16(20, 1, true); v.setUint16(22, 1, true); v.setUint32(24, 16000, true); v.setUint32(28, 32000, true);
  v.setUint16(32, 2, true); v.setUint16(34, 16, true); str(36, 'data'); v.setUint32(40, out * 2, true);
  for (let i = 0; i < out; i++) {
    const s = Math.max(-1, Math.min(1, all[Math.floor(i * rate / 16000)] || 0));
    v.setInt16(44 + i * 2, s * 32767, true);
  }
  return new Blob([buf], {type: 'audio/wav'});
}
$('talk').addEventListener('mousedown', startTalk);
$('talk').addEventListener('mouseup', stopTalk);
$('talk').addEventListener('mouseleave', stopTalk);

// ---- operator log, training, episodes ----
function logEntry(e) {
  const li = document.createElement('li');
  li.textContent = e.at.substring(11, 19) + ' ' + e.channel + ' ' + e.kind + (e.command ? ' ' + e.command : e.argument ? ' ' + e.argument : '') + ' "' + e.text + '"';
  $('oplog').prepend(li);
}
async function refreshSide() {
  try {
    const t = await api('/api/training');
    $('training').textContent = 'live policy: ' + t.livePolicy + ' | examples waiting: ' + t.examplesWaiting
      + ' | last round: ' + (Object.keys(t.lastRound).length ? JSON.stringify(t.lastRound) : 'none yet') + ' | trainer: ' + t.trainer;
    const sel = $('checkpoints');
    sel.replaceChildren(...t.checkpoints.map(c => { const o = document.createElement('option'); o.value = c.version; o.textContent = c.version + (c.live ? ' (live)' : '') + ' score ' + c.score.toFixed(3); return o; }));
    drawCurve(t.curve);
    const eps = await api('/api/episodes');
    $('episodes').replaceChildren(...eps.slice(0, 30).map(e => {
      const li = document.createElement('li'), a = document.createElement('a');
      a.href = '/api/episodes/' + encodeURIComponent(e.id) + '/report' + (token ? '?token=' + encodeURIComponent(token) : '');
      a.textContent = e.id; a.target = '_blank';
      li.append(a, ' ' + e.outcome + (e.report ? '' : ' (no report yet)'));
      return li;
    }));
  } catch (e) { $('training').textContent = e.message; }
}
function drawCurve(points) {
  const c = $('curve').getContext('2d'); c.clearRect(0, 0, 300, 100);
  if (!points.length) { c.fillStyle = '#888'; c.fillText('no training rounds yet', 10, 50); return; }
  const maxX = Math.max(...points.map(p => p[0]), 1);
  c.strokeStyle = '#7fd37f'; c.beginPath();
  points.forEach((p, i) => { const x = p[0] / maxX * 290 + 5, y = 95 - p[1] * 90; i ? c.lineTo(x, y) : c.moveTo(x, y); });
  c.stroke();
}
$('rollback').onclick = () => { const v = $('checkpoints').value; api('/api/training/rollback', {checkpoint: v || '-'}).then(r => $('rollback-msg').textContent = r.message).catch(e => $('rollback-msg').textContent = e.message); };

// ---- command buttons: one per command of the skills; a press is the command itself (live: a correction; record: the person's step)
async function loadCommands() {
  const list = await api('/api/commands');
  $('commands').className = '';
  $('commands').replaceChildren(...list.map(c => {
    const b = document.createElement('button');
    b.textContent = c;
    b.className = 'command';
    b.onclick = () => api('/api/command', {command: c})
      .then(r => { $('command-sent').textContent = 'sent ' + r.command; $('command-sent').className = 'ok'; })
      .catch(e => { $('command-sent').textContent = e.message; $('command-sent').className = 'bad'; });
    return b;
  }));
}
loadCommands().catch(() => {});
api('/api/suggestions').then(list => $('suggestions').replaceChildren(...list.map(s => { const o = document.createElement('option'); o.value = s; return o; }))).catch(() => {});
refreshSide(); setInterval(refreshSide, 5000);
connect();
