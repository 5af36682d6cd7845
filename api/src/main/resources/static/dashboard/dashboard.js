// The dashboard reads the same public endpoints as any client; it holds no state of its own.
(function () {
  'use strict';
  const base = '/v1/ml-distributed';
  const params = new URLSearchParams(location.search);
  if (params.get('apiKey')) sessionStorage.setItem('mlApiKey', params.get('apiKey'));
  const apiKey = sessionStorage.getItem('mlApiKey');
  let evaluatedModel = null;

  function headers(extra) {
    const h = Object.assign({ 'Accept': 'application/json' }, extra || {});
    if (apiKey) h['X-API-Key'] = apiKey;
    return h;
  }

  async function call(method, path, body) {
    const res = await fetch(base + path, {
      method, headers: headers(body ? { 'Content-Type': 'application/json' } : {}),
      body: body ? JSON.stringify(body) : undefined
    });
    const json = await res.json().catch(() => ({}));
    if (!res.ok) throw new Error((json.title || res.status) + ': ' + (json.detail || res.statusText));
    return json;
  }

  function el(tag, attrs, text) {
    const e = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => e.setAttribute(k, v));
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function row(cells, attrs) {
    const tr = el('tr', attrs);
    cells.forEach(c => tr.appendChild(c instanceof Node ? wrap(c) : el('td', {}, c)));
    return tr;
  }

  function wrap(node) { const td = el('td'); td.appendChild(node); return td; }
  function fmt(x, digits) { return typeof x === 'number' && isFinite(x) ? x.toFixed(digits) : String(x); }
  function ago(ms) { const s = Math.max(0, (Date.now() - ms) / 1000); return s < 60 ? s.toFixed(1) + ' s ago' : Math.round(s / 60) + ' min ago'; }

  function renderLearners(learners) {
    const body = document.querySelector('#learners tbody');
    body.replaceChildren(...learners.map(l => row([
      l.learnerId, l.shard,
      el('span', { class: l.alive ? 'alive' : 'dead' }, l.alive ? 'alive' : 'down'),
      String(l.members.length),
      l.training.filter(t => t.percent < 100).map(t => t.modelId + ' ' + t.phase + ' ' + t.percent + '%').join(', ') || '—',
      ago(l.lastSeen)
    ], { 'data-learner': l.learnerId, 'data-alive': String(l.alive) })));
    const alive = learners.filter(l => l.alive).length;
    return alive + ' of ' + learners.length + ' learners alive';
  }

  function renderModels(models) {
    const body = document.querySelector('#models tbody');
    body.replaceChildren(...models.map(m => row([
      m.modelId, m.algorithm, m.dataset + ' → ' + m.target, String(m.seed),
      m.members + ' (' + m.liveMembers + ')', new Date(m.createdAt).toLocaleString()
    ], { 'data-model': m.modelId })));
    return models.length ? 'latest model ' + models[0].modelId : 'no model yet: POST ' + base + '/fit';
  }

  function renderEvaluation(e) {
    document.getElementById('evaluation-summary').textContent =
      e.modelId + ' on ' + e.dataset + ' (' + e.rows + ' rows): r2 ' + fmt(e.r2, 4) + ', rmse ' + fmt(e.rmse, 1) +
      ', mae ' + fmt(e.mae, 1) + ', members ' + e.members.used + ' of ' + e.members.expected +
      (e.members.missing.length ? ' (missing ' + e.members.missing.join(', ') + ')' : '');
    const body = document.querySelector('#member-metrics tbody');
    body.replaceChildren(...Object.entries(e.memberMetrics).map(([id, m]) => row([
      id, fmt(m.r2, 4), fmt(m.rmse, 1), fmt(m.mae, 1),
      e.withoutMember[id] ? fmt(e.withoutMember[id].r2, 4) : '—'
    ], { 'data-member': id })));
    drawScatter(e.sample || []);
  }

  function drawScatter(points) {
    const svg = document.getElementById('scatter');
    const ns = 'http://www.w3.org/2000/svg';
    svg.replaceChildren();
    if (!points.length) return;
    const values = points.flat().filter(Number.isFinite);
    const lo = Math.min(...values), hi = Math.max(...values), pad = 40, size = 420 - 2 * pad;
    const x = v => pad + (v - lo) / (hi - lo || 1) * size;
    const y = v => 420 - pad - (v - lo) / (hi - lo || 1) * size;
    const line = document.createElementNS(ns, 'line');
    [['x1', x(lo)], ['y1', y(lo)], ['x2', x(hi)], ['y2', y(hi)], ['class', 'diagonal']].forEach(([k, v]) => line.setAttribute(k, v));
    svg.appendChild(line);
    points.forEach(([actual, predicted]) => {
      const c = document.createElementNS(ns, 'circle');
      c.setAttribute('cx', x(actual)); c.setAttribute('cy', y(predicted)); c.setAttribute('r', 3);
      c.setAttribute('class', 'point');
      svg.appendChild(c);
    });
    [['actual →', 420 - pad + 28, 420 / 2, 0], ['predicted →', 14, 420 / 2, -90]].forEach(([label, a, b, rot]) => {
      const t = document.createElementNS(ns, 'text');
      t.textContent = label;
      if (rot) { t.setAttribute('transform', 'translate(' + a + ',' + b + ') rotate(' + rot + ')'); }
      else { t.setAttribute('x', b); t.setAttribute('y', a); }
      svg.appendChild(t);
    });
  }

  async function evaluate(modelId) {
    const e = await call('POST', '/evaluate', modelId ? { modelId } : {});
    evaluatedModel = e.modelId;
    renderEvaluation(e);
  }

  async function refresh() {
    const error = document.getElementById('error');
    try {
      const [learners, models] = await Promise.all([call('GET', '/learners'), call('GET', '/models')]);
      document.getElementById('summary').textContent = renderLearners(learners) + ' · ' + renderModels(models);
      document.getElementById('updated').textContent = 'updated ' + new Date().toLocaleTimeString();
      const latest = models.find(m => m.liveMembers > 0);
      if (latest && latest.modelId !== evaluatedModel) await evaluate(latest.modelId);
      error.hidden = true;
    } catch (e) {
      error.textContent = e.message;
      error.hidden = false;
    }
  }

  document.getElementById('evaluate').addEventListener('click', () => evaluate(null).catch(e => {
    const error = document.getElementById('error');
    error.textContent = e.message; error.hidden = false;
  }));
  refresh();
  setInterval(refresh, 3000);
})();
