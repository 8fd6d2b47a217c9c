/** One server-sent event as GraphQL over SSE sends it: `event: next|complete` and a JSON `data`. */
export interface SseMessage {
  event: string;
  data: { data?: Record<string, unknown>; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> } | null;
}

/**
 * Opens a subscription over HTTP with `accept: text/event-stream` (what `curl -N` does) and
 * yields every message until the server ends the stream.
 */
export async function* sseSubscription(url: string, query: string, variables: Record<string, unknown>, token: string | null, signal?: AbortSignal): AsyncGenerator<SseMessage> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
    signal,
  });
  if (!response.body) throw new Error(`no body (status ${response.status})`);
  if (!(response.headers.get('content-type') ?? '').includes('text/event-stream')) {
    yield { event: 'next', data: (await response.json()) as SseMessage['data'] };
    return;
  }
  const decoder = new TextDecoder();
  let buffer = '';
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    let end = buffer.indexOf('\n\n');
    while (end >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      end = buffer.indexOf('\n\n');
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) event = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).trim());
      }
      if (event === 'message' && data.length === 0) continue; // a keep-alive comment
      const text = data.join('\n');
      yield { event, data: text ? (JSON.parse(text) as SseMessage['data']) : null };
    }
  }
}
