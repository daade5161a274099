import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  geolocationPattern,
  maxBatchReadings,
  messagePayloadSchema,
  type RejectionReason,
} from '../src/bridge/validation/index.ts';
import { emptyPayloads, invalidPayloads, validPayloads } from './support/payloadExamples.ts';

const documentPath = join(dirname(fileURLToPath(import.meta.url)), '../../../schema/asyncapi.yaml');
const document = parse(readFileSync(documentPath, 'utf8'));
const ajv = new Ajv({ strict: false, allErrors: true });
(addFormats as unknown as (ajv: Ajv) => void)(ajv);
ajv.addSchema({ components: document.components }, 'asyncapi');
const validateAgainstDocument = ajv.compile({ $ref: 'asyncapi#/components/schemas/ReadingMessage' });

describe('schema/asyncapi.yaml describes the validator the bridge really uses', () => {
  it('is an AsyncAPI 3 document with the four topic families at QoS 1', () => {
    expect(document.asyncapi).toMatch(/^3\./);
    const addresses = Object.values(document.channels as Record<string, { address: string }>).map((c) => c.address);
    expect(addresses.sort()).toEqual([
      'bio_supply/telemetry/box/{boxCode}',
      'bio_supply/telemetry/sample/{sampleCode}',
      'bio_supply/updates/box/{boxCode}',
      'bio_supply/updates/sample/{sampleCode}',
    ]);
    for (const operation of Object.values(
      document.operations as Record<string, { bindings: { mqtt: { qos: number } } }>,
    )) {
      expect(operation.bindings.mqtt.qos).toBe(1);
    }
  });

  it('uses the same geolocation pattern and batch limit as the validator', () => {
    const reading = document.components.schemas.Reading;
    expect(new RegExp(reading.properties.geolocation.pattern).source).toBe(geolocationPattern.source);
    expect(document.components.schemas.ReadingMessage.oneOf[1].maxItems).toBe(maxBatchReadings);
  });

  const examples = [
    ...Object.entries(validPayloads).map(([name, payload]) => ({ name, payload, valid: true })),
    ...Object.entries(invalidPayloads).map(([name, payload]) => ({ name, payload, valid: false })),
    ...Object.entries(emptyPayloads).map(([name, payload]) => ({ name, payload, valid: false })),
    ...(document.components.messages.reading.examples as { name: string; payload: unknown }[]).map((e) => ({
      name: `the document's example "${e.name}"`,
      payload: e.payload,
      valid: true,
    })),
  ];
  for (const { name, payload, valid } of examples) {
    it(`gives the same verdict as the bridge for ${name} (${valid ? 'valid' : 'invalid'})`, () => {
      expect(messagePayloadSchema.safeParse(payload).success).toBe(valid);
      expect(validateAgainstDocument(payload), JSON.stringify(validateAgainstDocument.errors)).toBe(valid);
    });
  }
});

describe('schema/asyncapi.yaml names every reason a message is dead-lettered for', () => {
  it('lists each RejectionReason of the validator', () => {
    const reasons: Record<RejectionReason, true> = {
      unknown_topic: true,
      oversize: true,
      bad_json: true,
      invalid_payload: true,
      no_measurement: true,
      future_time: true,
      too_old: true,
    };
    for (const reason of Object.keys(reasons)) expect(document.info.description).toContain(`\`${reason}\``);
  });
});
