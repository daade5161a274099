// Operator dashboard: plain DOM, Leaflet (global L) and the graphql-ws browser client (global graphqlWs).

const TOKEN_KEY = 'bst.token';
const COMPLIANCE_WINDOW_MS = 24 * 60 * 60 * 1000;
const REFRESH_MS = 60_000;

const LIVE_FIELDS = 'temperatureC humidityPct location { lat lng } status at stale';
const ALERT_FIELDS = 'id kind severity state container { code } startedAt endedAt acknowledgedAt message';

const CONTAINERS_QUERY = `query DashboardContainers {
  containers(first: 500) {
    totalCount
    edges { node {
      id code kind label status
      site { code name location { lat lng } }
      storageProfile { name minTempC maxTempC }
      live { ${LIVE_FIELDS} }
    } }
  }
}`;
const COMPLIANCE_QUERY = `query DashboardCompliance($since: DateTime) {
  containers(first: 500) {
    edges { node { code compliance(since: $since) { readings inRangePct timeInRangePct excursionMinutes mktC } } }
  }
}`;
const ALERTS_QUERY = `query DashboardAlerts { alerts(first: 100) { ${ALERT_FIELDS} } }`;
const INGEST_QUERY = 'query DashboardIngest { ingestStats { accepted duplicates rejected late unregistered } }';
const ACKNOWLEDGE_MUTATION = `mutation Acknowledge($id: ID!, $note: String) { acknowledgeAlert(id: $id, note: $note) { ${ALERT_FIELDS} } }`;
const LIVE_SUBSCRIPTION = `subscription DashboardLive($containerCodes: [String!]!) {
  liveState(containerCodes: $containerCodes) { containerCode live { ${LIVE_FIELDS} } }
}`;
const ALERT_SUBSCRIPTION = `subscription DashboardAlerts { alertEvents { transition alert { ${ALERT_FIELDS} } } }`;

/** code → { container, live, compliance, unregistered } */
const containers = new Map();
/** id → alert */
const alerts = new Map();
const markers = new Map();
let map;
let wsClient;
let timers = [];

