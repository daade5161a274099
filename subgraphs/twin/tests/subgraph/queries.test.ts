import { compliance, exposure } from '@bst/coldchain';
import { sealIdentity } from '@bst/identity';
import { postToSubgraph } from '@bst/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { iso, MINUTE, reading, secret, startTwinFixture, strictFridge, type TwinFixture } from './support.ts';

const containerQuery = `query ($code: String!, $since: DateTime, $until: DateTime, $last: Int) {
  _entities(representations: [{ __typename: "Container", code: $code }]) {
    ... on Container {
      code
      live { temperatureC humidityPct location { lat lng } status at stale registered }
      twinStatus
      readings(since: $since, until: $until, last: $last) { at temperatureC humidityPct location { lat lng } }
      alerts { id kind severity state container { code } startedAt endedAt peakValue message }
    }
  }
}`;

const complianceQuery = `query ($code: String!, $since: DateTime, $until: DateTime) {
  _entities(representations: [{ __typename: "Container", code: $code }]) {
    ... on Container {
      compliance(since: $since, until: $until) {
        profileName readings inRangePct timeInRangePct excursionMinutes excursionCount unknownMinutes
        inRangeMinutes unobservedExcursionMinutes
        budgetUsedMinutes budgetRemainingMinutes minC maxC meanC mktC mktUnavailableReason
        excursions { metric kind startedAt endedAt peakValue minutes observedMinutes unobservedMinutes }
      }
    }
  }
}`;

type Entities<T> = { _entities: T[] };

