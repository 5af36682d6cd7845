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
  // each api instance's own samples (GET /stats answers for the instance the balancer picked)
  const seriesByInstance = new Map();
  const instanceSeenAt = new Map();
  // which load balancer and api instance answered the last call (headers the balancers add)
  const edge = { lb: null, upstream: null };
  const COLORS = ['#3b6fd4', '#c62828', '#1a7f37', '#8e44ad', '#e67e22', '#16a085', '#7f8c8d', '#d35400'];
  const SVG = 'http://www.w3.org/2000/svg';

  // points in time are shown as ISO-8601 UTC, as the API writes them, never in the browser's locale
  function iso(d) { return d.toISOString().replace(/\.\d+Z$/, 'Z'); }

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
    edge.lb = res.headers.get('X-ML-LB');
    edge.upstream = res.headers.get('X-ML-Upstream');
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
    const select = document.getElementById('predict-model');
    const chosen = select.value;
    select.replaceChildren(el('option', { value: '' }, 'the newest that accepts the columns'),
      ...models.map(m => el('option', { value: m.modelId }, m.modelId + ' (' + m.algorithm + ', ' + m.dataset + ')')));
    select.value = models.some(m => m.modelId === chosen) ? chosen : '';
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

  // ---- traffic charts: axes with values, time in UTC

  function svgEl(tag, attrs, text) {
    const e = document.createElementNS(SVG, tag);
    Object.entries(attrs || {}).forEach(([k, v]) => e.setAttribute(k, v));
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function tickText(v) {
    return Math.abs(v) >= 1e3 ? (v / 1e3).toFixed(1) + 'k' : v >= 10 ? v.toFixed(0) : v.toFixed(v >= 1 ? 1 : 2);
  }

  // lines: [{label, color, dash, points: [[epochMs, value], ...]}]
  function lineChart(id, lines, empty) {
    const svg = document.getElementById(id);
    svg.replaceChildren();
    const W = 420, H = 200, left = 40, right = 8, top = 18, bottom = 22;
    const all = lines.flatMap(l => l.points);
    if (!all.length) {
      svg.appendChild(svgEl('text', { x: W / 2, y: H / 2, 'text-anchor': 'middle', class: 'empty' },
        empty || 'no samples yet'));
      return;
    }
    let t0 = Math.min(...all.map(p => p[0])), t1 = Math.max(...all.map(p => p[0]));
    if (t1 === t0) { t0 -= 5000; t1 += 5000; } // one sample: a window around it, so the ticks spread
    const vmax = Math.max(...all.map(p => p[1]), 0) * 1.1 || 1;
    const x = t => left + (t - t0) / (t1 - t0) * (W - left - right);
    const y = v => H - bottom - v / vmax * (H - top - bottom);
    svg.appendChild(svgEl('line', { x1: left, y1: H - bottom, x2: W - right, y2: H - bottom, class: 'axis' }));
    svg.appendChild(svgEl('line', { x1: left, y1: top, x2: left, y2: H - bottom, class: 'axis' }));
    for (let k = 0; k <= 4; k++) {
      const v = vmax * k / 4;
      svg.appendChild(svgEl('text', { x: left - 3, y: y(v) + 3, 'text-anchor': 'end', class: 'chart-tick' }, tickText(v)));
      const t = t0 + (t1 - t0) * k / 4;
      svg.appendChild(svgEl('text', { x: x(t), y: H - 6, 'text-anchor': k === 0 ? 'start' : k === 4 ? 'end' : 'middle',
        class: 'chart-tick' }, new Date(t).toISOString().substring(11, 19) + (k === 4 ? 'Z' : '')));
    }
    lines.forEach((l, i) => {
      if (!l.points.length) return;
      const d = l.points.map((p, j) => (j ? 'L' : 'M') + x(p[0]).toFixed(1) + ' ' + y(p[1]).toFixed(1)).join(' ');
      const path = svgEl('path', { d, class: 'series', stroke: l.color, 'data-series': l.label });
      if (l.dash) path.setAttribute('stroke-dasharray', '4 3');
      svg.appendChild(path);
      if (l.points.length === 1) { // a path of one point draws nothing
        svg.appendChild(svgEl('circle', { cx: x(l.points[0][0]), cy: y(l.points[0][1]), r: 2.5, fill: l.color }));
      }
      svg.appendChild(svgEl('text', { x: left + 4 + (i % 4) * 92, y: 10 + Math.floor(i / 4) * 9, fill: l.color,
        class: 'legend' }, l.label));
    });
  }

  function renderStats(stats) {
    if (stats && stats.instance) {
      seriesByInstance.set(stats.instance, stats);
      instanceSeenAt.set(stats.instance, Date.now());
    }
    const rate = new Map(), replies = new Map(), latency = [];
    let i = 0;
    [...seriesByInstance.keys()].sort().forEach(instance => {
      const s = seriesByInstance.get(instance);
      const step = (s.intervalSeconds || 5) * 1000;
      const p50 = [], p99 = [];
      s.samples.forEach(sample => {
        const t = Math.round(Date.parse(sample.at) / step) * step;
        rate.set(t, (rate.get(t) || 0) + sample.requestsPerSecond);
        if (sample.p50Ms != null) p50.push([t, sample.p50Ms]);
        if (sample.p99Ms != null) p99.push([t, sample.p99Ms]);
        [sample.lateReplies || {}, sample.missingReplies || {}].forEach(byLearner => Object.entries(byLearner)
          .forEach(([learner, n]) => {
            const m = replies.get(learner) || new Map();
            m.set(t, (m.get(t) || 0) + n);
            replies.set(learner, m);
          }));
      });
      const color = COLORS[i++ % COLORS.length];
      latency.push({ label: instance + ' p50', color, points: p50 }, { label: instance + ' p99', color, dash: true, points: p99 });
    });
    const sorted = m => [...m.entries()].sort((a, b) => a[0] - b[0]);
    lineChart('chart-rate', [{ label: 'requests/s', color: COLORS[0], points: sorted(rate) }]);
    lineChart('chart-latency', latency);
    lineChart('chart-replies', [...replies.keys()].sort().map((learner, k) =>
      ({ label: learner, color: COLORS[k % COLORS.length], points: sorted(replies.get(learner)) })),
      rate.size ? 'no late or missing reply in these samples' : 'no samples yet');
  }

  function renderState(broker) {
    const apis = [...instanceSeenAt.entries()].sort().map(([name, at]) => name + ' (answered ' + ago(new Date(at).toISOString()) + ')');
    document.getElementById('edge').textContent = (edge.lb
      ? 'This page reaches the api through load balancer ' + edge.lb + ', which last passed it to ' + (edge.upstream || '?')
      : 'This page talks to an api instance directly (no load balancer in between)') +
      '. api instances seen: ' + (apis.join(', ') || '—') + '.';
    const summary = document.getElementById('broker-summary');
    const body = document.querySelector('#queues tbody');
    if (!broker.reachable) {
      summary.textContent = 'Broker: its management API cannot be asked (' + broker.problem + '); queue depths are unknown.';
      summary.className = 'error';
      summary.setAttribute('data-broker', 'unreachable');
      body.replaceChildren();
      return;
    }
    const names = broker.connections.map(c => c.name);
    summary.className = 'muted';
    summary.setAttribute('data-broker', 'reachable');
    summary.textContent = 'Broker ' + (broker.node || '?') + ' (RabbitMQ ' + (broker.version || '?') + '), vhost ' +
      broker.vhost + ': ' + broker.queues.length + ' queues, ' + names.length + ' connections visible to the api (' +
      (names.join(', ') || '—') + '); asked at ' + broker.at + '.';
    body.replaceChildren(...broker.queues.map(q => row([q.name, q.type || '—', String(q.ready), String(q.unacknowledged),
      String(q.consumers)], { 'data-queue': q.name })));
  }

  // ---- fits in progress, from the learners' reports (GET /fit/jobs/{id} per fit)

  function bar(percent, phase) {
    const outer = el('span', { class: 'progress ' + phase, title: phase + ' ' + percent + '%' });
    const inner = el('span', { style: 'width:' + Math.max(0, Math.min(100, percent)) + '%' });
    outer.appendChild(inner);
    return outer;
  }

  async function renderFits(learners) {
    const ids = [...new Set(learners.flatMap(l => (l.training || [])
      .filter(t => t.phase !== 'failed' && t.percent < 100).map(t => t.modelId)))].slice(0, 4);
    const jobs = await Promise.all(ids.map(id => call('GET', '/fit/jobs/' + encodeURIComponent(id)).catch(() => null)));
    const box = document.getElementById('fit-progress');
    box.replaceChildren(...jobs.filter(Boolean).map(job => {
      const t = el('table', { 'data-fit': job.modelId });
      const head = el('tr');
      head.appendChild(el('th', {}, job.modelId));
      head.appendChild(el('th', {}, job.state + ', ' + job.members.used + ' of ' + job.members.expected + ' shards trained'));
      head.appendChild(wrap(bar(job.percent, job.state)));
      head.appendChild(el('th', {}, job.percent + '%'));
      t.appendChild(head);
      (job.members.list || []).forEach(m => t.appendChild(row([m.learnerId + ' (' + (m.shard || '?') + ')',
        m.phase + (m.alive ? '' : ', not alive'), bar(m.percent, m.phase), m.percent + '%'], { 'data-fit-learner': m.learnerId })));
      return t;
    }));
    document.getElementById('fits-none').hidden = box.children.length > 0;
  }

  // ---- predict from pasted CSV

  async function predictCsv(ev) {
    ev.preventDefault();
    const csv = document.getElementById('predict-csv').value.trim() + '\n';
    const model = document.getElementById('predict-model').value;
    const result = document.getElementById('predict-result');
    const body = document.querySelector('#predictions tbody');
    body.replaceChildren();
    result.className = 'muted';
    result.textContent = 'predicting…';
    const res = await fetch(base + '/predict' + (model ? '?modelId=' + encodeURIComponent(model) : ''), {
      method: 'POST', headers: headers({ 'Content-Type': 'text/csv', 'Accept': 'text/csv' }), body: csv,
      credentials: 'same-origin'
    });
    const text = await res.text();
    if (res.status === 401) { showSignIn(); return; }
    if (!res.ok) {
      let problem = {};
      try { problem = JSON.parse(text); } catch (e) { /* not JSON: shown as the status */ }
      result.className = 'error';
      result.setAttribute('data-status', String(res.status));
      result.textContent = (problem.title || res.status) + ': ' + (problem.detail || res.statusText);
      return;
    }
    const values = text.split('\n').map(s => s.trim()).filter(s => s.length);
    result.setAttribute('data-status', String(res.status));
    result.textContent = values.length + ' prediction' + (values.length === 1 ? '' : 's') + ' by model ' +
      (res.headers.get('X-ML-Model-Id') || '?');
    body.replaceChildren(...values.map((v, k) => row([String(k + 1), fmt(Number(v), 1)], { 'data-prediction': String(k + 1) })));
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
      // an instance without these endpoints (older, during an upgrade) leaves the charts as they were
      const [stats, broker] = await Promise.all([call('GET', '/stats').catch(() => null),
        call('GET', '/broker').catch(e => ({ reachable: false, problem: e.message }))]);
      renderStats(stats);
      renderState(broker);
      await renderFits(learners);
      document.getElementById('updated').textContent = 'updated ' + iso(new Date());
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
  document.getElementById('predict-form').addEventListener('submit', ev => predictCsv(ev).catch(failed));
  document.querySelector('#models tbody').addEventListener('click', ev => {
    const b = ev.target.closest('button[data-action]');
    if (b) act(b.dataset.action, b.dataset.model).catch(failed);
  });

  fetch(session, { headers: headers(), credentials: 'same-origin' })
    .then(res => res.json())
    .then(s => s.signedIn ? showContent(s.keyRequired) : showSignIn())
    .catch(() => showContent(false));
})();
