// Operator dashboard: plain DOM, Leaflet (global L) and the graphql-ws browser client (global graphqlWs).

import { age, duration, formatNumber, localTime, localTimeInFull } from './formatting.js';
import { spreadColocated } from './markerLayout.js';

const TOKEN_KEY = 'bst.token';
const COMPLIANCE_WINDOW_MS = 24 * 60 * 60 * 1000;
const REFRESH_MS = 60_000;
const MARKER_RADIUS = 9;
// A withdrawn alert stays greyed this long so the operator sees why it vanished; a reload drops it anyway.
const WITHDRAWN_VISIBLE_MS = 10 * 60 * 1000;
const SEVERITY_RANK = { CRITICAL: 0, WARNING: 1, INFO: 2 };

const LIVE_FIELDS = 'temperatureC humidityPct location { lat lng } status at stale';
const ALERT_FIELDS = 'id kind severity state container { code } startedAt endedAt acknowledgedAt message peakValue';

const CONTAINERS_QUERY = `query DashboardContainers {
  containers(first: 500) {
    totalCount
    edges { node {
      id code kind label status
      site { code name location { lat lng } }
      storageProfile { name minTempC maxTempC staleAfterSeconds }
      live { ${LIVE_FIELDS} }
    } }
  }
}`;
const COMPLIANCE_QUERY = `query DashboardCompliance($since: DateTime) {
  containers(first: 500) {
    edges { node { code compliance(since: $since) { readings inRangePct timeInRangePct unknownMinutes excursionMinutes mktC } } }
  }
}`;
const ALERTS_QUERY = `query DashboardAlerts { alerts(first: 100) { ${ALERT_FIELDS} } }`;
const INGEST_QUERY = 'query DashboardIngest { ingestStats { accepted duplicates rejected late unregistered } }';
const ACKNOWLEDGE_MUTATION = `mutation Acknowledge($id: ID!, $note: String) { acknowledgeAlert(id: $id, note: $note) { ${ALERT_FIELDS} } }`;
const LIVE_SUBSCRIPTION = `subscription DashboardLive($containerCodes: [String!]!) {
  liveState(containerCodes: $containerCodes) { containerCode live { ${LIVE_FIELDS} } }
}`;
const ALERT_SUBSCRIPTION = `subscription DashboardAlerts { alertEvents { transition at alert { ${ALERT_FIELDS} } } }`;

/** code → { container, live, compliance, unregistered } */
const containers = new Map();
/** id → { alert, transition, at }: the alert as it stands and the last transition the feed saw for it. */
const alerts = new Map();
/** code → Leaflet circle marker; `home` is where the container really is, before co-located markers fan out. */
const markers = new Map();
let map;
let layoutPending = false;
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

const isActive = ({ alert, transition }) => transition !== 'WITHDRAWN' && alert.state.startsWith('ACTIVE');

function activeAlertsFor(code) {
  return [...alerts.values()].filter((card) => card.alert.container?.code === code && isActive(card));
}

/** in-range, excursion, offline or unregistered: what the operator needs to see first. */
function statusOf(entry) {
  if (entry.unregistered) return 'unregistered';
  const live = entry.live;
  const active = activeAlertsFor(entry.container.code).map((card) => card.alert);
  if (!live || isStale(live, entry.container.storageProfile) || active.some((alert) => alert.kind === 'SENSOR_OFFLINE'))
    return 'offline';
  if (active.length > 0 || outOfRange(entry)) return 'excursion';
  return 'in-range';
}