describe('the twin subgraph answers from what the bridge stored', () => {
  let twin: TwinFixture;
  const now = Date.now();
  const base = Math.floor((now - 120 * MINUTE) / MINUTE) * MINUTE;
  const history = [
    { m: 0, t: 5 },
    { m: 5, t: 12 },
    { m: 10, t: 12.5 },
    { m: 15, t: 5 },
    { m: 20, t: 5.5 },
  ];

  beforeAll(async () => {
    twin = await startTwinFixture({ container: ['BOX-A', 'BOX-B', 'BOX-C', 'BOX-Z'], sample: ['S-1'] });
    for (const { m, t } of history) {
      await twin.publish(
        'bio_supply/telemetry/box/BOX-A',
        reading(base + m * MINUTE, t, { geolocation: '52.52,13.405' }),
      );
    }
    await twin.publish('bio_supply/telemetry/box/BOX-B', reading(base + 30 * MINUTE, 4));
    await twin.publish('bio_supply/telemetry/box/BOX-B', reading(now - 2 * MINUTE, 4.2, { humidity: 55 }));
    await twin.publish('bio_supply/telemetry/box/BOX-C', reading(now - 3 * MINUTE, 12));
    await twin.publish('bio_supply/telemetry/box/BOX-UNKNOWN', reading(now - MINUTE, 3));
    await twin.publish('bio_supply/telemetry/box/BOX-B', '{"temperature": 4.2,');
  });
  afterAll(() => twin?.stop());

  it('shows live state, history oldest first, and one alert for one excursion', async () => {
    const { data, errors } = await twin.query(containerQuery, { code: 'BOX-A' });
    expect(errors).toBeUndefined();
    const [boxA] = (data as Entities<Record<string, unknown>>)._entities;
    expect(boxA).toMatchObject({
      code: 'BOX-A',
      live: {
        temperatureC: 5.5,
        humidityPct: null,
        location: { lat: 52.52, lng: 13.405 },
        at: iso(base + 20 * MINUTE),
        stale: true,
        registered: true,
      },
      twinStatus: 'OFFLINE',
    });
    expect(((boxA?.readings ?? []) as { temperatureC: number }[]).map((r) => r.temperatureC)).toEqual([
      5, 12, 12.5, 5, 5.5,
    ]);
    expect(boxA?.alerts).toEqual([
      {
        id: expect.any(String),
        kind: 'TEMPERATURE_HIGH',
        severity: 'WARNING',
        state: 'CLEARED_UNACKNOWLEDGED',
        container: { code: 'BOX-A' },
        startedAt: iso(base + 5 * MINUTE),
        endedAt: iso(base + 15 * MINUTE),
        peakValue: 12.5,
        message: expect.any(String),
      },
    ]);
  });

  it('limits history by range and keeps the newest `last` of it, still oldest first', async () => {
    const { data } = await twin.query(containerQuery, {
      code: 'BOX-A',
      since: iso(base + 5 * MINUTE),
      until: iso(base + 15 * MINUTE),
      last: 2,
    });
    const [boxA] = (data as Entities<{ readings: { at: string }[] }>)._entities;
    expect(boxA?.readings.map((r) => r.at)).toEqual([iso(base + 10 * MINUTE), iso(base + 15 * MINUTE)]);
  });

  it('calls a container IN_RANGE, EXCURSION or UNKNOWN from its live state and active alerts', async () => {
    const statusOf = async (code: string) =>
      ((await twin.query(containerQuery, { code })).data as Entities<{ twinStatus: string }>)._entities[0]?.twinStatus;
    expect(await statusOf('BOX-B')).toBe('IN_RANGE');
    expect(await statusOf('BOX-C')).toBe('EXCURSION');
    expect(await statusOf('BOX-Z')).toBe('UNKNOWN');
  });

  it('computes compliance with the engine from stored history and the effective profile', async () => {
    const window = { since: base, until: base + 30 * MINUTE };
    const { data, errors } = await twin.query(complianceQuery, {
      code: 'BOX-A',
      since: iso(window.since),
      until: iso(window.until),
    });
    expect(errors).toBeUndefined();
    const figures = (data as Entities<{ compliance: Record<string, unknown> }>)._entities[0]?.compliance;
    const engine = compliance(
      history.map(({ m, t }) => ({ at: base + m * MINUTE, temperatureC: t, humidityPct: null })),
      strictFridge,
      window,
    );
    expect(figures).toEqual({
      profileName: 'Strict fridge',
      readings: 5,
      inRangePct: 60,
      timeInRangePct: engine.timeInRangePct,
      excursionMinutes: 10,
      excursionCount: 1,
      unknownMinutes: engine.unknownMinutes,
      inRangeMinutes: engine.inRangeMinutes,
      unobservedExcursionMinutes: 0,
      budgetUsedMinutes: 10,
      budgetRemainingMinutes: 110,
      minC: 5,
      maxC: 12.5,
      meanC: engine.meanC,
      mktC: engine.mktC,
      mktUnavailableReason: engine.mktUnavailableReason,
      excursions: [
        {
          metric: 'TEMPERATURE',
          kind: 'TEMPERATURE_HIGH',
          startedAt: iso(base + 5 * MINUTE),
          endedAt: iso(base + 15 * MINUTE),
          peakValue: 12.5,
          minutes: 10,
          observedMinutes: 10,
          unobservedMinutes: 0,
        },
      ],
    });
  });

  it('refuses a window that ends before it starts, naming the argument', async () => {
    const { errors } = await twin.query(complianceQuery, {
      code: 'BOX-A',
      since: iso(base + MINUTE),
      until: iso(base),
    });
    expect(errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'since' });
  });

  it('computes a sample’s exposure across the custody hops core gives it', async () => {
    const custodyIntervals = [
      { containerCode: 'BOX-A', from: iso(base), to: iso(base + 30 * MINUTE) },
      { containerCode: 'BOX-B', from: iso(base + 30 * MINUTE), to: null },
    ];
    const { data, errors } = await twin.query(
      `query ($reps: [_Any!]!) { _entities(representations: $reps) { ... on Sample {
        exposure { readings excursionMinutes budgetRemainingMinutes mktC atRisk hops { containerCode container { code } readings } }
      } } }`,
      { reps: [{ __typename: 'Sample', code: 'S-1', custodyIntervals }] },
    );
    expect(errors).toBeUndefined();
    const stored = await Promise.all(
      ['BOX-A', 'BOX-B'].map((code) => twin.store.readings({ entityType: 'CONTAINER', code })),
    );
    const engine = exposure(
      [
        { containerCode: 'BOX-A', from: base, to: base + 30 * MINUTE },
        { containerCode: 'BOX-B', from: base + 30 * MINUTE, to: null },
      ],
      { 'BOX-A': stored[0]!, 'BOX-B': stored[1]! },
      strictFridge,
    );
    expect((data as Entities<unknown>)._entities[0]).toEqual({
      exposure: {
        readings: engine.readings,
        excursionMinutes: 10,
        budgetRemainingMinutes: 110,
        mktC: engine.mktC,
        atRisk: false,
        hops: [
          { containerCode: 'BOX-A', container: { code: 'BOX-A' }, readings: 5 },
          { containerCode: 'BOX-B', container: { code: 'BOX-B' }, readings: 2 },
        ],
      },
    });
  });

  it('surfaces ingest counters, dead letters, unregistered codes and the catalog cache', async () => {
    const { data, errors } = await twin.query(`{
      ingestStats { accepted duplicates rejected late unregistered }
      deadLetters(first: 5) { reason topic receivedAt payload }
      unregisteredCodes { entityType code readings }
      cacheStats { catalogVersion profiles bindings hits misses }
    }`);
    expect(errors).toBeUndefined();
    expect(data).toMatchObject({
      ingestStats: { accepted: 9, duplicates: 0, rejected: 1, late: 0, unregistered: 1 },
      deadLetters: [{ reason: 'bad_json', topic: 'bio_supply/telemetry/box/BOX-B', payload: '{"temperature": 4.2,' }],
      unregisteredCodes: [{ entityType: 'CONTAINER', code: 'BOX-UNKNOWN', readings: 1 }],
      cacheStats: { catalogVersion: 'v1', profiles: 1, bindings: 5 },
    });
  });

  it('pages unregistered codes by cursor and refuses a cursor it did not issue', async () => {
    await twin.publish('bio_supply/telemetry/box/BOX-STRAY', reading(Date.now() - MINUTE, 4));
    const page = `query ($after: String) { unregisteredCodes(first: 1, after: $after) { code cursor } }`;
    type Page = { unregisteredCodes: { code: string; cursor: string }[] };
    const first = await twin.query<Page>(page);
    expect(first.data?.unregisteredCodes.map((u) => u.code)).toEqual(['BOX-STRAY']);
    const second = await twin.query<Page>(page, { after: first.data?.unregisteredCodes[0]?.cursor });
    expect(second.data?.unregisteredCodes.map((u) => u.code)).toEqual(['BOX-UNKNOWN']);
    const third = await twin.query<Page>(page, { after: second.data?.unregisteredCodes[0]?.cursor });
    expect(third.data?.unregisteredCodes).toEqual([]);
    const forged = await twin.query<Page>(page, { after: 'eyJ0IjoxfQ' });
    expect(forged.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    const tooMany = await twin.query<Page>('{ unregisteredCodes(first: 5000) { code } }');
    expect(tooMany.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
  });

  it('answers every query to an identity without a role with FORBIDDEN, and reveals nothing', async () => {
    const nobody = await sealIdentity({ subject: 'nobody', roles: [] }, secret);
    for (const query of [
      '{ alerts { id } }',
      '{ alert(id: "x") { id } }',
      '{ ingestStats { accepted } }',
      '{ deadLetters { payload } }',
      '{ unregisteredCodes { code } }',
      '{ cacheStats { hits } }',
    ]) {
      const { body } = await postToSubgraph(twin.subgraph.url, { query }, nobody);
      // A nullable field answers null, a non-null one nulls the whole data: either way nothing is revealed.
      expect(
        Object.values(body.data ?? {}).every((value) => value === null),
        query,
      ).toBe(true);
      expect(body.errors?.[0]?.extensions?.code, query).toBe('FORBIDDEN');
    }
  });

  it('lists alerts across containers by filter, newest first', async () => {
    const { data } = await twin.query<{ alerts: { container: { code: string }; state: string }[] }>(
      `{ alerts(filter: { active: true }) { container { code } state }
         cleared: alerts(filter: { containerCodes: ["BOX-A", "BOX-C"], states: [CLEARED_UNACKNOWLEDGED] }) { container { code } } }`,
    );
    expect(data).toEqual({
      alerts: [{ container: { code: 'BOX-C' }, state: 'ACTIVE_UNACKNOWLEDGED' }],
      cleared: [{ container: { code: 'BOX-A' } }],
    });
  });
});

describe('acknowledging an alert', () => {
  let twin: TwinFixture;
  const acknowledge = `mutation ($id: ID!, $note: String) {
    acknowledgeAlert(id: $id, note: $note) { id state acknowledgedAt acknowledgedBy note transitions { transition by } }
  }`;

  beforeAll(async () => {
    twin = await startTwinFixture({ container: ['BOX-ACK'] });
    const start = Date.now() - 10 * MINUTE;
    await twin.publish('bio_supply/telemetry/box/BOX-ACK', reading(start, 4));
    await twin.publish('bio_supply/telemetry/box/BOX-ACK', reading(start + MINUTE, 9.5));
  });
  afterAll(() => twin?.stop());

  const activeAlertId = async () => {
    const { data } = await twin.query<{ alerts: { id: string }[] }>(
      '{ alerts(filter: { containerCodes: ["BOX-ACK"] }) { id } }',
    );
    return data?.alerts[0]?.id as string;
  };

  it('is refused to a viewer (FORBIDDEN) and changes nothing', async () => {
    const id = await activeAlertId();
    const { errors } = await twin.query(acknowledge, { id }, 'viewer');
    expect(errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await twin.store.alert(id))?.state).toBe('ACTIVE_UNACKNOWLEDGED');
  });

  it('moves an active alert to ACTIVE_ACKNOWLEDGED with who, when and the note, then refuses a second time (CONFLICT)', async () => {
    const id = await activeAlertId();
    const before = Date.now();
    const first = await twin.query<{ acknowledgeAlert: Record<string, unknown> }>(
      acknowledge,
      { id, note: 'door closed' },
      'operator',
    );
    expect(first.errors).toBeUndefined();
    expect(first.data?.acknowledgeAlert).toMatchObject({
      id,
      state: 'ACTIVE_ACKNOWLEDGED',
      acknowledgedBy: 'test-operator',
      note: 'door closed',
      transitions: [
        { transition: 'RAISED', by: null },
        { transition: 'ACKNOWLEDGED', by: 'test-operator' },
      ],
    });
    expect(Date.parse(first.data?.acknowledgeAlert.acknowledgedAt as string)).toBeGreaterThanOrEqual(before - 1000);

    const second = await twin.query(acknowledge, { id }, 'admin');
    expect(second.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'id' });
    expect(second.errors?.[0]?.message).toContain('test-operator');
  });

  it('clearing an acknowledged alert makes it CLEARED_ACKNOWLEDGED', async () => {
    const id = await activeAlertId();
    await twin.publish('bio_supply/telemetry/box/BOX-ACK', reading(Date.now() - 5 * MINUTE, 4));
    const { data } = await twin.query<{ alert: { state: string; endedAt: string | null } }>(
      'query ($id: ID!) { alert(id: $id) { state endedAt } }',
      { id },
    );
    expect(data?.alert.state).toBe('CLEARED_ACKNOWLEDGED');
    expect(data?.alert.endedAt).not.toBeNull();
  });

  it('rejects an unknown id with NOT_FOUND', async () => {
    const { errors } = await twin.query(acknowledge, { id: 'container:BOX-ACK:nope' }, 'operator');
    expect(errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'id' });
  });
});
