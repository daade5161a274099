// The operator page: containers on a map and in a table by status, the alert feed with acknowledge, a container's
// 24 h chart and its samples' exposure, shipments as timelines; live over graphql-ws, resynced on every (re)connect.

import 'leaflet/dist/leaflet.css';
import 'uplot/dist/uPlot.min.css';
import './styles.css';
import { type LiveConnection, openLiveConnection } from './api/liveConnection.ts';
import { describeErrors, type GraphQLResponse, request } from './api/request.ts';
import { storedToken, storeToken } from './api/token.ts';
import type { ResultOf } from './graphql.ts';
import { addBasemap } from './map/basemap.ts';
import { ContainerMap } from './map/containerMap.ts';
import { type AlertEvent, AlertFeed } from './model/alertFeed.ts';
import { type BackendStatus, initialBackendStatus, observe } from './model/backendStatus.ts';
import { type ContainerStatus, containerStatus, statusLabels } from './model/containerStatus.ts';
import type { ContainerEntry, Ingest } from './model/entries.ts';
import { formatNumber, localTime } from './model/format.ts';
import {
  AcknowledgeMutation,
  AlertSubscription,
  AlertsQuery,
  ComplianceQuery,
  ContainersQuery,
  IngestQuery,
  LiveSubscription,
  ShipmentsQuery,
} from './operations.ts';
import { alertCountText, renderAlertList } from './views/alertList.ts';
import { renderContainerTable, renderUnregistered } from './views/containerTable.ts';
import { resizeDetailChart, showContainerDetail } from './views/detailPanel.ts';
import { $, el, refreshAges, timeOf } from './views/dom.ts';
import { renderShipments } from './views/shipmentTimeline.ts';

const complianceWindowMs = 24 * 60 * 60 * 1000;
const flashMs = 1500;

const entries = new Map<string, ContainerEntry>();
const feed = new AlertFeed();
const updated = new Set<string>();
let ingest: Ingest | null = null;
let shipments: ResultOf<typeof ShipmentsQuery>['shipments']['edges'][number]['node'][] = [];
let backend: BackendStatus = initialBackendStatus();
let selected: string | null = null;
let connection: LiveConnection | undefined;
let unsubscribeLive: (() => void) | undefined;
let liveCodes = '';
let flashId: string | undefined;
let resyncing: Promise<void> | undefined;

const containerMap = new ContainerMap($('#map'), (code) => select(code));

function statusOf(entry: ContainerEntry): ContainerStatus {
  return containerStatus({
    live: entry.live,
    profile: entry.container.storageProfile,
    activeAlerts: feed.activeFor(entry.container.code),
  });
}

function notice(message: string | null): void {
  const box = $('#notice');
  box.hidden = !message;
  box.textContent = message ?? '';
}

function setBackend(observation: Parameters<typeof observe>[1]): void {
  const next = observe(backend, observation);
  if (next.state === backend.state) {
    backend = next;
    return;
  }
  backend = next;
  renderBackend();
}

/** Offline is unmistakable: a banner across the page, the figures dimmed and dated, acknowledging disabled. */
function renderBackend(): void {
  document.body.dataset.backend = backend.state;
  const badge = $('#connection');
  badge.dataset.state = backend.state;
  badge.textContent = { connecting: 'connecting…', online: 'live', offline: 'backend offline' }[backend.state];
  const banner = $('#backend-banner');
  banner.hidden = backend.state !== 'offline';
  if (backend.state === 'offline') {
    banner.replaceChildren(
      el('strong', {}, 'Backend offline'),
      ` since ${localTime(new Date(backend.since).toISOString())}: the gateway does not answer. `,
      backend.lastContact
        ? `Everything below is as of ${localTime(new Date(backend.lastContact).toISOString())} and is not updating. `
        : 'Nothing could be loaded yet. ',
      'Reconnecting…',
    );
  }
  for (const button of document.querySelectorAll<HTMLButtonElement>('#alerts button.acknowledge')) {
    button.disabled = backend.state === 'offline';
  }
}

/** Every answer (or its absence) tells the page whether the backend is there. */
async function load<T>(response: Promise<GraphQLResponse<T>>): Promise<GraphQLResponse<T>> {
  const result = await response;
  setBackend(result.unreachable ? 'unreachable' : 'reachable');
  if (result.errors.length && !result.unreachable) notice(describeErrors(result.errors, storedToken() !== ''));
  return result;
}

async function loadContainers(): Promise<void> {
  const { data } = await load(request(ContainersQuery));
  if (!data) return;
  const known = new Set<string>();
  for (const { node } of data.containers.edges) {
    known.add(node.code);
    const previous = entries.get(node.code);
    entries.set(node.code, { container: node, live: node.live, compliance: previous?.compliance ?? null });
  }
  for (const code of entries.keys()) if (!known.has(code)) entries.delete(code);
  const sites = new Map<string, { name: string; lat: number; lng: number }>();
  for (const { node } of data.containers.edges) {
    if (node.site?.location) sites.set(node.site.code, { name: node.site.name, ...node.site.location });
  }
  containerMap.setSiteLabels([...sites.values()]);
  subscribeLive();
}