// The twin marks stale when it next answers; the page's own clock notices a silent sensor between refreshes.
function isStale(live, profile) {
  return live.stale || Date.now() - Date.parse(live.at) > (profile?.staleAfterSeconds ?? 900) * 1000;
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

/** "23:51 · 4 min ago", local, with the full date and zone on hover; refreshAges keeps the age current. */
function timeOf(iso, prefix = '') {
  if (!iso) return '—';
  return el('time', { dateTime: iso, title: localTimeInFull(iso), dataset: { prefix } }, timeText(iso, prefix));
}

const timeText = (iso, prefix) => `${prefix}${localTime(iso)} · ${age(iso)}`;

function refreshAges() {
  for (const node of document.querySelectorAll('time[datetime]')) {
    node.textContent = timeText(node.dateTime, node.dataset.prefix ?? '');
  }
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
  map.on('zoomend', layoutMarkers);
}

function popupFor(entry) {
  const { container, live } = entry;
  const status = statusOf(entry);
  return el(
    'div',
    { className: 'popup' },
    el('strong', {}, container.code),
    container.label ? ` · ${container.label}` : '',
    el('br'),
    el('span', { className: 'status-label', dataset: { status } }, statusLabel(status)),
    ` ${container.site?.name ?? ''}`,
    el('br'),
    `${formatNumber(live?.temperatureC, 1, ' °C')} · ${formatNumber(live?.humidityPct, 0, ' % RH')}`,
    el('br'),
    live?.at ? timeOf(live.at, status === 'offline' ? 'last reading ' : '') : 'no reading yet',
  );
}

const MARKER_STYLES = {
  'in-range': { weight: 2, color: '#ffffff', fillOpacity: 0.95, dashArray: null },
  excursion: { weight: 2, color: '#7f1d1d', fillOpacity: 0.95, dashArray: null },
  // Offline is hollow and dashed, so it reads as "unknown" even to a colour-blind operator.
  offline: { weight: 2.5, color: '#334155', fillOpacity: 0.35, dashArray: '3 3' },
  unregistered: { weight: 2, color: '#ffffff', fillOpacity: 0.95, dashArray: null },
};

function renderMarker(entry) {
  const code = entry.container.code;
  const position = positionOf(entry);
  let marker = markers.get(code);
  if (!position) {
    if (marker) marker.remove();
    markers.delete(code);
    scheduleLayout();
    return;
  }
  const status = statusOf(entry);
  const style = { radius: MARKER_RADIUS, fillColor: statusColour(status), ...MARKER_STYLES[status] };
  if (!marker) {
    marker = L.circleMarker(position, style).addTo(map);
    markers.set(code, marker);
  } else {
    marker.setStyle(style);
  }
  marker.home = L.latLng(position);
  const element = marker.getElement();
  element.dataset.code = code;
  element.dataset.status = status;
  marker.bindTooltip(`${code} · ${statusLabel(status)}`);
  marker.bindPopup(() => popupFor(entry));
  if (status === 'excursion') marker.bringToFront();
  scheduleLayout();
}

function scheduleLayout() {
  if (layoutPending) return;
  layoutPending = true;
  requestAnimationFrame(() => {
    layoutPending = false;
    layoutMarkers();
  });
}

/** Fans out markers that would cover each other at this zoom; they gather again as the operator zooms in. */
function layoutMarkers() {
  const points = [...markers].map(([key, marker]) => ({ key, ...map.latLngToLayerPoint(marker.home) }));
  for (const [key, { x, y, groupSize }] of spreadColocated(points, MARKER_RADIUS)) {
    const marker = markers.get(key);
    marker.setLatLng(map.layerPointToLatLng(L.point(x, y)));
    marker.getElement().dataset.groupSize = `${groupSize}`;
  }
}

function statusLabel(status) {
  return { 'in-range': 'in range', excursion: 'excursion', offline: 'offline', unregistered: 'unregistered' }[status];
}

/** Time in range is the headline: time without data is unknown, so no readings means no figure, never 100 %. */
function complianceCells(compliance) {
  if (!compliance) return [el('td', { className: 'num' }, '—'), el('td', { className: 'num secondary' }, '—')];
  if (compliance.readings === 0) {
    return [
      el(
        'td',
        {
          className: 'num no-data',
          dataset: { figure: 'time-in-range' },
          title: 'No readings in the window: unknown, not compliant',
        },
        '— no data',
      ),
      el('td', { className: 'num secondary', dataset: { figure: 'readings' } }, '0 readings'),
    ];
  }
  const unknown =
    compliance.unknownMinutes > 0.5 ? el('small', {}, `${duration(compliance.unknownMinutes)} no data`) : null;
  return [
    el(
      'td',
      { className: 'num headline', dataset: { figure: 'time-in-range' } },
      formatNumber(compliance.timeInRangePct, 1, ' %'),
      unknown,
    ),
    el(
      'td',
      { className: 'num secondary', dataset: { figure: 'readings' }, title: 'Share of readings in range' },
      `${formatNumber(compliance.inRangePct, 1, ' %')} of ${compliance.readings}`,
    ),
  ];
}

function renderRow(entry, flash = false) {
  const { container, live, compliance } = entry;
  const status = statusOf(entry);
  const offline = status === 'offline';
  const cells = [
    el(
      'td',
      {},
      el('span', { className: 'status-dot', dataset: { status }, title: statusLabel(status) }),
      container.code,
      status === 'in-range'
        ? null
        : el('span', { className: 'status-label', dataset: { status } }, statusLabel(status)),
    ),
    el('td', {}, container.site?.name ?? '—'),
    el('td', {}, range(container.storageProfile)),
    el('td', { className: `num${outOfRange(entry) ? ' out' : ''}` }, formatNumber(live?.temperatureC, 1, ' °C')),
    el('td', { className: 'num' }, formatNumber(live?.humidityPct, 0, ' %')),
    el('td', {}, live?.at ? timeOf(live.at, offline ? 'last ' : '') : 'no reading yet'),
    ...complianceCells(compliance),
    el('td', { className: 'num' }, formatNumber(compliance?.excursionMinutes, 0, '')),
    el('td', { className: 'num' }, formatNumber(compliance?.mktC, 2, ' °C')),
  ];
  const row = el(
    'tr',
    { dataset: { code: container.code, status }, className: `${offline ? 'offline' : ''}${flash ? ' updated' : ''}` },
    cells,
  );
  const existing = document.querySelector(`#containers tbody tr[data-code="${CSS.escape(container.code)}"]`);
  if (existing) existing.replaceWith(row);
  else $('#containers tbody').append(row);
}

function renderContainer(entry, flash = false) {
  renderRow(entry, flash);
  renderMarker(entry);
  renderLegendCounts();
}

/** Every row and marker, and the legend's counts once at the end rather than per container. */
function renderEveryContainer() {
  for (const entry of containers.values()) {
    renderRow(entry);
    renderMarker(entry);
  }
  renderLegendCounts();
}

function renderAll() {
  $('#containers tbody').replaceChildren();
  renderEveryContainer();
  const registered = [...containers.values()].filter((entry) => !entry.unregistered).length;
  $('#container-count').textContent = `${registered}`;
}

function renderLegendCounts() {
  const counts = {};
  for (const entry of containers.values()) {
    const status = statusOf(entry);
    counts[status] = (counts[status] ?? 0) + 1;
  }
  for (const item of document.querySelectorAll('.legend [data-status]')) {
    item.querySelector('.legend-count').textContent = `${counts[item.dataset.status] ?? 0}`;
  }
}

function peakOf(alert) {
  if (alert.peakValue === null || alert.peakValue === undefined) return null;
  return alert.kind.startsWith('HUMIDITY')
    ? formatNumber(alert.peakValue, 0, ' % RH')
    : formatNumber(alert.peakValue, 1, ' °C');
}

function alertItem({ alert, transition, at }, flash) {
  const withdrawn = transition === 'WITHDRAWN';
  const unacknowledged = !withdrawn && alert.state.endsWith('UNACKNOWLEDGED');
  const cleared = alert.state.startsWith('CLEARED');
  const peak = peakOf(alert);
  const classes = ['alert', cleared && 'cleared', withdrawn && 'withdrawn', flash && !withdrawn && 'flash'].filter(
    Boolean,
  );
  const item = el(
    'li',
    { className: classes.join(' '), dataset: { severity: alert.severity, id: alert.id, transition } },
    el(
      'div',
      { className: 'alert-head' },
      el('span', { className: 'badge severity' }, alert.severity),
      el(
        'span',
        { className: 'alert-title' },
        `${alert.container?.code ?? 'sample'} · ${alert.kind.replaceAll('_', ' ').toLowerCase()}`,
      ),
      peak ? el('span', { className: 'peak', title: 'Peak value' }, `peak ${peak}`) : null,
    ),
    withdrawn
      ? el(
          'p',
          { className: 'alert-reason' },
          'Withdrawn: a late reading showed this excursion never happened.',
          at ? [' ', timeOf(at)] : null,
        )
      : null,
    transition === 'UPDATED'
      ? el(
          'p',
          { className: 'alert-reason' },
          'Corrected by a late reading (start, peak or severity).',
          at ? [' ', timeOf(at)] : null,
        )
      : null,
    alert.message ? el('p', { className: 'alert-message' }, alert.message) : null,
    el(
      'div',
      { className: 'alert-meta' },
      el(
        'span',
        { className: 'alert-state' },
        withdrawn ? 'withdrawn' : alert.state.replaceAll('_', ' ').toLowerCase(),
      ),
      ' · ',
      timeOf(alert.startedAt, 'since '),
      alert.endedAt ? [' · ', timeOf(alert.endedAt, 'ended ')] : null,
      alert.acknowledgedAt ? [' · ', timeOf(alert.acknowledgedAt, 'acknowledged ')] : null,
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
  // Notes being typed survive a re-render: events keep arriving while an operator writes one.
  const notes = new Map(
    [...document.querySelectorAll('#alerts li')].map((li) => [li.dataset.id, li.querySelector('.ack input')]),
  );
  const focused = document.activeElement?.closest?.('#alerts li')?.dataset.id;
  // The operator's to-do list on top: unacknowledged, then active, then critical first, each newest first.
  const rank = (card) =>
    card.transition === 'WITHDRAWN'
      ? 4
      : (card.alert.state.endsWith('UNACKNOWLEDGED') ? 0 : 2) + (card.alert.state.startsWith('ACTIVE') ? 0 : 1);
  const sorted = [...alerts.values()].sort(
    (a, b) =>
      rank(a) - rank(b) ||
      SEVERITY_RANK[a.alert.severity] - SEVERITY_RANK[b.alert.severity] ||
      Date.parse(b.alert.startedAt ?? 0) - Date.parse(a.alert.startedAt ?? 0),
  );
  const items = sorted.map((card) => alertItem(card, card.alert.id === flashId));
  for (const item of items) {
    const previous = notes.get(item.dataset.id);
    const input = item.querySelector('.ack input');
    if (previous && input) input.value = previous.value;
  }
  $('#alerts').replaceChildren(...items);
  if (focused) document.querySelector(`#alerts li[data-id="${CSS.escape(focused)}"] .ack input`)?.focus();
  $('#alerts-empty').hidden = sorted.length > 0;
  const active = sorted.filter(isActive);
  const critical = active.filter((card) => card.alert.severity === 'CRITICAL').length;
  $('#alert-count').textContent = sorted.length
    ? `${critical ? `${critical} critical · ` : ''}${active.length} active · ${sorted.length} shown`
    : '';
}

function applyAlert(alert, transition, at, flash = false) {
  alerts.set(alert.id, { alert, transition, at, seenAt: Date.now() });
  renderAlerts(flash ? alert.id : undefined);
  const entry = alert.container ? containers.get(alert.container.code) : undefined;
  if (entry) renderContainer(entry);
}

function dropWithdrawnAlerts(now = Date.now()) {
  const expired = [...alerts.values()].filter(
    (card) => card.transition === 'WITHDRAWN' && now - card.seenAt > WITHDRAWN_VISIBLE_MS,
  );
  for (const card of expired) alerts.delete(card.alert.id);
  if (expired.length) renderAlerts();
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
  applyAlert(data.acknowledgeAlert, 'ACKNOWLEDGED', data.acknowledgeAlert.acknowledgedAt);
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
  for (const alert of data.alerts) alerts.set(alert.id, { alert, seenAt: Date.now() });
  renderAlerts();
  renderEveryContainer();
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
    sink(({ alertEvents }) => applyAlert(alertEvents.alert, alertEvents.transition, alertEvents.at, true)),
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
      renderEveryContainer();
      refreshAges();
      dropWithdrawnAlerts();
    }, REFRESH_MS / 2),
  ];
  const placed = [...markers.values()].map((marker) => marker.home);
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
