// LangChain JS (npm `@langchain/openai`) against the relay: ChatOpenAI with useResponsesApi, all else
// default (the underlying openai client reads OPENAI_BASE_URL and OPENAI_API_KEY).
// Tests: LangChainEndToEndTest.
import { ChatOpenAI } from '@langchain/openai';
import { tool } from '@langchain/core/tools';
import { z } from 'zod';
import { MODEL, eachVariant, main } from './lib.mjs';

const model = new ChatOpenAI({ model: MODEL, useResponsesApi: true });

const getWeather = tool(async ({ city }) => `Sunny in ${city}`, {
  name: 'get_weather',
  description: 'Current weather for a city',
  schema: z.object({ city: z.string() }),
});

await main({
  async invoke() {
    const answer = await model.invoke('Say hello');
    return { text: answer.text, content: answer.content };
  },

  async stream() {
    let text = '';
    let chunks = 0;
    for await (const chunk of await model.stream('Say hello')) {
      text += chunk.text;
      chunks++;
    }
    return { text, chunks };
  },

  // One stream per stream variant the test serves (IdleEventCandidatesTest).
  async idle() {
    return eachVariant(async (prompt) => {
      let text = '';
      for await (const chunk of await model.stream(prompt)) {
        text += chunk.text;
      }
      return { text };
    });
  },

  // The loop an app writes by hand: the call, the tool run, the whole history sent back.
  async tools() {
    const withTools = model.bindTools([getWeather]);
    const messages = [{ role: 'user', content: 'What is the weather in Paris?' }];
    const first = await withTools.invoke(messages);
    messages.push(first);
    for (const call of first.tool_calls) {
      messages.push(await getWeather.invoke(call));
    }
    const second = await withTools.invoke(messages);
    return { toolCalls: first.tool_calls, text: second.text };
  },
});
