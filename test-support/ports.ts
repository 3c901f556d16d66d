import { createServer } from "node:net";

/** A port that was just free on 127.0.0.1: connecting to it is refused (tests of an unreachable venue). */
export function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address !== null ? address.port : 0));
    });
  });
}
