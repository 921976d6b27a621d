// The Vercel AI SDK (npm `ai` + `@ai-sdk/openai`) against the relay, with its defaults: the default
// `openai` provider reads OPENAI_BASE_URL and OPENAI_API_KEY, and `openai(model)` is its Responses
// API model. The tool loops use ToolLoopAgent, whose default stop condition is 20 steps (the SDK's
// default multi-step loop; plain generateText stops after one step). Tests: AiSdkEndToEndTest.
import { openai } from '@ai-sdk/openai';
import { ToolLoopAgent, generateText, streamText, tool } from 'ai';
import { z } from 'zod';
import { MODEL, eachVariant, main } from './lib.mjs';

const tools = {
  get_weather: tool({
    description: 'Current weather for a city',
    inputSchema: z.object({ city: z.string() }),
    execute: async ({ city }) => `Sunny in ${city}`,
  }),
};

function stepsOf(result) {
  return result.steps.map((step) => ({
    finishReason: step.finishReason,
    text: step.text,
    reasoningText: step.reasoningText ?? null,
    toolCalls: step.toolCalls.map((call) => ({ toolName: call.toolName, input: call.input })),
    toolResults: step.toolResults.map((result) => ({ toolName: result.toolName, output: result.output })),
    responseId: step.response.id,
  }));
}

await main({
  async generate() {
    const result = await generateText({ model: openai(MODEL), prompt: 'Say hello' });
    return { text: result.text, reasoningText: result.reasoningText ?? null, warnings: result.warnings, steps: stepsOf(result) };
  },

  async stream() {
    const result = streamText({ model: openai(MODEL), prompt: 'Say hello' });
    const partTypes = [];
    for await (const part of result.fullStream) {
      partTypes.push(part.type);
    }
    return { text: await result.text, partTypes, steps: stepsOf({ steps: await result.steps }) };
  },

  // One streamText per stream variant the test serves (IdleEventCandidatesTest). streamText does
  // not throw on a stream error: it reports an `error` part, so those are collected too.
  async idle() {
    return eachVariant(async (prompt) => {
      const result = streamText({ model: openai(MODEL), prompt, onError: () => {} });
      const partTypes = [];
      const errors = [];
      for await (const part of result.fullStream) {
        partTypes.push(part.type);
        if (part.type === 'error') {
          errors.push(String(part.error?.message ?? part.error));
        }
      }
      if (errors.length) {
        throw new Error(`stream error part(s): ${errors.join('; ')}`);
      }
      return { text: await result.text, finishReason: await result.finishReason, partTypes };
    });
  },

  // The default multi-step loop, non-streamed: a tool call, the tool run, the answer.
  async agentTools() {
    const agent = new ToolLoopAgent({ model: openai(MODEL), tools });
    const result = await agent.generate({ prompt: 'What is the weather in Paris?' });
    return { text: result.text, steps: stepsOf(result) };
  },

  // The same loop streamed.
  async agentToolsStream() {
    const agent = new ToolLoopAgent({ model: openai(MODEL), tools });
    const result = await agent.stream({ prompt: 'What is the weather in Paris?' });
    const partTypes = [];
    for await (const part of result.fullStream) {
      partTypes.push(part.type);
    }
    return { text: await result.text, partTypes, steps: stepsOf({ steps: await result.steps }) };
  },

  // A two-turn chat as an app keeps it: turn 2 sends turn 1's messages back, which the SDK turns
  // into item_reference items because `store` is left unset.
  async twoTurns() {
    const messages = [{ role: 'user', content: 'My name is Ada.' }];
    const first = await generateText({ model: openai(MODEL), messages });
    messages.push(...first.response.messages, { role: 'user', content: 'What is my name?' });
    const second = await generateText({ model: openai(MODEL), messages });
    return { first: { text: first.text, steps: stepsOf(first) }, second: { text: second.text, steps: stepsOf(second) } };
  },
});
