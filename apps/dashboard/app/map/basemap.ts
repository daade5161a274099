import type { FeatureCollection } from 'geojson';
import L from 'leaflet';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';

const tileUrl = 'https://tile.openstreetmap.org/{z}/{x}/{y}.png';
const probeTimeoutMs = 4000;

/**
 * Country outlines bundled with the page (Natural Earth 1:50m via world-atlas), so the map reads offline; the
 * OpenStreetMap tiles are laid over them only once one tile has loaded.
 */
export async function addBasemap(map: L.Map): Promise<void> {
  const response = await fetch('/basemap/countries-50m.json');
  const topology = (await response.json()) as Topology<{ countries: GeometryCollection }>;
  const countries = feature(topology, topology.objects.countries) as FeatureCollection;
  L.geoJSON(countries, {
    interactive: false,
    style: { color: '#8796a8', weight: 0.8, fillColor: '#f4f1ea', fillOpacity: 1 },
  }).addTo(map);
  map.getContainer().dataset.basemap = 'outlines';
  if (await tileReachable()) {
    L.tileLayer(tileUrl, { maxZoom: 18, attribution: '&copy; OpenStreetMap contributors' }).addTo(map);
    map.getContainer().dataset.basemap = 'tiles';
  }
}

function tileReachable(): Promise<boolean> {
  if (!navigator.onLine) return Promise.resolve(false);
  return new Promise((resolve) => {
    const probe = new Image();
    const timer = setTimeout(() => resolve(false), probeTimeoutMs);
    probe.onload = () => {
      clearTimeout(timer);
      resolve(true);
    };
    probe.onerror = () => {
      clearTimeout(timer);
      resolve(false);
    };
    probe.src = tileUrl.replace('{z}/{x}/{y}', '0/0/0');
  });
}
