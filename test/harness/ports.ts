import { createServer } from "node:net";

/** Asks the kernel for a free loopback TCP port, so parallel runs never collide on fixed ports. */
export async function findFreePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      if (address === null || typeof address === "string") {
        server.close();
        reject(new Error("could not read the port of a loopback listener"));
        return;
      }
      const { port } = address;
      server.close(() => resolve(port));
    });
  });
}
