// openai-node (npm `openai`) against the relay, with the client's defaults: `new OpenAI()` reads
// OPENAI_BASE_URL and OPENAI_API_KEY. Scenarios are named in the tests (OpenAiNodeEndToEndTest).
import OpenAI from 'openai';
import { MODEL, eachVariant, main } from './lib.mjs';

const client = new OpenAI();

const weatherTool = {
  type: 'function',
  name: 'get_weather',
  description: 'Current weather for a city',
  parameters: {
    type: 'object',
    properties: { city: { type: 'string' } },
    required: ['city'],
    additionalProperties: false,
  },
  strict: true,
};

function summary(response) {
  return {
    id: response.id,
    status: response.status,
    output_text: response.output_text,
    output_types: response.output.map((item) => item.type),
    output: response.output,
    usage: response.usage,
  };
}

await main({
  // A non-streamed create.
  async create() {
    return summary(await client.responses.create({ model: MODEL, input: 'Say hello' }));
  },

  // The stream helper, which accumulates the events into a Response and checks their order.
  async stream() {
    const stream = client.responses.stream({ model: MODEL, input: 'Say hello' });
    const eventTypes = [];
    let deltas = '';
    for await (const event of stream) {
      eventTypes.push(event.type);
      if (event.type === 'response.output_text.delta') {
        deltas += event.delta;
      }
    }
    return { eventTypes, deltas, final: summary(await stream.finalResponse()) };
  },

  // One streamed answer per stream variant the test serves (IdleEventCandidatesTest).
  async idle() {
    return eachVariant(async (prompt) => {
      const stream = client.responses.stream({ model: MODEL, input: prompt });
      const eventTypes = [];
      for await (const event of stream) {
        eventTypes.push(event.type);
      }
      const final = await stream.finalResponse();
      return { eventTypes, text: final.output_text, status: final.status, output_types: final.output.map((item) => item.type) };
    });
  },

  // A function call, run by the script, and its output sent back with the whole history.
  async tools() {
    const input = [{ role: 'user', content: 'What is the weather in Paris?' }];
    const first = await client.responses.create({ model: MODEL, input, tools: [weatherTool] });
    const call = first.output.find((item) => item.type === 'function_call');
    if (!call) {
      throw new Error(`no function_call in ${JSON.stringify(first.output)}`);
    }
    const city = JSON.parse(call.arguments).city;
    input.push(...first.output, { type: 'function_call_output', call_id: call.call_id, output: `Sunny in ${city}` });
    const second = await client.responses.create({ model: MODEL, input, tools: [weatherTool] });
    return { call: { name: call.name, call_id: call.call_id, arguments: call.arguments }, first: summary(first), second: summary(second) };
  },

  // Two turns chained by previous_response_id, the second sending only its new message.
  async previous() {
    const first = await client.responses.create({ model: MODEL, input: 'My name is Ada.' });
    const second = await client.responses.create({ model: MODEL, input: 'What is my name?', previous_response_id: first.id });
    return { first: summary(first), second: summary(second) };
  },

  // A stored response through the SDK's own helpers: retrieve, inputItems.list (every page), delete.
  async stored() {
    const created = await client.responses.create({ model: MODEL, input: [
      { role: 'user', content: 'First question' },
      { role: 'user', content: 'Second question' },
    ] });
    const retrieved = await client.responses.retrieve(created.id);
    const inputItems = [];
    for await (const item of client.responses.inputItems.list(created.id, { limit: 1, order: 'asc' })) {
      inputItems.push(item);
    }
    await client.responses.delete(created.id);
    let afterDelete;
    try {
      await client.responses.retrieve(created.id);
      afterDelete = { found: true };
    } catch (error) {
      afterDelete = { found: false, status: error.status, code: error.code ?? null };
    }
    return { created: summary(created), retrieved: summary(retrieved), inputItems, afterDelete };
  },
});
