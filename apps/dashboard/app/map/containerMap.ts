import L from 'leaflet';
import { type ContainerStatus, statusLabels } from '../model/containerStatus.ts';
import { spreadColocated } from './markerLayout.ts';

export interface MarkerEntry {
  code: string;
  status: ContainerStatus;
  position: { lat: number; lng: number };
  popup: () => HTMLElement;
}

const markerRadius = 9;

const markerStyles: Record<ContainerStatus, L.CircleMarkerOptions> = {
  'in-range': { weight: 2, color: '#ffffff', fillOpacity: 0.95, dashArray: '' },
  excursion: { weight: 2, color: '#7f1d1d', fillOpacity: 0.95, dashArray: '' },
  // Offline is hollow and dashed, so it reads as "unknown" even to a colour-blind operator.
  offline: { weight: 2.5, color: '#334155', fillOpacity: 0.35, dashArray: '3 3' },
  'no-data': { weight: 1.5, color: '#64748b', fillOpacity: 0.15, dashArray: '2 3' },
  unregistered: { weight: 2, color: '#ffffff', fillOpacity: 0.95, dashArray: '' },
};

interface Placed {
  marker: L.CircleMarker;
  home: L.LatLng;
}

/** Containers as circle markers coloured by status over the basemap, with site names written on the map. */
export class ContainerMap {
  readonly map: L.Map;
  private readonly markers = new Map<string, Placed>();
  private readonly labels = L.layerGroup();
  private layoutPending = false;
  private fitted = false;
  /** Once the operator pans or zooms, the map stays where they put it. */
  private moved = false;

  constructor(element: HTMLElement, onSelect: (code: string) => void) {
    this.map = L.map(element, { worldCopyJump: true, zoomSnap: 0.5 }).setView([50.5, 8], 4);
    this.labels.addTo(this.map);
    this.map.on('zoomend', () => this.layout());
    this.map.on('dragstart', () => {
      this.moved = true;
    });
    element.addEventListener('wheel', () => {
      this.moved = true;
    });
    this.map.zoomControl.getContainer()?.addEventListener('click', () => {
      this.moved = true;
    });
    this.select = onSelect;
  }

  private readonly select: (code: string) => void;

  /** City or site names, always visible: Berlin and London are told apart without hovering. */
  setSiteLabels(sites: readonly { name: string; lat: number; lng: number }[]): void {
    this.labels.clearLayers();
    for (const site of sites) {
      L.marker([site.lat, site.lng], {
        interactive: false,
        keyboard: false,
        icon: L.divIcon({ className: 'site-label', html: '', iconSize: [0, 0] }),
      })
        .bindTooltip(site.name, { permanent: true, direction: 'bottom', offset: [0, 14], className: 'site-name' })
        .addTo(this.labels);
    }
  }

  update(entries: readonly MarkerEntry[]): void {
    const seen = new Set<string>();
    for (const entry of entries) {
      seen.add(entry.code);
      const style = { radius: markerRadius, fillColor: statusColour(entry.status), ...markerStyles[entry.status] };
      const home = L.latLng(entry.position.lat, entry.position.lng);
      let placed = this.markers.get(entry.code);
      if (!placed) {
        const marker = L.circleMarker(home, style).addTo(this.map);
        marker.on('click', () => this.select(entry.code));
        placed = { marker, home };
        this.markers.set(entry.code, placed);
      } else {
        placed.marker.setStyle(style);
        placed.home = home;
      }
      const element = placed.marker.getElement() as SVGElement | undefined;
      if (element) {
        element.dataset.code = entry.code;
        element.dataset.status = entry.status;
      }
      placed.marker.bindTooltip(`${entry.code} · ${statusLabels[entry.status]}`);
      placed.marker.bindPopup(entry.popup);
      if (entry.status === 'excursion') placed.marker.bringToFront();
    }
    for (const [code, placed] of this.markers) {
      if (seen.has(code)) continue;
      placed.marker.remove();
      this.markers.delete(code);
    }
    if (!this.fitted && this.markers.size > 1) {
      this.fitted = true;
      this.fit();
    }
    this.scheduleLayout();
  }

  /** After the page changed size (a phone turned, a window resized): keep every container in view. */
  invalidateSize(): void {
    this.map.invalidateSize();
    if (this.fitted && !this.moved) this.fit();
  }

  private fit(): void {
    const bounds = L.latLngBounds([...this.markers.values()].map((placed) => placed.home));
    this.map.fitBounds(bounds.pad(0.25), { maxZoom: 6 });
  }

  private scheduleLayout(): void {
    if (this.layoutPending) return;
    this.layoutPending = true;
    requestAnimationFrame(() => {
      this.layoutPending = false;
      this.layout();
    });
  }

  /** Fans out markers that would cover each other at this zoom; they gather again as the operator zooms in. */
  private layout(): void {
    const points = [...this.markers].map(([key, placed]) => ({ key, ...this.map.latLngToLayerPoint(placed.home) }));
    for (const [key, { x, y, groupSize }] of spreadColocated(points, markerRadius)) {
      const placed = this.markers.get(key);
      if (!placed) continue;
      placed.marker.setLatLng(this.map.layerPointToLatLng(L.point(x, y)));
      const element = placed.marker.getElement() as SVGElement | undefined;
      if (element) element.dataset.groupSize = `${groupSize}`;
    }
  }
}

export function statusColour(status: ContainerStatus): string {
  return getComputedStyle(document.documentElement).getPropertyValue(`--${status}`).trim() || '#8a94a6';
}
