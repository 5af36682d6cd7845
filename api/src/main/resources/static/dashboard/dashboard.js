// The dashboard reads the same public endpoints as any client; it holds no state of its own.
// When the service has an API key, the page signs in with a POST that sets an HttpOnly session
// cookie: the script never sees the key again. Every call sends X-Requested-With, which the api
// requires of a cookie-authenticated POST (another site cannot send it).
(function () {
  'use strict';
  const base = '/v1/ml-distributed';
  const session = '/dashboard/session';
  // evaluations run only when asked for (a model's "evaluate" button, or #evaluate=<modelId> in the
  // address), and each model's is kept: a refresh never starts one
  const evaluations = new Map();
  let latestModel = null;
  let timer = null;

  function headers(extra) {
    return Object.assign({ 'Accept': 'application/json', 'X-Requested-With': 'ml-dashboard' }, extra || {});
  }

  class SignedOut extends Error {}

  async function call(method, path, body) {
    const res = await fetch(base + path, {
      method, headers: headers(body ? { 'Content-Type': 'application/json' } : {}),
      body: body ? JSON.stringify(body) : undefined, credentials: 'same-origin'
    });
    const json = await res.json().catch(() => ({}));
    if (res.status === 401) throw new SignedOut('signed out');
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
  function ago(iso) { const s = Math.max(0, (Date.now() - Date.parse(iso)) / 1000); return s < 60 ? s.toFixed(1) + ' s ago' : Math.round(s / 60) + ' min ago'; }

  function renderLearners(learners) {
    const body = document.querySelector('#learners tbody');
    body.replaceChildren(...learners.map(l => row([
      l.learnerId, l.shard,
      el('span', { class: l.alive ? 'alive' : 'dead' }, l.alive ? 'alive' : 'down'),
      String(l.held.length),
      l.training.filter(t => t.percent < 100).map(t => t.modelId + ' ' + t.phase + ' ' + t.percent + '%').join(', ') || '—',
      ago(l.lastSeen)
    ], { 'data-learner': l.learnerId, 'data-alive': String(l.alive) })));
    const alive = learners.filter(l => l.alive).length;
    return alive + ' of ' + learners.length + ' learners alive';
  }

  function button(label, action, modelId) {
    return el('button', { type: 'button', 'data-action': action, 'data-model': modelId }, label);
  }

  function renderModels(models) {
    const body = document.querySelector('#models tbody');
    body.replaceChildren(...models.map(m => {
      const actions = el('span');
      [button('evaluate', 'evaluate', m.modelId), button(m.pinned ? 'unpin' : 'pin', m.pinned ? 'unpin' : 'pin', m.modelId),
        button('delete', 'delete', m.modelId)].forEach(b => actions.appendChild(b));
      return row([
        m.modelId, m.algorithm, m.dataset + ' → ' + m.target, String(m.seed),
        m.members.used + ' of ' + m.members.expected + (m.members.missing.length ? ' (missing ' + m.members.missing.join(', ') + ')' : ''), (m.createdAt || '').replace('T', ' ').replace(/\.\d+Z$/, 'Z'),
        m.pinned ? 'pinned' : '', actions
      ], { 'data-model': m.modelId, 'data-pinned': String(!!m.pinned) });
    }));
    latestModel = (models.find(m => m.members.used > 0) || {}).modelId || null;
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
    const tick = v => Math.abs(v) >= 1e6 ? (v / 1e6).toFixed(1) + 'M' : Math.abs(v) >= 1e3 ? (v / 1e3).toFixed(0) + 'k'
      : v.toFixed(Math.abs(v) >= 10 ? 0 : 2);
    for (let k = 0; k <= 4; k++) {
      const v = lo + (hi - lo) * k / 4;
      [[x(v), 420 - pad + 14, 'middle'], [pad - 4, y(v) + 4, 'end']].forEach(([tx, ty, anchor]) => {
        const t = document.createElementNS(ns, 'text');
        t.textContent = tick(v);
        t.setAttribute('x', tx); t.setAttribute('y', ty); t.setAttribute('text-anchor', anchor);
        t.setAttribute('class', 'tick');
        svg.appendChild(t);
      });
    }
    [['actual →', 420 - pad + 30, 420 / 2, 0], ['predicted →', 10, 420 / 2, -90]].forEach(([label, a, b, rot]) => {
      const t = document.createElementNS(ns, 'text');
      t.textContent = label;
      if (rot) { t.setAttribute('transform', 'translate(' + a + ',' + b + ') rotate(' + rot + ')'); }
      else { t.setAttribute('x', b); t.setAttribute('y', a); }
      svg.appendChild(t);
    });
  }

  async function evaluate(modelId) {
    if (!modelId) throw new Error('no model to evaluate yet');
    if (!evaluations.has(modelId)) evaluations.set(modelId, await call('POST', '/evaluate', { modelId }));
    renderEvaluation(evaluations.get(modelId));
  }

  async function act(action, modelId) {
    if (action === 'evaluate') return evaluate(modelId);
    if (action === 'delete' && !window.confirm('Delete model ' + modelId + ' on every learner?')) return;
    const path = '/models/' + encodeURIComponent(modelId) + (action === 'delete' ? '' : '/pin');
    await call(action === 'pin' ? 'PUT' : 'DELETE', path);
    if (action === 'delete') evaluations.delete(modelId);
    await refresh();
  }

  function failed(e) {
    if (e instanceof SignedOut) { showSignIn(); return; }
    const error = document.getElementById('error');
    error.textContent = e.message; error.hidden = false;
  }

  async function refresh() {
    const error = document.getElementById('error');
    try {
      const [learners, models] = await Promise.all([call('GET', '/learners'), call('GET', '/models')]);
      document.getElementById('summary').textContent = renderLearners(learners) + ' · ' + renderModels(models);
      document.getElementById('updated').textContent = 'updated ' + new Date().toLocaleTimeString();
      error.hidden = true;
    } catch (e) {
      if (e instanceof SignedOut) { showSignIn(); return; }
      error.textContent = e.message;
      error.hidden = false;
    }
  }

  function showSignIn() {
    if (timer) { clearInterval(timer); timer = null; }
    document.getElementById('content').hidden = true;
    document.getElementById('sign-out').hidden = true;
    document.getElementById('summary').textContent = 'sign in to see the ensemble';
    document.getElementById('updated').textContent = '';
    document.getElementById('sign-in').hidden = false;
    document.getElementById('api-key').focus();
  }

  function showContent(keyRequired) {
    document.getElementById('sign-in').hidden = true;
    document.getElementById('content').hidden = false;
    document.getElementById('sign-out').hidden = !keyRequired;
    const asked = /^#evaluate=(.+)$/.exec(location.hash);
    refresh().then(() => asked ? evaluate(decodeURIComponent(asked[1])) : null).catch(failed);
    if (!timer) timer = setInterval(refresh, 3000);
  }

  document.getElementById('sign-in').addEventListener('submit', async ev => {
    ev.preventDefault();
    const input = document.getElementById('api-key');
    const failure = document.getElementById('sign-in-error');
    const res = await fetch(session, {
      method: 'POST', headers: headers({ 'Content-Type': 'application/json' }),
      body: JSON.stringify({ apiKey: input.value }), credentials: 'same-origin'
    });
    input.value = '';
    if (res.ok) { failure.hidden = true; showContent(true); return; }
    failure.textContent = res.status === 401 ? 'That key is not valid.' : 'Sign-in failed (' + res.status + ').';
    failure.hidden = false;
  });

  document.getElementById('sign-out').addEventListener('click', async () => {
    await fetch(session, { method: 'DELETE', headers: headers(), credentials: 'same-origin' });
    showSignIn();
  });

  document.getElementById('evaluate').addEventListener('click', () => evaluate(latestModel).catch(failed));
  document.querySelector('#models tbody').addEventListener('click', ev => {
    const b = ev.target.closest('button[data-action]');
    if (b) act(b.dataset.action, b.dataset.model).catch(failed);
  });

  fetch(session, { headers: headers(), credentials: 'same-origin' })
    .then(res => res.json())
    .then(s => s.signedIn ? showContent(s.keyRequired) : showSignIn())
    .catch(() => showContent(false));
})();
