// Runs key-list.ts and exits once it has disconnected. On PGlite, `$disconnect` leaves
// the embedded database open, which can keep the process alive indefinitely after the
// figures are printed; the bench waits for the process, so it would wait forever.
import { db } from "@/lib/db";

const client = db();
const disconnect = client.$disconnect.bind(client);
client.$disconnect = async () => {
  await disconnect();
  process.exit(0);
};
await import("./key-list");
