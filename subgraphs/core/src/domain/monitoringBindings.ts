export interface MonitoredContainer {
  id: string;
  code: string;
  storageProfileId: string | null;
  parentId: string | null;
}

export interface MonitoredSample {
  code: string;
  storageProfileId: string | null;
  containerId: string | null;
}

export interface MonitoringBinding {
  entityType: 'CONTAINER' | 'SAMPLE';
  code: string;
  profileId: string | null;
}

/** A container's own profile, else the nearest ancestor's; a sample's own, else its container's effective one. */
export function monitoringBindings(containers: MonitoredContainer[], samples: MonitoredSample[]): MonitoringBinding[] {
  const byId = new Map(containers.map((c) => [c.id, c]));
  const effective = new Map<string, string | null>();
  const resolve = (container: MonitoredContainer): string | null => {
    const known = effective.get(container.id);
    if (known !== undefined) return known;
    let profileId: string | null = null;
    const seen = new Set<string>();
    for (let at: MonitoredContainer | undefined = container; at && !seen.has(at.id); at = byId.get(at.parentId ?? '')) {
      seen.add(at.id);
      if (at.storageProfileId) {
        profileId = at.storageProfileId;
        break;
      }
    }
    effective.set(container.id, profileId);
    return profileId;
  };
  const bindings: MonitoringBinding[] = containers.map((c) => ({
    entityType: 'CONTAINER',
    code: c.code,
    profileId: resolve(c),
  }));
  for (const sample of samples) {
    const container = sample.containerId ? byId.get(sample.containerId) : undefined;
    bindings.push({
      entityType: 'SAMPLE',
      code: sample.code,
      profileId: sample.storageProfileId ?? (container ? resolve(container) : null),
    });
  }
  return bindings;
}