const $ = (selector) => document.querySelector(selector);

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null) continue;
    if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key in node) node[key] = value;
    else node.setAttribute(key, value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function token() {
  return localStorage.getItem(TOKEN_KEY) ?? '';
}

function authorization() {
  const value = token().trim();
  if (!value) return undefined;
  return /^bearer\s/i.test(value) ? value : `Bearer ${value}`;
}

function notice(message) {
  const box = $('#notice');
  box.hidden = !message;
  box.textContent = message ?? '';
}

async function graphql(query, variables = {}) {
  const headers = { 'content-type': 'application/json', accept: 'application/json' };
  const auth = authorization();
  if (auth) headers.authorization = auth;
  try {
    const response = await fetch('/graphql', { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
    const body = await response.json().catch(() => ({ errors: [{ message: `HTTP ${response.status}` }] }));
    return { data: body.data ?? null, errors: body.errors ?? [] };
  } catch (error) {
    return { data: null, errors: [{ message: `Network error: ${error.message}` }] };
  }
}

function describeErrors(errors) {
  const codes = new Set(errors.map((error) => error.extensions?.code));
  if (codes.has('UNAUTHENTICATED')) return 'Not signed in: paste a token above (npm start prints dev tokens).';
  if (codes.has('FORBIDDEN')) return 'Your token lacks the role for this (acknowledging needs operator).';
  return errors.map((error) => error.message).join(' · ');
}

function statusColour(status) {
  return getComputedStyle(document.documentElement).getPropertyValue(`--${status}`).trim() || '#8a94a6';
}

function activeAlertsFor(code) {
  return [...alerts.values()].filter((alert) => alert.container?.code === code && alert.state.startsWith('ACTIVE'));
}

/** in-range, excursion, offline or unregistered: what the operator needs to see first. */
function statusOf(entry) {
  if (entry.unregistered) return 'unregistered';
  const live = entry.live;
  const active = activeAlertsFor(entry.container.code);
  if (!live || live.stale || active.some((alert) => alert.kind === 'SENSOR_OFFLINE')) return 'offline';
  if (active.length > 0 || outOfRange(entry)) return 'excursion';
  return 'in-range';
}

function outOfRange(entry) {
  const profile = entry.container.storageProfile;
  const temperature = entry.live?.temperatureC;
  if (!profile || temperature === null || temperature === undefined) return false;
  return (
    (profile.minTempC !== null && temperature < profile.minTempC) ||
    (profile.maxTempC !== null && temperature > profile.maxTempC)
  );
}

const formatNumber = (value, digits, unit) =>
  value === null || value === undefined ? '—' : `${Number(value).toFixed(digits)}${unit}`;

function formatTime(iso) {
  if (!iso) return '—';
  const date = new Date(iso);
  const sameDay = date.toDateString() === new Date().toDateString();
  return sameDay ? date.toLocaleTimeString() : date.toLocaleString();
}

function range(profile) {
  if (!profile) return '—';
  const min = profile.minTempC === null ? '' : `${profile.minTempC}`;
  const max = profile.maxTempC === null ? '' : `${profile.maxTempC}`;
  return `${profile.name} (${min || '≤'}${min && max ? '…' : ''}${max} °C)`;
}

function positionOf(entry) {
  const location = entry.live?.location ?? entry.container.site?.location;
  return location ? [location.lat, location.lng] : null;
}

function initMap() {
  map = L.map('map', { worldCopyJump: true }).setView([50.5, 8], 4);
  // Tiles need the internet; offline the markers still show on a plain background.
  L.tileLayer('https://tile.openstreetmap.org/{z}/{x}/{y}.png', {
    maxZoom: 18,
    attribution: '&copy; OpenStreetMap contributors',
  }).addTo(map);
}

function popupFor(entry) {
  const { container, live } = entry;
  return el(
    'div',
    { className: 'popup' },
    el('strong', {}, container.code),
    container.label ? ` · ${container.label}` : '',
    el('br'),
    `${formatNumber(live?.temperatureC, 1, ' °C')} · ${formatNumber(live?.humidityPct, 0, ' % RH')}`,
    el('br'),
    `${live?.status ?? container.status ?? ''} · ${formatTime(live?.at)}`,
  );
}

function renderMarker(entry) {
  const code = entry.container.code;
  const position = positionOf(entry);
  let marker = markers.get(code);
  if (!position) {
    if (marker) marker.remove();
    markers.delete(code);
    return;
  }
  const colour = statusColour(statusOf(entry));
  const style = { radius: 9, weight: 2, color: '#ffffff', fillColor: colour, fillOpacity: 0.9 };
  if (!marker) {
    marker = L.circleMarker(position, style).addTo(map);
    marker.bindTooltip(code);
    markers.set(code, marker);
  } else {
    marker.setLatLng(position);
    marker.setStyle(style);
  }
  marker.bindPopup(() => popupFor(entry));
}

function renderRow(entry, flash = false) {
  const { container, live, compliance } = entry;
  const status = statusOf(entry);
  const cells = [
    el('td', {}, el('span', { className: 'status-dot', dataset: { status }, title: status }), container.code),
    el('td', {}, container.site?.name ?? '—'),
    el('td', {}, range(container.storageProfile)),
    el('td', { className: `num${outOfRange(entry) ? ' out' : ''}` }, formatNumber(live?.temperatureC, 1, ' °C')),
    el('td', { className: 'num' }, formatNumber(live?.humidityPct, 0, ' %')),
    el('td', {}, live?.stale ? `stale · ${formatTime(live.at)}` : formatTime(live?.at)),
    el('td', { className: 'num' }, compliance ? compliance.readings : '—'),
    el('td', { className: 'num' }, formatNumber(compliance?.inRangePct, 1, ' %')),
    el('td', { className: 'num' }, formatNumber(compliance?.timeInRangePct, 1, ' %')),
    el('td', { className: 'num' }, formatNumber(compliance?.excursionMinutes, 0, '')),
    el('td', { className: 'num' }, formatNumber(compliance?.mktC, 2, ' °C')),
  ];
  const row = el('tr', { dataset: { code: container.code, status }, className: flash ? 'updated' : '' }, cells);
  const existing = document.querySelector(`#containers tbody tr[data-code="${CSS.escape(container.code)}"]`);
  if (existing) existing.replaceWith(row);
  else $('#containers tbody').append(row);
}

function renderContainer(entry, flash = false) {
  renderRow(entry, flash);
  renderMarker(entry);
}

function renderAll() {
  $('#containers tbody').replaceChildren();
  for (const entry of containers.values()) renderContainer(entry);
  const registered = [...containers.values()].filter((entry) => !entry.unregistered).length;
  $('#container-count').textContent = `${registered}`;
}

function alertItem(alert, flash) {
  const unacknowledged = alert.state.endsWith('UNACKNOWLEDGED');
  const cleared = alert.state.startsWith('CLEARED');
  const item = el(
    'li',
    {
      className: `alert${cleared ? ' cleared' : ''}${flash ? ' flash' : ''}`,
      dataset: { severity: alert.severity, id: alert.id },
    },
    el(
      'div',
      { className: 'alert-head' },
      el('span', {}, `${alert.container?.code ?? 'unregistered'} · ${alert.kind.replaceAll('_', ' ').toLowerCase()}`),
      el('span', { className: 'badge' }, alert.severity),
    ),
    alert.message ? el('p', { className: 'alert-message' }, alert.message) : null,
    el(
      'div',
      { className: 'alert-meta' },
      `${alert.state.replaceAll('_', ' ').toLowerCase()} · since ${formatTime(alert.startedAt)}`,
      alert.endedAt ? ` · ended ${formatTime(alert.endedAt)}` : '',
      alert.acknowledgedAt ? ` · acknowledged ${formatTime(alert.acknowledgedAt)}` : '',
    ),
  );
  if (unacknowledged) {
    const note = el('input', {
      type: 'text',
      placeholder: 'Note (optional)',
      'aria-label': `Note for alert ${alert.id}`,
    });
    const button = el('button', { type: 'button', className: 'acknowledge' }, 'Acknowledge');
    button.addEventListener('click', () => acknowledge(alert.id, note.value, button));
    item.append(el('div', { className: 'ack' }, note, button));
  }
  return item;
}

function renderAlerts(flashId) {
  // Unacknowledged first, then active, each newest first: the operator's to-do list on top.
  const rank = (alert) => (alert.state.endsWith('UNACKNOWLEDGED') ? 0 : 2) + (alert.state.startsWith('ACTIVE') ? 0 : 1);
  const sorted = [...alerts.values()].sort(
    (a, b) => rank(a) - rank(b) || Date.parse(b.startedAt ?? 0) - Date.parse(a.startedAt ?? 0),
  );
  $('#alerts').replaceChildren(...sorted.map((alert) => alertItem(alert, alert.id === flashId)));
  $('#alerts-empty').hidden = sorted.length > 0;
  const open = sorted.filter((alert) => alert.state.startsWith('ACTIVE')).length;
  $('#alert-count').textContent = sorted.length ? `${open} active · ${sorted.length} shown` : '';
}

function applyAlert(alert, flash = false) {
  alerts.set(alert.id, alert);
  renderAlerts(flash ? alert.id : undefined);
  const entry = alert.container ? containers.get(alert.container.code) : undefined;
  if (entry) renderContainer(entry);
}

async function acknowledge(id, note, button) {
  button.disabled = true;
  const { data, errors } = await graphql(ACKNOWLEDGE_MUTATION, { id, note: note.trim() || null });
  if (errors.length) {
    notice(describeErrors(errors));
    button.disabled = false;
    return;
  }
  notice(null);
  applyAlert(data.acknowledgeAlert);
}

async function loadContainers() {
  const { data, errors } = await graphql(CONTAINERS_QUERY);
  if (errors.length) notice(describeErrors(errors));
  if (!data?.containers) return [];
  for (const { node } of data.containers.edges) {
    const previous = containers.get(node.code);
    containers.set(node.code, { ...previous, container: node, live: node.live, unregistered: false });
  }
  renderAll();
  if (!errors.length) notice(null);
  return data.containers.edges.map((edge) => edge.node.code);
}

async function loadCompliance() {
  const since = new Date(Date.now() - COMPLIANCE_WINDOW_MS).toISOString();
  const { data } = await graphql(COMPLIANCE_QUERY, { since });
  for (const { node } of data?.containers?.edges ?? []) {
    const entry = containers.get(node.code);
    if (entry && node.compliance) {
      entry.compliance = node.compliance;
      renderRow(entry);
    }
  }
}

async function loadAlerts() {
  const { data } = await graphql(ALERTS_QUERY);
  if (!data?.alerts) return;
  alerts.clear();
  for (const alert of data.alerts) alerts.set(alert.id, alert);
  renderAlerts();
  for (const entry of containers.values()) renderContainer(entry);
}

async function loadIngestStats() {
  const { data } = await graphql(INGEST_QUERY);
  const stats = data?.ingestStats;
  const box = $('#ingest');
  box.hidden = !stats;
  if (!stats) return;
  box.replaceChildren(
    ...Object.entries(stats).map(([name, value]) => el('div', {}, el('dt', {}, name), el('dd', {}, value))),
  );
}

function setConnection(state) {
  const badge = $('#connection');
  badge.dataset.state = state;
  badge.textContent = `live: ${state}`;
}

function subscribeLive(codes) {
  wsClient?.dispose();
  wsClient = graphqlWs.createClient({
    url: `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`,
    connectionParams: () => {
      const auth = authorization();
      return auth ? { authorization: auth } : {};
    },
    retryAttempts: Number.POSITIVE_INFINITY,
    shouldRetry: () => true,
    lazy: false,
    on: {
      connecting: () => setConnection('connecting'),
      connected: () => setConnection('connected'),
      closed: () => setConnection('offline'),
    },
  });
  const sink = (onData) => ({
    next: ({ data, errors }) => {
      if (errors?.length) notice(describeErrors(errors));
      if (data) onData(data);
    },
    error: (error) =>
      notice(describeErrors(Array.isArray(error) ? error : [{ message: error?.reason || String(error) }])),
    complete: () => {},
  });
  if (codes.length > 0) {
    wsClient.subscribe(
      { query: LIVE_SUBSCRIPTION, variables: { containerCodes: codes } },
      sink(({ liveState }) => {
        const entry = containers.get(liveState.containerCode);
        if (!entry) return;
        entry.live = liveState.live;
        renderContainer(entry, true);
      }),
    );
  }
  wsClient.subscribe(
    { query: ALERT_SUBSCRIPTION },
    sink(({ alertEvents }) => applyAlert(alertEvents.alert, true)),
  );
}

async function start() {
  for (const timer of timers) clearInterval(timer);
  containers.clear();
  alerts.clear();
  for (const marker of markers.values()) marker.remove();
  markers.clear();
  const codes = await loadContainers();
  await Promise.all([loadAlerts(), loadCompliance(), loadIngestStats()]);
  subscribeLive(codes);
  timers = [
    setInterval(loadCompliance, REFRESH_MS),
    setInterval(loadIngestStats, REFRESH_MS / 2),
    setInterval(() => {
      for (const entry of containers.values()) renderRow(entry);
    }, REFRESH_MS / 2),
  ];
  const placed = [...markers.values()].map((marker) => marker.getLatLng());
  if (placed.length > 1) map.fitBounds(L.latLngBounds(placed).pad(0.2), { maxZoom: 6 });
}

function initToken() {
  const input = $('#token');
  input.value = token();
  $('#token-form').addEventListener('submit', (event) => {
    event.preventDefault();
    localStorage.setItem(TOKEN_KEY, input.value.trim());
    void start();
  });
  $('#token-clear').addEventListener('click', () => {
    localStorage.removeItem(TOKEN_KEY);
    input.value = '';
    void start();
  });
}

initMap();
initToken();
void start();
