// The hourly report page: fetches the admin API's JSON report rows for one
// UTC day and draws them as grouped bar charts in inline SVG (no framework).
// The admin token stays in sessionStorage (this tab only), never in the URL.
'use strict';

const SVG = 'http://www.w3.org/2000/svg';
const $ = (id) => document.getElementById(id);

/** 24 slots, one per UTC hour of `day` ("YYYY-MM-DD"), filled from rows keyed by their hour. */
function byHour(day, rows, pick) {
  const values = new Array(24).fill(null).map(() => pick(undefined));
  for (const row of rows) {
    const h = new Date(row.hour).getUTCHours();
    if (row.hour.startsWith(day)) values[h] = pick(row);
  }
  return values;
}

function el(name, attrs, text) {
  const node = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

/** Grouped bars: series = [{ values: number[24], color }]. */
function drawBars(svg, series) {
  svg.replaceChildren();
  const width = Number(svg.getAttribute('width'));
  const height = Number(svg.getAttribute('height'));
  const left = 36;
  const bottom = 20;
  const plotH = height - bottom - 8;
  const max = Math.max(1, ...series.flatMap((s) => s.values));
  const slot = (width - left) / 24;
  const barW = (slot - 4) / series.length;
  for (const tick of [0, max / 2, max]) {
    const y = 8 + plotH - (tick / max) * plotH;
    svg.append(el('line', { x1: left, x2: width, y1: y, y2: y, stroke: '#eee' }));
    svg.append(el('text', { x: left - 4, y: y + 3, 'text-anchor': 'end' }, String(Math.round(tick * 10) / 10)));
  }
  for (let h = 0; h < 24; h++) {
    series.forEach((s, i) => {
      const v = s.values[h];
      const barH = (v / max) * plotH;
      const rect = el('rect', { x: left + h * slot + 2 + i * barW, y: 8 + plotH - barH, width: barW, height: barH, fill: s.color, 'data-hour': h, 'data-value': v });
      rect.append(el('title', {}, `${String(h).padStart(2, '0')}:00 ${s.name}: ${v}`));
      svg.append(rect);
    });
    svg.append(el('text', { x: left + h * slot + slot / 2, y: height - 6, 'text-anchor': 'middle' }, String(h)));
  }
}

function drawTable(day, calls, users) {
  const table = $('figures');
  const head = '<tr><th>hour (UTC)</th><th>attempts</th><th>answered</th><th>ASR %</th><th>ACD min</th><th>users online</th><th>peak</th></tr>';
  const rows = [];
  for (let h = 0; h < 24; h++) {
    const c = calls[h];
    const u = users[h];
    if (!c && !u) continue;
    rows.push(`<tr><td>${String(h).padStart(2, '0')}:00</td><td>${c ? c.attempts : 0}</td><td>${c ? c.answered : 0}</td><td>${c ? c.asrPercent : 0}</td><td>${c ? c.acdMinutes : 0}</td><td>${u ? u.usersOnline : 0}</td><td>${u ? u.peakOnline : 0}</td></tr>`);
  }
  table.innerHTML = head + (rows.join('') || '<tr><td colspan="7">no calls and nobody online on this day</td></tr>');
}

async function fetchRows(tenant, kind, day, token) {
  const from = `${day}T00:00:00Z`;
  const to = new Date(Date.parse(from) + 24 * 3600 * 1000).toISOString();
  const url = `/api/v1/tenants/${encodeURIComponent(tenant)}/reports/${kind}?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`;
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}`, accept: 'application/json' } });
  if (!res.ok) throw new Error(`${kind}: ${res.status} ${(await res.json().catch(() => ({}))).error ?? ''}`);
  return (await res.json()).rows;
}

async function show() {
  const tenant = $('tenant').value.trim();
  const day = $('day').value;
  const token = $('token').value;
  sessionStorage.setItem('nimbus-admin-token', token);
  $('status').textContent = 'loading…';
  try {
    const [callRows, userRows] = await Promise.all([fetchRows(tenant, 'calls', day, token), fetchRows(tenant, 'users', day, token)]);
    const calls = byHour(day, callRows, (r) => (r ? r.total : undefined));
    const users = byHour(day, userRows, (r) => r);
    drawBars($('calls-chart'), [
      { name: 'attempted', color: '#8ab4f8', values: calls.map((c) => (c ? c.attempts : 0)) },
      { name: 'answered', color: '#1a73e8', values: calls.map((c) => (c ? c.answered : 0)) },
    ]);
    drawBars($('users-chart'), [
      { name: 'users online', color: '#81c995', values: users.map((u) => (u ? u.usersOnline : 0)) },
      { name: 'peak at once', color: '#188038', values: users.map((u) => (u ? u.peakOnline : 0)) },
    ]);
    drawTable(day, calls, users);
    $('status').textContent = '';
  } catch (err) {
    $('status').textContent = err instanceof Error ? err.message : String(err);
  }
}

$('day').value = new Date().toISOString().slice(0, 10);
$('token').value = sessionStorage.getItem('nimbus-admin-token') ?? '';
$('controls').addEventListener('submit', (e) => {
  e.preventDefault();
  void show();
});
if ($('token').value) void show();