async function loadCompliance(): Promise<void> {
  const since = new Date(Date.now() - complianceWindowMs).toISOString();
  const { data } = await load(request(ComplianceQuery, { since }));
  for (const { node } of data?.containers.edges ?? []) {
    const entry = entries.get(node.code);
    if (entry) entry.compliance = node.compliance;
  }
  renderContainers();
}

async function loadIngest(): Promise<void> {
  const { data } = await load(request(IngestQuery));
  if (data) ingest = data;
  renderIngest();
}

async function loadShipments(): Promise<void> {
  const { data } = await load(request(ShipmentsQuery));
  if (data) shipments = data.shipments.edges.map((edge) => edge.node);
  renderShipments($('#shipments'), shipments, feed.sorted());
}

/** A fresh snapshot of everything; alert events arriving meanwhile are replayed on it, so nothing is lost or kept stale. */
function resync(): Promise<void> {
  resyncing ??= (async () => {
    feed.beginResync();
    const [alerts] = await Promise.all([
      load(request(AlertsQuery)),
      loadContainers().then(loadCompliance),
      loadIngest(),
      loadShipments(),
    ]);
    if (alerts.data) feed.completeResync(alerts.data.alerts);
    else feed.abandonResync();
    renderAll();
    if (selected) void showContainerDetail($('#detail'), selected);
  })().finally(() => {
    resyncing = undefined;
  });
  return resyncing;
}

function subscribeLive(): void {
  const codes = [...entries.keys()].sort();
  if (!connection || codes.join() === liveCodes) return;
  liveCodes = codes.join();
  unsubscribeLive?.();
  unsubscribeLive = connection.subscribe(LiveSubscription, { containerCodes: codes }, ({ liveState }) => {
    const entry = entries.get(liveState.containerCode);
    if (!entry) return;
    entry.live = liveState.live;
    flash(liveState.containerCode);
  });
}

function flash(code: string): void {
  updated.add(code);
  scheduleContainers();
  setTimeout(() => {
    updated.delete(code);
  }, flashMs);
}

let containersPending: number | undefined;

/** Live state can arrive by the thousand (a sensor uploading its history): the table and map redraw at most 4× a second. */
function scheduleContainers(): void {
  if (containersPending !== undefined) return;
  containersPending = window.setTimeout(() => {
    containersPending = undefined;
    renderContainers();
  }, 250);
}

let compliancePending: number | undefined;

/** An alert transition changes the 24 h figures too; a burst of them (a history upload) reloads them once. */
function scheduleCompliance(): void {
  window.clearTimeout(compliancePending);
  compliancePending = window.setTimeout(() => void loadCompliance(), 3000);
}

let alertsPending: number | undefined;

/** Alert events can come by the hundred (a fleet-wide outage, a history upload): the feed redraws at most 10× a second. */
function onAlertEvent(event: AlertEvent): void {
  feed.apply(event);
  flashId = event.alert.id;
  if (alertsPending === undefined) {
    alertsPending = window.setTimeout(() => {
      alertsPending = undefined;
      renderAlerts();
      flashId = undefined;
    }, 100);
  }
  scheduleContainers();
  scheduleCompliance();
}

async function acknowledge(id: string, note: string, button: HTMLButtonElement): Promise<void> {
  button.disabled = true;
  const { data, errors } = await load(request(AcknowledgeMutation, { id, note: note.trim() || null }));
  if (!data) {
    if (!errors.length) notice('The acknowledgement did not reach the backend; try again once it is back.');
    button.disabled = false;
    return;
  }
  notice(null);
  feed.acknowledged(data.acknowledgeAlert);
  renderAlerts();
}

function select(code: string): void {
  selected = code;
  renderContainers();
  void showContainerDetail($('#detail'), code);
  if (window.innerWidth < 900) $('#detail').scrollIntoView({ behavior: 'smooth', block: 'start' });
}

function renderContainers(): void {
  const list = [...entries.values()];
  renderContainerTable($('#containers tbody'), list, { statusOf, selected, updated, onSelect: select });
  containerMap.update(
    list.flatMap((entry) => {
      const position = entry.live?.location ?? entry.container.site?.location;
      if (!position) return [];
      const status = statusOf(entry);
      return [{ code: entry.container.code, status, position, popup: () => popupFor(entry, status) }];
    }),
  );
  renderLegend(list);
}

