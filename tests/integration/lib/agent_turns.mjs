// The request bodies of a coding agent's conversation, turn by turn: every turn repeats the tools, the
// system prompt and every earlier message, and adds an assistant tool call and its result. Each
// repeated piece carries a marker (`tag` keeps two tests' markers apart) so a test can find where it is
// stored: the tools "ToolMarker-<tag>", message m "Message<m>Marker-<tag>". sendTurns sends them in
// order (`send(body)` -> response) and returns the request ids.
const pad = (n) => 'The agent reads the file and explains what it does. '.repeat(Math.ceil(n / 52)).slice(0, n);

export function agentTurns(tag, turns) {
  const tools = ['Read', 'Bash', 'Edit'].map((name) => ({
    name,
    description: `${name} tool. ${name === 'Read' ? `ToolMarker-${tag} ` : ''}${pad(1200)}`,
    input_schema: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] },
  }));
  const system = [{ type: 'text', text: `You are a coding agent. ${pad(2500)}` }];
  const conversation = [];
  const bodies = [];
  for (let t = 0; t < turns; t++) {
    const m = conversation.length;
    conversation.push(
      { role: 'assistant', content: [{ type: 'tool_use', id: `toolu_${tag}_${t}`, name: 'Read', input: { path: `/src/file${t}.cc`, note: `Message${m}Marker-${tag} ${pad(600)}` } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: `toolu_${tag}_${t}`, content: `Message${m + 1}Marker-${tag} ${pad(900)}` }] },
    );
    bodies.push({ system, tools, messages: [{ role: 'user', content: 'Explain the sources.' }, ...conversation] });
  }
  return bodies;
}

export async function sendTurns(turns, send) {
  const ids = [];
  for (const body of turns) {
    const r = await send(body);
    if (r.status !== 200) throw new Error(`turn ${ids.length}: ${r.status} ${r.text}`);
    ids.push(r.headers['x-request-id']);
  }
  return ids;
}
