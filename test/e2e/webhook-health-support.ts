import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** A local alert endpoint (Slack-compatible `{text}` POSTs) that keeps every text it receives. */
export interface AlertReceiver {
  url: string;
  texts: string[];
  close(): Promise<void>;
}

export async function startAlertReceiver(): Promise<AlertReceiver> {
  const texts: string[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      if (req.method === "POST") texts.push((JSON.parse(Buffer.concat(chunks).toString("utf8")) as { text: string }).text);
      res.writeHead(200, { "content-type": "text/plain" }).end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/alerts`,
    texts,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Polls until `ready()` holds (no timed assertion: the test's own timeout is the limit). */
export async function until(ready: () => boolean, stepMs = 20): Promise<void> {
  while (!ready()) await new Promise((r) => setTimeout(r, stepMs));
}
