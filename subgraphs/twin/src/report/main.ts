import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { configOrExit } from '@bst/service-kit';
import { sha256 } from './buildTemperatureRecord.ts';
import { configFromEnv } from './configFromEnv.ts';

const usage = `npm run report -- (--container CODE | --sample CODE | --shipment REFERENCE) [options]
       npm run report -- --verify FILE --sha256 HEX

The auditor's temperature record, from the graph (the gateway), as CSV or JSON with its SHA-256.
  --since, --until ISO 8601   the window (defaults: the last 24 h; a sample's custody; a shipment's trip)
  --resolution readings|hourly   every reading (default for containers and samples) or hourly summaries
  --format csv|json           default csv
  --out FILE                  write the record there (default: standard output); the digest goes to standard error
  --gateway URL               default BST_GATEWAY_URL or http://127.0.0.1:4000/graphql
  --token TOKEN               a bearer token (default BST_TOKEN; npm start prints dev tokens)
  --verify FILE --sha256 HEX  check a stored copy against the digest it was issued with
Exit codes: 0 done, 2 bad input or unknown code (the error names the option), 1 anything else.`;

class ReportError extends Error {
  constructor(
    readonly code: string,
    readonly option: string | null,
    message: string,
  ) {
    super(message);
  }
}

interface Answer {
  data?: Record<string, { temperatureRecord: Record<string, string> | null } | null> | null;
  errors?: { message: string; extensions?: { code?: string; field?: string } }[];
}

const subjects = {
  container: { root: 'container(code: $code)', label: 'container' },
  sample: { root: 'sample(code: $code)', label: 'sample' },
  shipment: { root: 'shipment(reference: $code)', label: 'shipment' },
} as const;

function fail(error: unknown): never {
  if (error instanceof ReportError) {
    console.error(`${error.code}${error.option ? ` (${error.option})` : ''}: ${error.message}`);
    process.exit(error.code === 'BAD_USER_INPUT' || error.code === 'NOT_FOUND' ? 2 : 1);
  }
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}

function time(option: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (Number.isNaN(Date.parse(value)))
    throw new ReportError('BAD_USER_INPUT', `--${option}`, `not an ISO 8601 time: ${value}`);
  return new Date(value).toISOString();
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      container: { type: 'string' },
      sample: { type: 'string' },
      shipment: { type: 'string' },
      since: { type: 'string' },
      until: { type: 'string' },
      resolution: { type: 'string' },
      format: { type: 'string', default: 'csv' },
      out: { type: 'string' },
      gateway: { type: 'string' },
      token: { type: 'string' },
      verify: { type: 'string' },
      sha256: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(usage);
    return;
  }
  if (values.verify !== undefined) {
    if (!values.sha256)
      throw new ReportError('BAD_USER_INPUT', '--sha256', 'give the digest the record was issued with');
    const actual = sha256(readFileSync(values.verify, 'utf8'));
    if (actual !== values.sha256.toLowerCase()) {
      throw new ReportError('MISMATCH', '--verify', `${values.verify} has SHA-256 ${actual}, not ${values.sha256}`);
    }
    console.error(`ok: ${values.verify} matches ${actual}`);
    return;
  }
  const chosen = (['container', 'sample', 'shipment'] as const).filter((kind) => values[kind] !== undefined);
  if (chosen.length !== 1) {
    throw new ReportError(
      'BAD_USER_INPUT',
      '--container',
      `name exactly one of --container, --sample, --shipment\n\n${usage}`,
    );
  }
  const kind = chosen[0] as keyof typeof subjects;
  const format = values.format;
  if (format !== 'csv' && format !== 'json') throw new ReportError('BAD_USER_INPUT', '--format', 'csv or json');
  const resolution = values.resolution?.toUpperCase();
  if (resolution !== undefined && resolution !== 'READINGS' && resolution !== 'HOURLY') {
    throw new ReportError('BAD_USER_INPUT', '--resolution', 'readings or hourly');
  }
  const config = configOrExit(() => configFromEnv());
  const token = values.token ?? config.token;
  if (!token) throw new ReportError('UNAUTHENTICATED', '--token', 'give a bearer token (--token or BST_TOKEN)');
  const gateway = values.gateway ?? config.gatewayUrl;
  const field = format === 'csv' ? 'csv csvSha256' : 'json jsonSha256';
  const query = `query ($code: String!, $since: DateTime, $until: DateTime${resolution ? ', $resolution: RecordResolution' : ''}) {
    subject: ${subjects[kind].root} {
      temperatureRecord(since: $since, until: $until${resolution ? ', resolution: $resolution' : ''}) { ${field} }
    }
  }`;
  const response = await fetch(gateway, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({
      query,
      variables: {
        code: values[kind],
        since: time('since', values.since),
        until: time('until', values.until),
        ...(resolution ? { resolution } : {}),
      },
    }),
  });
  const answer = (await response.json()) as Answer;
  const error = answer.errors?.[0];
  if (error) {
    const option = error.extensions?.field ? `--${error.extensions.field}` : null;
    throw new ReportError(error.extensions?.code ?? 'ERROR', option, error.message);
  }
  const subject = answer.data?.subject;
  if (!subject) throw new ReportError('NOT_FOUND', `--${kind}`, `no ${subjects[kind].label} ${values[kind]}`);
  const record = subject.temperatureRecord;
  if (!record) throw new ReportError('NOT_FOUND', `--${kind}`, `${values[kind]} has no storage profile to judge it by`);
  const text = record[format] as string;
  const digest = record[`${format}Sha256`] as string;
  // The digest is of the text's UTF-8 bytes: check it before handing the record on.
  if (sha256(text) !== digest) throw new ReportError('MISMATCH', null, 'the record does not match its digest');
  if (values.out) writeFileSync(values.out, text, 'utf8');
  else process.stdout.write(text);
  console.error(`sha256 ${digest}  ${values.out ?? '-'}`);
}

main().catch(fail);
