// Shared by the client scripts the end-to-end tests run (dev.responsesrelay.clients.NodeClients).
// Each script runs one named scenario (argv[2]) against the relay that OPENAI_BASE_URL and
// OPENAI_API_KEY point at, the way a user configures these clients, and prints one JSON line:
// {"ok":true,"result":{...},"requests":[...]} or {"ok":false,"error":{...},"requests":[...]}.

/** The model the scripted upstream serves. */
export const MODEL = 'scripted-model';

// What each client sent, for the tests' assertions. Wrapping the global fetch leaves every client
// setting at its default: all four clients call globalThis.fetch when none is configured.
const requests = [];
const originalFetch = globalThis.fetch;
globalThis.fetch = async (input, init) => {
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  let body = null;
  if (init && typeof init.body === 'string') {
    try {
      body = JSON.parse(init.body);
    } catch {
      body = init.body;
    }
  }
  requests.push({ method: (init && init.method) || 'GET', url, body });
  return originalFetch(input, init);
};

/** Runs scenarios[argv[2]] and prints its outcome as one JSON line; exit code 1 if it threw. */
export async function main(scenarios) {
  const name = process.argv[2];
  const scenario = scenarios[name];
  if (!scenario) {
    print({ ok: false, error: { message: `unknown scenario ${name}; known: ${Object.keys(scenarios).join(', ')}` } });
    process.exit(2);
  }
  try {
    const result = await scenario();
    print({ ok: true, result, requests });
  } catch (error) {
    print({ ok: false, error: describe(error), requests });
    process.exitCode = 1;
  }
}

/** An error as JSON: the fields the SDKs put on HTTP and stream errors. */
export function describe(error) {
  if (error === null || typeof error !== 'object') {
    return { message: String(error) };
  }
  const described = { name: error.name, message: String(error.message) };
  for (const field of ['status', 'code', 'param', 'type', 'statusCode', 'responseBody', 'error']) {
    if (error[field] !== undefined) {
      described[field] = error[field];
    }
  }
  if (error.cause) {
    described.cause = describe(error.cause);
  }
  return described;
}

function print(value) {
  process.stdout.write(JSON.stringify(value) + '\n');
}

/**
 * Runs `attempt(prompt)` once per stream variant the test serves (IdleEventCandidatesTest): the
 * prompt names the variant, so the server picks the stream by what it reads, not by arrival order
 * (a client's retry cannot shift the variants). Each outcome is {ok, value} or {ok:false, error}.
 */
export async function eachVariant(attempt) {
  const count = Number(process.env.RELAY_TEST_VARIANTS ?? '0');
  const outcomes = [];
  for (let variant = 0; variant < count; variant++) {
    try {
      outcomes.push({ variant, ok: true, value: await attempt(`variant ${variant}`) });
    } catch (error) {
      outcomes.push({ variant, ok: false, error: describe(error) });
    }
  }
  return outcomes;
}