function popupFor(entry: ContainerEntry, status: ContainerStatus): HTMLElement {
  const { container, live } = entry;
  return el(
    'div',
    { className: 'popup' },
    el('strong', {}, container.code),
    container.label ? ` · ${container.label}` : '',
    el('br'),
    el('span', { className: 'status-label', dataset: { status } }, statusLabels[status]),
    ` ${container.site?.name ?? ''}`,
    el('br'),
    `${formatNumber(live?.temperatureC, 1, ' °C')} · ${formatNumber(live?.humidityPct, 0, ' % RH')}`,
    el('br'),
    live?.at ? timeOf(live.at, status === 'offline' ? 'last reading ' : '') : 'no reading yet',
  );
}

/** The legend counts what the table shows; unregistered counts the codes the header reports. */
function renderLegend(list: readonly ContainerEntry[]): void {
  const counts: Partial<Record<ContainerStatus, number>> = {};
  for (const entry of list) {
    const status = statusOf(entry);
    counts[status] = (counts[status] ?? 0) + 1;
  }
  counts.unregistered = ingest?.unregisteredCodes.length ?? 0;
  for (const item of document.querySelectorAll<HTMLElement>('.legend [data-status]')) {
    const count = item.querySelector('.legend-count');
    if (count) count.textContent = `${counts[item.dataset.status as ContainerStatus] ?? 0}`;
  }
  $('#container-count').textContent = `${list.length}`;
}

function renderAlerts(): void {
  const cards = feed.sorted();
  renderAlertList($('#alerts'), cards, {
    flashId,
    onAcknowledge: (id, note, button) => void acknowledge(id, note, button),
    onSelectContainer: select,
  });
  $('#alerts-empty').hidden = cards.length > 0;
  $('#alert-count').textContent = alertCountText(cards);
  renderBackend();
}

function renderIngest(): void {
  const box = $('#ingest');
  box.hidden = !ingest;
  if (!ingest) return;
  const { ingestStats: stats, unregisteredCodes } = ingest;
  box.replaceChildren(
    ...(
      [
        ['accepted', stats.accepted],
        ['duplicates', stats.duplicates],
        ['late', stats.late],
        ['rejected', stats.rejected],
        [
          'unregistered',
          `${stats.unregistered} from ${unregisteredCodes.length} ${unregisteredCodes.length === 1 ? 'code' : 'codes'}`,
        ],
      ] as const
    ).map(([name, value]) => el('div', { dataset: { stat: name } }, el('dt', {}, name), el('dd', {}, value))),
  );
  renderUnregistered($('#unregistered'), ingest);
  renderLegend([...entries.values()]);
}

function renderAll(): void {
  renderContainers();
  renderAlerts();
  renderIngest();
  renderShipments($('#shipments'), shipments, feed.sorted());
}

function connect(): void {
  connection?.dispose();
  liveCodes = '';
  unsubscribeLive = undefined;
  connection = openLiveConnection({
    connected: () => {
      setBackend('live-connected');
      void resync();
    },
    closed: () => setBackend('live-closed'),
    error: (message) => notice(message),
  });
  // With cursors on alert events this becomes { after: feed.lastCursor }: a resume instead of a full resync.
  connection.subscribe(AlertSubscription, {}, ({ alertEvents }) => onAlertEvent(alertEvents));
  void resync();
}

function initToken(): void {
  const input = $<HTMLInputElement>('#token');
  input.value = storedToken();
  const role = $('#token-role');
  const describe = () => {
    role.textContent = storedToken() ? 'token set' : 'anonymous viewer';
  };
  describe();
  $('#token-form').addEventListener('submit', (event) => {
    event.preventDefault();
    storeToken(input.value);
    describe();
    notice(null);
    connect();
  });
  $('#token-clear').addEventListener('click', () => {
    storeToken('');
    input.value = '';
    describe();
    notice(null);
    connect();
  });
}

function startTimers(): void {
  setInterval(() => {
    renderContainers();
    refreshAges();
    if (feed.dropExpiredWithdrawn()) renderAlerts();
  }, 30_000);
  setInterval(() => void loadCompliance(), 60_000);
  setInterval(() => void loadIngest(), 15_000);
  setInterval(() => void loadShipments(), 60_000);
  // While offline the socket keeps retrying; this notices a gateway back on HTTP before the socket does.
  setInterval(() => {
    if (backend.state === 'offline') void load(request(IngestQuery));
  }, 5_000);
  let resizeTimer: number | undefined;
  window.addEventListener('resize', () => {
    clearTimeout(resizeTimer);
    resizeTimer = window.setTimeout(() => {
      containerMap.invalidateSize();
      resizeDetailChart($('#detail'));
    }, 150);
  });
  $('#detail-close').addEventListener('click', () => {
    selected = null;
    $('#detail').hidden = true;
    renderContainers();
  });
}

renderBackend();
void addBasemap(containerMap.map);
initToken();
startTimers();
connect();
