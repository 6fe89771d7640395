'use strict';
// Berth's dashboard: one page, no libraries, nothing from elsewhere. Every value from the daemon is
// put in the page as text (never as HTML). The session is an HttpOnly cookie; each POST carries the
// session's CSRF token in X-CSRF-Token.
(() => {
  // ---- words -------------------------------------------------------------------------------------
  const WORDS = {
    en: {
      overview: 'Overview', apps: 'Apps', deploys: 'Deployments', backups: 'Backups', checks: 'Checks', alerts: 'Alerts',
      logout: 'Log out', login: 'Log in', user: 'User', password: 'Password', token: 'Or the daemon token',
      loginHint: '`berth dashboard` prints a link that logs you in.', loginFailed: 'Login failed: {0}',
      host: 'Host', cpu: 'CPU', memory: 'Memory', disk: 'Disk', load: 'Load', gpu: 'GPU',
      app: 'App', instances: 'Instances', lastDeploy: 'Last deploy', state: 'State', never: 'never',
      checksOk: '{0} OK, {1} warning, {2} critical', lastBackups: 'Last backup of each source', openAlerts: 'Open alerts', none: 'none',
      instance: 'Instance', pid: 'PID', port: 'Port', uptime: 'Uptime', restarts: 'Restarts', reason: 'Last exit',
      restart: 'Restart', reload: 'Reload', stop: 'Stop', start: 'Start', envKeys: 'Environment keys (values are never shown)',
      confirmRestart: 'Restart {0}: every instance is stopped and started again (behind the front door: a new one first, then the switch).',
      confirmReload: 'Reload {0}: each instance is replaced by a new one that must be ready first; the old one stops after.',
      confirmStop: 'Stop {0}: every instance gets SIGTERM, then SIGKILL after its kill_timeout. It stays stopped until started.',
      confirmStart: 'Start {0}: its instances start from the berth.yml it was registered from.',
      cancel: 'Cancel', ok: 'OK', working: 'Working…', done: 'Done', failed: 'Failed',
      logs: 'Logs', follow: 'Follow', pause: 'Pause', search: 'Search', stdout: 'stdout', stderr: 'stderr (errors)',
      events: 'Restarts and events', charts: 'CPU and memory', range: 'Range',
      release: 'Release', live: 'live now', steps: 'Steps', duration: 'Duration', outcome: 'Outcome', started: 'Started',
      deploy: 'Deploy', rollback: 'Roll back', confirmDeploy: 'Deploy {0}: build the next release, switch to it after the health gate, and roll back by itself if it fails.',
      confirmRollback: 'Roll back {0} to the release before the live one.', stepLog: 'Step log',
      source: 'Source', size: 'Size', checksum: 'SHA-256', drill: 'Drill', offsite: 'Off-site', when: 'When',
      runNow: 'Run now', verify: 'Verify', restore: 'Restore', confirmRun: 'Back up {0} now.', confirmVerify: 'Verify the newest archive of {0} (checksum and a test restore where configured).',
      confirmRestore: 'Restore {0} from archive #{1}: the target\'s current data is replaced. Type the source\'s name to go on:', typeName: 'Name',
      latency: 'Latency', uptime24: 'Uptime 24 h', uptime7: '7 d', uptime30: '30 d', silences: 'Silences', silence: 'Silence',
      target: 'Target', durationShort: 'For', reasonShort: 'Reason', until: 'Until', end: 'End', create: 'Create',
      subject: 'Subject', message: 'Message', delivery: 'Delivery', channels: 'Channels', error: 'Error',
      viewerOnly: 'Your role is viewer: actions need an operator.', refused: 'Refused: {0}', notFound: 'Not found',
      noApps: 'No apps yet: `berth start` in a directory with a berth.yml.', noData: 'no data yet',
      lostSession: 'The session ended: log in again.', offline: 'The daemon does not answer: {0}', ago: '{0} ago',
    },
    'zh-CN': {
      overview: '总览', apps: '应用', deploys: '部署', backups: '备份', checks: '检查', alerts: '告警',
      logout: '退出', login: '登录', user: '用户', password: '密码', token: '或守护进程令牌',
      loginHint: '`berth dashboard` 会打印一个直接登录的链接。', loginFailed: '登录失败：{0}',
      host: '主机', cpu: 'CPU', memory: '内存', disk: '磁盘', load: '负载', gpu: 'GPU',
      app: '应用', instances: '实例', lastDeploy: '最近部署', state: '状态', never: '从未',
      checksOk: '{0} 正常，{1} 警告，{2} 严重', lastBackups: '每个备份源的最近一次备份', openAlerts: '未恢复的告警', none: '无',
      instance: '实例', pid: 'PID', port: '端口', uptime: '运行时长', restarts: '重启次数', reason: '上次退出',
      restart: '重启', reload: '重载', stop: '停止', start: '启动', envKeys: '环境变量名（从不显示值）',
      confirmRestart: '重启 {0}：每个实例都会停止并重新启动（在前门之后：先起新实例，再切换流量）。',
      confirmReload: '重载 {0}：每个实例由一个先就绪的新实例替换，之后旧实例才停止。',
      confirmStop: '停止 {0}：每个实例先收到 SIGTERM，超过 kill_timeout 后收到 SIGKILL。之后保持停止，直到再次启动。',
      confirmStart: '启动 {0}：按注册时的 berth.yml 启动它的实例。',
      cancel: '取消', ok: '确定', working: '进行中…', done: '完成', failed: '失败',
      logs: '日志', follow: '跟随', pause: '暂停', search: '搜索', stdout: '标准输出', stderr: '标准错误',
      events: '重启与事件', charts: 'CPU 与内存', range: '时间范围',
      release: '版本', live: '当前线上', steps: '步骤', duration: '耗时', outcome: '结果', started: '开始',
      deploy: '部署', rollback: '回滚', confirmDeploy: '部署 {0}：构建下一个版本，通过健康检查后切换；失败时自动回滚。',
      confirmRollback: '将 {0} 回滚到当前线上版本的前一个版本。', stepLog: '步骤日志',
      source: '备份源', size: '大小', checksum: 'SHA-256', drill: '演练', offsite: '异地副本', when: '时间',
      runNow: '立即备份', verify: '校验', restore: '恢复', confirmRun: '立即备份 {0}。', confirmVerify: '校验 {0} 最新的归档（校验和，以及配置了的话做一次试恢复）。',
      confirmRestore: '从归档 #{1} 恢复 {0}：目标当前的数据会被替换。输入备份源的名字以继续：', typeName: '名字',
      latency: '延迟', uptime24: '24 小时可用率', uptime7: '7 天', uptime30: '30 天', silences: '静默', silence: '静默',
      target: '对象', durationShort: '时长', reasonShort: '原因', until: '截止', end: '结束', create: '创建',
      subject: '对象', message: '内容', delivery: '投递', channels: '渠道', error: '错误',
      viewerOnly: '你的角色是只读（viewer）：操作需要 operator。', refused: '被拒绝：{0}', notFound: '未找到',
      noApps: '还没有应用：在有 berth.yml 的目录里执行 `berth start`。', noData: '暂无数据',
      lostSession: '会话已结束：请重新登录。', offline: '守护进程没有响应：{0}', ago: '{0}前',
    },
  };
  let lang = localStorage.getItem('berth.lang') || ((navigator.language || '').startsWith('zh') ? 'zh-CN' : 'en');
  if (!WORDS[lang]) lang = 'en';
  const t = (key, ...args) => {
    let s = WORDS[lang][key] ?? WORDS.en[key] ?? key;
    args.forEach((a, i) => { s = s.split('{' + i + '}').join(String(a)); });
    return s;
  };

  // ---- the page's pieces -------------------------------------------------------------------------
  const $ = (id) => document.getElementById(id);
  /** An element; attributes starting with "on" are listeners; children are nodes or text (never HTML). */
  function h(tag, attrs, ...kids) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
      else if (k === 'class') el.className = v;
      else el.setAttribute(k, v === true ? '' : String(v));
    }
    for (const kid of kids.flat(Infinity)) {
      if (kid === null || kid === undefined || kid === false) continue;
      el.append(kid instanceof Node ? kid : document.createTextNode(String(kid)));
    }
    return el;
  }
  const SVG = 'http://www.w3.org/2000/svg';
  function s(tag, attrs, ...kids) {
    const el = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, String(v));
    for (const kid of kids) el.append(kid instanceof Node ? kid : document.createTextNode(String(kid)));
    return el;
  }
  const state = (v) => h('span', { class: 'state ' + String(v || '') }, v ?? '-');
  const bytes = (n) => {
    if (n === null || n === undefined) return '-';
    const u = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    let i = 0; let x = Number(n);
    while (x >= 1024 && i < u.length - 1) { x /= 1024; i++; }
    return (i === 0 ? x : x.toFixed(x < 10 ? 1 : 0)) + ' ' + u[i];
  };
  const dur = (ms) => {
    if (ms === null || ms === undefined) return '-';
    const sec = Math.round(ms / 1000);
    if (sec < 60) return sec + 's';
    if (sec < 3600) return Math.floor(sec / 60) + 'm' + String(sec % 60).padStart(2, '0') + 's';
    if (sec < 86400) return Math.floor(sec / 3600) + 'h' + String(Math.floor(sec % 3600 / 60)).padStart(2, '0') + 'm';
    return Math.floor(sec / 86400) + 'd' + Math.floor(sec % 86400 / 3600) + 'h';
  };
  const time = (v) => {
    if (v === null || v === undefined) return '-';
    const d = new Date(typeof v === 'number' ? v : Date.parse(v));
    return isNaN(d) ? String(v) : d.toLocaleString(lang);
  };
  const pct = (v) => (v === null || v === undefined ? '-' : Number(v).toFixed(1) + '%');

  // ---- talking to the daemon ---------------------------------------------------------------------
  let session = null; // {user, role, csrf}
  async function api(method, path, body) {
    const opts = { method, credentials: 'same-origin', headers: { Accept: 'application/json' } };
    if (method !== 'GET') {
      opts.headers['Content-Type'] = 'application/json';
      opts.headers['X-CSRF-Token'] = session ? session.csrf : '';
      opts.body = JSON.stringify(body || {});
    }
    let r;
    try {
      r = await fetch(path, opts);
    } catch (e) {
      banner(t('offline', e.message));
      throw e;
    }
    banner(null);
    let data = null;
    try { data = await r.json(); } catch (e) { /* not JSON */ }
    if (r.status === 401 && !path.startsWith('/api/v1/session')) {
      session = null;
      showLogin(t('lostSession'));
    }
    if (!r.ok) {
      const err = new Error((data && data.message) || r.statusText);
      err.status = r.status; err.code = data && data.code;
      throw err;
    }
    return data;
  }
  const get = (p) => api('GET', p);
  const post = (p, b) => api('POST', p, b);
  const enc = encodeURIComponent;
  const operator = () => session && session.role === 'operator';

  function banner(text, info) {
    const b = $('banner');
    if (!text) { b.hidden = true; return; }
    b.hidden = false; b.textContent = text; b.className = info ? 'info' : '';
  }

  /** A confirmation naming what happens; with typed, the user must type that word. */
  function confirm(text, typed) {
    return new Promise((resolve) => {
      const d = $('confirm');
      $('confirm-text').textContent = text;
      $('confirm-cancel').textContent = t('cancel');
      $('confirm-ok').textContent = t('ok');
      const input = $('confirm-input');
      $('confirm-typed').hidden = !typed;
      $('confirm-typed-label').textContent = t('typeName');
      input.value = '';
      $('confirm-ok').disabled = !!typed;
      input.oninput = () => { $('confirm-ok').disabled = typed ? input.value !== typed : false; };
      d.onclose = () => resolve(d.returnValue === 'ok' && (!typed || input.value === typed));
      d.returnValue = '';
      d.showModal();
      (typed ? input : $('confirm-ok')).focus();
    });
  }

  /** Runs an action after its confirmation, showing progress and then its outcome in box. */
  async function act(box, text, fn, typed) {
    if (!operator()) { box.replaceChildren(h('div', { class: 'outcome bad' }, t('viewerOnly'))); return; }
    if (!(await confirm(text, typed))) return;
    box.replaceChildren(h('div', { class: 'outcome' }, t('working')));
    try {
      const res = await fn();
      box.replaceChildren(h('div', { class: 'outcome ' + (res && res.ok === false ? 'bad' : 'good') }, describe(res)));
    } catch (e) {
      box.replaceChildren(h('div', { class: 'outcome bad' }, t('refused', e.message)));
    }
    refreshNow();
  }
  function describe(res) {
    if (!res) return t('done');
    if (Array.isArray(res.results)) return res.results.map((x) => (x.ok ? '✓ ' : '✗ ') + (x.app || x.name || '') + ': ' + (x.message || x.state || x.error || '')).join('\n');
    if (res.message) return res.message;
    if (res.id !== undefined) return t('done') + ' #' + res.id;
    return t('done');
  }

  // ---- charts ------------------------------------------------------------------------------------
  /** points: [[t, avg, max], ...] */
  function sparkline(points, fixedMax, floor) {
    const svg = s('svg', { class: 'spark', viewBox: '0 0 110 26', preserveAspectRatio: 'none' });
    if (!points || points.length < 2) return svg;
    const t0 = points[0][0]; const t1 = points[points.length - 1][0];
    const max = fixedMax || Math.max(...points.map((p) => p[1]), floor || 1e-9);
    const xy = points.map((p) => [((p[0] - t0) / Math.max(t1 - t0, 1)) * 110, 25 - (Math.min(p[1], max) / max) * 24]);
    svg.append(s('path', { class: 'line', d: 'M' + xy.map((p) => p[0].toFixed(1) + ',' + p[1].toFixed(1)).join('L') }));
    return svg;
  }
  function chart(series, unit, fmt, floor) {
    const W = 600; const H = 180; const L = 48; const B = 18;
    const svg = s('svg', { class: 'chart', viewBox: `0 0 ${W} ${H}`, preserveAspectRatio: 'none' });
    const all = series.flatMap((x) => x.points);
    if (all.length < 2) { svg.append(s('text', { x: W / 2 - 30, y: H / 2 }, t('noData'))); return svg; }
    const t0 = Math.min(...all.map((p) => p[0])); const t1 = Math.max(...all.map((p) => p[0]));
    const max = Math.max(Math.max(...all.map((p) => (p[2] ?? p[1]))) * 1.1, floor || 1e-9);
    const X = (v) => L + ((v - t0) / Math.max(t1 - t0, 1)) * (W - L - 4);
    const Y = (v) => H - B - (v / max) * (H - B - 6);
    svg.append(s('line', { class: 'axis', x1: L, y1: H - B, x2: W, y2: H - B }));
    svg.append(s('text', { x: 2, y: 12 }, fmt(max)));
    svg.append(s('text', { x: 2, y: H - B }, fmt(0)));
    svg.append(s('text', { x: L, y: H - 4 }, new Date(t0).toLocaleTimeString(lang, { hour: '2-digit', minute: '2-digit' })));
    svg.append(s('text', { x: W - 40, y: H - 4 }, new Date(t1).toLocaleTimeString(lang, { hour: '2-digit', minute: '2-digit' })));
    series.forEach((x, i) => {
      if (x.points.length < 2) return;
      const d = 'M' + x.points.map((p) => X(p[0]).toFixed(1) + ',' + Y(p[1]).toFixed(1)).join('L');
      svg.append(s('path', { class: i === 0 ? 'line' : 'line2', d }));
    });
    svg.append(s('title', {}, unit));
    return svg;
  }
  /** {name: points} for every series under prefix (whole segments: app/web, host, check/NAME) over the range ("-1h", "-24h", "-7d"). */
  async function series(prefix, from, points) {
    try {
      const r = await get('/api/v1/series?prefix=' + enc(prefix) + '&from=' + enc(from || '-1h') + (points ? '&points=' + points : ''));
      const out = {};
      for (const x of r.series || []) out[x.name] = x.points || [];
      return out;
    } catch (e) {
      return {};
    }
  }

  // ---- views -------------------------------------------------------------------------------------
  const views = {};

  views.overview = () => {
    const root = h('div', {}, h('h1', {}, t('overview')));
    const tiles = h('div', { class: 'tiles' });
    const appsBox = h('div', { class: 'panel scroll' });
    const side = h('div', { class: 'grid2' });
    root.append(tiles, appsBox, side);
    return {
      el: root,
      async refresh() {
        const [apps, checks, deploys, backups, alerts, host] = await Promise.all([
          get('/api/v1/apps'), get('/api/v1/checks'), get('/api/v1/deployments?limit=100'), get('/api/v1/backups'),
          get('/api/v1/alerts?limit=200'), series('host', '-1h', 60)]);
        const byName = Object.fromEntries(checks.checks.map((c) => [c.name, c]));
        const tile = (label, check, key, fmt) => {
          const c = byName[check];
          const pts = host[key] || [];
          return h('div', { class: 'tile', 'data-tile': check },
            h('div', { class: 'k' }, label, ' ', c ? state(c.state) : ''),
            h('div', { class: 'v' }, c && c.value !== null ? fmt(c.value) : '-'),
            sparkline(pts, key === 'host/load1' ? null : 100));
        };
        const t2 = [tile(t('cpu'), 'host:cpu', 'host/cpu', pct), tile(t('memory'), 'host:memory', 'host/mem', pct),
          tile(t('disk'), 'host:disk', 'host/disk', pct), tile(t('load'), 'host:load', 'host/load1', (v) => Number(v).toFixed(2))];
        if (byName['host:gpu']) t2.push(tile(t('gpu'), 'host:gpu', 'host/gpu', pct));
        const counts = { OK: 0, WARNING: 0, CRITICAL: 0 };
        checks.checks.forEach((c) => { counts[c.state] = (counts[c.state] || 0) + 1; });
        t2.push(h('div', { class: 'tile' }, h('div', { class: 'k' }, t('checks'), ' ', state(checks.health)),
          h('div', { class: 'v small' }, h('a', { href: '#/checks' }, t('checksOk', counts.OK, counts.WARNING, counts.CRITICAL)))));
        tiles.replaceChildren(...t2);

        const lastDeploy = {};
        for (const d of deploys.deployments) if (!lastDeploy[d.app]) lastDeploy[d.app] = d;
        // one call for every app's sparklines: app/NAME/INDEX/cpu|rss
        const every = await series('app', '-1h', 60);
        const appSeries = apps.apps.map((a) => Object.fromEntries(Object.entries(every).filter(([k]) => k.startsWith('app/' + a.name + '/'))));
        if (apps.apps.length === 0) {
          appsBox.replaceChildren(h('p', { class: 'muted' }, t('noApps')));
        } else {
          appsBox.replaceChildren(h('table', {},
            h('thead', {}, h('tr', {}, h('th', {}, t('app')), h('th', {}, t('instances')), h('th', {}, t('cpu')), h('th', {}, t('memory')),
              h('th', { class: 'hide-phone' }, t('lastDeploy')))),
            h('tbody', {}, apps.apps.map((a, i) => {
              const sr = appSeries[i];
              const cpu = sumSeries(sr, '/cpu'); const mem = sumSeries(sr, '/rss');
              const d = lastDeploy[a.name];
              return h('tr', { class: 'click', 'data-app': a.name, onclick: () => { location.hash = '#/app/' + enc(a.name); } },
                h('td', {}, h('a', { href: '#/app/' + enc(a.name) }, a.name)),
                h('td', {}, a.instances.map((x) => h('span', { class: 'dot ' + x.state, title: x.index + ': ' + x.state })), ' ',
                  a.instances.filter((x) => x.state === 'running').length + '/' + a.instances.length),
                h('td', {}, sparkline(cpu, null, 5), ' ', pct(a.instances.reduce((n, x) => n + (x.cpu_percent || 0), 0))),
                h('td', {}, sparkline(mem), ' ', bytes(a.instances.reduce((n, x) => n + (x.memory_bytes || 0), 0))),
                h('td', { class: 'hide-phone' }, d ? [state(d.state), ' ', d.release || '', ' ', time(d.started_at_ms)] : t('never')));
            }))));
        }
        const newest = {};
        for (const b of backups.backups) if (!b.safety && (!newest[b.name] || b.started_at_ms > newest[b.name].started_at_ms)) newest[b.name] = b;
        const open = openAlerts(alerts.alerts);
        side.replaceChildren(
          h('div', { class: 'panel scroll' }, h('h2', {}, t('lastBackups')), Object.keys(newest).length === 0 ? h('p', { class: 'muted' }, t('none'))
            : h('table', {}, h('tbody', {}, Object.values(newest).map((b) => h('tr', {}, h('td', {}, b.name), h('td', {}, state(b.state)),
              h('td', {}, time(b.started_at_ms)), h('td', {}, bytes(b.bytes))))))),
          h('div', { class: 'panel scroll' }, h('h2', {}, t('openAlerts')), open.length === 0 ? h('p', { class: 'muted' }, t('none'))
            : h('table', {}, h('tbody', {}, open.map((a) => h('tr', {}, h('td', {}, state(a.state)), h('td', {}, a.subject),
              h('td', { class: 'wrap' }, a.message), h('td', {}, time(a.at))))))));
      },
    };
  };
  function sumSeries(map, suffix) {
    const sums = new Map();
    for (const [name, pts] of Object.entries(map)) {
      if (!name.endsWith(suffix)) continue;
      for (const p of pts) sums.set(p[0], (sums.get(p[0]) || 0) + p[1]);
    }
    return [...sums.entries()].sort((a, b) => a[0] - b[0]).map(([k, v]) => [k, v, v]);
  }
  function openAlerts(list) {
    const last = {};
    for (const a of list) if (!last[a.subject] || Date.parse(a.at) > Date.parse(last[a.subject].at)) last[a.subject] = a;
    return Object.values(last).filter((a) => a.state === 'WARNING' || a.state === 'CRITICAL');
  }

  views.app = (name) => {
    const root = h('div', {});
    const head = h('div', {});
    const outcome = h('div', {});
    const table = h('div', { class: 'panel scroll' });
    const ranges = h('div', { class: 'actions ranges' });
    const charts = h('div', { class: 'grid2' });
    const events = h('div', { class: 'panel scroll' });
    const env = h('div', { class: 'panel' });
    let range = '-1h';
    const actions = h('div', { class: 'actions' }, ['restart', 'reload', 'stop', 'start'].map((verb) => h('button', {
      'data-action': verb, class: verb === 'stop' ? 'danger' : '', disabled: !operator(),
      title: operator() ? null : t('viewerOnly'),
      onclick: () => act(outcome, t('confirm' + verb[0].toUpperCase() + verb.slice(1), name), () => post('/api/v1/' + verb, { apps: [name] })),
    }, t(verb))));
    for (const r of ['-1h', '-24h', '-7d']) {
      ranges.append(h('button', { class: r === range ? 'on' : '', onclick: (e) => {
        range = r; [...ranges.children].forEach((b) => b.classList.remove('on')); e.target.classList.add('on'); drawCharts();
      } }, r.slice(1)));
    }
    const logs = logPanel(name);
    root.append(head, actions, outcome, table, h('h2', {}, t('charts')), ranges, charts, logs.el, h('h2', {}, t('events')), events, env);
    let hadData = false;
    async function drawCharts() {
      const sr = await series('app/' + name, range, 360); // 1 h at the 10 s points' own step
      hadData = Object.values(sr).some((p) => p.length >= 2);
      const cpu = Object.entries(sr).filter(([k]) => k.endsWith('/cpu')).map(([k, points]) => ({ name: k, points }));
      const mem = Object.entries(sr).filter(([k]) => k.endsWith('/rss')).map(([k, points]) => ({ name: k, points }));
      charts.replaceChildren(h('div', { class: 'panel' }, h('div', { class: 'muted' }, t('cpu') + ' %'), chart(cpu, '%', (v) => v.toFixed(0) + '%', 5)),
        h('div', { class: 'panel' }, h('div', { class: 'muted' }, t('memory')), chart(mem, 'bytes', bytes)));
    }
    let drawn = 0;
    return {
      el: root,
      stop: () => logs.stop(),
      async refresh() {
        const [a, ev] = await Promise.all([get('/api/v1/apps/' + enc(name)), get('/api/v1/events/' + enc(name) + '?limit=50')]);
        head.replaceChildren(h('h1', {}, a.name, ' ', state(a.desired)), h('div', { class: 'muted' }, a.command, ' — ', a.cwd));
        table.replaceChildren(h('table', {}, h('thead', {}, h('tr', {}, [t('instance'), t('state'), t('pid'), t('port'), t('uptime'), t('restarts'), t('cpu'), t('memory'), t('reason')].map((x) => h('th', {}, x)))),
          h('tbody', {}, a.instances.map((i) => h('tr', { 'data-instance': i.index }, h('td', {}, i.index), h('td', {}, state(i.state)), h('td', { 'data-pid': i.pid }, i.pid ?? '-'),
            h('td', {}, i.port ?? '-'), h('td', {}, dur(i.uptime_ms)), h('td', {}, i.restarts), h('td', {}, pct(i.cpu_percent)), h('td', {}, bytes(i.memory_bytes)),
            h('td', { class: 'wrap' }, i.reason || (i.last_exit_code !== null ? 'exit ' + i.last_exit_code : '')))))));
        events.replaceChildren(ev.events.length === 0 ? h('p', { class: 'muted' }, t('none')) : h('table', {}, h('tbody', {}, ev.events.slice(0, 50).map((e) =>
          h('tr', {}, h('td', {}, time(e.at_ms)), h('td', {}, e.instance ?? ''), h('td', {}, e.kind), h('td', { class: 'wrap' }, e.message))))));
        env.replaceChildren(h('div', { class: 'muted' }, t('envKeys')), h('div', {}, (a.env_keys || []).join('  ') || t('none')));
        if (Date.now() - drawn > 30000 || !hadData) { drawn = Date.now(); drawCharts(); }
        logs.instances(a.instances.map((i) => i.index));
      },
    };
  };

  /** Live logs of an app's instance: follow or pause, a search that marks what it finds, out and err. */
  function logPanel(app) {
    const pre = h('pre', { class: 'log', 'data-log': app });
    const inst = h('select', {}); const stream = h('select', {}, h('option', { value: 'out' }, t('stdout')), h('option', { value: 'err' }, t('stderr')));
    const q = h('input', { type: 'search', placeholder: t('search') });
    const toggle = h('button', {}, t('pause'));
    let following = true; let after = null; let timer = null; let lines = [];
    toggle.onclick = () => { following = !following; toggle.textContent = following ? t('pause') : t('follow'); if (following) poll(); };
    const reset = () => { after = null; lines = []; pre.replaceChildren(); poll(); };
    inst.onchange = reset; stream.onchange = reset; q.oninput = () => paint();
    function paint() {
      const needle = q.value.toLowerCase();
      const shown = needle ? lines.filter((l) => l.toLowerCase().includes(needle)) : lines;
      pre.replaceChildren(...shown.map((l) => {
        if (!needle) return l + '\n';
        const i = l.toLowerCase().indexOf(needle);
        return h('span', {}, l.slice(0, i), h('mark', {}, l.slice(i, i + needle.length)), l.slice(i + needle.length) + '\n');
      }));
      if (following) pre.scrollTop = pre.scrollHeight;
    }
    async function poll() {
      clearTimeout(timer);
      if (inst.value === '') { timer = setTimeout(poll, 1000); return; }
      try {
        const r = await get('/api/v1/apps/' + enc(app) + '/logs?instance=' + enc(inst.value) + '&stream=' + stream.value + (after === null ? '&tail=200' : '&after=' + after));
        after = r.next;
        if (r.lines.length) { lines = lines.concat(r.lines).slice(-2000); paint(); }
      } catch (e) { /* shown by the banner */ }
      if (following) timer = setTimeout(poll, 1000);
    }
    const el = h('div', {}, h('h2', {}, t('logs')), h('div', { class: 'actions' }, inst, stream, toggle, q), pre);
    return {
      el,
      stop: () => clearTimeout(timer),
      instances(list) {
        const have = [...inst.options].map((o) => o.value).join();
        if (have === list.join()) return;
        inst.replaceChildren(...list.map((i) => h('option', { value: i }, t('instance') + ' ' + i)));
        reset();
      },
    };
  }

  views.deploys = () => {
    const root = h('div', {}, h('h1', {}, t('deploys')));
    const box = h('div', {});
    root.append(box);
    return {
      el: root,
      async refresh() {
        const [apps, list] = await Promise.all([get('/api/v1/apps'), get('/api/v1/deployments?limit=100')]);
        const byApp = {};
        for (const d of list.deployments) (byApp[d.app] = byApp[d.app] || []).push(d);
        const names = [...new Set([...apps.apps.map((a) => a.name), ...Object.keys(byApp)])];
        const releases = await Promise.all(names.map((n) => get('/api/v1/apps/' + enc(n) + '/releases').catch(() => ({ releases: [] }))));
        box.replaceChildren(...names.map((n, i) => {
          const out = h('div', {});
          const live = (releases[i].releases || []).find((r) => r.live || r.current);
          const ds = byApp[n] || [];
          return h('div', { class: 'panel scroll', 'data-app': n },
            h('h2', {}, n, ' ', live ? h('span', { class: 'muted' }, t('live'), ': ', live.name || live.release || live.id) : ''),
            h('div', { class: 'actions' },
              h('button', { disabled: !operator(), onclick: () => act(out, t('confirmDeploy', n), () => post('/api/v1/deploy', { app: n }).then(follow)) }, t('deploy')),
              h('button', { disabled: !operator(), onclick: () => act(out, t('confirmRollback', n), () => post('/api/v1/rollback', { app: n }).then(follow)) }, t('rollback'))),
            out,
            ds.length === 0 ? h('p', { class: 'muted' }, t('none')) : h('table', {}, h('tbody', {}, ds.map((d) => h('tr', { class: 'click', 'data-deployment': d.id, onclick: () => { location.hash = '#/deploy/' + d.id; } },
              h('td', {}, '#' + d.id), h('td', {}, d.kind), h('td', {}, state(d.state)), h('td', {}, d.release || ''), h('td', {}, time(d.started_at_ms)),
              h('td', {}, dur(d.duration_ms)), h('td', { class: 'wrap' }, d.message || ''))))));
        }));
      },
    };
  };
  async function follow(res) {
    if (res && res.id !== undefined) location.hash = '#/deploy/' + res.id;
    return res;
  }

  views.deploy = (id) => {
    const root = h('div', {});
    const logBox = h('div', {});
    let shownLog = null;
    let running = true;
    return {
      el: root,
      fast: () => running,
      async refresh() {
        const d = await get('/api/v1/deployments/' + enc(id));
        running = d.state === 'running';
        root.replaceChildren(h('h1', {}, '#' + d.id, ' ', d.app, ' ', state(d.state)),
          h('div', { class: 'muted' }, d.kind, ' ', d.release || '', d.previous_release ? ' ← ' + d.previous_release : '', ' — ', time(d.started_at_ms), ' — ', d.who || ''),
          d.message ? h('div', { class: 'outcome ' + (d.state === 'succeeded' ? 'good' : d.state === 'failed' || d.state === 'rolled_back' ? 'bad' : '') }, d.message) : '',
          h('div', { class: 'panel scroll' }, h('table', {}, h('thead', {}, h('tr', {}, [t('steps'), t('state'), t('duration'), ''].map((x) => h('th', {}, x)))),
            h('tbody', {}, (d.steps || []).map((st) => h('tr', { 'data-step': st.seq }, h('td', {}, st.name), h('td', {}, state(st.state)), h('td', {}, dur(st.duration_ms)),
              h('td', {}, st.log ? h('button', { class: 'link', onclick: () => { shownLog = st.seq; showLog(); } }, t('stepLog')) : '')))))),
          logBox);
        if (shownLog !== null && d.state === 'running') showLog();
      },
    };
    async function showLog() {
      try {
        const r = await get('/api/v1/deployments/' + enc(id) + '/steps/' + enc(shownLog) + '/log');
        logBox.replaceChildren(h('h2', {}, t('stepLog')), h('pre', { class: 'log', 'data-step-log': shownLog }, r.text));
      } catch (e) { logBox.replaceChildren(h('div', { class: 'outcome bad' }, e.message)); }
    }
  };

  views.backups = () => {
    const root = h('div', {}, h('h1', {}, t('backups')));
    const out = h('div', {});
    const box = h('div', { class: 'panel scroll' });
    root.append(out, box);
    return {
      el: root,
      async refresh() {
        const [r, src] = await Promise.all([get('/api/v1/backups'), get('/api/v1/backups/sources')]);
        const config = Object.fromEntries(src.sources.map((x) => [x.name, x.config]));
        const names = [...new Set([...src.sources.map((x) => x.name), ...r.backups.map((b) => b.name)])];
        const rows = [];
        for (const n of names) {
          const c = config[n]; // a source no berth.yml declares any more: its archives only
          rows.push(h('tr', { 'data-source': n }, h('th', { colspan: 3 }, n), h('th', { colspan: 5 }, c ? h('span', { class: 'actions' },
            h('button', { disabled: !operator(), 'data-action': 'run', onclick: () => act(out, t('confirmRun', n), () => post('/api/v1/backups/run', { config: c, names: [n] })) }, t('runNow')),
            h('button', { disabled: !operator(), onclick: () => act(out, t('confirmVerify', n), () => post('/api/v1/backups/verify', { config: c, target: n })) }, t('verify'))) : '')));
          for (const b of r.backups.filter((x) => x.name === n)) {
            rows.push(h('tr', { 'data-backup': b.id }, h('td', {}, '#' + b.id), h('td', {}, state(b.state)), h('td', {}, time(b.started_at_ms)), h('td', {}, bytes(b.bytes)),
              h('td', { class: 'hide-phone', title: b.sha256 || '' }, (b.sha256 || '').slice(0, 12)), h('td', {}, b.drill), h('td', {}, b.offsite),
              h('td', {}, b.state === 'succeeded' && config[n] ? h('button', { class: 'danger', disabled: !operator(), 'data-action': 'restore',
                onclick: () => act(out, t('confirmRestore', n, b.id), () => post('/api/v1/backups/restore', { config: config[n], id: String(b.id), confirmed: true }), n) }, t('restore')) : '')));
          }
        }
        box.replaceChildren(names.length === 0 ? h('p', { class: 'muted' }, t('none')) : h('table', {},
          h('thead', {}, h('tr', {}, ['#', t('state'), t('when'), t('size'), t('checksum'), t('drill'), t('offsite'), ''].map((x, i) => h('th', { class: i === 4 ? 'hide-phone' : '' }, x)))),
          h('tbody', {}, rows)));
      },
    };
  };

  views.checks = () => {
    const root = h('div', {}, h('h1', {}, t('checks')));
    const box = h('div', { class: 'panel scroll' });
    const chartBox = h('div', {});
    const sil = h('div', { class: 'panel' });
    const out = h('div', {});
    let open = null;
    root.append(box, chartBox, h('h2', {}, t('silences')), out, sil);
    const target = h('input', { placeholder: 'app:web, host:cpu, …', 'data-field': 'target' });
    const duration = h('input', { value: '1h', size: 5, 'data-field': 'duration' });
    const reason = h('input', { placeholder: t('reasonShort'), 'data-field': 'reason' });
    return {
      el: root,
      async refresh() {
        const [r, s] = await Promise.all([get('/api/v1/checks'), get('/api/v1/silences')]);
        const uptimes = await Promise.all(r.checks.map((c) => get('/api/v1/checks/' + enc(c.name) + '/uptime').catch(() => null)));
        box.replaceChildren(h('table', {}, h('thead', {}, h('tr', {}, [t('checks'), t('state'), t('latency'), t('uptime24'), t('uptime7'), t('uptime30'), t('message')].map((x) => h('th', {}, x)))),
          h('tbody', {}, r.checks.map((c, i) => h('tr', { class: 'click', 'data-check': c.name, onclick: () => { open = c.name; drawLatency(); } },
            h('td', {}, c.name), h('td', {}, state(c.state)), h('td', {}, c.latency_ms === null ? '-' : c.latency_ms + ' ms'),
            h('td', {}, uptimeBars(uptimes[i] && uptimes[i].hours, 24), ' ', pct(c.uptime_percent['24h'])),
            h('td', {}, pct(c.uptime_percent['7d'])), h('td', {}, uptimeBars(uptimes[i] && uptimes[i].days, 30), ' ', pct(c.uptime_percent['30d'])),
            h('td', { class: 'wrap' }, c.message))))));
        sil.replaceChildren(
          s.silences.length === 0 ? h('p', { class: 'muted' }, t('none')) : h('table', {}, h('tbody', {}, s.silences.map((x) => h('tr', {}, h('td', {}, x.target), h('td', {}, t('until'), ' ', time(x.until)),
            h('td', { class: 'wrap' }, x.reason || ''), h('td', {}, h('button', { disabled: !operator(), onclick: () => act(out, t('end') + ' ' + t('silence') + ': ' + x.target, () => post('/api/v1/silences/end', { target: x.target })) }, t('end'))))))),
          h('div', { class: 'actions' }, target, duration, reason, h('button', { disabled: !operator(), 'data-action': 'silence',
            onclick: () => act(out, t('silence') + ': ' + target.value + ' ' + duration.value, () => post('/api/v1/silences', { target: target.value, duration: duration.value, reason: reason.value })) }, t('create'))));
        if (open) drawLatency();
      },
    };
    async function drawLatency() {
      const sr = await series('check/' + open, '-24h', 300);
      chartBox.replaceChildren(h('div', { class: 'panel' }, h('div', { class: 'muted' }, open, ' — ', t('latency')),
        chart(Object.entries(sr).map(([name, points]) => ({ name, points })), 'ms', (v) => v.toFixed(0) + ' ms', 10)));
    }
  };
  /** One bar per hour or day: green all OK, amber some failed, red mostly failed, grey no data. */
  function uptimeBars(buckets, n) {
    const el = h('span', { class: 'bars inline' });
    el.style.width = (n * 4) + 'px'; // CSSOM, not a style attribute: the page's CSP allows no inline style
    const list = (buckets || []).slice(-n);
    for (let i = list.length; i < n; i++) el.append(h('span', {}));
    for (const b of list) {
      const ratio = b.total ? b.ok / b.total : null;
      el.append(h('span', { class: ratio === null ? '' : ratio === 1 ? 'ok' : ratio >= 0.9 ? 'some' : 'bad', title: time(b.at) + ': ' + (ratio === null ? '-' : (ratio * 100).toFixed(2) + '%') }));
    }
    return el;
  }

  views.alerts = () => {
    const root = h('div', {}, h('h1', {}, t('alerts')));
    const box = h('div', { class: 'panel scroll' });
    root.append(box);
    return {
      el: root,
      async refresh() {
        const r = await get('/api/v1/alerts?limit=200');
        box.replaceChildren(r.alerts.length === 0 ? h('p', { class: 'muted' }, t('none')) : h('table', {},
          h('thead', {}, h('tr', {}, [t('when'), t('subject'), t('state'), t('message'), t('delivery'), t('channels'), t('error')].map((x) => h('th', {}, x)))),
          h('tbody', {}, r.alerts.map((a) => h('tr', {}, h('td', {}, time(a.at)), h('td', {}, a.subject), h('td', {}, state(a.state)), h('td', { class: 'wrap' }, a.message),
            h('td', {}, state(a.delivery)), h('td', {}, (a.channels || []).join(', ')), h('td', { class: 'wrap error' }, a.error || ''))))));
      },
    };
  };

  // ---- login, navigation, refresh ----------------------------------------------------------------
  function showLogin(message) {
    stopView();
    paintChrome();
    const user = h('input', { id: 'login-user', autocomplete: 'username' });
    const pass = h('input', { id: 'login-password', type: 'password', autocomplete: 'current-password' });
    const token = h('input', { id: 'login-token', type: 'password', autocomplete: 'off' });
    const err = h('p', { class: 'error', id: 'login-error' }, message || '');
    const form = h('form', { class: 'panel login', onsubmit: async (e) => {
      e.preventDefault();
      try {
        session = await api('POST', '/api/v1/session', token.value ? { token: token.value } : { user: user.value, password: pass.value });
        route();
      } catch (x) {
        err.textContent = t('loginFailed', x.message);
      }
    } }, h('h1', {}, t('login')), h('label', { for: 'login-user' }, t('user')), user, h('label', { for: 'login-password' }, t('password')), pass,
    h('label', { for: 'login-token' }, t('token')), token, h('p', {}, h('button', { class: 'primary', type: 'submit', id: 'login-submit' }, t('login'))),
    h('p', { class: 'muted' }, t('loginHint')), err);
    $('view').replaceChildren(form);
    user.focus();
  }

  const NAV = [['overview', '#/'], ['deploys', '#/deploys'], ['backups', '#/backups'], ['checks', '#/checks'], ['alerts', '#/alerts']];
  function paintChrome(on) {
    document.documentElement.lang = lang;
    $('lang').value = lang;
    $('nav').replaceChildren(...(session ? NAV.map(([k, href]) => h('a', { href, class: k === on ? 'on' : '', 'data-nav': k }, t(k))) : []));
    $('who').textContent = session ? session.user + ' (' + session.role + ')' : '';
    $('logout').hidden = !session;
    $('logout').textContent = t('logout');
  }

  let current = null; let timer = null;
  function stopView() {
    clearInterval(timer);
    if (current && current.stop) current.stop();
    current = null;
  }
  async function refreshNow() {
    if (!current) return;
    try {
      await current.refresh();
      // for bench/dashboard: when a view first shows its data
      if (!current.shown) { current.shown = true; performance.mark('berth:shown'); }
    } catch (e) {
      if (e.status === 404) $('view').replaceChildren(h('p', {}, t('notFound'), ': ', e.message));
      else if (!e.status) console.error('berth: a view failed to draw:', e); // a fault of the page, not an answer of the daemon
    }
  }
  function route() {
    if (!session) return showLogin();
    stopView();
    const path = location.hash.replace(/^#/, '') || '/';
    const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
    let name = 'overview'; let view;
    if (parts[0] === 'app' && parts[1]) { name = 'apps'; view = views.app(parts[1]); }
    else if (parts[0] === 'deploy' && parts[1]) { name = 'deploys'; view = views.deploy(parts[1]); }
    else if (views[parts[0]]) { name = parts[0]; view = views[parts[0]](); }
    else view = views.overview();
    paintChrome(name);
    current = view;
    $('view').replaceChildren(view.el);
    document.title = 'Berth — ' + t(name);
    refreshNow();
    // every 5 s, and every second while the view follows something running (a deployment)
    let tick = 0;
    timer = setInterval(() => { tick++; if (!document.hidden && (tick % 5 === 0 || (current && current.fast && current.fast()))) refreshNow(); }, 1000);
  }

  $('lang').addEventListener('change', (e) => {
    lang = e.target.value;
    localStorage.setItem('berth.lang', lang);
    if (session) route(); else showLogin();
  });
  $('logout').addEventListener('click', async () => {
    try { await post('/api/v1/session/logout', {}); } catch (e) { /* ended anyway */ }
    session = null;
    showLogin();
  });
  window.addEventListener('hashchange', () => { if (session) route(); });

  async function boot() {
    paintChrome();
    // `berth dashboard` hands out #token=…: exchanged for a session at once and dropped from the address bar
    const m = location.hash.match(/[#&]token=([^&]+)/);
    let problem = null;
    if (m) {
      history.replaceState(null, '', location.pathname + location.search + '#/');
      try { session = await api('POST', '/api/v1/session', { token: decodeURIComponent(m[1]) }); } catch (e) { problem = t('loginFailed', e.message); }
    }
    if (!session) {
      try { session = await get('/api/v1/session'); } catch (e) { /* not logged in */ }
    }
    if (session) route(); else showLogin(problem);
  }
  boot();
})();
