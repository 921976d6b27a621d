// The OpenAI Agents SDK (npm `@openai/agents`) against the relay, with its defaults: its default
// OpenAI client reads OPENAI_BASE_URL and OPENAI_API_KEY and calls the Responses API. The test sets
// OPENAI_AGENTS_DISABLE_TRACING=1, else the SDK would export traces to api.openai.com with the key.
// Tests: AgentsSdkEndToEndTest.
import { Agent, run, tool } from '@openai/agents';
import { z } from 'zod';
import { MODEL, eachVariant, main } from './lib.mjs';

const getWeather = tool({
  name: 'get_weather',
  description: 'Current weather for a city',
  parameters: z.object({ city: z.string() }),
  execute: async ({ city }) => `Sunny in ${city}`,
});

const agent = new Agent({ name: 'Assistant', instructions: 'Answer briefly.', model: MODEL, tools: [getWeather] });

function itemsOf(result) {
  return result.newItems.map((item) => ({ type: item.type, raw: item.rawItem }));
}

await main({
  async tools() {
    const result = await run(agent, 'What is the weather in Paris?');
    return { finalOutput: result.finalOutput, lastResponseId: result.lastResponseId, items: itemsOf(result) };
  },

  async toolsStream() {
    const result = await run(agent, 'What is the weather in Paris?', { stream: true });
    const eventTypes = [];
    for await (const event of result) {
      eventTypes.push(event.type === 'raw_model_stream_event' ? `raw:${event.data.type}` : event.type);
    }
    await result.completed;
    return { finalOutput: result.finalOutput, lastResponseId: result.lastResponseId, items: itemsOf(result), eventTypes };
  },

  // One streamed run per stream variant the test serves (IdleEventCandidatesTest).
  async idle() {
    const plain = new Agent({ name: 'Assistant', instructions: 'Answer briefly.', model: MODEL });
    return eachVariant(async (prompt) => {
      const result = await run(plain, prompt, { stream: true });
      for await (const event of result) {
        // drain
      }
      await result.completed;
      if (result.error) {
        throw result.error;
      }
      return { text: result.finalOutput };
    });
  },

  // Turn 2 continues turn 1 through the server's state.
  async previous() {
    const first = await run(agent, 'My name is Ada.');
    const second = await run(agent, 'What is my name?', { previousResponseId: first.lastResponseId });
    return {
      first: { finalOutput: first.finalOutput, lastResponseId: first.lastResponseId },
      second: { finalOutput: second.finalOutput, lastResponseId: second.lastResponseId },
    };
  },
});
