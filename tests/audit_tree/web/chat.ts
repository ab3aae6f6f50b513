// Browser widget: streams an answer through our proxy.
import Anthropic from "@anthropic-ai/sdk";

const client = new Anthropic({ baseURL: "/proxy", dangerouslyAllowBrowser: true });

export async function ask(question: string): Promise<string> {
  const message = await client.beta.messages.create({
    model: "claude-sonnet-4-5",
    max_tokens: 1024,
    betas: ["search-results-2025-06-09"],
    messages: [{ role: "user", content: question }],
  });
  return message.content.map((block) => ("text" in block ? block.text : "")).join("");
}
